package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// An organisation's agreements are numbered per year without gaps or repeats, also when
// clerks issue at once: each transaction takes the next number from the counter row
// and writes its agreement. A transaction that fails gives its number back; another
// organisation, or the next year, counts from 1.
func TestAgreementNumbersGaplessUnderConcurrency(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		audit := store.NotAudited("test fixture")
		c := newVillageCase("AGREENUM0001", village, cats[0], now)
		must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
		orgA := store.MediationOrg{RegionID: village.ID, Name: "甲调委会", Kind: "village", Active: true}
		orgB := store.MediationOrg{RegionID: village.ID, Name: "乙调委会", Kind: "village", Active: true}
		must(t, st.SaveMediationOrg(ctx, audit, &orgA))
		must(t, st.SaveMediationOrg(ctx, audit, &orgB))

		issue := func(org int64, year int, fail bool) (int, error) {
			var seq int
			err := st.InTx(ctx, audit, func(tx *store.Tx) error {
				var err error
				if seq, err = tx.NextAgreementSeq(ctx, org, year); err != nil {
					return err
				}
				a := store.Agreement{CaseID: c.ID, OrgID: org, Year: year, Seq: seq, Number: fmt.Sprintf("甲调字〔%d〕第%d号", year, seq),
					Status: "draft", CreatedAt: now, UpdatedAt: now}
				if err := tx.InsertAgreement(ctx, &a); err != nil {
					return err
				}
				if fail {
					return errors.New("the clerk's transaction fails after taking its number")
				}
				return nil
			})
			return seq, err
		}
		const workers, each = 8, 6
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					// Every third issue of one worker fails and rolls back.
					_, err := issue(orgA.ID, 2026, w == 0 && i%3 == 2)
					if err != nil && !(w == 0 && i%3 == 2) {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		list, err := st.CaseAgreements(ctx, c.ID)
		must(t, err)
		var seqs []int
		for _, a := range list {
			if a.OrgID == orgA.ID && a.Year == 2026 {
				seqs = append(seqs, a.Seq)
			}
		}
		slices.Sort(seqs)
		want := workers*each - 2 // two issues rolled back
		if len(seqs) != want {
			t.Fatalf("%d agreements, want %d", len(seqs), want)
		}
		for i, s := range seqs {
			if s != i+1 {
				t.Fatalf("numbers %v: a gap or a repeat at %d", seqs, i+1)
			}
		}
		if seq, err := issue(orgB.ID, 2026, false); err != nil || seq != 1 {
			t.Fatalf("another organisation's first: %d %v", seq, err)
		}
		if seq, err := issue(orgA.ID, 2027, false); err != nil || seq != 1 {
			t.Fatalf("the next year's first: %d %v", seq, err)
		}
		if seq, err := issue(orgA.ID, 2026, false); err != nil || seq != want+1 {
			t.Fatalf("after the rush: %d %v, want %d", seq, err, want+1)
		}
	})
}
