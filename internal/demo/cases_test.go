package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// allCases reads every case, with its parties, through the store's ordinary listing.
func allCases(t *testing.T, st *store.Store) []model.Case {
	t.Helper()
	var out []model.Case
	for before := int64(0); ; {
		page, err := st.Cases(context.Background(), store.CaseFilter{Before: before, Limit: 200}, store.CaseScope{All: true})
		if err != nil {
			t.Fatalf("list cases: %v", err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		before = page[len(page)-1].ID
	}
}

// sameContent compares what a seed decides about a case: everything but its times
// (which count back from the moment of generation) and ids.
func sameContent(a, b model.Case) error {
	if a.TrackingCode != b.TrackingCode || a.Kind != b.Kind || a.CategoryID != b.CategoryID || a.Channel != b.Channel ||
		a.RegionID != b.RegionID || a.GridID != b.GridID || a.CentreID != b.CentreID || a.Address != b.Address ||
		a.Title != b.Title || a.Description != b.Description || a.Urgency != b.Urgency || a.PeopleCount != b.PeopleCount ||
		a.AmountFen != b.AmountFen || a.State != b.State || a.DueStage != b.DueStage || a.RegisteredBy != b.RegisteredBy {
		return fmt.Errorf("cases differ:\n%+v\n%+v", a, b)
	}
	if len(a.Parties) != len(b.Parties) {
		return fmt.Errorf("%d parties, then %d", len(a.Parties), len(b.Parties))
	}
	for i := range a.Parties {
		pa, pb := a.Parties[i], b.Parties[i]
		if pa.Role != pb.Role || pa.Name != pb.Name || pa.IDNumber != pb.IDNumber || pa.Phone != pb.Phone {
			return fmt.Errorf("party %d differs: %+v, then %+v", i+1, pa, pb)
		}
	}
	return nil
}

func TestGenerateCases(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		const n = 8000
		if err := demo.GenerateCases(ctx, st, n, 7); err != nil {
			t.Fatalf("generate: %v", err)
		}
		cases := allCases(t, st)
		if len(cases) != n {
			t.Fatalf("%d cases, want %d", len(cases), n)
		}
		if cases[0].ID != n || cases[n-1].ID != 1 {
			t.Errorf("ids run %d…%d, want 1…%d", cases[n-1].ID, cases[0].ID, n)
		}
		codes := map[string]bool{}
		parties, events, open := 0, 0, 0
		colours := map[string]int{}
		var sample model.Case // an open case, to look up by its address
		for _, c := range cases {
			if len(c.TrackingCode) != 12 || codes[c.TrackingCode] {
				t.Fatalf("case %d: tracking code %q is malformed or taken twice", c.ID, c.TrackingCode)
			}
			codes[c.TrackingCode] = true
			if c.Version != 1 || c.RegionPath == "" || c.CentreID == 0 || c.Title == "" || c.RegisteredBy == 0 {
				t.Fatalf("case %d is missing fields: %+v", c.ID, c)
			}
			if len(c.Parties) != 2 {
				t.Fatalf("case %d has %d parties, want 2", c.ID, len(c.Parties))
			}
			for i, p := range c.Parties {
				parties++
				if p.Seq != i+1 || p.Name == "" {
					t.Fatalf("case %d: party %+v", c.ID, p)
				}
				if p.Role == model.PartyApplicant {
					if _, err := model.NormalizeIDNumber(p.IDNumber); err != nil {
						t.Fatalf("case %d: applicant's ID number %q: %v", c.ID, p.IDNumber, err)
					}
				} else if p.IDNumber != "" {
					t.Fatalf("case %d: respondent has ID number %q", c.ID, p.IDNumber)
				}
				if _, err := model.NormalizePhone(p.Phone); err != nil {
					t.Fatalf("case %d: phone %q: %v", c.ID, p.Phone, err)
				}
			}
			evs, err := st.Events(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			events += len(evs)
			if len(evs) == 0 || evs[0].Action != "register" || evs[0].ToState != "registered" ||
				evs[0].ActorID != c.RegisteredBy || !evs[0].At.Equal(c.CreatedAt) {
				t.Fatalf("case %d (created %v by %d): events %+v", c.ID, c.CreatedAt, c.RegisteredBy, evs)
			}
			if c.ClosedAt == nil {
				open++
				sample = c
			}
			colours[c.RiskLevel]++
			if c.RiskLevel != "none" {
				if c.ClosedAt != nil || c.RiskSince == nil || len(c.RiskResult) == 0 || c.RiskScore == 0 {
					t.Fatalf("case %d: warning %s on a closed case or without its grounds: %+v", c.ID, c.RiskLevel, c)
				}
			}
		}
		// Open cases come with the warnings their facts give, of several colours.
		for _, l := range []string{"none", "yellow", "orange", "red"} {
			if colours[l] == 0 {
				t.Errorf("no %s warning among %d generated cases: %v", l, n, colours)
			}
		}
		// Every case has its history (TestGeneratedHistories looks at them closely).
		if parties != 2*n || events < 3*n {
			t.Errorf("%d parties and %d events, want %d and more than %d", parties, events, 2*n, 3*n)
		}
		if open == 0 || open == n {
			t.Errorf("%d of %d cases open; want a mix", open, n)
		}

		// The columns only lookups read are filled too: address_key and the parties'.
		for _, by := range []struct{ idNumber, address string }{{sample.Parties[0].IDNumber, ""}, {"", sample.Address}} {
			prior, err := st.PriorCases(ctx, by.idNumber, "", by.address, search.Query{}, 500, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, pc := range prior {
				found = found || pc.ID == sample.ID
			}
			if !found {
				t.Errorf("case %d not found among prior cases by %+v: %+v", sample.ID, by, prior)
			}
		}

		// A case registered the ordinary way afterwards gets the next id (on PostgreSQL,
		// the identity sequences were moved past the loaded rows).
		fresh := cases[0]
		fresh.ID, fresh.TrackingCode = 0, "FRESH2345678"
		fresh.Parties = []model.Party{{Role: model.PartyApplicant, Name: "新来人", Phone: "13800000000"}}
		err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
			if err := tx.InsertCase(ctx, &fresh); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &model.CaseEvent{CaseID: fresh.ID, ActorID: fresh.RegisteredBy, At: fresh.CreatedAt,
				Action: "register", ToState: "registered"})
		})
		if err != nil {
			t.Fatalf("insert after bulk load: %v", err)
		}
		if fresh.ID != n+1 || fresh.Parties[0].ID != 2*n+1 {
			t.Errorf("case inserted afterwards got id %d, party id %d; want %d, %d", fresh.ID, fresh.Parties[0].ID, n+1, 2*n+1)
		}

		// Generating more, even with the same seed, never repeats a tracking code.
		if err := demo.GenerateCases(ctx, st, 50, 7); err != nil {
			t.Fatalf("generate again: %v", err)
		}
		more := allCases(t, st)
		if len(more) != n+1+50 || more[0].ID != n+1+50 {
			t.Fatalf("after a second run: %d cases up to id %d, want %d", len(more), more[0].ID, n+1+50)
		}
		for _, c := range more[:50] {
			if codes[c.TrackingCode] {
				t.Fatalf("second run reused tracking code %s", c.TrackingCode)
			}
		}

		// The same seed gives the same cases in a fresh database; another seed does not.
		again := testutil.NewStore(t, st.Dialect())
		if err := demo.SeedCounty(ctx, again); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, again, 20, 7); err != nil {
			t.Fatal(err)
		}
		first := allCases(t, again)
		for i := range first {
			if err := sameContent(cases[n-1-i], first[len(first)-1-i]); err != nil {
				t.Fatalf("seed 7, case %d: %v", i+1, err)
			}
			if err := sameHistory(ctx, st, again, cases[n-1-i].ID, first[len(first)-1-i].ID); err != nil {
				t.Fatalf("seed 7, case %d: %v", i+1, err)
			}
		}
		if err := demo.GenerateCases(ctx, again, 1, 8); err != nil {
			t.Fatal(err)
		}
		eighth := allCases(t, again)[0]
		eighth.TrackingCode = cases[n-1].TrackingCode // numbered differently anyway
		if err := sameContent(cases[n-1], eighth); err == nil {
			t.Error("seeds 7 and 8 gave the same first case")
		}
	})
}

// sameHistory compares what a seed decides about a case's history: its steps (but
// not their times, which count back from the moment of generation, nor the merges of
// later cases into it, which a shorter run does not make) and its assignments.
func sameHistory(ctx context.Context, sa, sb *store.Store, a, b int64) error {
	steps := func(st *store.Store, id int64) (string, error) {
		evs, err := st.Events(ctx, id)
		if err != nil {
			return "", err
		}
		c, err := st.Case(ctx, id, store.CaseScope{All: true})
		if err != nil {
			return "", err
		}
		var out []string
		for _, ev := range evs {
			if ev.Action != "merged_in" {
				out = append(out, fmt.Sprintf("%s %s→%s by %d: %s", ev.Action, ev.FromState, ev.ToState, ev.ActorID, ev.Note))
			}
		}
		for _, as := range c.Assignments {
			out = append(out, fmt.Sprintf("department %d lead %v %s", as.DepartmentID, as.IsLead, as.Status))
		}
		return strings.Join(out, "\n"), nil
	}
	ha, err := steps(sa, a)
	if err != nil {
		return err
	}
	hb, err := steps(sb, b)
	if err != nil {
		return err
	}
	if ha != hb {
		return fmt.Errorf("histories differ:\n%s\nthen\n%s", ha, hb)
	}
	return nil
}

// TestBulkLoadRejectsBadBatches: a batch with a taken tracking code or a reference to
// nothing fails as a whole, even when PostgreSQL writes it in parts, and leaves the
// store as strict as before.
func TestBulkLoadRejectsBadBatches(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, st, 1000, 1); err != nil {
			t.Fatal(err)
		}
		existing := allCases(t, st)
		batch := func() []model.Case {
			var out []model.Case
			for i, c := range existing {
				c.ID, c.TrackingCode = 0, fmt.Sprintf("BATCH%07d", i)
				c.Parties = append([]model.Party(nil), c.Parties...)
				for j := range c.Parties {
					c.Parties[j].ID = 0
				}
				out = append(out, c)
			}
			return out
		}

		dup := batch()
		dup[len(dup)-1].TrackingCode = existing[3].TrackingCode // in the last part
		if err := st.BulkLoadCases(ctx, dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("batch with a taken tracking code: %v, want ErrConflict", err)
		}
		orphan := batch()
		orphan[0].CategoryID = 999999 // in the first part
		if err := st.BulkLoadCases(ctx, orphan); err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
			t.Errorf("batch naming a missing category: %v, want a foreign-key error", err)
		}
		if got := allCases(t, st); len(got) != len(existing) {
			t.Fatalf("failed batches left %d cases, want %d", len(got), len(existing))
		}

		// The writer enforces foreign keys again.
		bad := existing[0]
		bad.ID, bad.TrackingCode, bad.RegionID, bad.Parties = 0, "BADREGION234", 999999, nil
		err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error { return tx.InsertCase(ctx, &bad) })
		if err == nil {
			t.Fatal("a case in a missing region was stored after a bulk load")
		}

		// A good batch still loads, after the failed ones, with the next ids.
		good := batch()
		if err := st.BulkLoadCases(ctx, good); err != nil {
			t.Fatalf("good batch: %v", err)
		}
		if got := allCases(t, st); len(got) != 2*len(existing) {
			t.Fatalf("%d cases after the good batch, want %d", len(got), 2*len(existing))
		}
		if good[0].ID <= existing[0].ID || good[0].Parties[0].ID == 0 {
			t.Errorf("good batch's first case got id %d (party %d); the last before was %d", good[0].ID, good[0].Parties[0].ID, existing[0].ID)
		}
	})
}

// org is what a test needs to know of the demo county to judge a history.
type org struct {
	users       map[int64]model.User
	regions     map[int64]model.Region
	departments map[int64]model.Department
}

func loadOrg(t *testing.T, st *store.Store) org {
	t.Helper()
	ctx := context.Background()
	o := org{users: map[int64]model.User{}, regions: map[int64]model.Region{}, departments: map[int64]model.Department{}}
	users, err := st.Users(ctx, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		o.users[u.ID] = u
	}
	regions, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		o.regions[r.ID] = r
	}
	depts, err := st.Departments(ctx, store.DepartmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		o.departments[d.ID] = d
	}
	return o
}

// tally counts the ways generated cases went, to see that each way is taken.
type tally map[string]int

// checkHistory judges case c's timeline evs and assignments against the workflow's
// transitions and roles, the case's own record, and its state, and tallies the way
// it went.
func checkHistory(o org, c model.Case, evs []model.CaseEvent, now time.Time, seen tally) error {
	if len(evs) == 0 || evs[0].Action != "register" || evs[0].FromState != "" || evs[0].ToState != "registered" ||
		evs[0].ActorID != c.RegisteredBy || !evs[0].At.Equal(c.CreatedAt) {
		return fmt.Errorf("does not start with its registration at %v by %d", c.CreatedAt, c.RegisteredBy)
	}
	centre := o.regions[c.CentreID]
	// actsFor: the actor is one of the case's centre's staff with one of roles.
	actsFor := func(id int64, roles ...model.Role) bool {
		u, ok := o.users[id]
		if !ok {
			return false
		}
		for _, r := range roles {
			if u.Has(r) && (u.RegionID == c.CentreID || r == model.RoleGrid && strings.HasPrefix(c.RegionPath, o.regions[u.RegionID].Path)) {
				return true
			}
		}
		return false
	}
	ofDepartment := func(id, dept int64) bool {
		u, ok := o.users[id]
		return id == 0 || ok && u.Has(model.RoleHandler) && u.DepartmentID == dept
	}
	var lastAccept, lastResolve *model.CaseEvent
	var resolvedOutcome string
	for i := range evs {
		ev := &evs[i]
		var payload map[string]any
		if err := json.Unmarshal(ev.Payload, &payload); err != nil {
			return fmt.Errorf("event %d (%s): payload %q: %v", i+1, ev.Action, ev.Payload, err)
		}
		if i > 0 {
			prev := evs[i-1]
			if ev.FromState != prev.ToState {
				return fmt.Errorf("event %d (%s) is from %s, but the case was %s", i+1, ev.Action, ev.FromState, prev.ToState)
			}
			if ev.At.Before(prev.At) {
				return fmt.Errorf("event %d (%s) at %v comes before the one before it at %v", i+1, ev.Action, ev.At, prev.At)
			}
		}
		if ev.At.After(now) || ev.At.After(c.UpdatedAt) || c.ClosedAt != nil && ev.At.After(*c.ClosedAt) {
			return fmt.Errorf("event %d (%s) at %v is after now, the case's update (%v) or its closing (%v)", i+1, ev.Action, ev.At, c.UpdatedAt, c.ClosedAt)
		}
		switch a := workflow.Action(ev.Action); {
		case ev.Action == "warning":
			if ev.ActorID != 0 || ev.FromState != ev.ToState || payload["to"] != c.RiskLevel || ev.Note == "" {
				return fmt.Errorf("warning event %+v (payload %s) on a %s case", ev, ev.Payload, c.RiskLevel)
			}
			seen["warning"]++
		case ev.Action == "merged_in":
			seen["merged into"]++
			if ev.FromState != ev.ToState || !actsFor(ev.ActorID, model.RoleClerk, model.RoleLeader) || payload["merged_case_id"] == nil {
				return fmt.Errorf("merged_in event %+v", ev)
			}
		case !a.Valid():
			return fmt.Errorf("event %d: unknown action %q", i+1, ev.Action)
		default:
			rule, _ := workflow.RuleFor(a)
			from, to := workflow.State(ev.FromState), workflow.State(ev.ToState)
			want := rule.To
			switch {
			case want == workflow.Unchanged:
				want = from
			case rule.ToIfUnsatisfied != "" && payload["satisfaction"] == string(workflow.Unsatisfied):
				want = rule.ToIfUnsatisfied
			}
			if !slices.Contains(rule.From, from) || to != want {
				return fmt.Errorf("event %d: %s from %s to %s, which the workflow does not do", i+1, a, from, to)
			}
			// Who took the step: someone whose role the workflow lets take it, acting for
			// the case's centre or for the department the step concerns.
			ok := true
			switch a {
			case workflow.ActionRegister:
				u := o.users[ev.ActorID]
				ok = u.Has(model.RoleClerk)
			case workflow.ActionSign, workflow.ActionReturn, workflow.ActionCoSign, workflow.ActionCoReport:
				dept, _ := payload["department_id"].(float64)
				ok = dept != 0 && ofDepartment(ev.ActorID, int64(dept)) && payload["assignment_id"] != nil
			case workflow.ActionResolve:
				if c.AtCentre {
					ok = actsFor(ev.ActorID, model.RoleMediator)
				} else {
					ok = ofDepartment(ev.ActorID, leadOf(c))
				}
				resolvedOutcome, _ = payload["outcome"].(string)
				ok = ok && workflow.Outcome(resolvedOutcome).Valid() && ev.Note != ""
				lastResolve = ev
			case workflow.ActionVisit:
				sat, _ := payload["satisfaction"].(string)
				ok = actsFor(ev.ActorID, model.RoleClerk, model.RoleGrid) && workflow.Satisfaction(sat).Valid()
				if sat == string(workflow.Unsatisfied) {
					seen["reopened"]++
				}
			case workflow.ActionAssign:
				name, _ := payload["lead_department"].(string)
				ok = actsFor(ev.ActorID, model.RoleClerk) && name != ""
			case workflow.ActionWarningRespond:
				// Made as the warning demands: an orange one's by the centre's clerk, a
				// red one's by the centre's leader, named its 包案 leader; and the case
				// says when.
				holder, _ := payload["holder_id"].(float64)
				if c.RiskLevel == "red" {
					ok = actsFor(ev.ActorID, model.RoleLeader) && int64(holder) == ev.ActorID && c.RiskHolderID == ev.ActorID &&
						payload["holder"] == o.users[ev.ActorID].DisplayName
				} else {
					ok = c.RiskLevel == "orange" && actsFor(ev.ActorID, model.RoleClerk) && holder == 0
				}
				ok = ok && ev.Note != "" && c.RiskRespondedAt != nil && c.RiskRespondedAt.Equal(ev.At)
				seen["warning responded"]++
			default:
				ok = actsFor(ev.ActorID, model.RoleClerk, model.RoleLeader)
			}
			if u, known := o.users[ev.ActorID]; known && !slices.ContainsFunc(rule.Grants, func(g workflow.Grant) bool { return u.Has(g.Role) }) {
				ok = false // the workflow grants the action to none of the actor's roles
			}
			if !ok {
				return fmt.Errorf("event %d: %s by user %d (%+v), payload %s", i+1, a, ev.ActorID, o.users[ev.ActorID], ev.Payload)
			}
			if slices.Contains(rule.Needs, workflow.NeedReason) && ev.Note == "" {
				return fmt.Errorf("event %d: %s without the reason it needs", i+1, a)
			}
			switch a {
			case workflow.ActionAccept:
				lastAccept = ev
			case workflow.ActionMerge:
				code, _ := payload["merge_into_code"].(string)
				if c.MergedInto != 0 && code == "" || c.MergedInto == 0 && code != "" {
					return fmt.Errorf("merged into %d, but the merge names %q", c.MergedInto, code)
				}
			case workflow.ActionVerifyFail:
				seen["verify failed"]++
				lastResolve, resolvedOutcome = nil, ""
			case workflow.ActionCoAssign:
				seen["co-handler called in later"]++
			}
			if a == workflow.ActionVisit && to == workflow.StateInProgress {
				lastResolve, resolvedOutcome = nil, ""
			}
			seen[string(a)]++
		}
	}
	last := evs[len(evs)-1]
	if last.ToState != c.State {
		return fmt.Errorf("the last event leaves it %s, but it is %s", last.ToState, c.State)
	}
	if !c.UpdatedAt.Equal(last.At) {
		return fmt.Errorf("updated at %v, but its last event is at %v", c.UpdatedAt, last.At)
	}
	state := workflow.State(c.State)
	if state.Terminal() != (c.ClosedAt != nil) || c.ClosedAt != nil && !c.ClosedAt.Equal(last.At) {
		return fmt.Errorf("%s, closed at %v; last event at %v", c.State, c.ClosedAt, last.At)
	}

	// The case's own record of its history.
	if (lastAccept == nil) != (c.AcceptedAt == nil) || lastAccept != nil && !c.AcceptedAt.Equal(lastAccept.At) {
		return fmt.Errorf("accepted at %v, but its accept event is %+v", c.AcceptedAt, lastAccept)
	}
	if (lastResolve == nil) != (c.ResolvedAt == nil) || lastResolve != nil && (!c.ResolvedAt.Equal(lastResolve.At) || c.Outcome != resolvedOutcome) {
		return fmt.Errorf("resolved at %v with %q, but its resolve event is %+v", c.ResolvedAt, c.Outcome, lastResolve)
	}
	afterResolve := state == workflow.StateResolved || state == workflow.StateVerified || state == workflow.StateFollowedUp || state == workflow.StateArchived
	if afterResolve != (c.Outcome != "") {
		return fmt.Errorf("%s with outcome %q", c.State, c.Outcome)
	}
	if (state == workflow.StateFollowedUp || state == workflow.StateArchived) && c.Satisfaction != "satisfied" && c.Satisfaction != "basically_satisfied" {
		return fmt.Errorf("%s with satisfaction %q", c.State, c.Satisfaction)
	}
	effective := state // where the case's work stands: a suspended case's, where it was suspended
	if state == workflow.StateSuspended {
		effective = workflow.State(c.SuspendedFrom)
		// The last step that moved it suspended it (cases merged into it since leave it so).
		moved := slices.IndexFunc(evs, func(ev model.CaseEvent) bool { return ev.Action == "suspend" })
		if moved < 0 || slices.ContainsFunc(evs[moved+1:], func(ev model.CaseEvent) bool { return ev.FromState != ev.ToState }) ||
			evs[moved].FromState != c.SuspendedFrom || !slices.Contains([]string{"accepted", "assigned", "in_progress"}, c.SuspendedFrom) {
			return fmt.Errorf("suspended from %q, but its events say otherwise", c.SuspendedFrom)
		}
		seen["suspended from "+c.SuspendedFrom]++
	} else if c.SuspendedFrom != "" {
		return fmt.Errorf("%s, yet suspended from %q", c.State, c.SuspendedFrom)
	}
	handled := slices.ContainsFunc(evs, func(ev model.CaseEvent) bool { return ev.Action == "handle" })
	if handled != c.AtCentre {
		return fmt.Errorf("at centre %v, handled %v", c.AtCentre, handled)
	}

	// Its assignments: to departments within the centre's reach, each as far along as
	// its events took it, and the lead's as far as the case's state says.
	leads, live := 0, 0
	for _, as := range c.Assignments {
		d, ok := o.departments[as.DepartmentID]
		dp := o.regions[d.RegionID].Path
		if !ok || !(strings.HasPrefix(centre.Path, dp) || strings.HasPrefix(dp, centre.Path)) {
			return fmt.Errorf("assigned to department %d (%+v), out of the reach of centre %s", as.DepartmentID, d, centre.Path)
		}
		if as.AssignedAt.Before(c.CreatedAt) || as.AssignedAt.After(c.UpdatedAt) || as.ReturnBy == nil || !as.ReturnBy.After(as.AssignedAt) ||
			as.SignedAt != nil && as.SignedAt.Before(as.AssignedAt) || as.ReportedAt != nil && (as.SignedAt == nil || as.ReportedAt.Before(*as.SignedAt)) {
			return fmt.Errorf("assignment %+v: its times do not add up", as)
		}
		switch as.Status {
		case model.AssignmentAssigned, model.AssignmentReturned:
			ok = as.SignedAt == nil && as.ReportedAt == nil
		case model.AssignmentSigned:
			ok = as.SignedAt != nil && as.ReportedAt == nil
		case model.AssignmentReported:
			ok = as.ReportedAt != nil && as.Report != "" // a co-handler's report, or the lead's resolution
		default:
			ok = false
		}
		if !ok {
			return fmt.Errorf("assignment %+v", as)
		}
		if as.IsLead {
			leads++
		}
		if as.Status != model.AssignmentReturned {
			live++
		} else {
			seen["returned"]++
		}
		if !as.IsLead {
			seen["co-handled"]++
			if afterResolve && as.Status != model.AssignmentReported {
				return fmt.Errorf("%s while co-handler %+v has not reported", c.State, as)
			}
		}
	}
	switch {
	case effective == workflow.StateRegistered || effective == workflow.StateRejected || effective == workflow.StateMerged:
		if len(c.Assignments) > 0 {
			return fmt.Errorf("%s, with assignments %+v", c.State, c.Assignments)
		}
	case effective == workflow.StateAccepted:
		if live > 0 || leads > 1 {
			return fmt.Errorf("accepted, with assignments %+v", c.Assignments)
		}
	case c.AtCentre:
		seen["at centre"]++
		if len(c.Assignments) > 0 {
			return fmt.Errorf("handled at the centre, with assignments %+v", c.Assignments)
		}
	default:
		want := model.AssignmentSigned
		switch effective {
		case workflow.StateAssigned:
			want = model.AssignmentAssigned
		case workflow.StateResolved, workflow.StateVerified, workflow.StateFollowedUp, workflow.StateArchived:
			want = model.AssignmentReported // the lead's part ends with its resolution
		}
		if leads != 1 || c.Assignments[0].Status != want || !c.Assignments[0].IsLead {
			return fmt.Errorf("%s (work %s), with assignments %+v; want one lead, %s", c.State, effective, c.Assignments, want)
		}
		seen["routed"]++
	}
	return nil
}

// leadOf is the case's live lead department, 0 for none.
func leadOf(c model.Case) int64 {
	for _, as := range c.Assignments {
		if as.IsLead && as.Status != model.AssignmentReturned {
			return as.DepartmentID
		}
	}
	return 0
}

// TestGeneratedHistories: every generated case comes with the history its state
// implies, as the workflow would have made it: events in order from its
// registration, each a transition the workflow allows, by a user who may take it;
// the departments it was assigned to; and the case's own record of it. Handlers,
// mediators and clerks find work in their queues.
func TestGeneratedHistories(t *testing.T) {
	for _, tc := range []struct {
		name     string
		generate func(context.Context, *store.Store, int, uint64) error
		n        int
		seed     uint64
		// ways are tallies that must not be zero; queues, that every handler's,
		// mediator's and clerk's queue has work.
		ways   []string
		queues bool
	}{
		{"three years", demo.GenerateCases, 3000, 7,
			[]string{"reject", "merge", "merged into", "archive", "routed", "at centre", "co-handled", "co_report", "suspended from in_progress"}, false},
		{"backlog", demo.GenerateOpenCases, 2000, 3,
			[]string{"routed", "at centre", "co-handled", "co_sign", "co_report", "co-handler called in later", "returned", "verify failed", "reopened",
				"suspended from accepted", "suspended from assigned", "suspended from in_progress", "visit", "warning", "warning responded"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				if err := demo.SeedCounty(ctx, st); err != nil {
					t.Fatal(err)
				}
				if err := tc.generate(ctx, st, tc.n, tc.seed); err != nil {
					t.Fatal(err)
				}
				now := time.Now()
				o := loadOrg(t, st)
				seen := tally{}
				merged, mergedInto := 0, 0
				for _, listed := range allCases(t, st) {
					c, err := st.Case(ctx, listed.ID, store.CaseScope{All: true})
					if err != nil {
						t.Fatal(err)
					}
					evs, err := st.Events(ctx, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					if err := checkHistory(o, c, evs, now, seen); err != nil {
						t.Fatalf("case %d (%s, %s, created %v): %v\nevents: %+v", c.ID, c.State, c.Kind, c.CreatedAt, err, evs)
					}
					if c.State == "merged" {
						merged++
						if c.MergedInto != 0 {
							mergedInto++
							target, err := st.Case(ctx, c.MergedInto, store.CaseScope{All: true})
							if err != nil || target.CentreID != c.CentreID || !target.CreatedAt.Before(*c.ClosedAt) {
								t.Fatalf("case %d merged at %v into %+v (%v)", c.ID, c.ClosedAt, target, err)
							}
						}
					}
				}
				for _, w := range tc.ways {
					if seen[w] == 0 {
						t.Errorf("no case went the way %q: %v", w, seen)
					}
				}
				if co, routed := seen["co-handled"], seen["routed"]; co < routed/20 || co > routed*3/10 {
					t.Errorf("%d co-handlers for %d routed cases, want some 15%%", co, routed)
				}
				if merged > 0 && mergedInto < merged*9/10 {
					t.Errorf("only %d of %d merged cases name the case they joined", mergedInto, merged)
				}
				if seen["merged into"] != mergedInto {
					t.Errorf("%d merged cases name their target, %d targets record it", mergedInto, seen["merged into"])
				}

				// Work queues, as the case pages' 待我处理 reads them.
				empty := 0
				queues := 0
				for _, u := range o.users {
					var q store.Queue
					switch {
					case u.Has(model.RoleHandler):
						q.DepartmentID = u.DepartmentID
					case o.regions[u.RegionID].Level != model.LevelTownship:
						continue // the demo's cases are the townships' centres' to handle
					case u.Has(model.RoleMediator):
						q.MediatorAt = u.RegionID
					case u.Has(model.RoleClerk):
						q.CentreID = u.RegionID
					default:
						continue
					}
					queues++
					got, err := st.Cases(ctx, store.CaseFilter{Queue: &q, Limit: 50}, store.CaseScope{All: true})
					if err != nil {
						t.Fatal(err)
					}
					if len(got) == 0 {
						empty++
						if tc.queues {
							t.Errorf("%s's queue (%+v) is empty", u.Username, q)
						}
					}
				}
				if empty == queues {
					t.Errorf("every queue is empty")
				}

				// Generating writes no audit entries of its own, and leaves the chain whole.
				if _, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil {
					t.Errorf("audit chain after generating: %+v, %v", brk, err)
				}
			})
		})
	}
}

// TestGeneratedCasesCarryOn: the real workflow takes generated cases on from where
// they stand, by the users the generator had act on them: the lead department's
// handler signs for and resolves, the centre's clerk verifies, visits and resumes,
// the mediator resolves what the centre handles itself.
func TestGeneratedCasesCarryOn(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateOpenCases(ctx, st, 1500, 5); err != nil {
			t.Fatal(err)
		}
		o := loadOrg(t, st)
		svc := cases.New(st)
		principal := func(u model.User) *auth.Principal {
			p := &auth.Principal{User: u, Region: o.regions[u.RegionID]}
			if d, ok := o.departments[u.DepartmentID]; ok {
				p.Department = &d
			}
			return p
		}
		// who finds the user who takes action a on c, or false when the demo has none.
		who := func(c model.Case, a workflow.Action) (model.User, bool) {
			for _, u := range o.users {
				switch {
				case a == workflow.ActionSign || a == workflow.ActionResolve && !c.AtCentre:
					if u.Has(model.RoleHandler) && u.DepartmentID == leadOf(c) {
						return u, true
					}
				case a == workflow.ActionResolve:
					if u.Has(model.RoleMediator) && u.RegionID == c.CentreID {
						return u, true
					}
				default:
					if u.Has(model.RoleClerk) && u.RegionID == c.CentreID {
						return u, true
					}
				}
			}
			return model.User{}, false
		}
		steps := []struct {
			state  string
			action workflow.Action
			in     cases.ActInput
			want   func(c model.Case) string
			atDept bool // only cases assigned to a department (not handled at the centre)
		}{
			{"assigned", workflow.ActionSign, cases.ActInput{}, func(model.Case) string { return "in_progress" }, true},
			{"in_progress", workflow.ActionResolve, cases.ActInput{Outcome: "mediated_agreement", Note: "调解成功"}, func(model.Case) string { return "resolved" }, true},
			{"in_progress", workflow.ActionResolve, cases.ActInput{Outcome: "mediated_oral", Note: "调解成功"}, func(model.Case) string { return "resolved" }, false},
			{"resolved", workflow.ActionVerify, cases.ActInput{}, func(model.Case) string { return "verified" }, false},
			{"verified", workflow.ActionVisit, cases.ActInput{Satisfaction: "satisfied"}, func(model.Case) string { return "followed_up" }, false},
			{"suspended", workflow.ActionResume, cases.ActInput{}, func(c model.Case) string { return c.SuspendedFrom }, false},
		}
		for _, step := range steps {
			name := string(step.action) + "/" + step.state
			if step.action == workflow.ActionResolve && step.atDept {
				name += "/department"
			} else if step.action == workflow.ActionResolve {
				name += "/centre"
			}
			t.Run(name, func(t *testing.T) {
				tried := 0
				for _, listed := range allCases(t, st) {
					c, err := st.Case(ctx, listed.ID, store.CaseScope{All: true})
					if err != nil {
						t.Fatal(err)
					}
					if c.State != step.state || step.action == workflow.ActionResolve && step.atDept == c.AtCentre {
						continue
					}
					if step.action == workflow.ActionResolve && slices.ContainsFunc(c.Assignments, func(a model.Assignment) bool {
						return !a.IsLead && a.Status != model.AssignmentReported
					}) {
						continue // a co-handler still works on it
					}
					u, ok := who(c, step.action)
					if !ok {
						continue
					}
					got, err := svc.Act(ctx, principal(u), c.ID, step.action, step.in)
					if err != nil {
						t.Fatalf("%s takes %s on case %d (%+v): %v", u.Username, step.action, c.ID, c, err)
					}
					if want := step.want(c); got.State != want {
						t.Fatalf("after %s, case %d is %s, want %s", step.action, c.ID, got.State, want)
					}
					if tried++; tried == 3 {
						return
					}
				}
				if tried == 0 {
					t.Fatalf("no generated case to %s", step.action)
				}
			})
		}
	})
}
