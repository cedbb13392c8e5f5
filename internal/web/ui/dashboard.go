package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// statCell is one number of the dashboard: its text, the case list behind it and,
// for a rate, its numerator and denominator in the hover text.
type statCell struct {
	Figure string
	Text   string
	Link   string
	Title  string
	Empty  bool
}

// statCard is a headline figure with its comparisons.
type statCard struct {
	statCell
	Name, Def      string
	Ring, YoY      string // "+3.2%", "−1.5 个百分点"; "" when there is nothing to compare
	RingUp, YoYUp  string // good, bad or flat: the colour of the change
	PrevLink       string
	YearAgoLink    string
	PrevText, YoYT string // the earlier periods' own numbers
}

// statColumn heads a column of a breakdown, its definition on hover.
type statColumn struct{ ID, Name, Def string }

// statRow is one line of a breakdown.
type statRow struct {
	Name  string
	Drill string // the dashboard of this region, when it has regions below
	Own   bool
	Cells []statCell
}

type dashboardData struct {
	Period               report.Period
	Label, Prev, YearAgo string
	Units                []report.Unit
	Unit, Date           string
	From, To             string
	Crumbs               []crumb
	Cards, NowCards      []statCard
	RegionCols           []statColumn
	Regions              []statRow
	BreakCols            []statColumn
	Categories           []statRow
	Channels             []statRow
	Kinds                []statRow
	Urgencies            []statRow
	Departments          []statRow
	DeptCols             []statColumn
	Urgency, Department  string         // the cut chosen
	UrgencyOptions       []report.Named // the cut's choices
	DepartmentOptions    []report.Named
	WarnFlow             []statRow // per colour: the warnings raised and cleared in the period
	Chart                string    // the day chart's data as JSON, for dashboard.js
	MonthlyLink          string    // the monthly report of the same period and cut
}

// crumb is a step of the region path from the reader's region to the one shown.
type crumb struct {
	Name string
	Link string
}

// statsFields names the fields of the figures' period and cut.
var statsFields = httpx.Fields{Prefix: "stats.field.", Sep: " "}

// dashboard is the leader's and viewer's desk (领导驾驶舱): the headline figures of a
// period with 环比 and 同比, intake and endings by day, the region comparison drilled
// level by level, the breakdowns by category, channel and kind, and the deadlines
// and warnings now. Every number links to the case list holding its cases.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	page := u.newPage(r, "stats.title")
	page.Active = "nav.stats"
	if r.URL.Path == "/" {
		page.Active = "nav.home"
	}
	q := httpx.PageQuery(r)
	per, cut, err := httpx.StatsQuery(q, u.Cases.Now())
	data := &dashboardData{Units: report.Units[:len(report.Units)-1], Unit: q.String("period"), Date: q.String("date"),
		From: q.String("from"), To: q.String("to"), Urgency: q.String("urgency"), Department: q.String("lead_department_id"),
		UrgencyOptions: httpx.StatsNames(page.Locale).Urgencies}
	if depts, derr := u.Store.Departments(r.Context(), store.DepartmentFilter{Within: p.Region.Path, ActiveOnly: true}); derr == nil {
		for _, d := range depts {
			data.DepartmentOptions = append(data.DepartmentOptions, report.Named{Code: strconv.FormatInt(d.ID, 10), Name: d.Name})
		}
	}
	data.DepartmentOptions = append(data.DepartmentOptions, report.Named{Code: report.NoDepartment, Name: page.T("stats.no_department")})
	page.Data = data
	if err == nil {
		var res report.Result
		res, err = u.Cases.Stats(r.Context(), p, per, cut, httpx.StatsNames(page.Locale))
		if err == nil {
			u.fillDashboard(r, page, data, per, cut, res)
		}
	}
	if err != nil {
		ce := classify(r, err)
		if ce.Field == "" {
			u.renderError(w, r, err)
			return
		}
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = statsFields.Prefixed(page.Locale, ce.Field, ce.Message)
		u.render(w, r, ce.Status, "dashboard.html", page)
		return
	}
	u.render(w, r, http.StatusOK, "dashboard.html", page)
}

func (u *UI) fillDashboard(r *http.Request, page *Page, data *dashboardData, per report.Period, cut report.Cut, res report.Result) {
	loc := page.Locale
	data.Period = per
	data.Label, data.Prev, data.YearAgo = per.Label(), per.Prev().Label(), per.YearAgo().Label()
	if loc == "en" {
		data.Label, data.Prev, data.YearAgo = per.LabelEN(), per.Prev().LabelEN(), per.YearAgo().LabelEN()
	}
	if data.Unit == "" && data.From == "" {
		data.Unit = string(report.Month)
	}
	keep := url.Values{}
	for _, k := range []string{"period", "date", "from", "to", "category_id", "channel", "kind", "urgency", "lead_department_id"} {
		if v := httpx.PageQuery(r).String(k); v != "" {
			keep.Set(k, v)
		}
	}
	withRegion := func(id int64) string {
		v := url.Values{}
		for k := range keep {
			v.Set(k, keep.Get(k))
		}
		if id != 0 {
			v.Set("region_id", strconv.FormatInt(id, 10))
		}
		return "/stats?" + v.Encode()
	}
	all := url.Values{}
	for k := range keep {
		all.Set(k, keep.Get(k))
	}
	if cut.RegionID != 0 {
		all.Set("region_id", strconv.FormatInt(cut.RegionID, 10))
	}
	data.MonthlyLink = "/stats/monthly?" + all.Encode()
	// The path from the reader's own region down to the one shown.
	p := httpx.Principal(r)
	data.Crumbs = []crumb{{Name: p.Region.Name, Link: withRegion(0)}}
	if cut.RegionID != 0 && cut.RegionID != p.Region.ID {
		g, err := u.Store.Region(r.Context(), cut.RegionID)
		if err == nil {
			path, err := u.Store.RegionAncestors(r.Context(), g)
			if err == nil {
				below := false
				for _, a := range path {
					if a.ID == p.Region.ID {
						below = true
						continue
					}
					if below {
						data.Crumbs = append(data.Crumbs, crumb{Name: a.Name, Link: withRegion(a.ID)})
					}
				}
			}
		}
	}
	flow := map[string]statCell{}
	for _, h := range res.Headline {
		f, _ := report.ByID(h.Figure)
		if slices.Contains(report.WarningFlow, h.Figure) {
			flow[h.Figure] = cellOf(loc, f, h.Value)
			continue
		}
		card := statCard{statCell: cellOf(loc, f, h.Value)}
		card.Name, card.Def = f.Local(loc)
		if h.Prev != nil {
			prev := cellOf(loc, f, *h.Prev)
			ago := cellOf(loc, f, *h.YearAgo)
			card.PrevLink, card.PrevText = prev.Link, prev.Text
			card.YearAgoLink, card.YoYT = ago.Link, ago.Text
			card.Ring, card.RingUp = changeText(loc, f, h.Ring)
			card.YoY, card.YoYUp = changeText(loc, f, h.YoY)
		}
		if f.Now {
			data.NowCards = append(data.NowCards, card)
		} else {
			data.Cards = append(data.Cards, card)
		}
	}
	for _, level := range report.WarnedLevels {
		data.WarnFlow = append(data.WarnFlow, statRow{Name: page.T("stats.level." + level),
			Cells: []statCell{flow["warn_raised_"+level], flow["warn_cleared_"+level]}})
	}
	data.RegionCols = columns(loc, report.RegionColumns)
	data.BreakCols = columns(loc, report.BreakdownColumns)
	for _, row := range res.Regions {
		sr := rowOf(loc, row)
		if row.Drill {
			sr.Drill = withRegion(row.ID)
		}
		if row.Own {
			sr.Name = page.T("stats.own_cases", row.Name)
		}
		data.Regions = append(data.Regions, sr)
	}
	for _, row := range res.Categories {
		if !quiet(row) { // thirty-odd categories: those with nothing to count are left out
			data.Categories = append(data.Categories, rowOf(loc, row))
		}
	}
	for _, row := range res.Channels {
		data.Channels = append(data.Channels, rowOf(loc, row))
	}
	for _, row := range res.Kinds {
		data.Kinds = append(data.Kinds, rowOf(loc, row))
	}
	for _, row := range res.Urgencies {
		data.Urgencies = append(data.Urgencies, rowOf(loc, row))
	}
	data.DeptCols = columns(loc, report.DepartmentColumns)
	for _, row := range res.Departments {
		if !quiet(row) { // a department that led nothing in the period is left out
			data.Departments = append(data.Departments, rowOf(loc, row))
		}
	}
	type chart struct {
		Days         []string `json:"days"`
		Intake       []int64  `json:"intake"`
		Ended        []int64  `json:"ended"`
		IntakeLinks  []string `json:"intake_links"`
		EndedLinks   []string `json:"ended_links"`
		IntakeName   string   `json:"intake_name"`
		EndedName    string   `json:"ended_name"`
		ChannelNames []string `json:"channel_names"`
		ChannelData  []int64  `json:"channel_data"`
		ChannelLinks []string `json:"channel_links"`
	}
	var ch chart
	ch.IntakeName, ch.EndedName = page.T("stats.chart_intake"), page.T("stats.chart_ended")
	today := report.PeriodOf(report.Day, u.Cases.Now()).FromDate()
	for _, d := range res.Daily {
		if d.Day > today {
			break // the days to come have nothing to draw
		}
		ch.Days = append(ch.Days, d.Day[5:])
		ch.Intake, ch.Ended = append(ch.Intake, d.Intake), append(ch.Ended, d.Ended)
		ch.IntakeLinks, ch.EndedLinks = append(ch.IntakeLinks, d.IntakeLink), append(ch.EndedLinks, d.EndedLink)
	}
	for _, row := range res.Channels {
		if row.Values[0].Num > 0 {
			ch.ChannelNames = append(ch.ChannelNames, row.Name)
			ch.ChannelData = append(ch.ChannelData, row.Values[0].Num)
			ch.ChannelLinks = append(ch.ChannelLinks, row.Values[0].Link)
		}
	}
	raw, _ := json.Marshal(ch)
	data.Chart = string(raw)
}

func columns(loc string, ids []string) []statColumn {
	out := make([]statColumn, len(ids))
	for i, id := range ids {
		f, _ := report.ByID(id)
		name, def := f.Local(loc)
		out[i] = statColumn{ID: id, Name: name, Def: def}
	}
	return out
}

func rowOf(loc string, row report.Row) statRow {
	sr := statRow{Name: row.Name, Own: row.Own}
	for _, v := range row.Values {
		f, _ := report.ByID(v.Figure)
		sr.Cells = append(sr.Cells, cellOf(loc, f, v))
	}
	return sr
}

// cellOf words a value: a count as it is, a rate in per cent with its numerator and
// denominator on hover, a duration in working days; a rate or a duration with nothing
// to measure is a dash.
func cellOf(loc string, f report.Figure, v report.Value) statCell {
	c := statCell{Figure: f.ID, Link: v.Link, Empty: v.Empty}
	switch {
	case v.Empty:
		c.Text = "—"
	case f.Kind == report.Rate:
		c.Text = strconv.FormatFloat(v.Value, 'f', 1, 64) + "%"
		c.Title = fmt.Sprintf("%d / %d", v.Num, v.Den)
	case f.Kind == report.Days:
		c.Text = strconv.FormatFloat(v.Value, 'f', 1, 64)
		if loc == "en" {
			c.Title = fmt.Sprintf("%d cases, working days", v.Num)
		} else {
			c.Title = fmt.Sprintf("%d 件，工作日", v.Num)
		}
	default:
		c.Text = strconv.FormatInt(v.Num, 10)
	}
	return c
}

// changeText words a change against an earlier period and says whether it is for the
// better: up for a figure where more is better, down where less is.
func changeText(loc string, f report.Figure, d *float64) (string, string) {
	if d == nil {
		return "", ""
	}
	sign := "+"
	if *d < 0 {
		sign = "−"
	}
	n := strconv.FormatFloat(abs(*d), 'f', 1, 64)
	text := sign + n + "%"
	if f.Kind == report.Rate {
		text = sign + n
		if loc == "en" {
			text += " pts"
		} else {
			text += " 个百分点"
		}
	}
	mood := "flat"
	switch {
	case *d == 0 || f.Better == 0:
	case (*d > 0) == (f.Better > 0):
		mood = "good"
	default:
		mood = "bad"
	}
	return text, mood
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// readsStats says whether p's home is the dashboard: a leader's and a viewer's.
func readsStats(p *auth.Principal) bool { return p.Can(auth.PermStatsRead) }

// quiet says a breakdown row counts nothing at all.
func quiet(row report.Row) bool {
	for _, v := range row.Values {
		if v.Num != 0 || v.Den != 0 {
			return false
		}
	}
	return true
}
