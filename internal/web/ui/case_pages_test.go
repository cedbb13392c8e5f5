package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// casePages is a demo county with the people the case pages are tried by.
type casePages struct {
	t       *testing.T
	srv     *testutil.Server
	st      *store.Store
	clerk   *testutil.Client // county.clerk
	handler *testutil.Client // county.handler, of 县人社局 (hrss)
}

func newCasePages(t *testing.T, st *store.Store) *casePages {
	srv := testutil.NewServer(t, st, true)
	return &casePages{t: t, srv: srv, st: st,
		clerk:   srv.Login(t, "county.clerk", demo.Password),
		handler: srv.Login(t, "county.handler", demo.Password)}
}

// post sends a plain form as a browser does, with the session's CSRF token.
func (cp *casePages) post(c *testutil.Client, path string, form url.Values) (*http.Response, string) {
	cp.t.Helper()
	form.Set("csrf_token", c.CSRF)
	req, err := http.NewRequest("POST", cp.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		cp.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := c.Send(req)
	return resp, string(body)
}

func (cp *casePages) get(c *testutil.Client, path string) (*http.Response, string) {
	cp.t.Helper()
	req, err := http.NewRequest("GET", cp.srv.URL+path, nil)
	if err != nil {
		cp.t.Fatal(err)
	}
	resp, body := c.Send(req)
	return resp, string(body)
}

func (cp *casePages) regionID(code string) int64 {
	cp.t.Helper()
	g, err := cp.st.RegionByCode(context.Background(), code)
	if err != nil {
		cp.t.Fatal(err)
	}
	return g.ID
}

func (cp *casePages) categoryID(code string) int64 {
	cp.t.Helper()
	cats, err := cp.st.Categories(context.Background(), store.CategoryFilter{})
	if err != nil {
		cp.t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == code {
			return c.ID
		}
	}
	cp.t.Fatalf("no category %s", code)
	return 0
}

func (cp *casePages) departmentID(regionCode, code string) int64 {
	cp.t.Helper()
	deps, err := cp.st.Departments(context.Background(), store.DepartmentFilter{RegionID: cp.regionID(regionCode)})
	if err != nil {
		cp.t.Fatal(err)
	}
	for _, d := range deps {
		if d.Code == code {
			return d.ID
		}
	}
	cp.t.Fatalf("no department %s at %s", code, regionCode)
	return 0
}

func id18(seq int) string {
	return model.MakeIDNumber("622922", time.Date(1985, 3, 12, 0, 0, 0, 0, time.UTC), seq)
}

// walkIn is the intake form of a labour dispute at 苏集镇古洞沟村, accepted and assigned
// to 县人社局 with 县人民法院 co-handling, in the same step.
func (cp *casePages) walkIn(idNumber string) url.Values {
	return url.Values{
		"kind": {"dispute"}, "category_id": {fmt.Sprint(cp.categoryID("dispute.labour.injury"))}, "channel": {"walk_in"},
		"region_id": {fmt.Sprint(cp.regionID("622922101201"))}, "address": {"苏集镇古洞沟村建筑工地"},
		"title":       {"务工受伤工伤赔偿纠纷"},
		"description": {"村民高某受雇在工地务工时右手中指被搅拌机夹断，与雇主就工伤赔偿协商未果。"},
		"urgency":     {"normal"}, "people_count": {"2"}, "amount_yuan": {"70,000"},
		"parties[0].role": {"applicant"}, "parties[0].name": {"高某"}, "parties[0].id_number": {idNumber},
		"parties[0].phone": {"13909301234"}, "parties[0].address": {"苏集镇古洞沟村"},
		"parties[1].role": {"respondent"}, "parties[1].name": {"工地负责人马某"}, "parties[1].phone": {"0930-5621234"},
		"parties[2].role": {"other"},
		"then":            {"assign"}, "lead_department_id": {fmt.Sprint(cp.departmentID(demo.CountyCode, "hrss"))},
		"co_department_ids": {fmt.Sprint(cp.departmentID(demo.CountyCode, "court"))},
	}
}

// register sends the intake form and returns the new case's page path.
func (cp *casePages) register(c *testutil.Client, form url.Values) string {
	cp.t.Helper()
	resp, body := cp.post(c, "/cases", form)
	if resp.StatusCode != http.StatusSeeOther {
		cp.t.Fatalf("register: %d\n%s", resp.StatusCode, alertOf(body))
	}
	loc := resp.Header.Get("Location")
	if !regexp.MustCompile(`^/cases/\d+\?notice=case_registered$`).MatchString(loc) {
		cp.t.Fatalf("register redirects to %q", loc)
	}
	path, _, _ := strings.Cut(loc, "?")
	return path
}

func (cp *casePages) trackingCode(path string) string {
	cp.t.Helper()
	resp, body := cp.get(cp.clerk, "/api/v1"+path)
	var c struct {
		TrackingCode string `json:"tracking_code"`
		Version      int    `json:"version"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &c) != nil || c.TrackingCode == "" {
		cp.t.Fatalf("GET /api/v1%s: %d %s", path, resp.StatusCode, body)
	}
	return c.TrackingCode
}

var alertRE = regexp.MustCompile(`(?s)<p class="alert"[^>]*>(.*?)</p>`)

func alertOf(body string) string {
	if m := alertRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// fieldError returns the message shown next to a form field.
func fieldError(body, field string) string {
	re := regexp.MustCompile(`data-testid="field-error-` + regexp.QuoteMeta(field) + `">([^<]*)<`)
	if m := re.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func stateOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="state" value="([a-z_]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the case page has no state field")
	}
	return m[1]
}

func TestIntakeRegistersAcceptsAndAssignsInOneStep(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		id := id18(37)
		path := cp.register(cp.clerk, cp.walkIn(id))

		resp, body := cp.get(cp.clerk, path+"?notice=case_registered")
		if resp.StatusCode != 200 {
			t.Fatalf("case page: %d", resp.StatusCode)
		}
		for _, want := range []string{"案件已登记。", cp.trackingCode(path), "务工受伤工伤赔偿纠纷", `data-testid="state">已交办`,
			"县人力资源和社会保障局", "县人民法院", "待签收", "70000 元", "劳动争议 · 工伤", "来访", "苏集镇 · 古洞沟村",
			// the timeline: registered, accepted and assigned in one go
			"<strong>登记</strong>", "<strong>受理</strong>", "<strong>交办</strong>", "主办单位：县人力资源和社会保障局"} {
			if !strings.Contains(body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if strings.Contains(body, id) || strings.Contains(body, "13909301234") {
			t.Error("the case page shows a party's full ID number or phone; they must be masked")
		}
		if !strings.Contains(body, id[:6]+"********"+id[14:]) {
			t.Errorf("masked ID number %s not shown", id[:6]+"********"+id[14:])
		}
		// Empty party rows are ignored: two parties, not three.
		if n := strings.Count(between(body, `data-testid="parties"`, "</table>"), "<tr"); n != 3 { // header + 2
			t.Errorf("parties table has %d rows, want a header and 2 parties", n)
		}
	})
}

func TestIntakeRefusedKeepsInputAndShowsErrorNextToField(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		good := id18(37)
		wrong := "0"
		if good[17] == '0' {
			wrong = "1"
		}
		bad := good[:17] + wrong
		form := cp.walkIn(bad)
		resp, body := cp.post(cp.clerk, "/cases", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad ID number: %d, want 422", resp.StatusCode)
		}
		if msg := fieldError(body, "parties[0].id_number"); !strings.Contains(msg, "校验位") {
			t.Errorf("next to the ID number: %q, want the checksum message", msg)
		}
		if a := alertOf(body); !strings.Contains(a, "当事人1") || !strings.Contains(a, "身份证号码") {
			t.Errorf("top message %q should name the party and the field", a)
		}
		for _, typed := range []string{`value="` + bad + `"`, "村民高某受雇在工地务工时", `value="工地负责人马某"`, `value="70,000"`} {
			if !strings.Contains(body, typed) {
				t.Errorf("the refused form lost %q", typed)
			}
		}
		if !regexp.MustCompile(`value="assign" checked`).MatchString(body) {
			t.Error("the refused form lost the chosen next step")
		}

		// An error in the second party's row points at that row even when a row before it
		// was left empty.
		form = cp.walkIn(id18(38))
		form.Set("parties[2].name", "证人")
		form.Set("parties[2].phone", "1390930")
		form.Del("parties[1].name")
		form.Del("parties[1].phone")
		resp, body = cp.post(cp.clerk, "/cases", form)
		if resp.StatusCode != 422 || fieldError(body, "parties[2].phone") == "" {
			t.Errorf("bad phone in the third row: %d, message %q", resp.StatusCode, fieldError(body, "parties[2].phone"))
		}

		// Assigning without a lead department points at the department picker.
		form = cp.walkIn(id18(39))
		form.Del("lead_department_id")
		resp, body = cp.post(cp.clerk, "/cases", form)
		if resp.StatusCode != 422 || fieldError(body, "lead_department_id") == "" {
			t.Errorf("no lead department: %d, message %q, alert %q", resp.StatusCode, fieldError(body, "lead_department_id"), alertOf(body))
		}
		// The desk registers by hand only what comes to it by hand: Open311, imports and
		// the citizens' own portal register themselves.
		form = cp.walkIn(id18(40))
		form.Set("channel", "open311")
		resp, body = cp.post(cp.clerk, "/cases", form)
		if resp.StatusCode != 422 || !strings.Contains(fieldError(body, "channel"), "来访") {
			t.Errorf("an Open311 case at the desk: %d, message %q", resp.StatusCode, fieldError(body, "channel"))
		}
		_, body = cp.get(cp.clerk, "/cases/new")
		for _, c := range model.AllChannels {
			offered := strings.Contains(body, `<option value="`+string(c)+`"`)
			if offered != slices.Contains(model.HandChannels, c) {
				t.Errorf("the intake form offers channel %s: %v", c, offered)
			}
		}
		if _, list := cp.get(cp.clerk, "/cases?queue=all"); strings.Contains(list, `data-testid="case-row"`) {
			t.Error("a refused intake registered a case")
		}
	})
}

func TestQueueListsCaseWithDueBadge(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		path := cp.register(cp.clerk, cp.walkIn(id18(37)))
		code := cp.trackingCode(path)

		// The lead department's handler finds it waiting for them.
		resp, body := cp.get(cp.handler, "/cases")
		if resp.StatusCode != 200 {
			t.Fatalf("handler's queue: %d", resp.StatusCode)
		}
		row := between(body, `data-testid="case-row"`, "</tr>")
		for _, want := range []string{code, `href="` + path + `"`, "已交办", `data-testid="due-badge">未到期`, "劳动争议 · 工伤", "一般"} {
			if !strings.Contains(row, want) {
				t.Errorf("queue row lacks %q:\n%s", want, row)
			}
		}
		// The clerk's own queue does not hold a case a department works on; 全部案件 does.
		if _, body := cp.get(cp.clerk, "/cases"); strings.Contains(body, code) {
			t.Error("the clerk's queue lists a case waiting on a department")
		}
		if _, body := cp.get(cp.clerk, "/cases?queue=all"); !strings.Contains(body, code) {
			t.Error("全部案件 lacks the case")
		}
		// Filters narrow the list; a malformed one is refused, naming it.
		if _, body := cp.get(cp.clerk, "/cases?queue=all&kind=hazard"); strings.Contains(body, code) {
			t.Error("kind=hazard lists a dispute")
		}
		if _, body := cp.get(cp.clerk, "/cases?queue=all&overdue=true"); strings.Contains(body, code) {
			t.Error("overdue=true lists a case not yet due")
		}
		if _, body := cp.get(cp.clerk, fmt.Sprintf("/cases?queue=all&region_id=%d", cp.regionID("622922100"))); strings.Contains(body, code) {
			t.Error("region_id=附城镇 lists a case in 苏集镇")
		}
		if _, body := cp.get(cp.clerk, fmt.Sprintf("/cases?queue=all&region_id=%d&state=assigned", cp.regionID("622922101"))); !strings.Contains(body, code) {
			t.Error("region_id=苏集镇&state=assigned misses the case")
		}
		if resp, _ := cp.get(cp.clerk, "/cases?queue=all&state=nonsense"); resp.StatusCode != 422 {
			t.Errorf("state=nonsense: %d, want 422", resp.StatusCode)
		}
		// Numbered paging: a full first page links 下一页 to page 2, which holds
		// what the first left off (the oldest case, not the newest).
		for i := 0; i < 50; i++ {
			f := cp.walkIn("")
			f.Set("then", "none")
			f.Set("title", fmt.Sprintf("第%d件", i))
			cp.post(cp.clerk, "/cases", f)
		}
		_, body = cp.get(cp.clerk, "/cases?queue=all")
		m := regexp.MustCompile(`href="(/cases\?[^"]*page=2[^"]*)" rel="next" data-testid="next-page"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("a full page has no 下一页 link")
		}
		_, body = cp.get(cp.clerk, strings.ReplaceAll(m[1], "&amp;", "&"))
		if !strings.Contains(body, code) || strings.Contains(body, "第49件") {
			t.Error("the second page should hold the oldest case and not the newest")
		}

		// The navigation offers what each role does.
		_, home := cp.get(cp.clerk, "/")
		for _, href := range []string{`href="/cases"`, `href="/cases/new"`, `href="/cases?queue=all"`} {
			if !strings.Contains(home, href) {
				t.Errorf("clerk's navigation lacks %s", href)
			}
		}
		viewer := cp.srv.Login(t, "county.viewer", demo.Password)
		_, home = cp.get(viewer, "/")
		if strings.Contains(home, `href="/cases/new"`) || strings.Contains(home, `href="/cases"`) || !strings.Contains(home, `href="/cases?queue=all"`) {
			t.Error("a viewer's navigation should offer 全部案件 only")
		}
		if resp, _ := cp.get(viewer, "/cases/new"); resp.StatusCode != 403 {
			t.Errorf("viewer opening the intake desk: %d, want 403", resp.StatusCode)
		}
		admin := cp.srv.Login(t, "county.admin", demo.Password)
		if _, home = cp.get(admin, "/"); strings.Contains(home, `href="/cases`) {
			t.Error("an admin's navigation offers case pages")
		}
	})
}

func TestCasePageOffersOnlyAllowedActions(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		path := cp.register(cp.clerk, cp.walkIn(id18(37)))
		action := func(a string) string { return `action="` + path + `/actions/` + a + `"` }

		fucheng := cp.srv.Login(t, "fucheng.clerk", demo.Password)
		if resp, _ := cp.get(fucheng, path); resp.StatusCode != 404 {
			t.Errorf("a clerk of another township opening the case: %d, want 404", resp.StatusCode)
		}
		if resp, _ := cp.post(fucheng, path+"/actions/comment", url.Values{"note": {"看看"}}); resp.StatusCode != 404 {
			t.Errorf("a clerk of another township commenting: %d, want 404", resp.StatusCode)
		}

		resp, body := cp.get(cp.handler, path)
		if resp.StatusCode != 200 {
			t.Fatalf("handler's case page: %d", resp.StatusCode)
		}
		for _, a := range []string{"sign", "return", "comment"} {
			if !strings.Contains(body, action(a)) {
				t.Errorf("the lead department's handler is not offered %s", a)
			}
		}
		for _, a := range []string{"verify", "accept", "assign", "resolve", "co_sign"} {
			if strings.Contains(body, action(a)) {
				t.Errorf("the lead department's handler is offered %s", a)
			}
		}
		if !strings.Contains(body, ">签收</button>") || !strings.Contains(body, ">回退</button>") || strings.Contains(body, ">核实</button>") {
			t.Error("the handler's buttons should read 签收 and 回退, not 核实")
		}
		// The clerk may comment and add co-handlers, not sign for the department.
		_, body = cp.get(cp.clerk, path)
		if strings.Contains(body, action("sign")) || !strings.Contains(body, action("co_assign")) {
			t.Error("the clerk's actions are wrong")
		}
		// Return asks for a reason.
		_, body = cp.get(cp.handler, path)
		ret := between(body, `data-action-form="return"`, "</details>")
		if !strings.Contains(ret, `name="note"`) || !strings.Contains(ret, "required") {
			t.Error("the return form has no required reason")
		}
	})
}

func TestCaseActionsRefusedAndTaken(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		path := cp.register(cp.clerk, cp.walkIn(id18(37)))
		_, page := cp.get(cp.clerk, path)
		version := stateOf(t, page) // the state the page shows

		// Verifying a case a department has not even signed for is refused, with the state.
		resp, body := cp.post(cp.clerk, path+"/actions/verify", url.Values{"state": {version}})
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("verify on an assigned case: %d, want 409", resp.StatusCode)
		}
		if a := alertOf(body); !strings.Contains(a, "已交办") || !strings.Contains(a, "「核实」") {
			t.Errorf("refusal message %q should name the state and the action", a)
		}
		if !strings.Contains(body, `data-testid="case-head"`) {
			t.Error("a refusal should show the case page again")
		}

		// A reason is required to return; the message stands next to the reason.
		resp, body = cp.post(cp.handler, path+"/actions/return", url.Values{"state": {version}, "note": {"  "}})
		if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(body, "note") == "" {
			t.Errorf("return without a reason: %d, next to the note %q", resp.StatusCode, fieldError(body, "note"))
		}
		if !strings.Contains(body, `data-action-form="return" open`) && !strings.Contains(body, `open data-action-form="return"`) {
			t.Error("the refused form should be open")
		}

		// The handler signs; the clerk's page, still showing the old version, is stale.
		resp, _ = cp.post(cp.handler, path+"/actions/sign", url.Values{"state": {version}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?notice=case_acted" {
			t.Fatalf("sign: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = cp.post(cp.clerk, path+"/actions/comment", url.Values{"state": {version}, "note": {"请加快办理"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(alertOf(body), "已被他人更新") {
			t.Errorf("comment on a stale page: %d %q", resp.StatusCode, alertOf(body))
		}
		_, body = cp.get(cp.clerk, path)
		if !strings.Contains(body, `data-testid="state">办理中`) {
			t.Error("after signing the case should be 办理中")
		}
		resp, _ = cp.post(cp.clerk, path+"/actions/comment", url.Values{"state": {stateOf(t, body)}, "note": {"请加快办理"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("comment: %d", resp.StatusCode)
		}
		if _, body = cp.get(cp.clerk, path); !strings.Contains(body, "请加快办理") {
			t.Error("the comment is not in the timeline")
		}
		if resp, _ := cp.post(cp.clerk, path+"/actions/fly", url.Values{}); resp.StatusCode != 404 {
			t.Errorf("unknown action: %d, want 404", resp.StatusCode)
		}

		// A department that returns a case no longer sees it: back to its queue.
		path2 := cp.register(cp.clerk, cp.walkIn(id18(40)))
		resp, _ = cp.post(cp.handler, path2+"/actions/return", url.Values{"note": {"不属于本部门职责"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/cases?") {
			t.Errorf("return: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestCaseAttachments(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		path := cp.register(cp.clerk, cp.walkIn(id18(37)))
		upload := func(name string, data []byte) (*http.Response, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("csrf_token", cp.clerk.CSRF)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", cp.srv.URL+path+"/attachments", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, body := cp.clerk.Send(req)
			return resp, string(body)
		}
		resp, _ := upload("调解笔录.txt", []byte("双方同意调解。"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		_, body := cp.get(cp.clerk, path)
		m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `/attachments/\d+)" download>调解笔录.txt<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the case page does not list the file")
		}
		resp, data := cp.get(cp.clerk, m[1])
		if resp.StatusCode != 200 || data != "双方同意调解。" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d %q %s", resp.StatusCode, data, resp.Header.Get("Content-Disposition"))
		}
		fucheng := cp.srv.Login(t, "fucheng.clerk", demo.Password)
		if resp, _ := cp.get(fucheng, m[1]); resp.StatusCode != 404 {
			t.Errorf("another township's clerk downloading: %d, want 404", resp.StatusCode)
		}
		resp, body = upload("page.html", []byte("<html><script>alert(1)</script></html>"))
		if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(body, "file") == "" {
			t.Errorf("an HTML upload: %d, next to the file %q", resp.StatusCode, fieldError(body, "file"))
		}
	})
}

func TestPriorCasesFragment(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		id := id18(37)
		path := cp.register(cp.clerk, cp.walkIn(id))
		code := cp.trackingCode(path)

		resp, body := cp.get(cp.clerk, "/ui/prior-cases?id_number="+id)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("prior cases: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if strings.Contains(body, "<html") {
			t.Error("the prior-cases answer should be a fragment, not a page")
		}
		for _, want := range []string{code, `href="` + path + `"`, "同一身份证号", "已交办", "高某", id[:6] + "********"} {
			if !strings.Contains(body, want) {
				t.Errorf("fragment lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, id) {
			t.Error("the fragment shows the full ID number")
		}
		if _, body := cp.get(cp.clerk, "/ui/prior-cases?phone=13909301234"); !strings.Contains(body, code) || !strings.Contains(body, "同一手机号") {
			t.Error("the phone does not find the case")
		}
		if _, body := cp.get(cp.clerk, "/ui/prior-cases?address="+url.QueryEscape("苏集镇古洞沟村 建筑工地")); !strings.Contains(body, code) {
			t.Error("the address does not find the open case there")
		}
		if _, body := cp.get(cp.clerk, "/ui/prior-cases?id_number="+id[:10]); strings.Contains(body, code) {
			t.Error("a half-typed ID number finds cases")
		}
		// Scope: another township's clerk finds nothing of the county's case.
		fucheng := cp.srv.Login(t, "fucheng.clerk", demo.Password)
		if _, body := cp.get(fucheng, "/ui/prior-cases?id_number="+id); strings.Contains(body, code) {
			t.Error("a township clerk sees a case outside their scope")
		}

		// Without script: the intake form's 查找既往案件 button shows the same panel and
		// registers nothing.
		form := cp.walkIn(id)
		form.Set("lookup", "1")
		resp, body = cp.post(cp.clerk, "/cases", form)
		if resp.StatusCode != 200 || !strings.Contains(between(body, "data-prior-body", "</aside>"), code) {
			t.Errorf("lookup without script: %d, panel lacks the case", resp.StatusCode)
		}
		if !strings.Contains(body, `value="`+id+`"`) {
			t.Error("the lookup lost what was typed")
		}
		_, list := cp.get(cp.clerk, "/cases?queue=all")
		if n := strings.Count(list, `data-testid="case-row"`); n != 1 {
			t.Errorf("the lookup registered a case: %d cases", n)
		}
	})
}

// between returns the part of s from the first from up to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
