package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func login(srv *testutil.Server, t *testing.T, user, pw, ip string) (*http.Response, testutil.APIError) {
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw)))
	req.Header.Set("Content-Type", "application/json")
	if ip != "" {
		req.RemoteAddr = ip // httptest ignores it; throttling is tested through the service below
	}
	resp, body := srv.NewClient(t).Send(req)
	var e testutil.APIError
	testutil.DecodeJSON(t, body, &e)
	return resp, e
}

func TestLockoutAndUnlock(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		for i := 1; i < auth.MaxFailures; i++ {
			if resp, e := login(srv, t, "suji.clerk", "Wrong#2026", ""); resp.StatusCode != 401 || e.Error.Code != "invalid_credentials" {
				t.Fatalf("failure %d: %d %+v", i, resp.StatusCode, e)
			}
		}
		resp, e := login(srv, t, "suji.clerk", "Wrong#2026", "")
		if resp.StatusCode != 403 || e.Error.Code != "account_locked" || !strings.Contains(e.Error.Message, "锁定") || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("fifth failure: %d %+v", resp.StatusCode, e)
		}
		// Locked means locked: the right password does not get in either.
		if resp, e := login(srv, t, "suji.clerk", demo.Password, ""); resp.StatusCode != 403 || e.Error.Code != "account_locked" {
			t.Fatalf("right password while locked: %d %+v", resp.StatusCode, e)
		}
		// Only an admin of the account's region unlocks it.
		u, _, _ := st.UserCredentials(context.Background(), "suji.clerk")
		other := srv.Login(t, "fucheng.admin", demo.Password)
		if resp, _ := other.Do("POST", fmt.Sprintf("/api/v1/users/%d/unlock", u.ID), nil); resp.StatusCode != 404 {
			t.Fatalf("another township's admin unlocking: %d", resp.StatusCode)
		}
		admin := srv.Login(t, "suji.admin", demo.Password)
		if resp, _ := admin.Do("POST", fmt.Sprintf("/api/v1/users/%d/unlock", u.ID), nil); resp.StatusCode != 204 {
			t.Fatalf("unlock: %d", resp.StatusCode)
		}
		srv.Login(t, "suji.clerk", demo.Password)

		// The lock also runs out by itself.
		for i := 0; i < auth.MaxFailures; i++ {
			login(srv, t, "jinggu.clerk", "Wrong#2026", "")
		}
		srv.App.Auth().Now = func() time.Time { return time.Now().Add(auth.LockFor + time.Minute) }
		defer func() { srv.App.Auth().Now = time.Now }()
		if resp, e := login(srv, t, "jinggu.clerk", demo.Password, ""); resp.StatusCode != 201 {
			t.Fatalf("after the lock ran out: %d %+v", resp.StatusCode, e)
		}
	})
}

func TestAddressThrottling(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, true)
	// Every test request comes from 127.0.0.1: spread the failures over accounts so
	// none locks, and the address is what stops them.
	users := []string{"county.viewer", "fucheng.viewer", "suji.viewer", "jinggu.viewer", "nobody"}
	for i := 0; i < auth.IPFailures; i++ {
		resp, e := login(srv, t, users[i%len(users)], "Wrong#2026", "")
		if resp.StatusCode == 429 {
			t.Fatalf("throttled after only %d failures: %+v", i, e)
		}
	}
	resp, e := login(srv, t, "county.clerk", demo.Password, "")
	if resp.StatusCode != 429 || e.Error.Code != "too_many_attempts" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures from one address: %d %+v", auth.IPFailures, resp.StatusCode, e)
	}
}

func TestAuditTrail(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		login(srv, t, "county.admin", "Wrong#2026", "")
		admin := srv.Login(t, "county.admin", demo.Password)
		admin.Do("POST", "/api/v1/departments", map[string]any{"region_id": 1, "code": "emergency", "name": "县应急管理局"})
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		f := &flow{t: t}
		f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}))
		f.act(clerk, "comment", map[string]any{"note": "已电话联系"}, "accepted")
		f.refused(clerk, "archive", nil, 409, "state")
		clerk.Do("DELETE", "/api/v1/session", nil)
		if resp, _ := clerk.Do("GET", "/api/v1/audit", nil); resp.StatusCode != 401 {
			t.Fatalf("signed-out clerk reads the audit log: %d", resp.StatusCode)
		}
		resp, raw := admin.Do("GET", "/api/v1/audit?limit=50", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("audit: %d %s", resp.StatusCode, raw)
		}
		var rows struct{ Items []store.AuditRow }
		testutil.DecodeJSON(t, raw, &rows)
		var got []string
		for i := len(rows.Items) - 1; i >= 0; i-- {
			r := rows.Items[i]
			got = append(got, r.Action+"/"+r.Actor)
			if r.ClientIP != "127.0.0.1" || r.Hash == "" {
				t.Errorf("row %d: ip %q hash %q", r.ID, r.ClientIP, r.Hash)
			}
		}
		want := "login.failed/county.admin login/county.admin department.create/county.admin login/fucheng.clerk " +
			"case.register/fucheng.clerk case.comment/fucheng.clerk logout/fucheng.clerk"
		if strings.Join(got, " ") != want {
			t.Fatalf("audit trail:\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		// A refused action changed nothing and left no row; the chain verifies.
		if n, broken, err := st.VerifyAudit(context.Background()); err != nil || broken != nil || n != 7 {
			t.Fatalf("verify: %d %+v %v", n, broken, err)
		}
		if resp, _ := srv.Login(t, "county.clerk", demo.Password).Do("GET", "/api/v1/audit", nil); resp.StatusCode != 403 {
			t.Fatalf("a clerk reads the audit log: %d", resp.StatusCode)
		}
		resp, csv := admin.Do("GET", "/admin/audit.csv?action=case.", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(csv), "case.register") || strings.Contains(string(csv), "department.create") {
			t.Fatalf("export: %d\n%s", resp.StatusCode, csv)
		}
		if last, _ := st.AuditRows(context.Background(), store.AuditFilter{Limit: 1}); last[0].Action != "audit.export" {
			t.Fatalf("the export itself is not audited: %+v", last)
		}
	})
}
