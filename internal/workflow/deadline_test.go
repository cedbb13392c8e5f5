package workflow

import (
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

func TestResolveRuleSpecificity(t *testing.T) {
	rules := []DeadlineRule{
		{Stage: StageHandle, Days: 1, Basis: "any"},
		{Kind: model.KindDispute, Stage: StageHandle, Days: 2, Basis: "kind"},
		{Category: "c", Stage: StageHandle, Days: 3, Basis: "category"},
		{Kind: model.KindDispute, Category: "c", Stage: StageHandle, Days: 4, Basis: "kind+category"},
		{Urgency: UrgencyUrgent, Stage: StageHandle, Days: 5, Basis: "urgency"},
		{Kind: model.KindDispute, Urgency: UrgencyUrgent, Stage: StageHandle, Days: 6, Basis: "kind+urgency"},
		{Kind: model.KindDispute, Stage: StageHandle, Days: 7, Basis: "kind, listed second"},
	}
	tests := []struct {
		kind     model.CaseKind
		category string
		urgency  Urgency
		want     string
	}{
		{model.KindHazard, "", UrgencyNormal, "any"},
		{model.KindDispute, "", UrgencyNormal, "kind"}, // the first of two equal rules
		{model.KindHazard, "c", UrgencyNormal, "category"},
		{model.KindHazard, "c.sub", UrgencyNormal, "category"}, // a second-level category of c
		{model.KindHazard, "cx", UrgencyNormal, "any"},         // merely starts alike
		{model.KindDispute, "c", UrgencyNormal, "kind+category"},
		{model.KindHazard, "c", UrgencyUrgent, "urgency"},
		{model.KindDispute, "c", UrgencyUrgent, "kind+urgency"},
	}
	for _, tt := range tests {
		r, ok := ResolveRule(rules, tt.kind, tt.category, tt.urgency, StageHandle)
		if !ok || r.Basis != tt.want {
			t.Errorf("ResolveRule(%s, %q, %s) = %q, want %q", tt.kind, tt.category, tt.urgency, r.Basis, tt.want)
		}
	}
	if _, ok := ResolveRule(nil, model.KindDispute, "", UrgencyNormal, StageHandle); ok {
		t.Error("ResolveRule found a rule in an empty list")
	}
}

func TestDueStatus(t *testing.T) {
	due := endOf("2026-03-10")
	window := 48 * time.Hour
	tests := []struct {
		name string
		due  time.Time
		now  time.Time
		want Status
	}{
		{"no deadline", time.Time{}, at("2026-03-01 09:00"), StatusNone},
		{"well before", due, at("2026-03-01 09:00"), StatusNotDue},
		{"just outside the window", due, due.Add(-window - time.Second), StatusNotDue},
		{"window opens", due, due.Add(-window), StatusDueSoon},
		{"last day", due, at("2026-03-10 18:00"), StatusDueSoon},
		{"the deadline second itself", due, due, StatusDueSoon},
		{"one second late", due, due.Add(time.Second), StatusOverdue},
		{"long overdue", due, at("2026-04-01 09:00"), StatusOverdue},
	}
	for _, tt := range tests {
		if got := DueStatus(tt.due, tt.now, window); got != tt.want {
			t.Errorf("%s: DueStatus = %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := DueStatus(due, at("2026-03-10 18:00"), 0); got != StatusNotDue {
		t.Errorf("with no warning window a case is not due until it is overdue, got %s", got)
	}
	for _, s := range []Status{StatusNone, StatusNotDue, StatusDueSoon, StatusOverdue} {
		if s.Label() == string(s) || s.LabelEN() == string(s) {
			t.Errorf("status %s lacks a label", s)
		}
	}
	for _, u := range AllUrgencies {
		if !u.Valid() || u.Label() == string(u) || u.LabelEN() == string(u) {
			t.Errorf("urgency %s lacks a label", u)
		}
	}
}
