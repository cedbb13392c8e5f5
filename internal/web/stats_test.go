package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// statsAnswer is what the tests read of GET /api/v1/stats.
type statsAnswer struct {
	Period struct{ From, To string } `json:"period"`
	report.Result
}

func getStats(t *testing.T, c *testutil.Client, query string) statsAnswer {
	t.Helper()
	resp, raw := c.Do("GET", "/api/v1/stats?"+query, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("stats?%s: %d %s", query, resp.StatusCode, testutil.Excerpt(raw))
	}
	var s statsAnswer
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// listTotal follows a figure's link to the case list, through the API, and returns
// how many cases the list holds.
func listTotal(t *testing.T, c *testutil.Client, link string) int64 {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path != "/cases" {
		t.Fatalf("link %q is not a case list", link)
	}
	q := u.Query()
	q.Set("limit", "1")
	q.Del("queue") // the API's default is every case the caller sees
	resp, raw := c.Do("GET", "/api/v1/cases?"+q.Encode(), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("list %s: %d %s", link, resp.StatusCode, testutil.Excerpt(raw))
	}
	var page struct {
		Total *int64 `json:"total"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || page.Total == nil {
		t.Fatalf("list %s has no total: %s", link, testutil.Excerpt(raw))
	}
	return *page.Total
}

// every value of the answer, named for the failure message.
func statValues(s statsAnswer) map[string]report.Value {
	out := map[string]report.Value{}
	for _, h := range s.Headline {
		out["headline "+h.Figure] = h.Value
		if h.Prev != nil {
			out["环比 "+h.Figure] = *h.Prev
			out["同比 "+h.Figure] = *h.YearAgo
		}
	}
	for name, rows := range map[string][]report.Row{"region": s.Regions, "category": s.Categories, "channel": s.Channels, "kind": s.Kinds,
		"urgency": s.Urgencies, "department": s.Departments} {
		for _, r := range rows {
			for _, v := range r.Values {
				out[name+" "+r.Name+" "+v.Figure] = v
			}
		}
	}
	return out
}

// Every number of the figures is a link to the case list holding exactly those
// cases: the list's total equals the number (and a rate's denominator list its
// denominator), for every figure, period, cut and row, for a county and a township
// leader and a viewer, on both stores.
func TestStatsEveryNumberIsItsCaseList(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 3000, 7); err != nil {
			t.Fatal(err)
		}
		moved := moveAndWarn(t, srv, st)
		now := time.Now().In(workflow.ChinaTime)
		yearRange := "from=" + now.AddDate(-1, 0, 1).Format("2006-01-02") + "&to=" + now.Format("2006-01-02")
		var countyIntake int64
		for _, who := range []string{"county.leader", "fucheng.leader", "county.viewer"} {
			c := srv.Login(t, who, demo.Password)
			queries := []string{yearRange, "period=month", yearRange + "&kind=dispute", yearRange + "&urgency=urgent",
				yearRange + "&lead_department_id=none"}
			for qi := 0; qi < len(queries); qi++ {
				query := queries[qi]
				s := getStats(t, c, query)
				if query == yearRange {
					// Cut by the busiest lead department too.
					for _, d := range s.Departments {
						if d.ID != 0 && d.Values[0].Num > 0 {
							queries = append(queries, yearRange+"&lead_department_id="+strconv.FormatInt(d.ID, 10))
							break
						}
					}
					if len(s.Urgencies) != 3 || len(s.Departments) < 2 {
						t.Errorf("%s: %d urgency rows, %d department rows", who, len(s.Urgencies), len(s.Departments))
					}
				}
				checked, nonzero := 0, 0
				for name, v := range statValues(s) {
					if v.Link == "" {
						continue
					}
					if got := listTotal(t, c, v.Link); got != v.Num {
						t.Errorf("%s ?%s: %s is %d, its list holds %d (%s)", who, query, name, v.Num, got, v.Link)
					}
					if v.DenLink != "" {
						if got := listTotal(t, c, v.DenLink); got != v.Den {
							t.Errorf("%s ?%s: %s's denominator is %d, its list holds %d (%s)", who, query, name, v.Den, got, v.DenLink)
						}
					}
					checked++
					if v.Num > 0 {
						nonzero++
					}
				}
				for i, d := range s.Daily {
					if i%29 != 0 {
						continue
					}
					if got := listTotal(t, c, d.IntakeLink); got != d.Intake {
						t.Errorf("%s: intake of %s is %d, its list holds %d", who, d.Day, d.Intake, got)
					}
					if got := listTotal(t, c, d.EndedLink); got != d.Ended {
						t.Errorf("%s: endings of %s are %d, their list holds %d", who, d.Day, d.Ended, got)
					}
				}
				// The generated people who keep coming back (demo's regulars) make repeat
				// visits: the figure is counted, not merely equal to an empty list.
				if v := statValues(s)["headline repeat_rate"]; query == yearRange && (v.Num == 0 || v.Num >= v.Den) {
					t.Errorf("%s: 重复来访 %d of %d intake: the generated repeat visits are not counted", who, v.Num, v.Den)
				}
				if query == yearRange && (checked < 50 || nonzero < 20) {
					t.Errorf("%s: only %d numbers checked, %d of them above zero", who, checked, nonzero)
				}
				if query == yearRange && who == "county.leader" {
					// 上报, 下派 and the warnings raised and cleared count what moveAndWarn did.
					for _, h := range s.Headline {
						if want, ok := moved[h.Figure]; ok && h.Num < want {
							t.Errorf("%s counts %d, at least %d were done", h.Figure, h.Num, want)
						}
					}
				}
				if query == yearRange {
					intake := s.Headline[0]
					if intake.Figure != "intake" || intake.Num == 0 {
						t.Fatalf("%s: no intake over a year: %+v", who, intake)
					}
					switch who {
					case "county.leader":
						countyIntake = intake.Num
					case "fucheng.leader":
						if intake.Num >= countyIntake {
							t.Errorf("a township leader counts %d cases, the county %d: the township's are a part", intake.Num, countyIntake)
						}
					}
				}
			}
		}
		// The 考评 ranking's figures are the same figures: every item's number, for
		// every township and county department, a year and a quarter back, opens the
		// list holding exactly its cases (a department's: the parts it was given, late
		// ones included, the cases it led, the orders addressed to it).
		for _, who := range []string{"county.leader", "fucheng.leader"} {
			c := srv.Login(t, who, demo.Password)
			for _, scheme := range []string{"township", "department"} {
				for _, period := range []string{"year", "quarter"} {
					rk := getRanking(t, c, "scheme="+scheme+"&period="+period+"&date="+now.AddDate(0, -3, 0).Format("2006-01-02"))
					checked, nonzero := 0, 0
					for _, e := range rk.Entries {
						for _, it := range e.Score.Items {
							v := it.Value
							if got := listTotal(t, c, v.Link); got != v.Num {
								t.Errorf("%s %s %s: %s's %s is %d, its list holds %d (%s)", who, scheme, period, e.Name, v.Figure, v.Num, got, v.Link)
							}
							if v.DenLink != "" {
								if got := listTotal(t, c, v.DenLink); got != v.Den {
									t.Errorf("%s %s %s: %s's %s denominator is %d, its list holds %d (%s)", who, scheme, period, e.Name, v.Figure, v.Den, got, v.DenLink)
								}
							}
							checked++
							if v.Num > 0 || v.Den > 0 {
								nonzero++
							}
						}
					}
					if who == "county.leader" && period == "year" && (checked < 18 || nonzero < 10) {
						t.Errorf("%s %s: only %d numbers checked, %d above zero", who, scheme, checked, nonzero)
					}
				}
			}
		}

		// A region outside one's own is refused, naming the field; so is a bad period.
		c := srv.Login(t, "fucheng.leader", demo.Password)
		for query, field := range map[string]string{
			"region_id=" + strconv.FormatInt(regionID(t, st, demo.CountyCode), 10): "region_id",
			"period=fortnight":              "period",
			"from=2026-12-31&to=2026-12-01": "to",
			"from=2026-13-01&to=2026-12-01": "from",
		} {
			resp, raw := c.Do("GET", "/api/v1/stats?"+query, nil)
			if resp.StatusCode != 422 || !strings.Contains(string(raw), `"field":"`+field+`"`) {
				t.Errorf("stats?%s: %d %s, want 422 naming %s", query, resp.StatusCode, testutil.Excerpt(raw), field)
			}
		}
		// A clerk, a handler and an admin have no figures.
		for _, who := range []string{"fucheng.clerk", "fucheng.handler", "county.admin"} {
			resp, _ := srv.Login(t, who, demo.Password).Do("GET", "/api/v1/stats", nil)
			if resp.StatusCode != 403 {
				t.Errorf("%s asked for the figures: %d, want 403", who, resp.StatusCode)
			}
		}
	})
}

var (
	statLinkRE  = regexp.MustCompile(`<a class="stat-value" href="([^"]+)"[^>]*data-testid="stat-([a-z_]+)">([^<]+)</a>`)
	listTotalRE = regexp.MustCompile(`data-testid="figure-list" data-total="(\d+)"`)
)

// A leader's and a viewer's home is the dashboard; each headline number opens the
// case list, which says it holds that many cases. A clerk's home is not.
func TestStatsDashboardIsTheLeadersHome(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 1500, 11); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"county.leader", "fucheng.viewer"} {
			c := srv.Login(t, who, demo.Password)
			for _, path := range []string{"/", "/stats?period=year", "/stats?from=2025-01-01&to=2026-12-31&kind=dispute"} {
				resp, raw := c.Do("GET", path, nil)
				if resp.StatusCode != 200 {
					t.Fatalf("%s %s: %d %s", who, path, resp.StatusCode, testutil.Excerpt(raw))
				}
				found := statLinkRE.FindAllStringSubmatch(string(raw), -1)
				if len(found) < 12 {
					t.Fatalf("%s %s: %d headline numbers", who, path, len(found))
				}
				for _, m := range found {
					link := html.UnescapeString(m[1])
					_, list := c.Do("GET", link, nil)
					total := listTotalRE.FindStringSubmatch(string(list))
					if total == nil {
						t.Fatalf("%s: the list of %s says no total: %s", who, m[2], testutil.Excerpt(list))
					}
					want := m[3]
					if strings.HasSuffix(want, "%") || want == "—" || strings.Contains(m[2], "days") {
						continue // a rate's (— when it has no cases to divide by) or a duration's list holds its cases, not its value
					}
					if total[1] != want {
						t.Errorf("%s %s: %s shows %s, its list holds %s", who, path, m[2], want, total[1])
					}
				}
			}
		}
		c := srv.Login(t, "fucheng.clerk", demo.Password)
		if _, raw := c.Do("GET", "/", nil); strings.Contains(string(raw), "stat-cards") {
			t.Error("a clerk's home shows the dashboard")
		}
		if resp, _ := c.Do("GET", "/stats", nil); resp.StatusCode != 403 {
			t.Errorf("a clerk opened /stats: %d", resp.StatusCode)
		}
		// A malformed period is named on the page.
		lc := srv.Login(t, "county.leader", demo.Password)
		if resp, raw := lc.Do("GET", "/stats?period=fortnight", nil); resp.StatusCode != 422 || !strings.Contains(string(raw), `field-error-period`) {
			t.Errorf("a bad period: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
	})
}

// The monthly report reads back from its xlsx: Chinese sheet names, the header
// frozen, one row per township with the numbers the API gives (real numbers, not
// text), and the counts totalled by formulas. Its printable page holds the same.
func TestStatsMonthlyReportXLSX(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 1500, 3); err != nil {
			t.Fatal(err)
		}
		c := srv.Login(t, "county.leader", demo.Password)
		api := getStats(t, c, "period=year")
		resp, raw := c.Do("GET", "/stats/monthly.xlsx?period=year", nil)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := x.GetSheetList(); strings.Join(got, ",") != "月报,主要指标,分类别" {
			t.Errorf("sheets %v", got)
		}
		header, _ := x.GetRows("月报")
		if len(header) < 5 || header[3][0] != "所属区域" || header[3][1] != "受理量" || header[3][3] != "化解率" {
			t.Fatalf("the header row reads %v", header[min(3, len(header)-1)])
		}
		panes, err := x.GetPanes("月报")
		if err != nil || !panes.Freeze || panes.YSplit != 4 {
			t.Errorf("the header is not frozen: %+v %v", panes, err)
		}
		for i, reg := range api.Regions {
			row := 5 + i
			name, _ := x.GetCellValue("月报", "A"+strconv.Itoa(row))
			if !strings.Contains(name, reg.Name) {
				t.Errorf("row %d is %q, want %s", row, name, reg.Name)
			}
			typ, _ := x.GetCellType("月报", "B"+strconv.Itoa(row))
			got, _ := x.GetCellValue("月报", "B"+strconv.Itoa(row))
			if got != strconv.FormatInt(reg.Values[0].Num, 10) || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("%s's intake is %q (type %v), the API says %d", reg.Name, got, typ, reg.Values[0].Num)
			}
			if rate := reg.Values[2]; !rate.Empty {
				got, _ := x.GetCellValue("月报", "D"+strconv.Itoa(row), excelize.Options{RawCellValue: true})
				if f, err := strconv.ParseFloat(got, 64); err != nil || f != rate.Value {
					t.Errorf("%s's 化解率 is %q, the API says %v", reg.Name, got, rate.Value)
				}
			}
		}
		total := 5 + len(api.Regions)
		if label, _ := x.GetCellValue("月报", "A"+strconv.Itoa(total)); label != "合计" {
			t.Errorf("the total row is labelled %q", label)
		}
		formula, _ := x.GetCellFormula("月报", "B"+strconv.Itoa(total))
		if want := fmt.Sprintf("SUM(B5:B%d)", total-1); formula != want {
			t.Errorf("the intake total is %q, want %s", formula, want)
		}
		var sum int64
		for _, reg := range api.Regions {
			sum += reg.Values[0].Num
		}
		if sum != api.Headline[0].Num {
			t.Errorf("the townships' intake adds up to %d, the county's is %d", sum, api.Headline[0].Num)
		}
		resp, raw = c.Do("GET", "/stats/monthly?period=year", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(raw), `data-testid="monthly-regions"`) {
			t.Fatalf("the printable report: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
	})
}

// The figures count what their definitions say, on cases taken through the
// workflow: a rejected case is no intake; a diversion to court ends a case without
// resolving it; a case resolved after its deadline is not on time; a 不满意 reopens a
// case, which counts as reopened when it ends again; the satisfaction rate is over
// the visited cases. Each flipped rule changes one of the numbers checked.
func TestStatsFiguresFollowTheirDefinitions(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		at := time.Date(2026, 3, 10, 10, 0, 0, 0, workflow.ChinaTime)
		srv.App.Cases().Now = func() time.Time { return at }
		clerk := srv.Login(t, "county.clerk", demo.Password)
		mediator := srv.Login(t, "county.mediator", demo.Password)
		register := func(seq int, then ...map[string]any) int64 {
			resp, raw := clerk.Do("POST", "/api/v1/cases", map[string]any{
				"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
				"region_id": regionID(t, st, demo.CountyCode), "address": "康乐县城关",
				"description": "邻里因排水沟发生争执，请求调解。", "urgency": "normal",
				"parties": []map[string]any{{"role": "applicant", "name": "李某", "phone": fmt.Sprintf("1389311%04d", seq)}},
				"then":    then,
			})
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
			var c struct{ ID int64 }
			testutil.DecodeJSON(t, raw, &c)
			return c.ID
		}
		act := func(c *testutil.Client, id int64, action string, body map[string]any) {
			t.Helper()
			resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), body)
			if resp.StatusCode != 200 {
				t.Fatalf("%s on %d: %d %s", action, id, resp.StatusCode, raw)
			}
		}
		handled := []map[string]any{{"action": "accept"}, {"action": "handle"}}
		agreed := register(1, handled...)
		diverted := register(2, handled...)
		reopened := register(3, handled...)
		register(4, map[string]any{"action": "reject", "note": "不属于受理范围"})

		act(mediator, agreed, "resolve", map[string]any{"outcome": "mediated_agreement", "note": "达成协议"})
		act(clerk, agreed, "verify", nil)
		act(clerk, agreed, "visit", map[string]any{"satisfaction": "satisfied", "note": "满意"})
		act(mediator, reopened, "resolve", map[string]any{"outcome": "explained", "note": "解释说明"})
		act(clerk, reopened, "verify", nil)
		act(clerk, reopened, "visit", map[string]any{"satisfaction": "unsatisfied", "note": "不满意"})
		act(mediator, reopened, "resolve", map[string]any{"outcome": "mediated_oral", "note": "再次调解成功"})
		at = at.AddDate(0, 0, 45) // past the 30-day mediation deadline
		act(mediator, diverted, "resolve", map[string]any{"outcome": "to_litigation", "note": "调解不成"})

		c := srv.Login(t, "county.leader", demo.Password)
		s := getStats(t, c, "from=2026-03-01&to=2026-05-31")
		want := map[string][2]int64{ // figure: numerator, denominator
			"intake": {3, 0}, "ended": {3, 0}, "resolve_rate": {2, 3}, "on_time_rate": {2, 3},
			"visit_rate": {1, 3}, "satisfaction_rate": {1, 1}, "reopen_rate": {1, 3}, "local_rate": {0, 3},
			"avg_days": {3, 0},
			"overdue":  {1, 0}, // the reopened case, resolved again, waits for a return visit due in 7 days
		}
		for _, h := range s.Headline {
			w, ok := want[h.Figure]
			if !ok {
				continue
			}
			if h.Num != w[0] || h.Den != w[1] {
				t.Errorf("%s is %d/%d, want %d/%d", h.Figure, h.Num, h.Den, w[0], w[1])
			}
			if h.Figure == "avg_days" && h.Value.Value < 10 {
				t.Errorf("the mean handling time is %v working days; one case took 45 days", h.Value.Value)
			}
		}
	})
}

// moveAndWarn escalates two township cases to the county (上报) and delegates one of
// them back down (下派), and has a leader raise one case's warning to red and
// then clear it, through the API: the figures of the moves and of the warnings'
// flow then have cases to count. It returns the least each figure must count.
func moveAndWarn(t *testing.T, srv *testutil.Server, st *store.Store) map[string]int64 {
	t.Helper()
	register := func(c *testutil.Client, code string, then ...map[string]any) int64 {
		resp, raw := c.Do("POST", "/api/v1/cases", map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
			"region_id": regionID(t, st, code), "address": "村委会旁", "description": "两户因宅基地界址发生争执，多次调解未果。",
			"urgency": "normal", "parties": []map[string]any{{"role": "applicant", "name": "韩某", "phone": "13893027766"}},
			"then": then,
		})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var cs struct{ ID int64 }
		testutil.DecodeJSON(t, raw, &cs)
		return cs.ID
	}
	act := func(c *testutil.Client, id int64, action string, body map[string]any) {
		t.Helper()
		resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s on %d: %d %s", action, id, resp.StatusCode, raw)
		}
	}
	town := srv.Login(t, "fucheng.clerk", demo.Password)
	county := srv.Login(t, "county.clerk", demo.Password)
	leader := srv.Login(t, "county.leader", demo.Password)
	var up int64
	for range 2 {
		up = register(town, "622922100", map[string]any{"action": "accept"})
		act(town, up, "escalate", map[string]any{"note": "涉及跨乡镇土地权属，报县中心统筹"})
	}
	act(county, up, "delegate", map[string]any{"to_region_id": regionID(t, st, "622922100"), "note": "属地化解，交附城镇办理"})
	warned := register(county, demo.CountyCode)
	act(leader, warned, "warning_adjust", map[string]any{"warning_level": "red", "note": "当事人扬言报复，提级管控"})
	act(leader, warned, "warning_adjust", map[string]any{"warning_level": "none", "note": "经稳控，风险解除"})
	return map[string]int64{"escalated": 2, "delegated": 1, "warn_raised_red": 1, "warn_cleared_red": 1}
}

var reportCellRE = regexp.MustCompile(`<td><a href="([^"]+)"[^>]*>([0-9]+)</a></td>`)

// The report builder makes the table the reader chose — rows by lead department,
// columns of their choice — every count linking to its cases; its workbook reads back
// with the same numbers and a formula total; the 月报 by department likewise. A row
// kind or a figure it does not know is refused, naming the field.
func TestStatsReportBuilder(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 1500, 21); err != nil {
			t.Fatal(err)
		}
		c := srv.Login(t, "county.leader", demo.Password)
		query := "rows=departments&cols=intake&cols=ended&cols=resolve_rate&cols=escalated&period=year"
		resp, raw := c.Do("GET", "/stats/report?"+query, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(raw), `data-testid="report-table"`) {
			t.Fatalf("the report: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		cells := reportCellRE.FindAllStringSubmatch(string(raw), -1)
		if len(cells) < 8 {
			t.Fatalf("the report has %d linked counts", len(cells))
		}
		for i, m := range cells {
			if i%3 != 0 {
				continue // a sample: each list is a request
			}
			want, _ := strconv.ParseInt(m[2], 10, 64)
			if got := listTotal(t, c, html.UnescapeString(m[1])); got != want {
				t.Errorf("a cell reads %d, its list holds %d (%s)", want, got, m[1])
			}
		}
		api := getStats(t, c, "period=year")
		resp, raw = c.Do("GET", "/stats/report.xlsx?"+query, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("the workbook: %d", resp.StatusCode)
		}
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows("统计报表")
		if len(rows) < 6 || rows[3][0] != "主办单位" || rows[3][1] != "受理量" || rows[3][4] != "上报" {
			t.Fatalf("the workbook reads %v", rows)
		}
		var sum int64
		last := 4
		for i := 4; i < len(rows) && rows[i][0] != "合计"; i++ {
			n, err := strconv.ParseInt(rows[i][1], 10, 64)
			if err != nil {
				t.Errorf("row %d's intake is %q", i+1, rows[i][1])
			}
			sum += n
			last = i + 1
		}
		if sum != api.Headline[0].Num {
			t.Errorf("the departments' intake adds up to %d, the county's is %d", sum, api.Headline[0].Num)
		}
		if f, _ := x.GetCellFormula("统计报表", fmt.Sprintf("B%d", last+1)); f != fmt.Sprintf("SUM(B5:B%d)", last) {
			t.Errorf("the intake total is %q", f)
		}
		// The 月报 by department: one row per department, the same numbers.
		resp, raw = c.Do("GET", "/stats/monthly.xlsx?period=year&rows=departments", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("the monthly report by department: %d", resp.StatusCode)
		}
		mx, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer mx.Close()
		mrows, _ := mx.GetRows("月报")
		if len(mrows) < 6 || mrows[3][0] != "主办单位" {
			t.Fatalf("the monthly report by department reads %v", mrows[:min(5, len(mrows))])
		}
		for i, d := range api.Departments {
			if d.Values[0].Num == 0 {
				continue
			}
			found := false
			for _, r := range mrows[4:] {
				if r[0] == d.Name && r[1] == strconv.FormatInt(d.Values[0].Num, 10) {
					found = true
				}
			}
			if !found {
				t.Errorf("department %d %s (%d) is not in the monthly report", i, d.Name, d.Values[0].Num)
			}
		}
		if resp, raw := c.Do("GET", "/stats/monthly?period=year&rows=departments", nil); resp.StatusCode != 200 || !strings.Contains(string(raw), `data-testid="monthly-departments"`) {
			t.Errorf("the printable report by department: %d", resp.StatusCode)
		}
		for q, field := range map[string]string{"rows=streets": "rows", "rows=regions&cols=no_such_figure": "cols", "rows=regions&period=fortnight": "period"} {
			resp, raw := c.Do("GET", "/stats/report?"+q, nil)
			if resp.StatusCode != 422 || !strings.Contains(string(raw), "field-error-"+field) {
				t.Errorf("%s: %d, want 422 naming %s", q, resp.StatusCode, field)
			}
		}
	})
}
