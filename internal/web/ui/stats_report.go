package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// The report builder (统计报表): the reader chooses the rows (regions, lead
// departments, categories, channels, kinds, urgencies), the columns (any of the
// figures) and the period and cut; the table is shown with every number linked to its
// cases, printed on A4, or downloaded as a workbook with real numbers and totals.

// reportRowKinds are what a report's rows may be, in the order the form offers them.
var reportRowKinds = []string{"regions", "departments", "categories", "channels", "kinds", "urgencies"}

// reportDefaultColumns are a report's columns until the reader chooses.
var reportDefaultColumns = []string{"intake", "ended", "resolve_rate", "on_time_rate", "satisfaction_rate", "overdue"}

type reportChoice struct {
	ID, Name, Def string
	On            bool
}

type reportData struct {
	Title     string
	Label     string
	Range     string
	Generated string
	Rows      []reportChoice // the choice of rows
	Columns   []reportChoice // the choice of columns
	RowKind   string
	RowHead   string
	Cols      []statColumn
	Table     []statRow
	Total     []statCell
	Units     []report.Unit
	Unit      string
	Date      string
	From, To  string
	XLSXLink  string
	Ready     bool // the table is made (the query asked for it)
}

// reportQuery reads the builder's rows and columns: an unknown one is a field error
// naming rows or cols.
func reportQuery(q *httpx.Query) (string, []string, error) {
	rows := q.String("rows")
	if rows == "" {
		rows = "regions"
	}
	if !slices.Contains(reportRowKinds, rows) {
		return "", nil, model.Invalid("rows", "invalid", "invalid.stats.rows")
	}
	var cols []string
	for _, c := range q.List("cols") {
		if c == "" {
			continue
		}
		if _, ok := report.ByID(c); !ok {
			return "", nil, model.Invalid("cols", "invalid", "invalid.stats.cols")
		}
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		cols = reportDefaultColumns
	}
	return rows, cols, nil
}

// reportRows picks the rows the reader chose out of the figures' result.
func reportRows(res report.Result, kind string) []report.Row {
	var rows []report.Row
	switch kind {
	case "regions":
		return res.Regions
	case "departments":
		rows = res.Departments
	case "categories":
		rows = res.Categories
	case "channels":
		rows = res.Channels
	case "kinds":
		rows = res.Kinds
	case "urgencies":
		rows = res.Urgencies
	}
	var out []report.Row
	for _, r := range rows {
		if !quiet(r) || kind == "kinds" || kind == "urgencies" || (kind == "departments" && r.ID != 0) {
			out = append(out, r)
		}
	}
	return out
}

func (u *UI) statsReport(w http.ResponseWriter, r *http.Request)       { u.statsReportAs(w, r, false) }
func (u *UI) statsReportExport(w http.ResponseWriter, r *http.Request) { u.statsReportAs(w, r, true) }

func (u *UI) statsReportAs(w http.ResponseWriter, r *http.Request, xlsx bool) {
	p := httpx.Principal(r)
	page := u.newPage(r, "stats.report_title")
	page.Active = "nav.stats"
	q := httpx.PageQuery(r)
	loc := page.Locale
	d := &reportData{Units: report.Units[:len(report.Units)-1], Unit: q.String("period"), Date: q.String("date"),
		From: q.String("from"), To: q.String("to"), Ready: len(r.URL.RawQuery) > 0}
	if d.Unit == "" && d.From == "" {
		d.Unit = string(report.Month) // what ParsePeriod takes when none is given
	}
	page.Data = d
	rowKind, cols, err := reportQuery(q)
	d.RowKind = rowKind
	for _, k := range reportRowKinds {
		d.Rows = append(d.Rows, reportChoice{ID: k, Name: page.T("stats.rows." + k), On: k == rowKind})
	}
	for _, f := range report.Figures {
		name, def := f.Local(loc)
		d.Columns = append(d.Columns, reportChoice{ID: f.ID, Name: name, Def: def, On: slices.Contains(cols, f.ID)})
	}
	if err != nil {
		u.statsReportError(w, r, page, err, xlsx)
		return
	}
	per, cut, err := httpx.StatsQuery(q, u.Cases.Now())
	var res report.Result
	if err == nil {
		res, err = u.Cases.StatsColumns(r.Context(), p, per, cut, httpx.StatsNames(loc), cols)
	}
	if err != nil {
		u.statsReportError(w, r, page, err, xlsx)
		return
	}
	root := p.Region
	if cut.RegionID != 0 {
		if root, err = u.Store.Region(r.Context(), cut.RegionID); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	d.Label = per.Label()
	if loc == "en" {
		d.Label = per.LabelEN()
	}
	d.Range = per.FromDate() + " — " + per.ToDate()
	d.Generated = u.Cases.Now().In(cst).Format("2006-01-02 15:04")
	d.Title = page.T("stats.report_heading", root.Name, d.Label, page.T("stats.rows."+rowKind))
	d.RowHead = page.T("stats.rows." + rowKind)
	d.Cols = columns(loc, cols)
	rows := reportRows(res, rowKind)
	for _, row := range rows {
		sr := rowOf(loc, row)
		if row.Own {
			sr.Name = page.T("stats.own_cases", row.Name)
		}
		d.Table = append(d.Table, sr)
	}
	byFigure := map[string]report.Value{}
	for _, h := range res.Headline {
		byFigure[h.Figure] = h.Value
	}
	for _, id := range cols {
		f, _ := report.ByID(id)
		v, ok := byFigure[id]
		if !ok { // a figure no headline holds: the rows' sum for a count
			v = report.Value{Figure: id, Empty: f.Kind != report.Count}
			for _, row := range rows {
				for _, rv := range row.Values {
					if rv.Figure == id {
						v.Num += rv.Num
					}
				}
			}
		}
		d.Total = append(d.Total, cellOf(loc, f, v))
	}
	same := url.Values{}
	for k, v := range r.URL.Query() {
		same[k] = v
	}
	d.XLSXLink = "/stats/report.xlsx?" + same.Encode()
	if xlsx {
		u.statsReportXLSX(w, r, page, d, rows, cols, byFigure)
		return
	}
	u.render(w, r, http.StatusOK, "stats_report.html", page)
}

// statsReportError shows the form with the refused field marked; the workbook's
// address answers the error page.
func (u *UI) statsReportError(w http.ResponseWriter, r *http.Request, page *Page, err error, xlsx bool) {
	ce := classify(r, err)
	if ce == nil || ce.Field == "" || xlsx {
		u.renderError(w, r, err)
		return
	}
	page.Errors = map[string]string{ce.Field: ce.Message}
	page.Error = statsFields.Prefixed(page.Locale, ce.Field, ce.Message)
	page.Data.(*reportData).Ready = false
	u.render(w, r, ce.Status, "stats_report.html", page)
}

// statsReportXLSX writes the report as a workbook: one sheet, the title and range,
// the header frozen, real numbers, and a total row whose counts are formulas.
func (u *UI) statsReportXLSX(w http.ResponseWriter, r *http.Request, page *Page, d *reportData, rows []report.Row, cols []string, byFigure map[string]report.Value) {
	sheet := page.T("stats.sheet_builder")
	b, err := newStatsWorkbook(sheet)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	defer b.x.Close()
	names := make([]string, len(rows))
	for i := range rows {
		names[i] = d.Table[i].Name
	}
	total := b.table(sheet, d.Title, page.T("stats.report_range", d.Range, d.Generated), d.RowHead, d.Cols, names, rows, page.T("stats.total"))
	for i, id := range cols {
		f, _ := report.ByID(id)
		// Every kind of rows splits the cases without overlap, so a count's total is
		// the sum of its rows; a rate or a duration is the whole's own figure.
		if f.Kind == report.Count && len(rows) > 0 {
			b.sumAbove(sheet, i+2, total)
			continue
		}
		if v, ok := byFigure[id]; ok {
			b.value(sheet, i+2, total, v)
		}
	}
	b.frameTable(sheet, len(d.Cols), 22, 12)
	b.send(w, r, u, fmt.Sprintf("%s-%s.xlsx", page.T("stats.report_title"), d.Range[:10]))
}
