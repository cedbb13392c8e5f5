package report

import (
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// The rollups (docs/statistics.md, "Rollups") are the figures' counts kept per day,
// leaf region, category, channel, kind, urgency and lead department, so that a
// dashboard adds up days instead of counting cases. A side is the cases a day counts:
// its intake (by the day registered) or its endings (by the day the standing
// resolution was made); a column counts those of them meeting a condition. The
// conditions are the figures' own (Figures), less their period; a test holds the
// figures read from the rollups equal to the figures counted from the cases.

// RollupSide is one side of the rollups: Base, the cases it counts (a period's
// intake or endings without the period), and the condition of each column.
type RollupSide struct {
	Name    string
	Base    model.CaseCond
	Columns map[string]model.CaseCond // a column not named counts nothing on this side
}

// RollupColumns are the rollups' count columns, in the order the store reads them.
var RollupColumns = []string{"cases", "resolving", "on_time", "visited", "satisfied", "reopened", "local_end", "grp", "repeated"}

// The sides' names, as the rollups' side column holds them.
const (
	SideIntake = "in"
	SideEnded  = "end"
)

// RollupSides are the two sides, each with the conditions of its columns.
var RollupSides = []RollupSide{
	{Name: SideIntake, Base: intake(Period{}, time.Time{}), Columns: map[string]model.CaseCond{
		"cases":    {},
		"grp":      {Group: true},
		"repeated": {RepeatParty: true},
	}},
	{Name: SideEnded, Base: model.CaseCond{}, Columns: map[string]model.CaseCond{
		"cases":     {},
		"resolving": {Outcomes: ResolvingOutcomes},
		"on_time":   {OnTime: true},
		"visited":   {States: visitedStates},
		"satisfied": {States: visitedStates, Satisfactions: satisfiedRatings},
		"reopened":  {Reopened: true},
		"local_end": {EndedLow: true},
	}},
}

// rollupPart is which side and columns a figure's numerator and denominator are.
type rollupPart struct{ side, num, den string }

// rollupParts are the figures read from the rollups (重复来访率 too: whether a case
// repeats is decided when it is registered, and kept on it). The others are not
// additive over days and groups, or are of the present moment: the durations (working days by the calendar in
// force, and a median), 超期件, 将到期 and the warnings now (the open cases' deadlines
// and colours at this moment), 上报/下派 and the warnings raised and cleared (read from
// the period's events), and 督办 (from the period's orders), each through its index.
var rollupParts = map[string]rollupPart{
	"intake":            {SideIntake, "cases", ""},
	"group_intake":      {SideIntake, "grp", ""},
	"repeat_rate":       {SideIntake, "repeated", "cases"},
	"ended":             {SideEnded, "cases", ""},
	"resolve_rate":      {SideEnded, "resolving", "cases"},
	"on_time_rate":      {SideEnded, "on_time", "cases"},
	"visit_rate":        {SideEnded, "visited", "cases"},
	"satisfaction_rate": {SideEnded, "satisfied", "visited"},
	"reopen_rate":       {SideEnded, "reopened", "cases"},
	"local_rate":        {SideEnded, "local_end", "cases"},
}

// RollupRead is how a batch is read from the rollups: the side's days of the period
// [From, To), each of the batch's conditions a column (Columns[i] for Conds[i]);
// ByDay, each condition is one day's (the chart's).
type RollupRead struct {
	Side     string
	From, To time.Time
	ByDay    bool
	Columns  []string
}

// Days is the period's first day and the day after its last, as the rollups' day
// column holds them (China time).
func (r *RollupRead) Days() (from, to string) {
	return r.From.In(workflow.ChinaTime).Format(time.DateOnly), r.To.In(workflow.ChinaTime).Format(time.DateOnly)
}

// RollupSums is what the store read from the rollups for one group (its key in
// Group, its Counts empty) and, ByDay, one day: the sum of each of RollupColumns.
type RollupSums struct {
	Group
	Day     string
	Elapsed int // endings read with their handling times: calendar days since registration
	Sums    []int64
}

// SpansFromRollups turns the endings the store read by day and days elapsed
// (RollupEndings) into the spans of their handling times, one a group of cases.
func SpansFromRollups(rows []RollupSums) []Span {
	col := 0 // "cases"
	out := make([]Span, 0, len(rows))
	for _, r := range rows {
		end, err := time.ParseInLocation(time.DateOnly, r.Day, workflow.ChinaTime)
		if err != nil || r.Sums[col] == 0 {
			continue
		}
		end = end.Add(12 * time.Hour)
		out = append(out, Span{RegionPath: r.RegionPath, Department: r.Department, CategoryID: r.CategoryID, Channel: r.Channel,
			Kind: r.Kind, Urgency: r.Urgency, Created: end.AddDate(0, 0, -r.Elapsed), Resolved: end, Cases: r.Sums[col]})
	}
	return out
}

// FromRollups turns the rows the store read for b (b.Rollup) into the groups its
// conditions count, as FigureCounts would have counted them from the cases.
func (b *Batch) FromRollups(rows []RollupSums) []Group {
	col := map[string]int{}
	for i, c := range RollupColumns {
		col[c] = i
	}
	from, _ := b.Rollup.Days()
	start, _ := time.ParseInLocation(time.DateOnly, from, workflow.ChinaTime)
	out := make([]Group, 0, len(rows))
	for _, r := range rows {
		g := r.Group
		g.Counts = make([]int64, len(b.Conds))
		day := -1
		if b.Rollup.ByDay {
			d, err := time.ParseInLocation(time.DateOnly, r.Day, workflow.ChinaTime)
			if err != nil {
				continue
			}
			day = int(d.Sub(start).Hours()+12) / 24
		}
		for i, c := range b.Rollup.Columns {
			if b.Rollup.ByDay && b.refs[i].day != day {
				continue
			}
			g.Counts[i] = r.Sums[col[c]]
		}
		out = append(out, g)
	}
	return out
}
