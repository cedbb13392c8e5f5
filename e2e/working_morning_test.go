package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The desk's screen and a phone's, in CSS pixels.
const deskWidth, deskHeight = 1366, 768

// fullShot saves the whole page, beyond the window, as name.png under $ONEDOOR_SHOTS
// when it is set (tab.shot saves the window).
func (tb *tab) fullShot(name string) {
	tb.t.Helper()
	dir := os.Getenv("ONEDOOR_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// deskTab is a tab at the desk's screen size, signed in as username.
func deskTab(t *testing.T, b *browser, srv *testutil.Server, username string) *tab {
	tb := b.newTab(t, srv.URL)
	tb.do("a desk's screen", chromedp.EmulateViewport(deskWidth, deskHeight))
	tb.mustLogin(username, demo.Password)
	return tb
}

// phoneTab is a tab on a phone.
func phoneTab(t *testing.T, b *browser, srv *testutil.Server) *tab {
	tb := b.newTab(t, srv.URL)
	tb.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
		chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	return tb
}

// caseWith finds the demo's case whose description holds text.
func caseWith(t *testing.T, st *store.Store, text string) model.Case {
	t.Helper()
	list, err := st.Cases(context.Background(), store.CaseFilter{Limit: 500}, store.CaseScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if strings.Contains(c.Description, text) {
			full, err := st.Case(context.Background(), c.ID, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			return full
		}
	}
	t.Fatalf("no case says %q", text)
	return model.Case{}
}

// openPhoto taps the first thumbnail and checks the photo opens large over the page,
// then closes it.
func openPhoto(t *testing.T, tb *tab, shot string, tap bool) {
	t.Helper()
	if !tb.has("[data-testid=photo-thumb] img") {
		t.Fatal("no photo thumbnail")
	}
	thumb := eval[box](tb, `(() => { const r = document.querySelector("[data-testid=photo-thumb] img").getBoundingClientRect();
		return {left: r.left, right: r.right, height: r.height, width: r.width}; })()`)
	if thumb.Width < 60 || thumb.Width > 160 {
		t.Errorf("the thumbnail is %.0f px wide", thumb.Width)
	}
	if tap {
		tb.do("tap the photo", chromedp.Tap(chromedp.CSS("[data-testid=photo-thumb]")))
	} else {
		tb.do("click the photo", chromedp.Click(chromedp.CSS("[data-testid=photo-thumb]")))
	}
	tb.do("wait for it", chromedp.WaitVisible(chromedp.CSS(".lightbox:target img")))
	large := eval[struct {
		Width   float64 `json:"width"`
		Natural int     `json:"natural"`
		Window  float64 `json:"window"`
	}](tb, `new Promise(done => { const img = document.querySelector(".lightbox:target img");
		const say = () => done({width: img.getBoundingClientRect().width, natural: img.naturalWidth, window: window.innerWidth});
		img.complete ? say() : img.addEventListener("load", say); })`, chromedp.EvalAsValue, chromedp.EvalAwaitPromise)
	if large.Natural == 0 || large.Width < large.Window*0.6 || large.Width < 3*thumb.Width {
		t.Errorf("the photo opens %.0f px wide (its own %d px) on a %.0f px window, from a %.0f px thumbnail", large.Width, large.Natural, large.Window, thumb.Width)
	}
	tb.shot(shot)
	tb.do("close the photo", chromedp.Click(chromedp.CSS(".lightbox:target .lightbox-close")))
	if tb.has(".lightbox:target") {
		t.Error("the photo stays open after ×")
	}
}

// TestWorkingMorningInTheBrowser walks the demo's working morning (demo.Live) as its
// people would: the clerk opens a citizen's photo report, its whole title in the
// heading and its photos as thumbnails that open large; the leader's warnings board
// fits a 1366×768 screen with its region table whole; the administrator reads the
// audit log in words; the grid worker signs in on a phone and lands on /grid, whose
// tab bar shows it scrolls, and opens a photo there; the citizen reads their whole
// report on /p/track.
func TestWorkingMorningInTheBrowser(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		if err := demo.Live(context.Background(), st, time.Now()); err != nil {
			t.Fatal(err)
		}
		lamp := caseWith(t, st, "路灯杆被车撞歪")
		wages := caseWith(t, st, "安置房工地40余名农民工")

		t.Run("clerk", func(t *testing.T) {
			tb := deskTab(t, b, srv, "fucheng.clerk")
			if status := tb.open("/cases/" + itoa(wages.ID)); status != 200 {
				t.Fatalf("case page: %d", status)
			}
			if h := tb.text(".case-title"); h != wages.Title || strings.HasSuffix(wages.Title, "…") && !strings.HasSuffix(strings.TrimSuffix(h, "…"), "万元") && !strings.HasSuffix(strings.TrimSuffix(h, "…"), "未果") {
				t.Errorf("the heading reads %q (title %q)", h, wages.Title)
			}
			tb.shot("desk-case-heading")
			if fired := strings.Join(tb.texts("[data-indicator]"), " "); !strings.Contains(fired, "劳动争议 · 拖欠工资") || strings.Contains(fired, "dispute.") {
				t.Errorf("the warning's facts read %q: want the category's name", fired)
			}
			// The desk's form offers the channels a clerk registers by hand.
			if status := tb.open("/cases/new"); status != 200 {
				t.Fatalf("intake: %d", status)
			}
			offered := strings.Join(tb.texts("select[name=channel] option"), " ")
			for _, c := range model.AllChannels {
				label := i18n.T(zh, "channel."+string(c))
				if strings.Contains(offered, label) != slices.Contains(model.HandChannels, c) {
					t.Errorf("the intake form's channels read %q: %s (%s) wrongly offered or missing", offered, c, label)
				}
			}
			if status := tb.open("/cases/" + itoa(lamp.ID)); status != 200 {
				t.Fatalf("case page: %d", status)
			}
			if n := len(tb.texts("[data-testid=photo-thumb]")); n != 2 {
				t.Errorf("%d thumbnails, want the citizen's 2 photos", n)
			}
			openPhoto(t, tb, "desk-photo-large", false)
			tb.report()
		})

		t.Run("leader", func(t *testing.T) {
			tb := deskTab(t, b, srv, "county.leader")
			if status := tb.open("/warnings"); status != 200 {
				t.Fatalf("warnings board: %d", status)
			}
			tb.shot("desk-warnings-board")
			tb.fullShot("desk-warnings-board-full")
			fit := eval[struct {
				Page  int     `json:"page"`
				Inner int     `json:"inner"`
				Table float64 `json:"table"`
				Box   float64 `json:"box"`
				Wrap  int     `json:"wrap"`
				Shown int     `json:"shown"`
			}](tb, `(() => { const s = document.querySelector("[data-testid=region-summary]");
				const t = s.querySelector("table"); const w = t.parentElement;
				return {page: document.documentElement.scrollWidth, inner: window.innerWidth,
					table: t.getBoundingClientRect().right, box: s.getBoundingClientRect().right,
					wrap: w.scrollWidth - w.clientWidth, shown: t.querySelectorAll("th").length}; })()`)
			if fit.Page > fit.Inner || fit.Table > fit.Box+1 || fit.Wrap > 0 {
				t.Errorf("at %d px the region table is clipped: page %d wide, table ends at %.0f, its card at %.0f, its box scrolls %d px",
					deskWidth, fit.Page, fit.Table, fit.Box, fit.Wrap)
			}
			for _, level := range []string{"red", "orange", "yellow", "blue"} {
				if !tb.has("[data-testid=warning-row][data-level=" + level + "]") {
					t.Errorf("the board shows no %s warning of the demo's morning", level)
				}
			}
			tb.report()
		})

		t.Run("admin", func(t *testing.T) {
			tb := deskTab(t, b, srv, "county.admin")
			if status := tb.open("/admin/audit"); status != 200 {
				t.Fatalf("audit log: %d", status)
			}
			tb.shot("desk-audit")
			// The actor filter takes a person's name.
			tb.fill("[data-testid=audit-actor]", demoAccountName("fucheng.leader"))
			if status := tb.click("form.filters button"); status != 200 {
				t.Fatalf("filter by name: %d", status)
			}
			actors := tb.texts("[data-testid=audit] tbody td:nth-child(3)")
			if len(actors) == 0 {
				t.Error("filtering the log by the leader's name finds nothing")
			}
			for _, a := range actors {
				if a != "fucheng.leader" {
					t.Errorf("filtered by the leader's name, a row is %s's", a)
				}
			}
			tb.shot("desk-audit-by-name")
			if status := tb.open("/admin/audit"); status != 200 {
				t.Fatalf("audit log: %d", status)
			}
			for _, op := range tb.texts("[data-testid=audit-op]") {
				if strings.ContainsAny(op, "._") && !strings.Contains(op, "·") || op == "" {
					t.Errorf("an operation reads %q", op)
				}
			}
			text := tb.text("[data-testid=audit]")
			for _, raw := range []string{"case.", "login.", "dispute", "yellow", "case:"} {
				if strings.Contains(text, raw) {
					t.Errorf("the audit log shows %q", raw)
				}
			}
			tb.report()
		})

		t.Run("grid worker", func(t *testing.T) {
			tb := phoneTab(t, b, srv)
			tb.mustLogin("fucheng.grid", demo.Password) // lands on /grid
			tb.shot("phone-grid-home")
			bar := eval[struct {
				More   string  `json:"more"`
				Scroll int     `json:"scroll"`
				Client int     `json:"client"`
				Arrow  string  `json:"arrow"`
				Left   float64 `json:"left"`
				Right  float64 `json:"right"`
			}](tb, `(() => { const nav = document.querySelector(".sidenav"), ul = nav.querySelector("ul");
				const a = ul.querySelector("a.active").getBoundingClientRect();
				return {more: nav.getAttribute("data-more") || "", scroll: ul.scrollWidth, client: ul.clientWidth,
					arrow: getComputedStyle(nav, "::after").opacity, left: a.left, right: a.right}; })()`)
			if bar.Scroll <= bar.Client {
				t.Skipf("the tab bar fits the phone (%d ≤ %d px): nothing to show", bar.Scroll, bar.Client)
			}
			if !strings.Contains(bar.More, "right") && !strings.Contains(bar.More, "left") || bar.Arrow == "0" && !strings.Contains(bar.More, "left") {
				t.Errorf("the tab bar scrolls (%d of %d px shown) but says nothing: data-more %q, arrow opacity %s", bar.Client, bar.Scroll, bar.More, bar.Arrow)
			}
			if bar.Left < 0 || bar.Right > phoneWidth {
				t.Errorf("the current tab is off screen: %.0f–%.0f px", bar.Left, bar.Right)
			}
			if status := tb.open("/grid/cases/" + itoa(lamp.ID)); status != 200 {
				t.Fatalf("grid case page: %d", status)
			}
			openPhoto(t, tb, "phone-grid-photo-large", true)
			if o := overflow(tb); o != "" && !strings.Contains(o, "innerWidth") {
				t.Error(o)
			}
			tb.report()
		})

		t.Run("grid worker at a desk", func(t *testing.T) {
			tb := deskTab(t, b, srv, "fucheng.grid") // lands on /grid
			tb.shot("desk-grid-home")
			if status := tb.open("/grid/cases/" + itoa(lamp.ID)); status != 200 {
				t.Fatalf("grid case page: %d", status)
			}
			tb.shot("desk-grid-case")
			openPhoto(t, tb, "desk-grid-photo-large", false)
			tb.report()
		})

		t.Run("citizen", func(t *testing.T) {
			tb := phoneTab(t, b, srv)
			if status := tb.open("/p/track?code=" + lamp.TrackingCode); status != 200 {
				t.Fatalf("track: %d", status)
			}
			tb.fill("input[name=last4]", "5566")
			if status := tb.click("[data-testid=track]"); status != 200 {
				t.Fatalf("track: %d", status)
			}
			tb.shot("phone-track")
			if got := tb.text("[data-testid=report]"); got != lamp.Description {
				t.Errorf("the report reads %q, want the whole %q", got, lamp.Description)
			}
			tb.report()
		})
	})
}

// demoAccountName is a demo account's display name.
func demoAccountName(username string) string {
	for _, a := range demo.Accounts() {
		if a.Username == username {
			return a.Name
		}
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
