package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The demo county's mediation stands as the stories leave it: the organisations and
// the pool; the group land case with its team, two sessions, legal aid, the filing
// and the circuit hearing closed with their results, its signed agreement numbered
// 附调字〔year〕第1号 and its judicial confirmation window the case's deadline; the
// labour case's agreement performed and not to be confirmed; the court's delegated
// case open within its limit; the citizen's requests, the psychologist's met.
func TestLiveCountyMediation(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := demo.Live(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		county, err := st.Regions(ctx, store.RegionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		orgs, err := st.MediationOrgs(ctx, county[0].Path)
		if err != nil || len(orgs) != 4 {
			t.Fatalf("organisations: %d %v", len(orgs), err)
		}
		var confirming, referrals, help, met int
		var numbers []string
		for _, c := range allCases(t, st) {
			ags, err := st.CaseAgreements(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range ags {
				numbers = append(numbers, a.Number)
				if a.Status != "signed" || a.SignedCopyID == 0 {
					t.Errorf("agreement %s: %s, copy %d", a.Number, a.Status, a.SignedCopyID)
				}
			}
			if c.DueStage == "confirm" {
				confirming++
				if len(ags) != 1 || ags[0].ConfirmStatus != "" || c.State != "resolved" || c.DueAt == nil || !c.DueAt.After(now) {
					t.Errorf("the case awaiting confirmation: %+v %+v", c, ags)
				}
				team, _ := st.CaseTeam(ctx, c.ID)
				sessions, _ := st.CaseSessions(ctx, c.ID)
				refs, _ := st.CaseReferrals(ctx, c.ID)
				if len(team) != 4 || len(sessions) != 2 || len(refs) != 3 {
					t.Errorf("the group case: team %d, sessions %d, referrals %d", len(team), len(sessions), len(refs))
				}
				for _, f := range refs {
					if f.Status != "closed" {
						t.Errorf("referral %s still open", f.Kind)
					}
				}
			}
			refs, _ := st.CaseReferrals(ctx, c.ID)
			for _, f := range refs {
				if f.Kind == "delegated" && f.Status == "open" && f.TimeLimit != "" {
					referrals++
				}
			}
			hs, _ := st.CaseHelpRequests(ctx, c.ID)
			for _, h := range hs {
				help++
				if h.MetAt != nil {
					met++
				}
			}
		}
		year := now.Format("2006")
		if confirming != 1 || referrals != 1 || help != 2 || met != 1 || len(numbers) != 2 ||
			!strings.Contains(strings.Join(numbers, " "), "附调字〔") || !strings.Contains(strings.Join(numbers, " "), "康劳调字〔") {
			t.Fatalf("confirming %d, delegated %d, help %d (met %d), numbers %v (year %s)", confirming, referrals, help, met, numbers, year)
		}
	})
}
