package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A warning is assessed over the parties' history in the whole county, and what each
// person is told of it counts only the cases they may see (issue 20). A man has three
// cases in 苏集镇 — two police calls and two failed mediations on the first — and one in
// 附城镇; he comes to 附城镇 and threatens his neighbour. The case turns red on the
// county's history. The 附城镇 clerk, whose earlier-case lookup shows only the 附城镇
// case, is told of that one and that there are records outside the township, never
// how many; the township's viewer is told of that one only; the county leader of
// all. So say the answer to the registration (API and form), the case (API and
// page), the warning's event in the timeline, the warnings board and the notices.
func TestWarningExplainsOnlyWhatTheReaderSees(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		login := func(u string) *testutil.Client { return srv.Login(t, u, demo.Password) }
		sujiClerk, clerk, viewer, leader, countyLeader := login("suji.clerk"), login("fucheng.clerk"), login("fucheng.viewer"),
			login("fucheng.leader"), login("county.leader")
		idNumber := model.MakeIDNumber("622922", mustDate("1975-01-01"), 77)
		body := func(region, description string) map[string]any {
			return map[string]any{
				"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
				"region_id": regionID(t, st, region), "description": description,
				"parties": []map[string]any{{"role": "applicant", "name": "马某", "id_number": idNumber}},
			}
		}
		var elsewhere []int64
		for i := 0; i < 3; i++ {
			f := &flow{t: t}
			elsewhere = append(elsewhere, f.register(sujiClerk, body("622922101206", fmt.Sprintf("与邻居因宅基地发生争执（第%d次）。", i+1))).ID)
		}
		for _, incident := range []string{"police_call", "police_call", "mediation_failed", "mediation_failed"} {
			resp, raw := sujiClerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/record", elsewhere[0]), map[string]any{"incident": incident})
			if resp.StatusCode != 200 {
				t.Fatalf("record %s: %d %s", incident, resp.StatusCode, raw)
			}
		}
		(&flow{t: t}).register(clerk, body("622922100200", "与邻居因院墙发生争执。"))

		// What nobody but the county may be told: the counts, the floor that rests on
		// them, and the other cases themselves.
		secrets := []string{"既往案件4件", "既往案件3件", "报警2次", "调解未果2次", "扬言报复且90日内调解失败2次以上", `"others"`, `"history"`}
		noSecrets := func(who, text string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s is told %q:\n%s", who, s, text)
				}
			}
		}
		threat := body("622922100200", "马某扬言要和邻居同归于尽。")
		resp, raw := clerk.Do("POST", "/api/v1/cases", threat)
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		noSecrets("the registering clerk (answer)", string(raw))
		var registered warningJSON
		json.Unmarshal(raw, &registered)
		id := registered.ID
		if registered.RiskLevel != "red" || registered.RiskResult.Score != 85 {
			t.Fatalf("the level is the county's: %s, score %d", registered.RiskLevel, registered.RiskResult.Score)
		}

		outside := "辖区外另有记录"
		details := func(res risk.Result) map[risk.Indicator]string {
			out := map[risk.Indicator]string{}
			for _, f := range res.Fired {
				out[f.Indicator] = f.Detail
			}
			return out
		}
		tests := []struct {
			who    string
			c      *testutil.Client
			want   map[risk.Indicator]string // "" for an indicator not shown
			floors int
		}{
			{"the township clerk", clerk, map[risk.Indicator]string{
				risk.RepeatVisits:     "90日内来访/信访1次（来访0次，同一当事人既往案件1件），" + outside,
				risk.RepeatPolice:     outside,
				risk.FailedMediations: outside,
			}, 0},
			{"the township viewer", viewer, map[risk.Indicator]string{
				risk.RepeatVisits:     "90日内来访/信访1次（来访0次，同一当事人既往案件1件）",
				risk.RepeatPolice:     "",
				risk.FailedMediations: "",
			}, 0},
			{"the county leader", countyLeader, map[risk.Indicator]string{
				risk.RepeatVisits:     "90日内来访/信访4次（来访0次，同一当事人既往案件4件）",
				risk.RepeatPolice:     "90日内报警2次",
				risk.FailedMediations: "90日内调解未果2次",
			}, 1},
		}
		for _, tt := range tests {
			resp, raw := tt.c.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s reads the case: %d", tt.who, resp.StatusCode)
			}
			var w warningJSON
			json.Unmarshal(raw, &w)
			got := details(w.RiskResult)
			for ind, want := range tt.want {
				if got[ind] != want {
					t.Errorf("%s: %s says %q, want %q", tt.who, ind, got[ind], want)
				}
			}
			if len(w.RiskResult.Floors) != tt.floors || w.RiskLevel != "red" || w.RiskResult.Score != 85 {
				t.Errorf("%s: floors %v, level %s, score %d", tt.who, w.RiskResult.Floors, w.RiskLevel, w.RiskResult.Score)
			}
			if tt.c == countyLeader {
				continue
			}
			noSecrets(tt.who+" (case)", string(raw))
			if (tt.c == clerk) != strings.Contains(string(raw), outside) {
				t.Errorf("%s: told of records outside = %v", tt.who, !(tt.c == clerk))
			}
			_, raw = tt.c.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), nil)
			noSecrets(tt.who+" (timeline)", string(raw))
			if !strings.Contains(string(raw), "同一当事人既往案件1件") {
				t.Errorf("%s: the warning's event does not explain it:\n%s", tt.who, raw)
			}
			html := page(t, tt.c, fmt.Sprintf("/cases/%d", id))
			noSecrets(tt.who+" (page)", html)
			if !strings.Contains(html, "同一当事人既往案件1件") || (tt.c == clerk) != strings.Contains(html, outside) {
				t.Errorf("%s: the page's explanation is wrong:\n%s", tt.who, html)
			}
		}
		_, raw = countyLeader.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), nil)
		if !strings.Contains(string(raw), "既往案件4件") || strings.Contains(string(raw), `"history"`) {
			t.Errorf("the county leader's timeline: %s", raw)
		}

		// The earlier-case lookup agrees with what the clerk is told.
		_, raw = clerk.Do("GET", "/api/v1/intake/prior-cases?id_number="+idNumber, nil)
		for _, other := range elsewhere {
			if strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, other)) {
				t.Errorf("the lookup shows 苏集镇's case %d", other)
			}
		}

		// The notices the red warning sent, read by people of every scope alike, say only
		// that other cases have records.
		for who, c := range map[string]*testutil.Client{"the township leader": leader, "the county leader": countyLeader} {
			_, raw := c.Do("GET", "/api/v1/notifications", nil)
			noSecrets(who+" (notices)", string(raw))
			if !strings.Contains(string(raw), "其他案件另有记录") {
				t.Errorf("%s's notice does not say there is more: %s", who, raw)
			}
		}
		for who, c := range map[string]*testutil.Client{"the township clerk": clerk, "the township viewer": viewer} {
			_, raw := c.Do("GET", "/api/v1/warnings", nil)
			noSecrets(who+" (warnings board)", string(raw))
			noSecrets(who+" (board page)", page(t, c, "/warnings"))
		}

		// Registered through the form, the case's page says the same.
		form := url.Values{"kind": {"dispute"}, "category_id": {fmt.Sprint(categoryID(t, st, "dispute.neighbour"))}, "channel": {"walk_in"},
			"region_id": {fmt.Sprint(regionID(t, st, "622922100200"))}, "description": {"马某再次来访，扬言要和邻居同归于尽。"},
			"urgency": {"normal"}, "parties[0].role": {"applicant"}, "parties[0].name": {"马某"}, "parties[0].id_number": {idNumber}}
		resp, _ = postForm(t, srv, clerk, "/cases", form)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/cases/") {
			t.Fatalf("the intake form: %d %s", resp.StatusCode, loc)
		}
		html := page(t, clerk, strings.SplitN(loc, "?", 2)[0])
		noSecrets("the township clerk (form)", html)
		if !strings.Contains(html, "同一当事人既往案件2件") || !strings.Contains(html, outside) {
			t.Errorf("the page after the intake form:\n%s", html)
		}
	})
}
