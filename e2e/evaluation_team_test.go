package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// TestEvaluationTeamWork: a township case with its 包案 leader and mediator is mediated
// this month; the county leader opens this month's 考评排名, finds the team table under
// the ranking with both of them, and follows the leader's 化解率 to the case list,
// which holds as many cases as the table says.
func TestEvaluationTeamWork(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()
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
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		resp, raw := clerk.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": category, "channel": "walk_in",
			"region_id": village.ID, "description": "相邻宅基地界线不清，双方多次争执。", "urgency": "normal",
			"parties": []map[string]any{{"role": "applicant", "name": "马某"}}, "then": []map[string]any{{"action": "accept"}, {"action": "handle"}}})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c model.Case
		testutil.DecodeJSON(t, raw, &c)
		for _, login := range []string{"fucheng.leader", "fucheng.mediator"} {
			u, _, err := st.UserCredentials(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			role := map[string]string{"fucheng.leader": "lead", "fucheng.mediator": "mediator"}[login]
			if resp, raw := clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/team", c.ID), map[string]any{"role": role, "user_id": u.ID}); resp.StatusCode != http.StatusCreated {
				t.Fatalf("team: %d %s", resp.StatusCode, raw)
			}
		}
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		if resp, raw := mediator.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/resolve", c.ID), map[string]any{"outcome": "mediated_oral", "note": "调解成功"}); resp.StatusCode != 200 {
			t.Fatalf("resolve: %d %s", resp.StatusCode, raw)
		}

		tb := b.newTab(t, srv.URL)
		tb.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.leader", demo.Password)
		if status := tb.open("/evaluation?scheme=township&period=month&date=" + time.Now().In(workflow.ChinaTime).Format("2006-01-02")); status != 200 {
			t.Fatalf("ranking page: status %d", status)
		}
		rows := tb.texts(`[data-testid=evaluation-team-row]`)
		if len(rows) != 2 || !strings.Contains(strings.Join(rows, "\n"), i18n.T(zh, "team.role.lead")) {
			t.Fatalf("the team table: %q", rows)
		}
		t.Logf("team work: %s", screenshot(t, tb, "evaluation-team-1366-"+string(st.Dialect())))

		// The 通报 carries the same team under 包案工作, laid out for A4 as printed.
		rankingURL := tb.location()
		if status := tb.click(`[data-testid=evaluation-notice]`); status != 200 {
			t.Fatalf("notice: status %d", status)
		}
		if got := tb.texts(`[data-testid=evaluation-notice-team-row]`); len(got) != 2 {
			t.Fatalf("the notice's team table on %s: %q; %s", tb.location(), got, tb.text(`[data-testid=evaluation-notice-doc]`))
		}
		tb.do("an A4 sheet's width", chromedp.EmulateViewport(794, 1123))
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		if overflow := eval[bool](tb, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`); overflow {
			t.Errorf("the printed notice is wider than an A4 sheet")
		}
		t.Logf("team notice: %s", screenshot(t, tb, "evaluation-team-notice-a4-"+string(st.Dialect())))
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "screen"}); err != nil {
			t.Fatal(err)
		}
		tb.do("a laptop's screen again", chromedp.EmulateViewport(1366, 768))
		tb.open(rankingURL)
		link := `[data-testid=evaluation-team-row]:first-child td:nth-child(6) a`
		said := tb.text(link) // "100.0%（1/1）"
		if !strings.Contains(said, "（1/1）") {
			t.Fatalf("化解率 reads %q", said)
		}
		if status := tb.click(link); status != 200 {
			t.Fatalf("the rate's cases: status %d", status)
		}
		if total := eval[string](tb, `document.querySelector("[data-testid=figure-list]").dataset.total`); total != "1" {
			t.Errorf("化解率 says %q, its list holds %s cases", said, total)
		}
	})
}
