package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// historyBatch makes n cases numbered from the ids BulkNextIDs gives, each with a
// timeline of three events and, every other one, an assignment; the last is merged
// into the first, so that on PostgreSQL the merge crosses the parts the batch is
// written in.
func historyBatch(t *testing.T, st *store.Store, n int) []model.Case {
	t.Helper()
	ctx := context.Background()
	village := firstVillage(t, st)
	cats, err := st.Categories(ctx, store.CategoryFilter{})
	if err != nil || len(cats) == 0 {
		t.Fatal(cats, err)
	}
	clerks, err := st.Users(ctx, store.UserFilter{Role: model.RoleClerk})
	if err != nil || len(clerks) == 0 {
		t.Fatal(clerks, err)
	}
	depts, err := st.Departments(ctx, store.DepartmentFilter{})
	if err != nil || len(depts) == 0 {
		t.Fatal(depts, err)
	}
	nextCase, nextAssignment, err := st.BulkNextIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Second)
	out := make([]model.Case, n)
	for i := range out {
		out[i] = model.Case{ID: nextCase + int64(i), TrackingCode: fmt.Sprintf("HIST%08d", nextCase+int64(i)), Kind: model.KindDispute,
			CategoryID: cats[0].ID, CategoryCode: cats[0].Code, Channel: model.ChannelWalkIn, RegionID: village.ID,
			RegionPath: village.Path, CentreID: village.ParentID, Title: "测试", Description: "测试案件", Urgency: "normal",
			PeopleCount: 1, State: "assigned", RegisteredBy: clerks[0].ID, CreatedAt: created, UpdatedAt: created.Add(2 * time.Hour),
			Parties: []model.Party{{Role: model.PartyApplicant, Name: "张三", Phone: "13800000000"}}}
		if i%2 == 0 {
			out[i].Assignments = []model.Assignment{{ID: nextAssignment, DepartmentID: depts[i%len(depts)].ID, IsLead: true,
				Status: model.AssignmentAssigned, AssignedAt: created.Add(2 * time.Hour)}}
			nextAssignment++
		}
	}
	out[n-1].State, out[n-1].MergedInto = "merged", out[0].ID
	return out
}

func historyOf(c model.Case) []model.CaseEvent {
	return []model.CaseEvent{
		{ActorID: c.RegisteredBy, At: c.CreatedAt, Action: "register", ToState: "registered", Payload: []byte(`{"kind":"dispute"}`)},
		{ActorID: c.RegisteredBy, At: c.CreatedAt.Add(time.Hour), Action: "accept", FromState: "registered", ToState: "accepted"},
		{At: c.CreatedAt.Add(2 * time.Hour), Action: "assign", FromState: "accepted", ToState: c.State, Note: fmt.Sprintf("case %s", c.TrackingCode)},
	}
}

// TestBulkLoadHistory: a numbered batch loads with its timelines and assignments,
// in order, a merge across the batch included, on PostgreSQL with the RI triggers
// skipped and with them running; one numbered wrongly fails whole; and the ordinary
// inserts afterwards take the next ids.
func TestBulkLoadHistory(t *testing.T) {
	type variant struct {
		name     string
		dialect  store.Dialect
		triggers bool // give case_assignments a trigger of its own, so that the RI triggers run
	}
	var variants []variant
	for _, d := range testutil.Dialects() {
		variants = append(variants, variant{string(d), d, false})
		if d == store.Postgres {
			variants = append(variants, variant{"postgres with triggers", d, true})
		}
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, v.dialect)
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if v.triggers {
				db, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Fatal(err)
				}
				_, err = db.Exec(`CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
					CREATE TRIGGER noop BEFORE INSERT ON case_assignments FOR EACH ROW EXECUTE FUNCTION noop()`)
				db.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := demo.SeedCounty(ctx, st); err != nil {
				t.Fatal(err)
			}

			// Numbered from the wrong id: nothing is written.
			const n = 1500
			wrong := historyBatch(t, st, n)
			for i := range wrong {
				wrong[i].ID++
			}
			wrong[n-1].MergedInto = wrong[0].ID
			if err := st.BulkLoadCases(ctx, wrong); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("batch numbered from the wrong id: %v, want ErrConflict", err)
			}
			if got, _ := st.CountCases(ctx); got != 0 {
				t.Fatalf("a failed batch left %d cases", got)
			}

			cases := historyBatch(t, st, n)
			events := make([][]model.CaseEvent, n)
			for i := range cases {
				if i%3 != 2 { // and some with their registration alone
					events[i] = historyOf(cases[i])
				}
			}
			if err := st.BulkLoadHistory(ctx, cases, events); err != nil {
				t.Fatal(err)
			}
			lastEvent := int64(0)
			for i, want := range cases {
				c, err := st.Case(ctx, want.ID, store.CaseScope{All: true})
				if err != nil {
					t.Fatal(err)
				}
				if c.TrackingCode != want.TrackingCode || c.MergedInto != want.MergedInto || !c.UpdatedAt.Equal(want.UpdatedAt) ||
					len(c.Assignments) != len(want.Assignments) {
					t.Fatalf("case %d read back as %+v, want %+v", want.ID, c, want)
				}
				for j, a := range c.Assignments {
					w := want.Assignments[j]
					if a.ID != w.ID || a.CaseID != want.ID || a.DepartmentID != w.DepartmentID || !a.IsLead || a.Status != w.Status ||
						!a.AssignedAt.Equal(w.AssignedAt) || a.ReturnBy != nil || a.SignedAt != nil {
						t.Fatalf("case %d: assignment %+v, want %+v", want.ID, a, w)
					}
				}
				evs, err := st.Events(ctx, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				tl := events[i]
				if tl == nil {
					tl = []model.CaseEvent{{ActorID: want.RegisteredBy, At: want.CreatedAt, Action: "register", ToState: "registered", Payload: []byte("{}")}}
				}
				if len(evs) != len(tl) {
					t.Fatalf("case %d: %d events, want %d", want.ID, len(evs), len(tl))
				}
				for j, ev := range evs {
					w := tl[j]
					payload := string(w.Payload)
					if payload == "" {
						payload = "{}"
					}
					if ev.ID <= lastEvent || ev.CaseID != want.ID || ev.ActorID != w.ActorID || !ev.At.Equal(w.At) || ev.Action != w.Action ||
						ev.FromState != w.FromState || ev.ToState != w.ToState || ev.Note != w.Note || string(ev.Payload) != payload {
						t.Fatalf("case %d: event %d is %+v, want %+v after event %d", want.ID, j+1, ev, w, lastEvent)
					}
					if events[i] != nil && events[i][j].ID != ev.ID {
						t.Fatalf("case %d: event %d was given id %d, stored as %d", want.ID, j+1, events[i][j].ID, ev.ID)
					}
					lastEvent = ev.ID
				}
			}

			// The next batch, and rows inserted the ordinary way, continue the numbering.
			nextCase, nextAssignment, err := st.BulkNextIDs(ctx)
			if err != nil || nextCase != cases[n-1].ID+1 || nextAssignment != cases[n-2].Assignments[0].ID+1 {
				t.Fatalf("next ids %d, %d (%v) after the batch", nextCase, nextAssignment, err)
			}
			fresh := cases[0]
			fresh.ID, fresh.TrackingCode, fresh.MergedInto, fresh.Assignments = 0, "FRESHHIST234", 0, nil
			taken := fresh
			taken.Title = "重复的查询码"
			err = st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
				if err := tx.InsertCase(ctx, &fresh); err != nil {
					return err
				}
				// A tracking code already taken is refused, and the transaction goes on
				// (on PostgreSQL a failed statement would have aborted it).
				if err := tx.InsertCase(ctx, &taken); !errors.Is(err, store.ErrConflict) {
					return fmt.Errorf("a taken tracking code: %v, want ErrConflict", err)
				}
				ev := model.CaseEvent{CaseID: fresh.ID, ActorID: fresh.RegisteredBy, At: fresh.CreatedAt, Action: "register", ToState: "registered"}
				if err := tx.AppendEvent(ctx, &ev); err != nil {
					return err
				}
				if ev.ID != lastEvent+1 {
					return fmt.Errorf("event id %d, want %d", ev.ID, lastEvent+1)
				}
				// Two events of one step, in one statement, take the next ids in order.
				assess := model.CaseEvent{CaseID: fresh.ID, At: fresh.CreatedAt, Action: "warning", FromState: "registered", ToState: "registered", Note: "评估"}
				accept := model.CaseEvent{CaseID: fresh.ID, ActorID: fresh.RegisteredBy, At: fresh.CreatedAt, Action: "accept", FromState: "registered", ToState: "accepted"}
				if err := tx.AppendEvents(ctx, &assess, &accept); err != nil {
					return err
				}
				if assess.ID != lastEvent+2 || accept.ID != lastEvent+3 {
					return fmt.Errorf("two events given ids %d, %d; want %d, %d", assess.ID, accept.ID, lastEvent+2, lastEvent+3)
				}
				a := model.Assignment{CaseID: fresh.ID, DepartmentID: cases[0].Assignments[0].DepartmentID, IsLead: true,
					Status: model.AssignmentAssigned, AssignedAt: fresh.CreatedAt}
				if err := tx.InsertAssignment(ctx, &a); err != nil {
					return err
				}
				if a.ID != nextAssignment {
					return fmt.Errorf("assignment id %d, want %d", a.ID, nextAssignment)
				}
				return nil
			})
			if err != nil || fresh.ID != nextCase {
				t.Fatalf("insert after the batch: case id %d, want %d: %v", fresh.ID, nextCase, err)
			}
			if evs, err := st.Events(ctx, fresh.ID); err != nil || len(evs) != 3 || evs[1].Action != "warning" || evs[1].ID != lastEvent+2 ||
				evs[2].Action != "accept" || evs[2].ID != lastEvent+3 || evs[2].ActorID != fresh.RegisteredBy || evs[1].ActorID != 0 {
				t.Fatalf("events of the fresh case: %+v %v", evs, err)
			}

			// An assignment to a department that does not exist fails the batch.
			bad := historyBatch(t, st, 10)
			bad[4].Assignments[0].DepartmentID = 999999
			if err := st.BulkLoadCases(ctx, bad); err == nil {
				t.Fatal("a batch assigning a case to a missing department was stored")
			}
			if got, _ := st.CountCases(ctx); got != n+1 {
				t.Fatalf("%d cases after a failed batch, want %d", got, n+1)
			}
		})
	}
}
