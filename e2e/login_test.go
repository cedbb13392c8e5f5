package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// adminNav are the catalogue keys of links every admin has, in the navigation's
// order; an admin may have more admin pages than these.
var adminNav = []string{"nav.regions", "nav.departments", "nav.users", "nav.categories", "nav.tokens"}

func translate(loc string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = i18n.T(loc, k)
	}
	return out
}

// TestDemoAccountsSignInAndOut signs every demo account in through the login form,
// checks the header names them and their region, each role lands where it works (grid
// workers on /grid, leaders and viewers on the dashboard), the profile card shows who
// they are, where and in which role, the admin pages are linked for admins only, and
// signs out again.
func TestDemoAccountsSignInAndOut(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		b := newBrowser(t) // one per store, so each runs within the timeout
		srv := testutil.NewServer(t, st, true)
		ctx := context.Background()
		county, err := st.RegionByCode(ctx, demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		accounts := demo.Accounts()
		if len(accounts) != 28 {
			t.Errorf("demo.Accounts() lists %d accounts, want 28 (7 roles at the county and 3 townships)", len(accounts))
		}
		if st.Dialect() != store.SQLite {
			// The pages are the same on every database, and the API tests cover
			// each store: a sample keeps the PostgreSQL run short. It has an admin,
			// and a handler with a department at the county and at a township.
			accounts = slices.DeleteFunc(accounts, func(a demo.Account) bool {
				return !slices.Contains([]string{"county.admin", "county.handler", "fucheng.handler", "suji.grid"}, a.Username)
			})
		}
		for _, a := range accounts {
			t.Run(a.Username, func(t *testing.T) {
				t.Parallel()
				region, err := st.RegionByCode(ctx, a.RegionCode)
				if err != nil {
					t.Fatal(err)
				}
				crumbs := []string{county.Name}
				if region.ID != county.ID {
					crumbs = append(crumbs, region.Name)
				}

				tb := b.newTab(t, srv.URL)
				tb.mustLogin(a.Username, demo.Password)

				who := tb.text("[data-testid=who]")
				if !strings.Contains(who, a.Name) || !strings.Contains(who, region.Name) {
					t.Errorf("header shows %q, want the name %s and the region %s", who, a.Name, region.Name)
				}
				// Where signing in lands: a grid worker on the phone pages, a leader and a
				// viewer on the dashboard, anyone else on the profile card (home.html).
				readsStats := a.Role == model.RoleLeader || a.Role == model.RoleViewer
				current := "nav.home"
				switch {
				case a.Role == model.RoleGrid:
					current = "nav.grid"
					if !tb.has("[data-testid=grid-home]") {
						t.Errorf("a grid worker lands on %s without the grid page", tb.location())
					}
				case readsStats:
					if !tb.has("[data-testid=stat-cards]") || tb.has("[data-testid=display-name]") {
						t.Errorf("a %s's home shows no dashboard (stat cards %v), or the profile card", a.Role, tb.has("[data-testid=stat-cards]"))
					}
				}
				if got := tb.texts(`nav.sidenav a[aria-current=page]`); !slices.Equal(got, []string{i18n.T(zh, current)}) {
					t.Errorf("current page in the navigation = %q, want %s", got, i18n.T(zh, current))
				}

				// The profile card: on the home page for all but those whose home is the
				// dashboard; a grid worker finds it there too, one link from /grid.
				if !readsStats {
					if a.Role == model.RoleGrid {
						if status := tb.click(`nav.sidenav a[href="/"]`); status != 200 {
							t.Fatalf("home from /grid: status %d", status)
						}
					}
					tb.checkText("[data-testid=display-name]", a.Name)
					tb.checkText("[data-testid=roles]", i18n.T(zh, "role."+string(a.Role)))
					if got := tb.text("[data-testid=region]"); !strings.Contains(got, region.Name) {
						t.Errorf("region shows %q, want it to contain %s", got, region.Name)
					}
					if got := tb.texts("[data-testid=region] li"); !slices.Equal(got, crumbs) {
						t.Errorf("region path shows %q, want %q", got, crumbs)
					}
					if hasDept := tb.has("[data-testid=department]"); hasDept != (a.Department != "") {
						t.Errorf("department shown = %v, want %v", hasDept, a.Department != "")
					}
					if got := tb.texts("ul.duties li"); len(got) != 1 || got[0] != i18n.T(zh, "duty."+string(a.Role)) {
						t.Errorf("duties show %q, want the %s duty", got, a.Role)
					}
				}

				// The admin pages are linked for admins only; every account has home first.
				nav := tb.texts("nav.sidenav a")
				if len(nav) == 0 || nav[0] != i18n.T(zh, "nav.home") {
					t.Errorf("navigation shows %q, want %s first", nav, i18n.T(zh, "nav.home"))
				}
				isAdmin := a.Role == model.RoleAdmin
				adminLinks := tb.texts(`nav.sidenav a[href^="/admin/"]`)
				if !isAdmin && len(adminLinks) > 0 {
					t.Errorf("navigation links admin pages %q for a %s", adminLinks, a.Role)
				}
				for _, w := range translate(zh, adminNav) {
					if isAdmin && !slices.Contains(adminLinks, w) {
						t.Errorf("navigation %q lacks the admin link %s", nav, w)
					}
					if !isAdmin && slices.Contains(nav, w) {
						t.Errorf("navigation %q shows %s to a %s", nav, w, a.Role)
					}
				}
				if isAdmin && !slices.Equal(adminLinks[:min(len(adminLinks), len(adminNav))], translate(zh, adminNav)) {
					t.Errorf("admin links in the order %q, want %q first", adminLinks, translate(zh, adminNav))
				}

				tb.checkText("[data-testid=logout]", i18n.T(zh, "nav.logout"))
				if status := tb.click("[data-testid=logout]"); status != 200 {
					t.Fatalf("sign out: status %d", status)
				}
				checkLoginPage(t, tb)
				tb.checkText("p.notice", i18n.T(zh, "notice.signed_out"))
				// The session is gone: the home page now sends the browser to sign in.
				if got := eval[string](tb, `fetch("/").then(r => r.redirected + " " + new URL(r.url).pathname)`, chromedp.EvalAwaitPromise); got != "true /login" {
					t.Errorf("GET / after signing out: redirected, landed on = %q, want true /login", got)
				}
			})
		}
	})
}

// checkLoginPage fails the test unless the tab shows the login form, signed out.
func checkLoginPage(t *testing.T, tb *tab) {
	t.Helper()
	if loc := tb.location(); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("on %s, want the login page", loc)
	}
	if !tb.has("form.login input[name=username]") || !tb.has("form.login input[name=password]") {
		t.Fatalf("%s has no login form", tb.location())
	}
	if tb.has("[data-testid=who]") || tb.has("[data-testid=logout]") {
		t.Errorf("%s still shows a signed-in user: %q", tb.location(), tb.texts("[data-testid=who]"))
	}
	tb.checkText("main h1", i18n.T(zh, "login.title"))
}

// TestWrongPassword shows the Chinese refusal on the login page, for a wrong password
// and for an unknown user alike, and keeps the user name typed.
func TestWrongPassword(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		for _, c := range []struct{ name, username, password string }{
			{"wrong password", "county.admin", "Wrong@2026"},
			{"unknown user", "nobody", demo.Password},
			{"password of another case", "county.admin", strings.ToLower(demo.Password)},
		} {
			t.Run(c.name, func(t *testing.T) {
				tb := b.newTab(t, srv.URL)
				tb.expectStatus(401)
				if status := tb.open("/login"); status != 200 {
					t.Fatalf("GET /login = %d", status)
				}
				tb.typeKeys(`input[name=username]`, c.username)
				tb.typeKeys(`input[name=password]`, c.password)
				if status := tb.click(`form.login button[type=submit]`); status != 401 {
					t.Errorf("status %d, want 401", status)
				}
				checkLoginPage(t, tb)
				got := tb.text("[data-testid=error]")
				if !strings.Contains(got, "用户名或密码错误") || got != i18n.T(zh, "error.invalid_credentials") {
					t.Errorf("error shows %q, want %q", got, i18n.T(zh, "error.invalid_credentials"))
				}
				if v := tb.value("input[name=username]"); v != c.username {
					t.Errorf("user name field holds %q, want %q kept", v, c.username)
				}
				if v := tb.value("input[name=password]"); v != "" {
					t.Errorf("password field holds %q, want it empty", v)
				}
				// The form still works: the right password now signs in.
				if c.username == "county.admin" {
					tb.typeKeys(`input[name=password]`, demo.Password)
					if status := tb.click(`form.login button[type=submit]`); status != 200 || tb.location() != "/" {
						t.Errorf("second try: status %d on %s, want 200 on /", status, tb.location())
					}
				}
			})
		}
	})
}

// TestSignInReturnsToPage sends a signed-out visitor of an admin page to sign in, and
// back to that page afterwards.
func TestSignInReturnsToPage(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		tb := b.newTab(t, srv.URL)
		if status := tb.open("/admin/users"); status != 200 {
			t.Fatalf("GET /admin/users signed out: status %d", status)
		}
		checkLoginPage(t, tb)
		if loc := tb.location(); loc != "/login?next=%2Fadmin%2Fusers" {
			t.Errorf("sent to %s, want /login?next=%%2Fadmin%%2Fusers", loc)
		}
		tb.fill(`input[name=username]`, "county.admin")
		tb.fill(`input[name=password]`, demo.Password)
		if status := tb.click(`form.login button[type=submit]`); status != 200 {
			t.Fatalf("sign in: status %d", status)
		}
		if loc := tb.location(); loc != "/admin/users" {
			t.Errorf("after signing in on %s, want back on /admin/users", loc)
		}
		tb.checkText("main h1", i18n.T(zh, "users.title"))
		if got := tb.texts(`nav.sidenav a[aria-current=page]`); !slices.Equal(got, []string{i18n.T(zh, "nav.users")}) {
			t.Errorf("current page in the navigation = %q, want the users link", got)
		}
	})
}
