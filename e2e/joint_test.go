package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// jointClock is the test's time, moved on to make a co-handler late.
type jointClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *jointClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *jointClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// desktop sets the tab to a county office's screen, 1366×768.
func (tb *tab) desktop() {
	tb.t.Helper()
	tb.do("a 1366×768 screen", chromedp.EmulateViewport(1366, 768))
}

// shot saves the window as name.png under $ONEDOOR_SHOTS, when it is set, for a
// person to look at; the test never reads it.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	dir := os.Getenv("ONEDOOR_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// 吹哨报到 through the pages, seeds/001's Kangle case: the county centre whistles in
// the court and the procuratorate with three working days each; the procuratorate
// lets its part run late, and only its part turns 已超期. The county leader supervises
// the procuratorate itself; the procurator finds the order on the board addressed to
// them and answers it on the case page; the leader reads the answer on 待审批, whose
// badge counted it. The rota's pages: the admin stations departments at the county
// centre and puts the leader on duty; the clerk sees today's roster on its page and
// at the intake desk.
func TestJointHandlingThroughPages(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()
		clk := &jointClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, workflow.ChinaTime)} // a Monday
		svc := srv.App.Cases()
		svc.Now = clk.Now
		county, err := st.RegionByCode(ctx, demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		hrss := kangleDepartment(t, st, county.ID, "hrss")
		court := kangleDepartment(t, st, county.ID, "court")
		procuratorate := kangleDepartment(t, st, county.ID, "procuratorate")
		kangleAddUser(t, st, "court.judge", "法官周立", county.ID, court.ID, model.RoleHandler)
		kangleAddUser(t, st, "procurator.wu", "检察官吴敏", county.ID, procuratorate.ID, model.RoleHandler)

		// The case as the desk registered it, whistled in through the API: the pages of
		// registering are TestKangleCaseThroughPages'.
		api := func(user string) *testutil.Client { return srv.Login(t, user, demo.Password) }
		clerkAPI := api("county.clerk")
		village, _ := st.RegionByCode(ctx, "622922101201")
		resp, raw := clerkAPI.Do("POST", "/api/v1/cases", map[string]any{
			"kind": "dispute", "category_id": kangleCategory(t, st, "dispute.labour.injury"), "channel": "walk_in",
			"region_id": village.ID, "address": "苏集镇古洞沟村建筑工地", "title": "务工受伤工伤赔偿纠纷",
			"description": "村民高某受雇在工地务工时右手中指被搅拌机夹断，与雇主就工伤赔偿协商未果。", "urgency": "normal", "people_count": 2,
			"parties": []map[string]any{{"role": "applicant", "name": "高某", "phone": "13909301234"}},
			"then": []map[string]any{{"action": "accept"}, {"action": "assign", "lead_department_id": hrss.ID,
				"co_department_ids": []int64{court.ID, procuratorate.ID}, "co_due_days": 3}},
		})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		act := func(client *testutil.Client, action string, in map[string]any) {
			t.Helper()
			if resp, raw := client.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", c.ID, action), in); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", action, resp.StatusCode, raw)
			}
		}
		act(api("county.handler"), "sign", nil)
		act(api("court.judge"), "co_sign", nil)
		act(api("court.judge"), "co_report", map[string]any{"note": "已就《工伤保险条例》释法说理"})
		act(api("procurator.wu"), "co_sign", nil)
		// Friday: the procuratorate's three working days ran out on Thursday.
		clk.Set(time.Date(2026, 12, 11, 9, 0, 0, 0, workflow.ChinaTime))
		if _, err := svc.SweepDeadlines(ctx, clk.Now()); err != nil {
			t.Fatal(err)
		}

		// 1. The county leader sees the parts: the procuratorate's alone is overdue,
		// each with its deadline and basis, and the case's own basis beside its date.
		leader := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.leader", caseID: c.ID}
		leader.desktop()
		leader.mustLogin("county.leader", demo.Password)
		leader.openCase()
		if basis := leader.text("[data-testid=due-basis]"); !strings.Contains(basis, "劳动争议调解仲裁法》第十四条") {
			t.Errorf("the case's deadline basis reads %q", basis)
		}
		badges := eval[map[string]string](leader.tab, `Object.fromEntries(Array.from(document.querySelectorAll("[data-testid=assignment]"),
			r => [r.dataset.departmentId, (r.querySelector("[data-testid=part-due-badge]") || {innerText: ""}).innerText.trim()]))`)
		want := map[string]string{strconv.FormatInt(hrss.ID, 10): "", strconv.FormatInt(court.ID, 10): "",
			strconv.FormatInt(procuratorate.ID, 10): i18n.T(zh, "due.overdue")}
		for dep, w := range want {
			if badges[dep] != w {
				t.Errorf("department %s's part shows %q, want %q (all: %v)", dep, badges[dep], w, badges)
			}
		}
		if part := leader.text(fmt.Sprintf(`[data-testid=assignment][data-department-id="%d"] [data-testid=part-due]`, procuratorate.ID)); !strings.Contains(part, "2026-12-10") ||
			!strings.Contains(part, "中心吹哨时指定：3个工作日") {
			t.Errorf("the procuratorate's part reads %q", part)
		}
		leader.centre("[data-testid=assignments]")
		leader.shot("joint-1-case-parts")
		// It supervises the procuratorate itself.
		leader.unfold("supervise")
		if got := leader.choose(`select[name=department_id]`, strconv.FormatInt(procuratorate.ID, 10)); !strings.Contains(got, procuratorate.Name) || !strings.Contains(got, i18n.T(zh, "due.overdue")) {
			t.Errorf("the addressee option reads %q", got)
		}
		leader.choose(`select[name=level]`, "yellow")
		leader.fill(`details[data-action-form="supervise"] textarea[name=note]`, "县检察院协办部分已超期，请于两日内反馈监督意见")
		leader.shot("joint-2-supervise-form")
		leader.submit("supervise")
		// The timeline says whom the order went to, and when the whistle's parts fell due.
		if got := leader.texts("[data-testid=timeline] [data-testid=addressee]"); len(got) != 1 || !strings.Contains(got[0], procuratorate.Name) {
			t.Errorf("the supervise event's addressee: %q", got)
		}
		if got := leader.texts("[data-testid=timeline] [data-testid=co-due]"); len(got) != 1 || !strings.Contains(got[0], "2026-12-10 23:59") {
			t.Errorf("the assign event's co-handlers' deadline: %q", got)
		}

		// 2. The procurator finds the order on the board, addressed to the procuratorate,
		// and answers it on the case page.
		procurator := &kangleDesk{tab: b.newTab(t, srv.URL), who: "procurator.wu", caseID: c.ID}
		procurator.desktop()
		procurator.mustLogin("procurator.wu", demo.Password)
		if status := procurator.click(`nav.sidenav a[href="/cases"]`); status != 200 {
			t.Fatalf("the procurator's queue: %d", status)
		}
		if got := procurator.text(fmt.Sprintf(`[data-testid=case-row][data-case-id="%d"] [data-testid=part-due-badge]`, c.ID)); !strings.Contains(got, i18n.T(zh, "due.overdue")) {
			t.Errorf("the procurator's queue shows the part as %q", got)
		}
		procurator.shot("joint-3-department-queue")
		if status := procurator.click(`nav.sidenav a[href="/supervision"]`); status != 200 {
			t.Fatalf("board: %d", status)
		}
		rows := procurator.texts("[data-testid=board-row]")
		if len(rows) != 1 || !strings.Contains(rows[0], procuratorate.Name) {
			t.Fatalf("the procurator's board: %q", rows)
		}
		procurator.openCase()
		form := `[data-testid=supervisions] form[action*="/reply"]`
		if !procurator.has(form) {
			t.Fatalf("the procurator is offered no reply form")
		}
		procurator.tap(`[data-testid=supervisions] details > summary`)
		procurator.fill(form+" textarea[name=reply]", "已派员参与调解，今日反馈监督意见")
		procurator.centre(form + " button")
		if status := procurator.click(form + " button"); status != 200 || !strings.Contains(procurator.location(), "notice=supervision_replied") {
			t.Fatalf("reply: %d on %s: %q", status, procurator.location(), procurator.texts("[data-testid=error], .field-error"))
		}

		// 3. The leader's 待审批 counts the answer; read, it leaves the queue.
		if status := leader.open("/"); status != 200 {
			t.Fatalf("home: %d", status)
		}
		if got := leader.text(`[data-testid="badge-/approvals"]`); got != "1" {
			t.Errorf("the 待审批 badge reads %q, want 1", got)
		}
		if status := leader.click(`nav.sidenav a[href="/approvals"]`); status != 200 {
			t.Fatalf("待审批: %d", status)
		}
		if got := leader.text("[data-testid=count-replies]"); got != "1" || !strings.Contains(leader.text("[data-testid=approval-reply]"), "已派员参与调解") {
			t.Errorf("待审批 replies: %q, %q", got, leader.text("[data-testid=approval-reply]"))
		}
		leader.shot("joint-4-approvals")
		if status := leader.click("[data-testid=approval-reply] form button"); status != 200 {
			t.Fatalf("阅知: %d", status)
		}
		leader.checkText("p.notice", i18n.T(zh, "notice.reply_reviewed"))
		if leader.has(`[data-testid="badge-/approvals"]`) || leader.text("[data-testid=count-replies]") != "0" {
			t.Errorf("the answer stays on the queue after it was read")
		}

		// 4. The rota: the admin stations 司法局 (resident) and 法院 (Monday and
		// Friday), 人社局 on call, and puts the leader on duty today.
		admin := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.admin"}
		admin.desktop()
		admin.mustLogin("county.admin", demo.Password)
		if status := admin.click(`nav.sidenav a[href="/admin/roster"]`); status != 200 {
			t.Fatalf("rota: %d", status)
		}
		station := func(dep model.Department, mode, weekdays, phone, place string) {
			t.Helper()
			admin.choose(`[data-testid=station-form] select[name=department_id]`, strconv.FormatInt(dep.ID, 10))
			admin.choose(`[data-testid=station-form] select[name=mode]`, mode)
			admin.fill(`[data-testid=station-form] input[name=weekdays]`, weekdays)
			admin.fill(`[data-testid=station-form] input[name=phone]`, phone)
			admin.fill(`[data-testid=station-form] input[name=place]`, place)
			admin.centre(`[data-testid=station-form] button`)
			if status := admin.click(`[data-testid=station-form] button`); status != 200 {
				t.Fatalf("station %s: %d %q", dep.Name, status, admin.texts(".field-error"))
			}
		}
		justice := kangleDepartment(t, st, county.ID, "justice")
		station(justice, "resident", "", "", "1号窗口")
		station(court, "rotating", "1,5", "", "2号窗口")
		station(hrss, "on_call", "", "0930-5621234", "")
		// A rotating station without its days is refused, naming the field.
		admin.choose(`[data-testid=station-form] select[name=department_id]`, strconv.FormatInt(procuratorate.ID, 10))
		admin.choose(`[data-testid=station-form] select[name=mode]`, "rotating")
		admin.centre(`[data-testid=station-form] button`)
		admin.expectStatus(422)
		if status := admin.click(`[data-testid=station-form] button`); status != 422 {
			t.Errorf("a rotating station without days: %d", status)
		}
		if got := admin.text(`[data-testid=field-error-weekdays]`); !strings.Contains(got, i18n.T(zh, "invalid.weekdays.weekdays")) {
			t.Errorf("the weekdays error reads %q", got)
		}
		leaderName := kangleDemoName(t, "county.leader")
		var leaderID int64
		if u, _, err := st.UserCredentials(ctx, "county.leader"); err == nil {
			leaderID = u.ID
		}
		admin.choose(`[data-testid=shift-form] select[name=user_id]`, strconv.FormatInt(leaderID, 10))
		admin.choose(`[data-testid=shift-form] select[name=kind]`, "duty")
		admin.do("set the day", chromedp.SetValue(chromedp.CSS(`[data-testid=shift-form] input[name=from_day]`), "2026-12-11"))
		admin.centre(`[data-testid=shift-form] button`)
		if status := admin.click(`[data-testid=shift-form] button`); status != 200 {
			t.Fatalf("shift: %d %q", status, admin.texts(".field-error"))
		}
		if n := len(admin.texts("[data-testid=rota-station]")); n != 3 {
			t.Errorf("the rota lists %d stations, want 3", n)
		}
		admin.shot("joint-5-rota")

		// 5. The clerk sees who is in today (a Friday): 司法局 and 法院 at their windows,
		// 人社局 on call, the leader on duty — on the roster page and at the desk.
		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.clerk"}
		clerk.desktop()
		clerk.mustLogin("county.clerk", demo.Password)
		if status := clerk.click(`nav.sidenav a[href="/roster"]`); status != 200 {
			t.Fatalf("roster: %d", status)
		}
		present := clerk.text("[data-testid=roster-present]")
		if !strings.Contains(present, justice.Name) || !strings.Contains(present, court.Name) || !strings.Contains(present, "2号窗口") {
			t.Errorf("present today: %q", present)
		}
		if oncall := clerk.text("[data-testid=roster-oncall]"); !strings.Contains(oncall, hrss.Name) || !strings.Contains(oncall, "0930-5621234") {
			t.Errorf("on call today: %q", oncall)
		}
		if leaders := clerk.text("[data-testid=roster-leaders]"); !strings.Contains(leaders, leaderName) || !strings.Contains(leaders, i18n.T(zh, "duty_kind.duty")) {
			t.Errorf("leaders today: %q", leaders)
		}
		clerk.shot("joint-6-roster")
		if status := clerk.click(`nav.sidenav a[href="/cases/new"]`); status != 200 {
			t.Fatalf("intake: %d", status)
		}
		if desk := clerk.text("[data-testid=desk-roster]"); !strings.Contains(desk, justice.Name) || !strings.Contains(desk, leaderName) {
			t.Errorf("the desk's roster: %q", desk)
		}
		clerk.shot("joint-7-intake-roster")
	})
}
