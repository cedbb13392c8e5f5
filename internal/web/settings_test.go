package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func TestDeadlineRulesAndCalendarAreAdminData(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		township := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)

		_, raw := admin.Do("GET", "/api/v1/deadline-rules", nil)
		var rules struct {
			Items []store.DeadlineRuleRow
		}
		testutil.DecodeJSON(t, raw, &rules)
		var labour store.DeadlineRuleRow
		for _, r := range rules.Items {
			if r.CategoryCode == "dispute.labour" && r.Stage == "handle" {
				labour = r
			}
		}
		if labour.Days != 15 || !strings.Contains(labour.Basis, "劳动争议调解仲裁法") {
			t.Fatalf("seeded labour rule: %+v", labour)
		}
		update := map[string]any{"kind": "dispute", "category_code": "dispute.labour", "stage": "handle", "days": 10, "basis": labour.Basis}
		if resp, _ := township.Do("PUT", fmt.Sprintf("/api/v1/deadline-rules/%d", labour.ID), update); resp.StatusCode != 403 {
			t.Fatalf("a township admin edits deployment deadlines: %d", resp.StatusCode)
		}
		for field, bad := range map[string]map[string]any{
			"days":          {"stage": "handle", "days": 0, "basis": "x"},
			"stage":         {"stage": "lunch", "days": 3, "basis": "x"},
			"category_code": {"stage": "handle", "category_code": "no.such", "days": 3, "basis": "x"},
			"basis":         {"stage": "handle", "days": 3},
		} {
			resp, raw := admin.Do("POST", "/api/v1/deadline-rules", bad)
			if e := testutil.DecodeError(t, raw); resp.StatusCode != 422 || e.Error.Field != field {
				t.Errorf("bad %s: %d %s", field, resp.StatusCode, raw)
			}
		}
		if resp, raw := admin.Do("PUT", fmt.Sprintf("/api/v1/deadline-rules/%d", labour.ID), update); resp.StatusCode != 200 {
			t.Fatalf("update: %d %s", resp.StatusCode, raw)
		}
		// New deadlines use the new rule at once.
		f := &flow{t: t}
		body := walkIn(t, st, map[string]any{"action": "accept"})
		body["category_id"] = categoryID(t, st, "dispute.labour.wages")
		body["region_id"] = regionID(t, st, demo.CountyCode)
		c := f.register(clerk, body)
		due, _ := time.Parse(time.RFC3339, c.DueAt)
		if days := time.Until(due).Hours() / 24; days < 9 || days > 11 {
			t.Fatalf("labour case due in %.1f days, want about 10", days)
		}

		// The calendar: a make-up working day must be a weekend day.
		if resp, raw := admin.Do("PUT", "/api/v1/calendar/2027-10-06", map[string]any{"kind": "workday", "name": "国庆调休"}); resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Code != "not_weekend" {
			t.Fatalf("weekday make-up day: %d %s", resp.StatusCode, raw)
		}
		if resp, raw := admin.Do("PUT", "/api/v1/calendar/2027-10-09", map[string]any{"kind": "workday", "name": "国庆调休"}); resp.StatusCode != 200 {
			t.Fatalf("set day: %d %s", resp.StatusCode, raw)
		}
		_, raw = admin.Do("GET", "/api/v1/calendar?year=2027", nil)
		if !strings.Contains(string(raw), `"2027-10-09"`) {
			t.Fatalf("calendar 2027: %s", raw)
		}
		if resp, _ := admin.Do("DELETE", "/api/v1/calendar/2027-10-09", nil); resp.StatusCode != 204 {
			t.Fatalf("delete day: %d", resp.StatusCode)
		}
		for _, page := range []string{"/admin/deadlines", "/admin/calendar?year=2026"} {
			if resp, body := admin.Do("GET", page, nil); resp.StatusCode != 200 || !strings.Contains(string(body), "<h1>") {
				t.Errorf("%s: %d", page, resp.StatusCode)
			}
		}
		if _, body := admin.Do("GET", "/admin/calendar?year=2026", nil); !strings.Contains(string(body), "春节") || !strings.Contains(string(body), "248") {
			t.Error("the 2026 calendar page lacks 春节 or its 248 working days")
		}
	})
}
