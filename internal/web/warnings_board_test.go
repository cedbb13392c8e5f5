package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The descriptions that set each colour at intake under the default rules, with the
// case's injured flag and people involved.
var warnRecipes = map[string]struct {
	desc    string
	injured bool
	people  int
}{
	"blue":   {"村民五人因灌溉用水排序发生口角，要求村里协调。", false, 5},    // 群体性 5 人: 15
	"yellow": {"邻居因宅基地界线争吵，一方扬言要和对方同归于尽。", false, 0},   // threat: 40
	"orange": {"邻居因宅基地界线争吵，一方扬言要和对方同归于尽。", true, 0},    // threat + injury: 60
	"red":    {"两个家族因宅基地界线争执，一方扬言要和对方同归于尽。", true, 40}, // threat + injury + 群体性 40 人: 95
}

// warnedCase is what the warnings tests read of a registered case.
type warnedCase struct {
	ID           int64  `json:"id"`
	TrackingCode string `json:"tracking_code"`
	RiskLevel    string `json:"risk_level"`
	RiskScore    int    `json:"risk_score"`
}

// registerWarned registers, through the API as c, a case at the region with code
// regionCode that the rules put under the colour want; seq keeps its party apart
// from the other cases' (the same party's earlier cases would weigh in).
func registerWarned(t *testing.T, st *store.Store, c *testutil.Client, regionCode, want string, seq int) warnedCase {
	t.Helper()
	r, ok := warnRecipes[want]
	if !ok {
		t.Fatalf("no recipe for %s", want)
	}
	body := map[string]any{
		"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
		"region_id": regionID(t, st, regionCode), "address": "康乐县某村",
		"description": r.desc, "urgency": "normal", "injured": r.injured, "people_count": r.people,
		"parties": []map[string]any{{"role": "applicant", "name": "马某", "phone": fmt.Sprintf("1389300%04d", seq),
			"id_number": model.MakeIDNumber("622922", mustDate("1971-03-04"), seq)}},
	}
	resp, raw := c.Do("POST", "/api/v1/cases", body)
	if resp.StatusCode != 201 {
		t.Fatalf("register a %s case at %s: %d %s", want, regionCode, resp.StatusCode, raw)
	}
	var w warnedCase
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatal(err)
	}
	if w.RiskLevel != want {
		t.Fatalf("the case meant to be %s came out %s (score %d): %s", want, w.RiskLevel, w.RiskScore, raw)
	}
	return w
}

// principalOf builds the principal of a demo user straight from the store.
func principalOf(t *testing.T, st *store.Store, username string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, _, err := st.UserCredentials(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.Region(ctx, u.RegionID)
	if err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{User: u, Region: g}
	if u.DepartmentID != 0 {
		d, err := st.Department(ctx, u.DepartmentID)
		if err != nil {
			t.Fatal(err)
		}
		p.Department = &d
	}
	return p
}

// findNode finds the region with code in the map, nil when it is not drawn.
func findNode(m *cases.WarningMap, code string) *cases.WarningNode {
	for _, n := range m.Nodes() {
		if n.Region.Code == code {
			return n
		}
	}
	return nil
}

// Warnings registered in grids and at a village roll up the tree: each region counts
// the cases at or below it by colour and takes the most serious as its own, and a
// township viewer's map holds only their township.
func TestWarningMapRollsUpTheRegionTree(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		registerWarned(t, st, clerk, "62292210020001", "yellow", 1) // 附城镇 高林湾村 第一网格
		registerWarned(t, st, clerk, "62292210020001", "blue", 2)
		registerWarned(t, st, clerk, "62292210020002", "red", 3)    // 高林湾村 第二网格
		registerWarned(t, st, clerk, "62292210020101", "blue", 4)   // 高丰村 第一网格
		registerWarned(t, st, clerk, "622922101206", "orange", 5)   // 苏集镇 苏集村, no grid
		registerWarned(t, st, clerk, "62292210120101", "yellow", 6) // 苏集镇 古洞沟村 第一网格

		ctx := context.Background()
		svc := srv.App.Cases()
		m, err := svc.WarningMap(ctx, principalOf(t, st, "county.leader"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Root.Region.Code != demo.CountyCode {
			t.Fatalf("the county leader's map starts at %s", m.Root.Region.Code)
		}
		want := map[string]struct {
			highest risk.Level
			counts  cases.LevelCounts
		}{
			demo.CountyCode:  {risk.LevelRed, cases.LevelCounts{Red: 1, Orange: 1, Yellow: 2, Blue: 2}},
			"622922100":      {risk.LevelRed, cases.LevelCounts{Red: 1, Yellow: 1, Blue: 2}},
			"622922100200":   {risk.LevelRed, cases.LevelCounts{Red: 1, Yellow: 1, Blue: 1}},
			"62292210020001": {risk.LevelYellow, cases.LevelCounts{Yellow: 1, Blue: 1}},
			"62292210020002": {risk.LevelRed, cases.LevelCounts{Red: 1}},
			"622922100201":   {risk.LevelBlue, cases.LevelCounts{Blue: 1}},
			"62292210020101": {risk.LevelBlue, cases.LevelCounts{Blue: 1}},
			"62292210020102": {risk.LevelNone, cases.LevelCounts{}},
			"622922100202":   {risk.LevelNone, cases.LevelCounts{}},
			"622922101":      {risk.LevelOrange, cases.LevelCounts{Orange: 1, Yellow: 1}},
			"622922101206":   {risk.LevelOrange, cases.LevelCounts{Orange: 1}},
			"62292210120601": {risk.LevelNone, cases.LevelCounts{}},
			"622922101201":   {risk.LevelYellow, cases.LevelCounts{Yellow: 1}},
			"622922103":      {risk.LevelNone, cases.LevelCounts{}},
		}
		for code, w := range want {
			n := findNode(m, code)
			if n == nil {
				t.Errorf("%s is not on the map", code)
				continue
			}
			if n.Highest != w.highest || n.Counts != w.counts {
				t.Errorf("%s (%s): highest %s counts %+v, want %s %+v", code, n.Region.Name, n.Highest, n.Counts, w.highest, w.counts)
			}
		}
		// The village's own case is its own; its grids have none.
		if v := findNode(m, "622922101206"); v.Own != (cases.LevelCounts{Orange: 1}) || len(v.Children) != 2 {
			t.Errorf("苏集村 own %+v with %d grids", v.Own, len(v.Children))
		}
		if m.Totals != want[demo.CountyCode].counts {
			t.Errorf("totals %+v", m.Totals)
		}
		// The tree: 康乐县's 15 townships and 156 villages, 2 grids under 3 villages of
		// the 3 staffed townships, in code order.
		if len(m.Root.Children) != 15 || m.Root.Children[0].Region.Code != "622922100" || len(m.Nodes()) != 1+15+156+18 {
			t.Fatalf("the tree: %d townships, %d regions", len(m.Root.Children), len(m.Nodes()))
		}

		// A township leader sees their own township's tree and warnings only.
		m, err = svc.WarningMap(ctx, principalOf(t, st, "suji.leader"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Root.Region.Code != "622922101" || len(m.Nodes()) != 1+9+6 || findNode(m, "622922100") != nil { // 苏集镇, its 9 villages, 6 grids
			t.Fatalf("苏集镇's map: root %s, %d regions", m.Root.Region.Code, len(m.Nodes()))
		}
		if m.Totals != (cases.LevelCounts{Orange: 1, Yellow: 1}) || m.Root.Highest != risk.LevelOrange {
			t.Errorf("苏集镇's totals %+v, highest %s", m.Totals, m.Root.Highest)
		}

		// A department handler counts only their department's cases: none assigned yet.
		m, err = svc.WarningMap(ctx, principalOf(t, st, "fucheng.handler"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Totals.Total() != 0 || m.Root.Highest != risk.LevelNone {
			t.Errorf("the handler sees %+v", m.Totals)
		}
		// An administrator sees no cases, and no warnings.
		if _, err := svc.WarningMap(ctx, principalOf(t, st, "county.admin")); err == nil {
			t.Error("the administrator got a warnings map")
		}
	})
}

// The API lists only the warnings the caller sees, most serious first; a township
// does not see another's; the level filter narrows the items but not the counts; a
// bad level is refused naming the field.
func TestWarningsAPIScope(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		fuchengRed := registerWarned(t, st, clerk, "62292210020002", "red", 11)
		fuchengYellow := registerWarned(t, st, clerk, "62292210020001", "yellow", 12)
		sujiOrange := registerWarned(t, st, clerk, "62292210120601", "orange", 13)
		jingguBlue := registerWarned(t, st, clerk, "622922103204", "blue", 14)
		// A case without a warning is no item.
		quiet := walkIn(t, st)
		quiet["parties"] = []map[string]any{{"role": "applicant", "name": "李某", "phone": "13893009999"}}
		if resp, raw := clerk.Do("POST", "/api/v1/cases", quiet); resp.StatusCode != 201 || jsonField(t, raw, "risk_level") != "none" {
			t.Fatalf("a quiet case: %d %s", resp.StatusCode, raw)
		}

		type page struct {
			Items []struct {
				ID         int64  `json:"id"`
				RiskLevel  string `json:"risk_level"`
				HolderName string `json:"holder_name"`
			} `json:"items"`
			Counts cases.LevelCounts `json:"counts"`
			Total  int               `json:"total"`
		}
		get := func(c *testutil.Client, query string) page {
			t.Helper()
			resp, raw := c.Do("GET", "/api/v1/warnings"+query, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET /api/v1/warnings%s: %d %s", query, resp.StatusCode, raw)
			}
			var p page
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		ids := func(p page) string {
			var out []string
			for _, it := range p.Items {
				out = append(out, fmt.Sprintf("%d:%s", it.ID, it.RiskLevel))
			}
			return strings.Join(out, ",")
		}
		item := func(w warnedCase) string { return fmt.Sprintf("%d:%s", w.ID, w.RiskLevel) }

		county := get(srv.Login(t, "county.leader", demo.Password), "")
		if got, want := ids(county), strings.Join([]string{item(fuchengRed), item(sujiOrange), item(fuchengYellow), item(jingguBlue)}, ","); got != want {
			t.Errorf("the county sees %s, want %s (most serious first)", got, want)
		}
		if county.Counts != (cases.LevelCounts{Red: 1, Orange: 1, Yellow: 1, Blue: 1}) || county.Total != 4 {
			t.Errorf("the county's counts %+v total %d", county.Counts, county.Total)
		}

		fucheng := srv.Login(t, "fucheng.leader", demo.Password)
		if got, want := ids(get(fucheng, "")), item(fuchengRed)+","+item(fuchengYellow); got != want {
			t.Errorf("附城镇 sees %s, want %s", got, want)
		}
		suji := srv.Login(t, "suji.clerk", demo.Password)
		p := get(suji, "")
		if got := ids(p); got != item(sujiOrange) {
			t.Errorf("苏集镇 sees %s, want only its own %s", got, item(sujiOrange))
		}
		if p.Counts != (cases.LevelCounts{Orange: 1}) {
			t.Errorf("苏集镇 counts %+v: another township's warnings leak into the totals", p.Counts)
		}
		if got := ids(get(suji, "?level=red")); got != "" {
			t.Errorf("苏集镇 asking for red sees %s", got)
		}

		// The filter narrows the items, not the counts; a label works as well as a code.
		p = get(fucheng, "?level=yellow")
		if got := ids(p); got != item(fuchengYellow) || p.Counts != (cases.LevelCounts{Red: 1, Yellow: 1}) {
			t.Errorf("附城镇 yellow: %s, counts %+v", got, p.Counts)
		}
		if got := ids(get(fucheng, "?level=红")); got != item(fuchengRed) {
			t.Errorf("附城镇 红: %s", got)
		}

		// The grid worker of 附城镇 sees the township's subtree too.
		if got := ids(get(srv.Login(t, "fucheng.grid", demo.Password), "")); got != item(fuchengRed)+","+item(fuchengYellow) {
			t.Errorf("附城镇's grid worker sees %s", got)
		}
		// The department handler sees nothing until a case is assigned to them.
		if got := ids(get(srv.Login(t, "fucheng.handler", demo.Password), "")); got != "" {
			t.Errorf("the handler sees %s", got)
		}

		for _, bad := range []string{"purple", "none", "无"} {
			resp, raw := fucheng.Do("GET", "/api/v1/warnings?level="+bad, nil)
			if resp.StatusCode != 422 {
				t.Errorf("level=%s: %d %s", bad, resp.StatusCode, raw)
				continue
			}
			if e := testutil.DecodeError(t, raw); e.Error.Field != "level" {
				t.Errorf("level=%s names field %q", bad, e.Error.Field)
			}
		}
		if resp, raw := srv.Login(t, "county.admin", demo.Password).Do("GET", "/api/v1/warnings", nil); resp.StatusCode != 403 {
			t.Errorf("the administrator: %d %s", resp.StatusCode, raw)
		}
		if resp, _ := srv.NewClient(t).Do("GET", "/api/v1/warnings", nil); resp.StatusCode != 401 {
			t.Errorf("signed out: %d", resp.StatusCode)
		}
	})
}

// attrRow finds the warnings board's row of a case, "" when it is not there.
func attrRow(body string, id int64) string {
	m := regexp.MustCompile(`(?s)<tr data-testid="warning-row" data-case-id="` + fmt.Sprint(id) + `".*?</tr>`).FindString(body)
	return m
}

// The page lists the warnings with their colour, place, time at level, holder and
// the pending response, sums them by region, and draws the region tree with each
// grid in the colour of its highest open warning.
func TestWarningsBoardPage(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
		svc := srv.App.Cases()
		svc.Now = clk.Now
		clerk := srv.Login(t, "county.clerk", demo.Password)
		red := registerWarned(t, st, clerk, "62292210020002", "red", 21)       // 高林湾村第二网格
		yellow := registerWarned(t, st, clerk, "62292210020002", "yellow", 22) // the same grid: red wins
		blue := registerWarned(t, st, clerk, "62292210120601", "blue", 23)     // 苏集村第一网格
		clk.Add(3*24*time.Hour + 5*time.Hour)

		leader := srv.Login(t, "county.leader", demo.Password)
		get := func(c *testutil.Client, path string) string {
			t.Helper()
			resp, raw := c.Do("GET", path, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
			}
			return string(raw)
		}
		body := get(leader, "/warnings")
		for _, want := range []string{`<a href="/warnings" class="active"`, `预警看板`, `data-testid="warnings-map"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the board lacks %s", want)
			}
		}
		row := attrRow(body, red.ID)
		for _, want := range []string{`data-level="red"`, `class="badge risk-red"`, "红色预警", fmt.Sprintf(`href="/cases/%d"`, red.ID),
			red.TrackingCode, "附城镇 · 高林湾村 · 高林湾村第二网格", "3天", "未明确", "须于", `data-testid="response-overdue"`} {
			if !strings.Contains(row, want) {
				t.Errorf("the red row lacks %q:\n%s", want, row)
			}
		}
		if row := attrRow(body, yellow.ID); !strings.Contains(row, `class="badge risk-yellow"`) || !strings.Contains(row, "无待处置要求") {
			t.Errorf("the yellow row:\n%s", row)
		}
		if i, j, k := strings.Index(body, attrRow(body, red.ID)), strings.Index(body, attrRow(body, yellow.ID)), strings.Index(body, attrRow(body, blue.ID)); !(i < j && j < k) {
			t.Errorf("rows out of order: red at %d, yellow at %d, blue at %d", i, j, k)
		}

		// Chips count every colour and filter.
		for level, n := range map[string]int{"all": 3, "red": 1, "orange": 0, "yellow": 1, "blue": 1} {
			chip := regexp.MustCompile(`(?s)data-testid="chip-` + level + `">.*?<b class="chip-count">(\d+)</b>`).FindStringSubmatch(body)
			if chip == nil || chip[1] != fmt.Sprint(n) {
				t.Errorf("chip %s: %v, want %d", level, chip, n)
			}
		}
		filtered := get(leader, "/warnings?level=blue")
		if attrRow(filtered, blue.ID) == "" || attrRow(filtered, red.ID) != "" || !strings.Contains(filtered, `class="risk-chip risk-blue active"`) {
			t.Error("?level=blue does not show only the blue case")
		}

		// The map: each grid cell coloured by its highest open warning.
		cell := func(body, code string) string {
			t.Helper()
			m := regexp.MustCompile(`<g class="map-cell risk-(\w+)" data-testid="map-grid-` + fmt.Sprint(regionID(t, st, code)) + `" data-level="(\w+)"`).FindStringSubmatch(body)
			if m == nil {
				return ""
			}
			if m[1] != m[2] {
				t.Errorf("cell %s: class risk-%s, data-level %s", code, m[1], m[2])
			}
			return m[2]
		}
		for code, want := range map[string]string{"62292210020002": "red", "62292210020001": "none", "62292210120601": "blue", "62292210320101": "none"} {
			if got := cell(body, code); got != want {
				t.Errorf("the county map's cell %s is %q, want %q", code, got, want)
			}
		}
		if got := strings.Count(body, `data-testid="map-grid-`); got != 18 {
			t.Errorf("the county map has %d grid cells, want 18", got)
		}
		if !regexp.MustCompile(`data-testid="map-region-` + fmt.Sprint(regionID(t, st, "622922100")) + `" data-level="red"`).MatchString(body) {
			t.Error("附城镇's block is not red")
		}
		if !strings.Contains(body, "<title>高林湾村第二网格：红色预警 1 件，黄色预警 1 件</title>") {
			t.Error("the red cell's tooltip does not count its warnings")
		}
		// The summary: the county's townships.
		summary := regexp.MustCompile(`(?s)<tr data-testid="summary-` + fmt.Sprint(regionID(t, st, "622922100")) + `" data-level="red">.*?</tr>`).FindString(body)
		if !strings.Contains(summary, "附城镇") || !strings.Contains(summary, `<span class="badge risk-red">1</span>`) || !strings.Contains(summary, `<span class="badge risk-yellow">1</span>`) {
			t.Errorf("附城镇's summary:\n%s", summary)
		}

		// Naming the 包案 leader answers the red warning: the row shows who holds it.
		leaderUser, _, _ := st.UserCredentials(context.Background(), "county.leader")
		resp, raw := leader.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/warning_respond", red.ID),
			map[string]any{"note": "已落实包案领导，约谈双方", "holder_id": leaderUser.ID})
		if resp.StatusCode != 200 {
			t.Fatalf("warning_respond: %d %s", resp.StatusCode, raw)
		}
		row = attrRow(get(leader, "/warnings"), red.ID)
		if !strings.Contains(row, leaderUser.DisplayName) || strings.Contains(row, "未明确") || !strings.Contains(row, "已于") || strings.Contains(row, "response-overdue") {
			t.Errorf("the answered red row:\n%s", row)
		}

		// A township leader's board: their township only.
		suji := get(srv.Login(t, "suji.leader", demo.Password), "/warnings")
		if attrRow(suji, blue.ID) == "" || attrRow(suji, red.ID) != "" || strings.Contains(suji, fmt.Sprintf(`data-testid="map-grid-%d"`, regionID(t, st, "62292210020002"))) {
			t.Error("苏集镇's board shows another township's warnings or grids")
		}
		if got := strings.Count(suji, `data-testid="map-grid-`); got != 6 {
			t.Errorf("苏集镇's map has %d grid cells, want 6", got)
		}
		// The administrator sees no cases, so no board.
		if resp, _ := srv.Login(t, "county.admin", demo.Password).Do("GET", "/warnings", nil); resp.StatusCode != 403 {
			t.Errorf("the administrator's board: %d", resp.StatusCode)
		}
	})
}
