package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// pageBody reads a page as c, failing on anything but 200.
func pageBody(t *testing.T, c *testutil.Client, path string) string {
	t.Helper()
	resp, raw := c.Do("GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	return string(raw)
}

// countIn reads the number a page shows in the element marked testid.
func countIn(t *testing.T, body, testid string) string {
	t.Helper()
	i := strings.Index(body, `data-testid="`+testid+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[strings.Index(rest, ">")+1:]
	return rest[:strings.Index(rest, "<")]
}

// What waits on a leader is one counted queue (待审批) with a badge: an extension
// request of a centre below them, the answer to their supervision order until they
// have read it, an orange warning until someone responds. A leader elsewhere sees
// none of it; a clerk has no such queue.
func TestApprovalsQueue(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		handler := srv.Login(t, "fucheng.handler", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		county := srv.Login(t, "county.leader", demo.Password)
		other := srv.Login(t, "jinggu.leader", demo.Password)

		if resp, _ := clerk.Do("GET", "/approvals", nil); resp.StatusCode != 403 {
			t.Fatalf("a clerk's 待审批: %d", resp.StatusCode)
		}
		if body := pageBody(t, leader, "/approvals"); countIn(t, body, "count-extensions") != "0" || strings.Contains(body, `data-testid="badge-/approvals"`) {
			t.Fatalf("an empty queue shows items or a badge")
		}

		f := &flow{t: t}
		f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"},
			map[string]any{"action": "assign", "lead_department_id": departmentID(t, st, "622922100", "justice-office")}))
		f.act(handler, "sign", nil, "in_progress")
		f.act(handler, "extend_request", map[string]any{"days": 10, "note": "当事人外出务工，需等其返乡后调解"}, "in_progress")
		f.act(leader, "supervise", map[string]any{"level": "normal", "note": "请于本周内约双方调解"}, "in_progress")
		f.act(leader, "warning_adjust", map[string]any{"warning_level": "orange", "note": "双方扬言动手，升为橙色"}, "in_progress")
		var board struct{ Items []store.Supervision }
		_, raw := handler.Do("GET", "/api/v1/supervisions", nil)
		testutil.DecodeJSON(t, raw, &board)
		if len(board.Items) != 1 {
			t.Fatalf("board: %s", raw)
		}
		order := board.Items[0].ID
		if resp, raw := handler.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", order), map[string]string{"reply": "已约周五调解"}); resp.StatusCode != 200 {
			t.Fatalf("reply: %d %s", resp.StatusCode, raw)
		}

		body := pageBody(t, leader, "/approvals")
		for id, want := range map[string]string{"count-extensions": "1", "count-replies": "1", "count-warnings": "1", "badge-/approvals": "3"} {
			if got := countIn(t, body, id); got != want {
				t.Errorf("fucheng leader's %s = %q, want %s", id, got, want)
			}
		}
		if !strings.Contains(body, "已约周五调解") || !strings.Contains(body, fmt.Sprintf(`data-case-id="%d"`, f.id)) {
			t.Errorf("the queue lacks the reply or the case")
		}
		// The API says the same.
		var queue struct {
			Counts     map[string]int `json:"counts"`
			Extensions []caseJSON     `json:"extensions"`
		}
		_, raw = leader.Do("GET", "/api/v1/approvals", nil)
		testutil.DecodeJSON(t, raw, &queue)
		if queue.Counts["total"] != 3 || queue.Counts["replies"] != 1 || len(queue.Extensions) != 1 || queue.Extensions[0].ID != f.id {
			t.Errorf("GET /api/v1/approvals: %s", raw)
		}
		// The county leader approves for the centres below: the extension and the
		// warning wait on them too; the township leader's order is not theirs to read.
		body = pageBody(t, county, "/approvals")
		for id, want := range map[string]string{"count-extensions": "1", "count-replies": "0", "count-warnings": "1"} {
			if got := countIn(t, body, id); got != want {
				t.Errorf("county leader's %s = %q, want %s", id, got, want)
			}
		}
		if body := pageBody(t, other, "/approvals"); countIn(t, body, "badge-/approvals") != "" {
			t.Errorf("another township's leader has a badge: %s", countIn(t, body, "badge-/approvals"))
		}
		// The badge is on every page a leader opens.
		if got := countIn(t, pageBody(t, leader, "/cases"), "badge-/approvals"); got != "3" {
			t.Errorf("badge on the case list: %q", got)
		}

		// Read, the answer leaves the queue; it cannot be read twice, nor by another.
		review := fmt.Sprintf("/approvals/replies/%d/review", order)
		if resp, _ := postForm(t, srv, other, review, url.Values{}); resp.StatusCode != 404 {
			t.Fatalf("another leader reads the answer: %d", resp.StatusCode)
		}
		if resp, _ := postForm(t, srv, leader, review, url.Values{}); resp.StatusCode != 303 {
			t.Fatalf("reading the answer: %d", resp.StatusCode)
		}
		if resp, _ := postForm(t, srv, leader, review, url.Values{}); resp.StatusCode != 404 {
			t.Fatalf("reading it twice: %d", resp.StatusCode)
		}
		// Approved, the extension leaves it; responded to, the warning does.
		f.act(leader, "extend_approve", nil, "in_progress")
		f.act(leader, "warning_respond", map[string]any{"note": "已约双方到镇综治中心当面调处"}, "in_progress")
		body = pageBody(t, leader, "/approvals")
		if countIn(t, body, "approvals-total") == "" || countIn(t, body, "count-extensions") != "0" || countIn(t, body, "count-replies") != "0" ||
			countIn(t, body, "count-warnings") != "0" || strings.Contains(body, `data-testid="badge-/approvals"`) {
			t.Fatalf("the queue after acting on everything: ext %s replies %s warnings %s", countIn(t, body, "count-extensions"),
				countIn(t, body, "count-replies"), countIn(t, body, "count-warnings"))
		}
	})
}

// The rota: an admin stations departments at the township centre — resident, rotating
// on Monday and Wednesday, on call — and puts its leader on duty for the day; the
// roster page and the intake desk show who is in that day.
func TestRoster(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, cst)} // a Monday
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		town := regionID(t, st, "622922100")
		centre := fmt.Sprint(town)
		justice := departmentID(t, st, "622922100", "justice-office")
		police := departmentID(t, st, "622922100", "police-station")
		court := departmentID(t, st, "622922100", "tribunal")
		hrss := departmentID(t, st, demo.CountyCode, "hrss")
		jingguJustice := departmentID(t, st, "622922103", "justice-office")
		leaderID := userID(t, st, "fucheng.leader")

		// post sends a rota form for the township's centre and checks the answer and,
		// for a refusal, the field it names.
		post := func(path string) func(url.Values, int, string) {
			return func(form url.Values, want int, field string) {
				t.Helper()
				form.Set("centre_id", centre)
				resp, body := postForm(t, srv, admin, path, form)
				if resp.StatusCode != want || field != "" && !strings.Contains(body, `data-testid="field-error-`+field+`"`) {
					t.Fatalf("%s %v: %d, want %d naming %s", path, form, resp.StatusCode, want, field)
				}
			}
		}
		save, shift := post("/admin/roster/stations"), post("/admin/roster/shifts")
		save(url.Values{"department_id": {fmt.Sprint(justice)}, "mode": {"resident"}, "place": {"3号窗口"}}, 303, "")
		save(url.Values{"department_id": {fmt.Sprint(police)}, "mode": {"rotating"}, "weekdays": {"3,1"}}, 303, "")
		save(url.Values{"department_id": {fmt.Sprint(court)}, "mode": {"rotating"}, "weekdays": {"2,4"}}, 303, "")
		save(url.Values{"department_id": {fmt.Sprint(hrss)}, "mode": {"on_call"}, "phone": {"0930-5621234"}}, 303, "")
		save(url.Values{"department_id": {fmt.Sprint(hrss)}, "mode": {"on_call"}}, 422, "phone")
		save(url.Values{"department_id": {fmt.Sprint(court)}, "mode": {"rotating"}, "weekdays": {"8"}}, 422, "weekdays")
		save(url.Values{"department_id": {fmt.Sprint(court)}, "mode": {"daily"}}, 422, "mode")
		save(url.Values{"department_id": {fmt.Sprint(jingguJustice)}, "mode": {"resident"}}, 422, "department_id")

		shift(url.Values{"user_id": {fmt.Sprint(leaderID)}, "kind": {"duty"}, "from_day": {"2026-12-07"}}, 303, "")
		shift(url.Values{"user_id": {fmt.Sprint(leaderID)}, "kind": {"reception"}, "from_day": {"2026-12-09"}}, 303, "")
		shift(url.Values{"user_id": {fmt.Sprint(userID(t, st, "fucheng.clerk"))}, "kind": {"duty"}, "from_day": {"2026-12-07"}}, 422, "user_id")
		shift(url.Values{"user_id": {fmt.Sprint(leaderID)}, "kind": {"week"}, "from_day": {"2026-12-07"}, "to_day": {"2026-12-01"}}, 422, "to_day")
		shift(url.Values{"user_id": {fmt.Sprint(leaderID)}, "kind": {"shift"}, "from_day": {"2026-12-07"}}, 422, "kind")

		// Monday: the justice office is in, the police station (Mon, Wed) too; the
		// tribunal (Tue, Thu) is not; 人社局 is on call; the leader is on duty.
		body := pageBody(t, clerk, "/roster")
		present := section(body, "roster-present")
		oncall := section(body, "roster-oncall")
		leaders := section(body, "roster-leaders")
		if !strings.Contains(present, "附城镇司法所") || !strings.Contains(present, "3号窗口") || !strings.Contains(present, "附城镇派出所") || strings.Contains(present, "人民法庭") {
			t.Errorf("present on Monday: %s", present)
		}
		if !strings.Contains(oncall, "县人力资源和社会保障局") || !strings.Contains(oncall, "0930-5621234") || !strings.Contains(oncall, "附城镇人民法庭") {
			t.Errorf("on call and away on Monday: %s", oncall)
		}
		if !strings.Contains(leaders, "值班") || strings.Contains(leaders, "领导接访") {
			t.Errorf("leaders on Monday: %s", leaders)
		}
		var api struct {
			Present []store.Station `json:"present"`
			OnCall  []store.Station `json:"on_call"`
			Leaders []store.Shift   `json:"leaders"`
		}
		_, raw := clerk.Do("GET", "/api/v1/roster?day=2026-12-07", nil)
		testutil.DecodeJSON(t, raw, &api)
		if len(api.Present) != 2 || len(api.OnCall) != 1 || len(api.Leaders) != 1 || api.Leaders[0].Kind != "duty" {
			t.Errorf("GET /api/v1/roster: %s", raw)
		}
		if resp, _ := clerk.Do("GET", "/api/v1/roster?day=7.12.2026", nil); resp.StatusCode != 422 {
			t.Errorf("a malformed day: %d", resp.StatusCode)
		}
		// Tuesday the tribunal is in and the police station is not; nobody's turn.
		body = pageBody(t, clerk, "/roster?day=2026-12-08")
		if present := section(body, "roster-present"); !strings.Contains(present, "人民法庭") || strings.Contains(present, "派出所") {
			t.Errorf("present on Tuesday: %s", present)
		}
		if !strings.Contains(section(body, "roster-leaders"), "今日未排领导值班") {
			t.Errorf("leaders on Tuesday: %s", section(body, "roster-leaders"))
		}
		// The desk sees today's roster on the intake form.
		if desk := section(pageBody(t, clerk, "/cases/new"), "desk-roster"); !strings.Contains(desk, "附城镇司法所") || !strings.Contains(desk, "值班") {
			t.Errorf("the intake desk's roster: %s", desk)
		}
		// Another township's clerk cannot read this centre's roster; the county's can.
		if resp, _ := srv.Login(t, "jinggu.clerk", demo.Password).Do("GET", "/roster?centre_id="+centre, nil); resp.StatusCode != 404 {
			t.Errorf("another township reads the roster: %d", resp.StatusCode)
		}
		if resp, _ := srv.Login(t, "county.clerk", demo.Password).Do("GET", "/roster?centre_id="+centre, nil); resp.StatusCode != 200 {
			t.Errorf("the county reads the township's roster: %d", resp.StatusCode)
		}
		// Saving again changes the station rather than adding one.
		save(url.Values{"department_id": {fmt.Sprint(justice)}, "mode": {"rotating"}, "weekdays": {"2"}}, 303, "")
		stations, err := st.Stations(t.Context(), town)
		if err != nil || len(stations) != 4 {
			t.Fatalf("stations: %v %+v", err, stations)
		}
	})
}

// section is the element marked testid, up to the end of the page's next section.
func section(body, testid string) string {
	i := strings.Index(body, `data-testid="`+testid+`"`)
	if i < 0 {
		return ""
	}
	end := "</section>"
	if strings.HasSuffix(body[:i], "<details class=\"card desk-roster\" open ") {
		end = "</details>"
	}
	rest := body[i:]
	if j := strings.Index(rest, end); j >= 0 {
		return rest[:j]
	}
	return rest
}

// userID is the id of a demo account.
func userID(t *testing.T, st *store.Store, username string) int64 {
	t.Helper()
	u, _, err := st.UserCredentials(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// The supervision board names who must answer an order: on a case still at the
// desk, the centre (its front desk and leaders), never "中心自办"; once the centre
// handles it itself, that.
func TestBoardNamesTheAddressee(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		f := &flow{t: t}
		f.register(clerk, walkIn(t, st))
		f.act(leader, "supervise", map[string]any{"level": "normal", "note": "登记三天未受理，请尽快决定"}, "registered")
		row := section(pageBody(t, leader, "/supervision"), "board")
		if !strings.Contains(row, "附城镇（受理窗口、中心领导）") || strings.Contains(row, "中心自办") {
			t.Fatalf("the board names a registered case's addressee as %q", countIn(t, row, "addressee-centre"))
		}
		f.act(clerk, "accept", nil, "accepted")
		f.act(clerk, "handle", nil, "in_progress")
		if got := countIn(t, section(pageBody(t, leader, "/supervision"), "board"), "addressee-centre"); got != "附城镇（中心自办）" {
			t.Fatalf("the addressee of a case the centre handles: %q", got)
		}
	})
}
