package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func TestHealthz(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, false)
		c := srv.NewClient(t)
		resp, body := c.Do("GET", "/healthz", nil)
		v := st.KnownSchemaVersion()
		// The schema requires what its newest migration says: an expand migration
		// (onedoor:compatible-from) lets the release before it serve.
		state, err := st.SchemaStatus(context.Background())
		if err != nil || state.Requires < 1 || state.Requires > v {
			t.Fatalf("schema status %+v %v", state, err)
		}
		want := fmt.Sprintf(`{"status":"ok","store":"%s","schema":{"database":%d,"binary":%d,"requires":%d}}`, st.Dialect(), v, v, state.Requires)
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != want {
			t.Fatalf("healthz = %d %s, want 200 %s", resp.StatusCode, body, want)
		}
		st.Close()
		resp, body = c.Do("GET", "/healthz", nil)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"status":"down"`) {
			t.Fatalf("healthz with the store closed = %d %s, want 503 down", resp.StatusCode, body)
		}
	})
}

func TestLoginErrors(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		resp, _ := admin.Do("GET", "/api/v1/users?role=viewer", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("list users: %d", resp.StatusCode)
		}
		// Deactivate one account to see its refusal.
		u, _, err := st.UserCredentials(context.Background(), "suji.viewer")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserActive(context.Background(), store.NotAudited("test fixture"), u.ID, false); err != nil {
			t.Fatal(err)
		}
		huge := `{"username":"county.admin","password":"` + strings.Repeat("x", 2<<20) + `"}`
		tests := []struct {
			name        string
			contentType string
			body        string
			status      int
			code, field string
		}{
			{"wrong password", "application/json", `{"username":"county.admin","password":"Wrong@2026"}`, 401, "invalid_credentials", ""},
			{"unknown user", "application/json", `{"username":"nobody","password":"Onedoor@2026"}`, 401, "invalid_credentials", ""},
			{"deactivated account", "application/json", `{"username":"suji.viewer","password":"Onedoor@2026"}`, 403, "account_disabled", ""},
			{"malformed JSON", "application/json", `{"username":"county.admin",`, 400, "malformed_json", ""},
			{"not JSON at all", "application/json", `username=county.admin`, 400, "malformed_json", ""},
			{"trailing data", "application/json", `{"username":"a","password":"b"} {}`, 400, "malformed_json", ""},
			{"empty body", "application/json", ``, 400, "empty_body", ""},
			{"unknown field", "application/json", `{"username":"a","password":"b","admin":true}`, 422, "unknown_field", "admin"},
			{"wrong type", "application/json", `{"username":42,"password":"b"}`, 422, "wrong_type", "username"},
			{"missing user name", "application/json", `{"password":"b"}`, 422, "required", "username"},
			{"missing password", "application/json", `{"username":"county.admin"}`, 422, "required", "password"},
			{"oversized body", "application/json", huge, 413, "body_too_large", ""},
			{"form instead of JSON", "application/x-www-form-urlencoded", `username=a&password=b`, 415, "unsupported_media_type", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c := srv.NewClient(t)
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session", strings.NewReader(tc.body))
				req.Header.Set("Content-Type", tc.contentType)
				resp, body := c.Send(req)
				e := testutil.DecodeError(t, body)
				if resp.StatusCode != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field {
					t.Fatalf("got %d %s, want %d code=%s field=%s", resp.StatusCode, body, tc.status, tc.code, tc.field)
				}
				if !containsHan(e.Error.Message) {
					t.Fatalf("message %q is not Chinese", e.Error.Message)
				}
				if len(resp.Cookies()) > 0 && resp.Cookies()[0].Name == "od_session" && resp.Cookies()[0].Value != "" {
					t.Fatal("a refused login set a session cookie")
				}
			})
		}
	})
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// clock is a settable time source for the sign-in service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func TestSessionLifecycle(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Now()}
		srv.App.Auth().Now = clk.Now

		c := srv.Login(t, "fucheng.clerk", demo.Password)
		resp, body := c.Do("GET", "/api/v1/me", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"username":"fucheng.clerk"`) || !strings.Contains(string(body), "附城镇") {
			t.Fatalf("me = %d %s", resp.StatusCode, body)
		}

		// Activity inside the idle window keeps the session alive past the window.
		for i := 0; i < 3; i++ {
			clk.Add(srv.Cfg.IdleTimeout - time.Minute)
			if resp, body := c.Do("GET", "/api/v1/me", nil); resp.StatusCode != 200 {
				t.Fatalf("active session refused after %d idle steps: %d %s", i+1, resp.StatusCode, body)
			}
		}
		// Idle for longer than the window: expired, and said so.
		clk.Add(srv.Cfg.IdleTimeout + time.Second)
		resp, body = c.Do("GET", "/api/v1/me", nil)
		if e := testutil.DecodeError(t, body); resp.StatusCode != 401 || e.Error.Code != "session_expired" {
			t.Fatalf("idle session = %d %s, want 401 session_expired", resp.StatusCode, body)
		}
		// The expired session is gone, so the same cookie now means nothing at all.
		resp, body = c.Do("GET", "/api/v1/me", nil)
		if resp.StatusCode != 401 {
			t.Fatalf("after expiry = %d %s", resp.StatusCode, body)
		}

		// The absolute limit ends even a busy session.
		c = srv.Login(t, "fucheng.clerk", demo.Password)
		for elapsed := 20 * time.Minute; elapsed < srv.Cfg.AbsoluteTimeout; elapsed += 20 * time.Minute {
			clk.Add(20 * time.Minute)
			if resp, body := c.Do("GET", "/api/v1/me", nil); resp.StatusCode != 200 {
				t.Fatalf("busy session refused %v after login: %d %s", elapsed, resp.StatusCode, body)
			}
		}
		clk.Add(21 * time.Minute) // 12h01m after login, 21 minutes after the last request
		resp, body = c.Do("GET", "/api/v1/me", nil)
		if e := testutil.DecodeError(t, body); resp.StatusCode != 401 || e.Error.Code != "session_expired" {
			t.Fatalf("session past its absolute limit = %d %s", resp.StatusCode, body)
		}

		// Logout ends the session server-side: the old cookie no longer works.
		c = srv.Login(t, "fucheng.clerk", demo.Password)
		u, _ := url.Parse(srv.URL)
		cookies := c.HTTP.Jar.Cookies(u)
		if resp, _ := c.Do("DELETE", "/api/v1/session", nil); resp.StatusCode != 204 {
			t.Fatalf("logout = %d", resp.StatusCode)
		}
		replay := srv.NewClient(t)
		replay.HTTP.Jar.SetCookies(u, cookies)
		if resp, _ := replay.Do("GET", "/api/v1/me", nil); resp.StatusCode != 401 {
			t.Fatalf("replayed cookie after logout = %d, want 401", resp.StatusCode)
		}

		// Each login mints a new session id.
		a := srv.Login(t, "fucheng.clerk", demo.Password)
		b := srv.Login(t, "fucheng.clerk", demo.Password)
		if a.HTTP.Jar.Cookies(u)[0].Value == b.HTTP.Jar.Cookies(u)[0].Value {
			t.Fatal("two logins share a session id")
		}
	})
}

func TestCSRF(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		newDept := func(code string) []byte {
			return []byte(`{"region_id":1,"code":"` + code + `","name":"县应急管理局"}`)
		}
		send := func(header map[string]string, body []byte) (*http.Response, []byte) {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/departments", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range header {
				req.Header.Set(k, v)
			}
			return admin.Send(req)
		}
		tests := []struct {
			name   string
			header map[string]string
			status int
			code   string
		}{
			{"missing token", nil, 403, "csrf_missing"},
			{"wrong token", map[string]string{"X-CSRF-Token": "forged"}, 403, "csrf_invalid"},
			{"cross-site origin with token", map[string]string{"X-CSRF-Token": admin.CSRF, "Origin": "https://evil.example"}, 403, "csrf_cross_site"},
			{"browser says cross-site", map[string]string{"X-CSRF-Token": admin.CSRF, "Sec-Fetch-Site": "cross-site"}, 403, "csrf_cross_site"},
		}
		for _, tc := range tests {
			resp, body := send(tc.header, newDept("emergency"))
			if resp.StatusCode != tc.status || testutil.DecodeError(t, body).Error.Code != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, resp.StatusCode, body, tc.status, tc.code)
			}
		}
		resp, body := send(map[string]string{"X-CSRF-Token": admin.CSRF, "Origin": srv.URL}, newDept("emergency"))
		if resp.StatusCode != 201 {
			t.Fatalf("with the right token: %d %s", resp.StatusCode, body)
		}

		// The login form carries its own token, bound to a cookie set with the form.
		page := srv.NewClient(t)
		form := url.Values{"username": {"county.admin"}, "password": {demo.Password}}
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body = page.Send(req)
		if resp.StatusCode != 403 || !strings.Contains(string(body), "安全令牌") {
			t.Fatalf("login form without token = %d, want 403 with a Chinese message", resp.StatusCode)
		}

		// A bearer token carries no ambient credential and needs no CSRF token.
		resp, body = admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "12345 热线对接", "user_id": 1})
		if resp.StatusCode != 201 {
			t.Fatalf("issue token: %d %s", resp.StatusCode, body)
		}
		tok := jsonField(t, body, "token")
		req, _ = http.NewRequest("POST", srv.URL+"/api/v1/departments", bytes.NewReader(newDept("emergency2")))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		if resp, body := srv.NewClient(t).Send(req); resp.StatusCode != 201 {
			t.Fatalf("bearer call without CSRF token = %d %s", resp.StatusCode, body)
		}
	})
}

func TestSecurityHeadersAndAssets(t *testing.T) {
	srv := testutil.NewServer(t, testutil.NewStore(t, store.SQLite), false)
	c := srv.NewClient(t)
	resp, body := c.Do("GET", "/login", nil)
	want := map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"Cache-Control":          "no-store",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if strings.Contains(string(body), "<script>") || strings.Contains(string(body), " style=") {
		t.Error("page has inline script or style, which the CSP would block")
	}
	for _, cookie := range resp.Cookies() {
		if !cookie.HttpOnly || cookie.SameSite == http.SameSiteNoneMode || cookie.SameSite == http.SameSiteDefaultMode {
			t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", cookie.Name, cookie.HttpOnly, cookie.SameSite)
		}
	}
	i := strings.Index(string(body), "/static/app.")
	if i < 0 {
		t.Fatal("page links no hashed stylesheet")
	}
	href := string(body[i : i+strings.IndexByte(string(body[i:]), '"')])
	resp, css := c.Do("GET", href, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || len(css) == 0 {
		t.Fatalf("asset %s = %d cache %q", href, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := c.Do("GET", "/static/app.css", nil); resp.StatusCode != 404 {
		t.Fatalf("unhashed asset name = %d, want 404", resp.StatusCode)
	}
}
