package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web/open311"
	"github.com/onedoor/onedoor/internal/web/ui"
)

// The limits of the public doors and of sign-in (issue 20, items 1 and 10): counted
// once per case however its code is written and whichever page looks it up; counted
// once across the nodes that share a database; kept across a restart.

// twoNodes starts two servers over one new database of dialect d, each with its own
// store (its own connections), as two nodes behind one proxy are. Both trust the proxy
// at 127.0.0.1, so that a test says where each request comes from (clientFrom).
// another starts one more node over the database: one added, or one restarted.
func twoNodes(t *testing.T, d store.Dialect) (a, b *testutil.Server, another func() *testutil.Server) {
	t.Helper()
	dsn := testutil.NewDSN(t, d)
	node := func(withDemo bool) *testutil.Server {
		return testutil.NewServerWith(t, testutil.OpenStore(t, dsn), withDemo, func(c *config.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		})
	}
	a = node(true)
	return a, node(false), func() *testutil.Server { return node(false) }
}

// stop stops a node and closes its store: whatever it kept in memory is gone.
func stop(s *testutil.Server) {
	s.Close()
	s.Store.Close()
}

// clientFrom is a client whose requests the proxy says come from addr.
func clientFrom(t *testing.T, srv *testutil.Server, addr string) *testutil.Client {
	c := srv.NewClient(t)
	c.HTTP.Transport = forwardedFor(addr)
	return c
}

type forwardedFor string

// addresses is where a client's requests come from: address(i) is the i-th's.
type addresses interface{ address(i int) string }

// oneAddress is a client that always has one address.
type oneAddress string

func (a oneAddress) address(int) string { return string(a) }

// ipv6Net is a client that takes a new address of its /64 (the prefix's four groups)
// for each request.
type ipv6Net string

func (n ipv6Net) address(i int) string { return fmt.Sprintf("%s:%x::%x", n, i, i+1) }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", string(f))
	return http.DefaultTransport.RoundTrip(r)
}

// lookUp posts a code and digits to a page that looks a case up (/p/track,
// /p/track/rate, /p/book) and returns the status and the Retry-After.
func lookUp(t *testing.T, c *testutil.Client, base, page, code, last4 string) (int, string) {
	t.Helper()
	form := url.Values{"code": {code}, "last4": {last4}}
	if page == "/p/track/rate" {
		form.Set("satisfaction", "satisfied")
	}
	resp, _ := publicForm(t, c, base, page, form)
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// A refused lookup: 404 on the tracking pages, 422 on the booking page.
func lookupRefused(page string) int {
	if page == "/p/book" {
		return http.StatusUnprocessableEntity
	}
	return http.StatusNotFound
}

// A case's failed lookups are counted once, however its code is written (case,
// dashes, spaces: the lookup reads them all as the one code) and on whichever page:
// five in all across tracking, rating and booking, then every page answers 429 for
// that case, the right digits included, while another case is looked up as before.
func TestCitizenLookupFailuresCountPerCase(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		c := srv.NewClient(t)
		code := publicSubmit(t, c, srv.URL, publicReport(), nil) // the phone ends in 1122
		other := publicSubmit(t, c, srv.URL, publicReport(), nil)
		failures := []struct{ page, code string }{
			{"/p/book", code[:4] + "-" + code[4:]},
			{"/p/book", code[:5] + "-" + code[5:]},
			{"/p/track", strings.ToLower(code)},
			{"/p/book", " " + code[:4] + " " + code[4:8] + "\u3000" + code[8:] + " "},
			{"/p/track/rate", code[:3] + "-" + code[3:6] + "-" + strings.ToLower(code[6:])},
		}
		if len(failures) != ui.PublicCodeFailures {
			t.Fatalf("the test makes %d failures, the limit is %d", len(failures), ui.PublicCodeFailures)
		}
		for i, f := range failures {
			if status, _ := lookUp(t, c, srv.URL, f.page, f.code, fmt.Sprintf("%04d", i)); status != lookupRefused(f.page) {
				t.Fatalf("failure %d (%s %q): %d, want %d", i+1, f.page, f.code, status, lookupRefused(f.page))
			}
		}
		for _, page := range []string{"/p/track", "/p/book", "/p/track/rate"} {
			status, retry := lookUp(t, c, srv.URL, page, code[:6]+"-"+code[6:], "1122")
			if secs, _ := strconv.Atoi(retry); status != http.StatusTooManyRequests || secs < 1 || secs > 15*60 {
				t.Errorf("%s after %d failures on the case, right digits: %d Retry-After %q, want 429", page, len(failures), status, retry)
			}
		}
		for _, page := range []string{"/p/track", "/p/book"} {
			if status, _ := lookUp(t, c, srv.URL, page, other, "1122"); status != http.StatusOK {
				t.Errorf("%s of another case: %d, want 200", page, status)
			}
		}
	})
}

// Two nodes behind one proxy enforce one limit of each kind on the public pages, and
// nodes started again over the database keep the counts and the challenge's key.
func TestPublicLimitsAcrossNodes(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			a, b, another := twoNodes(t, d)
			nodes := []*testutil.Server{a, b}

			// Submissions from one address: the third in an hour answers a sum, asked
			// on one node and answered on the other, once; the sixth attempt in ten
			// minutes is refused, whichever node takes it.
			sub := clientFrom(t, a, "203.0.113.1")
			code := publicSubmit(t, sub, a.URL, publicReport(), nil)
			publicSubmit(t, sub, b.URL, publicReport(), nil)
			_, body := publicGet(t, sub, b.URL, "/p/")
			answer, token := publicChallenge(t, body)
			form := publicReport()
			form.Set("challenge_token", token)
			form.Set("challenge_answer", strconv.Itoa(answer))
			publicSubmit(t, sub, a.URL, form, nil) // the 3rd attempt, answered on the other node
			if resp, body := publicPost(t, sub, b.URL, "/p/", form, nil); resp.StatusCode != 422 || !strings.Contains(body, zhT("public.challenge.wrong")) {
				t.Errorf("a sum answered on one node, again on the other: %d %s", resp.StatusCode, publicAlert(body))
			}
			form.Set("challenge_answer", strconv.Itoa(answer+1))
			publicPost(t, sub, a.URL, "/p/", form, nil) // the 5th
			resp, _ := publicPost(t, sub, b.URL, "/p/", publicReport(), nil)
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
				t.Errorf("the 6th attempt, on the other node: %d %q, want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
			}

			// Lookups from one address: 20 across both nodes, then 429. An IPv6 client
			// is counted by its /64: its other addresses are as easily had.
			for _, from := range []addresses{oneAddress("203.0.113.2"), ipv6Net("2001:db8:1:2")} {
				for i := 0; i < ui.PublicTrackLimit; i++ {
					c := clientFrom(t, a, from.address(i))
					if status, _ := lookUp(t, c, nodes[i%2].URL, "/p/track", code, "1122"); status != http.StatusOK {
						t.Fatalf("lookup %d from %s: %d", i+1, from.address(i), status)
					}
				}
				if status, retry := lookUp(t, clientFrom(t, a, from.address(999)), b.URL, "/p/track", code, "1122"); status != http.StatusTooManyRequests || retry == "" {
					t.Errorf("lookup %d from %s: %d %q, want 429", ui.PublicTrackLimit+1, from.address(999), status, retry)
				}
			}
			if status, _ := lookUp(t, clientFrom(t, a, "2001:db8:1:3::1"), b.URL, "/p/track", code, "1122"); status != http.StatusOK {
				t.Errorf("a lookup from the next /64: %d, want 200", status)
			}

			// A case's failed lookups from many addresses on both nodes and pages.
			other := publicSubmit(t, clientFrom(t, b, "203.0.113.3"), b.URL, publicReport(), nil)
			pages := []string{"/p/book", "/p/track", "/p/track/rate"}
			for i := 0; i < ui.PublicCodeFailures; i++ {
				c := clientFrom(t, a, fmt.Sprintf("198.51.100.%d", i+1))
				if status, _ := lookUp(t, c, nodes[i%2].URL, pages[i%3], other, "0000"); status != lookupRefused(pages[i%3]) {
					t.Fatalf("failure %d: %d", i+1, status)
				}
			}
			if status, _ := lookUp(t, clientFrom(t, a, "198.51.100.99"), a.URL, "/p/book", other, "1122"); status != http.StatusTooManyRequests {
				t.Errorf("the case after %d failures on two nodes: %d, want 429", ui.PublicCodeFailures, status)
			}

			// A sum asked before every node restarts.
			asked := clientFrom(t, a, "203.0.113.4")
			publicSubmit(t, asked, a.URL, publicReport(), nil)
			publicSubmit(t, asked, b.URL, publicReport(), nil)
			_, body = publicGet(t, asked, b.URL, "/p/")
			answer, token = publicChallenge(t, body)

			stop(a)
			stop(b)
			c := another()
			if resp, body := publicGet(t, clientFrom(t, c, "203.0.113.1"), c.URL, "/p/"); resp.StatusCode != 200 || !strings.Contains(body, `data-testid="challenge"`) {
				t.Errorf("after a restart the address that submitted is not challenged: %d", resp.StatusCode)
			}
			if resp, _ := publicPost(t, clientFrom(t, c, "203.0.113.1"), c.URL, "/p/", publicReport(), nil); resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("after a restart, submissions: %d, want 429", resp.StatusCode)
			}
			if status, _ := lookUp(t, clientFrom(t, c, "203.0.113.2"), c.URL, "/p/track", code, "1122"); status != http.StatusTooManyRequests {
				t.Errorf("after a restart, lookups: %d, want 429", status)
			}
			if status, _ := lookUp(t, clientFrom(t, c, "198.51.100.99"), c.URL, "/p/track", other, "1122"); status != http.StatusTooManyRequests {
				t.Errorf("after a restart, the case's failures: %d, want 429", status)
			}
			form = publicReport()
			form.Set("challenge_token", token)
			form.Set("challenge_answer", strconv.Itoa(answer))
			publicSubmit(t, clientFrom(t, c, "203.0.113.4"), c.URL, form, nil)
		})
	}
}

// One API key's Open311 submissions are one count across the nodes, and a restart
// keeps it.
func TestOpen311LimitAcrossNodes(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			a, b, another := twoNodes(t, d)
			ctx := context.Background()
			clerk, _, err := a.Store.UserCredentials(ctx, "fucheng.clerk")
			if err != nil {
				t.Fatal(err)
			}
			admin, _, err := a.Store.UserCredentials(ctx, "county.admin")
			if err != nil {
				t.Fatal(err)
			}
			key, _, err := a.App.Auth().IssueAPIToken(ctx, store.NotAudited("test fixture"), "wechat-miniapp", clerk.ID, admin.ID)
			if err != nil {
				t.Fatal(err)
			}
			submit := func(srv *testutil.Server) *http.Response {
				t.Helper()
				form := url.Values{"api_key": {key}, "service_code": {"hazard.fire"}, "address_id": {"622922100200"},
					"description": {"村口小卖部门前堆放十几个液化气罐，旁边就是柴草垛。"}, "phone": {"13893001122"}}
				resp, _ := publicForm(t, srv.NewClient(t), srv.URL, "/open311/v2/requests.json", form)
				return resp
			}
			for i := 0; i < open311.SubmissionsPerMinute; i++ {
				if resp := submit([]*testutil.Server{a, b}[i%2]); resp.StatusCode != http.StatusCreated {
					t.Fatalf("submission %d: %d", i+1, resp.StatusCode)
				}
			}
			if resp := submit(a); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
				t.Errorf("submission %d, across two nodes: %d, want 429", open311.SubmissionsPerMinute+1, resp.StatusCode)
			}
			stop(a)
			stop(b)
			if resp := submit(another()); resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("after a restart: %d, want 429", resp.StatusCode)
			}
		})
	}
}

// Failed sign-ins from one address (an IPv6 client by its /64) are one count across
// the nodes, and a restart keeps it.
func TestSignInThrottleAcrossNodes(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			a, b, another := twoNodes(t, d)
			// Unknown users, so that no account locks: the address is what stops them.
			signIn := func(srv *testutil.Server, addr, user, password string) *http.Response {
				t.Helper()
				resp, _ := clientFrom(t, srv, addr).Do("POST", "/api/v1/session", map[string]string{"username": user, "password": password})
				return resp
			}
			for _, from := range []addresses{oneAddress("203.0.113.5"), ipv6Net("2001:db8:5:6")} {
				for i := 0; i < auth.IPFailures; i++ {
					if resp := signIn([]*testutil.Server{a, b}[i%2], from.address(i), fmt.Sprintf("nobody%d", i), "Wrong#2026"); resp.StatusCode != http.StatusUnauthorized {
						t.Fatalf("failure %d from %s: %d", i+1, from.address(i), resp.StatusCode)
					}
				}
				if resp := signIn(a, from.address(999), "county.clerk", demo.Password); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
					t.Errorf("after %d failures from %s on two nodes: %d, want 429", auth.IPFailures, from.address(999), resp.StatusCode)
				}
			}
			if resp := signIn(b, "2001:db8:5:7::1", "county.clerk", demo.Password); resp.StatusCode != http.StatusCreated {
				t.Errorf("from the next /64: %d, want 201", resp.StatusCode)
			}
			stop(a)
			stop(b)
			if resp := signIn(another(), "203.0.113.5", "county.clerk", demo.Password); resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("after a restart: %d, want 429", resp.StatusCode)
			}
		})
	}
}
