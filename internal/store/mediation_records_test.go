package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

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

// A person's team cases, for their queue and for 考评: an account's own places and
// those of the pool person the account is; the queue reads the live places on open
// cases, 考评 the places held in a period.
func TestTeamCasesOfAPerson(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		audit := store.NotAudited("test fixture")
		users, err := st.Users(ctx, store.UserFilter{ActiveOnly: true})
		must(t, err)
		if len(users) < 2 {
			t.Fatal("no accounts")
		}
		staff, lawyerAccount := users[0], users[1]
		lawyer := store.Talent{RegionID: village.ID, Name: "钱律师", Kind: "lawyer", UserID: lawyerAccount.ID}
		must(t, st.SaveTalent(ctx, audit, &lawyer))
		var ids []int64
		for i, state := range []string{"in_progress", "resolved", "archived"} {
			c := newVillageCase(fmt.Sprintf("TEAMCASE%04d", i), village, cats[0], now)
			c.State = state
			must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
			ids = append(ids, c.ID)
			must(t, st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: c.ID, TalentID: lawyer.ID, Role: "lawyer"}))
			must(t, st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: c.ID, UserID: staff.ID, Role: "lead"}))
		}
		if err := st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: ids[0], UserID: staff.ID, Role: "duty"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("the same account twice on a case: %v, want ErrConflict", err)
		}
		team, err := st.CaseTeam(ctx, ids[1])
		must(t, err)
		must(t, st.LeaveCaseTeam(ctx, audit, ids[1], team[1].ID)) // the staff member leaves the resolved case
		count := func(f store.TeamFilter) int {
			t.Helper()
			tc, err := st.TeamCases(ctx, f)
			must(t, err)
			return len(tc)
		}
		for _, tc := range []struct {
			name string
			f    store.TeamFilter
			want int
		}{
			{"the lawyer's account, queue", store.TeamFilter{UserID: lawyerAccount.ID, OpenOnly: true}, 2},
			{"the lawyer as a person of the pool, all", store.TeamFilter{TalentID: lawyer.ID}, 3},
			{"the staff member, queue", store.TeamFilter{UserID: staff.ID, OpenOnly: true}, 1},
			{"the staff member, this period", store.TeamFilter{UserID: staff.ID, From: now.Add(-time.Hour), To: now.Add(time.Hour)}, 3},
			{"the staff member, a period before", store.TeamFilter{UserID: staff.ID, From: now.AddDate(0, -2, 0), To: now.AddDate(0, -1, 0)}, 0},
		} {
			if got := count(tc.f); got != tc.want {
				t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
			}
		}
	})
}
