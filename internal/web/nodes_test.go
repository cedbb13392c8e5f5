package web_test

import (
	"fmt"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Two nodes serve one database (behind a balancer that may send each request to
// either): a session signed in on one is valid on the other, a case registered on
// one is handled on the other, and a sign-out on one ends the session on both.
// (Each sweep runs once across nodes: TestTwoNodesRunEachSweepOnce.)
func TestTwoNodesShareCasesAndSessions(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			key := testutil.NewAuditKey(t)
			stA := testutil.OpenStore(t, dsn, key)
			nodeA := testutil.NewServer(t, stA, true)
			nodeB := testutil.NewServer(t, testutil.OpenStore(t, dsn, key), false)

			onA := nodeA.Login(t, "county.clerk", demo.Password)
			// The same browser, its next request sent to node B: both servers are on
			// 127.0.0.1, so the jar sends the session cookie to either.
			onB := nodeB.NewClient(t)
			onB.HTTP.Jar, onB.CSRF = onA.HTTP.Jar, onA.CSRF

			resp, raw := onA.Do("POST", "/api/v1/cases", walkIn(t, stA))
			if resp.StatusCode != 201 {
				t.Fatalf("register on node A: %d %s", resp.StatusCode, raw)
			}
			var c struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			}
			testutil.DecodeJSON(t, raw, &c)
			page := fmt.Sprintf("/api/v1/cases/%d", c.ID)
			if resp, raw := onB.Do("GET", page, nil); resp.StatusCode != 200 || !strings.Contains(string(raw), `"state":"registered"`) {
				t.Fatalf("node B reading the case node A registered: %d %s", resp.StatusCode, testutil.Excerpt(raw))
			}
			if resp, raw := onB.Do("POST", page+"/actions/accept", map[string]any{}); resp.StatusCode != 200 {
				t.Fatalf("accept on node B with node A's session: %d %s", resp.StatusCode, testutil.Excerpt(raw))
			}
			if resp, raw := onA.Do("GET", page, nil); resp.StatusCode != 200 || !strings.Contains(string(raw), `"state":"accepted"`) {
				t.Fatalf("node A after node B accepted the case: %d %s", resp.StatusCode, testutil.Excerpt(raw))
			}
			// A form's CSRF token from node A is good on node B: a write without one is not.
			noToken := nodeB.NewClient(t)
			noToken.HTTP.Jar = onA.HTTP.Jar
			if resp, _ := noToken.Do("POST", page+"/actions/accept", map[string]any{}); resp.StatusCode != 403 {
				t.Fatalf("a write on node B without the session's CSRF token: %d, want 403", resp.StatusCode)
			}

			// Signed out on node B: node A refuses the session once its cache of it
			// lapses (auth's sessionCacheFor, 2s). The browser's cookie is kept, as a
			// copy of it would be.
			base, _ := url.Parse(nodeA.URL)
			kept := onA.HTTP.Jar.Cookies(base)
			if resp, raw := onB.Do("DELETE", "/api/v1/session", nil); resp.StatusCode != 204 && resp.StatusCode != 200 {
				t.Fatalf("sign out on node B: %d %s", resp.StatusCode, raw)
			}
			onA.HTTP.Jar, _ = cookiejar.New(nil)
			onA.HTTP.Jar.SetCookies(base, kept)
			deadline := time.Now().Add(10 * time.Second)
			for {
				resp, _ := onA.Do("GET", page, nil)
				if resp.StatusCode == 401 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("node A still serves a session node B signed out: %d", resp.StatusCode)
				}
				time.Sleep(200 * time.Millisecond)
			}
		})
	}
}
