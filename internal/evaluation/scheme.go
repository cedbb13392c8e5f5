// Package evaluation scores the work of township centres and county departments
// (督导考核, 考评) by a scheme an administrator edits: which of the leader's figures
// count, their weights and how each is scored. It ranks the scored units of a period
// against each other and against the period before. It does no I/O: the figures come
// from the store through internal/report, the scheme and the published rankings are
// kept by the store.
//
// It scores outcomes, not activity: a figure that counts records entered or cases
// handled (受理量, 办结量) cannot be scored, so no unit earns points by entering more.
package evaluation

import (
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
)

// Targets is whom a scheme scores.
type Targets string

const (
	Townships   Targets = "township"   // the township (street) centres: each township's cases
	Departments Targets = "department" // the county departments: the parts each was given
)

// Method is how an item turns its figure into points.
type Method string

const (
	// Linear: full marks at Full or better, nothing at Zero or worse, in a straight
	// line between (按期办结率 ≥ 95% full marks, 0 at 60%; 重新办理率 ≤ 2% full, 0 at 10%).
	Linear Method = "linear"
	// PerItem: the weight less Per points for each case counted, never below nothing
	// (each 红牌督办 −2).
	PerItem Method = "per_item"
)

// Item is one scored figure of a scheme.
type Item struct {
	Figure string  `json:"figure"`
	Weight float64 `json:"weight"` // the most points it gives
	Method Method  `json:"method"`
	Full   float64 `json:"full,omitempty"` // Linear: the figure's value (per cent) earning full marks
	Zero   float64 `json:"zero,omitempty"` // Linear: the value earning nothing
	Per    float64 `json:"per,omitempty"`  // PerItem: points off per case
}

// Scheme is an evaluation scheme (考评方案).
type Scheme struct {
	Code    string        `json:"code"`
	Name    string        `json:"name"`
	Targets Targets       `json:"targets"`
	Units   []report.Unit `json:"units"` // the periods it is computed for: month, quarter, year
	Items   []Item        `json:"items"`
}

// Units are the periods a scheme may be computed for.
var Units = []report.Unit{report.Month, report.Quarter, report.Year}

// centreOnly are figures of a centre's own work (回访, 就地化解) that say nothing of a
// department's.
var centreOnly = map[string]bool{"visit_rate": true, "local_rate": true}

// Scorable reports whether figure f may be scored for targets t: a rate, or a count
// of something that should not happen (a deduction); read over a period, not at a
// moment; a department's figure only for departments, a centre's only for townships.
func Scorable(f report.Figure, t Targets) bool {
	if f.Now || f.Kind == report.Days {
		return false
	}
	if f.Kind == report.Count && f.Better >= 0 { // a count of records or of work done: activity
		return false
	}
	if f.Department && t != Departments {
		return false
	}
	if centreOnly[f.ID] && t != Townships {
		return false
	}
	return true
}

// ScorableFigures are the figures a scheme for t may score, in the figures' order.
func ScorableFigures(t Targets) []report.Figure {
	var out []report.Figure
	for _, f := range report.Figures {
		if Scorable(f, t) {
			out = append(out, f)
		}
	}
	return out
}

// Limits of a scheme.
const (
	MaxItems     = 20
	MaxWeight    = 100
	MaxTotal     = 1000
	MaxNameRunes = 40
)

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// Problem is one thing wrong with a scheme: the field (its JSON path, items.2.full),
// a code, and the field error saying it.
type Problem struct {
	Field string
	Code  string
	Err   *model.FieldError
}

// Problems lists every problem with s, nil when there is none.
func (s Scheme) Problems() []Problem {
	var ps []Problem
	bad := func(err error) {
		fe := err.(*model.FieldError)
		ps = append(ps, Problem{Field: fe.Field, Code: fe.Code, Err: fe})
	}
	if !codePattern.MatchString(s.Code) {
		bad(model.Invalid("code", "invalid", "invalid.evaluation.code"))
	}
	if n := utf8.RuneCountInString(s.Name); n == 0 {
		bad(model.Invalid("name", "required", "invalid.evaluation.name_required"))
	} else if n > MaxNameRunes {
		bad(model.Invalid("name", "too_long", "invalid.evaluation.name_too_long", MaxNameRunes))
	}
	if s.Targets != Townships && s.Targets != Departments {
		bad(model.Invalid("targets", "invalid", "invalid.evaluation.targets"))
	}
	if len(s.Units) == 0 {
		bad(model.Invalid("units", "required", "invalid.evaluation.units_required"))
	}
	seenUnit := map[report.Unit]bool{}
	for _, u := range s.Units {
		if !slices.Contains(Units, u) || seenUnit[u] {
			bad(model.Invalid("units", "invalid", "invalid.evaluation.units"))
			break
		}
		seenUnit[u] = true
	}
	if len(s.Items) == 0 {
		bad(model.Invalid("items", "required", "invalid.evaluation.items_required"))
	}
	if len(s.Items) > MaxItems {
		bad(model.Invalid("items", "too_many", "invalid.evaluation.items_too_many", MaxItems))
	}
	total := 0.0
	seen := map[string]bool{}
	for i, it := range s.Items {
		field := func(name string) string { return fmt.Sprintf("items.%d.%s", i, name) }
		f, known := report.ByID(it.Figure)
		switch {
		case !known:
			bad(model.Invalid(field("figure"), "invalid", "invalid.evaluation.figure"))
		case !Scorable(f, s.Targets):
			bad(model.Invalid(field("figure"), "not_scorable", "invalid.evaluation.figure_not_scorable"))
		case seen[it.Figure]:
			bad(model.Invalid(field("figure"), "duplicate", "invalid.evaluation.figure_twice"))
		}
		seen[it.Figure] = true
		if !(it.Weight > 0 && it.Weight <= MaxWeight) {
			bad(model.Invalid(field("weight"), "between", "invalid.evaluation.weight", MaxWeight))
		} else {
			total += it.Weight
		}
		switch it.Method {
		case Linear:
			if known && f.Kind != report.Rate {
				bad(model.Invalid(field("method"), "rate_only", "invalid.evaluation.linear_rate_only"))
			}
			for _, v := range []struct {
				name string
				v    float64
			}{{"full", it.Full}, {"zero", it.Zero}} {
				if v.v < 0 || v.v > 100 {
					bad(model.Invalid(field(v.name), "between", "invalid.evaluation.percent"))
				}
			}
			switch {
			case it.Full == it.Zero:
				bad(model.Invalid(field("zero"), "equal", "invalid.evaluation.full_equals_zero"))
			case known && f.Better > 0 && it.Full < it.Zero:
				bad(model.Invalid(field("full"), "direction", "invalid.evaluation.higher_is_better"))
			case known && f.Better < 0 && it.Full > it.Zero:
				bad(model.Invalid(field("full"), "direction", "invalid.evaluation.lower_is_better"))
			}
		case PerItem:
			if known && f.Kind != report.Count {
				bad(model.Invalid(field("method"), "count_only", "invalid.evaluation.per_item_count_only"))
			}
			if !(it.Per > 0 && it.Per <= it.Weight) {
				bad(model.Invalid(field("per"), "between", "invalid.evaluation.per"))
			}
		default:
			bad(model.Invalid(field("method"), "invalid", "invalid.evaluation.method"))
		}
	}
	if total > MaxTotal {
		bad(model.Invalid("items", "total", "invalid.evaluation.total", MaxTotal))
	}
	return ps
}

// Validate is the first problem with s as a field error, or nil.
func (s Scheme) Validate() error {
	if ps := s.Problems(); len(ps) > 0 {
		return ps[0].Err
	}
	return nil
}

// MaxPoints is the sum of the items' weights: a unit doing everything well scores it.
func (s Scheme) MaxPoints() float64 {
	t := 0.0
	for _, it := range s.Items {
		t += it.Weight
	}
	return t
}

// HasUnit reports whether s is computed for periods of unit u.
func (s Scheme) HasUnit(u report.Unit) bool { return slices.Contains(s.Units, u) }

// Defaults are the schemes shipped: one for the township centres, one for the county
// departments, each monthly, quarterly and yearly, after the seeds' 督导考核 (按期办结,
// 化解, 满意 as the main marks; 红牌督办 and 重新办理 as deductions). An administrator
// edits them, and may add others.
func Defaults() []Scheme {
	all := []report.Unit{report.Month, report.Quarter, report.Year}
	return []Scheme{
		{Code: "township", Name: "乡镇（街道）综治中心考评", Targets: Townships, Units: all, Items: []Item{
			{Figure: "on_time_rate", Weight: 25, Method: Linear, Full: 95, Zero: 60},
			{Figure: "resolve_rate", Weight: 25, Method: Linear, Full: 90, Zero: 50},
			{Figure: "satisfaction_rate", Weight: 20, Method: Linear, Full: 95, Zero: 60},
			{Figure: "supervision_reply_rate", Weight: 10, Method: Linear, Full: 100, Zero: 50},
			{Figure: "reopen_rate", Weight: 10, Method: Linear, Full: 2, Zero: 10},
			{Figure: "supervised_red", Weight: 10, Method: PerItem, Per: 2},
		}},
		{Code: "department", Name: "县直部门考评", Targets: Departments, Units: all, Items: []Item{
			{Figure: "dept_on_time_rate", Weight: 35, Method: Linear, Full: 95, Zero: 60},
			{Figure: "resolve_rate", Weight: 20, Method: Linear, Full: 90, Zero: 50},
			{Figure: "satisfaction_rate", Weight: 15, Method: Linear, Full: 95, Zero: 60},
			{Figure: "supervision_reply_rate", Weight: 10, Method: Linear, Full: 100, Zero: 50},
			{Figure: "dept_late_parts", Weight: 10, Method: PerItem, Per: 1},
			{Figure: "supervised_red", Weight: 10, Method: PerItem, Per: 2},
		}},
	}
}
