package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestAppointmentThroughPages: the county leader publishes a reception session (领导
// 接访) on their calendar page; a township clerk books one of its slots from a case's
// page; the booking shows on the case, in the clerk's queue and on the calendar.
func TestAppointmentThroughPages(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()

		// A case registered at 附城镇 through the API, as the desk would.
		village, err := st.RegionByCode(ctx, "622922100200")
		if err != nil {
			t.Fatal(err)
		}
		cats, err := st.Categories(ctx, store.CategoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var category int64
		for _, c := range cats {
			if c.Code == "dispute.neighbour" {
				category = c.ID
			}
		}
		api := srv.Login(t, "fucheng.clerk", demo.Password)
		resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": category, "channel": "walk_in",
			"region_id": village.ID, "address": "附城镇高林湾村三社5号", "description": "相邻宅基地界线不清，双方多次争执。", "urgency": "normal",
			"parties": []map[string]any{{"role": "applicant", "name": "马某", "phone": "13893005566", "id_number": ""}}})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c model.Case
		testutil.DecodeJSON(t, raw, &c)

		// 1. The leader publishes a session: the form comes filled in for tomorrow morning.
		leader := b.newTab(t, srv.URL)
		leader.mustLogin("county.leader", demo.Password)
		if status := leader.click(`a[href="/reception"]`); status != 200 {
			t.Fatalf("open the reception calendar: %d", status)
		}
		leader.do("clear the place", chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=place]').value = ''`))
		leader.fill(`input[name=place]`, "县综治中心接访室")
		leader.do("choose 09:00–10:00", chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=start]').value = '09:00';
			document.querySelector('input[name=end]').value = '10:00'`))
		if status := leader.click(`[data-testid=publish-submit]`); status != 200 {
			t.Fatalf("publish: %d %q", status, leader.texts("[data-testid=error]"))
		}
		if loc := leader.location(); loc != "/reception?done=published" {
			t.Fatalf("after publishing: on %s, %q", loc, leader.texts("[data-testid=error]"))
		}
		leader.checkText("p.notice", i18n.T(zh, "reception.notice.published"))
		if n := len(leader.texts("[data-testid=session] [data-testid=slot]")); n != 2 {
			t.Fatalf("a one-hour session of 30-minute slots shows %d slots", n)
		}

		// 2. The township clerk books the first slot from the case page.
		clerk := b.newTab(t, srv.URL)
		clerk.mustLogin("fucheng.clerk", demo.Password)
		path := "/cases/" + strconv.FormatInt(c.ID, 10)
		if status := clerk.open(path); status != 200 {
			t.Fatalf("open the case: %d", status)
		}
		chosen := eval[string](clerk, `(() => { const s = document.querySelector('[data-testid=appointment-slot]'); s.selectedIndex = 1; return s.options[1].text })()`)
		if chosen != "09:00–09:30" {
			t.Fatalf("the first slot reads %q", chosen)
		}
		clerk.do("scroll to the booking", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=appointment-book]').scrollIntoView({block: "center"})`))
		if status := clerk.click(`[data-testid=appointment-book]`); status != 200 {
			t.Fatalf("book: %d %q", status, clerk.texts("[data-testid=error]"))
		}
		if loc := clerk.location(); loc != path+"?appointment=booked" {
			t.Fatalf("after booking: on %s, %q", loc, clerk.texts("[data-testid=error]"))
		}
		if got := clerk.text("[data-testid=appointment-upcoming]"); !strings.Contains(got, "09:00–09:30") || !strings.Contains(got, "县综治中心接访室") {
			t.Fatalf("the case shows the booking as %q", got)
		}
		if tl := strings.Join(clerk.texts("[data-testid=timeline] li"), "\n"); !strings.Contains(tl, i18n.T(zh, "case_action.appointment_book")) {
			t.Fatalf("the timeline lacks the booking:\n%s", tl)
		}
		if status := clerk.open("/cases"); status != 200 {
			t.Fatalf("open the queue: %d", status)
		}
		if got := strings.Join(clerk.texts("[data-testid=desk-appointment]"), "\n"); !strings.Contains(got, c.TrackingCode) {
			t.Fatalf("the queue lists %q", got)
		}

		// 3. The leader's calendar names the case in the slot.
		if status := leader.open("/reception"); status != 200 {
			t.Fatalf("reload the calendar: %d", status)
		}
		if got := leader.texts("[data-testid=slot-case]"); len(got) != 1 || got[0] != c.TrackingCode {
			t.Fatalf("the calendar's booked slots: %q", got)
		}
	})
}
