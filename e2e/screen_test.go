package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// waitFor waits up to within for a JavaScript expression on tb's page to be true.
func (tb *tab) waitFor(what, expr string, within time.Duration) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(within),
		chromedp.WithPollingInterval(200*time.Millisecond))); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// The county's admin issues a hall screen for the county; the hall PC opens its
// address with no one signed in, at 1920×1080: the map of the townships is drawn from
// the demo's outlines, the month's figures, warnings and deadlines are there, and
// today's intake runs along the bottom by case number with the parties masked. A case
// registered while it shows reaches the ticker within the screen's refresh; revoked,
// the screen says so at its next refresh.
func TestHallScreen(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, srv.Store, 2000, 13); err != nil {
			t.Fatal(err)
		}
		clerk := srv.Login(t, "county.clerk", demo.Password)
		register := func(code, who, phone string) int64 {
			g, err := srv.Store.RegionByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			cats, _ := srv.Store.Categories(ctx, store.CategoryFilter{})
			var cat int64
			for _, c := range cats {
				if c.Code == "dispute.other" {
					cat = c.ID
				}
			}
			resp, raw := clerk.Do("POST", "/api/v1/cases", map[string]any{
				"kind": "dispute", "category_id": cat, "channel": "walk_in", "region_id": g.ID, "address": "村委会旁",
				"title": who + "反映宅旁排水纠纷 " + phone, "description": who + "反映邻居堵塞排水沟，电话 " + phone + "。", "urgency": "urgent",
				"parties": []map[string]any{{"role": "applicant", "name": who, "phone": phone}},
			})
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
			var c struct{ ID int64 }
			testutil.DecodeJSON(t, raw, &c)
			return c.ID
		}
		first := register("622922100", "马福林", "13893021234")
		register("622922101", "苏玉兰", "13893025678")

		admin := b.newTab(t, srv.URL)
		admin.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		admin.mustLogin("county.admin", demo.Password)
		admin.open("/admin/screens")
		county, _ := srv.Store.RegionByCode(ctx, demo.CountyCode)
		admin.fill(`[data-testid=screen-form] input[name=name]`, "县综治中心大厅")
		admin.do("choose the county", chromedp.SetValue(chromedp.CSS(`[data-testid=screen-form] select[name=region_id]`), strconv.FormatInt(county.ID, 10)))
		if status := admin.click(`[data-testid=screen-form] button.primary`); status != 200 {
			t.Fatalf("issue the screen: %d", status)
		}
		address := admin.text(`[data-testid=new-screen-url]`)
		u, err := url.Parse(address)
		if err != nil || !strings.HasPrefix(u.Path, "/screen/ods_") {
			t.Fatalf("the screen's address reads %q", address)
		}

		hall := b.newTab(t, srv.URL) // no one signs in here
		hall.do("the hall's screen", chromedp.EmulateViewport(1920, 1080))
		if status := hall.open(u.Path); status != 200 {
			t.Fatalf("the screen: %d", status)
		}
		hall.waitFor("the map drawn", `document.querySelector("#screen-map[data-drawn=true] canvas") !== null`, 20*time.Second)
		hall.waitFor("the ticker", `document.querySelectorAll("[data-testid=screen-ticker] li").length >= 2`, 10*time.Second)
		time.Sleep(500 * time.Millisecond) // the map's labels settle before the picture
		t.Logf("screen: %s", screenshot(t, hall, "screen-1920-"+string(srv.Store.Dialect())))

		ticker := hall.text(`[data-testid=screen-ticker]`)
		if !strings.Contains(ticker, "#"+strconv.FormatInt(first, 10)) || !strings.Contains(ticker, "矛盾纠纷·其他") {
			t.Errorf("the ticker reads %q: want case #%d", ticker, first)
		}
		for _, leak := range []string{"马福林", "苏玉兰", "13893021234", "3893025678"} {
			if strings.Contains(ticker, leak) {
				t.Errorf("the ticker shows %q: %q", leak, ticker)
			}
		}
		if got := hall.texts(`[data-testid=screen-warnings] .k`); len(got) != 4 {
			t.Errorf("the warnings read %v", got)
		}
		if today := hall.text(`[data-testid=screen-today]`); today == "—" || today == "0" {
			t.Errorf("today's intake reads %q", today)
		}

		// A case registered now reaches the screen at its next refresh (every 15 s).
		later := register("622922103", "王春花", "13893032120")
		hall.waitFor("the new case on the ticker", fmt.Sprintf(`document.querySelector("[data-testid=screen-ticker]").textContent.includes("#%d")`, later), 40*time.Second)

		// Revoked, the screen says so at its next refresh.
		admin.open("/admin/screens")
		admin.acceptDialogs.Store(true) // 确定吊销？
		hall.expectStatus(403)          // the screen's next refresh is refused
		if status := admin.click(`[data-testid=revoke-screen]`); status != 200 {
			t.Fatalf("revoke: %d", status)
		}
		hall.waitFor("the screen refused", `document.querySelector("#screen").dataset.refused === "true"`, 40*time.Second)
		if got := hall.text(`[data-testid=screen-status]`); !strings.Contains(got, "吊销") {
			t.Errorf("the revoked screen says %q", got)
		}
	})
}
