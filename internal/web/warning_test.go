package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// warningJSON is what the API says of a case's warning.
type warningJSON struct {
	ID              int64       `json:"id"`
	State           string      `json:"state"`
	RiskLevel       string      `json:"risk_level"`
	RiskComputed    string      `json:"risk_computed"`
	RiskScore       int         `json:"risk_score"`
	RiskResult      risk.Result `json:"risk_result"`
	RiskHolderID    int64       `json:"risk_holder_id"`
	RiskResponseBy  *time.Time  `json:"risk_response_by"`
	RiskRespondedAt *time.Time  `json:"risk_responded_at"`
	RiskEscalated   bool        `json:"risk_escalated"`
	Allowed         []string    `json:"allowed"`
}

func getWarning(t *testing.T, c *testutil.Client, id int64) warningJSON {
	t.Helper()
	resp, raw := c.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("case %d: %d %s", id, resp.StatusCode, raw)
	}
	var w warningJSON
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func actOK(t *testing.T, c *testutil.Client, id int64, action string, in map[string]any) warningJSON {
	t.Helper()
	resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), in)
	if resp.StatusCode != 200 {
		t.Fatalf("%s on %d: %d %s", action, id, resp.StatusCode, raw)
	}
	var w warningJSON
	testutil.DecodeJSON(t, raw, &w)
	return w
}

func riskOrders(t *testing.T, st *store.Store, caseID int64, status string) []store.Supervision {
	t.Helper()
	all, err := st.Supervisions(context.Background(), store.SupervisionFilter{CaseID: caseID, Status: status}, store.CaseScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Supervision
	for _, v := range all {
		if v.Source == "risk" {
			out = append(out, v)
		}
	}
	return out
}

// The warning of DESIGN.md §4 from beginning to end: two failed mediations on a
// party's earlier case and a threat in the new one turn it red at intake; the
// county's leaders are told at once and the case is supervised; the 包案 leader named
// late escalates; red stays supervised while it lasts; and with quiet months and
// return visits it steps down one colour at a time to cleared, an incident
// restarting the quiet period on the way.
func TestRedWarningFromThreatAndFailedMediationsStepsDownToCleared(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)} // a Monday
		svc := srv.App.Cases()
		svc.Now = clk.Now
		ctx := context.Background()
		sweep := func() {
			t.Helper()
			if _, err := svc.SweepRisk(ctx, clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		grid := srv.Login(t, "fucheng.grid", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		countyLeader := srv.Login(t, "county.leader", demo.Password)
		countyLeaderUser, _, _ := st.UserCredentials(ctx, "county.leader")

		// The earlier case: a boundary quarrel the centre mediates, twice without result.
		earlier := walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"})
		earlier["description"] = "与邻居因宅基地边界发生争执。"
		f := &flow{t: t}
		first := f.register(clerk, earlier)
		for i := 1; i <= 2; i++ {
			clk.Add(24 * time.Hour)
			w := actOK(t, mediator, first.ID, "record", map[string]any{"incident": "mediation_failed", "note": fmt.Sprintf("第%d次调解，双方未达成一致", i)})
			want := map[int]string{1: "blue", 2: "blue"}[i]
			if w.RiskLevel != want {
				t.Fatalf("after %d failed mediations the earlier case is %s, want %s", i, w.RiskLevel, want)
			}
		}

		// Ten days on, the same man comes back and threatens the neighbour.
		clk.Add(10 * 24 * time.Hour)
		again := walkIn(t, st, map[string]any{"action": "accept"})
		again["description"] = "调解两次未果，当事人马某扬言要和邻居同归于尽。"
		second := f.register(clerk, again)
		w := getWarning(t, clerk, second.ID)
		if w.RiskLevel != "red" || w.RiskComputed != "red" {
			t.Fatalf("threat after two failed mediations: %s (computed %s), want red", w.RiskLevel, w.RiskComputed)
		}
		for _, ind := range []risk.Indicator{risk.Threat, risk.FailedMediations} {
			if v, ok := w.RiskResult.Value(ind); !ok || v == 0 {
				t.Errorf("indicator %s did not fire: %+v", ind, w.RiskResult.Fired)
			}
		}
		if !slices.Contains(w.RiskResult.Floors, "扬言报复且90日内调解失败2次以上") {
			t.Errorf("floors %v", w.RiskResult.Floors)
		}
		if w.RiskResponseBy == nil || !w.RiskResponseBy.Equal(clk.Now().Add(24*time.Hour)) {
			t.Fatalf("the holder is due in 24 hours, got %v", w.RiskResponseBy)
		}
		// County and township leaders are told at once; the case is under a red order.
		for name, c := range map[string]*testutil.Client{"county leader": countyLeader, "township leader": leader} {
			if !slices.Contains(inboxOf(t, c), "warning_red") {
				t.Errorf("%s was not told of the red warning: %v", name, inboxOf(t, c))
			}
		}
		if orders := riskOrders(t, st, second.ID, "open"); len(orders) != 1 || orders[0].Level != "red" {
			t.Fatalf("open warning orders %+v, want one red", orders)
		}
		if !slices.Contains(w.Allowed, "warning_respond") {
			t.Errorf("the clerk is not offered the response: %v", w.Allowed)
		}

		// Nobody names the holder in time: the sweep escalates, once.
		clk.Add(25 * time.Hour)
		sweep()
		sweep()
		w = getWarning(t, clerk, second.ID)
		if !w.RiskEscalated {
			t.Fatal("the late response was not escalated")
		}
		var escalations int
		f.id = second.ID
		for _, ev := range f.events(clerk) {
			if ev.Action == "warning_escalate" {
				escalations++
			}
		}
		if escalations != 1 {
			t.Fatalf("%d escalation events, want 1", escalations)
		}
		if !slices.Contains(inboxOf(t, countyLeader), "warning_escalate") {
			t.Error("the county leader was not told of the late response")
		}

		// The response needs the holder; a clerk is not one, the county leader is.
		clerkUser, _, _ := st.UserCredentials(ctx, "fucheng.clerk")
		f.refused(leader, "warning_respond", map[string]any{"note": "已安排民警和网格员稳控"}, 422, "required")
		f.refused(leader, "warning_respond", map[string]any{"note": "已安排民警和网格员稳控", "holder_id": clerkUser.ID}, 422, "invalid")
		w = actOK(t, leader, second.ID, "warning_respond", map[string]any{"note": "县委政法委书记包案，已安排民警和网格员稳控", "holder_id": countyLeaderUser.ID})
		if w.RiskHolderID != countyLeaderUser.ID || w.RiskResponseBy != nil || w.RiskRespondedAt == nil {
			t.Fatalf("after the response: %+v", w)
		}
		if slices.Contains(w.Allowed, "warning_respond") {
			t.Error("the response is still offered once given")
		}

		// Red stays under supervision: once every order is answered, a new one comes
		// after the report period.
		for _, v := range riskOrders(t, st, second.ID, "open") {
			resp, raw := leader.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", v.ID), map[string]any{"reply": "包案领导已约谈当事人，情绪稳定"})
			if resp.StatusCode != 200 {
				t.Fatalf("reply: %d %s", resp.StatusCode, raw)
			}
		}
		sweep()
		if n := len(riskOrders(t, st, second.ID, "open")); n != 0 {
			t.Fatalf("%d orders reissued at once", n)
		}
		clk.Add(8 * 24 * time.Hour)
		sweep()
		if n := len(riskOrders(t, st, second.ID, "open")); n != 1 {
			t.Fatalf("%d open orders after the report period, want 1", n)
		}
		// Stepping down: thirty quiet days and a return visit for each colour.
		visit := func(note string) {
			t.Helper()
			actOK(t, grid, second.ID, "record", map[string]any{"incident": "return_visit", "note": note})
		}
		clk.Add(24 * time.Hour)
		visit("入户走访，当事人情绪平稳")
		clk.Add(22 * 24 * time.Hour) // 31 days at red with a visit
		sweep()
		if w = getWarning(t, clerk, second.ID); w.RiskLevel != "orange" {
			t.Fatalf("after a quiet month with a visit: %s, want orange", w.RiskLevel)
		}
		if w.RiskResponseBy != nil {
			t.Error("stepping down demands a response")
		}
		// A police call restarts the quiet period: no step at day 30 of orange.
		clk.Add(5 * 24 * time.Hour)
		visit("再次走访")
		clk.Add(10 * 24 * time.Hour)
		actOK(t, clerk, second.ID, "record", map[string]any{"incident": "police_call", "note": "双方再次口角，派出所出警"})
		clk.Add(16 * 24 * time.Hour) // 31 days at orange, 16 since the call
		sweep()
		if w = getWarning(t, clerk, second.ID); w.RiskLevel != "orange" {
			t.Fatalf("a police call 16 days ago: %s, want still orange", w.RiskLevel)
		}
		clk.Add(15 * 24 * time.Hour)
		sweep()
		if w = getWarning(t, clerk, second.ID); w.RiskLevel != "yellow" {
			t.Fatalf("quiet 31 days after the call: %s, want yellow", w.RiskLevel)
		}
		// No visit at yellow: it stays, however quiet.
		clk.Add(40 * 24 * time.Hour)
		sweep()
		if w = getWarning(t, clerk, second.ID); w.RiskLevel != "yellow" {
			t.Fatalf("no visit recorded at yellow: %s, want yellow", w.RiskLevel)
		}
		visit("回访，矛盾已化解")
		clk.Add(30 * 24 * time.Hour)
		sweep()
		if w = getWarning(t, clerk, second.ID); w.RiskLevel != "blue" {
			t.Fatalf("quiet with a visit at yellow: %s, want blue", w.RiskLevel)
		}
		visit("回访，邻里和睦")
		clk.Add(30 * 24 * time.Hour)
		sweep()
		if w = getWarning(t, clerk, second.ID); w.RiskLevel != "none" || w.RiskHolderID != 0 {
			t.Fatalf("quiet with a visit at blue: %s (holder %d), want cleared", w.RiskLevel, w.RiskHolderID)
		}
		// Every change is an event with its reason, in order.
		var levels []string
		for _, ev := range f.events(clerk) {
			if ev.Action != "warning" {
				continue
			}
			var p struct{ From, To, Reason string }
			testutil.DecodeJSON(t, ev.Payload, &p)
			if ev.Note == "" {
				t.Errorf("warning event %s→%s has no reason", p.From, p.To)
			}
			levels = append(levels, p.From+">"+p.To+":"+p.Reason)
		}
		got := strings.Join(levels, " ")
		want := "none>red:computed red>orange:step_down orange>yellow:step_down yellow>blue:step_down blue>none:step_down"
		if got != want {
			t.Fatalf("warning events\n  %s\nwant\n  %s", got, want)
		}
		// The re-assessments after each visit did not undo the steps: the same old
		// threat still computes, but does not raise a level the quiet months lowered.
		if w.RiskComputed == "none" {
			t.Error("the threat no longer computes a level")
		}
	})
}

// A leader raises and lowers a warning with a reason; others may not; an orange
// warning reaches the centre's clerks and blocks archiving until it steps down.
func TestLeaderAdjustsWarning(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		f := &flow{t: t}
		c := f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}))
		if w := getWarning(t, clerk, c.ID); w.RiskLevel != "none" {
			t.Fatalf("a plain neighbour quarrel is %s", w.RiskLevel)
		}
		f.refused(clerk, "warning_adjust", map[string]any{"warning_level": "orange", "note": "当事人情绪激动"}, 409, "role")
		f.refused(leader, "warning_adjust", map[string]any{"warning_level": "orange"}, 422, "reason_required")
		f.refused(leader, "warning_adjust", map[string]any{"warning_level": "purple", "note": "x"}, 422, "invalid")
		f.refused(leader, "warning_adjust", map[string]any{"warning_level": "none", "note": "x"}, 422, "unchanged")
		w := actOK(t, leader, c.ID, "warning_adjust", map[string]any{"warning_level": "orange", "note": "当事人情绪激动，有过激言行"})
		if w.RiskLevel != "orange" || w.RiskComputed != "none" || w.RiskResponseBy == nil {
			t.Fatalf("raised: %+v", w)
		}
		due := w.RiskResponseBy.In(cst)
		if due.Hour() != 0 || due.Minute() != 0 || due.Sub(time.Now().In(cst)) > 24*time.Hour {
			t.Errorf("orange response due %v, want midnight today", due)
		}
		if !slices.Contains(inboxOf(t, clerk), "warning_orange") {
			t.Errorf("the clerk was not told: %v", inboxOf(t, clerk))
		}
		// A later event with the same facts leaves the leader's level alone.
		w = actOK(t, clerk, c.ID, "comment", map[string]any{"note": "已电话联系当事人"})
		if w.RiskLevel != "orange" {
			t.Fatalf("a comment undid the leader's level: %s", w.RiskLevel)
		}
		w = actOK(t, clerk, c.ID, "warning_respond", map[string]any{"note": "当日入户走访，做好疏导"})
		if w.RiskResponseBy != nil || w.RiskRespondedAt == nil {
			t.Fatalf("responded: %+v", w)
		}
		w = actOK(t, leader, c.ID, "warning_adjust", map[string]any{"warning_level": "blue", "note": "经走访情绪已平稳"})
		if w.RiskLevel != "blue" {
			t.Fatalf("lowered: %s", w.RiskLevel)
		}
		f.refused(clerk, "record", map[string]any{"incident": "earthquake"}, 422, "incident_invalid")
		f.refused(clerk, "record", map[string]any{}, 422, "incident_required")
	})
}

// An orange warning is the township's to act on the same day, even on a case the
// county centre holds: the township's leaders and clerks are told too.
func TestOrangeWarningReachesTheTownship(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		countyClerk := srv.Login(t, "county.clerk", demo.Password)
		countyLeader := srv.Login(t, "county.leader", demo.Password)
		townLeader := srv.Login(t, "fucheng.leader", demo.Password)
		otherTown := srv.Login(t, "suji.leader", demo.Password)
		f := &flow{t: t}
		c := f.register(countyClerk, walkIn(t, st)) // at a Fucheng village, held by the county
		actOK(t, countyLeader, c.ID, "warning_adjust", map[string]any{"warning_level": "orange", "note": "双方多次冲突，有升级可能"})
		if !slices.Contains(inboxOf(t, townLeader), "warning_orange") {
			t.Errorf("the township leader was not told: %v", inboxOf(t, townLeader))
		}
		if slices.Contains(inboxOf(t, otherTown), "warning_orange") {
			t.Error("another township was told")
		}
		// The township acts on it: its clerk records the same-day response, though the
		// county holds the case.
		townClerk := srv.Login(t, "fucheng.clerk", demo.Password)
		if w := getWarning(t, townClerk, c.ID); !slices.Contains(w.Allowed, "warning_respond") {
			t.Fatalf("the township clerk is not offered the response: %v", w.Allowed)
		}
		w := actOK(t, townClerk, c.ID, "warning_respond", map[string]any{"note": "镇综治中心当日入户调处，双方情绪稳定"})
		if w.RiskResponseBy != nil || w.RiskRespondedAt == nil {
			t.Fatalf("the township's response was not recorded: %+v", w)
		}
		// Only the response: the township does not take the county's other steps.
		f.refused(townClerk, "reject", map[string]any{"note": "x"}, 409, "role")
	})
}

// A case is archived only once no orange or red warning is in force (DESIGN.md §4):
// with a red and then an orange warning the clerk's archive is refused for the
// warning, and when the leader steps it down to yellow the case archives.
func TestArchiveWaitsForTheWarningToStepDownBelowOrange(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		f := &flow{t: t}
		c := f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"}))
		f.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral"}, "resolved")
		f.act(clerk, "verify", nil, "verified")
		f.act(clerk, "visit", map[string]any{"satisfaction": "satisfied", "note": "当事人表示满意"}, "followed_up")
		for _, level := range []string{"red", "orange"} {
			if w := actOK(t, leader, c.ID, "warning_adjust", map[string]any{"warning_level": level, "note": "回访中当事人再次表示不满"}); w.RiskLevel != level {
				t.Fatalf("adjusted to %s, the case is %s", level, w.RiskLevel)
			}
			f.refused(clerk, "archive", nil, 409, "serious_warning")
		}
		actOK(t, leader, c.ID, "warning_adjust", map[string]any{"warning_level": "yellow", "note": "经疏导情绪平稳"})
		f.act(clerk, "archive", nil, "archived")
	})
}
