package workflow

import (
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

func TestResolveRuleDefaults(t *testing.T) {
	rules := DefaultDeadlineRules()
	const other = "neighbours"
	tests := []struct {
		name     string
		kind     model.CaseKind
		category string
		urgency  Urgency
		stage    Stage
		days     int
		workdays bool
		found    bool
	}{
		{"petition: decide to accept", model.KindPetition, "", UrgencyNormal, StageAccept, 15, false, true},
		{"petition: handle", model.KindPetition, "", UrgencyNormal, StageHandle, 60, false, true},
		{"petition: longest extension", model.KindPetition, "", UrgencyNormal, StageExtension, 30, false, true},
		{"urgent petition goes faster than 60 days", model.KindPetition, "", UrgencyUrgent, StageHandle, 3, false, true},
		{"critical petition", model.KindPetition, "", UrgencyCritical, StageHandle, 1, false, true},
		{"people's mediation", model.KindDispute, other, UrgencyNormal, StageHandle, 30, false, true},
		{"labour-dispute mediation", model.KindDispute, CategoryLabourDispute, UrgencyNormal, StageHandle, 15, false, true},
		{"urgent labour dispute", model.KindDispute, CategoryLabourDispute, UrgencyUrgent, StageHandle, 3, false, true},
		{"critical labour dispute", model.KindDispute, CategoryLabourDispute, UrgencyCritical, StageHandle, 1, false, true},
		{"work injury, a labour sub-category", model.KindDispute, CategoryLabourDispute + ".injury", UrgencyNormal, StageHandle, 15, false, true},
		{"a category that merely starts alike", model.KindDispute, CategoryLabourDispute + "er", UrgencyNormal, StageHandle, 30, false, true},
		{"hazard, normal", model.KindHazard, "fire", UrgencyNormal, StageHandle, 30, false, true},
		{"service, urgent", model.KindService, "", UrgencyUrgent, StageHandle, 3, false, true},
		{"unknown urgency falls back", model.KindService, "", Urgency(""), StageHandle, 30, false, true},
		{"department objection, any kind", model.KindHazard, "", UrgencyCritical, StageObjection, 5, true, true},
		{"judicial confirmation", model.KindDispute, other, UrgencyNormal, StageConfirm, 30, false, true},
		{"return visit", model.KindService, "", UrgencyNormal, StageVisit, 7, false, true},
		{"no accept deadline for disputes", model.KindDispute, other, UrgencyNormal, StageAccept, 0, false, false},
		{"no extension rule for hazards", model.KindHazard, "", UrgencyNormal, StageExtension, 0, false, false},
		{"no confirmation for petitions", model.KindPetition, "", UrgencyNormal, StageConfirm, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := ResolveRule(rules, tt.kind, tt.category, tt.urgency, tt.stage)
			if ok != tt.found || r.Days != tt.days || r.Workdays != tt.workdays {
				t.Fatalf("ResolveRule = %+v, %v; want %d days (workdays %v), found %v", r, ok, tt.days, tt.workdays, tt.found)
			}
			if ok && (r.Basis == "" || r.Stage != tt.stage) {
				t.Fatalf("rule %+v lacks a basis or has the wrong stage", r)
			}
		})
	}
}

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

func TestDefaultDeadlineRulesAreFresh(t *testing.T) {
	a := DefaultDeadlineRules()
	a[0].Days = 999
	if DefaultDeadlineRules()[0].Days == 999 {
		t.Error("DefaultDeadlineRules returns a shared slice")
	}
}

func TestRuleDue(t *testing.T) {
	cal := DefaultCalendar()
	rules := DefaultDeadlineRules()
	objection, _ := ResolveRule(rules, model.KindPetition, "", UrgencyNormal, StageObjection)
	accept, _ := ResolveRule(rules, model.KindPetition, "", UrgencyNormal, StageAccept)
	handle, _ := ResolveRule(rules, model.KindPetition, "", UrgencyNormal, StageHandle)
	tests := []struct {
		name  string
		rule  DeadlineRule
		start time.Time
		want  string
	}{
		{"objection, 5 working days across 春节", objection, at("2026-02-12 15:00"), "2026-02-26"},
		{"objection, 5 working days across 国庆", objection, at("2026-09-30 15:00"), "2026-10-13"},
		{"accept decision, 15 calendar days across 春节", accept, at("2026-02-10 15:00"), "2026-02-25"},
		{"petition handled in 60 days", handle, at("2026-03-01 09:00"), "2026-04-30"},
	}
	for _, tt := range tests {
		if got := tt.rule.Due(cal, tt.start); !got.Equal(endOf(tt.want)) {
			t.Errorf("%s: Due = %s, want end of %s", tt.name, got, tt.want)
		}
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
