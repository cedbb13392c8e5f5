package report

import (
	"time"

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
// words (shown on hover and in docs/statistics.md) and the conditions its cases meet.
type Figure struct {
	ID             string
	Name, NameEN   string
	Def, DefEN     string
	Kind           Kind
	Now            bool // read at this moment (超期件 now), not over a period
	Better         int  // +1 when more is better, -1 when less is, 0 neither
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

func openCases(Period, time.Time) model.CaseCond {
	var open []string
	for _, s := range workflow.AllStates {
		if s.Open() {
			open = append(open, string(s))
		}
	}
	return model.CaseCond{States: open}
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

// Figures are every figure, in the order the dashboard and the report show them.
var Figures = []Figure{
	{ID: "intake", Name: "受理量", NameEN: "Intake", Kind: Count,
		Def:   "统计期内登记的事项件数，不含不予受理和并案的重复件。",
		DefEN: "Matters registered in the period, not counting those rejected or merged into another case.",
		num:   intake, base: intake},
	{ID: "ended", Name: "办结量", NameEN: "Ended", Kind: Count, Better: 1,
		Def:   "统计期内办结（作出办理结果）的事项件数；因不满意重新办理的，以最后一次办结为准。",
		DefEN: "Cases resolved in the period; a case reopened after an unsatisfied visit counts when it is last resolved.",
		num:   ended, base: ended},
	{ID: "resolve_rate", Name: "化解率", NameEN: "Resolution rate", Kind: Rate, Better: 1,
		Def:   "办结件中以调解成功（书面或口头）、予以支持、解释说明、已整改、已办理结案的比例；导入诉讼、仲裁、复议，不予支持和撤回不计为化解。",
		DefEN: "Share of ended cases closed as mediated (written or oral), supported, explained, rectified or done; diversions to court, arbitration or review, claims not supported and withdrawals are not resolutions.",
		num:   endedAnd(func(c *model.CaseCond) { c.Outcomes = ResolvingOutcomes }), den: ended, base: ended},
	{ID: "on_time_rate", Name: "按期办结率", NameEN: "On-time rate", Kind: Rate, Better: 1,
		Def:   "办结件中在办理期限（含批准的延期，挂起期间不计）内办结的比例。",
		DefEN: "Share of ended cases resolved by their handling deadline (approved extensions included, suspensions not counted).",
		num:   endedAnd(func(c *model.CaseCond) { c.OnTime = true }), den: ended, base: ended},
	{ID: "avg_days", Name: "平均办理时长", NameEN: "Mean handling time", Kind: Days, Better: -1,
		Def:   "办结件从登记到办结所经过的工作日数的平均值（按系统工作日历，节假日和周末不计）。",
		DefEN: "Mean of the working days from registration to resolution of the ended cases (by the working calendar).",
		num:   ended, base: ended},
	{ID: "median_days", Name: "中位办理时长", NameEN: "Median handling time", Kind: Days, Better: -1,
		Def:   "办结件从登记到办结所经过的工作日数的中位数。",
		DefEN: "Median of the working days from registration to resolution of the ended cases.",
		num:   ended, base: ended},
	{ID: "visit_rate", Name: "回访率", NameEN: "Return-visit rate", Kind: Rate, Better: 1,
		Def:   "办结件中已回访（已回访或已归档）的比例。",
		DefEN: "Share of ended cases that have had their return visit (followed up or archived).",
		num:   endedAnd(visited), den: ended, base: ended},
	{ID: "satisfaction_rate", Name: "满意率", NameEN: "Satisfaction rate", Kind: Rate, Better: 1,
		Def:   "已回访的办结件中评价为满意或基本满意的比例（不满意的已重新办理）。",
		DefEN: "Share of the visited ended cases rated satisfied or basically satisfied (unsatisfied ones were reopened).",
		num:   endedAnd(func(c *model.CaseCond) { visited(c); c.Satisfactions = satisfiedRatings }),
		den:   endedAnd(visited), base: ended},
	{ID: "reopen_rate", Name: "重新办理率", NameEN: "Reopen rate", Kind: Rate, Better: -1,
		Def:   "办结件中曾因当事人不满意而重新办理的比例。",
		DefEN: "Share of ended cases that were reopened at least once after a party was unsatisfied.",
		num:   endedAnd(func(c *model.CaseCond) { c.Reopened = true }), den: ended, base: ended},
	{ID: "local_rate", Name: "小事不出村", NameEN: "Ended locally", Kind: Rate, Better: 1,
		Def:   "办结件中由村（社区）或网格一级办结的比例。",
		DefEN: "Share of ended cases resolved at a village (community) or grid centre.",
		num:   endedAnd(func(c *model.CaseCond) { c.EndedLow = true }), den: ended, base: ended},
	{ID: "overdue", Name: "超期件", NameEN: "Overdue", Kind: Count, Now: true, Better: -1,
		Def:   "此刻未办结且已超过当前期限的事项件数（挂起的不计时）。",
		DefEN: "Open cases whose current deadline has passed, at this moment.",
		num:   overdue, base: openCases},
	{ID: "due_soon", Name: "将到期", NameEN: "Due soon", Kind: Count, Now: true, Better: -1,
		Def:   "此刻未超期、但期限将在预警窗口内（紧急件 6 小时，其余 48 小时）到来的事项件数。",
		DefEN: "Open cases whose deadline falls within the warning window (6 hours for critical cases, else 48 hours), at this moment.",
		num:   dueSoon, base: openCases},
	{ID: "warn_red", Name: "红色预警", NameEN: "Red warnings", Kind: Count, Now: true, Better: -1,
		Def: "此刻处于红色预警的事项件数。", DefEN: "Cases under a red warning at this moment.",
		num: warned("red"), base: warnedCases},
	{ID: "warn_orange", Name: "橙色预警", NameEN: "Orange warnings", Kind: Count, Now: true, Better: -1,
		Def: "此刻处于橙色预警的事项件数。", DefEN: "Cases under an orange warning at this moment.",
		num: warned("orange"), base: warnedCases},
	{ID: "warn_yellow", Name: "黄色预警", NameEN: "Yellow warnings", Kind: Count, Now: true, Better: -1,
		Def: "此刻处于黄色预警的事项件数。", DefEN: "Cases under a yellow warning at this moment.",
		num: warned("yellow"), base: warnedCases},
	{ID: "warn_blue", Name: "蓝色预警", NameEN: "Blue warnings", Kind: Count, Now: true, Better: -1,
		Def: "此刻处于蓝色预警的事项件数。", DefEN: "Cases under a blue warning at this moment.",
		num: warned("blue"), base: warnedCases},
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

// Local gives the figure's name and definition in the locale ("en" or Chinese).
func (f Figure) Local(locale string) (name, def string) {
	if locale == "en" {
		return f.NameEN, f.DefEN
	}
	return f.Name, f.Def
}

// ListCond reads the figure a case list is asked to hold, as the figures' links give
// it (stat=on_time_rate&part=den&from=2026-12-01&to=2026-12-31): the condition the
// list applies, nil when stat is empty. A figure of a period needs its days; one of
// the present moment is read at now.
func ListCond(stat, part, from, to string, now time.Time) (*model.CaseCond, error) {
	if stat == "" {
		if part != "" {
			return nil, &model.FieldError{Field: "part", Code: "invalid", Message: "须与统计指标一起使用", MessageEN: "needs stat"}
		}
		return nil, nil
	}
	f, ok := ByID(stat)
	if !ok {
		return nil, &model.FieldError{Field: "stat", Code: "invalid", Message: "没有这个统计指标", MessageEN: "is not a figure"}
	}
	var p Period
	if !f.Now {
		var err error
		if from == "" && to == "" {
			return nil, &model.FieldError{Field: "from", Code: "required", Message: "请填写统计起止日期", MessageEN: "is required for this figure"}
		}
		if p, err = ParsePeriod("", "", from, to, now); err != nil {
			return nil, err
		}
	}
	c, ok := f.Cond(Part(part), p, now)
	if !ok || (part != "" && part != string(Num) && part != string(Den)) {
		return nil, &model.FieldError{Field: "part", Code: "invalid", Message: "只有比率指标有分母", MessageEN: "must be num, or den for a rate"}
	}
	return &c, nil
}
