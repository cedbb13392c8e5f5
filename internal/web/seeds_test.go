package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// caseJSON is what the tests read of a case.
type caseJSON struct {
	ID           int64  `json:"id"`
	TrackingCode string `json:"tracking_code"`
	State        string `json:"state"`
	CentreID     int64  `json:"centre_id"`
	Outcome      string `json:"outcome"`
	Satisfaction string `json:"satisfaction"`
	AmountFen    int64  `json:"amount_fen"`
	DueStatus    string `json:"due_status"`
	DueLabel     string `json:"due_status_label"`
	DueAt        string `json:"due_at"`
	DueBasis     string `json:"due_basis"`
	Version      int    `json:"version"`
	Parties      []struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	} `json:"parties"`
	Assignments []struct {
		DepartmentID int64  `json:"department_id"`
		IsLead       bool   `json:"is_lead"`
		Status       string `json:"status"`
		DueAt        string `json:"due_at"`
		DueFlag      string `json:"due_flag"`
		DueBasis     string `json:"due_basis"`
	} `json:"assignments"`
	Allowed []string `json:"allowed"`
}

// flow drives one case through the API, failing the test at the first surprise.
type flow struct {
	t  *testing.T
	id int64
}

func (f *flow) register(c *testutil.Client, body map[string]any) caseJSON {
	f.t.Helper()
	resp, raw := c.Do("POST", "/api/v1/cases", body)
	if resp.StatusCode != 201 {
		f.t.Fatalf("register: %d %s", resp.StatusCode, raw)
	}
	var cj caseJSON
	testutil.DecodeJSON(f.t, raw, &cj)
	f.id = cj.ID
	return cj
}

// act takes an action and checks the state it leads to.
func (f *flow) act(c *testutil.Client, action string, in map[string]any, wantState string) caseJSON {
	f.t.Helper()
	resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", f.id, action), in)
	if resp.StatusCode != 200 {
		f.t.Fatalf("%s: %d %s", action, resp.StatusCode, raw)
	}
	var cj caseJSON
	testutil.DecodeJSON(f.t, raw, &cj)
	if cj.State != wantState {
		f.t.Fatalf("%s: state %s, want %s", action, cj.State, wantState)
	}
	return cj
}

// refused checks that an action is refused with 409 (or 422 for missing input) and the code.
func (f *flow) refused(c *testutil.Client, action string, in map[string]any, status int, code string) {
	f.t.Helper()
	resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", f.id, action), in)
	e := testutil.DecodeError(f.t, raw)
	if resp.StatusCode != status || e.Error.Code != code {
		f.t.Fatalf("%s: %d %s, want %d %s", action, resp.StatusCode, raw, status, code)
	}
	if status == 409 && code != "stale" {
		var body struct {
			Error struct {
				State   string   `json:"state"`
				Allowed []string `json:"allowed"`
			} `json:"error"`
		}
		testutil.DecodeJSON(f.t, raw, &body)
		if body.Error.State == "" {
			f.t.Fatalf("%s: a 409 must say the current state: %s", action, raw)
		}
	}
}

// get reads the case as c sees it.
func (f *flow) get(c *testutil.Client) caseJSON {
	f.t.Helper()
	resp, raw := c.Do("GET", fmt.Sprintf("/api/v1/cases/%d", f.id), nil)
	if resp.StatusCode != 200 {
		f.t.Fatalf("read case %d: %d %s", f.id, resp.StatusCode, raw)
	}
	var out caseJSON
	testutil.DecodeJSON(f.t, raw, &out)
	return out
}

func (f *flow) events(c *testutil.Client) []model.CaseEvent {
	f.t.Helper()
	_, raw := c.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", f.id), nil)
	var evs struct{ Items []model.CaseEvent }
	testutil.DecodeJSON(f.t, raw, &evs)
	return evs.Items
}

func categoryID(t testing.TB, st *store.Store, code string) int64 {
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

func departmentID(t *testing.T, st *store.Store, regionCode, code string) int64 {
	t.Helper()
	g, err := st.RegionByCode(context.Background(), regionCode)
	if err != nil {
		t.Fatal(err)
	}
	deps, err := st.Departments(context.Background(), store.DepartmentFilter{RegionID: g.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps {
		if d.Code == code {
			return d.ID
		}
	}
	t.Fatalf("no department %s at %s", code, regionCode)
	return 0
}

// addUser creates a user straight in the store, for people the demo county lacks.
func addUser(t *testing.T, st *store.Store, username, name string, regionID, deptID int64, roles ...model.Role) {
	t.Helper()
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := model.User{Username: username, DisplayName: name, RegionID: regionID, DepartmentID: deptID, Roles: roles}
	if err := st.CreateUser(context.Background(), store.NotAudited("test fixture"), &u, hash); err != nil {
		t.Fatal(err)
	}
}

// Seeds 001, Kangle county, 25 August 2021: a worker's finger was cut off by a mixer;
// the county centre convened the court, the procuratorate and labour inspection, the
// parties signed a mediation agreement and 70,000 yuan was paid on the spot.
func TestSeedKangleWorkInjury(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)} // a Monday
		svc := srv.App.Cases()
		svc.Now = clk.Now
		county := regionID(t, st, demo.CountyCode)
		court := departmentID(t, st, demo.CountyCode, "court")
		procuratorate := departmentID(t, st, demo.CountyCode, "procuratorate")
		labour := departmentID(t, st, demo.CountyCode, "hrss") // 劳动监察大队 is part of 人社局
		addUser(t, st, "court.judge", "法官周立", county, court, model.RoleHandler)
		addUser(t, st, "procurator.wu", "检察官吴敏", county, procuratorate, model.RoleHandler)

		clerk := srv.Login(t, "county.clerk", demo.Password)
		labourHandler := srv.Login(t, "county.handler", demo.Password)
		judge := srv.Login(t, "court.judge", demo.Password)
		procurator := srv.Login(t, "procurator.wu", demo.Password)
		fuchengClerk := srv.Login(t, "fucheng.clerk", demo.Password)

		f := &flow{t: t}
		village := regionID(t, st, "622922101201") // 苏集镇古洞沟村 stands in for 八松乡
		c := f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.labour.injury"), "channel": "walk_in",
			"region_id": village, "address": "苏集镇古洞沟村建筑工地",
			"title":       "务工受伤工伤赔偿纠纷",
			"description": "村民高某受雇在工地务工时右手中指被搅拌机夹断，与雇主就工伤赔偿协商未果，请求综治中心协调解决。",
			"urgency":     "normal", "people_count": 2, "amount_yuan": 70000,
			"parties": []map[string]any{
				{"role": "applicant", "name": "高某", "id_number": model.MakeIDNumber("622922", mustDate("1985-03-12"), 37), "phone": "13909301234"},
				{"role": "respondent", "name": "工地负责人马某", "phone": "0930-5621234"},
			},
			"then": []map[string]any{{"action": "accept"}},
		})
		if c.State != "accepted" || len(c.TrackingCode) != 12 || c.DueStatus != "not_due" || c.DueLabel != "未到期" {
			t.Fatalf("registered: %+v", c)
		}
		if !strings.Contains(c.Parties[0].IDNumber, "********") || !strings.Contains(c.Parties[0].Phone, "****") {
			t.Fatalf("personal data not masked: %+v", c.Parties)
		}
		// Labour disputes: mediation within 15 days (劳动争议调解仲裁法 Art 14), and the
		// case says so beside the date.
		if !strings.Contains(c.DueBasis, "劳动争议调解仲裁法》第十四条") {
			t.Fatalf("the deadline's basis: %q", c.DueBasis)
		}
		f.refused(clerk, "resolve", map[string]any{"outcome": "mediated_agreement"}, 409, "state")
		f.refused(clerk, "sign", nil, 409, "state")
		f.refused(clerk, "assign", map[string]any{}, 422, "department_required")
		f.refused(fuchengClerk, "assign", map[string]any{"lead_department_id": labour}, 404, "not_found")

		f.refused(clerk, "assign", map[string]any{"lead_department_id": labour, "co_department_ids": []int64{court}, "co_due_days": 61}, 422, "range")
		// 吹哨: the centre gives the court and the procuratorate three working days for
		// their parts (Monday → Thursday); the lead answers for the case's 15 days.
		c = f.act(clerk, "assign", map[string]any{"lead_department_id": labour, "co_department_ids": []int64{court, procuratorate},
			"co_due_days": 3, "note": "县综治中心组织县法院、县检察院、县劳动监察大队联合调解"}, "assigned")
		if len(c.Assignments) != 3 {
			t.Fatalf("assignments: %+v", c.Assignments)
		}
		for _, a := range c.Assignments {
			due, _ := time.Parse(time.RFC3339, a.DueAt)
			switch {
			case a.IsLead && a.DueAt != "":
				t.Fatalf("the lead has a part deadline of its own: %+v", a)
			case !a.IsLead && (!due.Equal(time.Date(2026, 12, 10, 23, 59, 59, 0, cst)) || !strings.Contains(a.DueBasis, "中心吹哨时指定：3个工作日")):
				t.Fatalf("a co-handler's deadline: %+v", a)
			}
		}
		// A co-handler cannot sign for the lead, nor report before signing.
		f.refused(judge, "sign", nil, 409, "not_lead")
		f.refused(judge, "co_report", map[string]any{"note": "已释法"}, 409, "co_not_signed")
		f.act(labourHandler, "sign", nil, "in_progress")
		f.act(judge, "co_sign", nil, "in_progress")
		f.act(procurator, "co_sign", nil, "in_progress")
		f.act(judge, "co_report", map[string]any{"note": "已就《工伤保险条例》释法说理"}, "in_progress")
		// Resolving waits for every co-handler (中心吹哨、部门报到).
		f.refused(labourHandler, "resolve", map[string]any{"outcome": "mediated_agreement"}, 409, "co_handlers_pending")

		// The procuratorate lets its three days pass: its part alone turns overdue,
		// its handlers and the county centre are told, the case itself is in time.
		clk.Set(time.Date(2026, 12, 11, 9, 0, 0, 0, cst))
		if _, err := svc.SweepDeadlines(context.Background(), clk.Now()); err != nil {
			t.Fatal(err)
		}
		c = f.get(clerk)
		for _, a := range c.Assignments {
			want := map[int64]string{court: "", procuratorate: "overdue", labour: ""}[a.DepartmentID]
			if a.DueFlag != want {
				t.Fatalf("after the sweep, department %d's part flag %q, want %q", a.DepartmentID, a.DueFlag, want)
			}
		}
		if c.DueStatus != "not_due" {
			t.Fatalf("the case itself: %s", c.DueStatus)
		}
		if got := inboxOf(t, procurator); strings.Join(got, ",") != "part_overdue" {
			t.Fatalf("the procurator's inbox: %v", got)
		}
		if got := inboxOf(t, judge); len(got) != 0 {
			t.Fatalf("the court, which reported, is told: %v", got)
		}
		// The county leader supervises the late department itself, not the lead.
		leader := srv.Login(t, "county.leader", demo.Password)
		f.refused(leader, "supervise", map[string]any{"level": "yellow", "note": "x", "department_id": court}, 422, "not_working")
		f.act(leader, "supervise", map[string]any{"level": "yellow", "department_id": procuratorate,
			"note": "县检察院协办部分已超期，请于两日内反馈监督意见"}, "in_progress")
		var board struct{ Items []store.Supervision }
		_, raw := procurator.Do("GET", "/api/v1/supervisions", nil)
		testutil.DecodeJSON(t, raw, &board)
		if len(board.Items) != 1 || board.Items[0].DepartmentID != procuratorate {
			t.Fatalf("the procuratorate's board: %s", raw)
		}
		order := board.Items[0]
		if resp, _ := labourHandler.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", order.ID), map[string]string{"reply": "x"}); resp.StatusCode != 403 {
			t.Fatalf("the lead answers the procuratorate's order: %d", resp.StatusCode)
		}
		if resp, raw := procurator.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", order.ID), map[string]string{"reply": "已派员参与调解，今日反馈"}); resp.StatusCode != 200 {
			t.Fatalf("the procuratorate answers: %d %s", resp.StatusCode, raw)
		}
		f.act(procurator, "co_report", map[string]any{"note": "已参与调解，监督协议履行"}, "in_progress")
		f.refused(labourHandler, "resolve", nil, 422, "outcome_required")
		c = f.act(labourHandler, "resolve", map[string]any{"outcome": "mediated_agreement",
			"note": "双方达成调解协议，工地负责人现场支付工伤赔偿金共计7万元"}, "resolved")
		if c.Outcome != "mediated_agreement" || c.AmountFen != 7000000 {
			t.Fatalf("resolved: %+v", c)
		}
		f.refused(labourHandler, "verify", nil, 409, "role")
		f.act(clerk, "verify", nil, "verified")
		f.refused(clerk, "visit", map[string]any{"satisfaction": "happy"}, 422, "satisfaction_invalid")
		c = f.act(clerk, "visit", map[string]any{"satisfaction": "satisfied", "note": "电话回访，高某表示满意"}, "followed_up")
		c = f.act(clerk, "archive", nil, "archived")
		f.refused(clerk, "comment", map[string]any{"note": "归档后不能再改"}, 409, "state")

		evs := f.events(clerk)
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		want := "register accept assign sign co_sign co_sign co_report supervise supervise_reply co_report resolve verify visit archive"
		if strings.Join(actions, " ") != want {
			t.Fatalf("timeline = %s\nwant      %s", strings.Join(actions, " "), want)
		}
		// The judge, whose department co-handled, still sees it; a township clerk does not.
		if resp, _ := judge.Do("GET", fmt.Sprintf("/api/v1/cases/%d", f.id), nil); resp.StatusCode != 200 {
			t.Fatalf("co-handler reading the case: %d", resp.StatusCode)
		}
		if resp, _ := fuchengClerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d", f.id), nil); resp.StatusCode != 404 {
			t.Fatalf("township clerk of another township reading the case: %d", resp.StatusCode)
		}
	})
}

// jiayuguan builds the region tree of seeds/001's second case: a city whose townships
// sit directly under it (no county), with its own centre above them.
type jiayuguan struct {
	city, township, village, grid int64
	justice, police, psych        int64
}

func buildJiayuguan(t *testing.T, st *store.Store) jiayuguan {
	t.Helper()
	ctx := context.Background()
	var j jiayuguan
	mk := func(parent int64, code, name string, level model.RegionLevel) int64 {
		g := model.Region{ParentID: parent, Code: code, Name: name, Level: level}
		if err := st.CreateRegion(ctx, store.NotAudited("test fixture"), &g); err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	j.city = mk(0, "620200", "嘉峪关市", model.LevelCity)
	j.township = mk(j.city, "620200103", "新城镇", model.LevelTownship)
	j.village = mk(j.township, "620200103201", "野麻湾村", model.LevelVillage)
	j.grid = mk(j.village, "62020010320101", "野麻湾村第一网格", model.LevelGrid)
	dep := func(region int64, code, name string) int64 {
		d := model.Department{RegionID: region, Code: code, Name: name}
		if err := st.CreateDepartment(ctx, store.NotAudited("test fixture"), &d); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	j.justice = dep(j.township, "justice-office", "新城镇司法所")
	j.police = dep(j.township, "police-station", "新城派出所")
	j.psych = dep(j.city, "psych", "市心理健康服务中心")
	addUser(t, st, "xc.clerk", "新城镇受理员", j.township, 0, model.RoleClerk)
	addUser(t, st, "xc.justice", "司法所调解员", j.township, j.justice, model.RoleHandler)
	addUser(t, st, "xc.police", "派出所民警", j.township, j.police, model.RoleHandler)
	addUser(t, st, "ymw.grid", "野麻湾网格员", j.grid, 0, model.RoleGrid)
	addUser(t, st, "city.clerk", "市中心受理员", j.city, 0, model.RoleClerk)
	addUser(t, st, "city.leader", "市中心主任", j.city, 0, model.RoleLeader)
	addUser(t, st, "city.mediator", "市中心调解员", j.city, 0, model.RoleMediator)
	addUser(t, st, "city.psych", "心理咨询师", j.city, j.psych, model.RoleHandler)
	return j
}

// Seeds 001, Jiayuguan, April–August 2021: a wife beaten by her drunk husband asks the
// township centre for help with a divorce. The suit is pending, in its cooling-off
// period, so the township cannot mediate; the village visits her weekly; the case goes
// up to the city centre, which brings in a psychologist; the husband signs a
// domestic-violence warning, she withdraws the suit.
func TestSeedJiayuguanDomesticViolence(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, false)
		j := buildJiayuguan(t, st)
		login := func(u string) *testutil.Client { return srv.Login(t, u, demo.Password) }
		xcClerk, justice, police, grid := login("xc.clerk"), login("xc.justice"), login("xc.police"), login("ymw.grid")
		cityClerk, cityLeader, mediator, psych := login("city.clerk"), login("city.leader"), login("city.mediator"), login("city.psych")

		f := &flow{t: t}
		c := f.register(xcClerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.marriage.dv"), "channel": "walk_in",
			"region_id": j.village, "grid_id": j.grid, "address": "新城镇野麻湾村三组",
			"description": "村民张某反映丈夫李某经常醉酒后对其殴打，致多处受伤，请求协调解决离婚问题。",
			"urgency":     "urgent",
			"parties": []map[string]any{
				{"role": "applicant", "name": "张某", "id_number": model.MakeIDNumber("620200", mustDate("1988-06-02"), 128), "phone": "13893712345"},
				{"role": "respondent", "name": "李某", "id_number": model.MakeIDNumber("620200", mustDate("1986-01-20"), 231)},
			},
			"then": []map[string]any{
				{"action": "accept"},
				{"action": "assign", "lead_department_id": j.justice, "co_department_ids": []int64{j.police}, "note": "指派司法所、派出所核实情况"},
			},
		})
		if c.State != "assigned" || c.CentreID != j.township {
			t.Fatalf("registered: %+v", c)
		}
		f.act(justice, "sign", nil, "in_progress")
		f.act(police, "co_sign", nil, "in_progress")
		f.act(police, "co_report", map[string]any{"note": "经核实，家暴情况属实，已出具出警记录"}, "in_progress")
		// The divorce suit is pending and in its cooling-off period: no mediation now.
		f.refused(xcClerk, "suspend", nil, 422, "reason_required")
		f.act(xcClerk, "suspend", map[string]any{"note": "张某已提起离婚诉讼，正处于离婚冷静期，无法介入调解"}, "suspended")
		f.refused(justice, "resolve", map[string]any{"outcome": "mediated_oral"}, 409, "state")
		for week := 1; week <= 3; week++ {
			f.act(grid, "comment", map[string]any{"note": fmt.Sprintf("第%d周回访：未再发生家庭暴力", week)}, "suspended")
		}
		f.act(xcClerk, "resume", nil, "in_progress")
		// 小事不出村、大事不出镇 — this one the township cannot settle: up to the city.
		c = f.act(xcClerk, "escalate", map[string]any{"note": "婚姻纠纷一时难以化解，逐级上报市综治中心"}, "accepted")
		if c.CentreID != j.city {
			t.Fatalf("escalated to centre %d, want the city %d", c.CentreID, j.city)
		}
		// The township's departments are released; the township clerk still sees the
		// case (it is in the township) but can no longer move it.
		if resp, _ := justice.Do("GET", fmt.Sprintf("/api/v1/cases/%d", f.id), nil); resp.StatusCode != 404 {
			t.Fatalf("released department still reads the case: %d", resp.StatusCode)
		}
		f.refused(xcClerk, "handle", nil, 409, "role")
		f.refused(cityClerk, "escalate", map[string]any{"note": "再上报"}, 409, "no_parent_centre")

		f.act(cityClerk, "handle", map[string]any{"note": "市综治中心直接组织调解"}, "in_progress")
		f.refused(cityClerk, "co_assign", nil, 422, "co_departments_required")
		f.act(cityClerk, "co_assign", map[string]any{"co_department_ids": []int64{j.psych}, "note": "协调心理咨询师参加调解"}, "in_progress")
		f.act(psych, "co_sign", nil, "in_progress")
		f.refused(psych, "co_sign", nil, 409, "co_already_signed")
		f.refused(mediator, "resolve", map[string]any{"outcome": "mediated_agreement"}, 409, "co_handlers_pending")
		f.act(psych, "co_report", map[string]any{"note": "已对张某进行心理疏导"}, "in_progress")
		f.refused(psych, "co_report", map[string]any{"note": "again"}, 409, "co_already_reported")
		f.refused(mediator, "resolve", map[string]any{"outcome": "peace"}, 422, "outcome_invalid")
		c = f.act(mediator, "resolve", map[string]any{"outcome": "mediated_agreement",
			"note": "李某签订家庭暴力告诫书，承诺不再实施家暴；张某撤回离婚诉讼"}, "resolved")
		if c.DueStatus == "" || c.DueAt == "" {
			t.Fatalf("a resolved case has a return-visit deadline: %+v", c)
		}
		f.act(cityClerk, "verify", nil, "verified")
		f.act(grid, "visit", map[string]any{"satisfaction": "satisfied", "note": "入户回访，家庭恢复平静"}, "followed_up")
		f.refused(grid, "archive", nil, 409, "role")
		f.act(cityLeader, "archive", nil, "archived")
		f.refused(cityClerk, "visit", map[string]any{"satisfaction": "satisfied"}, 409, "state")

		var actions []string
		for _, e := range f.events(cityClerk) {
			actions = append(actions, e.Action)
		}
		// The domestic violence raises a warning at intake; archiving the case lifts it.
		want := "register warning accept assign sign co_sign co_report suspend comment comment comment resume escalate " +
			"handle co_assign co_sign co_report resolve verify visit archive warning"
		if strings.Join(actions, " ") != want {
			t.Fatalf("timeline = %s\nwant      %s", strings.Join(actions, " "), want)
		}
	})
}

// Seeds 001, 平凉市崆峒区花所镇周柳村, July 2021: 86 households had leased their hill
// land to 关某 for reforestation, who left two years' fees unpaid. The township centre
// took the group case from their representatives, failed to settle it by talks, helped
// them to legal aid, whose lawyer sued; the court held its circuit hearing in the
// village and the parties settled. Here in the demo county's 附城镇.
func TestSeedZhouliuLandTransferGroup(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		otherTownship := srv.Login(t, "suji.clerk", demo.Password)
		village := regionID(t, st, "622922100200")

		f := &flow{t: t}
		c := f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.land"), "channel": "walk_in",
			"region_id": village, "address": "附城镇高林湾村",
			"title":       "86户村民土地流转费纠纷",
			"description": "高林湾村86户村民与关某签订《土地承包经营权流转合同》，将承包山地流转给关某退耕还林，关某拖欠两年流转费未付，村民推选代表请求镇综治中心帮助维权。",
			"urgency":     "normal", "households": 86, "people_count": 312, "amount_yuan": 258000,
			"parties": []map[string]any{
				{"role": "representative", "name": "周某", "phone": "13893301001"},
				{"role": "representative", "name": "柳某", "phone": "13893301002"},
				{"role": "respondent", "name": "关某", "phone": "13893301003"},
			},
			"then": []map[string]any{{"action": "accept"}, {"action": "handle", "note": "镇综治中心组织双方协商"}},
		})
		if c.State != "in_progress" {
			t.Fatalf("registered: %+v", c)
		}
		// The case reads back as a group: its households, its people, its two
		// representatives, their phones masked.
		var group struct {
			Group struct {
				Households      int   `json:"households"`
				People          int   `json:"people"`
				Representatives []int `json:"representatives"`
			} `json:"group"`
			Parties []struct {
				Role  string `json:"role"`
				Phone string `json:"phone"`
			} `json:"parties"`
		}
		_, raw := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d", f.id), nil)
		testutil.DecodeJSON(t, raw, &group)
		if g := group.Group; g.Households != 86 || g.People != 312 || fmt.Sprint(g.Representatives) != "[1 2]" {
			t.Fatalf("group %+v", g)
		}
		if group.Parties[0].Phone != "138****1001" {
			t.Fatalf("representative's phone %q", group.Parties[0].Phone)
		}
		// A sixth representative would be one too many.
		resp, raw := clerk.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": categoryID(t, st, "dispute.land"),
			"region_id": village, "description": "同上。", "households": 86, "parties": []map[string]any{
				{"role": "representative", "name": "甲"}, {"role": "representative", "name": "乙"}, {"role": "representative", "name": "丙"},
				{"role": "representative", "name": "丁"}, {"role": "representative", "name": "戊"}, {"role": "representative", "name": "己"}}})
		if resp.StatusCode != 422 || !strings.Contains(string(raw), `"too_many_representatives"`) {
			t.Fatalf("six representatives: %d %s", resp.StatusCode, raw)
		}

		// Talks fail; the centre helps the villagers to legal aid: a case of its own,
		// linked to the dispute.
		f.act(mediator, "record", map[string]any{"incident": "mediation_failed", "note": "多次同关某协商未果"}, "in_progress")
		aid := (&flow{t: t}).register(clerk, map[string]any{
			"kind": "service", "category_id": categoryID(t, st, "service.legal_aid"), "channel": "walk_in", "region_id": village,
			"description": "周柳村86户村民土地流转费纠纷，申请法律援助，由法律援助律师代为起诉。",
			"households":  86, "people_count": 312,
			"parties": []map[string]any{{"role": "representative", "name": "周某", "phone": "13893301001"}, {"role": "agent", "name": "法律援助律师王某", "acts_for": 1}},
		})
		resp, raw = clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/links", f.id), map[string]any{"tracking_code": aid.TrackingCode, "kind": "legal_aid", "note": "村民申请法律援助，律师网上立案起诉"})
		if resp.StatusCode != 201 {
			t.Fatalf("link the legal-aid case: %d %s", resp.StatusCode, raw)
		}
		var links struct {
			Items []struct {
				Kind         string `json:"kind"`
				Visible      bool   `json:"visible"`
				TrackingCode string `json:"tracking_code"`
				Outgoing     bool   `json:"outgoing"`
			} `json:"items"`
		}
		_, raw = clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/links", aid.ID), nil)
		testutil.DecodeJSON(t, raw, &links)
		if len(links.Items) != 1 || links.Items[0].TrackingCode != c.TrackingCode || links.Items[0].Kind != "legal_aid" || links.Items[0].Outgoing {
			t.Fatalf("the legal-aid case's links: %s", raw)
		}
		if resp, _ := otherTownship.Do("GET", fmt.Sprintf("/api/v1/cases/%d/links", aid.ID), nil); resp.StatusCode != 404 {
			t.Fatalf("another township reads the links: %d", resp.StatusCode)
		}
		// The court settles it in the village: the centre's part ends in litigation.
		f.act(mediator, "resolve", map[string]any{"outcome": "to_litigation", "note": "法律援助律师起诉至崆峒区法院，法院巡回审判就地促成调解，解除流转合同并赔偿流转费"}, "resolved")
		var actions []string
		for _, e := range f.events(clerk) {
			actions = append(actions, e.Action)
		}
		// 312 people warn at intake (群体性), before the steps taken with it.
		if got, want := strings.Join(actions, " "), "register warning accept handle record link resolve"; got != want {
			t.Fatalf("timeline %s, want %s", got, want)
		}
	})
}
