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

func regionID(t testing.TB, st *store.Store, code string) int64 {
	t.Helper()
	g, err := st.RegionByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("region %s: %v", code, err)
	}
	return g.ID
}

func TestOrganisationAPI(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		county := srv.Login(t, "county.admin", demo.Password)
		fucheng := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		fuchengID := regionID(t, st, "622922100")
		sujiID := regionID(t, st, "622922101")
		sujiVillage := regionID(t, st, "622922101206")

		type call struct {
			name   string
			c      *testutil.Client
			method string
			path   string
			body   any
			status int
			code   string // error code, or "" for success
			field  string
		}
		village := func(parent int64, code string) map[string]any {
			return map[string]any{"parent_id": parent, "code": code, "name": "新村", "level": "village"}
		}
		calls := []call{
			{"admin adds a village", county, "POST", "/api/v1/regions", village(fuchengID, "622922100099"), 201, "", ""},
			{"duplicate region code", county, "POST", "/api/v1/regions", village(fuchengID, "622922100099"), 422, "taken", "code"},
			{"region code not digits", county, "POST", "/api/v1/regions", village(fuchengID, "62a"), 422, "region_code", "code"},
			{"level above parent", county, "POST", "/api/v1/regions", map[string]any{"parent_id": fuchengID, "code": "622922100009", "name": "x", "level": "city"}, 422, "below_parent", "level"},
			{"no parent", county, "POST", "/api/v1/regions", map[string]any{"code": "622922100009", "name": "x", "level": "village"}, 422, "required", "parent_id"},
			{"empty name", county, "POST", "/api/v1/regions", map[string]any{"parent_id": fuchengID, "code": "622922100009", "name": " ", "level": "village"}, 422, "required", "name"},
			{"township admin outside their township", fucheng, "POST", "/api/v1/regions", village(sujiID, "622922101009"), 422, "out_of_scope", "parent_id"},
			{"township admin reads another township", fucheng, "GET", fmt.Sprintf("/api/v1/regions/%d", sujiVillage), nil, 404, "not_found", ""},
			{"guessed id", county, "GET", "/api/v1/regions/999999", nil, 404, "not_found", ""},
			{"malformed id", county, "GET", "/api/v1/regions/abc", nil, 404, "not_found", ""},
			{"clerk may not add regions", clerk, "POST", "/api/v1/regions", village(fuchengID, "622922100008"), 403, "forbidden", ""},
			{"clerk may not list users", clerk, "GET", "/api/v1/users", nil, 403, "forbidden", ""},
			{"admin cannot deactivate own region", county, "POST", fmt.Sprintf("/api/v1/regions/%d/deactivate", regionID(t, st, demo.CountyCode)), nil, 422, "own_region", "active"},
			{"township with villages stays active", county, "POST", fmt.Sprintf("/api/v1/regions/%d/deactivate", sujiID), nil, 422, "has_active_children", "active"},
			{"department at a township", fucheng, "POST", "/api/v1/departments", map[string]any{"region_id": fuchengID, "code": "veterans", "name": "附城镇退役军人服务站"}, 201, "", ""},
			{"department code taken at that region", fucheng, "POST", "/api/v1/departments", map[string]any{"region_id": fuchengID, "code": "veterans", "name": "again"}, 422, "taken", "code"},
			{"department code with spaces", fucheng, "POST", "/api/v1/departments", map[string]any{"region_id": fuchengID, "code": "a b", "name": "x"}, 422, "bad_chars", "code"},
			{"weak password", county, "POST", "/api/v1/users", newUser("li.ming", fuchengID, "short1"), 422, "password_too_short", "password"},
			{"password with user name", county, "POST", "/api/v1/users", newUser("li.ming", fuchengID, "li.ming-2026!"), 422, "password_contains_username", "password"},
			{"common password", county, "POST", "/api/v1/users", newUser("li.ming", fuchengID, "Password123"), 422, "password_common", "password"},
			{"bad phone", county, "POST", "/api/v1/users", withField(newUser("li.ming", fuchengID, "Strong#2026"), "phone", "12345"), 422, "phone_service", "phone"},
			{"unknown role", county, "POST", "/api/v1/users", withField(newUser("li.ming", fuchengID, "Strong#2026"), "roles", []string{"king"}), 422, "invalid", "roles"},
			{"handler without department", county, "POST", "/api/v1/users", withField(newUser("li.ming", fuchengID, "Strong#2026"), "roles", []string{"handler"}), 422, "required_for_handler", "department_id"},
			{"user created", county, "POST", "/api/v1/users", newUser("li.ming", fuchengID, "Strong#2026"), 201, "", ""},
			{"user name taken", county, "POST", "/api/v1/users", newUser("li.ming", fuchengID, "Strong#2026"), 422, "taken", "username"},
			{"township admin places user outside", fucheng, "POST", "/api/v1/users", newUser("wang.fang", sujiID, "Strong#2026"), 422, "out_of_scope", "region_id"},
			{"township admin edits the dictionary", fucheng, "POST", "/api/v1/categories", map[string]any{"kind": "dispute", "code": "dispute.water", "name": "用水"}, 403, "forbidden", ""},
			{"county admin adds a category", county, "POST", "/api/v1/categories", map[string]any{"kind": "dispute", "code": "dispute.water", "name": "用水纠纷", "sort_order": 200}, 201, "", ""},
			{"category of unknown kind", county, "POST", "/api/v1/categories", map[string]any{"kind": "gossip", "code": "g", "name": "x"}, 422, "invalid", "kind"},
		}
		for _, tc := range calls {
			resp, body := tc.c.Do(tc.method, tc.path, tc.body)
			if tc.code == "" {
				if resp.StatusCode != tc.status {
					t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.status)
				}
				continue
			}
			e := testutil.DecodeError(t, body)
			if resp.StatusCode != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field {
				t.Errorf("%s: %d %s, want %d code=%s field=%s", tc.name, resp.StatusCode, body, tc.status, tc.code, tc.field)
			}
		}

		// The township admin's lists hold only their township.
		_, body := fucheng.Do("GET", "/api/v1/regions", nil)
		var regions struct{ Items []struct{ Code string } }
		testutil.DecodeJSON(t, body, &regions)
		if len(regions.Items) != 1+14+1+6 { // the township, its 14 villages and the one added, 2 grids under 3 of them
			t.Errorf("township admin sees %d regions", len(regions.Items))
		}
		for _, g := range regions.Items {
			if !strings.HasPrefix(g.Code, "622922100") {
				t.Errorf("township admin sees region %s", g.Code)
			}
		}

		// The new user signs in; deactivated, they cannot; their sessions end at once.
		li := srv.Login(t, "li.ming", "Strong#2026")
		var me struct{ User struct{ ID int64 } }
		_, body = li.Do("GET", "/api/v1/me", nil)
		testutil.DecodeJSON(t, body, &me)
		if resp, body := county.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", me.User.ID), withField(newUser("li.ming", fuchengID, ""), "roles", []string{"clerk", "grid"})); resp.StatusCode != 200 || !strings.Contains(string(body), `"grid"`) {
			t.Fatalf("edit roles: %d %s", resp.StatusCode, body)
		}
		if resp, _ := county.Do("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", me.User.ID), nil); resp.StatusCode != 204 {
			t.Fatalf("deactivate user: %d", resp.StatusCode)
		}
		if resp, _ := li.Do("GET", "/api/v1/me", nil); resp.StatusCode != 401 {
			t.Fatalf("deactivated user's session still works: %d", resp.StatusCode)
		}
		resp, body := srv.NewClient(t).Do("POST", "/api/v1/session", map[string]string{"username": "li.ming", "password": "Strong#2026"})
		if resp.StatusCode != 403 || testutil.DecodeError(t, body).Error.Code != "account_disabled" {
			t.Fatalf("deactivated login: %d %s", resp.StatusCode, body)
		}
		// Still there, only inactive: nothing is hard-deleted.
		if resp, body := county.Do("GET", fmt.Sprintf("/api/v1/users/%d", me.User.ID), nil); resp.StatusCode != 200 || !strings.Contains(string(body), `"active":false`) {
			t.Fatalf("deactivated user: %d %s", resp.StatusCode, body)
		}
	})
}

func newUser(username string, regionID int64, password string) map[string]any {
	return map[string]any{"username": username, "display_name": "李明", "phone": "13812345678", "region_id": regionID,
		"roles": []string{"clerk"}, "password": password}
}

func withField(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func TestAPITokens(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		clerk, _, _ := st.UserCredentials(context.Background(), "county.clerk")
		resp, body := admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "12345 热线", "user_id": clerk.ID})
		if resp.StatusCode != 201 {
			t.Fatalf("issue: %d %s", resp.StatusCode, body)
		}
		tok := jsonField(t, body, "token")
		bearer := func(tok string) (*http.Response, []byte) {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			return srv.NewClient(t).Send(req)
		}
		if resp, body := bearer(tok); resp.StatusCode != 200 || !strings.Contains(string(body), "county.clerk") {
			t.Fatalf("bearer me: %d %s", resp.StatusCode, body)
		}
		// Only the hash is stored: the listing shows a prefix, never the token.
		_, list := admin.Do("GET", "/api/v1/tokens", nil)
		if strings.Contains(string(list), tok) || !strings.Contains(string(list), tok[:10]) {
			t.Fatalf("token listing: %s", list)
		}
		for _, bad := range []string{"", "odt_", tok + "x", strings.ToUpper(tok), "Basic abc"} {
			if resp, body := bearer(bad); resp.StatusCode != 401 || testutil.DecodeError(t, body).Error.Code != "invalid_token" {
				t.Errorf("bearer %q: %d %s", bad, resp.StatusCode, body)
			}
		}
		var issued struct{ ID int64 }
		testutil.DecodeJSON(t, body, &issued)
		if resp, _ := admin.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", issued.ID), nil); resp.StatusCode != 204 {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := bearer(tok); resp.StatusCode != 401 {
			t.Fatalf("revoked token still works: %d", resp.StatusCode)
		}
	})
}

// The admin pages post plain forms: a good one redirects, a bad one comes back with
// the Chinese message beside the field and what was typed still in place.
func TestAdminForms(t *testing.T) {
	srv := testutil.NewServer(t, testutil.NewStore(t, store.SQLite), true)
	admin := srv.Login(t, "county.admin", demo.Password)
	for _, page := range []string{"/", "/admin/regions", "/admin/regions/new", "/admin/departments", "/admin/departments/new",
		"/admin/users", "/admin/users/new", "/admin/users/1/edit", "/admin/categories", "/admin/categories/new", "/admin/tokens"} {
		resp, body := admin.Do("GET", page, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "<h1>") {
			t.Errorf("GET %s = %d", page, resp.StatusCode)
		}
	}
	post := func(path string, form url.Values) (*http.Response, string) {
		form.Set("csrf_token", admin.CSRF)
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body := admin.Send(req)
		return resp, string(body)
	}
	resp, _ := post("/admin/departments", url.Values{"region_id": {"1"}, "code": {"emergency"}, "name": {"县应急管理局"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/departments?notice=saved" {
		t.Fatalf("create department: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := post("/admin/departments", url.Values{"region_id": {"1"}, "code": {"emergency"}, "name": {"重复的部门"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-code"`) || !strings.Contains(body, "已被占用") || !strings.Contains(body, "重复的部门") {
		t.Fatalf("duplicate department form: %d\n%s", resp.StatusCode, body)
	}
	resp, body = post("/admin/regions", url.Values{"parent_id": {"x"}, "code": {"1"}, "name": {"a"}, "level": {"village"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "须为数字") {
		t.Fatalf("region form with a bad parent: %d", resp.StatusCode)
	}
	clerk := srv.Login(t, "county.clerk", demo.Password)
	if resp, body := clerk.Do("GET", "/admin/users", nil); resp.StatusCode != 403 || !strings.Contains(string(body), "没有权限") {
		t.Fatalf("clerk on an admin page: %d", resp.StatusCode)
	}
	if resp, _ := srv.NewClient(t).Do("GET", "/admin/users", nil); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous on an admin page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
