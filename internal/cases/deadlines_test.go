package cases_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

func chinaTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, workflow.ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

// endOfDay is the last second of a day in China, where deadlines fall.
func endOfDay(s string) time.Time {
	return chinaTime(s+" 00:00").AddDate(0, 0, 1).Add(-time.Second)
}

// The deadline rules a fresh deployment works by are migration 0004's rows, read as the
// service reads them; each row's due date is pinned here, on dates that cross the 2026
// holidays where working days count. A row added to the migration needs a line here.
func TestSeededDeadlineRulesFallDue(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		rules, cal, err := cases.LoadDeadlines(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		const labour = "dispute.labour"
		tests := []struct {
			name     string
			kind     model.CaseKind
			category string
			urgency  workflow.Urgency
			stage    workflow.Stage
			start    string
			due      string // the day it falls due, at its end; "" for no deadline
			basis    string // a phrase of the rule's basis
		}{
			{"any case: decide to accept in 3 working days, across 国庆", model.KindDispute, "dispute.neighbour", workflow.UrgencyNormal, workflow.StageAccept, "2026-09-30 15:00", "2026-10-10", "3个工作日"},
			{"petition: decide to accept in 15 days, across 春节", model.KindPetition, "", workflow.UrgencyNormal, workflow.StageAccept, "2026-02-10 15:00", "2026-02-25", "第二十二、二十三条"},
			{"department objection: 5 working days, across 春节", model.KindHazard, "", workflow.UrgencyCritical, workflow.StageObjection, "2026-02-12 15:00", "2026-02-26", "5个工作日内提出"},
			{"department objection: 5 working days, across 国庆", model.KindPetition, "", workflow.UrgencyNormal, workflow.StageObjection, "2026-09-30 15:00", "2026-10-13", "5个工作日内提出"},
			{"department objection: 5 working days, a plain week", model.KindDispute, "", workflow.UrgencyNormal, workflow.StageObjection, "2026-03-02 10:00", "2026-03-09", "5个工作日内提出"},
			{"petition: handled in 60 days", model.KindPetition, "", workflow.UrgencyNormal, workflow.StageHandle, "2026-03-01 09:00", "2026-04-30", "第三十四条:自受理之日起60日"},
			{"petition: extended by at most 30 days", model.KindPetition, "", workflow.UrgencyNormal, workflow.StageExtension, "2026-03-01 09:00", "2026-03-31", "延长期限不超过30日"},
			{"any case: extended by at most 30 days", model.KindHazard, "", workflow.UrgencyNormal, workflow.StageExtension, "2026-03-01 09:00", "2026-03-31", "延期一般不超过30日"},
			{"urgent petition: 3 days, not 60", model.KindPetition, "", workflow.UrgencyUrgent, workflow.StageHandle, "2026-03-01 09:00", "2026-03-04", "急件3日"},
			{"critical petition: 1 day", model.KindPetition, "", workflow.UrgencyCritical, workflow.StageHandle, "2026-03-01 09:00", "2026-03-02", "紧急事项1日"},
			{"people's mediation: 30 days", model.KindDispute, "dispute.neighbour", workflow.UrgencyNormal, workflow.StageHandle, "2026-03-01 09:00", "2026-03-31", "人民调解工作若干规定"},
			{"labour-dispute mediation: 15 days", model.KindDispute, labour, workflow.UrgencyNormal, workflow.StageHandle, "2026-03-01 09:00", "2026-03-16", "劳动争议调解仲裁法"},
			{"work injury, a labour sub-category: 15 days", model.KindDispute, labour + ".injury", workflow.UrgencyNormal, workflow.StageHandle, "2026-03-01 09:00", "2026-03-16", "劳动争议调解仲裁法"},
			{"a category that merely starts alike: 30 days", model.KindDispute, labour + "er", workflow.UrgencyNormal, workflow.StageHandle, "2026-03-01 09:00", "2026-03-31", "人民调解工作若干规定"},
			{"urgent labour dispute: 3 days", model.KindDispute, labour, workflow.UrgencyUrgent, workflow.StageHandle, "2026-03-01 09:00", "2026-03-04", "急件3日"},
			{"hazard: the general 30 days", model.KindHazard, "", workflow.UrgencyNormal, workflow.StageHandle, "2026-03-01 09:00", "2026-03-31", "一般事项30日"},
			{"judicial confirmation: 30 days", model.KindDispute, "dispute.neighbour", workflow.UrgencyNormal, workflow.StageConfirm, "2026-03-01 09:00", "2026-03-31", "人民调解法》第三十三条"},
			{"return visit: 7 days", model.KindService, "", workflow.UrgencyNormal, workflow.StageVisit, "2026-03-01 09:00", "2026-03-08", "7日内回访"},
			{"co-handler: 10 working days, across 国庆", model.KindDispute, "dispute.neighbour", workflow.UrgencyNormal, workflow.StageCoHandle, "2026-09-30 15:00", "2026-10-20", "10个工作日内反馈"},
			{"urgent co-handler: 2 days", model.KindPetition, "", workflow.UrgencyUrgent, workflow.StageCoHandle, "2026-03-01 09:00", "2026-03-03", "急件协办2日"},
			{"critical co-handler: 1 day", model.KindHazard, "", workflow.UrgencyCritical, workflow.StageCoHandle, "2026-03-01 09:00", "2026-03-02", "紧急事项协办1日"},
			{"no judicial confirmation for a petition", model.KindPetition, "", workflow.UrgencyNormal, workflow.StageConfirm, "2026-03-01 09:00", "", ""},
		}
		pinned := map[string]bool{}
		for _, tt := range tests {
			r, ok := workflow.ResolveRule(rules, tt.kind, tt.category, tt.urgency, tt.stage)
			switch {
			case ok != (tt.due != ""):
				t.Errorf("%s: a rule found: %v (%+v)", tt.name, ok, r)
			case !ok:
			case !strings.Contains(r.Basis, tt.basis):
				t.Errorf("%s: the rule %q applies, want the one of %q", tt.name, r.Basis, tt.basis)
			default:
				pinned[ruleKey(r)] = true
				if got := r.Due(cal, chinaTime(tt.start)); !got.Equal(endOfDay(tt.due)) {
					t.Errorf("%s: from %s due %s, want the end of %s", tt.name, tt.start, got.In(workflow.ChinaTime), tt.due)
				}
			}
		}
		for _, r := range rules {
			if !pinned[ruleKey(r)] {
				t.Errorf("the seeded rule %+v has no due date pinned here", r)
			}
		}
	})
}

func ruleKey(r workflow.DeadlineRule) string {
	return fmt.Sprintf("%s|%s|%s|%s", r.Kind, r.Category, r.Urgency, r.Stage)
}

// The calendar migration 0004 seeds is internal/workflow/holidays.txt, day for day.
func TestSeededCalendarIsHolidaysTxt(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		_, cal, err := cases.LoadDeadlines(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		line := func(o workflow.Override) string {
			return o.Date.Format(time.DateOnly) + " " + string(o.Kind) + " " + o.Name
		}
		got, want := map[string]bool{}, map[string]bool{}
		for _, o := range cal.Overrides() {
			got[line(o)] = true
		}
		for _, o := range workflow.DefaultCalendar().Overrides() {
			want[line(o)] = true
		}
		for l := range want {
			if !got[l] {
				t.Errorf("holidays.txt has %q; the migration lacks it", l)
			}
		}
		for l := range got {
			if !want[l] {
				t.Errorf("the migration has %q; holidays.txt lacks it", l)
			}
		}
		if len(got) == 0 {
			t.Fatal("the migration seeds no calendar")
		}
	})
}
