package evaluation

import (
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/workflow"
)

// A person's places fold into one row: a case counts once however many places they
// held on it (once per role), the rates are over the cases ended, a person none of
// whose cases ended has no rates (not zero), and each number links to its list by
// the person's account or, without one, their pool record.
func TestTeamTable(t *testing.T) {
	per := report.Period{Unit: report.Month, From: time.Date(2026, 11, 1, 0, 0, 0, 0, workflow.ChinaTime), To: time.Date(2026, 12, 1, 0, 0, 0, 0, workflow.ChinaTime)}
	places := []TeamPlace{
		{AccountID: 7, Name: "乙", Role: "lead", CaseID: 1, Ended: true, OnTime: true, Resolved: true},
		{AccountID: 7, Name: "乙", Role: "lawyer", CaseID: 1, Ended: true, OnTime: true, Resolved: true}, // the same case as the pool person they are
		{AccountID: 7, Name: "乙", Role: "lead", CaseID: 2, Ended: true, OnTime: false, Resolved: false},
		{AccountID: 7, Name: "乙", Role: "lead", CaseID: 3},
		{TalentID: 4, Name: "甲", Role: "psychologist", CaseID: 3},
	}
	rows := TeamTable(places, per, []string{"lead", "duty", "mediator", "lawyer", "psychologist", "tracking"})
	if len(rows) != 2 || rows[0].Name > rows[1].Name {
		t.Fatalf("rows %+v", rows)
	}
	var b, a TeamWork
	for _, r := range rows {
		if r.AccountID == 7 {
			b = r
		} else {
			a = r
		}
	}
	if b.Cases.Num != 3 || b.Ended.Num != 2 || b.OnTime.Num != 1 || b.OnTime.Den != 2 || b.OnTime.Value != 50 || b.Resolved.Num != 1 || b.Resolved.Value != 50 {
		t.Errorf("乙: %+v", b)
	}
	if len(b.Roles) != 2 || b.Roles[0].Role != "lead" || b.Roles[0].Cases.Num != 3 || b.Roles[1].Role != "lawyer" || b.Roles[1].Cases.Num != 1 {
		t.Errorf("乙's roles: %+v", b.Roles)
	}
	if a.TalentID != 4 || a.Cases.Num != 1 || a.Ended.Num != 0 || !a.OnTime.Empty || !a.Resolved.Empty {
		t.Errorf("甲, nothing ended: %+v", a)
	}
	for link, want := range map[string][]string{
		b.Cases.Link:          {"team_user=7", "from=2026-11-01", "to=2026-11-30"},
		b.Ended.Link:          {"team_user=7", "stat=ended"},
		b.Resolved.Link:       {"team_user=7", "stat=resolve_rate"},
		b.Resolved.DenLink:    {"team_user=7", "stat=resolve_rate", "part=den"},
		b.OnTime.Link:         {"team_user=7", "stat=on_time_rate"},
		b.Roles[1].Cases.Link: {"team_user=7", "team_role=lawyer"},
		a.Cases.Link:          {"team_talent=4"},
	} {
		for _, w := range want {
			if !strings.Contains(link, w) {
				t.Errorf("%s lacks %s", link, w)
			}
		}
	}
	if strings.Contains(b.Cases.Link, "stat=") || strings.Contains(a.Cases.Link, "team_user") {
		t.Errorf("links: %s %s", b.Cases.Link, a.Cases.Link)
	}
}
