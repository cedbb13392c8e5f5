package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// walkIn is a valid registration at a Fucheng village, adjustable per test.
func walkIn(t testing.TB, st *store.Store, then ...map[string]any) map[string]any {
	return map[string]any{
		"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
		"region_id": regionID(t, st, "622922100200"), "address": "附城镇高林湾村二社12号",
		"description": "邻居在院墙边堆放柴草，双方多次争吵。", "urgency": "normal",
		"parties": []map[string]any{{"role": "applicant", "name": "马某", "phone": "13893001122",
			"id_number": model.MakeIDNumber("622922", mustDate("1970-05-05"), 11)}},
		"then": then,
	}
}

// listedCount is how many items a list of the API holds; anything but a list fails
// the test, so that "nothing listed" cannot pass on an error.
func listedCount(t *testing.T, c *testutil.Client, path string) int {
	t.Helper()
	resp, raw := c.Do("GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	var list struct {
		Items *[]json.RawMessage `json:"items"`
	}
	testutil.DecodeJSON(t, raw, &list)
	if list.Items == nil {
		t.Fatalf("GET %s: no list of items in %s", path, raw)
	}
	return len(*list.Items)
}

func TestCaseSideFlowsAndRefusals(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		handler := srv.Login(t, "fucheng.handler", demo.Password) // 附城镇司法所
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		viewer := srv.Login(t, "fucheng.viewer", demo.Password)
		countyLeader := srv.Login(t, "county.leader", demo.Password)
		justice := departmentID(t, st, "622922100", "justice-office")
		police := departmentID(t, st, "622922100", "police-station")

		t.Run("reject needs a reason and closes the case", func(t *testing.T) {
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st))
			f.refused(clerk, "reject", nil, 422, "reason_required")
			f.refused(viewer, "reject", map[string]any{"note": "x"}, 409, "role")
			f.act(clerk, "reject", map[string]any{"note": "不属于受理范围，已告知当事人向法院起诉"}, "rejected")
			f.refused(clerk, "accept", nil, 409, "state")
		})

		t.Run("a repeat complaint merges into the open case", func(t *testing.T) {
			first := &flow{t: t}
			first.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}))
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st))
			f.refused(clerk, "merge", nil, 422, "merge_target_required")
			f.refused(clerk, "merge", map[string]any{"merge_into": f.id}, 422, "self")
			f.refused(clerk, "merge", map[string]any{"merge_into": 999999}, 422, "not_found")
			f.act(clerk, "merge", map[string]any{"merge_into": first.id, "note": "同一事项重复反映"}, "merged")
			evs := first.events(clerk)
			if last := evs[len(evs)-1]; last.Action != "merged_in" {
				t.Fatalf("the open case does not record the merge: %+v", last)
			}
		})

		t.Run("delegate down, escalate up", func(t *testing.T) {
			cc := srv.Login(t, "county.clerk", demo.Password)
			f := &flow{t: t}
			f.register(cc, walkIn(t, st))
			f.refused(cc, "delegate", map[string]any{"note": "属地处理"}, 422, "invalid")
			f.refused(cc, "delegate", map[string]any{"note": "属地处理", "to_region_id": regionID(t, st, "622922101")}, 422, "invalid")
			c := f.act(cc, "delegate", map[string]any{"note": "属地处理", "to_region_id": regionID(t, st, "622922100")}, "accepted")
			if c.CentreID != regionID(t, st, "622922100") {
				t.Fatalf("delegated to %d", c.CentreID)
			}
			f.refused(cc, "assign", map[string]any{"lead_department_id": justice}, 409, "role")
			village := regionID(t, st, "622922100200")
			c = f.act(clerk, "delegate", map[string]any{"note": "由村综治中心就地化解", "to_region_id": village}, "accepted")
			if c.CentreID != village {
				t.Fatalf("delegated to %d, want the village %d", c.CentreID, village)
			}
			// A village centre has only grids below it: nothing to delegate to.
			f.refused(countyLeader, "delegate", map[string]any{"note": "再下派", "to_region_id": regionID(t, st, "62292210020001")}, 409, "no_child_centre")
			f.act(countyLeader, "escalate", map[string]any{"note": "村里调不了"}, "accepted")
			c = f.act(clerk, "escalate", map[string]any{"note": "涉及多个乡镇，请县中心协调"}, "accepted")
			if c.CentreID != regionID(t, st, demo.CountyCode) {
				t.Fatalf("escalated to %d", c.CentreID)
			}
		})

		t.Run("department returns within its window, not after", func(t *testing.T) {
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "assign", "lead_department_id": police}))
			police := srv.Login(t, "county.handler", demo.Password) // 县人社局: not this case's department
			f.refused(police, "sign", nil, 404, "not_found")

			// 《信访工作条例》Art 23: 5 working days to object to an assignment. Assigned
			// on the eve of 国庆 (2026-09-30), the window closes at the end of 10-13:
			// 10-08, 10-09, 10-10 (a make-up Saturday), 10-12 and 10-13.
			clk := &clock{t: time.Date(2026, 9, 30, 15, 0, 0, 0, cst)}
			srv.App.Cases().Now = clk.Now
			defer func() { srv.App.Cases().Now = time.Now }()
			late, last := &flow{t: t}, &flow{t: t}
			late.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "assign", "lead_department_id": justice}))
			last.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "assign", "lead_department_id": justice}))
			last.refused(handler, "return", nil, 422, "reason_required")
			clk.Set(time.Date(2026, 10, 14, 8, 30, 0, 0, cst))
			late.refused(handler, "return", map[string]any{"note": "不属于司法所职责"}, 422, "return_window_closed")
			clk.Set(time.Date(2026, 10, 13, 17, 30, 0, 0, cst))
			last.act(handler, "return", map[string]any{"note": "属于派出所职责范围，请改派"}, "accepted")
			last.refused(handler, "sign", nil, 404, "not_found")
		})

		t.Run("extension: requested, refused, requested, approved", func(t *testing.T) {
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"}))
			f.refused(leader, "extend_approve", nil, 409, "no_extension_pending")
			f.refused(mediator, "extend_request", map[string]any{"note": "需鉴定", "days": 45}, 422, "range")
			before := f.act(mediator, "extend_request", map[string]any{"note": "需等待伤情鉴定", "days": 20}, "in_progress")
			f.refused(mediator, "extend_request", map[string]any{"note": "again", "days": 5}, 409, "extension_pending")
			f.refused(clerk, "extend_approve", nil, 409, "role")
			f.refused(leader, "extend_refuse", nil, 422, "reason_required")
			f.act(leader, "extend_refuse", map[string]any{"note": "鉴定可在期限内完成"}, "in_progress")
			f.act(mediator, "extend_request", map[string]any{"note": "鉴定机构排期延后", "days": 20}, "in_progress")
			after := f.act(countyLeader, "extend_approve", nil, "in_progress")
			b, _ := time.Parse(time.RFC3339, before.DueAt)
			a, _ := time.Parse(time.RFC3339, after.DueAt)
			if got := a.Sub(b); got != 20*24*time.Hour {
				t.Fatalf("approved extension moved the deadline by %v, want 20 days", got)
			}
		})

		t.Run("unsatisfied party reopens; verification can fail", func(t *testing.T) {
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"}))
			f.refused(clerk, "resolve", map[string]any{"outcome": "explained"}, 409, "role")
			f.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral"}, "resolved")
			f.refused(clerk, "verify_fail", nil, 422, "reason_required")
			f.act(clerk, "verify_fail", map[string]any{"note": "回访发现柴草仍未清理"}, "in_progress")
			f.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral"}, "resolved")
			f.act(clerk, "verify", nil, "verified")
			f.refused(clerk, "visit", nil, 422, "satisfaction_required")
			c := f.act(clerk, "visit", map[string]any{"satisfaction": "unsatisfied", "note": "当事人不满意"}, "in_progress")
			if c.Outcome != "" || c.DueStatus == "none" {
				t.Fatalf("reopened case: %+v", c)
			}
			f.refused(srv.Login(t, "suji.mediator", demo.Password), "resolve", map[string]any{"outcome": "explained"}, 404, "not_found")
		})

		t.Run("the lead's part ends with its resolution and resumes when the case is reopened", func(t *testing.T) {
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "assign", "lead_department_id": justice}))
			leadStatus := func(c caseJSON) string {
				for _, a := range c.Assignments {
					if a.IsLead {
						return a.Status
					}
				}
				return "none"
			}
			inQueue := func() bool {
				resp, raw := handler.Do("GET", "/api/v1/cases?queue=mine&limit=200", nil)
				var page struct {
					Items []caseJSON `json:"items"`
				}
				if resp.StatusCode != 200 || json.Unmarshal(raw, &page) != nil {
					t.Fatalf("queue: %d %s", resp.StatusCode, raw)
				}
				return slices.ContainsFunc(page.Items, func(c caseJSON) bool { return c.ID == f.id })
			}
			steps := []struct {
				who          *testutil.Client
				action       string
				in           map[string]any
				state, lead  string
				handlerQueue bool
			}{
				{handler, "sign", nil, "in_progress", "signed", true},
				{handler, "resolve", map[string]any{"outcome": "mediated_oral", "note": "已调解"}, "resolved", "reported", false},
				{clerk, "verify_fail", map[string]any{"note": "回访发现问题仍在"}, "in_progress", "signed", true},
				{handler, "resolve", map[string]any{"outcome": "mediated_oral"}, "resolved", "reported", false},
				{clerk, "verify", nil, "verified", "reported", false},
				{clerk, "visit", map[string]any{"satisfaction": "unsatisfied", "note": "当事人不满意"}, "in_progress", "signed", true},
			}
			for _, s := range steps {
				c := f.act(s.who, s.action, s.in, s.state)
				if got := leadStatus(c); got != s.lead {
					t.Fatalf("after %s the lead's assignment is %s, want %s", s.action, got, s.lead)
				}
				if got := inQueue(); got != s.handlerQueue {
					t.Fatalf("after %s the case is in the department's queue: %v, want %v", s.action, got, s.handlerQueue)
				}
			}
		})

		t.Run("handled elsewhere, the centre's mediator may not resolve", func(t *testing.T) {
			f := &flow{t: t}
			f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "assign", "lead_department_id": justice}))
			f.act(handler, "sign", nil, "in_progress")
			f.refused(mediator, "resolve", map[string]any{"outcome": "explained"}, 409, "not_at_centre")
		})

		t.Run("suspend and resume keep the clock honest", func(t *testing.T) {
			f := &flow{t: t}
			c := f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}))
			f.act(clerk, "suspend", map[string]any{"note": "等待法院判决"}, "suspended")
			srv.App.Cases().Now = func() time.Time { return time.Now().Add(72 * time.Hour) }
			defer func() { srv.App.Cases().Now = time.Now }()
			r := f.act(clerk, "resume", nil, "accepted")
			b, _ := time.Parse(time.RFC3339, c.DueAt)
			a, _ := time.Parse(time.RFC3339, r.DueAt)
			if d := a.Sub(b); d < 71*time.Hour || d > 73*time.Hour {
				t.Fatalf("resume moved the deadline by %v, want the 72 hours suspended", d)
			}
		})

		t.Run("stale version, unknown action, guessed id", func(t *testing.T) {
			f := &flow{t: t}
			c := f.register(clerk, walkIn(t, st))
			f.act(clerk, "comment", map[string]any{"note": "已电话联系双方"}, "registered")
			f.refused(clerk, "accept", map[string]any{"version": c.Version}, 409, "stale")
			if resp, _ := clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/fly", f.id), nil); resp.StatusCode != 404 {
				t.Fatalf("unknown action: %d", resp.StatusCode)
			}
			if resp, _ := clerk.Do("POST", "/api/v1/cases/99999/actions/accept", nil); resp.StatusCode != 404 {
				t.Fatalf("guessed id: %d", resp.StatusCode)
			}
			f.refused(clerk, "comment", map[string]any{"note": strings.Repeat("长", 2001)}, 422, "too_long")
		})
	})
}

func TestIntakeValidation(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		good := func() map[string]any { return walkIn(t, st) }
		set := func(k string, v any) map[string]any { m := good(); m[k] = v; return m }
		party := func(k string, v any) map[string]any {
			m := good()
			p := m["parties"].([]map[string]any)[0]
			p[k] = v
			return m
		}
		tests := []struct {
			name        string
			body        map[string]any
			code, field string
		}{
			{"no kind", set("kind", ""), "invalid", "kind"},
			{"category of another kind", set("category_id", categoryID(t, st, "hazard.fire")), "kind_mismatch", "category_id"},
			{"no description", set("description", "  "), "required", "description"},
			{"region outside the township", set("region_id", regionID(t, st, "622922101206")), "out_of_scope", "region_id"},
			{"grid of another village", set("grid_id", regionID(t, st, "62292210020101")), "invalid", "grid_id"},
			{"unknown channel", set("channel", "pigeon"), "invalid", "channel"},
			{"unknown urgency", set("urgency", "asap"), "invalid", "urgency"},
			{"negative amount", set("amount_yuan", -1), "range", "amount_yuan"},
			{"latitude alone", set("lat", 35.4), "pair", "lat"},
			{"no parties", set("parties", []map[string]any{}), "required", "parties"},
			{"ID checksum", party("id_number", "622922197005050110"), "id_number_checksum", "parties[0].id_number"},
			{"ID birth date", party("id_number", "622922197013320117"), "id_number_birthdate", "parties[0].id_number"},
			{"phone too long", party("phone", "138930012345"), "phone_format", "parties[0].phone"},
			{"party without name", party("name", ""), "required", "parties[0].name"},
			{"assign without department", set("then", []map[string]any{{"action": "accept"}, {"action": "assign"}}), "department_required", "then[1].lead_department_id"},
		}
		for _, tc := range tests {
			resp, raw := clerk.Do("POST", "/api/v1/cases", tc.body)
			e := testutil.DecodeError(t, raw)
			if resp.StatusCode != 422 || e.Error.Code != tc.code || e.Error.Field != tc.field {
				t.Errorf("%s: %d %s, want 422 %s %s", tc.name, resp.StatusCode, raw, tc.code, tc.field)
			}
		}
		// Nothing of a refused registration is left behind.
		if n := listedCount(t, clerk, "/api/v1/cases?queue=all"); n != 0 {
			t.Fatalf("refused registrations left %d cases", n)
		}
		// A refused step after registration rolls the registration back too.
		viewer := srv.Login(t, "fucheng.viewer", demo.Password)
		if resp, raw := viewer.Do("POST", "/api/v1/cases", good()); resp.StatusCode != 409 || testutil.DecodeError(t, raw).Error.Code != "role" {
			t.Fatalf("viewer registering: %d %s", resp.StatusCode, raw)
		}
	})
}

func TestQueuesPagingAndPriorCases(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		handler := srv.Login(t, "fucheng.handler", demo.Password)
		justice := departmentID(t, st, "622922100", "justice-office")
		var ids []int64
		for i := 0; i < 7; i++ {
			f := &flow{t: t}
			then := []map[string]any{{"action": "accept"}}
			if i%2 == 0 {
				then = append(then, map[string]any{"action": "assign", "lead_department_id": justice})
			}
			f.register(clerk, walkIn(t, st, then...))
			ids = append(ids, f.id)
		}
		list := func(c *testutil.Client, q string) ([]caseJSON, string) {
			resp, raw := c.Do("GET", "/api/v1/cases?"+q, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("list %s: %d %s", q, resp.StatusCode, raw)
			}
			var page struct {
				Items []caseJSON
				Next  string
			}
			testutil.DecodeJSON(t, raw, &page)
			return page.Items, page.Next
		}
		// Keyset paging walks every case once, newest first.
		var seen []int64
		q := "queue=all&limit=3"
		for q != "" {
			items, next := list(clerk, q)
			for _, c := range items {
				seen = append(seen, c.ID)
			}
			q = strings.TrimPrefix(next, "/api/v1/cases?")
		}
		if len(seen) != 7 || seen[0] != ids[6] || seen[6] != ids[0] {
			t.Fatalf("paged ids %v, registered %v", seen, ids)
		}
		// The clerk's queue holds the accepted, unassigned ones; the handler's the assigned ones.
		mine, _ := list(clerk, "queue=mine")
		theirs, _ := list(handler, "queue=mine")
		if len(mine) != 3 || len(theirs) != 4 {
			t.Fatalf("clerk's queue %d (want 3), handler's %d (want 4)", len(mine), len(theirs))
		}
		if items, _ := list(handler, "queue=all"); len(items) != 4 {
			t.Fatalf("a department handler sees %d cases, want only its 4", len(items))
		}
		if items, _ := list(clerk, "state=assigned&urgency=normal&kind=dispute"); len(items) != 4 {
			t.Fatalf("filtered: %d", len(items))
		}
		if items, _ := list(clerk, "overdue=true"); len(items) != 0 {
			t.Fatalf("overdue: %d", len(items))
		}
		for _, bad := range []string{"state=flying", "limit=0", "overdue=maybe", "before=-1", "queue=yours", "kind=x"} {
			if resp, _ := clerk.Do("GET", "/api/v1/cases?"+bad, nil); resp.StatusCode != 422 {
				t.Errorf("%s: %d, want 422", bad, resp.StatusCode)
			}
		}
		// The intake desk finds the same person's earlier cases, and open cases at the address.
		idNumber := model.MakeIDNumber("622922", mustDate("1970-05-05"), 11)
		_, raw := clerk.Do("GET", "/api/v1/intake/prior-cases?id_number="+idNumber, nil)
		var prior struct {
			Items []struct {
				ID        int64  `json:"id"`
				MatchedBy string `json:"matched_by"`
			}
		}
		testutil.DecodeJSON(t, raw, &prior)
		if len(prior.Items) != 7 || prior.Items[0].MatchedBy != "id_number" {
			t.Fatalf("prior cases by ID number: %s", raw)
		}
		_, raw = clerk.Do("GET", "/api/v1/intake/prior-cases?address=附城镇高林湾村二社12号", nil)
		testutil.DecodeJSON(t, raw, &prior)
		if len(prior.Items) != 7 || prior.Items[0].MatchedBy != "address" {
			t.Fatalf("prior cases by address: %s", raw)
		}
		other := srv.Login(t, "suji.clerk", demo.Password)
		if listedCount(t, other, "/api/v1/intake/prior-cases?id_number="+idNumber) != 0 {
			t.Fatalf("another township's clerk sees prior cases: %s", raw)
		}
	})
}

func TestAttachments(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		f := &flow{t: t}
		f.register(clerk, walkIn(t, st))
		upload := func(c *testutil.Client, name string, data []byte) (*http.Response, []byte) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", srv.URL, f.id), &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("X-CSRF-Token", c.CSRF)
			return c.Send(req)
		}
		png := publicPNG(t)
		resp, raw := upload(clerk, "现场照片.png", png)
		if resp.StatusCode != 201 {
			t.Fatalf("upload: %d %s", resp.StatusCode, raw)
		}
		var att model.Attachment
		testutil.DecodeJSON(t, raw, &att)
		if att.ContentType != "image/png" || att.Size == 0 || att.KeptOriginal {
			t.Fatalf("attachment: %+v", att)
		}
		for _, bad := range []struct {
			name string
			data []byte
			code string
		}{
			{"page.html", []byte("<html><script>alert(1)</script></html>"), "type"},
			{"fake.png", []byte("MZ\x90\x00 not an image"), "type"},
			{"says PNG, is not one.png", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...), "unreadable"},
			{"empty.png", nil, "empty"},
			{"huge.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 10<<20)...), "too_large"},
		} {
			resp, raw := upload(clerk, bad.name, bad.data)
			if resp.StatusCode != 422 && resp.StatusCode != 413 {
				t.Errorf("%s: %d %s", bad.name, resp.StatusCode, raw)
			} else if e := testutil.DecodeError(t, raw); resp.StatusCode == 422 && e.Error.Code != bad.code {
				t.Errorf("%s: %s, want %s", bad.name, e.Error.Code, bad.code)
			}
		}
		path := fmt.Sprintf("/api/v1/cases/%d/attachments/%d", f.id, att.ID)
		resp, data := clerk.Do("GET", path, nil)
		if resp.StatusCode != 200 || int64(len(data)) != att.Size || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		for who, c := range map[string]*testutil.Client{"other township": srv.Login(t, "suji.clerk", demo.Password), "anonymous": srv.NewClient(t)} {
			if resp, _ := c.Do("GET", path, nil); resp.StatusCode != 404 && resp.StatusCode != 401 {
				t.Errorf("%s downloads the attachment: %d", who, resp.StatusCode)
			}
		}
		if resp, _ := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/attachments/%d", f.id+1000, att.ID), nil); resp.StatusCode != 404 {
			t.Errorf("attachment through another case id: %d", resp.StatusCode)
		}
		evs := f.events(clerk)
		if evs[len(evs)-1].Action != "attach" {
			t.Fatal("upload left no event")
		}
	})
}

// A land-requisition or wage dispute can be worth a hundred million yuan: the largest
// amount intake accepts is kept to the fen, whether the case is registered alone or
// with its first steps.
func TestIntakeKeepsTheLargestAmounts(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		for _, then := range [][]map[string]any{nil, {{"action": "accept"}}} {
			body := walkIn(t, st, then...)
			body["amount_yuan"] = 99999999999.99
			f := &flow{t: t}
			c := f.register(clerk, body)
			if c.AmountFen != 9999999999999 {
				t.Fatalf("registered amount %d fen, want 9999999999999", c.AmountFen)
			}
			resp, raw := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d", f.id), nil)
			var got caseJSON
			if err := json.Unmarshal(raw, &got); err != nil || resp.StatusCode != 200 || got.AmountFen != 9999999999999 {
				t.Fatalf("read back: %d %s", resp.StatusCode, raw)
			}
		}
	})
}
