package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// caseCount counts every case in the store.
func caseCount(t *testing.T, st *store.Store) int {
	t.Helper()
	list, err := st.Cases(context.Background(), store.CaseFilter{Limit: 1000}, store.CaseScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// wantRefusal checks an API error: status, code and the field it names.
func wantRefusal(t *testing.T, what string, resp *http.Response, body []byte, status int, code, field string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: %d, want %d: %s", what, resp.StatusCode, status, body)
		return
	}
	e := testutil.DecodeError(t, body)
	if e.Error.Code != code || e.Error.Field != field {
		t.Errorf("%s: %+v, want %s naming %q", what, e.Error, code, field)
	}
}

// A JSON body that names a member twice, or holds text that is not UTF-8, is refused
// naming the field, and nothing is registered: the last of two values no longer wins,
// and U+FFFD is never stored in place of what was sent.
func TestStrictJSONBodies(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		good, err := json.Marshal(walkIn(t, st))
		if err != nil {
			t.Fatal(err)
		}
		body := string(good)
		if !strings.Contains(body, `"parties":[{`) || !strings.Contains(body, `"description":"`) {
			t.Fatalf("walk-in body %s", body)
		}
		for _, tc := range []struct {
			name, body  string
			code, field string
		}{
			{"duplicate member", `{"description":"先说的",` + body[1:], "duplicate_field", "description"},
			{"duplicate in a party", strings.Replace(body, `"parties":[{`, `"parties":[{"phone":"13800000000",`, 1), "duplicate_field", "parties[0].phone"},
			{"invalid UTF-8", strings.Replace(body, `"description":"`, "\"description\":\"\xff\xfe", 1), "invalid_utf8", "description"},
			{"lone surrogate", strings.Replace(body, `"description":"`, `"description":"\udc00`, 1), "invalid_utf8", "description"},
			{"member in another case", strings.Replace(body, `"description":`, `"Description":`, 1), "unknown_field", "Description"},
		} {
			before := caseCount(t, st)
			resp, raw := clerk.Do("POST", "/api/v1/cases", []byte(tc.body))
			status := http.StatusBadRequest
			if tc.code == "unknown_field" {
				status = http.StatusUnprocessableEntity
			}
			wantRefusal(t, tc.name, resp, raw, status, tc.code, tc.field)
			if n := caseCount(t, st); n != before {
				t.Errorf("%s: %d cases registered", tc.name, n-before)
			}
		}
		if resp, raw := clerk.Do("POST", "/api/v1/cases", good); resp.StatusCode != http.StatusCreated {
			t.Fatalf("the good body: %d %s", resp.StatusCode, raw)
		}
	})
}

// A query parameter an endpoint does not take, one given twice, or a boolean that is
// neither true nor false is refused naming it, on the API and on a page.
func TestStrictQueries(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		for _, tc := range []struct {
			path        string
			status      int
			code, field string
		}{
			{"/api/v1/notifications?unread=zz", 422, "invalid", "unread"},
			{"/api/v1/notifications?unread=1", 422, "invalid", "unread"},
			{"/api/v1/cases?foo=1", 400, "unknown_parameter", "foo"},
			{"/api/v1/cases?kind=dispute&Kind=dispute", 400, "unknown_parameter", "Kind"},
			{"/api/v1/cases?limit=1&limit=2", 400, "duplicate_parameter", "limit"},
			{"/api/v1/cases?overdue=yes", 422, "invalid", "overdue"},
			{"/api/v1/cases?kind=%FF", 400, "invalid_utf8", "kind"},
			{"/api/v1/me?verbose=true", 400, "unknown_parameter", "verbose"},
		} {
			resp, raw := clerk.Do("GET", tc.path, nil)
			wantRefusal(t, tc.path, resp, raw, tc.status, tc.code, tc.field)
		}
		for _, ok := range []string{"/api/v1/notifications?unread=true", "/api/v1/notifications?unread=false&before=9",
			"/api/v1/cases?state=registered&state=accepted,assigned&limit=5", "/api/v1/cases?overdue=true&queue=mine"} {
			if resp, raw := clerk.Do("GET", ok, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d %s", ok, resp.StatusCode, raw)
			}
		}
		// A page refuses a value it cannot read, and says which.
		resp, raw := clerk.Do("GET", "/inbox?unread=zz", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "true 或 false") {
			t.Errorf("/inbox?unread=zz: %d\n%s", resp.StatusCode, raw)
		}
		if resp, _ := clerk.Do("GET", "/inbox?unread=true", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("/inbox?unread=true: %d", resp.StatusCode)
		}
	})
}

// A form field that is not UTF-8 is refused naming it, on a staff page, on the public
// portal and on an API upload, and nothing is stored.
func TestFormsRefuseInvalidUTF8(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		ctx := context.Background()
		admin := srv.Login(t, "county.admin", demo.Password)
		resp, body := postForm(t, srv, admin, "/admin/departments", url.Values{"region_id": {"1"}, "code": {"emergency"}, "name": {"县应急\xff管理局"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "name") || !strings.Contains(body, "UTF-8") {
			t.Errorf("department form: %d\n%s", resp.StatusCode, body)
		}
		deps, err := st.Departments(ctx, store.DepartmentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range deps {
			if d.Code == "emergency" {
				t.Errorf("stored %+v", d)
			}
		}

		before := caseCount(t, st)
		form := publicReport()
		form.Set("description", "村口\xff堆放液化气罐")
		resp, body = publicPost(t, srv.NewClient(t), srv.URL, "/p/", form, nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "description") {
			t.Errorf("portal multipart: %d\n%s", resp.StatusCode, body)
		}
		resp, body = publicForm(t, srv.NewClient(t), srv.URL, "/p/", form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "description") {
			t.Errorf("portal form: %d\n%s", resp.StatusCode, body)
		}
		if n := caseCount(t, st); n != before {
			t.Errorf("%d cases stored", n-before)
		}
	})
}
