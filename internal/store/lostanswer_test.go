package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// openLosingAnswers is a fresh migrated store whose writers lose an answer when told.
func openLosingAnswers(t *testing.T, d store.Dialect) (*store.Store, *store.LostAnswers) {
	t.Helper()
	ctx := context.Background()
	st, lost, err := store.OpenWithLostAnswers(ctx, testutil.NewDSN(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	must(t, st.UseAuditKeys(ctx, nil, testutil.NewAuditKey(t)))
	st.StartAuditSealer()
	return st, lost
}

// A write whose connection breaks after its COMMIT was sent may have been saved: the
// store does not run it again (a registration would be saved twice) and says so with
// ErrCommitUnknown, which the API answers 503 commit_unknown. Here the database did
// commit, so exactly one row is there.
func TestACommitWhoseAnswerIsLostIsNotRunAgain(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			st, lost := openLosingAnswers(t, d)
			ctx := store.WithActor(context.Background(), store.Actor{Name: "测试"})
			county := createCounty(t, st)
			runs := 0
			register := func(code string) error {
				return st.RegisterCase(ctx, store.Audited("test.register", "region:"+code, "登记"), store.NewCase{InTx: func(tx *store.Tx) error {
					runs++
					g := model.Region{Code: code, Name: "镇" + code, Level: model.LevelTownship, ParentID: county.ID}
					return tx.CreateRegion(ctx, &g)
				}})
			}

			lost.LoseNextCommit()
			err := register("622922101")
			if !errors.Is(err, store.ErrCommitUnknown) || lost.Lost() != 1 {
				t.Fatalf("a lost COMMIT answered %v (%d lost), want ErrCommitUnknown", err, lost.Lost())
			}
			if !store.IsConnectionError(err) {
				t.Errorf("ErrCommitUnknown %v no longer says the connection failed", err)
			}
			if runs != 1 {
				t.Errorf("the registration ran %d times, want once", runs)
			}
			if _, err := st.RegionByCode(ctx, "622922101"); err != nil {
				t.Errorf("the committed write is not there: %v", err)
			}
			// The broken connection is gone; the next write goes through.
			if err := register("622922102"); err != nil {
				t.Fatalf("the next write: %v", err)
			}
		})
	}
}

// The shared insert (PostgreSQL's intake) commits on its own: a batch whose answer is
// lost is not written again case by case, which would answer "code taken" for a case
// already saved and send its caller to register it once more under a fresh code.
func TestASharedInsertWhoseAnswerIsLostIsNotRunAgain(t *testing.T) {
	for _, d := range testutil.Dialects() {
		if d != store.Postgres {
			continue
		}
		t.Run(string(d), func(t *testing.T) {
			st, lost := openLosingAnswers(t, d)
			ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
			cs := []*model.Case{newVillageCase("LOST00000001", village, cats[0], now), newVillageCase("LOST00000002", village, cats[0], now)}
			evs := [][]*model.CaseEvent{{{At: now, Action: "register", ToState: "registered"}}, {{At: now, Action: "register", ToState: "registered"}}}
			lost.LoseNextStatement("INSERT INTO cases")
			errs := st.InsertSharedTogether(ctx, store.Audited("case.register", "case:new", "登记"), cs, evs)
			for i, err := range errs {
				if !errors.Is(err, store.ErrCommitUnknown) {
					t.Errorf("case %d of a batch whose answer was lost: %v, want ErrCommitUnknown", i, err)
				}
			}
			if lost.Lost() != 1 {
				t.Fatalf("%d answers lost, want 1", lost.Lost())
			}
			for _, c := range cs {
				if n, err := st.CountForTest(ctx, "SELECT count(*) FROM cases WHERE tracking_code = ?", c.TrackingCode); err != nil || n != 1 {
					t.Errorf("case %s, committed: %d rows, %v; want 1", c.TrackingCode, n, err)
				}
			}
		})
	}
}
