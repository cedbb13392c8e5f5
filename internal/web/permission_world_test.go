package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// permissionDoc is the oracle of the permission matrix: the tables of
// docs/permissions.md, read as the reader of that page reads them. A test in
// internal/cases keeps the page equal to auth.Matrix and the workflow's table, so
// what the pages and the API answer is held to the code's own statement of the rules.
type permissionDoc struct {
	grants map[auth.Permission]map[model.Role]auth.Scope
	actors map[string][]actor // case action → its "who" column
}

// actor is one entry of an action's "who" column: a role, and what ties it to the
// case ("lead", "co_handler", "at_centre"), if anything.
type actor struct {
	role model.Role
	tie  string
}

func readPermissionDoc(t testing.TB) permissionDoc {
	t.Helper()
	raw, err := os.ReadFile("../../docs/permissions.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := permissionDoc{grants: map[auth.Permission]map[model.Role]auth.Scope{}, actors: map[string][]actor{}}
	var roles []model.Role
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case cells[0] == "permission":
			for _, c := range cells[1:] {
				roles = append(roles, model.Role(c))
			}
		case strings.HasPrefix(cells[0], "`") && len(cells) == len(roles)+1:
			perm := auth.Permission(strings.Trim(cells[0], "`"))
			doc.grants[perm] = map[model.Role]auth.Scope{}
			for i, c := range cells[1:] {
				if c != "" {
					doc.grants[perm][roles[i]] = auth.Scope(c)
				}
			}
		case strings.HasPrefix(cells[0], "`") && len(cells) == 6:
			action := strings.Trim(cells[0], "`")
			for _, who := range strings.Split(cells[3], ",") {
				role, tie, _ := strings.Cut(strings.TrimSpace(who), " ")
				doc.actors[action] = append(doc.actors[action], actor{model.Role(role), strings.Trim(tie, "()")})
			}
		}
	}
	if len(doc.grants) == 0 || len(doc.actors) == 0 {
		t.Fatal("docs/permissions.md: no permission or action table found")
	}
	return doc
}

// can reports whether a holds perm somewhere, as the page's table and its notes on
// scopes say: a department scope needs a department, a deployment scope the root.
func (d permissionDoc) can(a demo.Account, perm auth.Permission) bool {
	switch d.grants[perm][a.Role] {
	case auth.ScopeSubtree:
		return true
	case auth.ScopeDepartment:
		return a.Department != ""
	case auth.ScopeDeployment:
		return a.RegionCode == demo.CountyCode
	}
	return false
}

// sees reports whether a may read case c. Region codes nest as GB/T 2260 codes do
// (a village's code starts with its township's), so the oracle needs none of the
// region ids and paths the store's queries work with.
func (d permissionDoc) sees(a demo.Account, c *worldCase) bool {
	switch d.grants[auth.PermCasesRead][a.Role] {
	case auth.ScopeSubtree:
		return strings.HasPrefix(c.regionCode, a.RegionCode)
	case auth.ScopeDepartment:
		return a.Department != "" && slices.Contains(c.departments, a.RegionCode+"/"+a.Department)
	case auth.ScopeDeployment:
		return a.RegionCode == demo.CountyCode
	}
	return false
}

// actsOn reports whether a may take action on c, as the page's action table and the
// paragraph above it say: a centre's staff act for the centre holding the case (a
// leader also for the centres below theirs), a mediator for their own centre, a
// handler through their department's assignment, a grid worker in their own area.
func (d permissionDoc) actsOn(a demo.Account, action string, c *worldCase) bool {
	for _, who := range d.actors[action] {
		if who.role != a.Role {
			continue
		}
		switch a.Role {
		case model.RoleClerk:
			return c.centreCode == a.RegionCode
		case model.RoleLeader:
			return strings.HasPrefix(c.centreCode, a.RegionCode)
		case model.RoleMediator:
			return c.centreCode == a.RegionCode && (who.tie != "at_centre" || len(c.departments) == 0)
		case model.RoleHandler:
			// The world's cases have a lead department and no co-handler.
			return who.tie != "co_handler" && a.Department != "" && slices.Contains(c.departments, a.RegionCode+"/"+a.Department)
		case model.RoleGrid:
			return strings.HasPrefix(c.regionCode, a.RegionCode)
		}
	}
	return false
}

// worldCase is a case of the matrix's world and what the oracle needs to judge it.
type worldCase struct {
	label                 string // A, B, C
	marker                string // its title: appears wherever the case is listed
	id, party, attachment int64
	dossier, notice       int64 // documents issued on it: its case file, its notice of acceptance (editable)
	tracking              string
	regionCode            string   // where it happened
	centreCode            string   // the centre holding it: its registering clerk's
	departments           []string // "<region code>/<department code>" of the departments on it
	idNumber, phone       string   // its party's, in full
}

// world is the demo county with three cases in three townships and the things that
// hang on them — an attachment, a supervision order, a warning, an appointment, the
// notices they sent — and every demo account signed in.
type world struct {
	srv     *testutil.Server
	st      *store.Store
	doc     permissionDoc
	clients map[string]*testutil.Client
	a, b, c *worldCase

	orderA, orderB       int64    // supervision orders on A (to Fucheng's 司法所) and B (to the county's 人社局), to answer
	spareSessions        [2]int64 // fucheng.leader's sessions nobody booked, one to withdraw by page, one by API
	cancelledAppointment int64    // a booking of A's, cancelled already
	notice               int64    // a notice of fucheng.handler's
	notices              map[int64][]store.Notification
	token, token2        int64  // API tokens the county's admin issued, one to revoke by page, one by API
	spareScreen          int64  // a hall screen's token the county's admin issued, to revoke
	screenToken          string // a live hall screen's token, of the county
	spareRules           [2]int64
	deadlineRule         int64
	category             int64 // a category of the default dictionary
	regions              map[string]int64
	departments          map[string]int64 // "<region code>/<code>"
	users                map[string]int64
	fuchengDept          int64 // Fucheng's 司法所
}

func newWorld(t *testing.T, st *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{srv: testutil.NewServer(t, st, true), st: st, doc: readPermissionDoc(t), clients: map[string]*testutil.Client{},
		regions: map[string]int64{}, departments: map[string]int64{}, users: map[string]int64{}}
	for _, a := range demo.Accounts() {
		w.clients[a.Username] = w.srv.Login(t, a.Username, demo.Password)
		u, _, err := st.UserCredentials(ctx, a.Username)
		if err != nil {
			t.Fatal(err)
		}
		w.users[a.Username] = u.ID
	}
	regions, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, g := range regions {
		w.regions[g.Code], paths[g.Code] = g.ID, g.Path
	}
	// Fucheng's and Jinggu's region paths differ after a common beginning ("/1/2/" and
	// "/1/22/" in the demo county): a subtree bound that forgets the closing "/" lets
	// Fucheng's staff see case C. Should the demo's ids ever change, say so.
	if f, j := paths["622922100"], paths["622922103"]; !strings.HasPrefix(j, strings.TrimSuffix(f, "/")) {
		t.Logf("Jinggu's path %s does not begin as Fucheng's %s does: case C no longer guards the subtree's closing bound", j, f)
	}
	deps, err := st.Departments(ctx, store.DepartmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	codeOf := map[int64]string{}
	for _, g := range regions {
		codeOf[g.ID] = g.Code
	}
	for _, d := range deps {
		w.departments[codeOf[d.RegionID]+"/"+d.Code] = d.ID
	}
	w.fuchengDept = w.departments["622922100/justice-office"]

	// A: a Fucheng village's quarrel, assigned to Fucheng's 司法所.
	w.a = w.register(t, "A", "fucheng.clerk", "622922100200", "622922100/justice-office", 1)
	// B: at a Suji village, registered by the county's desk and assigned to the county's 人社局.
	w.b = w.register(t, "B", "county.clerk", "622922101206", demo.CountyCode+"/hrss", 2)
	// C: in a Jinggu grid, handled at Jinggu's centre itself.
	w.c = w.register(t, "C", "jinggu.clerk", "62292210320201", "", 3)

	leader := w.clients["county.leader"]
	for _, c := range []*worldCase{w.a, w.b, w.c} {
		actOK(t, leader, c.id, "warning_adjust", map[string]any{"warning_level": "yellow", "note": "当事人情绪激动，需关注"})
	}
	// Two orders each on A and B: the matrix answers the first; the second keeps them
	// on the board of open orders meanwhile.
	for range 2 {
		actOK(t, leader, w.a.id, "supervise", map[string]any{"level": "normal", "note": "请于期限内办结并回复"})
		actOK(t, leader, w.b.id, "supervise", map[string]any{"level": "normal", "note": "请于期限内办结并回复"})
	}
	orders, err := st.Supervisions(ctx, store.SupervisionFilter{Status: "open"}, store.CaseScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		switch {
		case o.CaseID == w.a.id && (w.orderA == 0 || o.ID < w.orderA):
			w.orderA = o.ID
		case o.CaseID == w.b.id && (w.orderB == 0 || o.ID < w.orderB):
			w.orderB = o.ID
		}
	}
	if w.orderA == 0 || w.orderB == 0 {
		t.Fatalf("supervision orders on A and B not found among %+v", orders)
	}

	fuchengLeader, fuchengClerk := w.clients["fucheng.leader"], w.clients["fucheng.clerk"]
	sess := publish(t, fuchengLeader, "09:00", "11:00", 30, "附城镇综治中心接访室")
	cancelled := mustBook(t, fuchengClerk, w.a.id, sess.Slots[1].ID)
	if resp, raw := fuchengClerk.Do("DELETE", fmt.Sprintf("/api/v1/appointments/%d?note=%s", cancelled.ID, "当事人改期"), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("cancel: %d %s", resp.StatusCode, raw)
	}
	w.cancelledAppointment = cancelled.ID
	mustBook(t, fuchengClerk, w.a.id, sess.Slots[0].ID)
	w.spareSessions[0] = publish(t, fuchengLeader, "14:00", "15:00", 30, "附城镇综治中心接访室").ID
	w.spareSessions[1] = publish(t, fuchengLeader, "15:30", "16:30", 30, "附城镇综治中心接访室").ID

	countyAdmin := w.clients["county.admin"]
	for i := range w.spareRules {
		resp, raw := countyAdmin.Do("POST", "/api/v1/deadline-rules", map[string]any{"kind": "hazard", "stage": "confirm", "days": 30 + i, "basis": "矩阵备用"})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("deadline rule: %d %s", resp.StatusCode, raw)
		}
		w.spareRules[i] = idOf(t, raw)
	}
	for _, tok := range []*int64{&w.token, &w.token2} {
		resp, raw := countyAdmin.Do("POST", "/api/v1/tokens", map[string]any{"name": "矩阵对接", "user_id": w.users["county.clerk"]})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("issue a token: %d %s", resp.StatusCode, raw)
		}
		*tok = idOf(t, raw)
	}
	w.screenToken = issueScreen(t, w.srv, w.clients["county.admin"], "矩阵大屏", w.regions[demo.CountyCode])
	issueScreen(t, w.srv, w.clients["county.admin"], "矩阵备用大屏", w.regions[demo.CountyCode])
	screens, err := st.ScreenTokens(ctx, "/")
	if err != nil || len(screens) != 2 {
		t.Fatalf("the screens: %v %v", screens, err)
	}
	w.spareScreen = screens[0].ID // the newest

	// Every notice sent so far, by addressee: the inbox shows its reader's own.
	w.notices = map[int64][]store.Notification{}
	for _, uid := range w.users {
		ns, err := st.Notifications(ctx, uid, false, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		w.notices[uid] = ns
	}
	if len(w.notices[w.users["fucheng.handler"]]) == 0 {
		t.Fatal("fucheng.handler has no notice: the supervision order on A should have told them")
	}
	w.notice = w.notices[w.users["fucheng.handler"]][0].ID

	w.category = categoryID(t, st, "dispute.neighbour")
	rules, err := st.DeadlineRules(ctx)
	if err != nil || len(rules) == 0 {
		t.Fatalf("deadline rules: %v", err)
	}
	w.deadlineRule = rules[0].ID
	return w
}

// idOf reads the id of a created object from its JSON.
func idOf(t *testing.T, raw []byte) int64 {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	testutil.DecodeJSON(t, raw, &v)
	if v.ID == 0 {
		t.Fatalf("no id in %s", raw)
	}
	return v.ID
}

// register files a case of label at region as the clerk, with one party, accepted and
// assigned to dept (or handled at the centre when dept is ""), and attaches a file.
func (w *world) register(t *testing.T, label, clerk, region, dept string, seq int) *worldCase {
	t.Helper()
	centre := demo.CountyCode
	for _, a := range demo.Accounts() {
		if a.Username == clerk {
			centre = a.RegionCode
		}
	}
	c := &worldCase{label: label, marker: "矩阵案件" + label + "号", regionCode: region, centreCode: centre,
		idNumber: model.MakeIDNumber("622922", mustDate("1980-02-02"), 100+seq), phone: fmt.Sprintf("1380000%04d", 1000+seq)}
	route := map[string]any{"action": "handle"}
	if dept != "" {
		route = map[string]any{"action": "assign", "lead_department_id": w.departments[dept]}
		c.departments = []string{dept}
	}
	body := walkIn(t, w.st, map[string]any{"action": "accept"}, route)
	body["region_id"] = w.regions[region]
	body["title"] = c.marker
	body["parties"] = []map[string]any{{"role": "applicant", "name": "当事人" + label, "id_number": c.idNumber, "phone": c.phone}}
	f := &flow{t: t}
	cj := f.register(w.clients[clerk], body)
	c.id, c.tracking = cj.ID, cj.TrackingCode
	full, err := w.st.Case(context.Background(), c.id, store.CaseScope{All: true})
	if err != nil || len(full.Parties) != 1 {
		t.Fatalf("case %s: %v", label, err)
	}
	c.party = full.Parties[0].ID
	att := uploadAttachment(t, w.srv, w.clients[clerk], c.id, "协议.pdf", []byte("%PDF-1.4\n% agreement\n"))
	c.attachment = att.ID
	for kind, to := range map[string]*int64{"dossier": &c.dossier, "acceptance": &c.notice} {
		resp, raw := w.clients[clerk].Do("POST", fmt.Sprintf("/api/v1/cases/%d/documents", c.id), map[string]any{"kind": kind})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("issue %s on case %s: %d %s", kind, label, resp.StatusCode, raw)
		}
		var d struct{ ID int64 }
		testutil.DecodeJSON(t, raw, &d)
		*to = d.ID
	}
	return c
}

// uploadAttachment attaches a file to a case through the API, as the client.
func uploadAttachment(t *testing.T, srv *testutil.Server, c *testutil.Client, caseID int64, name string, data []byte) model.Attachment {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", srv.URL, caseID), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF)
	resp, raw := c.Send(req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("attach %s to case %d: %d %s", name, caseID, resp.StatusCode, raw)
	}
	var att model.Attachment
	testutil.DecodeJSON(t, raw, &att)
	return att
}

// accounts is every demo account, then a visitor without a session (a nil account).
func (w *world) accounts() []*demo.Account {
	var out []*demo.Account
	for _, a := range demo.Accounts() {
		out = append(out, &a)
	}
	return append(out, nil)
}

func (w *world) cases() []*worldCase { return []*worldCase{w.a, w.b, w.c} }
