package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

func TestCoHandleDeadline(t *testing.T) {
	cal := DefaultCalendar()
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
		if err != nil {
			panic(err)
		}
		return t
	}
	day := func(s string) time.Time { return at(s+" 00:00").AddDate(0, 0, 1).Add(-time.Second) }
	rules := []DeadlineRule{
		{Stage: StageCoHandle, Days: 10, Workdays: true, Basis: "协办10个工作日"},
		{Urgency: UrgencyUrgent, Stage: StageCoHandle, Days: 2, Basis: "急件协办2日"},
		{Stage: StageHandle, Days: 30, Basis: "办理30日"},
	}
	key := CaseKey{Kind: model.KindDispute, Category: "dispute.neighbour", Urgency: UrgencyNormal}
	start := at("2026-03-02 10:00") // a Monday
	caseDue := day("2026-03-31")
	tests := []struct {
		name       string
		rules      []DeadlineRule
		key        CaseKey
		centreDays int
		caseDue    *time.Time
		ok         bool
		due        time.Time
		basis      string
		capped     bool
	}{
		{"the rule: 10 working days", rules, key, 0, &caseDue, true, day("2026-03-16"), "协办10个工作日", false},
		{"the urgency's rule wins", rules, CaseKey{Kind: model.KindDispute, Urgency: UrgencyUrgent}, 0, nil, true, day("2026-03-04"), "急件协办2日", false},
		{"the centre's own days override the rule", rules, key, 3, &caseDue, true, day("2026-03-05"), "中心吹哨时指定：3个工作日", false},
		{"never after the case's own deadline", rules, key, 0, ptr(day("2026-03-10")), true, day("2026-03-10"), "不晚于案件办理期限", true},
		{"the centre's days are capped too", rules, key, 20, ptr(day("2026-03-10")), true, day("2026-03-10"), "中心吹哨时指定：20个工作日", true},
		{"no rule, no centre days: no deadline of its own", rules[2:], key, 0, &caseDue, false, time.Time{}, "", false},
	}
	for _, tt := range tests {
		got, ok := CoHandleDeadline(tt.rules, cal, tt.key, start, tt.centreDays, tt.caseDue)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v", tt.name, ok)
			continue
		}
		if !ok {
			continue
		}
		if !got.Due.Equal(tt.due) || got.Capped != tt.capped || !strings.Contains(got.Basis, tt.basis) {
			t.Errorf("%s: got %s capped=%v %q, want %s capped=%v %q", tt.name, got.Due.In(ChinaTime), got.Capped, got.Basis, tt.due.In(ChinaTime), tt.capped, tt.basis)
		}
	}
}

func ptr(t time.Time) *time.Time { return &t }

func TestPartStatus(t *testing.T) {
	now := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	past, soon, later := now.Add(-time.Hour), now.Add(24*time.Hour), now.Add(10*24*time.Hour)
	tests := []struct {
		status string
		due    *time.Time
		want   Status
	}{
		{"assigned", &past, StatusOverdue},
		{"signed", &soon, StatusDueSoon},
		{"signed", &later, StatusNotDue},
		{"reported", &past, StatusNone}, // reported in time or not, it no longer runs
		{"returned", &past, StatusNone},
		{"signed", nil, StatusNone},
	}
	for _, tt := range tests {
		if got := PartStatus(tt.status, tt.due, now, 48*time.Hour); got != tt.want {
			t.Errorf("PartStatus(%s, %v) = %s, want %s", tt.status, tt.due, got, tt.want)
		}
	}
}
