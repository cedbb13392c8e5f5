package risk

import "time"

// ResponseRule is what a warning demands of the centres, and how fast.
type ResponseRule struct {
	// RedHolderHours: a red warning must have its 包案 leader named within this many
	// hours, or it escalates to the centre above and the deployment's top leaders.
	RedHolderHours int `json:"red_holder_hours"`
	// Orange warnings are acted on by the centre holding the case the same day
	// (before midnight, China time); OrangeSameDay false switches the demand off.
	OrangeSameDay bool `json:"orange_same_day"`
	// RedReportDays: a red case stays under supervision until it clears; once its
	// last order is answered, a new one asks for a progress report after this many days.
	RedReportDays int `json:"red_report_days"`
}

// StepDownRule: a warning drops one colour after QuietDays at its level with no
// new incident, and with at least Visits return visits recorded since it was set.
type StepDownRule struct {
	QuietDays int `json:"quiet_days"`
	Visits    int `json:"visits"`
}

// Reconcile returns the level in force after an assessment. A fresh assessment
// that rises above the previous one raises the level in force (new facts count,
// whatever a leader or a step-down set before); one that merely repeats or falls
// leaves it alone, so a leader's judgement and a step-down earned with quiet months
// and visits are not undone by the same old facts.
func Reconcile(inForce, previous, computed Level) Level {
	if computed > previous {
		return MaxLevel(inForce, computed)
	}
	return inForce
}

// ResponseDue is the deadline of the response a warning that reached level at
// `at` demands: red, the holder within RedHolderHours; orange, the end of that day in
// loc. ok is false when the level demands nothing.
func (r Rules) ResponseDue(level Level, at time.Time, loc *time.Location) (time.Time, bool) {
	switch level {
	case LevelRed:
		hours := r.Response.RedHolderHours
		if hours <= 0 {
			hours = 24
		}
		return at.Add(time.Duration(hours) * time.Hour), true
	case LevelOrange:
		if !r.Response.OrangeSameDay {
			return time.Time{}, false
		}
		l := at.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc), true
	}
	return time.Time{}, false
}

// Quiet is what the step-down looks at: when the level was set, the last incident
// since (zero when none), the return visits recorded since, and whether a visit its
// follow-up plan set is missed and not yet made up.
type Quiet struct {
	Since        time.Time
	LastIncident time.Time
	Visits       int
	MissedVisit  bool
}

// StepDownDue reports whether a warning at level should drop one colour now: it has
// been quiet (no incident) for QuietDays since it was set or since the last
// incident, whichever is later, and enough return visits were recorded. A missed
// planned visit holds it: nobody has seen that the case is quiet.
func (r Rules) StepDownDue(level Level, q Quiet, now time.Time) bool {
	if level <= LevelNone || q.Since.IsZero() || q.MissedVisit {
		return false
	}
	days := r.StepDown.QuietDays
	if days <= 0 {
		return false
	}
	from := q.Since
	if q.LastIncident.After(from) {
		from = q.LastIncident
	}
	return !now.Before(from.AddDate(0, 0, days)) && q.Visits >= r.StepDown.Visits
}
