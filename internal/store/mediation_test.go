package store_test

import (
	"errors"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Organisations are listed within a subtree with their members (accounts and people of
// the pool); a name is unique at its region. A person's load counts the open cases they
// are on and have not left; the pool is read by subtree or the path above a region, and
// by who is in it on a day.
func TestMediationOrgsAndTalentPool(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, now := seededCounty(t, st, store.Actor{Name: "测试"})
		township, err := st.Region(ctx, village.ParentID)
		must(t, err)
		county, err := st.Region(ctx, township.ParentID)
		must(t, err)
		audit := store.NotAudited("test fixture")

		lawyer := store.Talent{RegionID: county.ID, Name: "王律师", Kind: "lawyer", Specialties: []string{"dispute.labour", "dispute.contract"}, Phone: "13912345678"}
		must(t, st.SaveTalent(ctx, audit, &lawyer))
		gone := store.Talent{RegionID: village.ID, Name: "李调解", Kind: "mediator_part", Until: "2026-01-31"}
		must(t, st.SaveTalent(ctx, audit, &gone))
		mediator := store.Talent{RegionID: village.ID, Name: "张调解", Kind: "mediator_full", Since: "2026-02-01", Specialties: []string{"dispute.neighbour"}}
		must(t, st.SaveTalent(ctx, audit, &mediator))

		committee := store.MediationOrg{RegionID: village.ID, Name: village.Name + "人民调解委员会", Kind: "village", Categories: []string{"dispute.neighbour", "dispute.marriage"}, Active: true}
		must(t, st.SaveMediationOrg(ctx, audit, &committee))
		dup := store.MediationOrg{RegionID: village.ID, Name: committee.Name, Kind: "village", Active: true}
		if err := st.SaveMediationOrg(ctx, audit, &dup); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second organisation of the same name: %v, want ErrConflict", err)
		}
		labour := store.MediationOrg{RegionID: county.ID, Name: "县劳动争议调解委员会", Kind: "trade", Categories: []string{"dispute.labour"}, Active: true}
		must(t, st.SaveMediationOrg(ctx, audit, &labour))
		must(t, st.AddMediationMember(ctx, audit, &store.MediationMember{OrgID: committee.ID, TalentID: mediator.ID, Post: "主任"}))
		must(t, st.AddMediationMember(ctx, audit, &store.MediationMember{OrgID: labour.ID, TalentID: lawyer.ID, Post: "调解员"}))
		if err := st.AddMediationMember(ctx, audit, &store.MediationMember{OrgID: committee.ID, TalentID: mediator.ID}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("member twice: %v, want ErrConflict", err)
		}

		orgs, err := st.MediationOrgs(ctx, township.Path)
		must(t, err)
		if len(orgs) != 1 || orgs[0].ID != committee.ID || len(orgs[0].Members) != 1 || orgs[0].Members[0].Name != "张调解" || len(orgs[0].Categories) != 2 {
			t.Fatalf("township's organisations = %+v, want the village committee with 张调解", orgs)
		}
		if orgs, err = st.MediationOrgs(ctx, county.Path); err != nil || len(orgs) != 2 {
			t.Fatalf("county's organisations = %+v, %v; want 2", orgs, err)
		}
		labour.Active = false
		must(t, st.SaveMediationOrg(ctx, audit, &labour))
		if o, err := st.MediationOrg(ctx, labour.ID); err != nil || o.Active || len(o.Members) != 1 || o.Members[0].Name != "王律师" {
			t.Fatalf("labour committee after change = %+v, %v", o, err)
		}

		// Load: two open cases and one archived; leaving one takes it off.
		var open []int64
		for i, state := range []string{"registered", "in_progress", "archived"} {
			c := newVillageCase("TEAM000"+string(rune('1'+i)), village, cats[0], now)
			c.State = state
			must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
			m := store.CaseTeamMember{CaseID: c.ID, TalentID: lawyer.ID, Role: "lawyer"}
			must(t, st.AddCaseTeamMember(ctx, audit, &m))
			if state != "archived" {
				open = append(open, m.ID)
			}
			if i == 1 {
				must(t, st.LeaveCaseTeam(ctx, audit, c.ID, m.ID))
				if err := st.LeaveCaseTeam(ctx, audit, c.ID, m.ID); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("leaving twice: %v, want ErrNotFound", err)
				}
			}
		}
		if err := st.AddCaseTeamMember(ctx, audit, &store.CaseTeamMember{CaseID: 1 << 40, TalentID: lawyer.ID, Role: "lawyer"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("team member of no case: %v, want ErrNotFound", err)
		}
		p, err := st.TalentPerson(ctx, lawyer.ID)
		must(t, err)
		if p.Load != 1 || p.Phone != "13912345678" || p.RegionName != county.Name {
			t.Fatalf("lawyer = %+v, want load 1 (one open case left)", p)
		}

		names := func(f store.TalentFilter) []string {
			ps, err := st.TalentPool(ctx, f)
			must(t, err)
			var ns []string
			for _, p := range ps {
				ns = append(ns, p.Name)
			}
			return ns
		}
		if got := names(store.TalentFilter{Within: village.Path}); len(got) != 2 {
			t.Errorf("village's pool = %v, want 李调解 and 张调解", got)
		}
		if got := names(store.TalentFilter{Within: village.Path, Above: village.Path, Day: "2026-06-01"}); len(got) != 2 || got[0] != "王律师" || got[1] != "张调解" {
			t.Errorf("pool serving the village on 2026-06-01 = %v, want [王律师 张调解]", got)
		}
		if got := names(store.TalentFilter{Within: village.Path, Day: "2026-01-31"}); len(got) != 1 || got[0] != "李调解" {
			t.Errorf("village's pool on 2026-01-31 = %v, want [李调解] (his last day; 张 not yet in)", got)
		}
		if _, err := st.TalentPerson(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("absent person: %v", err)
		}
	})
}
