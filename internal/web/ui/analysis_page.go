package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/onedoor/onedoor/internal/analysis"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// findingView is one finding as the page shows it: what it says in words (the
// reason an action taken on it records), its count and the list behind it.
type findingView struct {
	Kind   string // category, place, person, group, long, warn
	Text   string
	Count  int64
	Link   string
	Trend  *analysis.Trend
	Weeks  []weekCell
	Person *cases.PersonFinding
}

// weekCell is one week of a trend: its count and its list.
type weekCell struct {
	Label string
	Count int64
	Link  string
}

type analysisData struct {
	A                  cases.Analysis
	Label              string
	Units              []report.Unit
	Unit, Date         string
	From, To           string
	RegionID           int64
	Regions            []model.Region // the regions one may choose: one's own and below, down to townships
	ThisWeek           string
	Categories, Places []findingView
	People             []findingView
	Group              findingView
	GroupPeriod        findingView
	LongOpen           findingView
	Warnings           []findingView
	Departments        []model.Department // for an assignment taken on a finding
	Meetings           []store.Meeting    // meetings to put a finding on the agenda of
	Result             string             // what an action on a finding did
}

// analysisFields names the fields of the analysis page's forms.
var analysisFields = httpx.Fields{Prefix: "analysis.field.", Sep: " "}

// analysisPage is 研判: for a period and a region, the categories and places rising
// against their own past, the people who keep coming back, the group cases and their
// trend, the cases open longest and the warnings in force — each finding opening its
// cases and offering an action on them, with the finding as the reason.
func (u *UI) analysisPage(w http.ResponseWriter, r *http.Request) {
	page := u.newPage(r, "analysis.title")
	page.Active = "nav.analysis"
	data := &analysisData{}
	page.Data = data
	err := u.fillAnalysis(r, page, data)
	if err != nil {
		ce := classify(r, err)
		if ce == nil || ce.Field == "" {
			u.renderError(w, r, err)
			return
		}
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = analysisFields.Prefixed(page.Locale, ce.Field, ce.Message)
		u.render(w, r, ce.Status, "analysis.html", page)
		return
	}
	u.render(w, r, http.StatusOK, "analysis.html", page)
}

func (u *UI) fillAnalysis(r *http.Request, page *Page, data *analysisData) error {
	p := httpx.Principal(r)
	ctx := r.Context()
	q := httpx.PageQuery(r)
	data.Units = report.Units[:len(report.Units)-1]
	data.Unit, data.Date, data.From, data.To = q.String("period"), q.String("date"), q.String("from"), q.String("to")
	data.RegionID = q.Int("region_id", 0, 1<<62)
	data.Result = q.String("done")
	if err := q.Err(); err != nil {
		return err
	}
	if data.Unit == "" && data.From == "" {
		data.Unit = string(report.Month)
	}
	per, err := report.ParsePeriod(data.Unit, data.Date, data.From, data.To, u.Cases.Now())
	if err != nil {
		return err
	}
	regions, err := u.Cases.Store.Regions(ctx, store.RegionFilter{Within: p.Region.Path, ActiveOnly: true})
	if err != nil {
		return err
	}
	for _, g := range regions {
		if g.Level != model.LevelVillage && g.Level != model.LevelGrid {
			data.Regions = append(data.Regions, g)
		}
	}
	a, err := u.Cases.Analyse(ctx, p, per, data.RegionID)
	if err != nil {
		return err
	}
	data.A = a
	fillFindingTexts(page, data, per)
	if data.Departments, err = u.Cases.Store.Departments(ctx, store.DepartmentFilter{ActiveOnly: true}); err != nil {
		return err
	}
	if p.Can(auth.PermMeetings) {
		if data.Meetings, err = u.Cases.Meetings(ctx, p); err != nil {
			return err
		}
		if len(data.Meetings) > 10 {
			data.Meetings = data.Meetings[:10]
		}
	}
	return nil
}

// fillFindingTexts says data.A's findings in words, each with its list and trend.
func fillFindingTexts(page *Page, data *analysisData, per report.Period) {
	loc := page.Locale
	a := data.A
	data.Label = per.Label()
	if loc == "en" {
		data.Label = per.LabelEN()
	}
	weekLabel := func(w analysis.Window) string {
		return w.From.In(workflow.ChinaTime).Format("01-02") + "–" + w.To.AddDate(0, 0, -1).In(workflow.ChinaTime).Format("01-02")
	}
	this := a.Weeks[len(a.Weeks)-1]
	data.ThisWeek = weekLabel(this)
	// A trend's columns are headed by the weeks' first days; the range is on hover.
	weekLabel = func(w analysis.Window) string { return w.From.In(workflow.ChinaTime).Format("01-02") }
	trend := func(f cases.Finding) []weekCell {
		out := make([]weekCell, len(a.Weeks))
		for i, w := range a.Weeks {
			out[i] = weekCell{Label: weekLabel(w), Count: f.Trend.Counts[i], Link: f.Weeks[i]}
		}
		return out
	}
	rise := func(kind string, f cases.Finding) findingView {
		t := f.Trend
		name := f.Name
		if kind == "place" {
			name = i18n.T(loc, "level."+string(f.Level)) + " " + f.Name
		}
		return findingView{Kind: kind, Count: t.This, Link: f.Link, Trend: &t, Weeks: trend(f),
			Text: i18n.T(loc, "analysis.rise_text", name, data.ThisWeek, t.This, analysis.PastWeeks, t.Mean, t.SD, t.Threshold)}
	}
	for _, f := range a.Category {
		data.Categories = append(data.Categories, rise("category", f))
	}
	for _, f := range a.Places {
		data.Places = append(data.Places, rise("place", f))
	}
	for i := range a.People {
		pf := a.People[i]
		data.People = append(data.People, findingView{Kind: "person", Count: pf.Cases, Link: pf.Link, Person: &pf,
			Text: i18n.T(loc, "analysis.person_text", pf.Name, strings.TrimSpace(pf.IDNumber+" "+pf.Phone), pf.Cases, model.RepeatWindowDays)})
	}
	g := a.Group
	gt := g.Trend
	data.Group = findingView{Kind: "group", Count: gt.This, Link: g.Link, Trend: &gt, Weeks: trend(g),
		Text: i18n.T(loc, "analysis.group_text", data.ThisWeek, gt.This, analysis.PastWeeks, gt.Mean, gt.SD, gt.Threshold)}
	data.GroupPeriod = findingView{Kind: "group", Count: a.GroupPeriod.Count, Link: a.GroupPeriod.Link,
		Text: i18n.T(loc, "analysis.group_period_text", data.Label, a.GroupPeriod.Count)}
	data.LongOpen = findingView{Kind: "long", Count: a.LongOpen.Count, Link: a.LongOpen.Link,
		Text: i18n.T(loc, "analysis.long_text", report.LongOpenDays, a.LongOpen.Count)}
	for _, wf := range a.Warnings {
		lv := strings.TrimPrefix(wf.ID, "warn_")
		data.Warnings = append(data.Warnings, findingView{Kind: "warn_" + lv, Count: wf.Count, Link: wf.Link,
			Text: i18n.T(loc, "analysis.warn_text", i18n.T(loc, "risk_level."+lv), wf.Count)})
	}
}

// analysisAct takes an action on the open cases of a finding: 督办, a warning raised,
// or 交办 to a department, each recording the finding as its reason. Back to the
// page, saying how many cases it reached.
func (u *UI) analysisAct(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	p := httpx.Principal(r)
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/analysis") {
		back = "/analysis"
	}
	f, err := u.findingList(r.Context(), r, r.PostFormValue("link"))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	dept, err := httpx.FormInt(r, "department_id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	a := workflow.Action(r.PostFormValue("action"))
	in := cases.ActInput{Note: r.PostFormValue("note")}
	switch a {
	case workflow.ActionAssign:
		in.LeadDepartmentID = dept
	case workflow.ActionSupervise:
		in.Level = r.PostFormValue("level")
	case workflow.ActionWarningAdjust:
		in.WarningLevel = r.PostFormValue("level")
	}
	done, failed, err := u.Cases.ActOnFinding(r.Context(), p, f, r.PostFormValue("finding"), a, in)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"done="+url.QueryEscape(fmt.Sprintf("%d/%d", done, done+len(failed)))+"#result", http.StatusSeeOther)
}

// findingList reads a finding's case list (a /cases link) as the list page would.
func (u *UI) findingList(ctx context.Context, r *http.Request, link string) (store.CaseFilter, error) {
	lu, err := url.Parse(link)
	if err != nil || lu.Path != "/cases" || lu.Host != "" || lu.Scheme != "" {
		return store.CaseFilter{}, model.Invalid("link", "invalid", "invalid.meeting.link")
	}
	p := httpx.Principal(r)
	rr := r.Clone(ctx)
	rr.URL = lu
	l, err := httpx.ParseCaseList(httpx.PageQuery(rr), httpx.CaseListEnv{Now: u.Cases.Now(), DefaultQueue: "all", Limit: cases.MaxFindingCases,
		RegionPath: func(id int64) (string, error) {
			g, err := u.Org.Region(ctx, p, id)
			return g.Path, err
		}})
	if err != nil {
		return store.CaseFilter{}, err
	}
	if l.Queue != "all" {
		return store.CaseFilter{}, model.Invalid("link", "invalid", "invalid.meeting.link")
	}
	return l.Filter, nil
}
