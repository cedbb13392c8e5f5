package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// scopeCase is a case of the matrix with what the oracle needs to judge who sees it.
type scopeCase struct {
	id, attachment int64
	regionCode     string // the case's village
	department     string // "<region code>/<department code>" of its lead department
	idNumber       string
}

// sees is the test's own statement of DESIGN.md §2, written independently of the code:
// centre roles see their region's subtree, a handler the cases of their department,
// an admin nothing.
func sees(a demo.Account, c scopeCase) bool {
	switch a.Role {
	case model.RoleLeader, model.RoleClerk, model.RoleMediator, model.RoleGrid, model.RoleViewer:
		return strings.HasPrefix(c.regionCode, a.RegionCode)
	case model.RoleHandler:
		return a.RegionCode+"/"+a.Department == c.department
	}
	return false
}

// reveals: who may see full personal data of a case they see.
func reveals(a demo.Account) bool {
	return a.Role != model.RoleViewer && a.Role != model.RoleAdmin
}

// For every demo user and every endpoint or page that returns or changes case data,
// one case inside and one outside their scope: the answer must be what the oracle says,
// and a case outside scope must look exactly like a case that does not exist.
func TestScopeMatrix(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		mk := func(clerk, village, deptRegion, dept string, seq int) scopeCase {
			c := srv.Login(t, clerk, demo.Password)
			idn := model.MakeIDNumber("622922", mustDate("1980-02-02"), seq)
			body := walkIn(t, st, map[string]any{"action": "accept"},
				map[string]any{"action": "assign", "lead_department_id": departmentID(t, st, deptRegion, dept)})
			body["region_id"] = regionID(t, st, village)
			body["parties"] = []map[string]any{{"name": "当事人", "id_number": idn, "phone": "13800001111"}}
			f := &flow{t: t}
			cj := f.register(c, body)
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", "协议.pdf")
			fw.Write([]byte("%PDF-1.4\n% agreement\n"))
			mw.Close()
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", srv.URL, cj.ID), &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("X-CSRF-Token", c.CSRF)
			resp, raw := c.Send(req)
			if resp.StatusCode != 201 {
				t.Fatalf("attach: %d %s", resp.StatusCode, raw)
			}
			var att model.Attachment
			json.Unmarshal(raw, &att)
			return scopeCase{id: cj.ID, attachment: att.ID, regionCode: village, department: deptRegion + "/" + dept, idNumber: idn}
		}
		cases := []scopeCase{
			mk("fucheng.clerk", "622922100001", "622922100", "justice-office", 1),
			mk("county.clerk", "622922101001", demo.CountyCode, "hrss", 2),
		}

		type probe struct {
			name   string
			method string
			path   func(scopeCase) string
			body   any
			// judge returns an error message when the answer is wrong.
			judge func(a demo.Account, c scopeCase, visible bool, status int, body []byte) string
		}
		notFoundUnlessVisible := func(okStatus int) func(demo.Account, scopeCase, bool, int, []byte) string {
			return func(a demo.Account, c scopeCase, visible bool, status int, body []byte) string {
				if !visible && status != 404 && status != 403 {
					return fmt.Sprintf("outside scope answered %d, want 404", status)
				}
				if !visible && status == 403 && a.Role != model.RoleAdmin {
					return "outside scope answered 403, which tells the case exists; want 404"
				}
				if visible && status != okStatus {
					return fmt.Sprintf("inside scope answered %d, want %d", status, okStatus)
				}
				return ""
			}
		}
		listed := func(a demo.Account, c scopeCase, visible bool, status int, body []byte) string {
			if status != 200 {
				return fmt.Sprintf("answered %d", status)
			}
			has := bytes.Contains(body, []byte(fmt.Sprintf(`"id":%d,`, c.id)))
			if has != visible {
				return fmt.Sprintf("listed=%v, visible=%v", has, visible)
			}
			return ""
		}
		probes := []probe{
			{"case", "GET", func(c scopeCase) string { return fmt.Sprintf("/api/v1/cases/%d", c.id) }, nil, notFoundUnlessVisible(200)},
			{"events", "GET", func(c scopeCase) string { return fmt.Sprintf("/api/v1/cases/%d/events", c.id) }, nil, notFoundUnlessVisible(200)},
			{"attachments", "GET", func(c scopeCase) string { return fmt.Sprintf("/api/v1/cases/%d/attachments", c.id) }, nil, notFoundUnlessVisible(200)},
			{"attachment file", "GET", func(c scopeCase) string { return fmt.Sprintf("/api/v1/cases/%d/attachments/%d", c.id, c.attachment) }, nil, notFoundUnlessVisible(200)},
			{"list", "GET", func(c scopeCase) string { return "/api/v1/cases?queue=all&limit=200" }, nil, listed},
			{"prior cases", "GET", func(c scopeCase) string { return "/api/v1/intake/prior-cases?id_number=" + c.idNumber }, nil, listed},
			{"case page", "GET", func(c scopeCase) string { return fmt.Sprintf("/cases/%d", c.id) }, nil, notFoundUnlessVisible(200)},
			{"attachment page", "GET", func(c scopeCase) string { return fmt.Sprintf("/cases/%d/attachments/%d", c.id, c.attachment) }, nil, notFoundUnlessVisible(200)},
			{"act", "POST", func(c scopeCase) string { return fmt.Sprintf("/api/v1/cases/%d/actions/comment", c.id) }, map[string]any{"note": "核对"},
				func(a demo.Account, c scopeCase, visible bool, status int, body []byte) string {
					switch {
					case !visible && status != 404 && !(a.Role == model.RoleAdmin && status == 409):
						return fmt.Sprintf("outside scope answered %d, want 404", status)
					case visible && status != 200 && status != 409:
						return fmt.Sprintf("inside scope answered %d, want 200 or a refusal", status)
					}
					return ""
				}},
			{"reveal", "POST", func(c scopeCase) string {
				return fmt.Sprintf("/api/v1/cases/%d/parties/%d/reveal", c.id, partyID(t, st, c.id))
			}, nil, func(a demo.Account, c scopeCase, visible bool, status int, body []byte) string {
				want := 404
				if visible {
					want = 403
					if reveals(a) {
						want = 200
					}
				}
				if status != want {
					return fmt.Sprintf("answered %d, want %d", status, want)
				}
				if status == 200 && !bytes.Contains(body, []byte(c.idNumber)) {
					return "revealed party lacks the full ID number"
				}
				return ""
			}},
			{"guessed id", "GET", func(c scopeCase) string { return fmt.Sprintf("/api/v1/cases/%d", c.id+1000) }, nil,
				func(a demo.Account, c scopeCase, visible bool, status int, body []byte) string {
					if status != 404 {
						return fmt.Sprintf("answered %d, want 404", status)
					}
					return ""
				}},
		}
		checked := 0
		for _, a := range demo.Accounts() {
			client := srv.Login(t, a.Username, demo.Password)
			for ci, c := range cases {
				visible := sees(a, c)
				for _, p := range probes {
					resp, body := client.Do(p.method, p.path(c), p.body)
					if msg := p.judge(a, c, visible, resp.StatusCode, body); msg != "" {
						t.Errorf("%s on case %d (%s): %s: %s", a.Username, ci, p.name, msg, truncateBody(body))
					}
					checked++
				}
			}
		}
		// Both sides are exercised: every case is seen by some and hidden from others.
		for ci, c := range cases {
			in, out := 0, 0
			for _, a := range demo.Accounts() {
				if sees(a, c) {
					in++
				} else {
					out++
				}
			}
			if in == 0 || out == 0 {
				t.Fatalf("case %d: %d users see it, %d do not; the matrix needs both", ci, in, out)
			}
		}
		t.Logf("%d checks", checked)
	})
}

func partyID(t *testing.T, st *store.Store, caseID int64) int64 {
	t.Helper()
	c, err := st.Case(t.Context(), caseID, store.CaseScope{All: true})
	if err != nil || len(c.Parties) == 0 {
		t.Fatalf("case %d: %v", caseID, err)
	}
	return c.Parties[0].ID
}

func truncateBody(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
