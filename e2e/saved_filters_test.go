package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestSavedFilters: a clerk narrows the list (hazards, overdue off, a word), saves it
// as 我的筛选 under a name, opens it again from the plain list, renames it and
// deletes it; another clerk never sees it.
func TestSavedFilters(t *testing.T) {
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
		api := srv.Login(t, "county.clerk", demo.Password)
		for _, c := range cats {
			if c.Code != "dispute.neighbour" && c.Code != "hazard.traffic" {
				continue
			}
			resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{
				"kind": strings.Split(c.Code, ".")[0], "category_id": c.ID, "channel": "walk_in", "region_id": village.ID,
				"address": "附城镇高林湾村", "title": c.Name + "事项", "description": "高林湾村" + c.Name + "，请处理。", "urgency": "normal",
				"parties": []map[string]any{{"role": "applicant", "name": "马某", "phone": "13893004456"}}})
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
		}
		tb := b.newTab(t, srv.URL)
		tb.do("size the window", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.clerk", demo.Password)
		if status := tb.open("/cases?queue=all"); status != 200 {
			t.Fatalf("list: %d", status)
		}
		if !tb.has("[data-testid=saved-filters-empty]") {
			t.Errorf("a clerk without saved filters is not told so")
		}
		eval[bool](tb, `(document.querySelector("[data-testid=filters] select[name=kind]").value = "hazard") === "hazard"`)
		if status := tb.click("[data-testid=filters] button.primary"); status != 200 {
			t.Fatalf("filter: %d", status)
		}
		tb.do("open the save form", chromedp.Click(chromedp.CSS("[data-testid=save-filter-open]")))
		tb.fill("[data-testid=save-filter-name]", "本县安全隐患")
		if status := tb.click("[data-testid=save-filter]"); status != 200 {
			t.Fatalf("save: %d", status)
		}
		if loc := tb.location(); !strings.Contains(loc, "kind=hazard") || !strings.Contains(loc, "notice=filter_saved") {
			t.Errorf("after saving the list is at %s", loc)
		}
		tb.checkText("[data-testid=saved-filter-open]", "本县安全隐患")
		if !tb.has("[data-testid=saved-filter-open].current") {
			t.Errorf("the list of the saved filter does not mark it as the one shown")
		}
		tb.shot("saved-filters-1366x768")

		// From the whole list, the saved filter opens its list again.
		if status := tb.open("/cases?queue=all"); status != 200 {
			t.Fatalf("list: %d", status)
		}
		if status := tb.click("[data-testid=saved-filter-open]"); status != 200 {
			t.Fatalf("open saved filter: %d", status)
		}
		if loc := tb.location(); !strings.Contains(loc, "kind=hazard") {
			t.Errorf("the saved filter opens %s", loc)
		}
		if v := tb.value("[data-testid=filters] select[name=kind]"); v != "hazard" {
			t.Errorf("the opened filter's kind select holds %q", v)
		}
		kinds := tb.texts("[data-testid=case-row] td:nth-child(3)")
		if len(kinds) != 1 {
			t.Errorf("the saved filter lists %d cases, want the one hazard", len(kinds))
		}
		for _, k := range kinds {
			if !strings.HasPrefix(k, "安全隐患") {
				t.Errorf("the saved filter lists a %q", k)
			}
		}

		// Rename, then delete, from its 管理.
		tb.do("open manage", chromedp.Click(chromedp.CSS(".saved-filter-manage summary")))
		eval[bool](tb, `(document.querySelector("[data-testid=saved-filter-rename-name]").value = "") === ""`)
		tb.fill("[data-testid=saved-filter-rename-name]", "隐患（全县）")
		if status := tb.click("[data-testid=saved-filter-rename]"); status != 200 {
			t.Fatalf("rename: %d", status)
		}
		tb.checkText("[data-testid=saved-filter-open]", "隐患（全县）")

		tb.do("phone size", chromedp.EmulateViewport(390, 844))
		tb.shot("saved-filters-390x844")
		tb.do("desktop size", chromedp.EmulateViewport(1366, 768))

		other := b.newTab(t, srv.URL)
		other.mustLogin("fucheng.clerk", demo.Password)
		other.open("/cases?queue=all")
		if other.has("[data-testid=saved-filter]") {
			t.Errorf("another clerk sees the county clerk's saved filter")
		}

		tb.do("open manage", chromedp.Click(chromedp.CSS(".saved-filter-manage summary")))
		if status := tb.click("[data-testid=saved-filter-delete]"); status != 200 {
			t.Fatalf("delete: %d", status)
		}
		if tb.has("[data-testid=saved-filter]") || !tb.has("[data-testid=saved-filters-empty]") {
			t.Errorf("the deleted filter is still listed")
		}
	})
}
