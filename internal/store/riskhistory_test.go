package store_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A new case's history read outside a transaction, by many callers at once, is what
// a read inside one gives: the prior cases of the same ID number or phone inside the
// window and the incidents on them by kind, and nothing for a first-time applicant.
// The callers' shared look (PostgreSQL) tells each which of them have earlier cases.
func TestRiskHistoryOfNewCasesReadTogether(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		// Case i was registered i*10 days ago (the 90-day window holds cases 0 to 9);
		// its applicant shares an ID number with case i+3 and a phone with case i+5;
		// even cases have a police call each.
		for i := range 12 {
			at := now.AddDate(0, 0, -10*i)
			c := newVillageCase(fmt.Sprintf("HIST%08d", i), village, cats[0], at)
			c.Parties = []model.Party{{Role: model.PartyApplicant, Name: "甲", IDNumber: fmt.Sprintf("ID%d", i%3), Phone: fmt.Sprintf("1390000%04d", i%5)}}
			err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
				if err := tx.InsertCase(ctx, c); err != nil {
					return err
				}
				if i%2 == 0 {
					return tx.InsertIncident(ctx, &model.Incident{CaseID: c.ID, Kind: "police_call", At: at})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		since := now.AddDate(0, 0, -90)
		qs := []struct {
			ids, phones []string
			related     bool
		}{
			{[]string{"ID0"}, nil, true},
			{nil, []string{"13900000001", ""}, true},
			{[]string{"ID1", "ID1"}, []string{"13900000002"}, true},
			{[]string{"nobody"}, []string{"13999999999"}, false},
			{[]string{"nobody", "ID2"}, nil, true},
			{nil, nil, false},
			{[]string{""}, []string{""}, false},
		}
		want := make([]store.RiskHistory, len(qs))
		for i, q := range qs {
			err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
				var err error
				want[i], err = tx.RiskHistory(ctx, 0, q.ids, q.phones, since)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := want[i].PriorCases > 0; got != q.related {
				t.Fatalf("question %d: %+v", i, want[i])
			}
		}
		if want[0].PriorCases != 4 || want[0].Incidents["police_call"] != 2 {
			t.Fatalf("history of ID0: %+v", want[0])
		}
		if st.Dialect() == store.Postgres {
			var ids, phones [][]string
			for _, q := range qs {
				ids, phones = append(ids, q.ids), append(phones, q.phones)
			}
			// Past the fifth run, when a generic plan takes over, the answers stay.
			for run := range 8 {
				related, errs := st.ProbePartiesTogether(ctx, ids, phones)
				for i, q := range qs {
					if errs[i] != nil || related[i] != q.related {
						t.Errorf("shared look %d, question %d: related %v (%v), want %v", run, i, related[i], errs[i], q.related)
					}
				}
			}
			// Planned once, not at every intake (store.go, openPostgres).
			if mode, err := st.LooksPlanCacheMode(ctx); err != nil || mode != "force_generic_plan" {
				t.Errorf("the shared look's plan_cache_mode is %q (%v), want force_generic_plan", mode, err)
			}
		}
		errc := make(chan error, len(qs)*8)
		for range 8 {
			for i, q := range qs {
				go func() {
					h, err := st.RiskHistory(ctx, 0, q.ids, q.phones, since)
					if err == nil && !reflect.DeepEqual(h, want[i]) {
						err = fmt.Errorf("question %d: %+v, want %+v", i, h, want[i])
					}
					errc <- err
				}()
			}
		}
		for range len(qs) * 8 {
			if err := <-errc; err != nil {
				t.Error(err)
			}
		}
	})
}
