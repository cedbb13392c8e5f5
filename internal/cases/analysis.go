package cases

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/analysis"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Finding is one of the analysis page's rising series with the list of this week's
// cases behind it.
type Finding struct {
	analysis.Series
	Link  string   `json:"link"`  // this week's cases
	Weeks []string `json:"weeks"` // each week's list, oldest first
}

// PersonFinding is a person who keeps coming back, masked.
type PersonFinding struct {
	PartyID  int64  `json:"party_id"`
	Name     string `json:"name"`      // surname only (analysis.MaskName)
	IDNumber string `json:"id_number"` // masked
	Phone    string `json:"phone"`     // masked
	Cases    int64  `json:"cases"`
	Link     string `json:"link"`
}

// CountFinding is a count with its list.
type CountFinding struct {
	ID    string `json:"id"`
	Count int64  `json:"count"`
	Link  string `json:"link"`
}

// Analysis is the analysis page (研判) of a region for a period: what is rising, who
// keeps coming back, the group cases, the cases open longest and the warnings in force.
type Analysis struct {
	Period   report.Period     `json:"-"`
	Region   model.Region      `json:"region"`
	Weeks    []analysis.Window `json:"weeks"` // the rising test's weeks, this week last
	Repeat   analysis.Window   `json:"repeat_window"`
	Category []Finding         `json:"rising_categories"`
	Places   []Finding         `json:"rising_places"`
	People   []PersonFinding   `json:"repeat_people"`
	// Group is the group cases' weekly trend over the same weeks, tested as the
	// categories are; GroupPeriod their count in the period.
	Group       Finding        `json:"group_cases"`
	GroupPeriod CountFinding   `json:"group_cases_period"`
	LongOpen    CountFinding   `json:"open_long"`
	Oldest      []model.Case   `json:"oldest"` // the longest open, oldest first
	Warnings    []CountFinding `json:"warnings"`
	Warned      []model.Case   `json:"warned"` // warnings in force, longest standing first
}

// How many of a kind the page lists.
const (
	maxPeople = 50
	maxOldest = 10
	maxWarned = 10
)

// Analyse makes the analysis page for period per within regionID (0: the reader's
// region), over the cases p may read. "This week" is the seven days ending with the
// period (or today, when the period runs on past it).
func (s *Service) Analyse(ctx context.Context, p *auth.Principal, per report.Period, regionID int64) (Analysis, error) {
	if !p.Can(auth.PermStatsRead) {
		return Analysis{}, auth.ErrForbidden
	}
	// An analysis need not see the reader's own last write: a replica's, when one is up.
	reports := s.Store.ForReports()
	root := p.Region
	if regionID != 0 {
		g, err := reports.Region(ctx, regionID)
		if err != nil || !inSubtree(p.Region.Path, g.Path) {
			return Analysis{}, model.Invalid("region_id", "invalid", "invalid.region.out_of_scope")
		}
		root = g
	}
	now := s.Now()
	end := per.To
	if tomorrow := report.PeriodOf(report.Day, now).To; end.After(tomorrow) {
		end = tomorrow
	}
	a := Analysis{Period: per, Region: root, Weeks: analysis.Weeks(end),
		Repeat: analysis.Window{From: end.AddDate(0, 0, -model.RepeatWindowDays), To: end}}
	sc := ScopeOf(p)
	// The region is a narrower scope rather than a filter: the filter's region term is
	// one an index answers, and SQLite's planner then walks the whole subtree by
	// region instead of the weeks' cases by registration time. A scope with a
	// department's cases beside the region's keeps the filter.
	within := root.Path
	if sc.DepartmentID == 0 && !sc.All {
		sc.RegionPath, sc.Small, within = root.Path, root.Level == model.LevelVillage || root.Level == model.LevelGrid, ""
	}
	cut := report.Cut{RegionID: root.ID, RegionPath: root.Path}
	intakeFig, _ := report.ByID("intake")
	groupFig, _ := report.ByID("group_intake")
	weekLinks := func(f report.Figure, c report.Cut) []string {
		out := make([]string, len(a.Weeks))
		for i, w := range a.Weeks {
			out[i] = "/cases?" + report.ListQuery(f, report.Num, report.Period{Unit: report.Range, From: w.From, To: w.To}, c).Encode()
		}
		return out
	}

	// Categories and places, and the group cases' trend: the weeks' intake by leaf
	// region and category.
	groups, groupCounts, err := s.weeklyIntake(ctx, a.Weeks, sc, within, now)
	if err != nil {
		return a, err
	}
	cats, err := reports.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		return a, err
	}
	for _, sr := range analysis.Rising(analysis.ByCategory(groups, cats)) {
		c := cut
		c.CategoryID = sr.ID
		links := weekLinks(intakeFig, c)
		a.Category = append(a.Category, Finding{Series: sr, Link: links[len(links)-1], Weeks: links})
	}
	regions, err := reports.Regions(ctx, store.RegionFilter{Within: root.Path})
	if err != nil {
		return a, err
	}
	var places []model.Region
	for _, r := range regions {
		if r.Level == model.LevelVillage || r.Level == model.LevelGrid {
			places = append(places, r)
		}
	}
	for _, sr := range analysis.Rising(analysis.ByPlace(groups, places)) {
		c := cut
		c.RegionID, c.RegionPath = sr.ID, sr.Path
		links := weekLinks(intakeFig, c)
		a.Places = append(a.Places, Finding{Series: sr, Link: links[len(links)-1], Weeks: links})
	}
	links := weekLinks(groupFig, cut)
	a.Group = Finding{Series: analysis.Series{Name: "group", Trend: analysis.Rise(groupCounts)}, Link: links[len(links)-1], Weeks: links}
	if a.GroupPeriod, err = s.countFinding(ctx, sc, within, groupFig, per, cut, now); err != nil {
		return a, err
	}

	// People who keep coming back, in the 90 days ending with the period.
	win := report.Period{Unit: report.Range, From: a.Repeat.From, To: a.Repeat.To}
	wc, _ := intakeFig.Cond(report.Num, win, now)
	people, err := reports.RepeatPeople(ctx, store.CaseFilter{Cond: &wc, Within: within}, sc, model.RepeatPeopleMin, maxPeople)
	if err != nil {
		return a, err
	}
	for _, rp := range people {
		q := report.ListQuery(intakeFig, report.Num, win, cut)
		q.Set("person", strconv.FormatInt(rp.Party.ID, 10))
		m := rp.Party.Masked()
		a.People = append(a.People, PersonFinding{PartyID: rp.Party.ID, Name: analysis.MaskName(rp.Party.Name),
			IDNumber: m.IDNumber, Phone: m.Phone, Cases: rp.Cases, Link: "/cases?" + q.Encode()})
	}

	// The cases open longest, and the warnings in force.
	longFig, _ := report.ByID("open_long")
	if a.LongOpen, err = s.countFinding(ctx, sc, within, longFig, per, cut, now); err != nil {
		return a, err
	}
	lc, _ := longFig.Cond(report.Num, per, now)
	if a.Oldest, err = reports.Cases(ctx, store.CaseFilter{Cond: &lc, Within: within, Sort: store.SortOldest, Limit: maxOldest}, sc); err != nil {
		return a, err
	}
	for _, lv := range report.WarnedLevels {
		wf, _ := report.ByID("warn_" + lv)
		cf, err := s.countFinding(ctx, sc, within, wf, per, cut, now)
		if err != nil {
			return a, err
		}
		a.Warnings = append(a.Warnings, cf)
	}
	warned := model.CaseCond{RiskLevels: report.WarnedLevels}
	if a.Warned, err = reports.Cases(ctx, store.CaseFilter{Cond: &warned, Within: within, Sort: store.SortOldest, Limit: maxWarned}, sc); err != nil {
		return a, err
	}
	return a, nil
}

// countFinding counts figure f's cases in per within sc (and the region within,
// when sc does not hold it), with its list, which is cut's: from the rollups when
// they hold the figure, serve the reader and the period is whole days.
func (s *Service) countFinding(ctx context.Context, sc store.CaseScope, within string, f report.Figure, per report.Period, cut report.Cut, now time.Time) (CountFinding, error) {
	reports := s.Store.ForReports()
	found := CountFinding{ID: f.ID, Link: "/cases?" + report.ListQuery(f, report.Num, per, cut).Encode()}
	from, fromWhole := chinaDay(per.From)
	to, toWhole := chinaDay(per.To)
	side, col, rolled := report.RollupColumn(f.ID, report.Num)
	if rf := (store.CaseFilter{Within: within}); rolled && !s.StatsFromCases && fromWhole && toWhole && store.RollupsServe(rf, sc) {
		rows, err := reports.RollupCounts(ctx, side, from, to, false, false, rf, sc)
		if err != nil || len(rows) == 0 {
			return found, err
		}
		found.Count = rows[0].Sums[slices.Index(report.RollupColumns, col)]
		return found, nil
	}
	c, _ := f.Cond(report.Num, per, now)
	n, err := reports.CountMatching(ctx, store.CaseFilter{Cond: &c, Within: within}, sc)
	found.Count = n
	return found, err
}

// weeklyIntake counts each week's intake by leaf region and category (one count per
// week of weeks) and each week's group cases among it, within sc and the region
// within. The rollups hold both when they serve the reader and the weeks are whole
// days (China time): the weeks' days by leaf region and category, whatever the cases
// they hold. Else they are counted from the cases: one grouped pass over the weeks'
// intake, one over its group cases.
func (s *Service) weeklyIntake(ctx context.Context, weeks []analysis.Window, sc store.CaseScope, within string, now time.Time) ([]analysis.Group, []int64, error) {
	reports := s.Store.ForReports()
	groupCounts := make([]int64, len(weeks))
	f := store.CaseFilter{Within: within}
	from, fromWhole := chinaDay(weeks[0].From)
	to, toWhole := chinaDay(weeks[len(weeks)-1].To)
	if !s.StatsFromCases && fromWhole && toWhole && store.RollupsServe(f, sc) {
		days, err := reports.IntakeByDay(ctx, from, to, f, sc)
		if err != nil {
			return nil, nil, err
		}
		type key struct {
			path string
			cat  int64
		}
		at := map[key]int{}
		var groups []analysis.Group
		for _, d := range days {
			t, err := time.ParseInLocation(time.DateOnly, d.Day, workflow.ChinaTime)
			if err != nil {
				return nil, nil, fmt.Errorf("rollups: day %q: %w", d.Day, err)
			}
			w := slices.IndexFunc(weeks, func(w analysis.Window) bool { return !t.Before(w.From) && t.Before(w.To) })
			if w < 0 {
				continue
			}
			k := key{d.RegionPath, d.CategoryID}
			i, ok := at[k]
			if !ok {
				i = len(groups)
				at[k] = i
				groups = append(groups, analysis.Group{RegionPath: d.RegionPath, CategoryID: d.CategoryID, Counts: make([]int64, len(weeks))})
			}
			groups[i].Counts[w] += d.Cases
			groupCounts[w] += d.Group
		}
		return groups, groupCounts, nil
	}
	span := report.Period{Unit: report.Range, From: weeks[0].From, To: weeks[len(weeks)-1].To}
	weekly := func(id string) (store.CaseFilter, []model.CaseCond) {
		fig, _ := report.ByID(id)
		base, _ := fig.Cond(report.Num, span, now)
		conds := make([]model.CaseCond, len(weeks))
		for i, w := range weeks {
			conds[i], _ = fig.Cond(report.Num, report.Period{Unit: report.Range, From: w.From, To: w.To}, now)
		}
		return store.CaseFilter{Cond: &base, Within: within}, conds
	}
	bf, conds := weekly("intake")
	got, err := reports.FigureCounts(ctx, bf, conds, sc, true)
	if err != nil {
		return nil, nil, err
	}
	groups := make([]analysis.Group, len(got))
	for i, g := range got {
		groups[i] = analysis.Group{RegionPath: g.RegionPath, CategoryID: g.CategoryID, Counts: g.Counts}
	}
	bf, conds = weekly("group_intake")
	if got, err = reports.FigureCounts(ctx, bf, conds, sc, false); err != nil {
		return nil, nil, err
	}
	if len(got) == 1 {
		groupCounts = got[0].Counts
	}
	return groups, groupCounts, nil
}

// chinaDay is t's day in China time, as the rollups' day column holds it, and whether
// t is that day's first instant.
func chinaDay(t time.Time) (string, bool) {
	c := t.In(workflow.ChinaTime)
	return c.Format(time.DateOnly), c.Equal(time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, workflow.ChinaTime))
}
