package model

import "time"

// CaseCond is a condition on a case's own columns: every non-zero field adds one
// term, and all terms must hold. The leader's figures (internal/report) are written
// in it, and the store turns the same value into SQL to count a figure and to list
// its cases, so that a figure and the list behind it hold the same cases.
type CaseCond struct {
	CreatedFrom, CreatedTo time.Time // registered in [CreatedFrom, CreatedTo)
	EndedFrom, EndedTo     time.Time // resolved in [EndedFrom, EndedTo), and not reopened since
	NotStates              []string  // in none of these states
	States                 []string  // in one of these states
	Outcomes               []string  // resolved with one of these outcomes
	OnTime                 bool      // resolved by the handling deadline in force then (or had none)
	Satisfactions          []string  // the last return visit's rating is one of these
	Reopened               bool      // reopened at least once after a party's 不满意
	EndedLow               bool      // its centre, where it was resolved, is a village's or a grid's
	RiskLevels             []string  // under a warning of one of these colours
	DueTo                  time.Time // its deadline at or before DueTo
	// RepeatParty: an applicant of the case had another case registered in the
	// RepeatWindowDays before it (重复来访; the same person by PartyKey's rule).
	RepeatParty bool
	Group       bool // a group case (群体性), as Case.IsGroup tells it
	// OpenedBefore: registered before it, tested on each case its States find (the
	// few open ones) rather than read through the registration index (nearly all).
	OpenedBefore time.Time

	// Events of a period: the case has at least one event of one of EventActions at a
	// time in [EventFrom, EventTo); of a warning's events, one changing the level from
	// one of WarningFrom (when given) to one of WarningTo (when given).
	EventActions           []string
	EventFrom, EventTo     time.Time
	WarningFrom, WarningTo []string

	// Deadlines now: Overdue, an open case whose deadline passed before DueFrom;
	// DueSoon, an open case whose deadline is at or after DueFrom and at or before
	// DueSoonUrgentTo (urgency UrgentCode) or DueSoonTo (any other urgency), the
	// windows in which a deadline shows as 将到期.
	Overdue         bool
	DueSoon         bool
	DueFrom         time.Time
	DueSoonTo       time.Time
	DueSoonUrgentTo time.Time
	UrgentCode      string

	// Supervision (督办): a case with an order issued in [SupervisedFrom, SupervisedTo),
	// of one of SupervisedLevels when set (normal, yellow, red); with SupervisionDueBy,
	// only orders whose reply was due at or before it count; SupervisionOnTime: every
	// order so counted was answered by its due time.
	SupervisedFrom, SupervisedTo time.Time
	SupervisedLevels             []string
	SupervisionDueBy             time.Time
	SupervisionOnTime            bool

	// DepartmentID narrows to what one department was given: with the part terms
	// below, its parts (lead or co-handling); without them, the cases it led (their
	// outcome is its). The supervision terms then count only orders addressed to it.
	DepartmentID int64
	// Parts (PartsFrom set): a part finished in [PartsFrom, PartsTo), or still open
	// with its deadline passed in that span before PartsNow (a late part). PartMode
	// narrows them: PartOnTime, finished by its deadline (a co-handler's own, a lead's
	// the case's handling deadline); PartLate, finished after it or still open past it.
	PartsFrom, PartsTo, PartsNow time.Time
	PartMode                     string

	// Team (包案): a case on whose team a person held a place at some time in
	// [TeamFrom, TeamTo) (either zero for no bound): TeamAccount's, as that account or
	// as the pool person it is, or TeamTalent's, a pool person's; in TeamRole when set.
	TeamAccount, TeamTalent int64
	TeamRole                string
	TeamFrom, TeamTo        time.Time
}

// The part modes of CaseCond.PartMode.
const (
	PartAny    = ""
	PartOnTime = "on_time"
	PartLate   = "late"
)
