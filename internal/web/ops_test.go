package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// get sends a GET with headers and returns the response and its body.
func get(t *testing.T, url string, headers map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// /metrics shows the request latency by route, the intake, the open and overdue
// cases, the outbox, the audit entries waiting, the jobs and the pools — to a
// scraper asking directly from an allowed address, and to nobody through a proxy.
func TestMetrics(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		if resp, raw := clerk.Do("POST", "/api/v1/cases", walkIn(t, st)); resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		clerk.Do("GET", "/api/v1/cases/1", nil)
		if _, err := web.SweepOnce(context.Background(), st, slog.New(slog.NewTextHandler(io.Discard, nil)), srv.App.Cases().Now()); err != nil {
			t.Fatal(err)
		}
		runner := srv.App.Jobs()
		if _, err := runner.RunOnce(context.Background(), "deadline-sweep"); err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, srv.URL+"/metrics", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("/metrics: %d %s", resp.StatusCode, body)
		}
		for _, want := range []string{
			`onedoor_http_request_duration_seconds_count{code="201",method="POST",route="POST /api/v1/cases"} 1`,
			`route="GET /api/v1/cases/{id}"`,
			`onedoor_cases_registered_total{channel="walk_in",kind="dispute"} 1`,
			"onedoor_cases_open 1", "onedoor_cases_overdue 0",
			"onedoor_outbox_pending ", "onedoor_outbox_failed ", "onedoor_audit_pending ",
			`onedoor_job_last_run_timestamp_seconds{job="deadline-sweep"}`, `onedoor_job_lag_seconds{job="deadline-sweep"}`,
			`onedoor_job_last_failed{job="deadline-sweep"} 0`, `onedoor_job_runs_total{job="deadline-sweep"} 1`,
			`onedoor_db_pool_max_connections{pool="writers"}`, `onedoor_db_pool_in_use_connections{pool="readers"}`,
			"onedoor_db_retries_total 0", "onedoor_store_figures_up 1", "go_goroutines",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if resp, _ := get(t, srv.URL+"/metrics", map[string]string{"X-Forwarded-For": "203.0.113.9"}); resp.StatusCode != 404 {
			t.Errorf("/metrics through a proxy: %d", resp.StatusCode)
		}
	})
}

// /metrics from an address -metrics-from does not allow is not found.
func TestMetricsOnlyToAllowedAddresses(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServerWith(t, st, false, func(c *config.Config) {
		c.MetricsFrom = config.PrefixList{netip.MustParsePrefix("10.0.0.0/8")}
	})
	if resp, _ := get(t, srv.URL+"/metrics", nil); resp.StatusCode != 404 {
		t.Fatalf("/metrics to 127.0.0.1 outside -metrics-from: %d", resp.StatusCode)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Every request has an id, taken from a trusted proxy's X-Request-Id and made up
// otherwise, answered in X-Request-Id; every JSON log line of the request carries
// it and the user, durations in ms.
func TestRequestIDsInEveryLogLine(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	cfg, _, err := config.Load([]string{"-trusted-proxies", "127.0.0.1"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(httpx.LogHandler(slog.NewJSONHandler(&logs, nil)))
	if err := demo.SeedCounty(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	app, err := web.New(cfg, log, st)
	if err != nil {
		t.Fatal(err)
	}
	srv := testutil.Serve(t, app, st, cfg)
	clerk := srv.Login(t, "fucheng.clerk", demo.Password)
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cases/999999", nil)
	req.Header.Set("X-Request-Id", "nginx-4f2a")
	resp, _ := clerk.Send(req)
	if resp.StatusCode != 404 || resp.Header.Get("X-Request-Id") != "nginx-4f2a" {
		t.Fatalf("a proxy's request id: %d %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/cases/999999", nil)
	req.Header.Set("X-Request-Id", "bad id with spaces")
	if resp, _ := clerk.Send(req); resp.Header.Get("X-Request-Id") == "bad id with spaces" || len(resp.Header.Get("X-Request-Id")) != 16 {
		t.Fatalf("a malformed id was taken: %q", resp.Header.Get("X-Request-Id"))
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %s", line)
		}
		if rec["msg"] == "request" && rec["request_id"] == "nginx-4f2a" {
			found = true
			if rec["user"] != "fucheng.clerk" || rec["route"] != "GET /api/v1/cases/{id}" {
				t.Errorf("the request's line: %s", line)
			}
			if _, ok := rec["ms"].(float64); !ok {
				t.Errorf("no duration in ms: %s", line)
			}
		}
	}
	if !found {
		t.Fatalf("no request line with the proxy's id in:\n%s", logs.String())
	}
}

// Behind a trusted proxy: its X-Forwarded-Proto makes a request HTTPS (HSTS is
// sent), its X-Forwarded-Host is the host the CSRF check compares the Origin with;
// with -public-url, a proxy that passes neither still lets sign-in through; an
// untrusted peer's headers count for nothing.
func TestBehindAProxy(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServerWith(t, st, true, func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		c.HSTS = 365 * 24 * 3600 * 1e9
		c.PublicURL = "https://zongzhi.example.cn"
	})
	resp, _ := get(t, srv.URL+"/healthz", map[string]string{"X-Forwarded-Proto": "https"})
	if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Fatalf("HSTS over a proxy's HTTPS: %q", got)
	}
	if resp, _ := get(t, srv.URL+"/healthz", nil); resp.Header.Get("Strict-Transport-Security") != "" {
		t.Fatal("HSTS on plain HTTP")
	}
	login := func(origin, fwdHost string) int {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session", strings.NewReader(`{"username":"county.clerk","password":"`+demo.Password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		if fwdHost != "" {
			req.Header.Set("X-Forwarded-Host", fwdHost)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		origin, fwdHost string
		want            int
	}{
		{"https://county.example.cn", "county.example.cn", 201}, // the proxy passes the host
		{"https://zongzhi.example.cn", "", 201},                 // it does not: -public-url
		{"https://evil.example", "", 403},
	} {
		if got := login(tc.origin, tc.fwdHost); got != tc.want {
			t.Errorf("sign-in from %s (forwarded host %q): %d, want %d", tc.origin, tc.fwdHost, got, tc.want)
		}
	}
}
