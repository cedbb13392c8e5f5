package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// phone is the viewport of a common phone, in CSS pixels.
const phoneWidth, phoneHeight = 390, 844

type pageWidth struct {
	Scroll int `json:"scroll"` // document.documentElement.scrollWidth
	Body   int `json:"body"`   // document.body.scrollWidth
	Inner  int `json:"inner"`  // window.innerWidth
}

// overflow says how the page fails to fit the phone's width, "" when it fits.
func overflow(tb *tab) string {
	tb.t.Helper()
	w := eval[pageWidth](tb, `({scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth})`)
	switch {
	// A phone zooms out to show a page wider than itself whole, so its window
	// grows with the page: then innerWidth exceeds the phone's width, and
	// scrollWidth <= innerWidth alone would not notice.
	case w.Inner != phoneWidth:
		return fmt.Sprintf("%s is %d px wide on a %d px phone (window.innerWidth %d, scrollWidth %d)",
			tb.location(), w.Inner, phoneWidth, w.Inner, w.Scroll)
	case w.Scroll > w.Inner || w.Body > w.Inner:
		return fmt.Sprintf("%s scrolls sideways on a phone: scrollWidth %d (body %d) > innerWidth %d",
			tb.location(), w.Scroll, w.Body, w.Inner)
	}
	return ""
}

type box struct {
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	Height float64 `json:"height"`
	Width  float64 `json:"width"`
}

// checkOnScreen fails the test unless sel is shown whole across the phone's width,
// wide and tall enough to hit with a thumb.
func checkOnScreen(t *testing.T, tb *tab, sel string) {
	t.Helper()
	b := eval[box](tb, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
		return {left: r.left, right: r.right, height: r.height, width: r.width}; })()`)
	if b.Left < 0 || b.Right > phoneWidth {
		t.Errorf("%s spans %.0f–%.0f px, outside the phone's %d px", sel, b.Left, b.Right, phoneWidth)
	}
	if b.Width < phoneWidth/2 || b.Height < 32 {
		t.Errorf("%s is %.0f×%.0f px, too small to use on a phone", sel, b.Width, b.Height)
	}
}

// TestPhoneViewport signs in on a phone-sized screen: the login form is usable by
// touch, and neither it nor the pages after it scroll sideways.
func TestPhoneViewport(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		for _, c := range []struct {
			user    string
			english bool     // switch the UI to English after signing in
			pages   []string // pages to check after the home page
		}{
			{user: "fucheng.grid"},
			{user: "county.clerk"},
			{user: "county.admin", pages: []string{"/admin/departments", "/admin/users/new"}},
			{user: "jinggu.admin", english: true},
		} {
			name := c.user
			if c.english {
				name += "/en"
			}
			t.Run(name, func(t *testing.T) {
				tb := b.newTab(t, srv.URL)
				tb.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
					chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(3)))
				if status := tb.open("/login"); status != 200 {
					t.Fatalf("GET /login = %d", status)
				}
				if o := overflow(tb); o != "" {
					t.Error(o)
				}
				for _, sel := range []string{`input[name=username]`, `input[name=password]`, `form.login button[type=submit]`} {
					checkOnScreen(t, tb, sel)
				}
				tb.do("tap the user name field", chromedp.Tap(chromedp.CSS(`input[name=username]`)))
				tb.typeKeys(`input[name=username]`, c.user)
				tb.do("tap the password field", chromedp.Tap(chromedp.CSS(`input[name=password]`)))
				tb.typeKeys(`input[name=password]`, demo.Password)
				if status := tb.load("tap sign in", chromedp.Tap(chromedp.CSS(`form.login button[type=submit]`))); status != 200 {
					t.Fatalf("sign in by touch: status %d on %s", status, tb.location())
				}
				if loc, want := tb.location(), landingOf(c.user); loc != want {
					t.Fatalf("after signing in on %s, want %s", loc, want)
				}
				if loc := tb.location(); loc != "/" && tb.open("/") != 200 {
					t.Fatalf("GET / after landing on %s", loc)
				}
				if c.english {
					if status := tb.load("tap English", chromedp.Tap(chromedp.CSS("form.lang button"))); status != 200 {
						t.Fatalf("switch to English: status %d", status)
					}
					tb.checkText("main h1", i18n.T("en", "home.title"))
				}
				var wide []string
				if o := overflow(tb); o != "" {
					wide = append(wide, o)
				}
				for _, sel := range []string{"[data-testid=who]", "[data-testid=logout]", "[data-testid=profile]"} {
					if !eval[bool](tb, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
						return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; })()`) {
						t.Errorf("%s is not shown within the phone's width", sel)
					}
				}
				for _, p := range c.pages {
					if status := tb.open(p); status != 200 {
						t.Fatalf("GET %s = %d", p, status)
					}
					if o := overflow(tb); o != "" {
						wide = append(wide, o)
					}
				}
				if len(wide) > 0 {
					t.Error(strings.Join(wide, "\n"))
				}
			})
		}
	})
}
