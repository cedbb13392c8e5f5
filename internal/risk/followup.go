package risk

import "time"

// A follow-up plan (回访计划) keeps a case visited at a steady pace until it is
// stable: "回访每周一次，直至稳定" is a visit every 7 days, each dated, the next one set
// when one is done or missed.

// PlanEveryMin and PlanEveryMax bound a plan's pace, in days: daily at most, monthly
// at least.
const (
	PlanEveryMin = 1
	PlanEveryMax = 31
)

// MissGraceDays is how long after its date a planned visit may still be done before
// it counts as missed: the worker has the whole next day.
const MissGraceDays = 1

// NextVisit is when the visit after one due at due falls, every days later.
func NextVisit(due time.Time, every int) time.Time { return due.AddDate(0, 0, every) }

// VisitMissed reports whether a planned visit due at due, not done, is missed at now.
func VisitMissed(due, now time.Time) bool { return !now.Before(due.AddDate(0, 0, MissGraceDays)) }
