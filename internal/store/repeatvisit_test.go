package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A case's repeat visit (重复来访) is decided when it is written, and decided again
// when history loaded later holds an earlier case of the same person: loaded in
// batches out of time order, the cases end as the definition counts them, the
// rollups with them, and stats-verify finds nothing. On both stores.
func TestRepeatVisitsFollowHistoryLoadedOutOfOrder(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		load := func(code string, daysAgo int, party model.Party) {
			t.Helper()
			b := historyBatch(t, st, 2)[:1] // one case, unmerged
			c := &b[0]
			c.TrackingCode, c.CreatedAt, c.UpdatedAt, c.Parties = code, now.AddDate(0, 0, -daysAgo), now.AddDate(0, 0, -daysAgo), []model.Party{party}
			c.Assignments = nil
			if err := st.BulkLoadCases(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		byPhone := func(phone string) model.Party {
			return model.Party{Role: model.PartyApplicant, Name: "来访人", Phone: phone}
		}
		load("RV-LATER", 10, byPhone("13811110001"))
		load("RV-OTHER", 5, byPhone("13811110002"))
		load("RV-RESPONDENT", 8, model.Party{Role: model.PartyRespondent, Name: "对方", Phone: "13811110002"})
		load("RV-EARLIER", 30, byPhone("13811110001"))   // makes RV-LATER a repeat visit
		load("RV-LONG-AGO", 100, byPhone("13811110002")) // beyond 90 days of RV-OTHER
		cond := model.CaseCond{RepeatParty: true}
		got, err := st.Cases(ctx, store.CaseFilter{Cond: &cond, Limit: 50}, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range got {
			codes = append(codes, c.TrackingCode)
		}
		if !slices.Equal(codes, []string{"RV-LATER"}) {
			t.Errorf("repeat visits %v, want [RV-LATER]", codes)
		}
		if diffs, err := st.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
			t.Errorf("stats-verify: %v %v", diffs, err)
		}
	})
}
