package report

import (
	"maps"
	"math"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Cut narrows the figures to a part of the reader's cases: a region subtree (by the
// region's id and path), a category (a top-level one holds its children), a channel,
// a kind. Zero fields do not narrow.
type Cut struct {
	RegionID   int64
	RegionPath string
	CategoryID int64
	Channel    string
	Kind       string
	// DepartmentID narrows to one department's cases (the evaluation of departments).
	DepartmentID int64
	Urgency      string
	// LeadDepartmentID cuts to the cases led by a department (主办单位); NoLeadDepartment to
	// those led by none.
	LeadDepartmentID int64
	NoLeadDepartment bool
	// RegionOnly, in a link only, holds the region's own cases (本级), not its
	// children's.
	RegionOnly bool
}

// Group is what the store counted for the cases of one leaf region, category,
// channel and kind: one number per condition of its batch.
type Group struct {
	RegionPath string
	CategoryID int64
	Channel    string
	Kind       string
	Urgency    string
	Department int64
	Counts     []int64
}

// Span is one ended case's registration and resolution, for the durations.
type Span struct {
	RegionPath        string
	Department        int64 // the lead department, 0 when none
	CategoryID        int64
	Channel, Kind     string
	Urgency           string
	Created, Resolved time.Time
	Cases             int64 // the cases of these days and group (read from the rollups); 0 is one
}

// Batch is one counting pass the store makes: among the cases meeting Base (and the
// cut), how many meet each of Conds; Grouped asks for the counts by leaf region,
// category, channel and kind rather than one total.
type Batch struct {
	Base    model.CaseCond
	Conds   []model.CaseCond
	Grouped bool
	// Rollup, when set, says how the batch is read from the rollups; a batch without
	// it, or a reader the rollups cannot scope, is counted from the cases.
	Rollup *RollupRead
	refs   []ref
}

// ref says what a condition of a batch counts: a figure's part in a period, or one
// day's intake or endings (day >= 0).
type ref struct {
	figure string
	part   Part
	when   int // 0 the period, 1 the one before (环比), 2 a year earlier (同比)
	day    int
}

// Plan is the counting a dashboard needs for a period and a cut.
type Plan struct {
	Period  Period
	Now     time.Time
	Cut     Cut
	Batches []Batch
	// Columns, when set, are the figures of every breakdown's rows (a report's
	// choice); nil gives each breakdown its own (RegionColumns, ...).
	Columns []string
	// SpanConds are the ended cases whose handling times the durations need: this
	// period's, the one before and a year earlier.
	SpanConds [3]model.CaseCond
}

// periods are the three a headline compares.
func (pl *Plan) periods() [3]Period {
	return [3]Period{pl.Period, pl.Period.Prev(), pl.Period.YearAgo()}
}

// NewPlan plans the counting for period p at now: per base (a period's intake, its
// endings, the open cases, the warned ones) one grouped pass for the period, one
// total pass each for the period before and a year earlier, and the days of the
// period for the chart.
func NewPlan(p Period, now time.Time, cut Cut) *Plan {
	pl := &Plan{Period: p, Now: now, Cut: cut}
	periods := pl.periods()
	for when, per := range periods {
		byBase := map[string]*Batch{}
		var order []string
		for _, f := range Figures {
			if f.Kind == Days || f.Aside || (f.Now && when > 0) || f.Department {
				continue
			}
			base := f.base(per, now)
			key := baseName(f)
			rp, rolled := rollupParts[f.ID]
			if rolled {
				key += "@rollup"
			}
			b := byBase[key]
			if b == nil {
				b = &Batch{Base: base, Grouped: when == 0}
				if rolled {
					b.Rollup = &RollupRead{Side: rp.side, From: per.From, To: per.To}
				}
				byBase[key] = b
				order = append(order, key)
			}
			parts := []Part{Num}
			if f.den != nil {
				parts = append(parts, Den)
			}
			for _, part := range parts {
				c, _ := f.Cond(part, per, now)
				b.Conds = append(b.Conds, c)
				b.refs = append(b.refs, ref{figure: f.ID, part: part, when: when, day: -1})
				if rolled {
					b.Rollup.Columns = append(b.Rollup.Columns, map[Part]string{Num: rp.num, Den: rp.den}[part])
				}
			}
		}
		for _, k := range order {
			pl.Batches = append(pl.Batches, *byBase[k])
		}
		pl.SpanConds[when] = ended(per, now)
	}
	// The chart: each day's intake and endings, in two passes over the period.
	days := p.Days()
	in := Batch{Base: intake(p, now), Rollup: &RollupRead{Side: SideIntake, From: p.From, To: p.To, ByDay: true}}
	out := Batch{Base: ended(p, now), Rollup: &RollupRead{Side: SideEnded, From: p.From, To: p.To, ByDay: true}}
	for i := 0; i < days; i++ {
		d := Period{Day, p.From.AddDate(0, 0, i), p.From.AddDate(0, 0, i+1)}
		in.Conds = append(in.Conds, intake(d, now))
		in.refs = append(in.refs, ref{figure: "intake", part: Num, day: i})
		in.Rollup.Columns = append(in.Rollup.Columns, "cases")
		out.Conds = append(out.Conds, ended(d, now))
		out.refs = append(out.refs, ref{figure: "ended", part: Num, day: i})
		out.Rollup.Columns = append(out.Rollup.Columns, "cases")
	}
	if days <= 400 { // a longer range is charted by nobody day by day
		pl.Batches = append(pl.Batches, in, out)
	}
	return pl
}

// baseName groups figures that count among the same cases into one pass.
func baseName(f Figure) string {
	switch {
	case f.ID == "escalated" || f.ID == "delegated":
		return "moved"
	case strings.HasPrefix(f.ID, "warn_raised_") || strings.HasPrefix(f.ID, "warn_cleared_"):
		return "warnflow"
	case strings.HasPrefix(f.ID, "warn_"):
		return "warned"
	case strings.HasPrefix(f.ID, "supervis"):
		return "supervised"
	case f.Now:
		return "open"
	case reflect.ValueOf(f.base).Pointer() == reflect.ValueOf(intake).Pointer():
		return "intake" // every figure counted among a period's intake
	}
	return "ended"
}

// Value is one figure's number for a set of cases, with the lists behind it.
type Value struct {
	Figure  string  `json:"figure"`
	Value   float64 `json:"value"`           // a count, a rate in per cent (one decimal) or working days
	Num     int64   `json:"num"`             // the cases counted (a rate's numerator, a duration's cases)
	Den     int64   `json:"den,omitempty"`   // a rate's denominator
	Empty   bool    `json:"empty,omitempty"` // a rate or duration with nothing to measure
	Link    string  `json:"link"`            // the case list holding the Num cases
	DenLink string  `json:"den_link,omitempty"`
}

// Headline is a figure for the period beside the period before (环比) and a year
// earlier (同比). A figure of the present moment has neither.
type Headline struct {
	Value
	Prev    *Value   `json:"prev,omitempty"`
	YearAgo *Value   `json:"year_ago,omitempty"`
	Ring    *float64 `json:"ring,omitempty"` // change against Prev: per cent for counts and durations, points for rates
	YoY     *float64 `json:"yoy,omitempty"`  // change against YearAgo, the same way
}

// Row is one line of a breakdown: a region, a category, a channel or a kind.
type Row struct {
	ID     int64   `json:"id,omitempty"`
	Code   string  `json:"code,omitempty"`
	Name   string  `json:"name"`
	Own    bool    `json:"own,omitempty"`   // the region's own cases, not its children's
	Drill  bool    `json:"drill,omitempty"` // a region with regions below it
	Values []Value `json:"values"`
}

// DayPoint is one day of the chart.
type DayPoint struct {
	Day        string `json:"day"`
	Intake     int64  `json:"intake"`
	Ended      int64  `json:"ended"`
	IntakeLink string `json:"intake_link"`
	EndedLink  string `json:"ended_link"`
}

// Result is everything the dashboard, the API and the monthly report show.
type Result struct {
	Period     Period     `json:"-"`
	Headline   []Headline `json:"headline"`
	Regions    []Row      `json:"regions"`
	Categories []Row      `json:"categories"`
	Channels   []Row      `json:"channels"`
	Kinds      []Row      `json:"kinds"`
	Urgencies  []Row      `json:"urgencies"`
	// Departments are the lead departments (主办单位) of the region's subtree, and a
	// row (ID 0) for the cases led by none.
	Departments []Row      `json:"departments"`
	Daily       []DayPoint `json:"daily,omitempty"`
}

// Headlines are the figures at the top of the dashboard, in order.
var Headlines = []string{"intake", "ended", "resolve_rate", "on_time_rate", "satisfaction_rate", "visit_rate",
	"reopen_rate", "local_rate", "repeat_rate", "group_intake", "avg_days", "median_days", "supervised", "supervised_red",
	"supervision_reply_rate", "escalated", "delegated", "overdue", "due_soon",
	"warn_red", "warn_orange", "warn_yellow", "warn_blue"}

// WarningFlow are the warnings raised and cleared in the period, by colour: the
// dashboard's table of them and the API's headline hold them.
var WarningFlow = []string{"warn_raised_red", "warn_raised_orange", "warn_raised_yellow", "warn_raised_blue",
	"warn_cleared_red", "warn_cleared_orange", "warn_cleared_yellow", "warn_cleared_blue"}

// RegionColumns are the figures of the region comparison and the monthly report.
var RegionColumns = []string{"intake", "ended", "resolve_rate", "on_time_rate", "avg_days", "visit_rate",
	"satisfaction_rate", "reopen_rate", "local_rate", "supervised", "supervision_reply_rate", "overdue", "due_soon", "warn_red", "warn_orange", "escalated", "delegated"}

// NoDepartment is the value of lead_department_id that asks for the cases led by no
// department.
const NoDepartment = "none"

// DepartmentColumns are the figures of the lead-department breakdown and of the
// monthly report by department: what a department is answerable for.
var DepartmentColumns = []string{"intake", "ended", "resolve_rate", "on_time_rate", "avg_days", "satisfaction_rate",
	"reopen_rate", "overdue", "due_soon"}

// DepartmentName names a department of the tree, or by its number when it is not.
func (t Tree) DepartmentName(id int64) string {
	for _, d := range t.Others {
		if d.ID == id {
			return d.Name
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

// BreakdownColumns are the figures of the category, channel and kind breakdowns.
var BreakdownColumns = []string{"intake", "ended", "resolve_rate", "on_time_rate", "satisfaction_rate", "overdue"}

// Tree is what the folding needs to know of the organisation: the region the figures
// are for and the regions right below it, and the categories.
type Tree struct {
	Root         model.Region
	Children     []model.Region
	HasBelow     map[int64]bool // a child with regions below it, to drill into
	Categories   []model.Category
	Channels     []Named
	Kinds        []Named
	Urgencies    []Named
	Departments  []model.Department // the departments of Root's subtree
	Others       []model.Department // every department, to name one of another subtree leading a case here
	NoDepartment string             // the name of the row of cases led by no department
}

// Named is a code with its name in the reader's language.
type Named struct{ Code, Name string }

// tally holds, for one set of cases (a row), each counted condition's number.
type tally map[ref]int64

// Assemble folds the store's answers to pl's batches (groups[i] for pl.Batches[i])
// and the spans of pl.SpanConds into the result, every number linked to its list.
func (pl *Plan) Assemble(groups [][]Group, spans [3][]Span, tree Tree, cal *workflow.Calendar) Result {
	res := Result{Period: pl.Period}
	top := map[int64]int64{} // category id -> its top-level category
	for _, c := range tree.Categories {
		top[c.ID] = c.ID
		if c.ParentID != 0 {
			top[c.ID] = c.ParentID
		}
	}
	// Totals (every period) and the rows (this period, grouped passes only).
	total := tally{}
	regionTally := map[int64]tally{} // by child region id; the root's own under its id
	catTally := map[int64]tally{}
	chanTally := map[string]tally{}
	kindTally := map[string]tally{}
	urgTally := map[string]tally{}
	deptTally := map[int64]tally{}
	add := func(m tally, r ref, n int64) { m[r] += n }
	child := func(path string) int64 {
		for _, c := range tree.Children {
			if strings.HasPrefix(path, c.Path) {
				return c.ID
			}
		}
		return tree.Root.ID
	}
	get := func(m map[int64]tally, k int64) tally {
		if m[k] == nil {
			m[k] = tally{}
		}
		return m[k]
	}
	gets := func(m map[string]tally, k string) tally {
		if m[k] == nil {
			m[k] = tally{}
		}
		return m[k]
	}
	days := make([]DayPoint, pl.Period.Days())
	for bi, b := range pl.Batches {
		if bi >= len(groups) {
			break
		}
		for _, g := range groups[bi] {
			for ci, r := range b.refs {
				n := g.Counts[ci]
				if r.day >= 0 {
					if r.figure == "intake" {
						days[r.day].Intake += n
					} else {
						days[r.day].Ended += n
					}
					continue
				}
				add(total, r, n)
				if b.Grouped {
					add(get(regionTally, child(g.RegionPath)), r, n)
					add(get(catTally, top[g.CategoryID]), r, n)
					add(gets(chanTally, g.Channel), r, n)
					add(gets(kindTally, g.Kind), r, n)
					add(gets(urgTally, g.Urgency), r, n)
					add(get(deptTally, g.Department), r, n)
				}
			}
		}
	}
	// Handling times, in working days.
	var durTotal [3][]int
	durRegion := map[int64][]int{}
	durDept := map[int64][]int{}
	durCat := map[int64][]int{}
	durChan, durKind, durUrg := map[string][]int{}, map[string][]int{}, map[string][]int{}
	for when, list := range spans {
		for _, sp := range list {
			d := cal.WorkdaysBetween(sp.Created, sp.Resolved)
			for range max(sp.Cases, 1) {
				durTotal[when] = append(durTotal[when], d)
				if when == 0 {
					k := child(sp.RegionPath)
					durRegion[k] = append(durRegion[k], d)
					durDept[sp.Department] = append(durDept[sp.Department], d)
					durCat[top[sp.CategoryID]] = append(durCat[top[sp.CategoryID]], d)
					durChan[sp.Channel] = append(durChan[sp.Channel], d)
					durKind[sp.Kind] = append(durKind[sp.Kind], d)
					durUrg[sp.Urgency] = append(durUrg[sp.Urgency], d)
				}
			}
		}
	}
	periods := pl.periods()
	value := func(id string, t tally, durs []int, when int, cut Cut) Value {
		f, _ := ByID(id)
		per := periods[when]
		v := Value{Figure: id, Link: pl.link(f, Num, per, cut)}
		switch f.Kind {
		case Count:
			v.Num = t[ref{id, Num, when, -1}]
			v.Value = float64(v.Num)
		case Rate:
			v.Num, v.Den = t[ref{id, Num, when, -1}], t[ref{id, Den, when, -1}]
			v.DenLink = pl.link(f, Den, per, cut)
			if v.Den == 0 {
				v.Empty = true
			} else {
				v.Value = math.Round(float64(v.Num)*1000/float64(v.Den)) / 10
			}
		case Days:
			v.Num = int64(len(durs))
			if len(durs) == 0 {
				v.Empty = true
			} else if id == "median_days" {
				v.Value = median(durs)
			} else {
				sum := 0
				for _, d := range durs {
					sum += d
				}
				v.Value = math.Round(float64(sum)*10/float64(len(durs))) / 10
			}
		}
		return v
	}
	for _, id := range append(slices.Clone(Headlines), WarningFlow...) {
		f, _ := ByID(id)
		h := Headline{Value: value(id, total, durTotal[0], 0, pl.Cut)}
		if !f.Now {
			prev, ago := value(id, total, durTotal[1], 1, pl.Cut), value(id, total, durTotal[2], 2, pl.Cut)
			h.Prev, h.YearAgo = &prev, &ago
			h.Ring, h.YoY = change(f, h.Value, prev), change(f, h.Value, ago)
		}
		res.Headline = append(res.Headline, h)
	}
	regionCols, breakCols, deptCols := RegionColumns, BreakdownColumns, DepartmentColumns
	if pl.Columns != nil { // a report's own choice of columns, for every breakdown
		regionCols, breakCols, deptCols = pl.Columns, pl.Columns, pl.Columns
	}
	row := func(cols []string, t tally, durs []int, cut Cut) []Value {
		out := make([]Value, len(cols))
		for i, id := range cols {
			out[i] = value(id, t, durs, 0, cut)
		}
		return out
	}
	// Regions: the root's own cases, then each region below it.
	withRegion := func(r model.Region) Cut {
		c := pl.Cut
		c.RegionID, c.RegionPath = r.ID, r.Path
		return c
	}
	if t := regionTally[tree.Root.ID]; t != nil {
		// The root's own cases (本级): with regions below it, its list holds the cases
		// placed at the root itself (region_only), as the row counts them.
		cut := withRegion(tree.Root)
		cut.RegionOnly = len(tree.Children) > 0
		res.Regions = append(res.Regions, Row{ID: tree.Root.ID, Name: tree.Root.Name, Own: true,
			Values: row(regionCols, t, durRegion[tree.Root.ID], cut)})
	}
	for _, c := range tree.Children {
		res.Regions = append(res.Regions, Row{ID: c.ID, Name: c.Name, Drill: tree.HasBelow[c.ID],
			Values: row(regionCols, get(regionTally, c.ID), durRegion[c.ID], withRegion(c))})
	}
	labels := CategoryLabels(tree.Categories, tree.Kinds)
	for _, c := range tree.Categories {
		// Under a cut by kind or category, the other rows would count nothing while
		// their links dropped the cut: they are left out.
		if c.ParentID != 0 || (pl.Cut.Kind != "" && string(c.Kind) != pl.Cut.Kind) ||
			(pl.Cut.CategoryID != 0 && c.ID != pl.Cut.CategoryID && c.ID != top[pl.Cut.CategoryID]) {
			continue
		}
		t := catTally[c.ID]
		if t == nil && !c.Active {
			continue
		}
		cut := pl.Cut
		if cut.CategoryID == 0 {
			cut.CategoryID = c.ID
		}
		res.Categories = append(res.Categories, Row{ID: c.ID, Code: c.Code, Name: labels[c.ID], Values: row(breakCols, get(catTally, c.ID), durCat[c.ID], cut)})
	}
	for _, ch := range tree.Channels {
		if pl.Cut.Channel != "" && ch.Code != pl.Cut.Channel {
			continue
		}
		cut := pl.Cut
		cut.Channel = ch.Code
		res.Channels = append(res.Channels, Row{Code: ch.Code, Name: ch.Name, Values: row(breakCols, gets(chanTally, ch.Code), durChan[ch.Code], cut)})
	}
	for _, k := range tree.Kinds {
		if pl.Cut.Kind != "" && k.Code != pl.Cut.Kind {
			continue
		}
		cut := pl.Cut
		cut.Kind = k.Code
		res.Kinds = append(res.Kinds, Row{Code: k.Code, Name: k.Name, Values: row(breakCols, gets(kindTally, k.Code), durKind[k.Code], cut)})
	}
	for _, k := range tree.Urgencies {
		if pl.Cut.Urgency != "" && k.Code != pl.Cut.Urgency {
			continue
		}
		cut := pl.Cut
		cut.Urgency = k.Code
		res.Urgencies = append(res.Urgencies, Row{Code: k.Code, Name: k.Name, Values: row(breakCols, gets(urgTally, k.Code), durUrg[k.Code], cut)})
	}
	listed := map[int64]bool{}
	for _, d := range tree.Departments {
		listed[d.ID] = true
		if (pl.Cut.LeadDepartmentID != 0 && d.ID != pl.Cut.LeadDepartmentID) || pl.Cut.NoLeadDepartment || (deptTally[d.ID] == nil && !d.Active) {
			continue
		}
		cut := pl.Cut
		cut.LeadDepartmentID = d.ID
		res.Departments = append(res.Departments, Row{ID: d.ID, Code: d.Code, Name: d.Name, Values: row(deptCols, get(deptTally, d.ID), durDept[d.ID], cut)})
	}
	if pl.Cut.LeadDepartmentID == 0 {
		cut := pl.Cut
		cut.NoLeadDepartment = true
		res.Departments = append(res.Departments, Row{Name: tree.NoDepartment, Values: row(deptCols, get(deptTally, 0), durDept[0], cut)})
	}
	// A department of another subtree may lead a case of this one (a county bureau on
	// a township's case): it has its row too.
	others := slices.Sorted(maps.Keys(deptTally))
	for _, id := range others {
		if id != 0 && !listed[id] && (pl.Cut.LeadDepartmentID == 0 || id == pl.Cut.LeadDepartmentID) && !pl.Cut.NoLeadDepartment {
			cut := pl.Cut
			cut.LeadDepartmentID = id
			res.Departments = append(res.Departments, Row{ID: id, Name: tree.DepartmentName(id), Values: row(deptCols, deptTally[id], durDept[id], cut)})
		}
	}
	sortRows(res.Departments)
	sortRows(res.Categories)
	sortRows(res.Channels)
	intakeFig, _ := ByID("intake")
	endedFig, _ := ByID("ended")
	for i := range days {
		d := Period{Day, pl.Period.From.AddDate(0, 0, i), pl.Period.From.AddDate(0, 0, i+1)}
		days[i].Day = d.FromDate()
		days[i].IntakeLink = pl.link(intakeFig, Num, d, pl.Cut)
		days[i].EndedLink = pl.link(endedFig, Num, d, pl.Cut)
	}
	if pl.Period.Days() <= 400 {
		res.Daily = days
	}
	return res
}

// sortRows puts the rows with the most intake first, keeping the dictionary's order
// among equals.
func sortRows(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Values[0].Num > rows[j].Values[0].Num })
}

func median(ds []int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

// change is cur against was: the difference in points for a rate, in per cent for a
// count or a duration; nil when there is nothing to compare with.
func change(f Figure, cur, was Value) *float64 {
	if cur.Empty || was.Empty {
		return nil
	}
	var d float64
	if f.Kind == Rate {
		d = cur.Value - was.Value
	} else {
		if was.Value == 0 {
			return nil
		}
		d = (cur.Value - was.Value) * 100 / was.Value
	}
	d = math.Round(d*10) / 10
	return &d
}

// link is the case list holding the cases of part of f in period p, within cut.
func (pl *Plan) link(f Figure, part Part, p Period, cut Cut) string {
	if f.Kind == Days {
		f, _ = ByID("ended") // a duration's cases are the ended ones it is measured over
		part = Num
	}
	q := ListQuery(f, part, p, cut)
	return "/cases?" + q.Encode()
}

// ListQuery is the case list's query for the cases of part of f in p, within cut.
func ListQuery(f Figure, part Part, p Period, cut Cut) url.Values {
	q := url.Values{"queue": {"all"}, "stat": {f.ID}}
	if part == Den {
		q.Set("part", string(Den))
	}
	if !f.Now {
		q.Set("from", p.FromDate())
		q.Set("to", p.ToDate())
	}
	if cut.RegionID != 0 {
		q.Set("region_id", strconv.FormatInt(cut.RegionID, 10))
	}
	if cut.CategoryID != 0 {
		q.Set("category_id", strconv.FormatInt(cut.CategoryID, 10))
	}
	if cut.Channel != "" {
		q.Set("channel", cut.Channel)
	}
	if cut.Kind != "" {
		q.Set("kind", cut.Kind)
	}
	if cut.Urgency != "" {
		q.Set("urgency", cut.Urgency)
	}
	if cut.LeadDepartmentID != 0 {
		q.Set("lead_department_id", strconv.FormatInt(cut.LeadDepartmentID, 10))
	}
	if cut.NoLeadDepartment {
		q.Set("lead_department_id", NoDepartment)
	}
	if cut.RegionOnly && cut.RegionID != 0 {
		q.Set("region_only", "1")
	}
	if cut.DepartmentID != 0 {
		q.Set("department_id", strconv.FormatInt(cut.DepartmentID, 10))
	}
	return q
}
