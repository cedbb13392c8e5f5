package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

func getRanking(t *testing.T, c *testutil.Client, query string) evaluation.Ranking {
	t.Helper()
	resp, raw := c.Do("GET", "/api/v1/evaluation/ranking?"+query, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("ranking?%s: %d %s", query, resp.StatusCode, testutil.Excerpt(raw))
	}
	var r evaluation.Ranking
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// entriesJSON is what a ranking says of its units, to compare two readings.
func entriesJSON(t *testing.T, r evaluation.Ranking) string {
	t.Helper()
	raw, err := json.Marshal(struct {
		S evaluation.Scheme
		E []evaluation.Entry
	}{r.Scheme, r.Entries})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// sumDen is how many cases the ranking's rates were measured over, all units together.
func sumDen(r evaluation.Ranking) int64 {
	var n int64
	for _, e := range r.Entries {
		for _, it := range e.Score.Items {
			n += it.Value.Den + it.Value.Num
		}
	}
	return n
}

// A leader publishes last month's ranking: it is frozen and audited. Cases added and
// worked afterwards change the rankings still computed, not the published one; an
// administrator's edit of the scheme changes the next computed ranking, not the
// published one. A period is published once, and only once it has ended.
func TestEvaluationPublishedRankingIsFrozen(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, st, 2000, 3); err != nil {
			t.Fatal(err)
		}
		now := time.Now().In(workflow.ChinaTime)
		lastMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, workflow.ChinaTime).AddDate(0, -1, 0)
		month := "scheme=township&period=month&date=" + lastMonth.Format("2006-01-02")
		before := "scheme=township&period=month&date=" + lastMonth.AddDate(0, -1, 0).Format("2006-01-02")
		deptMonth := "scheme=department&period=month&date=" + lastMonth.Format("2006-01-02")
		leader := srv.Login(t, "county.leader", demo.Password)

		live := getRanking(t, leader, month)
		if live.Published != nil || len(live.Entries) < 3 {
			t.Fatalf("last month live: published %v, %d townships", live.Published, len(live.Entries))
		}
		resp, raw := leader.Do("POST", "/api/v1/evaluation/ranking/publish", map[string]string{"scheme": "township", "period": "month", "date": lastMonth.Format("2006-01-02")})
		if resp.StatusCode != 201 {
			t.Fatalf("publish: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		published := getRanking(t, leader, month)
		if published.Published == nil || published.Published.By == "" {
			t.Fatalf("after publishing, the ranking does not say so: %+v", published.Published)
		}
		if entriesJSON(t, published) != entriesJSON(t, live) {
			t.Errorf("the snapshot differs from what was computed when publishing")
		}
		dept := getRanking(t, leader, deptMonth)
		prevLive := getRanking(t, leader, before)

		// Later work: more cases registered, routed, resolved and visited last month.
		if err := demo.GenerateCases(ctx, st, 2000, 4); err != nil {
			t.Fatal(err)
		}
		if got := getRanking(t, leader, month); entriesJSON(t, got) != entriesJSON(t, published) {
			t.Errorf("later case edits changed the published ranking:\n%s\n%s", entriesJSON(t, got), entriesJSON(t, published))
		}
		if got := getRanking(t, leader, deptMonth); sumDen(got) <= sumDen(dept) {
			t.Errorf("the unpublished department ranking did not follow the new cases (%d then, %d now): the edits did not reach the figures", sumDen(dept), sumDen(got))
		}

		// The administrator doubles the weight of 按期办结率.
		admin := srv.Login(t, "county.admin", demo.Password)
		sc := evaluation.Defaults()[0]
		sc.Items[0].Weight = 50
		resp, raw = admin.Do("PUT", "/api/v1/evaluation/schemes/township", sc)
		if resp.StatusCode != 200 {
			t.Fatalf("scheme edit: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		if got := getRanking(t, leader, month); entriesJSON(t, got) != entriesJSON(t, published) || got.Scheme.MaxPoints() != 100 {
			t.Errorf("a scheme edit changed the published ranking (max %v)", got.Scheme.MaxPoints())
		}
		next := getRanking(t, leader, before)
		if next.Scheme.MaxPoints() != 125 || next.Entries[0].Score.Items[0].Max != 50 {
			t.Errorf("the next computed ranking does not follow the edited scheme: max %v", next.Scheme.MaxPoints())
		}
		if entriesJSON(t, next) == entriesJSON(t, prevLive) {
			t.Errorf("the next computed ranking is unchanged by the scheme edit")
		}
		// The month after a published one is compared with its snapshot.
		if !getRanking(t, leader, "scheme=township&period=month&date="+now.Format("2006-01-02")).PrevFrozen {
			t.Errorf("this month's ranking is not compared with last month's published one")
		}

		// Published once; a period not over cannot be; a viewer cannot publish.
		for _, tc := range []struct {
			who, date, field string
			status           int
		}{
			{"county.leader", lastMonth.Format("2006-01-02"), "date", 422},
			{"county.leader", now.Format("2006-01-02"), "date", 422},
			{"county.viewer", lastMonth.AddDate(0, -1, 0).Format("2006-01-02"), "", 403},
		} {
			c := srv.Login(t, tc.who, demo.Password)
			resp, raw := c.Do("POST", "/api/v1/evaluation/ranking/publish", map[string]string{"scheme": "township", "period": "month", "date": tc.date})
			if resp.StatusCode != tc.status || (tc.field != "" && !strings.Contains(string(raw), `"field":"`+tc.field+`"`)) {
				t.Errorf("%s publishing %s: %d %s, want %d naming %q", tc.who, tc.date, resp.StatusCode, testutil.Excerpt(raw), tc.status, tc.field)
			}
		}
		// A department's list needs its figure, and a department figure its department.
		for _, q := range []string{"department_id=5", "stat=dept_late_parts&from=2026-01-01&to=2026-01-31"} {
			resp, raw := leader.Do("GET", "/api/v1/cases?"+q, nil)
			if resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Field != "department_id" {
				t.Errorf("cases?%s: %d %s, want 422 naming department_id", q, resp.StatusCode, testutil.Excerpt(raw))
			}
		}
		// The publishing is in the audit log, named.
		resp, raw = admin.Do("GET", "/admin/audit?action=evaluation.publish", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(raw), "考评定稿") {
			t.Errorf("the audit log does not show the publishing: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
	})
}

// A scheme is refused on the field it gets wrong, in the API and on the page, and a
// refused save changes nothing.
func TestEvaluationSchemeIsValidatedByField(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		for _, tc := range []struct {
			name  string
			edit  func(s *evaluation.Scheme)
			field string
		}{
			{"rewarding a lower rate", func(s *evaluation.Scheme) { s.Items[0].Full, s.Items[0].Zero = 60, 95 }, "items.0.full"},
			{"scoring intake", func(s *evaluation.Scheme) { s.Items[1].Figure = "intake" }, "items.1.figure"},
			{"no weight", func(s *evaluation.Scheme) { s.Items[2].Weight = 0 }, "items.2.weight"},
			{"no period", func(s *evaluation.Scheme) { s.Units = nil }, "units"},
		} {
			sc := evaluation.Defaults()[0]
			tc.edit(&sc)
			resp, raw := admin.Do("PUT", "/api/v1/evaluation/schemes/township", sc)
			if resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Field != tc.field {
				t.Errorf("%s: %d %s, want 422 naming %s", tc.name, resp.StatusCode, testutil.Excerpt(raw), tc.field)
			}
		}
		// The page: a linear item whose marks run the wrong way is refused beside the field.
		form := url.Values{"code": {"township"}, "name": {"乡镇考评"}, "targets": {"township"}, "units": {"month"},
			"items.0.figure": {"on_time_rate"}, "items.0.weight": {"60"}, "items.0.method": {"linear"}, "items.0.full": {"60"}, "items.0.zero": {"95"},
			"items.1.figure": {"supervised_red"}, "items.1.weight": {"十"}, "items.1.method": {"per_item"}, "items.1.per": {"2"}}
		resp, raw := postForm(t, srv, admin, "/admin/evaluation", form)
		if resp.StatusCode != 422 || !strings.Contains(raw, "须填写数字") {
			t.Errorf("a weight in words: %d %s", resp.StatusCode, testutil.Excerpt([]byte(raw)))
		}
		form.Set("items.1.weight", "10")
		resp, raw = postForm(t, srv, admin, "/admin/evaluation", form)
		if resp.StatusCode != 422 || !strings.Contains(raw, "该指标越高越好，满分线须高于零分线") {
			t.Errorf("marks the wrong way: %d %s", resp.StatusCode, testutil.Excerpt([]byte(raw)))
		}
		if got := getRanking(t, srv.Login(t, "county.leader", demo.Password), "scheme=township&period=quarter"); got.Scheme.MaxPoints() != 100 {
			t.Errorf("a refused save changed the scheme: %+v", got.Scheme)
		}
		// Put right, it is saved and followed.
		form.Set("items.0.full", "95")
		form.Set("items.0.zero", "60")
		resp, raw = postForm(t, srv, admin, "/admin/evaluation", form)
		if resp.StatusCode != 303 {
			t.Fatalf("a good scheme: %d %s", resp.StatusCode, testutil.Excerpt([]byte(raw)))
		}
		if got := getRanking(t, srv.Login(t, "county.leader", demo.Password), "scheme=township&period=month"); got.Scheme.MaxPoints() != 70 || got.Scheme.Name != "乡镇考评" {
			t.Errorf("the saved scheme is not followed: %+v", got.Scheme)
		}
	})
}

// The ranking downloads as a workbook with Chinese sheet names — 考评排名 and the team
// work's 包案工作 — their headers frozen and their scores real numbers; the 通报
// prints the ranking with its rules, and the team work.
func TestEvaluationExportAndNotice(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 1500, 5); err != nil {
			t.Fatal(err)
		}
		leader := srv.Login(t, "county.leader", demo.Password)
		q := "scheme=department&period=quarter&date=" + time.Now().AddDate(0, -3, 0).Format("2006-01-02")
		rk := getRanking(t, leader, q)
		// The page's buttons print and download the period it shows, not the default one.
		resp, raw := leader.Do("GET", "/evaluation?"+q, nil)
		for _, link := range []string{"/evaluation/notice?", "/evaluation.xlsx?"} {
			want := `href="` + link + strings.ReplaceAll(url.Values{"scheme": {"department"}, "period": {"quarter"}, "date": {time.Now().AddDate(0, -3, 0).Format("2006-01-02")}}.Encode(), "&", "&amp;") + `"`
			if resp.StatusCode != 200 || !bytes.Contains(raw, []byte(want)) {
				t.Errorf("the ranking page does not link %s", want)
			}
		}
		resp, raw = leader.Do("GET", "/evaluation.xlsx?"+q, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("xlsx: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if names := x.GetSheetList(); len(names) != 2 || names[0] != "考评排名" || names[1] != "包案工作" {
			t.Fatalf("sheets %v", names)
		}
		panes, err := x.GetPanes("考评排名")
		if err != nil || !panes.Freeze || panes.YSplit != 4 {
			t.Errorf("header not frozen: %+v %v", panes, err)
		}
		ranked := 0
		for i, e := range rk.Entries {
			cell := "C" + strconv.Itoa(5+i)
			typ, _ := x.GetCellType("考评排名", cell)
			v, _ := x.GetCellValue("考评排名", cell)
			if e.Rank > 0 {
				ranked++
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s total %s is %v, not a number", e.Name, v, typ)
				}
				if name, _ := x.GetCellValue("考评排名", "B"+strconv.Itoa(5+i)); name != e.Name {
					t.Errorf("row %d is %s, want %s", i, name, e.Name)
				}
			} else if v != "无数据" {
				t.Errorf("%s without data shows %q", e.Name, v)
			}
		}
		if ranked == 0 {
			t.Errorf("no department ranked in %s", rk.Label)
		}
		team := teamSheetRows(t, x)
		if len(team) != len(rk.Team) {
			t.Errorf("the team sheet has %d people, the ranking %d", len(team), len(rk.Team))
		}
		for _, w := range rk.Team {
			if row, ok := team[w.Name]; !ok || row["包案件数"].num != float64(w.Cases.Num) {
				t.Errorf("the team sheet on %s: %+v", w.Name, row)
			}
		}
		resp, raw = leader.Do("GET", "/evaluation/notice?"+q, nil)
		if resp.StatusCode != 200 || !bytes.Contains(raw, []byte("结果的通报")) || !bytes.Contains(raw, []byte("未定稿，仅供参考")) ||
			!bytes.Contains(raw, []byte("每件扣 1 分")) || !bytes.Contains(raw, []byte("<h3>包案工作（"+rk.Label+"）</h3>")) ||
			bytes.Count(raw, []byte(`data-testid="evaluation-notice-team-row"`)) != len(rk.Team) {
			t.Errorf("notice: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
	})
}

// teamCell is a cell of the 包案工作 sheet: its text, and its number when it holds one.
type teamCell struct {
	text  string
	num   float64
	isNum bool
}

// teamSheetRows reads the workbook's 包案工作 sheet, its header (row 4) frozen: a row
// per person by name, each cell by its column's heading, numbers as stored.
func teamSheetRows(t *testing.T, x *excelize.File) map[string]map[string]teamCell {
	t.Helper()
	const sheet = "包案工作"
	panes, err := x.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 4 {
		t.Errorf("the team sheet's header is not frozen: %+v %v", panes, err)
	}
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil || len(rows) < 4 {
		t.Fatalf("the team sheet: %d rows, %v", len(rows), err)
	}
	heads := rows[3]
	if len(heads) == 0 || heads[0] != "人员" {
		t.Fatalf("the team sheet's header: %q", heads)
	}
	out := map[string]map[string]teamCell{}
	for r := 5; r <= len(rows); r++ {
		name, _ := x.GetCellValue(sheet, "A"+strconv.Itoa(r))
		cells := map[string]teamCell{}
		for c, h := range heads {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			v, _ := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			typ, _ := x.GetCellType(sheet, ref)
			tc := teamCell{text: v}
			if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && v != "" {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					tc.num, tc.isNum = f, true
				}
			}
			cells[h] = tc
		}
		if !cells["包案件数"].isNum {
			break // the people end where a line without their count begins (无包案工作, the note)
		}
		out[name] = cells
	}
	return out
}
