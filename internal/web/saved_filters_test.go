package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

type savedFilterJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Query   string `json:"query"`
	URL     string `json:"url"`
	Valid   bool   `json:"valid"`
	Problem *struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"problem"`
}

// Saved filters over real HTTP, API and pages, on both stores: a list's query kept
// under a name after the list's own parser took it (paging dropped; what the list
// refuses refused, naming the parameter); only the owner lists, renames or deletes
// it; a filter the list no longer takes (a region out of the user's reach) says so.
func TestSavedFiltersOverHTTP(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		other := srv.Login(t, "suji.clerk", demo.Password)

		save := func(c *testutil.Client, name, query string) (int, []byte) {
			t.Helper()
			resp, raw := c.Do("POST", "/api/v1/saved-filters", map[string]string{"name": name, "query": query})
			return resp.StatusCode, raw
		}
		list := func(c *testutil.Client) []savedFilterJSON {
			t.Helper()
			resp, raw := c.Do("GET", "/api/v1/saved-filters", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET saved filters: %d %s", resp.StatusCode, raw)
			}
			var out struct{ Items []savedFilterJSON }
			testutil.DecodeJSON(t, raw, &out)
			return out.Items
		}

		code, raw := save(clerk, " 超期纠纷 ", "/cases?queue=all&kind=dispute&overdue=true&page=3&q="+url.QueryEscape("宅基地"))
		if code != http.StatusCreated {
			t.Fatalf("save: %d %s", code, raw)
		}
		var overdue savedFilterJSON
		testutil.DecodeJSON(t, raw, &overdue)
		if want := "kind=dispute&overdue=true&q=" + url.QueryEscape("宅基地") + "&queue=all"; overdue.Name != "超期纠纷" || overdue.Query != want || !overdue.Valid || overdue.URL != "/cases?"+want {
			t.Fatalf("saved = %+v, want the name trimmed and the query %s without its page", overdue, want)
		}

		for _, tc := range []struct{ name, query, field, code string }{
			{"坏类型", "kind=bogus", "kind", "invalid"},
			{"坏区域", "region_id=999999", "region_id", "invalid"},
			{"坏参数", "kind=dispute&colour=red", "query", "unknown_parameter"},
			{"", "kind=dispute", "name", "required"},
			{strings.Repeat("名", model.MaxSavedFilterName+1), "kind=dispute", "name", "too_long"},
			{"超期纠纷", "kind=hazard", "name", "taken"},
			{"坏排序", "sort=sideways", "sort", "invalid"},
		} {
			code, raw := save(clerk, tc.name, tc.query)
			e := testutil.DecodeError(t, raw)
			if code != http.StatusUnprocessableEntity || e.Error.Field != tc.field || e.Error.Code != tc.code {
				t.Errorf("save %q %q: %d %s, want 422 %s/%s", tc.name, tc.query, code, raw, tc.field, tc.code)
			}
		}

		// Another user sees none of it and can touch none of it.
		if got := list(other); len(got) != 0 {
			t.Fatalf("suji clerk's filters = %+v, want none", got)
		}
		id := strconv.FormatInt(overdue.ID, 10)
		if resp, raw := other.Do("PATCH", "/api/v1/saved-filters/"+id, map[string]string{"name": "我的"}); resp.StatusCode != 404 {
			t.Fatalf("another user renames: %d %s", resp.StatusCode, raw)
		}
		if resp, raw := other.Do("DELETE", "/api/v1/saved-filters/"+id, nil); resp.StatusCode != 404 {
			t.Fatalf("another user deletes: %d %s", resp.StatusCode, raw)
		}
		if resp, raw := clerk.Do("PATCH", "/api/v1/saved-filters/"+id, map[string]string{"name": "x", "query": "kind=hazard"}); resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Field != "query" {
			t.Fatalf("rename with a query: %d %s, want 422 on query", resp.StatusCode, raw)
		}
		if resp, raw := clerk.Do("PATCH", "/api/v1/saved-filters/"+id, map[string]string{"name": "宅基地超期"}); resp.StatusCode != 200 || !strings.Contains(string(raw), "宅基地超期") {
			t.Fatalf("rename: %d %s", resp.StatusCode, raw)
		}

		// A filter that was good when saved and is not now: a region outside the
		// clerk's township (as after a move to another centre).
		ctx := context.Background()
		clerkUser, _, err := st.UserCredentials(ctx, "fucheng.clerk")
		if err != nil {
			t.Fatal(err)
		}
		suji, err := st.RegionByCode(ctx, "622922101")
		if err != nil {
			t.Fatal(err)
		}
		stale := model.SavedFilter{UserID: clerkUser.ID, Name: "苏集镇的", Query: "queue=all&region_id=" + strconv.FormatInt(suji.ID, 10)}
		if err := st.InsertSavedFilter(ctx, &stale); err != nil {
			t.Fatal(err)
		}
		got := list(clerk)
		if len(got) != 2 || got[0].Name != "宅基地超期" || !got[0].Valid || got[1].Name != "苏集镇的" || got[1].Valid ||
			got[1].Problem == nil || got[1].Problem.Field != "region_id" {
			t.Fatalf("clerk's filters = %+v, want the renamed one valid and the stale one naming region_id", got)
		}

		// The list page: both filters, the stale one marked; saving from the page.
		code2, page := getPage(t, clerk, "/cases?queue=all&kind=hazard")
		if code2 != 200 || strings.Count(page, `data-testid="saved-filter"`) != 2 || strings.Count(page, `data-testid="saved-filter-invalid"`) != 1 ||
			!strings.Contains(page, `name="query" value="kind=hazard&amp;queue=all"`) {
			t.Fatalf("list page: %d, saved filters not as expected:\n%s", code2, section(page, "saved-filters"))
		}
		if _, page := getPage(t, other, "/cases?queue=all"); strings.Contains(page, "宅基地超期") || !strings.Contains(page, `data-testid="saved-filters-empty"`) {
			t.Fatalf("suji clerk's list page shows the fucheng clerk's filters:\n%s", section(page, "saved-filters"))
		}
		resp, body := postForm(t, srv, clerk, "/saved-filters", url.Values{"name": {"隐患"}, "query": {"kind=hazard&queue=all&page=2"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/cases?kind=hazard&queue=all&notice=filter_saved" {
			t.Fatalf("save from the page: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		_, page = getPage(t, clerk, "/cases?kind=hazard&queue=all")
		if !strings.Contains(page, `aria-current="true" class="current">隐患</a>`) {
			t.Fatalf("the list of a saved filter does not mark it:\n%s", section(page, "saved-filters"))
		}
		resp, body = postForm(t, srv, clerk, "/saved-filters", url.Values{"name": {""}, "query": {"kind=hazard"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-filter_save"`) || !strings.Contains(body, "请填写筛选名称") {
			t.Fatalf("save without a name from the page: %d\n%s", resp.StatusCode, section(body, "saved-filters"))
		}
		resp, body = postForm(t, srv, clerk, "/saved-filters", url.Values{"name": {"坏的"}, "query": {"urgency=soon"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "紧急程度") {
			t.Fatalf("save of a bad list from the page: %d\n%s", resp.StatusCode, section(body, "saved-filters"))
		}
		items := list(clerk)
		var hazard savedFilterJSON
		for _, it := range items {
			if it.Name == "隐患" {
				hazard = it
			}
		}
		hid := strconv.FormatInt(hazard.ID, 10)
		resp, body = postForm(t, srv, clerk, "/saved-filters/"+hid+"/rename", url.Values{"name": {"宅基地超期"}, "back": {"kind=hazard&queue=all"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-filter_rename_`+hid+`"`) {
			t.Fatalf("rename onto a taken name from the page: %d\n%s", resp.StatusCode, section(body, "saved-filters"))
		}
		resp, _ = postForm(t, srv, clerk, "/saved-filters/"+hid+"/rename", url.Values{"name": {"安全隐患"}, "back": {"kind=hazard&queue=all"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/cases?kind=hazard&queue=all&notice=filter_renamed" {
			t.Fatalf("rename from the page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := postForm(t, srv, other, "/saved-filters/"+hid+"/delete", url.Values{}); resp.StatusCode != 404 {
			t.Fatalf("another user deletes from the page: %d", resp.StatusCode)
		}
		resp, _ = postForm(t, srv, clerk, "/saved-filters/"+hid+"/delete", url.Values{"back": {"queue=all"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete from the page: %d", resp.StatusCode)
		}
		if resp, _ := clerk.Do("DELETE", "/api/v1/saved-filters/"+id, nil); resp.StatusCode != 204 {
			t.Fatalf("delete through the API: %d", resp.StatusCode)
		}
		if got := list(clerk); len(got) != 1 || got[0].Name != "苏集镇的" {
			t.Fatalf("after deletes: %+v", got)
		}
	})
}
