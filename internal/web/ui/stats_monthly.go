package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// monthlyData is the monthly report (月报) as offices send it upward: the main
// figures against the month before and the same month a year earlier, then one row
// per region below (the columns: RegionColumns) with the total, then the categories.
type monthlyData struct {
	Title      string
	Label      string
	Range      string
	Generated  string
	Main       []statCard
	Cols       []statColumn
	Regions    []statRow
	Total      []statCell
	BreakCols  []statColumn
	Categories []statRow
	XLSXLink   string // the same report as a workbook
	BackLink   string // the dashboard of the same period and cut
	ByDept     bool   // rows are the lead departments (按主办单位), not the regions
	RowHead    string // the rows' column heading
	Section    string // the rows' section heading
	OtherLink  string // the same report by the other rows
}

// monthlyRows reads rows=: the report's rows are the regions below (the default) or
// the lead departments.
func monthlyRows(q *httpx.Query) (bool, error) {
	switch q.String("rows") {
	case "", "regions":
		return false, nil
	case "departments":
		return true, nil
	}
	return false, model.Invalid("rows", "invalid", "invalid.stats.rows")
}

// monthlyTable is the report's rows and their columns: the regions below, or the
// lead departments.
func monthlyTable(res report.Result, byDept bool) ([]report.Row, []string) {
	if byDept {
		var rows []report.Row
		for _, r := range res.Departments {
			if !quiet(r) || r.ID != 0 {
				rows = append(rows, r)
			}
		}
		return rows, report.DepartmentColumns
	}
	return res.Regions, report.RegionColumns
}

// monthly is the monthly report of a period (a month unless another is asked) over
// the reader's subtree or a region in it, printable on A4.
func (u *UI) monthly(w http.ResponseWriter, r *http.Request) { u.monthlyReport(w, r, false) }

// monthlyExport is the monthly report as an xlsx workbook.
func (u *UI) monthlyExport(w http.ResponseWriter, r *http.Request) { u.monthlyReport(w, r, true) }

func (u *UI) monthlyReport(w http.ResponseWriter, r *http.Request, xlsx bool) {
	p := httpx.Principal(r)
	page := u.newPage(r, "stats.monthly_title")
	page.Active = "nav.stats"
	q := httpx.PageQuery(r)
	per, cut, err := httpx.StatsQuery(q, u.Cases.Now())
	byDept, rerr := monthlyRows(q)
	if err == nil {
		err = rerr
	}
	var res report.Result
	if err == nil {
		res, err = u.Cases.Stats(r.Context(), p, per, cut, httpx.StatsNames(page.Locale))
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	root := p.Region
	if cut.RegionID != 0 {
		if root, err = u.Store.Region(r.Context(), cut.RegionID); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	loc := page.Locale
	tableRows, tableCols := monthlyTable(res, byDept)
	d := &monthlyData{Label: per.Label(), Range: per.FromDate() + " — " + per.ToDate(),
		Generated: u.Cases.Now().In(cst).Format("2006-01-02 15:04"), Cols: columns(loc, tableCols),
		BreakCols: columns(loc, report.BreakdownColumns), ByDept: byDept,
		RowHead: page.T("field.region"), Section: page.T("stats.section_regions")}
	if byDept {
		d.RowHead, d.Section = page.T("stats.field.lead_department_id"), page.T("stats.section_departments")
	}
	same := url.Values{}
	for _, k := range httpx.StatsParams {
		if v := q.String(k); v != "" {
			same.Set(k, v)
		}
	}
	d.BackLink = "/stats?" + same.Encode()
	other := url.Values{}
	for k, v := range same {
		other[k] = v
	}
	if byDept {
		same.Set("rows", "departments")
	} else {
		other.Set("rows", "departments")
	}
	d.XLSXLink, d.OtherLink = "/stats/monthly.xlsx?"+same.Encode(), "/stats/monthly?"+other.Encode()
	if loc == "en" {
		d.Label = per.LabelEN()
	}
	d.Title = page.T("stats.monthly_heading", root.Name, d.Label)
	byFigure := map[string]report.Headline{}
	for _, h := range res.Headline {
		byFigure[h.Figure] = h
		f, _ := report.ByID(h.Figure)
		if f.Now {
			continue
		}
		card := statCard{statCell: cellOf(loc, f, h.Value)}
		card.Name, card.Def = f.Local(loc)
		prev, ago := cellOf(loc, f, *h.Prev), cellOf(loc, f, *h.YearAgo)
		card.PrevLink, card.PrevText, card.YearAgoLink, card.YoYT = prev.Link, prev.Text, ago.Link, ago.Text
		card.Ring, card.RingUp = changeText(loc, f, h.Ring)
		card.YoY, card.YoYUp = changeText(loc, f, h.YoY)
		d.Main = append(d.Main, card)
	}
	for _, row := range tableRows {
		sr := rowOf(loc, row)
		if row.Own {
			sr.Name = page.T("stats.own_cases", row.Name)
		}
		d.Regions = append(d.Regions, sr)
	}
	for _, id := range tableCols {
		f, _ := report.ByID(id)
		d.Total = append(d.Total, cellOf(loc, f, byFigure[id].Value))
	}
	for _, row := range res.Categories {
		if !quiet(row) {
			d.Categories = append(d.Categories, rowOf(loc, row))
		}
	}
	if xlsx {
		u.monthlyXLSX(w, r, page, d, res, per, tableRows, tableCols)
		return
	}
	page.Data = d
	u.render(w, r, http.StatusOK, "stats_monthly.html", page)
}

// monthlyXLSX writes the report as a workbook: 月报 (a row per region, real numbers,
// the counts totalled by formulas, the header frozen), 主要指标 (the main figures
// against the earlier periods) and 分类别.
func (u *UI) monthlyXLSX(w http.ResponseWriter, r *http.Request, page *Page, d *monthlyData, res report.Result, per report.Period,
	tableRows []report.Row, tableCols []string) {
	main := page.T("stats.sheet_report")
	b, err := newStatsWorkbook(main)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	defer b.x.Close()
	names := make([]string, len(tableRows))
	for i, reg := range tableRows {
		names[i] = reg.Name
		if reg.Own {
			names[i] = page.T("stats.own_cases", reg.Name)
		}
	}
	// The total: counts as formulas over the rows above; rates and durations are not
	// sums of the rows', so they are the whole subtree's own figures.
	row := b.table(main, d.Title, page.T("stats.report_range", d.Range, d.Generated), d.RowHead, d.Cols, names, tableRows, page.T("stats.total"))
	byFigure := map[string]report.Headline{}
	for _, h := range res.Headline {
		byFigure[h.Figure] = h
	}
	for i, id := range tableCols {
		f, _ := report.ByID(id)
		if f.Kind == report.Count {
			b.sumAbove(main, i+2, row)
			continue
		}
		b.value(main, i+2, row, byFigure[id].Value)
	}
	b.frameTable(main, len(d.Cols), 18, 11)

	figs := page.T("stats.sheet_main")
	_, _ = b.x.NewSheet(figs)
	for i, h := range []string{page.T("stats.col_figure"), per.Label(), per.Prev().Label(), page.T("stats.ring"),
		per.YearAgo().Label(), page.T("stats.yoy")} {
		b.set(figs, i+1, 1, h)
	}
	_ = b.x.SetCellStyle(figs, "A1", "F1", b.bold)
	rowN := 2
	for _, h := range res.Headline {
		f, _ := report.ByID(h.Figure)
		if f.Now {
			continue
		}
		name, _ := f.Local(page.Locale)
		b.set(figs, 1, rowN, name)
		b.value(figs, 2, rowN, h.Value)
		b.value(figs, 3, rowN, *h.Prev)
		if h.Ring != nil {
			b.set(figs, 4, rowN, *h.Ring)
		}
		b.value(figs, 5, rowN, *h.YearAgo)
		if h.YoY != nil {
			b.set(figs, 6, rowN, *h.YoY)
		}
		rowN++
	}
	_ = b.x.SetColWidth(figs, "A", "A", 16)
	_ = b.x.SetColWidth(figs, "B", "F", 13)
	_ = b.x.SetPanes(figs, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})

	cats := page.T("stats.sheet_categories")
	_, _ = b.x.NewSheet(cats)
	b.set(cats, 1, 1, page.T("stats.by_category"))
	for i, c := range d.BreakCols {
		b.set(cats, i+2, 1, c.Name)
	}
	b.boldRange(cats, 1, 1, len(d.BreakCols)+1, 1)
	rowN = 2
	for _, c := range res.Categories {
		if quiet(c) {
			continue
		}
		b.set(cats, 1, rowN, c.Name)
		for i, v := range c.Values {
			b.value(cats, i+2, rowN, v)
		}
		rowN++
	}
	_ = b.x.SetColWidth(cats, "A", "A", 16)
	_ = b.x.SetPanes(cats, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})

	b.send(w, r, u, fmt.Sprintf("%s-%s.xlsx", page.T("stats.monthly"), per.FromDate()))
}

func ptr[T any](v T) *T { return &v }

// cellCol is the letters of column n (1: A).
func cellCol(n int) string {
	name, _ := excelize.ColumnNumberToName(n)
	return name
}
