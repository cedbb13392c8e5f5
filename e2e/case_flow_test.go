package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// kangleDesk is one person's tab on the Kangle case: a browser context of its own,
// signed in as that person, and the case the test drives.
type kangleDesk struct {
	*tab
	who    string // the user name, for messages
	caseID int64
}

func (d *kangleDesk) casePath() string { return "/cases/" + strconv.FormatInt(d.caseID, 10) }

// actionSel selects the form of action on the case page, by where it posts.
func (d *kangleDesk) actionSel(action string) string {
	return fmt.Sprintf(`form[action="%s/actions/%s"]`, d.casePath(), action)
}

// offered lists the actions whose forms the case page shows, in page order.
func (d *kangleDesk) offered() []string {
	d.t.Helper()
	return eval[[]string](d.tab, `Array.from(document.querySelectorAll('[data-testid=actions] form[action*="/actions/"]'),
		f => f.getAttribute("action").replace(/^.*\/actions\//, ""))`)
}

// openCase opens the case page afresh.
func (d *kangleDesk) openCase() {
	d.t.Helper()
	if status := d.open(d.casePath()); status != 200 {
		d.t.Fatalf("%s opening %s: status %d", d.who, d.casePath(), status)
	}
}

// wantState fails the test unless the case page shows the state.
func (d *kangleDesk) wantState(state string) {
	d.t.Helper()
	want := i18n.T(zh, "state."+state)
	if got := d.text("[data-testid=state]"); got != want {
		d.t.Fatalf("%s sees the case %s, want %s (%s)", d.who, got, want, state)
	}
}

// landed checks that an action led back to the case page with the done notice.
func (d *kangleDesk) landed(action string, status int) {
	d.t.Helper()
	if status != 200 {
		d.t.Fatalf("%s %s: status %d on %s: %q", d.who, action, status, d.location(), d.texts("[data-testid=error], .field-error"))
	}
	if loc, want := d.location(), d.casePath()+"?notice=case_acted"; loc != want {
		d.t.Fatalf("%s %s: on %s, want %s; error %q", d.who, action, loc, want, d.texts("[data-testid=error], .field-error"))
	}
	d.checkText("p.notice", i18n.T(zh, "notice.case_acted"))
}

// centre scrolls the element sel matches to the middle of the window, out from under
// the sticky bar of form buttons at the window's bottom: a mouse click lands on what
// is on top at the element's centre, as a user's would.
func (d *kangleDesk) centre(sel string) {
	d.t.Helper()
	d.do("scroll to "+sel, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).scrollIntoView({block: "center"})`))
}

// tap clicks the element sel matches, on a control that changes the page in place.
func (d *kangleDesk) tap(sel string) {
	d.t.Helper()
	d.centre(sel)
	d.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// press takes an action whose form is only a button.
func (d *kangleDesk) press(action string) {
	d.t.Helper()
	sel := d.actionSel(action)
	if got := d.text(sel + " button"); got != i18n.T(zh, "case_action."+action) {
		d.t.Errorf("%s's %s button reads %q, want %q", d.who, action, got, i18n.T(zh, "case_action."+action))
	}
	sel += ` button[data-action="` + action + `"]`
	d.centre(sel)
	d.landed(action, d.click(sel))
}

// unfold opens the folded form of an action with inputs, as a user clicks its title.
func (d *kangleDesk) unfold(action string) {
	d.t.Helper()
	box := `details[data-action-form="` + action + `"]`
	if got := d.text(box + " > summary"); got != i18n.T(zh, "case_action."+action) {
		d.t.Errorf("%s's %s form is titled %q", d.who, action, got)
	}
	d.tap(box + " > summary")
	if !eval[bool](d.tab, `document.querySelector(`+jsString(box)+`).open`) {
		d.t.Fatalf("%s's %s form did not unfold", d.who, action)
	}
}

// submit sends an unfolded action form.
func (d *kangleDesk) submit(action string) {
	d.t.Helper()
	sel := `details[data-action-form="` + action + `"] button[data-action="` + action + `"]`
	d.centre(sel)
	d.landed(action, d.click(sel))
}

// choose picks the option of value in the <select> sel, as a user does, and returns
// the option's text.
func (d *kangleDesk) choose(sel, value string) string {
	d.t.Helper()
	text := eval[string](d.tab, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		const o = Array.from(s.options).find(o => o.value === `+jsString(value)+`);
		if (!o) { return "\u0000missing"; }
		s.value = o.value;
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return o.text.trim();
	})()`)
	if text == "\x00missing" {
		d.t.Fatalf("%s on %s offers no option %s: %q", sel, d.location(), value, d.texts(sel+" option"))
	}
	return text
}

// chooseMany picks exactly the options of values in the multiple <select> sel, and
// returns their texts.
func (d *kangleDesk) chooseMany(sel string, values []string) []string {
	d.t.Helper()
	vals, _ := json.Marshal(values)
	got := eval[[]string](d.tab, `(() => {
		const s = document.querySelector(`+jsString(sel)+`);
		const want = `+string(vals)+`;
		for (const o of s.options) { o.selected = want.includes(o.value); }
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return Array.from(s.selectedOptions, o => o.text.trim());
	})()`)
	if len(got) != len(values) {
		d.t.Fatalf("%s on %s: chose %q, want %d options %v", sel, d.location(), got, len(values), values)
	}
	return got
}

// waitUntil waits up to five seconds for a JavaScript expression to be true.
func (d *kangleDesk) waitUntil(what, expr string) {
	d.t.Helper()
	if _, err := chromedp.Run(d.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(5*time.Second),
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		d.t.Fatalf("%s on %s: %v", what, d.location(), err)
	}
}

// kangleAssignment is one row of the case page's departments table.
type kangleAssignment struct {
	Department string `json:"department"`
	Part       string `json:"part"`
	Status     string `json:"status"`
	Report     string `json:"report"`
}

func (d *kangleDesk) assignments() map[string]kangleAssignment {
	d.t.Helper()
	rows := eval[[]kangleAssignment](d.tab, `Array.from(document.querySelectorAll("[data-testid=assignments] tbody tr"), r => ({
		department: r.cells[0].innerText.trim(), part: r.cells[1].innerText.trim(),
		status: r.cells[2].innerText.trim(), report: r.querySelector("[data-testid=part-report]").innerText.trim()}))`)
	out := map[string]kangleAssignment{}
	for _, r := range rows {
		out[r.Department] = r
	}
	if len(out) != len(rows) {
		d.t.Errorf("a department appears twice in the assignments: %+v", rows)
	}
	return out
}

// kangleEvent is one entry of the case page's timeline.
type kangleEvent struct {
	What  string `json:"what"`
	Actor string `json:"actor"`
	Note  string `json:"note"`
}

func (d *kangleDesk) timeline() []kangleEvent {
	d.t.Helper()
	return eval[[]kangleEvent](d.tab, `Array.from(document.querySelectorAll("[data-testid=timeline] > li"), li => ({
		what: li.querySelector(".what strong").innerText.trim(),
		actor: (li.querySelector(".actor") || {innerText: ""}).innerText.trim(),
		note: (li.querySelector(".note") || {innerText: ""}).innerText.trim()}))`)
}

// kangleAddUser creates a user straight in the store, for people the demo county lacks.
func kangleAddUser(t *testing.T, st *store.Store, username, name string, regionID, deptID int64, role model.Role) {
	t.Helper()
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := model.User{Username: username, DisplayName: name, RegionID: regionID, DepartmentID: deptID, Roles: []model.Role{role}}
	if err := st.CreateUser(context.Background(), store.NotAudited("test fixture"), &u, hash); err != nil {
		t.Fatal(err)
	}
}

func kangleDepartment(t *testing.T, st *store.Store, regionID int64, code string) model.Department {
	t.Helper()
	deps, err := st.Departments(context.Background(), store.DepartmentFilter{RegionID: regionID})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps {
		if d.Code == code {
			return d
		}
	}
	t.Fatalf("no department %s in region %d", code, regionID)
	return model.Department{}
}

func kangleCategory(t *testing.T, st *store.Store, code string) int64 {
	t.Helper()
	cats, err := st.Categories(context.Background(), store.CategoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == code {
			return c.ID
		}
	}
	t.Fatalf("no category %s", code)
	return 0
}

func kangleDemoName(t *testing.T, username string) string {
	t.Helper()
	for _, a := range demo.Accounts() {
		if a.Username == username {
			return a.Name
		}
	}
	t.Fatalf("no demo account %s", username)
	return ""
}

// TestKangleCaseThroughPages drives seeds/001's Kangle case through the pages in a
// real browser, each person in a browser context of their own. Kangle county, 25
// August 2021: a worker's finger was cut off by a mixer. The county centre's clerk
// registers it, accepts it and assigns it to 人社局 (labour inspection) with the
// court and the procuratorate co-handling; both co-handlers sign and report; only
// then may 人社局 resolve it, with a 70,000 yuan mediation agreement; the clerk
// verifies, records the return visit and archives it.
func TestKangleCaseThroughPages(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()
		county, err := st.RegionByCode(ctx, demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		village, err := st.RegionByCode(ctx, "622922101201") // 苏集镇古洞沟村 stands in for 八松乡
		if err != nil {
			t.Fatal(err)
		}
		hrss := kangleDepartment(t, st, county.ID, "hrss") // 劳动监察大队 is part of 人社局
		court := kangleDepartment(t, st, county.ID, "court")
		procuratorate := kangleDepartment(t, st, county.ID, "procuratorate")
		kangleAddUser(t, st, "court.judge", "法官周立", county.ID, court.ID, model.RoleHandler)
		kangleAddUser(t, st, "procurator.wu", "检察官吴敏", county.ID, procuratorate.ID, model.RoleHandler)
		clerkName, handlerName := kangleDemoName(t, "county.clerk"), kangleDemoName(t, "county.handler")

		idNumber := model.MakeIDNumber("622922", time.Date(1985, 3, 12, 0, 0, 0, 0, time.UTC), 37)
		maskedID := idNumber[:6] + "********" + idNumber[14:]
		const phone, maskedPhone = "13909301234", "139****1234"
		const title = "务工受伤工伤赔偿纠纷"

		desk := func(username string) *kangleDesk {
			d := &kangleDesk{tab: b.newTab(t, srv.URL), who: username}
			d.mustLogin(username, demo.Password)
			return d
		}

		// 1. The county centre's clerk registers the case at the intake desk, accepting it
		// and assigning it in the same step.
		clerk := desk("county.clerk")
		if status := clerk.click(`nav.sidenav a[href="/cases/new"]`); status != 200 {
			t.Fatalf("intake desk: status %d", status)
		}
		clerk.checkText("main h1", i18n.T(zh, "cases.new.title"))
		if got := clerk.choose(`select[name=kind]`, string(model.KindDispute)); got != "矛盾纠纷" {
			t.Errorf("kind dispute reads %q, want 矛盾纠纷", got)
		}
		if got := clerk.choose(`select[name=category_id]`, strconv.FormatInt(kangleCategory(t, st, "dispute.labour.injury"), 10)); got != "工伤" {
			t.Errorf("category dispute.labour.injury reads %q, want 工伤", got)
		}
		if got := clerk.choose(`select[name=channel]`, string(model.ChannelWalkIn)); got != "来访" {
			t.Errorf("channel walk_in reads %q, want 来访", got)
		}
		if got := clerk.choose(`select[name=region_id]`, strconv.FormatInt(village.ID, 10)); got != village.Name {
			t.Errorf("region %s reads %q", village.Name, got)
		}
		clerk.fill(`input[name=title]`, title)
		clerk.fill(`textarea[name=description]`, "村民高某受雇在工地务工时右手中指被搅拌机夹断，与雇主就工伤赔偿协商未果，请求综治中心协调解决。")
		clerk.fill(`input[name=people_count]`, "2")
		clerk.fill(`input[name=amount_yuan]`, "70000")
		clerk.fill(`input[name=address]`, "苏集镇古洞沟村建筑工地")
		if got := clerk.value(`select[name="parties[0].role"]`); got != string(model.PartyApplicant) {
			t.Errorf("the first party's role is %q, want the applicant", got)
		}
		clerk.fill(`input[name="parties[0].name"]`, "高某")
		clerk.fill(`input[name="parties[0].id_number"]`, idNumber)
		clerk.fill(`input[name="parties[0].phone"]`, phone)
		clerk.fill(`input[name="parties[0].address"]`, "苏集镇古洞沟村")
		// A first-time applicant: the prior-cases panel, asked as the number was typed,
		// finds nothing.
		clerk.waitUntil("the prior-cases panel answers", `(() => { const p = document.querySelector("[data-prior-body] [data-testid=prior-cases]");
			return !!p && !document.querySelector("[data-prior-panel]").classList.contains("loading"); })()`)
		if got := clerk.text(`[data-prior-body] [data-testid=prior-cases]`); got != i18n.T(zh, "prior.none") {
			t.Errorf("prior-cases panel for a new applicant shows %q, want %q", got, i18n.T(zh, "prior.none"))
		}
		// The second party's row stays folded until asked for.
		if !eval[bool](clerk.tab, `document.querySelector("[data-party-row='1']").hidden`) {
			t.Error("the second party's row is shown before the clerk asked for it")
		}
		clerk.tap(`button[data-add-party]`)
		if got := clerk.value(`select[name="parties[1].role"]`); got != string(model.PartyRespondent) {
			t.Errorf("the second party's role is %q, want the respondent", got)
		}
		clerk.fill(`input[name="parties[1].name"]`, "工地负责人马某")
		clerk.fill(`input[name="parties[1].phone"]`, "0930-5621234")
		// 受理并交办: the department pickers appear only for that choice.
		if !eval[bool](clerk.tab, `document.querySelector("[data-then-show=assign]").hidden`) {
			t.Error("the department pickers show before 受理并交办 is chosen")
		}
		clerk.tap(`input[name=then][value=assign]`)
		if eval[bool](clerk.tab, `document.querySelector("[data-then-show=assign]").hidden`) {
			t.Fatal("the department pickers stay hidden after choosing 受理并交办")
		}
		if got := clerk.choose(`select[name=lead_department_id]`, strconv.FormatInt(hrss.ID, 10)); !strings.HasSuffix(got, hrss.Name) {
			t.Errorf("lead department option reads %q, want %s", got, hrss.Name)
		}
		co := clerk.chooseMany(`select[name=co_department_ids]`, []string{strconv.FormatInt(court.ID, 10), strconv.FormatInt(procuratorate.ID, 10)})
		if !slices.ContainsFunc(co, func(s string) bool { return strings.HasSuffix(s, "县人民法院") }) ||
			!slices.ContainsFunc(co, func(s string) bool { return strings.HasSuffix(s, "县人民检察院") }) {
			t.Errorf("co-handlers chosen: %q, want the court and the procuratorate", co)
		}
		if status := clerk.click(`[data-testid=register]`); status != 200 {
			t.Fatalf("register: status %d on %s: %q", status, clerk.location(), clerk.texts("[data-testid=error], .field-error"))
		}
		m := regexp.MustCompile(`^/cases/(\d+)\?notice=case_registered$`).FindStringSubmatch(clerk.location())
		if m == nil {
			t.Fatalf("after registering on %s, want the case page; error %q", clerk.location(), clerk.texts("[data-testid=error], .field-error"))
		}
		caseID, _ := strconv.ParseInt(m[1], 10, 64)
		clerk.caseID = caseID
		clerk.checkText("p.notice", i18n.T(zh, "notice.case_registered"))
		clerk.wantState("assigned")
		code := clerk.text("[data-testid=tracking-code]")
		if len(code) != 12 {
			t.Errorf("tracking code %q, want 12 characters", code)
		}
		clerk.checkText("h2.case-title", title)
		facts := clerk.text("dl.facts")
		for _, want := range []string{"矛盾纠纷 · 劳动争议 · 工伤", "来访", "70000", "苏集镇 · 古洞沟村", "苏集镇古洞沟村建筑工地", county.Name} {
			if !strings.Contains(facts, want) {
				t.Errorf("case facts lack %q:\n%s", want, facts)
			}
		}
		assigned := clerk.assignments()
		for _, want := range []kangleAssignment{
			{Department: hrss.Name, Part: i18n.T(zh, "case.lead"), Status: i18n.T(zh, "assignment.assigned")},
			{Department: court.Name, Part: i18n.T(zh, "case.co"), Status: i18n.T(zh, "assignment.assigned")},
			{Department: procuratorate.Name, Part: i18n.T(zh, "case.co"), Status: i18n.T(zh, "assignment.assigned")},
		} {
			if got := assigned[want.Department]; got != want {
				t.Errorf("assignment of %s shows %+v, want %+v", want.Department, got, want)
			}
		}
		if len(assigned) != 3 {
			t.Errorf("assignments: %+v, want the three departments", assigned)
		}
		// Personal data is masked on the page, and nowhere shown in full.
		parties := eval[[][]string](clerk.tab, `Array.from(document.querySelectorAll("[data-testid=parties] tbody tr"),
			r => Array.from(r.cells, c => c.innerText.trim()))`)
		if len(parties) != 2 || parties[0][1] != "高某" || parties[0][2] != maskedID || parties[0][3] != maskedPhone || parties[1][1] != "工地负责人马某" {
			t.Errorf("parties show %q, want 高某 with %s and %s, then 工地负责人马某", parties, maskedID, maskedPhone)
		}
		if html := eval[string](clerk.tab, `document.documentElement.outerHTML`); strings.Contains(html, idNumber) || strings.Contains(html, phone) {
			t.Error("the case page holds the applicant's full ID number or phone")
		}

		// 2. Back at the desk for the next visitor: as the clerk types the same ID number,
		// the prior-cases panel shows the first case.
		if status := clerk.click(`nav.sidenav a[href="/cases/new"]`); status != 200 {
			t.Fatalf("intake desk again: status %d", status)
		}
		clerk.typeKeys(`input[name="parties[0].id_number"]`, idNumber)
		clerk.waitUntil("the prior-cases panel lists the first case", `document.querySelectorAll("[data-prior-body] [data-testid=prior-case]").length > 0`)
		prior := clerk.texts(`[data-prior-body] [data-testid=prior-case]`)
		if len(prior) != 1 {
			t.Fatalf("prior-cases panel lists %q, want the one case", prior)
		}
		for _, want := range []string{code, i18n.T(zh, "state.assigned"), i18n.T(zh, "match.id_number"), title, "高某", maskedID} {
			if !strings.Contains(prior[0], want) {
				t.Errorf("prior case entry %q lacks %q", prior[0], want)
			}
		}
		if strings.Contains(prior[0], idNumber) {
			t.Error("the prior-cases panel shows the full ID number")
		}
		if href := eval[string](clerk.tab, `document.querySelector("[data-testid=prior-case] a").getAttribute("href")`); href != clerk.casePath() {
			t.Errorf("prior case links to %s, want %s", href, clerk.casePath())
		}

		// 3. 人社局's handler finds the case waiting in 待我处理 and signs for it.
		handler := desk("county.handler")
		handler.caseID = caseID
		if status := handler.click(`nav.sidenav a[href="/cases"]`); status != 200 {
			t.Fatalf("handler's queue: status %d", status)
		}
		row := fmt.Sprintf(`[data-testid=cases] tr[data-case-id="%d"]`, caseID)
		if got := handler.text(row); !strings.Contains(got, code) || !strings.Contains(got, i18n.T(zh, "state.assigned")) {
			t.Errorf("the handler's queue row reads %q, want %s %s", got, code, i18n.T(zh, "state.assigned"))
		}
		if status := handler.click(row + " a.mono"); status != 200 || handler.location() != handler.casePath() {
			t.Fatalf("open the case from the queue: status %d on %s", status, handler.location())
		}
		if got := handler.offered(); !slices.Contains(got, "sign") || slices.Contains(got, "resolve") || slices.Contains(got, "co_sign") {
			t.Errorf("the lead department's handler is offered %q, want sign and neither resolve nor co_sign", got)
		}
		handler.press("sign")
		handler.wantState("in_progress")

		// The co-handlers each find it in their queue, sign for their part and report it.
		judge := desk("court.judge")
		judge.caseID = caseID
		if status := judge.click(`nav.sidenav a[href="/cases"]`); status != 200 {
			t.Fatalf("judge's queue: status %d", status)
		}
		if status := judge.click(row + " a.mono"); status != 200 || judge.location() != judge.casePath() {
			t.Fatalf("judge opens the case from the queue: status %d on %s", status, judge.location())
		}
		if got := judge.offered(); !slices.Contains(got, "co_sign") || slices.Contains(got, "co_report") || slices.Contains(got, "sign") {
			t.Errorf("an unsigned co-handler is offered %q, want co_sign and neither co_report nor sign", got)
		}
		judge.press("co_sign")
		procurator := desk("procurator.wu")
		procurator.caseID = caseID
		procurator.openCase()
		procurator.press("co_sign")

		// The judge's page predates the procurator's signing, but the case is still in the
		// state the judge saw: another department's step does not make the report stale.
		const courtReport = "已就《工伤保险条例》释法说理"
		judge.unfold("co_report")
		judge.fill(`details[data-action-form="co_report"] textarea[name=note]`, courtReport)
		judge.submit("co_report")
		if got := judge.offered(); slices.Contains(got, "co_report") || slices.Contains(got, "co_sign") {
			t.Errorf("a co-handler that reported is still offered %q", got)
		}

		// One co-handler has not reported: 人社局 cannot resolve. The page offers no 办结…
		handler.openCase()
		if got := handler.offered(); slices.Contains(got, "resolve") {
			t.Errorf("the lead department is offered 办结 with a co-handler pending: %q", got)
		}
		if handler.has(`details[data-action-form="resolve"]`) {
			t.Error("the case page shows the 办结 form with a co-handler pending")
		}
		// …and the server refuses one sent anyway (a page from another tab, a forged form),
		// showing why on the case page.
		handler.expectStatus(409)
		status := handler.load("send a 办结 the page does not offer", chromedp.Evaluate[chromedp.Void](`(() => {
			const from = document.querySelector('[data-testid=actions] form[action$="/actions/comment"]');
			const f = document.createElement("form");
			f.method = "post";
			f.action = from.getAttribute("action").replace(/comment$/, "resolve");
			for (const [name, value] of [["csrf_token", from.elements.csrf_token.value], ["state", from.elements.state.value],
				["outcome", "mediated_agreement"], ["note", "双方达成调解协议"]]) {
				const i = document.createElement("input");
				i.type = "hidden"; i.name = name; i.value = value;
				f.appendChild(i);
			}
			document.body.appendChild(f);
			f.submit();
		})()`))
		if status != 409 {
			t.Errorf("办结 with a co-handler pending: status %d, want 409", status)
		}
		if got := handler.text("[data-testid=error]"); !strings.Contains(got, "还有协办单位未反馈") || !strings.Contains(got, "「办结」") {
			t.Errorf("refusal reads %q, want 还有协办单位未反馈…「办结」", got)
		}
		handler.wantState("in_progress")

		procurator.openCase() // a fresh page: the judge reported since
		procurator.unfold("co_report")
		procurator.fill(`details[data-action-form="co_report"] textarea[name=note]`, "已参与调解，监督协议履行")
		procurator.submit("co_report")
		reported := procurator.assignments()
		for _, dep := range []string{court.Name, procuratorate.Name} {
			if got := reported[dep].Status; got != i18n.T(zh, "assignment.reported") {
				t.Errorf("%s's part shows %q, want %s", dep, got, i18n.T(zh, "assignment.reported"))
			}
		}
		if got := reported[court.Name].Report; got != courtReport {
			t.Errorf("the court's report shows %q", got)
		}

		// Both reported: 人社局 resolves with the mediation agreement.
		handler.openCase()
		handler.unfold("resolve")
		if got := handler.choose(`details[data-action-form="resolve"] select[name=outcome]`, "mediated_agreement"); got != "调解成功（协议）" {
			t.Errorf("outcome mediated_agreement reads %q, want 调解成功（协议）", got)
		}
		const agreement = "双方达成调解协议，工地负责人现场支付工伤赔偿金共计7万元"
		handler.fill(`details[data-action-form="resolve"] textarea[name=note]`, agreement)
		handler.submit("resolve")
		handler.wantState("resolved")
		if facts := handler.text("dl.facts"); !strings.Contains(facts, "调解成功（协议）") {
			t.Errorf("case facts lack the outcome:\n%s", facts)
		}

		// 4. The clerk finds it back in 待我处理, verifies, records the return visit and
		// archives it.
		if status := clerk.click(`nav.sidenav a[href="/cases"]`); status != 200 {
			t.Fatalf("clerk's queue: status %d", status)
		}
		if got := clerk.text(row); !strings.Contains(got, i18n.T(zh, "state.resolved")) {
			t.Errorf("the clerk's queue row reads %q, want %s", got, i18n.T(zh, "state.resolved"))
		}
		if status := clerk.click(row + " a.mono"); status != 200 || clerk.location() != clerk.casePath() {
			t.Fatalf("clerk opens the case from the queue: status %d on %s", status, clerk.location())
		}
		clerk.press("verify")
		clerk.wantState("verified")
		clerk.unfold("visit")
		if got := clerk.choose(`details[data-action-form="visit"] select[name=satisfaction]`, "satisfied"); got != "满意" {
			t.Errorf("satisfaction satisfied reads %q, want 满意", got)
		}
		clerk.fill(`details[data-action-form="visit"] textarea[name=note]`, "电话回访，高某表示满意")
		clerk.submit("visit")
		clerk.wantState("followed_up")

		archive := clerk.actionSel("archive")
		if got := eval[string](clerk.tab, `document.querySelector(`+jsString(archive)+`).getAttribute("data-confirm")`); got != i18n.T(zh, "confirm.case_action") {
			t.Errorf("archive asks %q, want %q", got, i18n.T(zh, "confirm.case_action"))
		}
		clerk.acceptDialogs.Store(true)
		clerk.press("archive")
		if msg := clerk.dialog(); msg != i18n.T(zh, "confirm.case_action") {
			t.Errorf("the archive confirmation asks %q", msg)
		}
		clerk.wantState("archived")

		// The timeline lists every step in order, by whom.
		type step struct{ action, actor string }
		want := []step{
			{"register", clerkName}, {"accept", clerkName}, {"assign", clerkName},
			{"sign", handlerName}, {"co_sign", "法官周立"}, {"co_sign", "检察官吴敏"},
			{"co_report", "法官周立"}, {"co_report", "检察官吴敏"},
			{"resolve", handlerName}, {"verify", clerkName}, {"visit", clerkName}, {"archive", clerkName},
		}
		got := clerk.timeline()
		var gotSteps, wantSteps []string
		for _, e := range got {
			gotSteps = append(gotSteps, e.What+"/"+e.Actor)
		}
		for _, s := range want {
			wantSteps = append(wantSteps, i18n.T(zh, "case_action."+s.action)+"/"+s.actor)
		}
		if !slices.Equal(gotSteps, wantSteps) {
			t.Errorf("timeline:\n got %q\nwant %q", gotSteps, wantSteps)
		}
		notes := map[string]string{}
		for _, e := range got {
			if e.Note != "" {
				notes[e.Note] = e.What
			}
		}
		for note, action := range map[string]string{courtReport: "co_report", "已参与调解，监督协议履行": "co_report",
			agreement: "resolve", "电话回访，高某表示满意": "visit"} {
			if notes[note] != i18n.T(zh, "case_action."+action) {
				t.Errorf("timeline note %q stands at %q, want at %s", note, notes[note], action)
			}
		}

		// Archived is final: no action forms remain, for the clerk nor the departments.
		if got := clerk.offered(); len(got) != 0 {
			t.Errorf("an archived case offers the clerk %q", got)
		}
		clerk.checkText("[data-testid=no-actions]", i18n.T(zh, "case.no_actions"))
		if clerk.has("form.upload") {
			t.Error("an archived case still takes attachments")
		}
		for _, d := range []*kangleDesk{handler, judge} {
			d.openCase()
			d.wantState("archived")
			if got := d.offered(); len(got) != 0 {
				t.Errorf("an archived case offers %s %q", d.who, got)
			}
		}
	})
}
