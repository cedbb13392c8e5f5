package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestWarningOnTheCasePage: a clerk registers, at the intake desk, a party with a
// severe mental illness who threatens revenge after an injury; the case page shows its
// colour and explains it, indicator by indicator with the weights and the floor rule;
// the county leader, in a browser of their own, names himself 包案 leader through the
// response form, and a grid worker records a return visit.
func TestWarningOnTheCasePage(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()
		village, err := st.RegionByCode(ctx, "622922100200") // 附城镇
		if err != nil {
			t.Fatal(err)
		}
		desk := func(username string) *kangleDesk {
			d := &kangleDesk{tab: b.newTab(t, srv.URL), who: username}
			d.mustLogin(username, demo.Password)
			return d
		}

		clerk := desk("fucheng.clerk")
		if status := clerk.open("/cases/new"); status != 200 {
			t.Fatalf("intake desk: status %d", status)
		}
		clerk.choose(`select[name=kind]`, string(model.KindDispute))
		clerk.choose(`select[name=category_id]`, strconv.FormatInt(kangleCategory(t, st, "dispute.neighbour"), 10))
		clerk.choose(`select[name=region_id]`, strconv.FormatInt(village.ID, 10))
		clerk.fill(`textarea[name=description]`, "村民马某与邻居因宅基地争执中被打伤，扬言出院后要报复对方。")
		clerk.tap(`input[name=injured]`)
		clerk.fill(`input[name="parties[0].name"]`, "马某")
		clerk.fill(`input[name="parties[0].id_number"]`, model.MakeIDNumber("622922", time.Date(1979, 4, 2, 0, 0, 0, 0, time.UTC), 52))
		clerk.tap(`input[name="parties[0].severe_mental_illness"]`)
		if status := clerk.click(`[data-testid=register]`); status != 200 {
			t.Fatalf("register: status %d: %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		m := regexp.MustCompile(`^/cases/(\d+)\?notice=case_registered$`).FindStringSubmatch(clerk.location())
		if m == nil {
			t.Fatalf("after registering on %s: %q", clerk.location(), clerk.texts("[data-testid=error], .field-error"))
		}
		clerk.caseID, _ = strconv.ParseInt(m[1], 10, 64)

		// Threat 40 + injury 20 + severe mental illness 25 = 85, orange; the floor
		// "扬言报复的严重精神障碍患者" holds it at orange at least.
		orange := i18n.T(zh, "risk_level.orange")
		clerk.checkText("[data-testid=warning-badge]", orange)
		clerk.checkText("[data-testid=warning-level]", orange)
		if got := clerk.text("[data-testid=warning-score]"); !strings.Contains(got, "85") {
			t.Errorf("score line %q, want 85", got)
		}
		rows := eval[[][]string](clerk.tab, `Array.from(document.querySelectorAll("[data-testid=warning-indicators] tbody tr"),
			r => Array.from(r.cells, c => c.innerText.trim()))`)
		want := [][2]string{{i18n.T(zh, "indicator.threat"), "+40"}, {i18n.T(zh, "indicator.severe_mental_illness"), "+25"}, {i18n.T(zh, "indicator.injury"), "+20"}}
		if len(rows) != len(want) {
			t.Fatalf("indicator rows %q, want %v", rows, want)
		}
		for i, w := range want {
			if rows[i][0] != w[0] || rows[i][1] != w[1] {
				t.Errorf("indicator row %d reads %q, want %v", i, rows[i], w)
			}
		}
		if !strings.Contains(rows[0][2], "报复") {
			t.Errorf("the threat's grounds %q do not quote the description", rows[0][2])
		}
		if got := clerk.text("[data-testid=warning-floors]"); !strings.Contains(got, "扬言报复的严重精神障碍患者") {
			t.Errorf("floors %q", got)
		}
		// Orange demands the centre act the same day: the clerk is offered the response.
		if !clerk.has(`details[data-action-form="warning_respond"]`) {
			t.Fatal("the clerk is not offered to respond to the orange warning")
		}
		clerk.unfold("warning_respond")
		clerk.fill(`details[data-action-form="warning_respond"] textarea[name=note]`, "当日联系派出所和村委会，入户疏导")
		clerk.submit("warning_respond")
		if clerk.has(`details[data-action-form="warning_respond"]`) {
			t.Error("the response is still offered once given")
		}

		// The county leader raises it to red and names himself its leader.
		leader := desk("county.leader")
		leader.caseID = clerk.caseID
		leader.openCase()
		leader.unfold("warning_adjust")
		leader.choose(`details[data-action-form="warning_adjust"] select[name=warning_level]`, "red")
		leader.fill(`details[data-action-form="warning_adjust"] textarea[name=note]`, "当事人有严重精神障碍且扬言报复，提级管控")
		leader.submit("warning_adjust")
		leader.checkText("[data-testid=warning-level]", i18n.T(zh, "risk_level.red"))
		leader.checkText("[data-testid=warning-holder]", i18n.T(zh, "warning.no_holder"))
		leaderUser, _, err := st.UserCredentials(ctx, "county.leader")
		if err != nil {
			t.Fatal(err)
		}
		leader.unfold("warning_respond")
		leader.choose(`details[data-action-form="warning_respond"] select[name=holder_id]`, strconv.FormatInt(leaderUser.ID, 10))
		leader.fill(`details[data-action-form="warning_respond"] textarea[name=note]`, "本人包案，协调公安、卫健落实监护")
		leader.submit("warning_respond")
		leader.checkText("[data-testid=warning-holder]", leaderUser.DisplayName)
		if got := leader.texts("[data-testid=warning-change]"); len(got) != 2 {
			t.Errorf("timeline warning changes %q, want the intake's and the leader's", got)
		}

		// A grid worker records the return visit that will let it step down.
		grid := desk("fucheng.grid")
		grid.caseID = clerk.caseID
		grid.openCase()
		grid.unfold("record")
		grid.choose(`details[data-action-form="record"] select[name=incident]`, model.IncidentReturnVisit)
		grid.fill(`details[data-action-form="record"] textarea[name=note]`, "入户走访，当事人按时服药，情绪平稳")
		grid.submit("record")
		if got := grid.text("[data-testid=incidents]"); !strings.Contains(got, i18n.T(zh, "incident.return_visit")) || !strings.Contains(got, "情绪平稳") {
			t.Errorf("incidents %q lack the return visit", got)
		}
	})
}
