package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A bearer token on /api/v1 acts as its user is now — their roles, their region —
// and never beyond: what the user may not do or see, the token may not either; when
// the user changes, the token changes with them; a deactivated user's token is dead.
func TestBearerTokenFollowsItsUser(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		var user struct {
			ID          int64    `json:"id"`
			DisplayName string   `json:"display_name"`
			RegionID    int64    `json:"region_id"`
			Roles       []string `json:"roles"`
		}
		resp, body := admin.Do("GET", "/api/v1/users?role=clerk", nil)
		var clerks struct {
			Items []struct {
				ID       int64  `json:"id"`
				Username string `json:"username"`
			} `json:"items"`
		}
		json.Unmarshal(body, &clerks)
		for _, u := range clerks.Items {
			if u.Username == "suji.clerk" {
				user.ID = u.ID
			}
		}
		if user.ID == 0 {
			t.Fatalf("no suji.clerk in %d %s", resp.StatusCode, body)
		}
		_, body = admin.Do("GET", fmt.Sprintf("/api/v1/users/%d", user.ID), nil)
		json.Unmarshal(body, &user)
		_, body = admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "乡镇网格系统", "user_id": user.ID})
		token := jsonField(t, body, "token")
		bearer := func(method, path string, in any) (*http.Response, []byte) {
			t.Helper()
			var rd *bytes.Reader
			if in != nil {
				b, _ := json.Marshal(in)
				rd = bytes.NewReader(b)
			} else {
				rd = bytes.NewReader(nil)
			}
			req, _ := http.NewRequest(method, srv.URL+path, rd)
			req.Header.Set("Authorization", "Bearer "+token)
			if in != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			return srv.NewClient(t).Send(req)
		}
		sujiCase := func() map[string]any {
			c := walkIn(t, st)
			c["region_id"] = regionID(t, st, "622922101206")
			return c
		}
		setUser := func(regionCode string, roles ...string) {
			t.Helper()
			in := map[string]any{"display_name": user.DisplayName, "region_id": regionID(t, st, regionCode), "roles": roles}
			if resp, body := admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", user.ID), in); resp.StatusCode != http.StatusOK {
				t.Fatalf("PATCH user: %d %s", resp.StatusCode, body)
			}
		}

		// As suji.clerk: registers in 苏集镇, not in 附城镇, and reads nothing of 附城镇.
		if resp, body := bearer("POST", "/api/v1/cases", sujiCase()); resp.StatusCode != http.StatusCreated {
			t.Fatalf("register in its township: %d %s", resp.StatusCode, body)
		}
		resp, body = bearer("POST", "/api/v1/cases", walkIn(t, st))
		wantRefusal(t, "register in another township", resp, body, http.StatusUnprocessableEntity, "out_of_scope", "region_id")
		fucheng := srv.Login(t, "fucheng.clerk", demo.Password)
		_, body = fucheng.Do("POST", "/api/v1/cases", walkIn(t, st))
		var fuchengCase struct{ ID int64 }
		json.Unmarshal(body, &fuchengCase)
		if resp, _ := bearer("GET", fmt.Sprintf("/api/v1/cases/%d", fuchengCase.ID), nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("reads another township's case: %d", resp.StatusCode)
		}

		// Made a viewer: reads, registers nothing.
		setUser("622922101", "viewer")
		resp, body = bearer("POST", "/api/v1/cases", sujiCase())
		wantRefusal(t, "a viewer's token registers", resp, body, http.StatusConflict, "role", "")
		if resp, _ := bearer("GET", "/api/v1/cases", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("a viewer's token lists: %d", resp.StatusCode)
		}
		// Moved to 附城镇: the token's area moves too.
		setUser("622922100", "clerk")
		if resp, _ := bearer("GET", fmt.Sprintf("/api/v1/cases/%d", fuchengCase.ID), nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("after the move, its new township's case: %d", resp.StatusCode)
		}
		resp, body = bearer("POST", "/api/v1/cases", sujiCase())
		wantRefusal(t, "after the move, its old township", resp, body, http.StatusUnprocessableEntity, "out_of_scope", "region_id")
		// Deactivated: the token is dead.
		if resp, body := admin.Do("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", user.ID), nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("deactivate: %d %s", resp.StatusCode, body)
		}
		resp, body = bearer("GET", "/api/v1/me", nil)
		wantRefusal(t, "a deactivated user's token", resp, body, http.StatusUnauthorized, "invalid_token", "")
	})
}
