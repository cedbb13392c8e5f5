package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestWarningsBoard registers a case whose party threatens to die together with the
// other (扬言同归于尽), with someone hurt and forty people involved: a red warning at
// intake. The county leader opens 预警看板 from the navigation and finds the case's row
// in red, and on the map the case's grid drawn red by the stylesheet, its neighbour
// grey; the colour chips filter the rows; the tracking code opens the case.
func TestWarningsBoard(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()
		grid, err := st.RegionByCode(ctx, "62292210120101") // 苏集镇古洞沟村第一网格
		if err != nil {
			t.Fatal(err)
		}
		neighbour, err := st.RegionByCode(ctx, "62292210120102") // 古洞沟村第二网格
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

		api := srv.Login(t, "county.clerk", demo.Password)
		resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{
			"kind": "dispute", "category_id": category, "channel": "walk_in", "region_id": grid.ID, "address": "苏集镇古洞沟村三社",
			"title": "宅基地纠纷扬言同归于尽", "description": "两个家族因宅基地界线争执，一方扬言要和对方同归于尽，已有人受伤。",
			"urgency": "normal", "injured": true, "people_count": 40,
			"parties": []map[string]any{{"role": "applicant", "name": "马某", "phone": "13893005566",
				"id_number": model.MakeIDNumber("622922", time.Date(1968, 9, 2, 0, 0, 0, 0, time.UTC), 41)}},
		})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c struct {
			ID           int64  `json:"id"`
			TrackingCode string `json:"tracking_code"`
			RiskLevel    string `json:"risk_level"`
		}
		testutil.DecodeJSON(t, raw, &c)
		if c.RiskLevel != "red" {
			t.Fatalf("the case is %q, want red: %s", c.RiskLevel, raw)
		}

		tb := b.newTab(t, srv.URL)
		tb.mustLogin("county.leader", demo.Password)
		if status := tb.click(`nav.sidenav a[href="/warnings"]`); status != 200 {
			t.Fatalf("the warnings board: status %d", status)
		}
		tb.checkText("main h1", i18n.T(zh, "warnings.title"))
		if got := tb.text(`nav.sidenav a.active`); got != i18n.T(zh, "nav.warnings") {
			t.Errorf("the active nav entry is %q", got)
		}

		row := fmt.Sprintf(`[data-testid=warning-row][data-case-id="%d"]`, c.ID)
		if got := eval[string](tb, `document.querySelector(`+jsString(row)+`).dataset.level`); got != "red" {
			t.Errorf("the row's level is %q", got)
		}
		tb.checkText(row+" [data-testid=warning-level]", i18n.T(zh, "risk_level.red"))
		tb.checkText(row+" [data-testid=warning-code]", c.TrackingCode)
		tb.checkText(row+" [data-testid=warning-place]", "苏集镇 · 古洞沟村 · 古洞沟村第一网格")
		tb.checkText(row+" [data-testid=warning-holder]", i18n.T(zh, "warnings.no_holder"))
		// The colours come from the stylesheet, under the CSP: no inline styles.
		const red = "rgb(200, 22, 29)"
		if got := eval[string](tb, `getComputedStyle(document.querySelector(`+jsString(row+" .badge.risk-red")+`)).backgroundColor`); got != red {
			t.Errorf("the red badge's background is %s, want %s", got, red)
		}

		cell := fmt.Sprintf(`svg [data-testid="map-grid-%d"]`, grid.ID)
		if got := eval[string](tb, `document.querySelector(`+jsString(cell)+`).getAttribute("data-level")`); got != "red" {
			t.Errorf("the grid's cell is %q, want red", got)
		}
		if got := eval[string](tb, `getComputedStyle(document.querySelector(`+jsString(cell+" rect")+`)).fill`); got != red {
			t.Errorf("the grid's cell is filled %s, want %s", got, red)
		}
		if got := eval[string](tb, `document.querySelector(`+jsString(cell+" title")+`).textContent`); !strings.Contains(got, "古洞沟村第一网格") || !strings.Contains(got, i18n.T(zh, "risk_level.red")) {
			t.Errorf("the cell's tooltip reads %q", got)
		}
		other := fmt.Sprintf(`svg [data-testid="map-grid-%d"]`, neighbour.ID)
		if got := eval[string](tb, `document.querySelector(`+jsString(other)+`).getAttribute("data-level")`); got != "none" {
			t.Errorf("the neighbouring grid is %q, want none", got)
		}
		if got := eval[string](tb, `getComputedStyle(document.querySelector(`+jsString(other+" rect")+`)).fill`); got == red {
			t.Error("the neighbouring grid is drawn red")
		}
		if got := eval[int](tb, `document.querySelectorAll('svg [data-testid^="map-grid-"]').length`); got != 18 {
			t.Errorf("the map draws %d grids, want 18", got)
		}
		// The map fits its card: it scales down rather than spilling out.
		if eval[bool](tb, `(() => { const s = document.querySelector('[data-testid=warnings-map]').getBoundingClientRect(),
			c = document.querySelector('[data-testid=map-card]').getBoundingClientRect(); return s.width > 0 && s.right <= c.right + 1 })()`) == false {
			t.Error("the map spills out of its card")
		}

		// The chips filter by colour.
		if status := tb.click(`[data-testid=chip-blue]`); status != 200 || tb.location() != "/warnings?level=blue" {
			t.Fatalf("the blue chip: status %d on %s", status, tb.location())
		}
		if tb.has(row) || !tb.has(`[data-testid=warnings-empty]`) {
			t.Error("the blue filter still shows the red case")
		}
		if status := tb.click(`[data-testid=chip-red]`); status != 200 || !tb.has(row) {
			t.Fatalf("the red chip: status %d, row shown %v", status, tb.has(row))
		}
		tb.checkText(`[data-testid=chip-red] .chip-count`, "1")

		// The tracking code opens the case.
		if status := tb.click(row + " [data-testid=warning-code]"); status != 200 || tb.location() != fmt.Sprintf("/cases/%d", c.ID) {
			t.Errorf("the tracking code: status %d on %s", status, tb.location())
		}
	})
}
