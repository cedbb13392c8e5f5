package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Search over real HTTP, API and page, on both stores: words of any of a case's
// texts written by registration (through the group commit) and by a later step, in
// scope only, combined with the filters; a phone whole finds the party's cases, a
// tracking code its case; the page marks the passage and counts.
func TestSearchOverHTTP(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		other := srv.Login(t, "suji.clerk", demo.Password)

		body := walkIn(t, st)
		body["title"] = "翡翠湾小区宅基地边界纠纷"
		body["description"] = "村民反映邻居在翡翠湾3号楼旁修建围墙，占用宅基地。"
		body["parties"].([]map[string]any)[0]["phone"] = "13893007788"
		land := (&flow{t: t}).register(clerk, body)
		body = walkIn(t, st)
		body["title"] = "琥珀巷护栏损坏"
		body["description"] = "琥珀巷G312国道旁护栏被撞坏。"
		rail := (&flow{t: t}).register(clerk, body)
		f := &flow{t: t, id: rail.ID}
		f.act(clerk, "comment", map[string]any{"note": "已通知公路段玛瑙组抢修"}, "registered")

		type result struct {
			Items []struct {
				ID      int64 `json:"id"`
				Passage []struct {
					Text  string `json:"text"`
					Match bool   `json:"match"`
				} `json:"passage"`
			} `json:"items"`
			Total     int  `json:"total"`
			TotalOver bool `json:"total_over"`
			Direct    bool `json:"direct"`
		}
		search := func(c *testutil.Client, q string) result {
			t.Helper()
			resp, raw := c.Do("GET", "/api/v1/cases?"+q, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", q, resp.StatusCode, raw)
			}
			var r result
			testutil.DecodeJSON(t, raw, &r)
			return r
		}
		ids := func(r result) string {
			var s []string
			for _, it := range r.Items {
				s = append(s, fmt.Sprint(it.ID))
			}
			return strings.Join(s, ",")
		}
		for _, tc := range []struct {
			q    string
			want []int64
		}{
			{"q=" + url.QueryEscape("宅基地 翡翠湾"), []int64{land.ID}},
			{"q=" + url.QueryEscape("护栏") + "&kind=dispute", []int64{rail.ID}},
			{"q=" + url.QueryEscape("琥珀巷 护栏") + "&kind=hazard", nil}, // filters combine
			{"q=" + url.QueryEscape("g312国道 琥珀"), []int64{rail.ID}},
			{"q=" + url.QueryEscape("玛瑙组"), []int64{rail.ID}}, // a note written later
			{"q=" + url.QueryEscape(`"翡翠湾3号楼"`), []int64{land.ID}},
			{"q=" + url.QueryEscape("翡翠湾 琥珀巷"), nil},                    // every word
			{"q=" + url.QueryEscape("138 9300 7788"), []int64{land.ID}}, // a phone as written on a card
			{"q=" + url.QueryEscape("9300 7788"), nil},                  // a phone's pieces are not indexed
			{"q=13893007788", []int64{land.ID}},                         // whole, the party's phone
		} {
			r := search(clerk, tc.q)
			want := fmt.Sprint(tc.want)
			if got := "[" + strings.ReplaceAll(ids(r), ",", " ") + "]"; got != want || r.Total != len(tc.want) {
				t.Errorf("%s: %s (total %d), want %s", tc.q, got, r.Total, want)
			}
		}
		r := search(clerk, "q="+url.QueryEscape("围墙"))
		marked := ""
		for _, s := range r.Items[0].Passage {
			if s.Match {
				marked += s.Text
			}
		}
		if marked != "围墙" {
			t.Errorf("passage of 围墙: %+v", r.Items[0].Passage)
		}
		// Another township's clerk finds none of it, by words or by code.
		if r := search(other, "q="+url.QueryEscape("翡翠湾")); len(r.Items) != 0 || r.Total != 0 {
			t.Errorf("another township's clerk finds %s", ids(r))
		}
		if r := search(other, "q="+land.TrackingCode); len(r.Items) != 0 || r.Direct {
			t.Errorf("another township's clerk finds the case by its code: %s", ids(r))
		}
		if r := search(clerk, "q="+strings.ToLower(land.TrackingCode)); !r.Direct || ids(r) != fmt.Sprint(land.ID) {
			t.Errorf("by tracking code: %+v", r)
		}
		for _, bad := range []string{"q=" + url.QueryEscape("，。！"), "q=" + strings.Repeat("字", 201), "sort=latest"} {
			resp, raw := clerk.Do("GET", "/api/v1/cases?"+bad, nil)
			if e := testutil.DecodeError(t, raw); resp.StatusCode != 422 || (e.Error.Field != "q" && e.Error.Field != "sort") {
				t.Errorf("%s: %d %s", bad, resp.StatusCode, raw)
			}
		}

		// At intake, what the clerk types of a new complaint offers the open case alike
		// in words, in scope; a text about something else offers nothing.
		prior := func(c *testutil.Client, text string) []string {
			t.Helper()
			resp, raw := c.Do("GET", "/api/v1/intake/prior-cases?text="+url.QueryEscape(text), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("prior cases: %d %s", resp.StatusCode, raw)
			}
			var list struct {
				Items []struct {
					ID        int64  `json:"id"`
					MatchedBy string `json:"matched_by"`
				} `json:"items"`
			}
			testutil.DecodeJSON(t, raw, &list)
			var out []string
			for _, it := range list.Items {
				out = append(out, fmt.Sprintf("%d:%s", it.ID, it.MatchedBy))
			}
			return out
		}
		if got := prior(clerk, "翡翠湾小区邻居修围墙占用宅基地"); len(got) != 1 || got[0] != fmt.Sprintf("%d:words", land.ID) {
			t.Errorf("alike at intake: %v, want the 翡翠湾 case", got)
		}
		if got := prior(clerk, "翡翠湾小区停车位收费太贵"); len(got) != 0 {
			t.Errorf("a text sharing only the place offers %v", got)
		}
		if got := prior(other, "翡翠湾小区邻居修围墙占用宅基地"); len(got) != 0 {
			t.Errorf("another township's clerk is offered %v", got)
		}

		// The page: the passage marked, the count, and a code typed whole opens its case.
		resp, page := clerk.Do("GET", "/cases?queue=all&q="+url.QueryEscape("围墙"), nil)
		if resp.StatusCode != 200 || !strings.Contains(string(page), "<mark>围墙</mark>") || !strings.Contains(string(page), "共 1 件") {
			t.Errorf("search page: %d\n%s", resp.StatusCode, testutil.Excerpt(page))
		}
		resp, _ = clerk.Do("GET", "/cases?q="+land.TrackingCode, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/cases/%d", land.ID) {
			t.Errorf("a tracking code in the search box: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, page = clerk.Do("GET", "/cases?q="+url.QueryEscape("，。"), nil)
		if resp.StatusCode != 422 || !strings.Contains(string(page), `data-testid="field-error-q"`) {
			t.Errorf("an empty search on the page: %d", resp.StatusCode)
		}
	})
}

// A search by relevance that finds more cases than store.RankedMatches orders only the
// newest of them, and the API and the page say so; newest first, or with fewer
// matches, nothing is said.
func TestSearchRelevanceWindowIsShown(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 2600, 1); err != nil {
			t.Fatal(err)
		}
		leader := srv.Login(t, "county.leader", demo.Password)
		window := store.RankedMatches()
		for _, tc := range []struct {
			q      string
			ranked int
		}{
			{"q=" + url.QueryEscape("当事") + "&sort=relevance", window}, // in most generated cases
			{"q=" + url.QueryEscape("当事"), 0},
			{"q=" + url.QueryEscape("宅基地") + "&sort=relevance", 0}, // in fewer
		} {
			resp, raw := leader.Do("GET", "/api/v1/cases?"+tc.q, nil)
			var r struct {
				Total  int `json:"total"`
				Ranked int `json:"ranked"`
			}
			testutil.DecodeJSON(t, raw, &r)
			if resp.StatusCode != 200 || r.Ranked != tc.ranked || (tc.ranked == 0) != (r.Total <= window || !strings.Contains(tc.q, "relevance")) {
				t.Errorf("%s: %d, total %d, ranked %d, want %d", tc.q, resp.StatusCode, r.Total, r.Ranked, tc.ranked)
			}
			resp, page := leader.Do("GET", "/cases?queue=all&"+tc.q, nil)
			hint := fmt.Sprintf("按相关度排的是最近的 %d 件匹配案件", window)
			if resp.StatusCode != 200 || strings.Contains(string(page), hint) != (tc.ranked != 0) {
				t.Errorf("page %s: %d, the window's hint shown %v", tc.q, resp.StatusCode, strings.Contains(string(page), hint))
			}
		}
	})
}
