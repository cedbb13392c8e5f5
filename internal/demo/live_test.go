package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	orgsvc "github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The demo county stands as a working morning does: a newcomer signing in as any
// working role finds open cases in every state and at every warning level, some due
// soon and some overdue, red warnings under their order with a 包案 leader and an
// orange one waiting for the day's response, supervision orders answered and not, an
// extension waiting for a leader, published reception sessions with bookings, and
// unread notices of their own.
func TestLiveCountyStandsAsAWorkingMorning(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, st, 40, 1); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := demo.Live(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		states, levels, flags := map[string]int{}, map[string]int{}, map[string]int{}
		redHeld, orangeWaiting, extension := 0, 0, 0
		for _, c := range allCases(t, st) {
			if c.CreatedAt.After(now) {
				t.Errorf("case %d registered at %s, after now", c.ID, c.CreatedAt)
			}
			if c.ClosedAt != nil {
				continue
			}
			states[c.State]++
			levels[c.RiskLevel]++
			flags[c.DueFlag]++
			if c.RiskLevel == "red" && c.RiskHolderID != 0 {
				redHeld++
			}
			if c.RiskLevel == "orange" && c.RiskRespondedAt == nil && c.RiskResponseBy != nil {
				orangeWaiting++
			}
			if c.ExtensionPending {
				extension++
			}
		}
		for _, s := range []string{"registered", "accepted", "assigned", "in_progress", "resolved", "verified", "followed_up", "suspended"} {
			if states[s] == 0 {
				t.Errorf("no open case is %s: %v", s, states)
			}
		}
		for _, l := range []string{"blue", "yellow", "orange", "red"} {
			if levels[l] == 0 {
				t.Errorf("no open case is warned %s: %v", l, levels)
			}
		}
		if flags["due_soon"] == 0 || flags["overdue"] == 0 {
			t.Errorf("deadline flags of open cases %v, want some due_soon and some overdue", flags)
		}
		// Co-handlers' parts (吹哨报到) on their own deadlines: one 将到期, one 已超期.
		parts := map[string]int{}
		for _, c := range allCases(t, st) {
			if c.ClosedAt != nil {
				continue
			}
			full, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range full.Assignments {
				if !a.IsLead && a.DueAt != nil && a.Status != model.AssignmentReported {
					parts[a.DueFlag]++
				}
			}
		}
		if parts["due_soon"] == 0 || parts["overdue"] == 0 {
			t.Errorf("co-handlers' parts by deadline flag %v, want some due_soon and some overdue", parts)
		}
		// The rota: departments stationed at each centre and a leader on a turn today,
		// as /roster and the intake desk read them.
		svc := cases.New(st)
		cal, err := svc.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"county.clerk", "fucheng.clerk", "suji.clerk", "jinggu.clerk"} {
			ro, err := (&orgsvc.Service{Store: st}).Roster(ctx, principal(t, st, who), 0, now, cal)
			if err != nil {
				t.Fatal(err)
			}
			if len(ro.Leaders) == 0 {
				t.Errorf("%s's roster names no leader on a turn today", who)
			}
			if len(ro.Present)+len(ro.Away) == 0 || len(ro.OnCall) == 0 && who != "suji.clerk" {
				t.Errorf("%s's roster: present %d, away %d, on call %d; want stationed departments and one on call", who, len(ro.Present), len(ro.Away), len(ro.OnCall))
			}
			if ro.Workday && len(ro.Present) == 0 {
				t.Errorf("%s's roster on a working day has no department present", who)
			}
		}

		if redHeld == 0 || orangeWaiting == 0 || extension == 0 {
			t.Errorf("red warnings with a 包案 leader %d, orange waiting for a response %d, extensions pending %d; want each", redHeld, orangeWaiting, extension)
		}

		orders, err := st.Supervisions(ctx, store.SupervisionFilter{}, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		byStatus, bySource, byLevel := map[string]int{}, map[string]int{}, map[string]int{}
		for _, o := range orders {
			byStatus[o.Status]++
			bySource[o.Source]++
			byLevel[o.Level]++
		}
		if byStatus["open"] == 0 || byStatus["replied"] == 0 || bySource["risk"] == 0 || byLevel["normal"] == 0 || byLevel["yellow"] == 0 {
			t.Errorf("orders by status %v, source %v, level %v: want open and replied ones, a warning's, a leader's and a yellow card", byStatus, bySource, byLevel)
		}

		booked := 0
		for _, leader := range []string{"county.leader", "fucheng.leader"} {
			cal, err := svc.ReceptionCalendar(ctx, principal(t, st, leader))
			if err != nil {
				t.Fatal(err)
			}
			ahead := 0
			for _, s := range cal {
				if s.StartsAt.After(now) {
					ahead++
				}
				for _, sl := range s.Slots {
					if sl.Booking != nil {
						booked++
					}
				}
			}
			if ahead == 0 {
				t.Errorf("%s has no reception session ahead: %+v", leader, cal)
			}
		}
		if booked < 2 {
			t.Errorf("%d bookings, want the desk's and a citizen's", booked)
		}

		users, err := st.Users(ctx, store.UserFilter{ActiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		unread := map[model.Role]int{}
		for _, u := range users {
			notes, err := st.Notifications(ctx, u.ID, true, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range notes {
				if n.CreatedAt.After(now) {
					t.Errorf("notice %d at %s, after now", n.ID, n.CreatedAt)
				}
			}
			for _, r := range u.Roles {
				unread[r] += len(notes)
			}
		}
		// The administrator and the viewer act on no case, and nothing notifies them.
		for _, r := range []model.Role{model.RoleLeader, model.RoleClerk, model.RoleHandler, model.RoleMediator, model.RoleGrid} {
			if unread[r] == 0 {
				t.Errorf("no %s has an unread notice: %v", r, unread)
			}
		}
	})
}

// principal signs in a demo account as the pages would see it.
func principal(t *testing.T, st *store.Store, username string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, _, err := st.UserCredentials(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{User: u}
	if p.Region, err = st.Region(ctx, u.RegionID); err != nil {
		t.Fatal(err)
	}
	return p
}

// No two demo accounts share a name: the audit log's filter finds a person by it.
func TestDemoAccountsHaveTheirOwnNames(t *testing.T) {
	seen := map[string]string{}
	for _, a := range demo.Accounts() {
		if other, ok := seen[a.Name]; ok {
			t.Errorf("%s and %s are both called %s", other, a.Username, a.Name)
		}
		seen[a.Name] = a.Username
	}
}
