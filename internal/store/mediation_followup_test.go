package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// 考评's team places and the case list's team filter read the same places: an
// account's own and those of the pool person it is, a pool person's, in a role, held
// in a period.
func TestTeamPlacesAndTheTeamFilter(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		audit := store.NotAudited("test fixture")
		users, err := st.Users(ctx, store.UserFilter{ActiveOnly: true})
		must(t, err)
		staff, lawyerAccount := users[0], users[1]
		lawyer := store.Talent{RegionID: village.ID, Name: "钱律师", Kind: "lawyer", UserID: lawyerAccount.ID}
		psy := store.Talent{RegionID: village.ID, Name: "孙心理", Kind: "psychologist"}
		must(t, st.SaveTalent(ctx, audit, &lawyer))
		must(t, st.SaveTalent(ctx, audit, &psy))
		for i := range 3 {
			c := newVillageCase(fmt.Sprintf("TEAMPLACE%04d", i), village, cats[0], now)
			must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
			must(t, st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: c.ID, TalentID: lawyer.ID, Role: "lawyer"}))
			if i == 0 {
				must(t, st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: c.ID, UserID: staff.ID, Role: "lead"}))
				must(t, st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: c.ID, TalentID: psy.ID, Role: "psychologist"}))
			}
		}
		from, to := now.Add(-time.Hour), now.Add(time.Hour)
		places, err := st.TeamPlaces(ctx, from, to, []model.CaseCond{{States: []string{"registered"}}}, store.CaseScope{All: true})
		must(t, err)
		byWho := map[string]int{}
		for _, p := range places {
			byWho[fmt.Sprintf("%d/%d/%s/%s", p.AccountID, p.TalentID, p.Name, p.Role)]++
			if len(p.Meets) != 1 {
				t.Fatalf("place %+v", p)
			}
		}
		want := map[string]int{fmt.Sprintf("%d/0/%s/lawyer", lawyerAccount.ID, lawyerAccount.DisplayName): 3,
			fmt.Sprintf("%d/0/%s/lead", staff.ID, staff.DisplayName): 1, fmt.Sprintf("0/%d/孙心理/psychologist", psy.ID): 1}
		if fmt.Sprint(byWho) != fmt.Sprint(want) {
			t.Errorf("places %v, want %v", byWho, want)
		}
		if before, err := st.TeamPlaces(ctx, now.AddDate(0, -2, 0), now.AddDate(0, -1, 0), nil, store.CaseScope{All: true}); err != nil || len(before) != 0 {
			t.Errorf("places of a period before: %d %v", len(before), err)
		}
		for _, tc := range []struct {
			name string
			cond model.CaseCond
			want int64
		}{
			{"the lawyer's account", model.CaseCond{TeamAccount: lawyerAccount.ID}, 3},
			{"the lawyer's account as lawyer, this period", model.CaseCond{TeamAccount: lawyerAccount.ID, TeamRole: "lawyer", TeamFrom: from, TeamTo: to}, 3},
			{"the lawyer's account as lead", model.CaseCond{TeamAccount: lawyerAccount.ID, TeamRole: "lead"}, 0},
			{"the psychologist of the pool", model.CaseCond{TeamTalent: psy.ID}, 1},
			{"the staff member, a period before", model.CaseCond{TeamAccount: staff.ID, TeamFrom: now.AddDate(0, -2, 0), TeamTo: now.AddDate(0, -1, 0)}, 0},
			{"the staff member", model.CaseCond{TeamAccount: staff.ID}, 1},
		} {
			n, err := st.CountMatching(ctx, store.CaseFilter{Cond: &tc.cond}, store.CaseScope{All: true})
			if err != nil || n != tc.want {
				t.Errorf("%s: %d %v, want %d", tc.name, n, err, tc.want)
			}
		}
	})
}

// The referral-limit sweep's reading: an open referral within the reminder window
// not yet reminded of, or past its limit not yet marked lapsed; a closed one never.
func TestReferralLimitsDue(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		audit := store.NotAudited("test fixture")
		c := newVillageCase("REFLIMIT0001", village, cats[0], now)
		must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
		ids := map[string]int64{}
		for _, limit := range []string{"2026-12-10", "2026-12-11", "2026-12-14"} {
			f := store.Referral{CaseID: c.ID, Direction: "in", Kind: "delegated", Partner: "court", Body: "县法院", TimeLimit: limit, Status: "open", CreatedAt: now}
			must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertReferral(ctx, &f) }))
			ids[limit] = f.ID
		}
		due := func(remindBy, today string) []string {
			t.Helper()
			rs, err := st.ReferralLimitsDue(ctx, remindBy, today, 10)
			must(t, err)
			var out []string
			for _, r := range rs {
				out = append(out, r.TimeLimit)
			}
			return out
		}
		if got := fmt.Sprint(due("2026-12-13", "2026-12-10")); got != "[2026-12-10 2026-12-11]" {
			t.Fatalf("due on 12-10: %s", got)
		}
		must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.MarkReferralLimit(ctx, ids["2026-12-10"], true, false) }))
		must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.MarkReferralLimit(ctx, ids["2026-12-11"], true, false) }))
		if err := st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.MarkReferralLimit(ctx, ids["2026-12-11"], true, false) }); err != store.ErrStale {
			t.Fatalf("marked twice: %v, want ErrStale", err)
		}
		if got := fmt.Sprint(due("2026-12-13", "2026-12-10")); got != "[]" {
			t.Fatalf("due again on 12-10: %s", got)
		}
		// The day after 12-10: it lapsed; 12-14 comes into the window.
		if got := fmt.Sprint(due("2026-12-14", "2026-12-11")); got != "[2026-12-10 2026-12-14]" {
			t.Fatalf("due on 12-11: %s", got)
		}
		must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.MarkReferralLimit(ctx, ids["2026-12-10"], true, true) }))
		if got := fmt.Sprint(due("2026-12-20", "2026-12-17")); got != "[2026-12-11 2026-12-14]" {
			t.Fatalf("due on 12-17: %s", got)
		}
	})
}
