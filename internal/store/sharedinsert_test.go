package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Cases written in one statement by a shared insert each get their own
// outcome: a tracking code already taken, or drawn twice in the batch, refuses that
// case alone; a case the database refuses (here a category that does not exist) fails
// the statement, and the others are then written one by one. Every case written has
// its own parties, events and audit entry.
func TestSharedInsertGivesEachCaseItsOwnOutcome(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		if st.Dialect() != store.Postgres {
			t.Skip("the shared insert is PostgreSQL's")
		}
		ctx, village, cats, now := seededCounty(t, st, store.Actor{ID: 0, Name: "测试", IP: "10.0.0.1"})
		newCase := func(code string, category int64, parties int) *model.Case {
			c := newVillageCase(code, village, cats[0], now)
			c.CategoryID = category
			for j := range parties {
				c.Parties = append(c.Parties, model.Party{Role: model.PartyApplicant, Name: fmt.Sprintf("%s-%d", code, j)})
			}
			return c
		}
		events := func(c *model.Case, n int) []*model.CaseEvent {
			var evs []*model.CaseEvent
			for j := range n {
				evs = append(evs, &model.CaseEvent{At: now, Action: "register", ToState: "registered", Note: fmt.Sprintf("%s/%d", c.TrackingCode, j)})
			}
			return evs
		}
		write := func(cs []*model.Case, eventsEach int) []error {
			evs := make([][]*model.CaseEvent, len(cs))
			for i, c := range cs {
				evs[i] = events(c, eventsEach+i%2)
			}
			return st.InsertSharedTogether(ctx, store.Audited("case.register", "case:new", "登记"), cs, evs)
		}
		if errs := write([]*model.Case{newCase("TAKEN0000001", cats[0].ID, 1)}, 1); errs[0] != nil {
			t.Fatal(errs[0])
		}

		for _, tc := range []struct {
			name  string
			cases []*model.Case
			want  []string // "" written, "conflict", "refused"
		}{
			{"all written", []*model.Case{newCase("BATCH0000001", cats[0].ID, 1), newCase("BATCH0000002", cats[1].ID, 3),
				newCase("BATCH0000003", cats[0].ID, 0)}, []string{"", "", ""}},
			{"a code already taken", []*model.Case{newCase("BATCH0000004", cats[0].ID, 2), newCase("TAKEN0000001", cats[0].ID, 1),
				newCase("BATCH0000005", cats[0].ID, 1)}, []string{"", "conflict", ""}},
			{"a code drawn twice", []*model.Case{newCase("BATCH0000006", cats[0].ID, 1), newCase("BATCH0000006", cats[0].ID, 2),
				newCase("BATCH0000007", cats[0].ID, 1)}, []string{"", "conflict", ""}},
			{"a case the database refuses", []*model.Case{newCase("BATCH0000008", cats[0].ID, 1), newCase("BATCH0000009", 987654321, 1),
				newCase("BATCH0000010", cats[0].ID, 2)}, []string{"", "refused", ""}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				errs := write(tc.cases, 1)
				for i, c := range tc.cases {
					switch want := tc.want[i]; {
					case want == "conflict" && !errors.Is(errs[i], store.ErrConflict),
						want == "refused" && (errs[i] == nil || errors.Is(errs[i], store.ErrConflict)),
						want == "" && errs[i] != nil:
						t.Fatalf("case %d (%s): %v, want %q", i, c.TrackingCode, errs[i], want)
					case want != "":
						continue
					}
					got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
					if err != nil || got.TrackingCode != c.TrackingCode || got.Title != c.TrackingCode {
						t.Fatalf("case %d stored %+v, %v", i, got, err)
					}
					if len(got.Parties) != len(c.Parties) {
						t.Fatalf("case %d parties %+v, want %d", i, got.Parties, len(c.Parties))
					}
					for j, p := range got.Parties {
						if p.ID != c.Parties[j].ID || p.Seq != j+1 || p.Name != fmt.Sprintf("%s-%d", c.TrackingCode, j) {
							t.Errorf("case %d party %d stored %+v, written %+v", i, j, p, c.Parties[j])
						}
					}
					evs, _ := st.Events(ctx, c.ID)
					if len(evs) != 1+i%2 {
						t.Fatalf("case %d events %+v", i, evs)
					}
					for j, ev := range evs {
						if ev.CaseID != c.ID || ev.Note != fmt.Sprintf("%s/%d", c.TrackingCode, j) {
							t.Errorf("case %d event %d: %+v", i, j, ev)
						}
					}
					rows, err := st.AuditRows(ctx, store.AuditFilter{Object: fmt.Sprintf("case:%d", c.ID)})
					if err != nil || len(rows) != 1 || rows[0].Action != "case.register" || rows[0].ClientIP != "10.0.0.1" {
						t.Errorf("case %d audit rows %+v, %v", i, rows, err)
					}
				}
			})
		}
		if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n < 8 {
			t.Errorf("audit chain: %d entries, break %+v, %v", n, brk, err)
		}
	})
}

// A case written with its first events inside a transaction (the registrations whose
// warning brings notices) has its parties and events with their ids, in order, under
// its id; a tracking code already taken is refused and the transaction goes on, and
// what it wrote is there once it commits.
func TestInsertCaseWithEventsInATransaction(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		c := newVillageCase("WITHEVENTS01", village, cats[0], now)
		c.Parties = []model.Party{{Role: model.PartyApplicant, Name: "甲", Phone: "13800000001"}, {Role: model.PartyRespondent, Name: "乙"}}
		register := model.CaseEvent{At: now, Action: "register", ToState: "registered"}
		warning := model.CaseEvent{At: now, Action: "warning", FromState: "registered", ToState: "registered", Note: "评估",
			Payload: []byte(`{"to":"red"}`)}
		taken := newVillageCase("WITHEVENTS01", village, cats[0], now)
		again := model.CaseEvent{At: now, Action: "register", ToState: "registered"}
		err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
			if err := tx.InsertCaseWithEvents(ctx, c, []*model.CaseEvent{&register, &warning}); err != nil {
				return err
			}
			if err := tx.InsertCaseWithEvents(ctx, taken, []*model.CaseEvent{&again}); !errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("a taken tracking code: %v, want ErrConflict", err)
			}
			// The transaction goes on after the refusal.
			return tx.AppendEvent(ctx, &model.CaseEvent{CaseID: c.ID, At: now, Action: "note", FromState: "registered", ToState: "registered"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.Version != 1 || register.CaseID != c.ID || warning.CaseID != c.ID || register.ID == 0 || warning.ID <= register.ID {
			t.Fatalf("case %d v%d, events %+v and %+v", c.ID, c.Version, register, warning)
		}
		got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
		if err != nil || got.TrackingCode != c.TrackingCode || len(got.Parties) != 2 {
			t.Fatalf("stored %+v, %v", got, err)
		}
		for i, p := range got.Parties {
			if p.ID != c.Parties[i].ID || p.Seq != i+1 || p.Name != c.Parties[i].Name {
				t.Errorf("party %d stored %+v, written %+v", i, p, c.Parties[i])
			}
		}
		evs, err := st.Events(ctx, c.ID)
		if err != nil || len(evs) != 3 || evs[0].ID != register.ID || evs[1].ID != warning.ID || evs[1].Note != "评估" ||
			string(evs[1].Payload) != `{"to":"red"}` || evs[2].Action != "note" {
			t.Fatalf("events %+v, %v", evs, err)
		}
	})
}

// A case's follow-ups ride in its statement under the ids reserved for them: its
// notices, their outbox rows (a text message naming its notification) and its order,
// all under the case's reserved id. A case whose tracking code is taken writes none of
// them, and its ids stay free for its next attempt.
func TestSharedInsertWritesItsFollowUps(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		if st.Dialect() != store.Postgres {
			t.Skip("the shared insert is PostgreSQL's")
		}
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		w := st.SharedInsertFor(store.NotAudited("test fixture"))
		leader, _, err := st.UserCredentials(ctx, "county.leader")
		must(t, err)
		first := newVillageCase("FOLLOWUPS001", village, cats[0], now)
		must(t, w.Insert(ctx, first, []*model.CaseEvent{{At: now, Action: "register", ToState: "registered"}}, nil))

		ids, err := w.ReserveIDs(ctx, 2, 1)
		if err != nil || ids.Case == 0 || len(ids.Notifications) != 2 || len(ids.Supervisions) != 1 || ids.Notifications[0] == ids.Notifications[1] {
			t.Fatalf("reserved %+v, %v", ids, err)
		}
		follow := func() *store.CaseFollowUps {
			return &store.CaseFollowUps{
				Notifications: []*store.Notification{
					{ID: ids.Notifications[0], UserID: leader.ID, Kind: "warning_red", Title: "红色预警", Body: "预警", CreatedAt: now},
					{ID: ids.Notifications[1], UserID: leader.ID, Kind: "supervision", Title: "红牌督办", Body: "督办", CreatedAt: now}},
				Outbox: []*store.OutboxItem{
					{NotificationID: ids.Notifications[0], Channel: "sms", Recipient: "13800000009", Body: "短信", CreatedAt: now},
					{Channel: "webhook", Recipient: "warning_red", Subject: "红色预警", Body: `{"case_id":1}`, CreatedAt: now}},
				Supervisions: []*store.Supervision{{ID: ids.Supervisions[0], Level: "red", Requirement: "明确包案领导", ReplyBy: now.Add(72 * time.Hour),
					IssuedAt: now, CentreID: village.ParentID, Status: "open", Source: "risk"}},
			}
		}
		taken := newVillageCase("FOLLOWUPS001", village, cats[0], now)
		taken.ID = ids.Case
		if err := w.Insert(ctx, taken, nil, follow()); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a taken code with follow-ups: %v, want ErrConflict", err)
		}
		inbox := func() []store.Notification {
			ns, err := st.Notifications(ctx, leader.ID, false, 0, 10)
			must(t, err)
			return ns
		}
		if ns := inbox(); len(ns) != 0 {
			t.Fatalf("the refused case's notices were written: %+v", ns)
		}

		c := newVillageCase("FOLLOWUPS002", village, cats[0], now)
		c.ID, c.SupervisionLevel = ids.Case, "red"
		if err := w.Insert(ctx, c, []*model.CaseEvent{{At: now, Action: "register", ToState: "registered"}}, follow()); err != nil {
			t.Fatal(err)
		}
		got, err := st.Case(ctx, ids.Case, store.CaseScope{All: true})
		if err != nil || c.ID != ids.Case || got.TrackingCode != "FOLLOWUPS002" || got.SupervisionLevel != "red" {
			t.Fatalf("case %d stored %+v, %v", c.ID, got, err)
		}
		ns := inbox()
		if len(ns) != 2 || ns[0].ID != ids.Notifications[1] || ns[1].ID != ids.Notifications[0] || ns[0].CaseID != c.ID || ns[1].Kind != "warning_red" {
			t.Fatalf("notices %+v, reserved %v", ns, ids.Notifications)
		}
		outbox, err := st.Outbox(ctx)
		must(t, err)
		if len(outbox) != 2 || outbox[0].Channel != "sms" || outbox[0].NotificationID != ids.Notifications[0] || !outbox[0].NextAttemptAt.Equal(now) ||
			outbox[1].Channel != "webhook" || outbox[1].NotificationID != 0 {
			t.Fatalf("outbox %+v", outbox)
		}
		orders, err := st.Supervisions(ctx, store.SupervisionFilter{CaseID: c.ID}, store.CaseScope{All: true})
		if err != nil || len(orders) != 1 || orders[0].ID != ids.Supervisions[0] || orders[0].Level != "red" || orders[0].IssuedBy != 0 ||
			orders[0].DepartmentID != 0 || orders[0].Source != "risk" || !orders[0].ReplyBy.Equal(now.Add(72*time.Hour)) {
			t.Fatalf("orders %+v, %v", orders, err)
		}
		// The sequences moved past the reserved ids: the next rows take new ones.
		next, err := w.ReserveIDs(ctx, 1, 1)
		if err != nil || next.Case <= ids.Case || next.Notifications[0] <= ids.Notifications[1] || next.Supervisions[0] <= ids.Supervisions[0] {
			t.Fatalf("next reserved %+v after %+v, %v", next, ids, err)
		}
	})
}
