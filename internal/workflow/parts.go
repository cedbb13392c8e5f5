package workflow

import (
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// StageCoHandle times a co-handling department's part (协办): from when it is whistled
// in (吹哨) to its report (报到反馈).
const StageCoHandle Stage = "co_handle"

// MaxCoHandleWorkdays bounds the working days a centre may give a co-handler itself.
const MaxCoHandleWorkdays = 60

// CaseKey is what of a case picks its deadline rules.
type CaseKey struct {
	Kind     model.CaseKind
	Category string
	Urgency  Urgency
}

// PartDeadline is when a co-handling department's part is due and on what basis.
type PartDeadline struct {
	Due    time.Time
	Basis  string
	Capped bool // cut back to the case's own handling deadline
}

// CoHandleDeadline sets the deadline of a part whistled in at start. The centre may
// give the working days itself (centreDays > 0, at most MaxCoHandleWorkdays); else the
// co_handle rule matching the case applies, and without one the part has no deadline
// of its own (false). Either way a part is never due after the case's own deadline
// (caseDue, nil when it has none): the lead cannot resolve before every co-handler
// has reported, so a later part would make the case late by construction.
func CoHandleDeadline(rules []DeadlineRule, cal *Calendar, c CaseKey, start time.Time, centreDays int, caseDue *time.Time) (PartDeadline, bool) {
	var d PartDeadline
	switch {
	case centreDays > 0:
		d.Due = cal.AddWorkdays(start, centreDays)
		d.Basis = fmt.Sprintf("中心吹哨时指定：%d个工作日内反馈", centreDays)
	default:
		r, ok := ResolveRule(rules, c.Kind, c.Category, c.Urgency, StageCoHandle)
		if !ok {
			return d, false
		}
		d.Due, d.Basis = r.Due(cal, start), r.Basis
	}
	if caseDue != nil && caseDue.Before(d.Due) {
		d.Due, d.Capped = *caseDue, true
		d.Basis += "；不晚于案件办理期限"
	}
	return d, true
}

// PartStatus is where a department's part stands against its own deadline: a part
// reported or returned, or without a deadline, has none.
func PartStatus(status string, due *time.Time, now time.Time, warnWindow time.Duration) Status {
	if due == nil || (status != "assigned" && status != "signed") {
		return StatusNone
	}
	return DueStatus(*due, now, warnWindow)
}
