package e2e

import (
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// checkLocale fails the test unless the signed-in home page speaks loc throughout.
func checkLocale(t *testing.T, tb *tab, loc, other string) {
	t.Helper()
	if got := eval[string](tb, `document.documentElement.lang`); got != loc {
		t.Errorf("<html lang> = %q, want %q", got, loc)
	}
	tb.checkText("main h1", i18n.T(loc, "home.title"))
	tb.checkText("[data-testid=logout]", i18n.T(loc, "nav.logout"))
	tb.checkText("[data-testid=roles]", i18n.T(loc, "role.clerk"))
	tb.checkText(`nav.sidenav a[href="/"]`, i18n.T(loc, "nav.home"))
	// The switch offers the other language, named in that language.
	tb.checkText("form.lang button", i18n.T(loc, "locale."+other))
}

// TestLanguageSwitch switches the UI to English with the header button and back to
// Chinese, and sees the choice kept on the account across signing out and in.
func TestLanguageSwitch(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {

		t.Run("signed in", func(t *testing.T) {
			tb := b.newTab(t, srv.URL)
			tb.mustLogin("county.clerk", demo.Password)
			checkLocale(t, tb, "zh-CN", "en")
			if tb.text("[data-testid=logout]") != "退出" || tb.text("main h1") != "我的工作台" {
				t.Errorf("Chinese page reads %q / %q", tb.text("[data-testid=logout]"), tb.text("main h1"))
			}

			if status := tb.click("form.lang button"); status != 200 {
				t.Fatalf("switch to English: status %d", status)
			}
			if loc := tb.location(); loc != "/" {
				t.Errorf("after switching on %s, want back on /", loc)
			}
			checkLocale(t, tb, "en", "zh-CN")
			if tb.text("[data-testid=logout]") != "Sign out" || tb.text("main h1") != "My desk" {
				t.Errorf("English page reads %q / %q, want Sign out / My desk", tb.text("[data-testid=logout]"), tb.text("main h1"))
			}

			// The account keeps English: signing out and in again speaks it.
			if status := tb.click("[data-testid=logout]"); status != 200 {
				t.Fatalf("sign out: status %d", status)
			}
			tb.checkText("main h1", i18n.T("en", "login.title"))
			tb.checkText("p.notice", i18n.T("en", "notice.signed_out"))
			tb.mustLogin("county.clerk", demo.Password)
			checkLocale(t, tb, "en", "zh-CN")

			if status := tb.click("form.lang button"); status != 200 {
				t.Fatalf("switch back to Chinese: status %d", status)
			}
			checkLocale(t, tb, "zh-CN", "en")
			tb.checkText("form.lang button", "English")
		})

		t.Run("login page", func(t *testing.T) {
			// A browser that prefers English gets the English login page, and may switch.
			tb := b.newTabLang(t, srv.URL, "en-US,en;q=0.9")
			if status := tb.open("/login"); status != 200 {
				t.Fatalf("GET /login = %d", status)
			}
			tb.checkText("main h1", i18n.T("en", "login.title"))
			tb.checkText("form.lang button", "中文")
			if status := tb.click("form.lang button"); status != 200 {
				t.Fatalf("switch to Chinese: status %d", status)
			}
			if loc := tb.location(); loc != "/login" {
				t.Errorf("after switching on %s, want back on /login", loc)
			}
			tb.checkText("main h1", "登录")
			tb.checkText("form.lang button", "English")
			// The switched login page still signs in.
			tb.fill(`input[name=username]`, "county.clerk")
			tb.fill(`input[name=password]`, demo.Password)
			if status := tb.click(`form.login button[type=submit]`); status != 200 || tb.location() != "/" {
				t.Fatalf("sign in after switching: status %d on %s", status, tb.location())
			}
			checkLocale(t, tb, "zh-CN", "en")
		})
	})
}
