package report

import (
	"math"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Kind is what a figure's number is.
type Kind string

const (
	Count Kind = "count" // a number of cases
	Rate  Kind = "rate"  // numerator ÷ denominator, in per cent
	Days  Kind = "days"  // working days (a mean or a median over the ended cases)
)

// Part is which side of a figure a list shows: its cases (the numerator), or for a
// rate the cases it is a share of.
type Part string

const (
	Num Part = "num"
	Den Part = "den"
)

// Figure is one of the leader's numbers, defined once: its name, its definition in
// words (in the catalogue; shown on hover and in docs/statistics.md) and the conditions its cases meet.
type Figure struct {
	ID     string // its name and definition are the catalogue's figure.<ID>.name and .def
	Kind   Kind
	Now    bool // read at this moment (超期件 now), not over a period
	Better int  // +1 when more is better, -1 when less is, 0 neither
	// Aside: counted where it is shown (the analysis page, 研判), not in the
	// dashboard's plan, whose passes read other cases.
	Aside bool
	// Department: a figure of one department's parts (lead and co-handling), read
	// only for a department (Cut.DepartmentID); the dashboard, by region, has none.
	Department     bool
	num, den, base func(p Period, now time.Time) model.CaseCond
}

// Cond is the condition the cases behind part of f meet, in period p at now.
// A count has only its numerator; a duration's cases are its ended cases.
func (f Figure) Cond(part Part, p Period, now time.Time) (model.CaseCond, bool) {
	switch {
	case part == Num || part == "":
		return f.num(p, now), true
	case part == Den && f.den != nil:
		return f.den(p, now), true
	}
	return model.CaseCond{}, false
}

// The outcomes that resolve a matter (化解): a mediated agreement, written or oral, a
// claim supported, a hazard put right, a service done, and an explanation the party
// accepted. A diversion to court, arbitration or review, a claim not supported and a
// withdrawal end the case without resolving it.
var ResolvingOutcomes = []string{string(workflow.OutcomeMediatedAgreement), string(workflow.OutcomeMediatedOral),
	string(workflow.OutcomeSupported), string(workflow.OutcomeExplained), string(workflow.OutcomeRectified),
	string(workflow.OutcomeDone)}

// visitedStates are the states of a case whose last resolution has had its return
// visit (回访): a 不满意 reopens the case, so these are the rated resolutions.
var visitedStates = []string{string(workflow.StateFollowedUp), string(workflow.StateArchived)}

// satisfiedRatings count as 满意 in 满意率, as offices report it: 满意 and 基本满意.
var satisfiedRatings = []string{string(workflow.Satisfied), string(workflow.BasicallySatisfied)}

// WarnedLevels are the warning colours, the most serious first.
var WarnedLevels = []string{"red", "orange", "yellow", "blue"}

func intake(p Period, _ time.Time) model.CaseCond {
	return model.CaseCond{CreatedFrom: p.From, CreatedTo: p.To,
		NotStates: []string{string(workflow.StateRejected), string(workflow.StateMerged)}}
}

func ended(p Period, _ time.Time) model.CaseCond {
	return model.CaseCond{EndedFrom: p.From, EndedTo: p.To}
}

// endedAnd is the ended cases of the period meeting more.
func endedAnd(more func(c *model.CaseCond)) func(Period, time.Time) model.CaseCond {
	return func(p Period, now time.Time) model.CaseCond {
		c := ended(p, now)
		more(&c)
		return c
	}
}

func visited(c *model.CaseCond) { c.States = visitedStates }

// soonCases are the open cases whose deadline has passed or falls within the widest
// warning window: every case overdue or due soon is among them, and they are read
// through the (state, due_at) index rather than every open case.
func soonCases(_ Period, now time.Time) model.CaseCond {
	return model.CaseCond{States: OpenStates(), DueTo: now.Add(workflow.WarnWindow(workflow.UrgencyNormal))}
}

func warnedCases(Period, time.Time) model.CaseCond { return model.CaseCond{RiskLevels: WarnedLevels} }

func warned(level string) func(Period, time.Time) model.CaseCond {
	return func(Period, time.Time) model.CaseCond { return model.CaseCond{RiskLevels: []string{level}} }
}

// dueSoon is 将到期 as every list shows it (workflow.DueStatus, workflow.WarnWindow).
func dueSoon(_ Period, now time.Time) model.CaseCond {
	return model.CaseCond{DueSoon: true, DueFrom: now, UrgentCode: string(workflow.UrgencyCritical),
		DueSoonUrgentTo: now.Add(workflow.WarnWindow(workflow.UrgencyCritical)),
		DueSoonTo:       now.Add(workflow.WarnWindow(workflow.UrgencyNormal))}
}

func overdue(_ Period, now time.Time) model.CaseCond {
	return model.CaseCond{Overdue: true, DueFrom: now}
}

// intakeAnd is the period's intake meeting more.
func intakeAnd(more func(c *model.CaseCond)) func(Period, time.Time) model.CaseCond {
	return func(p Period, now time.Time) model.CaseCond {
		c := intake(p, now)
		more(&c)
		return c
	}
}

// LongOpenDays is how long a case must have been open to count among the cases open
// longest (长期未结): two months, beyond any handling deadline but a petition's
// extended one.
const LongOpenDays = 60

// longOpen are the cases not yet resolved now that were registered more than
// LongOpenDays ago (a case resolved and awaiting its check or return visit is not
// among them: its handling has ended).
func longOpen(_ Period, now time.Time) model.CaseCond {
	return model.CaseCond{States: UnresolvedStates(), OpenedBefore: now.AddDate(0, 0, -LongOpenDays)}
}

// UnresolvedStates are the open states before a resolution: registered, accepted,
// assigned, in progress, suspended.
func UnresolvedStates() []string {
	var out []string
	for _, s := range OpenStates() {
		switch workflow.State(s) {
		case workflow.StateResolved, workflow.StateVerified, workflow.StateFollowedUp:
		default:
			out = append(out, s)
		}
	}
	return out
}

// OpenStates are the states of a case still being worked on.
func OpenStates() []string {
	var open []string
	for _, s := range workflow.AllStates {
		if s.Open() {
			open = append(open, string(s))
		}
	}
	return open
}

// supervised is the cases with a supervision order (督办) issued in the period.
func supervised(p Period, _ time.Time) model.CaseCond {
	return model.CaseCond{SupervisedFrom: p.From, SupervisedTo: p.To}
}

func supervisedRed(p Period, now time.Time) model.CaseCond {
	c := supervised(p, now)
	c.SupervisedLevels = []string{"red"}
	return c
}

// supervisionDue is the cases with an order issued in the period whose reply was
// due by now: the orders a reply on time can be asked of.
func supervisionDue(p Period, now time.Time) model.CaseCond {
	c := supervised(p, now)
	c.SupervisionDueBy = now
	return c
}

func supervisionOnTime(p Period, now time.Time) model.CaseCond {
	c := supervisionDue(p, now)
	c.SupervisionOnTime = true
	return c
}

// partsOf is a department's parts finished in the period or fallen late in it,
// narrowed to mode (model.PartOnTime, model.PartLate).
func partsOf(mode string) func(Period, time.Time) model.CaseCond {
	return func(p Period, now time.Time) model.CaseCond {
		return model.CaseCond{PartsFrom: p.From, PartsTo: p.To, PartsNow: now, PartMode: mode}
	}
}

// levelOrder is the warning levels, the least serious first.
var levelOrder = []string{"none", "blue", "yellow", "orange", "red"}

// levelsBelow is the levels less serious than level.
func levelsBelow(level string) []string {
	for i, l := range levelOrder {
		if l == level {
			return levelOrder[:i]
		}
	}
	return nil
}

// eventsIn is the cases with an event of one of actions in the period: 上报
// (escalate) and 下派 (delegate) count a case once however often it moved.
func eventsIn(actions ...string) func(Period, time.Time) model.CaseCond {
	return func(p Period, _ time.Time) model.CaseCond {
		return model.CaseCond{EventActions: actions, EventFrom: p.From, EventTo: p.To}
	}
}

// warnRaised is the cases whose warning rose to level in the period (from any lower
// level, none included: a warning set at registration is raised).
func warnRaised(level string) func(Period, time.Time) model.CaseCond {
	return func(p Period, now time.Time) model.CaseCond {
		c := eventsIn("warning")(p, now)
		c.WarningTo, c.WarningFrom = []string{level}, levelsBelow(level)
		return c
	}
}

// warnCleared is the cases whose warning of level was lowered or lifted in the
// period: the colour was dealt with (化解), whether it stepped down or was cleared.
func warnCleared(level string) func(Period, time.Time) model.CaseCond {
	return func(p Period, now time.Time) model.CaseCond {
		c := eventsIn("warning")(p, now)
		c.WarningFrom, c.WarningTo = []string{level}, levelsBelow(level)
		return c
	}
}

// Figures are every figure, in the order the dashboard and the report show them.
var Figures = []Figure{
	{ID: "intake", Kind: Count,
		num: intake, base: intake},
	{ID: "ended", Kind: Count, Better: 1,
		num: ended, base: ended},
	{ID: "resolve_rate", Kind: Rate, Better: 1,
		num: endedAnd(func(c *model.CaseCond) { c.Outcomes = ResolvingOutcomes }), den: ended, base: ended},
	{ID: "on_time_rate", Kind: Rate, Better: 1,
		num: endedAnd(func(c *model.CaseCond) { c.OnTime = true }), den: ended, base: ended},
	{ID: "avg_days", Kind: Days, Better: -1,
		num: ended, base: ended},
	{ID: "median_days", Kind: Days, Better: -1,
		num: ended, base: ended},
	{ID: "visit_rate", Kind: Rate, Better: 1,
		num: endedAnd(visited), den: ended, base: ended},
	{ID: "satisfaction_rate", Kind: Rate, Better: 1,
		num: endedAnd(func(c *model.CaseCond) { visited(c); c.Satisfactions = satisfiedRatings }),
		den: endedAnd(visited), base: ended},
	{ID: "reopen_rate", Kind: Rate, Better: -1,
		num: endedAnd(func(c *model.CaseCond) { c.Reopened = true }), den: ended, base: ended},
	{ID: "local_rate", Kind: Rate, Better: 1,
		num: endedAnd(func(c *model.CaseCond) { c.EndedLow = true }), den: ended, base: ended},
	{ID: "repeat_rate", Kind: Rate, Better: -1,
		num: intakeAnd(func(c *model.CaseCond) { c.RepeatParty = true }), den: intake, base: intake},
	{ID: "group_intake", Kind: Count, Better: -1,
		num: intakeAnd(func(c *model.CaseCond) { c.Group = true }), base: intake},
	{ID: "supervised", Kind: Count, Better: -1,
		num: supervised, base: supervised},
	{ID: "supervised_red", Kind: Count, Better: -1,
		num: supervisedRed, base: supervised},
	{ID: "supervision_reply_rate", Kind: Rate, Better: 1,
		num: supervisionOnTime, den: supervisionDue, base: supervised},
	{ID: "dept_on_time_rate", Kind: Rate, Better: 1, Department: true,
		num: partsOf(model.PartOnTime), den: partsOf(model.PartAny), base: partsOf(model.PartAny)},
	{ID: "dept_late_parts", Kind: Count, Better: -1, Department: true,
		num: partsOf(model.PartLate), base: partsOf(model.PartAny)},
	{ID: "overdue", Kind: Count, Now: true, Better: -1,
		num: overdue, base: soonCases},
	{ID: "due_soon", Kind: Count, Now: true, Better: -1,
		num: dueSoon, base: soonCases},
	{ID: "warn_red", Kind: Count, Now: true, Better: -1,
		num: warned("red"), base: warnedCases},
	{ID: "warn_orange", Kind: Count, Now: true, Better: -1,
		num: warned("orange"), base: warnedCases},
	{ID: "warn_yellow", Kind: Count, Now: true, Better: -1,
		num: warned("yellow"), base: warnedCases},
	{ID: "warn_blue", Kind: Count, Now: true, Better: -1,
		num: warned("blue"), base: warnedCases},
	{ID: "escalated", Kind: Count,
		num: eventsIn(string(workflow.ActionEscalate)), base: eventsIn(string(workflow.ActionEscalate), string(workflow.ActionDelegate))},
	{ID: "delegated", Kind: Count,
		num: eventsIn(string(workflow.ActionDelegate)), base: eventsIn(string(workflow.ActionEscalate), string(workflow.ActionDelegate))},
	{ID: "warn_raised_red", Kind: Count, Better: -1, num: warnRaised("red"), base: eventsIn("warning")},
	{ID: "warn_raised_orange", Kind: Count, Better: -1, num: warnRaised("orange"), base: eventsIn("warning")},
	{ID: "warn_raised_yellow", Kind: Count, Better: -1, num: warnRaised("yellow"), base: eventsIn("warning")},
	{ID: "warn_raised_blue", Kind: Count, Better: -1, num: warnRaised("blue"), base: eventsIn("warning")},
	{ID: "warn_cleared_red", Kind: Count, Better: 1, num: warnCleared("red"), base: eventsIn("warning")},
	{ID: "warn_cleared_orange", Kind: Count, Better: 1, num: warnCleared("orange"), base: eventsIn("warning")},
	{ID: "warn_cleared_yellow", Kind: Count, Better: 1, num: warnCleared("yellow"), base: eventsIn("warning")},
	{ID: "warn_cleared_blue", Kind: Count, Better: 1, num: warnCleared("blue"), base: eventsIn("warning")},
	{ID: "open_long", Kind: Count, Now: true, Better: -1, Aside: true,
		num: longOpen, base: longOpen},
}

// ByID finds a figure by its ID.
func ByID(id string) (Figure, bool) {
	for _, f := range Figures {
		if f.ID == id {
			return f, true
		}
	}
	return Figure{}, false
}

// Local gives the figure's name and definition in locale.
func (f Figure) Local(locale string) (name, def string) {
	return i18n.T(locale, "figure."+f.ID+".name"), i18n.T(locale, "figure."+f.ID+".def")
}

// ListCond reads the figure a case list is asked to hold, as the figures' links give
// it (stat=on_time_rate&part=den&from=2026-12-01&to=2026-12-31): the condition the
// list applies, nil when stat is empty. A figure of a period needs its days; one of
// the present moment is read at now.
func ListCond(stat, part, from, to string, now time.Time) (*model.CaseCond, error) {
	return ListCondOf(stat, part, from, to, 0, now)
}

// ListCondOf is ListCond for the cases of one department (department_id), as the
// evaluation's scores of departments link them: its parts for a department figure,
// the cases it led and the orders addressed to it for the others.
func ListCondOf(stat, part, from, to string, department int64, now time.Time) (*model.CaseCond, error) {
	if stat == "" {
		if department != 0 {
			return nil, model.Invalid("department_id", "invalid", "invalid.stats.department_without_stat")
		}
		if part != "" {
			return nil, model.Invalid("part", "invalid", "invalid.stats.part_without_stat")
		}
		return nil, nil
	}
	f, ok := ByID(stat)
	if !ok {
		return nil, model.Invalid("stat", "invalid", "invalid.stats.figure")
	}
	var p Period
	if !f.Now {
		var err error
		if from == "" && to == "" {
			return nil, model.Invalid("from", "required", "invalid.stats.dates_required")
		}
		if p, err = ParsePeriod("", "", from, to, now); err != nil {
			return nil, err
		}
	}
	c, ok := f.Cond(Part(part), p, now)
	if !ok || (part != "" && part != string(Num) && part != string(Den)) {
		return nil, model.Invalid("part", "invalid", "invalid.stats.part")
	}
	if f.Department && department == 0 {
		return nil, model.Invalid("department_id", "required", "invalid.stats.department_required")
	}
	c.DepartmentID = department
	return &c, nil
}

// Base is the condition of the cases among which f is counted in period p: a
// superset of both its parts, read through its own index.
func (f Figure) Base(p Period, now time.Time) model.CaseCond { return f.base(p, now) }

// BatchKey names the figures counted among the same cases, so one pass counts them all.
func (f Figure) BatchKey() string {
	if f.Department {
		return "parts"
	}
	return baseName(f)
}

// ValueOf is f's value from its counted parts in period p within cut, linked to the
// case lists holding them: a count, or a rate in per cent to one decimal, Empty when
// its denominator is nothing. (Durations are not made here.)
func ValueOf(f Figure, num, den int64, p Period, cut Cut) Value {
	v := Value{Figure: f.ID, Num: num, Value: float64(num)}
	q := ListQuery(f, Num, p, cut)
	v.Link = "/cases?" + q.Encode()
	if f.Kind == Rate {
		v.Den, v.Value = den, 0
		dq := ListQuery(f, Den, p, cut)
		v.DenLink = "/cases?" + dq.Encode()
		if den == 0 {
			v.Empty = true
		} else {
			v.Value = math.Round(float64(num)*1000/float64(den)) / 10
		}
	}
	return v
}
