package workflow

import (
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
)

// Urgency is how fast a case must move (一般/急/紧急).
type Urgency string

const (
	UrgencyNormal   Urgency = "normal"   // 一般
	UrgencyUrgent   Urgency = "urgent"   // 急
	UrgencyCritical Urgency = "critical" // 紧急
)

// AllUrgencies from the least to the most pressing.
var AllUrgencies = []Urgency{UrgencyNormal, UrgencyUrgent, UrgencyCritical}

// Valid reports whether u is one of AllUrgencies.
func (u Urgency) Valid() bool { return slices.Contains(AllUrgencies, u) }

// Label is the Chinese name of the urgency, or its code when unknown.
func (u Urgency) Label() string { return label(i18n.Default, "urgency.", string(u)) }

// LabelEN is the English name of the urgency, or its code when unknown.
func (u Urgency) LabelEN() string { return label("en", "urgency.", string(u)) }

// Stage is the step of a case a deadline applies to.
type Stage string

const (
	StageAccept    Stage = "accept"    // decide whether to accept, and tell the party
	StageObjection Stage = "objection" // a department may object to an assignment outside its remit
	StageHandle    Stage = "handle"    // from acceptance to resolution
	StageExtension Stage = "extension" // the longest extension a leader may grant
	StageConfirm   Stage = "confirm"   // apply for judicial confirmation of a mediation agreement
	StageVisit     Stage = "visit"     // return visit after the case is resolved
)

// categoryMatches reports whether a rule for category rule covers a case of category
// code: the same code, or one of its second-level categories ("dispute.labour" covers
// "dispute.labour.injury").
func categoryMatches(rule, code string) bool {
	return rule == "" || code == rule || strings.HasPrefix(code, rule+".")
}

// DeadlineRule sets how long a stage of a case may take. Empty Kind, Category and
// Urgency match anything; Stage must match exactly. Days count calendar days, or
// working days of the Calendar when Workdays is set. Basis says where the number comes
// from, for the admin page and for anyone who asks why a case is overdue. The rules in
// force are the admin's, in the database; migration 0004 seeds those of DESIGN.md §3.
type DeadlineRule struct {
	Kind     model.CaseKind
	Category string
	Urgency  Urgency
	Stage    Stage
	Days     int
	Workdays bool
	Basis    string
}

// ResolveRule picks the rule for one stage of a case. Of the rules that match, the most
// specific wins, with the fields ranked urgency, then category, then kind: an urgent or
// critical case must go faster than the ordinary limit of its kind, and a category's
// limit (labour disputes, 15 days) is narrower than its kind's (disputes, 30). Among
// equally specific rules the first listed wins. It returns false when no rule matches,
// which means the stage has no deadline.
func ResolveRule(rules []DeadlineRule, kind model.CaseKind, category string, urgency Urgency, stage Stage) (DeadlineRule, bool) {
	best, bestScore := DeadlineRule{}, -1
	for _, r := range rules {
		if r.Stage != stage ||
			r.Kind != "" && r.Kind != kind ||
			!categoryMatches(r.Category, category) ||
			r.Urgency != "" && r.Urgency != urgency {
			continue
		}
		score := 0
		if r.Urgency != "" {
			score += 4
		}
		if r.Category != "" {
			score += 2
		}
		if r.Kind != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	return best, bestScore >= 0
}

// Due is the deadline of a stage that starts at start.
func (r DeadlineRule) Due(cal *Calendar, start time.Time) time.Time {
	if r.Workdays {
		return cal.AddWorkdays(start, r.Days)
	}
	return cal.AddDays(start, r.Days)
}

// Status is where a case stands against its deadline (未到期/将到期/已超期).
type Status string

const (
	StatusNone    Status = "none"     // no deadline
	StatusNotDue  Status = "not_due"  // 未到期
	StatusDueSoon Status = "due_soon" // 将到期: inside the warning window
	StatusOverdue Status = "overdue"  // 已超期
)

// Label is the Chinese name of the status, or its code when unknown.
func (s Status) Label() string { return label(i18n.Default, "due.", string(s)) }

// LabelEN is the English name of the status, or its code when unknown.
func (s Status) LabelEN() string { return label("en", "due.", string(s)) }

// DueStatus says whether due has passed at now, or will within warnWindow. A zero due
// means the case has no deadline. The deadline instant itself still counts as in time:
// deadlines are the last second of their day.
func DueStatus(due, now time.Time, warnWindow time.Duration) Status {
	switch {
	case due.IsZero():
		return StatusNone
	case now.After(due):
		return StatusOverdue
	case due.Sub(now) <= warnWindow:
		return StatusDueSoon
	}
	return StatusNotDue
}

// WarnWindow is how early a deadline of a case of urgency u turns 将到期: a quarter of
// a day for one-day cases, else two days.
func WarnWindow(u Urgency) time.Duration {
	if u == UrgencyCritical {
		return 6 * time.Hour
	}
	return 48 * time.Hour
}
