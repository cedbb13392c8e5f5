package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestSearchBox: a clerk types a word of a case's text into the header's search box
// and lands on the list of the cases that hold it, the word marked in the passage and
// the list counted; the list's own box narrows with a second word, and a tracking
// code typed whole opens its case.
func TestSearchBox(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		village, err := srv.Store.RegionByCode(ctx, "622922100200")
		if err != nil {
			t.Fatal(err)
		}
		cats, err := srv.Store.Categories(ctx, store.CategoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var category int64
		for _, c := range cats {
			if c.Code == "dispute.neighbour" {
				category = c.ID
			}
		}
		api := srv.Login(t, "county.clerk", demo.Password)
		var codes []string
		var ids []string
		for _, text := range []string{"郭家庄村民反映宅基地边界被邻居占用，多次协商未果。", "郭家庄G312国道旁护栏损坏，存在安全隐患。"} {
			resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{
				"kind": "dispute", "category_id": category, "channel": "walk_in",
				"region_id": village.ID, "address": "附城镇郭家庄", "title": text[:strings.Index(text, "，")],
				"description": text, "urgency": "normal",
				"parties": []map[string]any{{"role": "applicant", "name": "郭某", "phone": "13893004455"}}})
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
			var c struct {
				ID           int64  `json:"id"`
				TrackingCode string `json:"tracking_code"`
			}
			testutil.DecodeJSON(t, raw, &c)
			codes = append(codes, c.TrackingCode)
			ids = append(ids, "/cases/"+strconv.FormatInt(c.ID, 10))
		}

		tb := b.newTab(t, srv.URL)
		tb.do("size the window", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.clerk", demo.Password)
		tb.fill("[data-testid=header-search-input]", "郭家庄")
		if status := tb.load("search from the header", chromedp.Submit(chromedp.CSS("[data-testid=header-search]"))); status != 200 {
			t.Fatalf("header search: %d", status)
		}
		if got := len(tb.texts("[data-testid=case-row]")); got != 2 {
			t.Errorf("郭家庄 lists %d cases, want 2", got)
		}
		tb.checkText("[data-testid=list-total]", "共 2 件")
		if marks := tb.texts("[data-testid=passage] mark"); len(marks) != 2 || marks[0] != "郭家庄" {
			t.Errorf("marked passages: %q", marks)
		}
		if tb.value("[data-testid=list-search]") != "郭家庄" {
			t.Errorf("the list's box holds %q", tb.value("[data-testid=list-search]"))
		}
		tb.shot("search-1366x768")

		// The list's box keeps the filters and narrows: every word must match.
		eval[bool](tb, `(document.querySelector("[data-testid=list-search]").value = "") === ""`)
		tb.fill("[data-testid=list-search]", "郭家庄 护栏")
		if status := tb.click("[data-testid=filters] button.primary"); status != 200 {
			t.Fatalf("list search: %d", status)
		}
		if rows := tb.texts("[data-testid=case-row] .title-cell a"); len(rows) != 1 || !strings.Contains(rows[0], "护栏") {
			t.Errorf("郭家庄 护栏 lists %q", rows)
		}
		if loc := tb.location(); !strings.Contains(loc, "q=") || !strings.Contains(loc, "queue=all") {
			t.Errorf("the search is not in the URL: %s", loc)
		}

		// A tracking code typed whole, in lower case, opens its case.
		tb.fill("[data-testid=header-search-input]", strings.ToLower(codes[0]))
		if status := tb.load("search a code", chromedp.Submit(chromedp.CSS("[data-testid=header-search]"))); status != 200 {
			t.Fatalf("code search: %d", status)
		}
		if loc := tb.location(); loc != ids[0] {
			t.Errorf("a tracking code lands on %s, want %s", loc, ids[0])
		}
	})
}
