package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The index finds a case by any of its texts, written in the transaction that writes
// them, on both stores alike: title, description, address, parties' names and
// addresses at registration, a note added later; scope and every filter still apply;
// the count stops at its cap; Reindex rebuilds the same index.
func TestSearchIndex(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fixture := store.NotAudited("test fixture")
		county := createCounty(t, st)
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, fixture, &town))
		other := model.Region{ParentID: county.ID, Code: "622922101", Name: "苏集镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, fixture, &other))
		cats, err := st.Categories(ctx, store.CategoryFilter{})
		must(t, err)
		at := time.Now().UTC().Truncate(time.Microsecond)

		newCase := func(code string, g model.Region, title, desc string, parties ...model.Party) *model.Case {
			c := newVillageCase(code, g, cats[0], at)
			c.Title, c.Description, c.Parties = title, desc, parties
			return c
		}
		land := newCase("SEARCH01", town, "郭家庄宅基地纠纷", "村民反映邻居占用宅基地，多次协商未果。",
			model.Party{Role: "applicant", Name: "郭建国", Phone: "13800138000", Address: "附城镇郭家庄3号楼"})
		rail := newCase("SEARCH02", town, "G312国道护栏损坏", "Ｇ３１２国道旁护栏被撞，存在安全隐患。")
		wages := newCase("SEARCH03", other, "农民工欠薪", "工地欠薪三个月，涉及土地平整工程。")
		wages.Kind = model.KindPetition
		soon, later := at.Add(24*time.Hour), at.Add(48*time.Hour)
		rail.DueAt, land.DueAt = &soon, &later
		must(t, st.InTx(ctx, fixture, func(tx *store.Tx) error { return tx.InsertCase(ctx, land) }))
		reg := &model.CaseEvent{At: at, Action: "register", ToState: "registered", Note: "来访登记，情绪激动"}
		must(t, st.InTx(ctx, fixture, func(tx *store.Tx) error { return tx.InsertCaseWithEvents(ctx, rail, []*model.CaseEvent{reg}) }))
		must(t, st.InTx(ctx, fixture, func(tx *store.Tx) error { return tx.InsertCase(ctx, wages) }))

		find := func(q string, f store.CaseFilter, sc store.CaseScope) []int64 {
			t.Helper()
			f.Text = search.Parse(q)
			got, err := st.Cases(ctx, f, sc)
			must(t, err)
			return caseIDs(got)
		}
		all := store.CaseScope{All: true}
		check := func(q string, f store.CaseFilter, sc store.CaseScope, want ...int64) {
			t.Helper()
			got := find(q, f, sc)
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%q %+v: %v, want %v", q, f, got, want)
			}
			n, over, err := st.CountListed(ctx, store.CaseFilter{Text: search.Parse(q), Kind: f.Kind, Within: f.Within}, sc, 10000)
			must(t, err)
			if n != len(want) || over {
				t.Errorf("%q counted %d (over %v), want %d", q, n, over, len(want))
			}
		}
		check("宅基地", store.CaseFilter{}, all, land.ID)
		check("郭家庄 协商", store.CaseFilter{}, all, land.ID)
		check("郭建国", store.CaseFilter{}, all, land.ID)    // a party's name
		check("3号楼", store.CaseFilter{}, all, land.ID)    // a party's address, mixed text
		check("护栏", store.CaseFilter{}, all, rail.ID)     // the filter that found nothing before
		check("g312国道", store.CaseFilter{}, all, rail.ID) // full-width in the text
		check("情绪激动", store.CaseFilter{}, all, rail.ID)   // the registration's note
		check("土地", store.CaseFilter{}, all, wages.ID)    // a 2-character word inside a longer one
		check("欠薪", store.CaseFilter{Kind: model.KindPetition}, all, wages.ID)
		check("欠薪", store.CaseFilter{Kind: model.KindDispute}, all)              // filters combine
		check("宅基地 护栏", store.CaseFilter{}, all)                                 // every word must match
		check(`"护栏国道"`, store.CaseFilter{}, all)                                 // a phrase in its order
		check("纠纷", store.CaseFilter{}, store.CaseScope{RegionPath: other.Path}) // out of scope
		check("欠薪", store.CaseFilter{}, store.CaseScope{RegionPath: other.Path}, wages.ID)
		check("欠薪", store.CaseFilter{Within: town.Path}, all)
		check("国", store.CaseFilter{}, all, rail.ID, land.ID) // one character: 国道, 郭建国

		// A note written later is found, in its own transaction's commit.
		must(t, st.InTx(ctx, fixture, func(tx *store.Tx) error {
			return tx.AppendEvents(ctx, &model.CaseEvent{CaseID: wages.ID, At: at, Action: "comment", FromState: "registered", ToState: "registered", Note: "已联系劳动监察大队"},
				&model.CaseEvent{CaseID: wages.ID, At: at, Action: "comment", FromState: "registered", ToState: "registered", Note: "包工头承诺月底结清"})
		}))
		check("劳动监察", store.CaseFilter{}, all, wages.ID)
		check("包工头 劳动监察", store.CaseFilter{}, all, wages.ID)
		// A rolled-back note leaves no trace in the index.
		_ = st.InTx(ctx, fixture, func(tx *store.Tx) error {
			must(t, tx.AppendEvents(ctx, &model.CaseEvent{CaseID: land.ID, At: at, Action: "comment", FromState: "registered", ToState: "registered", Note: "撤回的备注"}))
			return context.Canceled
		})
		check("撤回的备注", store.CaseFilter{}, all)

		// Relevance puts the case with the word twice (title and text) first.
		got := find("宅基地", store.CaseFilter{Sort: store.SortRelevance}, all)
		if len(got) != 1 {
			t.Errorf("relevance: %v", got)
		}
		// ... among the newest matches only: "国" is in two cases' texts, 郭建国's
		// (the older) and 国道's twice (the newer); with one ranked the newest is all.
		got = find("国", store.CaseFilter{Sort: store.SortRelevance}, all)
		if len(got) != 2 {
			t.Errorf("relevance of 国: %v", got)
		}
		if second := find("国", store.CaseFilter{Sort: store.SortRelevance, Limit: 1, Offset: 1}, all); len(got) == 2 && !slices.Equal(second, got[1:]) {
			t.Errorf("relevance of 国, page 2 of 1: %v, want %v", second, got[1:])
		}
		restore := store.SetRankedMatches(1)
		if got = find("国", store.CaseFilter{Sort: store.SortRelevance}, all); !slices.Equal(got, []int64{rail.ID}) {
			t.Errorf("relevance among the newest match: %v, want %v", got, []int64{rail.ID})
		}
		// The window is the list's newest matches, its filters applied, not the word's.
		if got = find("国", store.CaseFilter{Sort: store.SortRelevance, TrackingCode: land.TrackingCode}, all); !slices.Equal(got, []int64{land.ID}) {
			t.Errorf("relevance among the list's newest match: %v, want %v", got, []int64{land.ID})
		}
		restore()
		n, over, err := st.CountListed(ctx, store.CaseFilter{Text: search.Parse("国")}, all, 1)
		must(t, err)
		if n != 1 || !over {
			t.Errorf("count capped at 1: %d, over %v", n, over)
		}

		// The list's orders: 登记时间 either way, 办理期限 soonest first (none last).
		for _, tc := range []struct {
			sort string
			want []int64
		}{
			{store.SortNewest, []int64{wages.ID, rail.ID, land.ID}},
			{store.SortOldest, []int64{land.ID, rail.ID, wages.ID}},
			{store.SortDue, []int64{rail.ID, land.ID, wages.ID}},
		} {
			got, err := st.Cases(ctx, store.CaseFilter{Sort: tc.sort}, all)
			must(t, err)
			if !slices.Equal(caseIDs(got), tc.want) {
				t.Errorf("sort %q: %v, want %v", tc.sort, caseIDs(got), tc.want)
			}
			got, err = st.Cases(ctx, store.CaseFilter{Sort: tc.sort, Limit: 1, Offset: 1}, all)
			must(t, err)
			if len(got) != 1 || got[0].ID != tc.want[1] {
				t.Errorf("sort %q, page 2 of 1: %v", tc.sort, caseIDs(got))
			}
		}

		// Rebuilt from the stored texts, the index finds what it found.
		indexed, err := st.Reindex(ctx, nil)
		must(t, err)
		if indexed != 3 {
			t.Errorf("reindexed %d cases", indexed)
		}
		check("劳动监察", store.CaseFilter{}, all, wages.ID)
		check("情绪激动", store.CaseFilter{}, all, rail.ID)
		check("郭建国", store.CaseFilter{}, all, land.ID)
		// The rebuilt rows hold their regions' terms: a scope and a region filter still
		// narrow the index's matches to their subtree, and a region's term is no word a
		// user can type (the region's id alone, or the mark and the id, find nothing).
		check("欠薪", store.CaseFilter{}, store.CaseScope{RegionPath: other.Path}, wages.ID)
		check("纠纷", store.CaseFilter{}, store.CaseScope{RegionPath: other.Path})
		check("国", store.CaseFilter{}, store.CaseScope{RegionPath: town.Path}, rail.ID, land.ID)
		check("国", store.CaseFilter{Within: other.Path}, all)
		check("国", store.CaseFilter{Within: town.Path}, store.CaseScope{RegionPath: county.Path}, rail.ID, land.ID)
		check(strconv.FormatInt(town.ID, 10), store.CaseFilter{}, all)
		check("§"+strconv.FormatInt(town.ID, 10), store.CaseFilter{}, all)
		if pending, err := st.ReindexPending(ctx); err != nil || pending {
			t.Errorf("reindex still pending after Reindex: %v %v", pending, err)
		}
		size, err := st.SearchIndexSize(ctx)
		must(t, err)
		if size <= 0 {
			t.Errorf("index size %d", size)
		}
	})
}
