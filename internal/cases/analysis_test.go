package cases_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// plantedWorld is generated data with a steady past and three things planted in it:
// a category that rises this week, a village whose own cases rise this week, and an
// applicant with three cases in 90 days — beside near misses of each (a person with
// two cases, one with three over more than 90 days, one who is a respondent three
// times, a category and places moving within their usual spread).
type plantedWorld struct {
	rising   model.Category
	hot      model.Region // the village
	repeater string       // the planted applicant's ID number
	cases    []model.Case
}

// idNumber is the n-th made-up, valid ID number of the county.
func idNumber(n int) string {
	return model.MakeIDNumber(demo.CountyCode, time.Date(1960+n%40, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
}

func plant(t *testing.T, st *store.Store, today time.Time) plantedWorld {
	t.Helper()
	ctx := context.Background()
	if err := demo.SeedCounty(ctx, st); err != nil {
		t.Fatal(err)
	}
	regions, err := st.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	centre := map[int64]int64{}
	byID := map[int64]model.Region{}
	var villages, grids []model.Region
	for _, r := range regions {
		byID[r.ID] = r
		centre[r.ID] = r.ParentID
		switch r.Level {
		case model.LevelVillage:
			villages = append(villages, r)
		case model.LevelGrid:
			grids = append(grids, r)
		}
	}
	for _, g := range grids {
		centre[g.ID] = byID[g.ParentID].ParentID
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{ActiveOnly: true, Kind: model.KindDispute})
	if err != nil {
		t.Fatal(err)
	}
	var leaves []model.Category
	for _, c := range cats {
		if c.ParentID != 0 {
			leaves = append(leaves, c)
		}
	}
	clerks, err := st.Users(ctx, store.UserFilter{Role: model.RoleClerk})
	if err != nil || len(clerks) == 0 || len(leaves) < 5 || len(villages) < 3 {
		t.Fatalf("demo county: %d clerks, %d categories, %d villages (%v)", len(clerks), len(leaves), len(villages), err)
	}
	w := plantedWorld{rising: leaves[4], hot: villages[len(villages)-1], repeater: idNumber(9001)}
	person := 0
	add := func(place model.Region, cat model.Category, at time.Time, parties ...model.Party) {
		person++
		if len(parties) == 0 {
			parties = []model.Party{{Role: model.PartyApplicant, Name: "居民" + strconv.Itoa(person), IDNumber: idNumber(person), Phone: fmt.Sprintf("139%08d", person)}}
		}
		parties = append(parties, model.Party{Role: model.PartyRespondent, Name: "对方" + strconv.Itoa(person)})
		c := model.Case{TrackingCode: fmt.Sprintf("AN%010d", len(w.cases)+1), Kind: model.KindDispute, CategoryID: cat.ID, CategoryCode: cat.Code,
			Channel: model.ChannelWalkIn, RegionID: place.ID, RegionPath: place.Path, CentreID: centre[place.ID],
			Address: place.Name + "1组", Title: "纠纷", Description: "邻里纠纷", Urgency: "normal", PeopleCount: 1,
			State: "accepted", RegisteredBy: clerks[0].ID, CreatedAt: at, UpdatedAt: at, Parties: parties}
		if place.Level == model.LevelGrid {
			c.GridID = place.ID
		}
		w.cases = append(w.cases, c)
	}
	day := func(weeksBack, d int) time.Time { // a day of a week before today, at 10:00 China time
		return today.AddDate(0, 0, -7*weeksBack-7+d).Add(10 * time.Hour)
	}
	// The steady past and this week: each grid 4 and 6 cases in turn (this week 5),
	// over four categories in turn; the rising category 1 and 2 in turn.
	for wk := 8; wk >= 0; wk-- {
		for gi, g := range grids {
			n := 4 + 2*(wk%2)
			if wk == 0 {
				n = 5
			}
			for i := 0; i < n; i++ {
				add(g, leaves[(gi+i)%4], day(wk, i%7))
			}
		}
		for i := 0; i < 1+wk%2; i++ {
			add(grids[i], w.rising, day(wk, 3))
		}
	}
	// This week's rise: eight more of the category, one in each of eight grids of
	// different villages (none of which rises for it).
	seen := map[int64]bool{}
	for _, g := range grids {
		if len(seen) < 8 && !seen[g.ParentID] && g.ParentID != w.hot.ID {
			seen[g.ParentID] = true
			add(g, w.rising, day(0, 5))
		}
	}
	// The hot village: twelve cases of its own this week (not in its grids), over
	// the four usual categories.
	for i := 0; i < 12; i++ {
		add(w.hot, leaves[i%4], day(0, i%7))
	}
	// People: the repeater (three cases in 90 days), and near misses.
	applicant := func(name, id, phone, addr string) model.Party {
		return model.Party{Role: model.PartyApplicant, Name: name, IDNumber: id, Phone: phone, Address: addr}
	}
	for _, back := range []int{80, 40, 3} {
		add(villages[0], leaves[0], today.AddDate(0, 0, -back), applicant("王重复", w.repeater, "13900009001", ""))
	}
	for _, back := range []int{60, 10} { // two cases only
		add(villages[1], leaves[1], today.AddDate(0, 0, -back), applicant("李两次", idNumber(9002), "", ""))
	}
	for _, back := range []int{200, 100, 5} { // three, but over more than 90 days
		add(villages[1], leaves[2], today.AddDate(0, 0, -back), applicant("赵很久", idNumber(9003), "", ""))
	}
	for _, back := range []int{50, 30, 2} { // a respondent three times
		add(villages[0], leaves[3], today.AddDate(0, 0, -back), model.Party{Role: model.PartyRespondent, Name: "某公司", IDNumber: idNumber(9004)})
	}
	for _, back := range []int{50, 20} { // by phone alone, twice
		add(villages[2], leaves[0], today.AddDate(0, 0, -back), applicant("孙电话", "", "13900009005", ""))
	}
	for _, back := range []int{30, 25} { // by name and address alone, twice
		add(villages[2], leaves[1], today.AddDate(0, 0, -back), applicant("周无证", "", "", "景古镇1组3号"))
	}
	if err := st.BulkLoadCases(ctx, w.cases); err != nil {
		t.Fatal(err)
	}
	return w
}

// The analysis page finds the planted rise, the planted hot village and the planted
// repeat applicant, and nothing else of their kind; each finding's list holds as many
// cases as the finding counts. On both stores.
func TestAnalysisFindsWhatWasPlanted(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc := cases.New(st)
		today := report.PeriodOf(report.Day, svc.Now()).From
		w := plant(t, st, today)
		p := principal(t, st, "county.leader")
		per := report.Period{Unit: report.Range, From: today.AddDate(0, 0, -30), To: today}
		a, err := svc.Analyse(ctx, p, per, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The weeks read from the rollups are the weeks counted from the cases: every
		// series (rising or not, as the group cases' is) and the period's group cases.
		fromCases := cases.New(st)
		fromCases.StatsFromCases = true
		b, err := fromCases.Analyse(ctx, p, per, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			name     string
			got, was any
		}{
			{"rising categories", a.Category, b.Category},
			{"rising places", a.Places, b.Places},
			{"group cases", a.Group, b.Group},
			{"group cases of the period", a.GroupPeriod, b.GroupPeriod},
		} {
			if !reflect.DeepEqual(x.got, x.was) {
				t.Errorf("%s from the rollups %+v, from the cases %+v", x.name, x.got, x.was)
			}
		}
		var cats, places []string
		for _, f := range a.Category {
			cats = append(cats, f.Name)
		}
		for _, f := range a.Places {
			places = append(places, f.Name)
		}
		if len(a.Category) != 1 || a.Category[0].ID != w.rising.ID {
			t.Errorf("rising categories %v, want only %s", cats, w.rising.Name)
		} else if tr := a.Category[0].Trend; tr.This != 9 || tr.Mean != 1.5 || tr.SD != 0.5 || tr.Threshold != 2.5 {
			t.Errorf("the rise's figures: %+v, want this week 9, mean 1.5, sd 0.5, threshold 2.5", tr)
		}
		if len(a.Places) != 1 || a.Places[0].ID != w.hot.ID {
			t.Errorf("rising places %v, want only %s", places, w.hot.Name)
		}
		if len(a.People) != 1 || a.People[0].Cases != 3 || a.People[0].IDNumber != model.MaskIDNumber(w.repeater) || a.People[0].Name != "王**" {
			t.Errorf("repeat people %+v, want only the planted applicant, masked, with 3 cases", a.People)
		}
		// Each finding's list holds its count.
		check := func(name, link string, want int64) {
			t.Helper()
			if got := listCount(t, svc, p, link); got != want {
				t.Errorf("%s: counts %d, its list %s holds %d", name, want, link, got)
			}
		}
		for _, f := range append(a.Category, a.Places...) {
			check(f.Name, f.Link, f.Trend.This)
			for i, l := range f.Weeks {
				check(fmt.Sprintf("%s week %d", f.Name, i), l, f.Trend.Counts[i])
			}
		}
		for _, f := range a.People {
			check("person", f.Link, f.Cases)
		}
		check("open long", a.LongOpen.Link, a.LongOpen.Count)
		for _, f := range a.Warnings {
			check(f.ID, f.Link, f.Count)
		}
		// A township leader sees only their township's: the hot village is 景古镇's.
		for _, who := range []string{"fucheng.leader", "jinggu.leader"} {
			a, err := svc.Analyse(ctx, principal(t, st, who), per, 0)
			if err != nil {
				t.Fatal(err)
			}
			hot := slices.ContainsFunc(a.Places, func(f cases.Finding) bool { return f.ID == w.hot.ID })
			if want := inSubtreeOf(w.hot.Path, a.Region.Path); hot != want {
				t.Errorf("%s: hot village found %v, want %v", who, hot, want)
			}
		}
		// 重复来访率: the figure's count is the cases whose applicant came in the 90
		// days before, counted here by model.PartyKey over the planted cases.
		want := map[string]bool{}
		for i, c := range w.cases {
			if c.CreatedAt.Before(per.From) || !c.CreatedAt.Before(per.To) {
				continue
			}
			for _, o := range w.cases[:i] {
				if sameComing(c, o) && o.CreatedAt.After(c.CreatedAt.AddDate(0, 0, -model.RepeatWindowDays)) {
					want[c.TrackingCode] = true
				}
			}
			for _, o := range w.cases[i+1:] {
				if sameComing(c, o) && o.CreatedAt.Before(c.CreatedAt) && o.CreatedAt.After(c.CreatedAt.AddDate(0, 0, -model.RepeatWindowDays)) {
					want[c.TrackingCode] = true
				}
			}
		}
		f, _ := report.ByID("repeat_rate")
		cond, _ := f.Cond(report.Num, per, svc.Now())
		got, err := st.Cases(ctx, store.CaseFilter{Cond: &cond, Limit: 100}, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range got {
			codes = append(codes, c.TrackingCode)
		}
		if len(got) != len(want) || len(want) != 4 {
			t.Errorf("重复来访 cases %v, want the %d of %v (one each of the repeater, the two-timer, the phone's and the name's, in the period)", codes, len(want), want)
		}
		for _, c := range codes {
			if !want[c] {
				t.Errorf("%s counted as a repeat visit", c)
			}
		}
	})
}

func inSubtreeOf(path, root string) bool { return len(path) >= len(root) && path[:len(root)] == root }

// sameComing: a coming party of a is the same person as one of b's (model.PartyKey).
func sameComing(a, b model.Case) bool {
	for _, p := range a.Parties {
		for _, q := range b.Parties {
			if model.ComingRole(p.Role) && model.ComingRole(q.Role) && model.PartyKey(p) != "" && model.PartyKey(p) == model.PartyKey(q) {
				return true
			}
		}
	}
	return false
}

// listCount is the total of the case list a finding links to, read as the list
// page reads its query.
func listCount(t *testing.T, svc *cases.Service, p *auth.Principal, link string) int64 {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	f := store.CaseFilter{}
	cond, err := report.ListCond(q.Get("stat"), q.Get("part"), q.Get("from"), q.Get("to"), svc.Now())
	if err != nil {
		t.Fatalf("%s: %v", link, err)
	}
	f.Cond = cond
	if id := q.Get("category_id"); id != "" {
		f.CategoryID, _ = strconv.ParseInt(id, 10, 64)
	}
	if id := q.Get("person"); id != "" {
		f.SamePartyAs, _ = strconv.ParseInt(id, 10, 64)
	}
	if id := q.Get("region_id"); id != "" {
		rid, _ := strconv.ParseInt(id, 10, 64)
		r, err := svc.Store.Region(context.Background(), rid)
		if err != nil {
			t.Fatal(err)
		}
		f.Within = r.Path
	}
	n, err := svc.Count(context.Background(), p, f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
