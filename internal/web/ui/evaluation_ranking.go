package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// The ranking page (/evaluation): a scheme's scores of the township centres or the
// county departments for a month, quarter or year, ranked, with the change against
// the period before; each item's points over its figure, which opens its cases. A
// leader publishes (定稿) a period that has ended; a published period shows its
// frozen snapshot, printable as a 通报 and exported as xlsx.

// evalColumn heads an item's column: the figure's name, its definition and rule.
type evalColumn struct {
	Name, Def, Rule string
	Max             float64
}

// evalCell is an item's points for a unit, over the figure behind them.
type evalCell struct {
	Points  string
	Value   string // the figure: "95.0%（19/20）", "3 件", "无数据"
	Link    string // the cases behind it
	DenLink string
	NoData  bool
}

// evalRow is one ranked unit.
type evalRow struct {
	Rank       string // "1", or "—" for a unit without data
	Name       string
	Total      string
	Change     string // "+2.50", "−1.00", "" with nothing to compare
	ChangeMood string // good, bad, flat
	RankMove   string // "↑2", "↓1", "—"
	Prev       string // the total of the period before
	NoData     bool
	Cells      []evalCell
}

// evalLink is a number and the case list holding its cases.
type evalLink struct {
	Text, Link, DenLink string
}

// teamRow is one person's team work (包案) in the period.
type teamRow struct {
	Name            string
	Pool            bool // a person of the talent pool without an account
	Roles           []evalLink
	Cases, Ended    evalLink
	OnTime, Resolve evalLink
}

type evalData struct {
	Schemes    []schemeChoice
	Scheme     string
	Units      []report.Unit
	Unit       string
	Date       string
	R          evaluation.Ranking
	Columns    []evalColumn
	Rows       []evalRow
	Max        string
	Published  bool
	PubBy      string
	PubAt      string
	Computed   string
	IssuedOn   string // the 通报's date: the day it was published, else today
	CanPublish bool   // a leader, and the period has ended
	NotOver    bool   // the period has not ended: it cannot be published yet
	PageURL    string // this ranking's page, its 通报 and its workbook: whole URLs, since
	NoticeURL  string // html/template escapes a query interpolated after "?" into one
	XlsxURL    string // parameter
	Targets    string // catalogue key of whom it scores
	Team       []teamRow
}

// schemeChoice is a scheme's code and name for the chooser.
type schemeChoice struct{ Code, Name string }

// evaluationQuery reads the scheme, period and date asked for; the default date is
// the last day of the period before this one (the one to evaluate).
func evaluationQuery(r *http.Request) (scheme, unit, date string) {
	q := r.URL.Query()
	scheme, unit, date = q.Get("scheme"), q.Get("period"), q.Get("date")
	if scheme == "" {
		scheme = evaluation.Defaults()[0].Code
	}
	return scheme, unit, date
}

// fmtPoints writes points to two decimals, without trailing zeros' noise.
func fmtPoints(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// fmtChange writes a signed change: "+2.50", "−1.00".
func fmtChange(v float64) string {
	switch {
	case v > 0:
		return "+" + fmtPoints(v)
	case v < 0:
		return "−" + fmtPoints(-v)
	}
	return fmtPoints(0)
}

// figureText is an item's figure as the page writes it.
func figureText(page *Page, f report.Figure, v report.Value) string {
	if f.Kind == report.Rate {
		if v.Empty {
			return page.T("evaluation.no_data")
		}
		return page.T("evaluation.rate_value", strconv.FormatFloat(v.Value, 'f', 1, 64), v.Num, v.Den)
	}
	return page.T("evaluation.count_value", v.Num)
}

// itemRule says how an item scores, for the column's hover and the 通报's notes.
func itemRule(page *Page, it evaluation.Item) string {
	if it.Method == evaluation.PerItem {
		return page.T("evaluation.rule_per_item", fmtNum(it.Weight), fmtNum(it.Per))
	}
	if it.Full < it.Zero { // lower is better
		return page.T("evaluation.rule_linear_down", fmtNum(it.Weight), fmtNum(it.Full), fmtNum(it.Zero))
	}
	return page.T("evaluation.rule_linear", fmtNum(it.Weight), fmtNum(it.Full), fmtNum(it.Zero))
}

// fmtNum writes a number as short as it reads: 95, 2.5.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// fillEvaluation turns a ranking into the page's rows and columns.
func fillEvaluation(page *Page, d *evalData, rk evaluation.Ranking) {
	d.R = rk
	d.Max = fmtNum(rk.Scheme.MaxPoints())
	d.Targets = "evaluation.targets." + string(rk.Scheme.Targets)
	for _, it := range rk.Scheme.Items {
		f, _ := report.ByID(it.Figure)
		name, def := f.Local(page.Locale)
		d.Columns = append(d.Columns, evalColumn{Name: name, Def: def, Rule: itemRule(page, it), Max: it.Weight})
	}
	for _, e := range rk.Entries {
		row := evalRow{Name: e.Name, Total: fmtPoints(e.Score.Total), NoData: e.Score.NoData, Rank: strconv.Itoa(e.Rank), RankMove: "—", ChangeMood: "flat"}
		if e.Score.NoData {
			row.Rank, row.Total = "—", page.T("evaluation.no_data")
		}
		if e.PrevTotal != nil {
			row.Prev = fmtPoints(*e.PrevTotal)
		}
		if e.Change != nil {
			row.Change = fmtChange(*e.Change)
			switch {
			case *e.Change > 0:
				row.ChangeMood = "good"
			case *e.Change < 0:
				row.ChangeMood = "bad"
			}
		}
		if e.RankChange != nil {
			switch {
			case *e.RankChange > 0:
				row.RankMove = fmt.Sprintf("↑%d", *e.RankChange)
			case *e.RankChange < 0:
				row.RankMove = fmt.Sprintf("↓%d", -*e.RankChange)
			}
		}
		for _, is := range e.Score.Items {
			f, _ := report.ByID(is.Figure)
			c := evalCell{Points: fmtPoints(is.Points), Value: figureText(page, f, is.Value), Link: is.Value.Link, DenLink: is.Value.DenLink, NoData: is.NoData}
			if is.NoData {
				c.Points = page.T("evaluation.no_data")
			}
			row.Cells = append(row.Cells, c)
		}
		d.Rows = append(d.Rows, row)
	}
	for _, w := range rk.Team {
		row := teamRow{Name: w.Name, Pool: w.AccountID == 0,
			Cases: evalLink{Text: strconv.FormatInt(w.Cases.Num, 10), Link: w.Cases.Link}, Ended: evalLink{Text: strconv.FormatInt(w.Ended.Num, 10), Link: w.Ended.Link}}
		for _, rc := range w.Roles {
			row.Roles = append(row.Roles, evalLink{Text: page.T("evaluation.team_role_cases", page.T("team.role."+rc.Role), rc.Cases.Num), Link: rc.Cases.Link})
		}
		for _, x := range []struct {
			v   report.Value
			dst *evalLink
		}{{w.OnTime, &row.OnTime}, {w.Resolved, &row.Resolve}} {
			f, _ := report.ByID(x.v.Figure)
			*x.dst = evalLink{Text: figureText(page, f, x.v), Link: x.v.Link, DenLink: x.v.DenLink}
		}
		d.Team = append(d.Team, row)
	}
	if p := rk.Published; p != nil {
		d.Published, d.PubBy, d.PubAt = true, p.By, p.At.In(cst).Format("2006-01-02 15:04")
	}
	d.Computed = rk.ComputedAt.In(cst).Format("2006-01-02 15:04")
	issued := rk.ComputedAt
	if p := rk.Published; p != nil {
		issued = p.At
	}
	d.IssuedOn = issued.In(cst).Format("2006年1月2日")
	if page.Locale == "en" {
		d.IssuedOn = issued.In(cst).Format("2 January 2006")
	}
}

// loadEvaluation reads the ranking asked for into a page's data.
func (u *UI) loadEvaluation(r *http.Request, page *Page) (*evalData, error) {
	scheme, unit, date := evaluationQuery(r)
	d := &evalData{Scheme: scheme, Unit: unit, Date: date}
	all, err := u.Cases.EvaluationSchemes(r.Context())
	if err != nil {
		return d, err
	}
	for _, s := range all {
		d.Schemes = append(d.Schemes, schemeChoice{s.Code, s.Name})
		if s.Code == scheme {
			d.Units = s.Units
			if d.Unit == "" {
				d.Unit = string(s.Units[0])
			}
		}
	}
	if d.Date == "" {
		// The period to evaluate is, by default, the last one that has ended.
		cur := report.PeriodOf(report.Unit(d.Unit), u.Cases.Now())
		d.Date = cur.From.AddDate(0, 0, -1).Format("2006-01-02")
	}
	q := url.Values{"scheme": {scheme}, "period": {d.Unit}, "date": {d.Date}}
	d.PageURL, d.NoticeURL, d.XlsxURL = "/evaluation?"+q.Encode(), "/evaluation/notice?"+q.Encode(), "/evaluation.xlsx?"+q.Encode()
	rk, err := u.Cases.Ranking(r.Context(), httpx.Principal(r), scheme, d.Unit, d.Date)
	if err != nil {
		return d, err
	}
	fillEvaluation(page, d, rk)
	to, _ := time.ParseInLocation("2006-01-02", rk.To, cst)
	d.NotOver = u.Cases.Now().Before(to.AddDate(0, 0, 1))
	d.CanPublish = !d.Published && !d.NotOver && httpx.Principal(r).Can(auth.PermEvalPublish)
	return d, nil
}

// evaluationPage shows a ranking.
func (u *UI) evaluationPage(w http.ResponseWriter, r *http.Request) {
	page := u.newPage(r, "evaluation.title")
	page.Active = "nav.evaluation"
	d, err := u.loadEvaluation(r, page)
	page.Data = d
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = ce.Message
		u.render(w, r, ce.Status, "evaluation.html", page)
		return
	}
	u.render(w, r, http.StatusOK, "evaluation.html", page)
}
