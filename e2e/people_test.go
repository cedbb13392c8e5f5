package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// shotsEnv names a directory to keep screenshots in; unset, they are taken (the
// page must render) and dropped.
const shotsEnv = "ONEDOOR_SCREENSHOTS"

// screenshot sizes the tab to width × height and captures the whole page as name.png.
func (tb *tab) screenshot(name string, width, height int64) {
	tb.t.Helper()
	tb.do("size the window for "+name, chromedp.EmulateViewport(width, height))
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if dir := os.Getenv(shotsEnv); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
}

// TestGroupCaseAtTheDesk: 86 households of a housing estate send two elected
// representatives and their lawyer to the county desk. The clerk registers the group
// case with its households and people, the representatives and the agent acting for
// the first of them; the case page counts the group and lists the representatives
// first, the agent naming whom they act for.
func TestGroupCaseAtTheDesk(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		category := kangleCategory(t, srv.Store, "dispute.housing")
		county, err := srv.Store.RegionByCode(ctx, demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.clerk"}
		clerk.mustLogin("county.clerk", demo.Password)
		if status := clerk.open("/cases/new"); status != 200 {
			t.Fatalf("intake desk: %d", status)
		}
		clerk.choose(`select[name=category_id]`, strconv.FormatInt(category, 10))
		clerk.choose(`select[name=region_id]`, strconv.FormatInt(county.ID, 10))
		clerk.fill(`input[name=title]`, "锦绣家园86户业主办证难")
		clerk.fill(`textarea[name=description]`, "锦绣家园小区86户业主反映开发商逾期三年未办理不动产权证，推选马某、杨某为代表人来访，委托周律师代理。")
		clerk.fill(`input[name=households]`, "86")
		clerk.fill(`input[name=people_count]`, "230")
		clerk.choose(`select[name="parties[0].role"]`, string(model.PartyRepresentative))
		clerk.fill(`input[name="parties[0].name"]`, "马某")
		clerk.fill(`input[name="parties[0].phone"]`, "13893002001")
		clerk.tap(`button[data-add-party]`)
		clerk.choose(`select[name="parties[1].role"]`, string(model.PartyRespondent))
		clerk.fill(`input[name="parties[1].name"]`, "康乐县锦绣房地产开发有限公司")
		clerk.tap(`button[data-add-party]`)
		clerk.choose(`select[name="parties[2].role"]`, string(model.PartyRepresentative))
		clerk.fill(`input[name="parties[2].name"]`, "杨某")
		clerk.tap(`button[data-add-party]`)
		clerk.choose(`select[name="parties[3].role"]`, string(model.PartyAgent))
		clerk.fill(`input[name="parties[3].name"]`, "周律师")

		// An agent who names nobody is refused at the field, the form kept.
		clerk.expectStatus(422)
		if status := clerk.click(`[data-testid=register]`); status != 422 {
			t.Fatalf("an agent for nobody: status %d on %s", status, clerk.location())
		}
		if got := clerk.texts(`[data-party-row="3"] .field-error`); len(got) != 1 || !strings.Contains(got[0], "请选择代理或监护的当事人") {
			t.Fatalf("the agent's row shows %q", got)
		}
		if got := clerk.value(`input[name=households]`); got != "86" {
			t.Fatalf("households refilled as %q", got)
		}
		clerk.choose(`select[name="parties[3].acts_for"]`, "1")
		clerk.screenshot("people-group-intake-1366", 1366, 768)
		if status := clerk.click(`[data-testid=register]`); status != 200 {
			t.Fatalf("register: %d %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		if regexp.MustCompile(`^/cases/\d+\?notice=case_registered$`).FindString(clerk.location()) == "" {
			t.Fatalf("after registering on %s: %q", clerk.location(), clerk.texts("[data-testid=error], .field-error"))
		}
		if got, want := clerk.text("[data-testid=group-summary]"), "86 户 · 230 人 · 代表人 2 名"; got != want {
			t.Errorf("group summary %q, want %q", got, want)
		}
		rows := eval[[][]string](clerk.tab, `Array.from(document.querySelectorAll("[data-testid=parties] tbody tr"),
			r => [r.cells[0].innerText.trim(), r.cells[1].innerText.trim(), r.cells[3].innerText.trim()])`)
		rep := i18n.T(zh, "party_role.representative")
		want := [][]string{{rep, "马某", "138****2001"}, {rep, "杨某", ""}, {i18n.T(zh, "party_role.respondent"), "康乐县锦绣房地产开发有限公司", ""},
			{i18n.T(zh, "party_role.agent") + "\n" + i18n.T(zh, "case.acts_for", "马某"), "周律师", ""}}
		if len(rows) != len(want) {
			t.Fatalf("parties %q", rows)
		}
		for i := range want {
			if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("party row %d %q, want %q", i, rows[i], want[i])
			}
		}
		clerk.screenshot("people-group-case-1366", 1366, 768)
	})
}

// TestLinkedCasesOnBothPages: the county clerk links a township's dispute to the
// legal-aid case another township opened for the same man; both case pages show the
// link with its reason, and the first township's clerk, who may not see the other
// township's case, is told a link exists and nothing of that case.
func TestLinkedCasesOnBothPages(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		category := kangleCategory(t, srv.Store, "dispute.neighbour")
		register := func(username, what string) model.Case {
			api := srv.Login(t, username, demo.Password)
			var me struct {
				Region struct {
					ID int64 `json:"id"`
				} `json:"region"`
			}
			_, raw := api.Do("GET", "/api/v1/me", nil)
			testutil.DecodeJSON(t, raw, &me)
			resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": category, "region_id": me.Region.ID,
				"description": what, "parties": []map[string]any{{"name": "马某", "phone": "13893005566"}}})
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
			var c model.Case
			testutil.DecodeJSON(t, raw, &c)
			return c
		}
		dispute := register("fucheng.clerk", "马某与邻居宅基地纠纷，调解未成。")
		legalAid := register("suji.clerk", "马某申请法律援助，苏集镇司法所受理。")

		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.clerk"}
		clerk.mustLogin("county.clerk", demo.Password)
		path := "/cases/" + strconv.FormatInt(dispute.ID, 10)
		if status := clerk.open(path); status != 200 {
			t.Fatalf("open the case: %d", status)
		}
		clerk.tap(`[data-testid=links] details summary`)
		clerk.fill(`[data-testid=link-form] input[name=tracking_code]`, strings.ToLower(legalAid.TrackingCode))
		clerk.choose(`[data-testid=link-form] select[name=link_kind]`, string(model.LinkLegalAid))
		clerk.fill(`[data-testid=link-form] input[name=link_note]`, "当事人在苏集镇司法所申请的法律援助")
		if status := clerk.click(`[data-testid=link-submit]`); status != 200 {
			t.Fatalf("link: %d %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		clerk.checkText("p.notice", i18n.T(zh, "notice.case_linked"))
		if got := clerk.text(`[data-testid=link-case]`); got != legalAid.TrackingCode {
			t.Errorf("the link names %q", got)
		}
		clerk.checkText(`[data-testid=link-note]`, "当事人在苏集镇司法所申请的法律援助")
		clerk.screenshot("people-links-1366", 1366, 768)

		// The other case's page shows it too, naming the dispute.
		if status := clerk.open("/cases/" + strconv.FormatInt(legalAid.ID, 10)); status != 200 {
			t.Fatalf("open the legal-aid case: %d", status)
		}
		if got := clerk.text(`[data-testid=link-case]`); got != dispute.TrackingCode {
			t.Errorf("the legal-aid case's link names %q", got)
		}
		if tl := strings.Join(clerk.texts("[data-testid=timeline] li"), "\n"); !strings.Contains(tl, i18n.T(zh, "case_action.link")) {
			t.Errorf("the legal-aid case's timeline lacks the link:\n%s", tl)
		}

		// Fucheng's clerk: a link exists, to a case they may not see.
		own := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.clerk"}
		own.mustLogin("fucheng.clerk", demo.Password)
		if status := own.open(path); status != 200 {
			t.Fatalf("open the case as fucheng.clerk: %d", status)
		}
		links := own.text(`[data-testid=link-list]`)
		if !strings.Contains(links, i18n.T(zh, "link.outside")) || strings.Contains(links, legalAid.TrackingCode) || strings.Contains(links, "司法所") {
			t.Errorf("fucheng.clerk sees the link as %q", links)
		}
		// Naming a case they may not see is refused at the field.
		own.tap(`[data-testid=links] details summary`)
		own.fill(`[data-testid=link-form] input[name=tracking_code]`, legalAid.TrackingCode)
		own.choose(`[data-testid=link-form] select[name=link_kind]`, string(model.LinkEarlier))
		own.expectStatus(422)
		if status := own.click(`[data-testid=link-submit]`); status != 422 {
			t.Fatalf("link to an unseen case: %d", status)
		}
		if got := own.text(`[data-testid=link-form] .field-error`); !strings.Contains(got, "未找到该编号的案件") {
			t.Errorf("refusal reads %q", got)
		}
	})
}

// TestReceptionConvenedThroughPages: a county leader's reception is booked for a
// township case; the township clerk invites the township's 司法所 and the county's
// 人社局 from the case page; the 司法所's handler confirms who attends on the 约访邀请
// page; after the reception the clerk records its result on the case.
func TestReceptionConvenedThroughPages(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		st := srv.Store
		township, err := st.RegionByCode(ctx, "622922100")
		if err != nil {
			t.Fatal(err)
		}
		county, err := st.RegionByCode(ctx, demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		justice, hrss := kangleDepartment(t, st, township.ID, "justice-office"), kangleDepartment(t, st, county.ID, "hrss")
		village, err := st.RegionByCode(ctx, "622922100200")
		if err != nil {
			t.Fatal(err)
		}
		api := srv.Login(t, "fucheng.clerk", demo.Password)
		resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": kangleCategory(t, st, "dispute.neighbour"),
			"region_id": village.ID, "description": "相邻宅基地界线不清，双方多次争执，约县领导接访。", "parties": []map[string]any{{"name": "马某"}}})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c model.Case
		testutil.DecodeJSON(t, raw, &c)
		leaderAPI := srv.Login(t, "county.leader", demo.Password)
		tomorrow := time.Now().In(workflow.ChinaTime).AddDate(0, 0, 1).Format(time.DateOnly)
		resp, raw = leaderAPI.Do("POST", "/api/v1/reception/sessions", map[string]any{"date": tomorrow, "start": "09:00", "end": "10:00", "place": "县综治中心接访室"})
		if resp.StatusCode != 201 {
			t.Fatalf("publish: %d %s", resp.StatusCode, raw)
		}
		var sess struct {
			Slots []struct {
				ID int64 `json:"id"`
			} `json:"slots"`
		}
		testutil.DecodeJSON(t, raw, &sess)
		resp, raw = api.Do("POST", "/api/v1/cases/"+strconv.FormatInt(c.ID, 10)+"/appointments", map[string]any{"slot_id": sess.Slots[0].ID})
		if resp.StatusCode != 201 {
			t.Fatalf("book: %d %s", resp.StatusCode, raw)
		}
		var booking struct {
			StartsAt time.Time `json:"starts_at"`
		}
		testutil.DecodeJSON(t, raw, &booking)

		// 1. The clerk convenes the two departments from the case page.
		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.clerk"}
		clerk.mustLogin("fucheng.clerk", demo.Password)
		path := "/cases/" + strconv.FormatInt(c.ID, 10)
		if status := clerk.open(path); status != 200 {
			t.Fatalf("open the case: %d", status)
		}
		clerk.tap(`[data-testid=appointment-upcoming] details summary`)
		clerk.chooseMany(`[data-testid=invite-select]`, []string{strconv.FormatInt(justice.ID, 10), strconv.FormatInt(hrss.ID, 10)})
		if status := clerk.click(`[data-testid=invite-submit]`); status != 200 {
			t.Fatalf("invite: %d %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		clerk.checkText(`#appointments p.notice`, i18n.T(zh, "appointment.notice.invited"))
		invited := strings.Join(clerk.texts(`[data-testid=appointment-upcoming] [data-testid=appointment-invite]`), "\n")
		if !strings.Contains(invited, justice.Name+" · "+i18n.T(zh, "invite.status.invited")) ||
			!strings.Contains(invited, hrss.Name+" · "+i18n.T(zh, "invite.status.invited")) {
			t.Fatalf("invited: %q", invited)
		}

		// 2. The 司法所's handler confirms on their invitations page, reached from the menu.
		handler := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.handler"}
		handler.mustLogin("fucheng.handler", demo.Password)
		if status := handler.click(`nav.sidenav a[href="/invites"]`); status != 200 {
			t.Fatalf("the invitations page: %d", status)
		}
		if got := handler.text(`[data-testid=invite] td.mono`); got != c.TrackingCode {
			t.Errorf("the invite names case %q", got)
		}
		handler.fill(`[data-testid=invite-form] input[name=attendee]`, "司法所所长李某")
		handler.screenshot("people-invites-1366", 1366, 768)
		if status := handler.click(`[data-testid=invite-confirm]`); status != 200 {
			t.Fatalf("confirm: %d %q", status, handler.texts("[data-testid=error], .field-error"))
		}
		handler.checkText("p.notice", i18n.T(zh, "notice.invite_confirmed"))
		if got := handler.text(`[data-testid=invite] td:last-child`); !strings.Contains(got, "司法所所长李某") {
			t.Errorf("after confirming: %q", got)
		}

		// 3. The reception over, the clerk records its result on the case.
		srv.App.Cases().Now = func() time.Time { return booking.StartsAt.Add(40 * time.Minute) }
		t.Cleanup(func() { srv.App.Cases().Now = time.Now })
		if status := clerk.open(path); status != 200 {
			t.Fatalf("reopen the case: %d", status)
		}
		if got := strings.Join(clerk.texts(`[data-testid=appointment-past] [data-testid=appointment-invite]`), "\n"); !strings.Contains(got, "司法所所长李某") {
			t.Errorf("the past booking's invites: %q", got)
		}
		clerk.fill(`[data-testid=result-form] textarea[name=result]`, "县领导接访，司法所参加；双方同意由司法所组织调解，界线由村委会现场确认。")
		if status := clerk.click(`[data-testid=result-submit]`); status != 200 {
			t.Fatalf("record the result: %d %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		if got := clerk.text(`[data-testid=appointment-result]`); !strings.Contains(got, "由司法所组织调解") {
			t.Errorf("the result reads %q", got)
		}
		tl := strings.Join(clerk.texts("[data-testid=timeline] li"), "\n")
		for _, key := range []string{"case_action.appointment_invite", "case_action.appointment_confirm", "case_action.appointment_result"} {
			if !strings.Contains(tl, i18n.T(zh, key)) {
				t.Errorf("the timeline lacks %s:\n%s", key, tl)
			}
		}
		clerk.screenshot("people-convene-case-1366", 1366, 768)
	})
}

// TestFollowUpPlanForTheGridWorker: the township clerk sets a warned case on a weekly
// plan (回访每周一次，直至稳定); the grid worker finds the dated visit on their phone's
// home, opens the case and records the visit in two taps; the case page shows it done
// and the next one dated.
func TestFollowUpPlanForTheGridWorker(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		gridRegion, err := srv.Store.RegionByCode(ctx, "62292210020101")
		if err != nil {
			t.Fatal(err)
		}
		api := srv.Login(t, "fucheng.clerk", demo.Password)
		resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": kangleCategory(t, srv.Store, "dispute.neighbour"),
			"region_id": gridRegion.ID, "people_count": 12, "description": "两户村民因共用水井多次争吵，双方亲属聚集，情绪激动。",
			"parties": []map[string]any{{"name": "王某"}}})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c model.Case
		testutil.DecodeJSON(t, raw, &c)

		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.clerk"}
		clerk.mustLogin("fucheng.clerk", demo.Password)
		path := "/cases/" + strconv.FormatInt(c.ID, 10)
		if status := clerk.open(path); status != 200 {
			t.Fatalf("open the case: %d", status)
		}
		clerk.tap(`[data-testid=follow-up] details summary`)
		if got := clerk.value(`[data-testid=follow-up-form] input[name=every_days]`); got != "7" {
			t.Errorf("the plan's pace is offered as %q, want weekly", got)
		}
		clerk.fill(`[data-testid=follow-up-form] input[name=follow_up_note]`, "回访每周一次，直至稳定")
		if status := clerk.click(`[data-testid=follow-up-submit]`); status != 200 {
			t.Fatalf("set the plan: %d %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		clerk.checkText("p.notice", i18n.T(zh, "notice.follow_up_started"))
		clerk.checkText(`[data-testid=follow-up-plan]`, i18n.T(zh, "follow_up.active", 7)+" · 回访每周一次，直至稳定")

		// The grid worker's phone: the dated visit on the home page.
		grid := b.newTab(t, srv.URL)
		grid.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
		grid.mustLogin("fucheng.grid", demo.Password)
		if status := grid.open("/grid"); status != 200 {
			t.Fatalf("the grid home: %d", status)
		}
		planned := grid.text(`[data-testid=planned-visit]`)
		if !strings.Contains(planned, c.TrackingCode) || !strings.Contains(planned, i18n.T(zh, "follow_up.status.planned")) {
			t.Errorf("the planned visit reads %q", planned)
		}
		var png []byte
		if png, err = chromedp.Run(grid.ctx, chromedp.CaptureScreenshot()); err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv(shotsEnv); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, "people-grid-planned-390.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if status := grid.load("tap the visit", chromedp.Tap(chromedp.CSS(`[data-testid=planned-visit]`))); status != 200 || grid.location() != "/grid/cases/"+strconv.FormatInt(c.ID, 10) {
			t.Fatalf("tap the visit: %d on %s", status, grid.location())
		}
		preset := `[data-testid=grid-preset][value="当事人情绪稳定"]`
		grid.do("scroll to the preset", chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(preset)+`).scrollIntoView({block: "center"})`))
		if status := grid.load("tap a preset note", chromedp.Tap(chromedp.CSS(preset))); status != 200 {
			t.Fatalf("record the visit: %d", status)
		}

		// The case page: the visit done, the next one dated a week on.
		if status := clerk.open(path); status != 200 {
			t.Fatalf("reopen the case: %d", status)
		}
		states := eval[[]string](clerk.tab, `Array.from(document.querySelectorAll("[data-testid=follow-up-visits] li"), li => li.dataset.status)`)
		if strings.Join(states, " ") != "planned done" {
			t.Errorf("the plan's visits, newest first: %v", states)
		}
		clerk.screenshot("people-follow-up-1366", 1366, 768)
	})
}
