package cases_test

import (
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// "回访每周一次，直至稳定": a weekly plan dates the next visit; a return visit makes it
// and dates the one after; a visit not made by the day after its date is marked
// missed by the sweep (an event, the next visit dated) and holds the warning's
// step-down until a later visit is made; ending the plan calls its visit off.
func TestFollowUpPlanWeeklyUntilStable(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, clerk, category := clerkAtDesk(t, st)
		start := time.Now().UTC()
		now := start
		svc.Now = func() time.Time { return now }
		day := func(n int) time.Time { return start.AddDate(0, 0, n) }
		c, err := svc.Register(ctx, clerk, cases.RegisterInput{Kind: model.KindDispute, CategoryID: category["dispute.labour.wages"],
			RegionID: clerk.Region.ID, Description: "农民工集体讨薪，工地拖欠工资三个月。", PeopleCount: 40, Parties: []cases.PartyInput{{Name: "李某"}}})
		if err != nil {
			t.Fatal(err)
		}
		if c.RiskLevel != "orange" {
			t.Fatalf("warning %s", c.RiskLevel)
		}
		if _, _, err := svc.StartPlan(ctx, clerk, c.ID, 0, ""); !isField(err, "every_days", "range") {
			t.Errorf("every 0 days: %v", err)
		}
		_, first, err := svc.StartPlan(ctx, clerk, c.ID, 7, "回访每周一次，直至稳定")
		if err != nil {
			t.Fatal(err)
		}
		if first.DueAt.Sub(day(7)).Abs() > time.Second {
			t.Errorf("first visit due %s, want %s", first.DueAt, day(7))
		}
		if _, _, err := svc.StartPlan(ctx, clerk, c.ID, 7, ""); !isField(err, "every_days", "exists") {
			t.Errorf("a second plan: %v", err)
		}
		visit := func() {
			t.Helper()
			if _, err := svc.Act(ctx, clerk, c.ID, workflow.ActionRecord, cases.ActInput{Incident: model.IncidentReturnVisit, Note: "走访，情绪平稳"}); err != nil {
				t.Fatal(err)
			}
		}
		statuses := func() []string {
			t.Helper()
			_, visits, err := svc.CasePlan(ctx, clerk, &c)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, v := range visits {
				out = append(out, v.Status)
			}
			return out
		}
		// Visited on day 2: done, the next dated a week on.
		now = day(2)
		visit()
		if got := statuses(); len(got) != 2 || got[0] != store.VisitPlanned || got[1] != store.VisitDone {
			t.Fatalf("after a visit, newest first: %v", got)
		}
		// Day 10: the day-9 visit is a day late — missed, the next dated.
		now = day(10)
		n, err := svc.SweepFollowUps(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		if got := statuses(); len(got) != 3 || got[0] != store.VisitPlanned || got[1] != store.VisitMissed {
			t.Fatalf("after the sweep: %v", got)
		}
		if n, err := svc.SweepFollowUps(ctx, now); err != nil || n != 0 {
			t.Errorf("a second sweep: %d %v", n, err)
		}
		evs, err := svc.Events(ctx, clerk, c.ID)
		if err != nil || evs[len(evs)-1].Action != cases.ActionFollowUpMissed {
			t.Fatalf("timeline ends %+v %v", evs[len(evs)-1], err)
		}
		area, err := svc.AreaVisits(ctx, clerk)
		if err != nil || len(area) != 2 || area[0].Status != store.VisitMissed || area[0].TrackingCode != c.TrackingCode {
			t.Errorf("the area's visits: %+v %v", area, err)
		}

		// Day 40: quiet for 30 days with a visit made, but the missed one holds the step-down.
		now = day(40)
		if _, err := svc.SweepFollowUps(ctx, now); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SweepRisk(ctx, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Case(ctx, c.ID, store.CaseScope{All: true}); got.RiskLevel != "orange" {
			t.Fatalf("stepped down to %s over a missed visit", got.RiskLevel)
		}
		// A visit made up: the warning steps down.
		visit()
		if _, err := svc.SweepRisk(ctx, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Case(ctx, c.ID, store.CaseScope{All: true}); got.RiskLevel != "yellow" {
			t.Fatalf("after the visit made up: %s", got.RiskLevel)
		}

		// Stable: the plan ends, its visit called off.
		if err := svc.EndPlan(ctx, clerk, c.ID, "已稳定"); err != nil {
			t.Fatal(err)
		}
		if got := statuses(); got[0] != store.VisitCancelled {
			t.Errorf("after ending: %v", got)
		}
		if err := svc.EndPlan(ctx, clerk, c.ID, ""); !isField(err, "note", "no_plan") {
			t.Errorf("end twice: %v", err)
		}
		if area, err := svc.AreaVisits(ctx, clerk); err != nil || len(area) != 0 {
			t.Errorf("the area's visits after the end: %+v %v", area, err)
		}
	})
}
