package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

type issuedJSON struct {
	ID      int64              `json:"id"`
	CaseID  int64              `json:"case_id"`
	Kind    string             `json:"kind"`
	Number  string             `json:"number"`
	Seq     int                `json:"seq"`
	Content documents.Document `json:"content"`
}

func issueDoc(t *testing.T, c *testutil.Client, caseID int64, kind string) issuedJSON {
	t.Helper()
	resp, body := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/documents", caseID), map[string]any{"kind": kind})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("issue %s: %d %s", kind, resp.StatusCode, body)
	}
	var d issuedJSON
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// docxText downloads an issued document as .docx, opens it and reads its text.
func docxText(t *testing.T, c *testutil.Client, path string) (string, []byte) {
	t.Helper()
	resp, body := c.Do("GET", path, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Fatalf("GET %s: %d %s %.200s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), ".docx") {
		t.Errorf("no .docx file name: %q", resp.Header.Get("Content-Disposition"))
	}
	text, err := documents.DOCXText(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the .docx of %s does not open: %v", path, err)
	}
	return text, body
}

// A petition through its documents: the citizen's receipt names them and carries the
// tracking code and QR code; the assignment order the department downloads as .docx
// carries the parties as the department's case page shows them (ID number and phone
// masked) and never the tracking code; numbers run per centre, kind and year; a
// template an administrator changes applies to the next document while a reprint of
// an earlier one stays as it was; and who may issue and see is enforced.
func TestCaseDocuments(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		clerk := srv.Login(t, "county.clerk", demo.Password)
		handler := srv.Login(t, "county.handler", demo.Password)
		admin := srv.Login(t, "county.admin", demo.Password)
		outsider := srv.Login(t, "fucheng.clerk", demo.Password)
		labour := departmentID(t, st, demo.CountyCode, "hrss")

		idNumber, phone := model.MakeIDNumber("622922", mustDate("1970-05-06"), 11), "13909305678"
		f := &flow{t: t}
		c := f.register(clerk, map[string]any{
			"kind": "petition", "category_id": categoryID(t, st, "petition.claim"), "channel": "walk_in",
			"region_id": regionID(t, st, "622922101201"), "title": "拖欠工资求决", "description": "反映某建筑公司拖欠二十名工人工资。",
			"urgency": "normal", "people_count": 20,
			"parties": []map[string]any{{"role": "applicant", "name": "马福山", "id_number": idNumber, "phone": phone}},
		})
		f.id = c.ID

		var list struct {
			Offers []struct {
				Kind   string `json:"kind"`
				Ready  bool   `json:"ready"`
				Reason string `json:"reason"`
			} `json:"offers"`
			Issued []issuedJSON `json:"issued"`
		}
		resp, body := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/documents", c.ID), nil)
		if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil {
			t.Fatalf("documents: %d %s", resp.StatusCode, body)
		}
		ready := map[string]string{}
		for _, o := range list.Offers {
			ready[o.Kind] = fmt.Sprint(o.Ready, o.Reason)
		}
		if ready["receipt"] != "true" || ready["acceptance"] != "falseinvalid.document.not_accepted" || ready["assignment"] != "falseinvalid.document.not_assigned" ||
			ready["supervision"] != "falseinvalid.document.no_supervision" || ready["follow_up"] != "falseinvalid.document.no_visit" || ready["dossier"] != "true" {
			t.Fatalf("offers of a registered case: %v", ready)
		}

		receipt := issueDoc(t, clerk, c.ID, "receipt")
		text := receipt.Content.Addressee + strings.Join(receipt.Content.Paragraphs, "")
		if receipt.Number != "康综治登〔2026〕第1号" || receipt.Content.Addressee != "马福山：" || !strings.Contains(text, c.TrackingCode) ||
			!strings.Contains(text, "《信访工作条例》第二十二条、第二十三条") || !strings.Contains(text, "15日内（2026年12月22日前）") ||
			!strings.Contains(receipt.Content.QRText, "/p/track?code="+c.TrackingCode) || receipt.Content.Issuer != "康乐县综治中心" {
			t.Fatalf("receipt: %+v", receipt)
		}
		for _, kind := range []string{"acceptance", "assignment", "supervision", "follow_up"} {
			resp, body := clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/documents", c.ID), map[string]any{"kind": kind})
			if e := testutil.DecodeError(t, body); resp.StatusCode != 422 || e.Error.Field != "kind" {
				t.Fatalf("%s before its time: %d %s", kind, resp.StatusCode, body)
			}
		}
		resp, body = clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/documents", c.ID), map[string]any{"kind": "memo"})
		if e := testutil.DecodeError(t, body); resp.StatusCode != 422 || e.Error.Field != "kind" || e.Error.Code != "invalid" {
			t.Fatalf("an unknown kind: %d %s", resp.StatusCode, body)
		}

		f.act(clerk, "accept", nil, "accepted")
		f.act(clerk, "assign", map[string]any{"lead_department_id": labour, "note": "请核实用工合同和工资台账"}, "assigned")
		acceptance := issueDoc(t, clerk, c.ID, "acceptance")
		order := issueDoc(t, clerk, c.ID, "assignment")
		if acceptance.Number != "康综治受〔2026〕第1号" || order.Number != "康综治交〔2026〕第1号" {
			t.Fatalf("numbers: %s, %s", acceptance.Number, order.Number)
		}
		dep, err := st.Department(context.Background(), labour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(acceptance.Content.Paragraphs, ""), "由"+dep.Name+"负责办理") {
			t.Fatalf("acceptance: %+v", acceptance.Content.Paragraphs)
		}

		// The department reads its order as .docx: the facts as its case page shows
		// them, not the citizen's key.
		docx, raw := docxText(t, handler, fmt.Sprintf("/api/v1/documents/%d/docx", order.ID))
		for _, want := range []string{"交办单", "康综治交〔2026〕第1号", "拖欠工资求决", fmt.Sprintf("案件编号%d", c.ID), "马福山", model.MaskIDNumber(idNumber),
			model.MaskPhone(phone), "交办意见：请核实用工合同和工资台账", "五个工作日内", "康乐县综治中心", "2026年12月7日"} {
			if !strings.Contains(docx, want) {
				t.Errorf("the assignment order's .docx lacks %q:\n%s", want, docx)
			}
		}
		for _, leak := range []string{idNumber, phone, c.TrackingCode} {
			if strings.Contains(docx, leak) || bytes.Contains(raw, []byte(leak)) {
				t.Errorf("the assignment order carries %q", leak)
			}
		}
		// Its printed page, as the handler opens it.
		resp, body = handler.Do("GET", fmt.Sprintf("/documents/%d", order.ID), nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "康综治交〔2026〕第1号") || !strings.Contains(string(body), "document.") {
			t.Fatalf("print page: %d %.300s", resp.StatusCode, body)
		}
		// The handler may read but not issue; a clerk of another township neither.
		resp, _ = handler.Do("POST", fmt.Sprintf("/api/v1/cases/%d/documents", c.ID), map[string]any{"kind": "assignment"})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a handler issuing: %d", resp.StatusCode)
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/documents/%d", order.ID), fmt.Sprintf("/api/v1/documents/%d/docx", order.ID)} {
			if resp, _ := outsider.Do("GET", path, nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("another township's clerk reads %s: %d", path, resp.StatusCode)
			}
		}

		// The administrator's wording: an unknown placeholder is refused by name.
		tplPath := "/api/v1/document-templates/receipt"
		bad := map[string]any{"title": "登记回执", "prefix": "{{简称}}综治回", "body": "{{当事人}}：您的身份证号{{身份证号}}已登记。", "note": "试"}
		resp, body = admin.Do("PUT", tplPath, bad)
		if e := testutil.DecodeError(t, body); resp.StatusCode != 422 || e.Error.Field != "body" || e.Error.Code != "unknown_placeholder" || !strings.Contains(e.Error.Message, "{{身份证号}}") {
			t.Fatalf("an unknown placeholder: %d %s", resp.StatusCode, body)
		}
		if resp, _ := clerk.Do("PUT", tplPath, bad); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a clerk changing a template: %d", resp.StatusCode)
		}
		good := map[string]any{"title": "来访登记回执", "prefix": "{{简称}}综治回", "body": "{{当事人}}：\n您反映的“{{事项}}”已登记，查询码{{查询码}}。", "note": "简化措辞"}
		resp, body = admin.Do("PUT", tplPath, good)
		var saved documents.Template
		if resp.StatusCode != 200 || json.Unmarshal(body, &saved) != nil || saved.Version != 1 {
			t.Fatalf("saving a template: %d %s", resp.StatusCode, body)
		}
		before, rawBefore := docxText(t, clerk, fmt.Sprintf("/api/v1/documents/%d/docx", receipt.ID))
		second := issueDoc(t, clerk, c.ID, "receipt")
		if second.Number != "康综治回〔2026〕第2号" || second.Content.Title != "来访登记回执" || second.Content.TemplateVersion != 1 {
			t.Fatalf("a receipt after the change: %+v", second)
		}
		// The reprint of the first is the same file, in the old wording.
		after, rawAfter := docxText(t, clerk, fmt.Sprintf("/api/v1/documents/%d/docx", receipt.ID))
		if before != after || !bytes.Equal(rawBefore, rawAfter) || !strings.Contains(after, "登记回执") || strings.Contains(after, "来访登记回执") {
			t.Fatalf("the first receipt's reprint changed with the template")
		}

		// Two clerks at once: consecutive numbers, none twice.
		clerk2 := srv.Login(t, "county.leader", demo.Password)
		var mu sync.Mutex
		var seqs []int
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Add(1)
			go func(c2 *testutil.Client) {
				defer wg.Done()
				d := issueDoc(t, c2, c.ID, "assignment")
				mu.Lock()
				seqs = append(seqs, d.Seq)
				mu.Unlock()
			}(map[bool]*testutil.Client{true: clerk, false: clerk2}[i%2 == 0])
		}
		wg.Wait()
		slices.Sort(seqs)
		if !slices.Equal(seqs, []int{2, 3, 4, 5, 6, 7}) {
			t.Fatalf("concurrent numbers %v", seqs)
		}

		// A leader's supervision order, printed from its row on the case page: the
		// department it is aimed at, its requirement, numbered 督.
		leader := srv.Login(t, "county.leader", demo.Password)
		f.act(leader, "supervise", map[string]any{"level": "yellow", "note": "五个工作日内报送核查结果", "department_id": labour}, "assigned")
		var orders struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		resp, body = leader.Do("GET", "/api/v1/supervisions", nil)
		if resp.StatusCode != 200 || json.Unmarshal(body, &orders) != nil || len(orders.Items) == 0 {
			t.Fatalf("supervisions: %d %s", resp.StatusCode, body)
		}
		order0 := orders.Items[len(orders.Items)-1].ID
		if _, page := clerk.Do("GET", fmt.Sprintf("/cases/%d", c.ID), nil); !strings.Contains(string(page), fmt.Sprintf(`data-testid="issue-supervision-%d"`, order0)) {
			t.Fatalf("the order's row offers no 督办单")
		}
		resp, _ = postForm(t, srv, leader, fmt.Sprintf("/cases/%d/documents", c.ID), url.Values{"kind": {"supervision"}, "ref": {fmt.Sprint(order0)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("issuing the 督办单 from its row: %d", resp.StatusCode)
		}
		resp, body = leader.Do("GET", "/api/v1"+resp.Header.Get("Location"), nil)
		var sup issuedJSON
		if resp.StatusCode != 200 || json.Unmarshal(body, &sup) != nil {
			t.Fatalf("the 督办单: %d %s", resp.StatusCode, body)
		}
		supText := sup.Content.Addressee + strings.Join(sup.Content.Paragraphs, "")
		if sup.Number != "康综治督〔2026〕第1号" || sup.Content.Addressee != dep.Name+"：" || !strings.Contains(supText, "予以黄牌督办") ||
			!strings.Contains(supText, "督办要求：五个工作日内报送核查结果") {
			t.Fatalf("督办单 %s: %s", sup.Number, supText)
		}

		// A return visit recorded on the case (a follow-up plan's) is printed as a 回访记录.
		f.act(clerk, "record", map[string]any{"incident": "return_visit", "note": "电话回访，工资已发放一半"}, "assigned")
		visit := issueDoc(t, clerk, c.ID, "follow_up")
		if vt := strings.Join(visit.Content.Paragraphs, ""); visit.Number != "康综治访〔2026〕第1号" || !strings.Contains(vt, "回访情况：电话回访，工资已发放一半") ||
			!strings.Contains(vt, "当事人评价：—") {
			t.Fatalf("回访记录 %s: %s", visit.Number, vt)
		}

		// The case page offers and lists them; its form issues and opens the document.
		resp, body = clerk.Do("GET", fmt.Sprintf("/cases/%d", c.ID), nil)
		page := string(body)
		if resp.StatusCode != 200 || !strings.Contains(page, `data-testid="documents"`) || !strings.Contains(page, "康综治交〔2026〕第7号") ||
			!strings.Contains(page, `data-testid="issue-dossier"`) {
			t.Fatalf("case page's documents: %d", resp.StatusCode)
		}
		resp, _ = postForm(t, srv, clerk, fmt.Sprintf("/cases/%d/documents", c.ID), url.Values{"kind": {"dossier"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/documents/") {
			t.Fatalf("issuing from the page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = clerk.Do("GET", resp.Header.Get("Location"), nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "案件卷宗") || !strings.Contains(string(body), "办理经过") ||
			!strings.Contains(string(body), "康综治交〔2026〕第1号") {
			t.Fatalf("the case file: %d %.500s", resp.StatusCode, body)
		}
	})
}

// The mediation's documents from its records: the session's 调解笔录 with what each
// side said, the agreement (调解协议书) under its organisation's own number and
// name, not the centre's counter, its parties' particulars masked as the case page
// shows them, and the joint application for judicial confirmation (司法确认申请书)
// once the agreement is signed, to the court, citing 人民调解法 第三十三条. Before the
// records exist each is refused naming why.
func TestMediationDocuments(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "county.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		mediator := srv.Login(t, "county.mediator", demo.Password)
		county := fmt.Sprint(regionID(t, st, "622922"))
		if resp, body := postForm(t, srv, admin, "/admin/mediation/orgs", url.Values{"name": {"康乐县劳动争议调解委员会"}, "kind": {"trade"}, "region_id": {county},
			"categories": {"dispute.labour"}, "number_prefix": {"康劳调字"}}); resp.StatusCode != 303 {
			t.Fatalf("committee: %d %s", resp.StatusCode, body)
		}
		committee := orgByName(t, clerk, "康乐县劳动争议调解委员会")
		idNumber := model.MakeIDNumber("622922", mustDate("1985-03-12"), 37)
		f := &flow{t: t}
		f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.labour"), "channel": "walk_in", "region_id": regionID(t, st, "622922100200"),
			"title": "务工受伤工伤赔偿纠纷", "description": "高某在工地务工时右手中指被搅拌机夹断，与工地负责人就工伤赔偿协商未果。", "urgency": "normal",
			"parties": []map[string]any{{"role": "applicant", "name": "高某", "id_number": idNumber, "phone": "13893001234"}, {"role": "respondent", "name": "某建筑公司"}},
			"then":    []map[string]any{{"action": "accept"}, {"action": "handle"}},
		})
		base := fmt.Sprintf("/api/v1/cases/%d", f.id)
		for kind, code := range map[string]string{"mediation_record": "no_session", "agreement": "no_agreement", "confirmation": "not_signed"} {
			resp, body := clerk.Do("POST", base+"/documents", map[string]any{"kind": kind})
			if e := testutil.DecodeError(t, body); resp.StatusCode != 422 || e.Error.Code != code {
				t.Fatalf("%s before its record: %d %s", kind, resp.StatusCode, body)
			}
		}
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "mediator", "user_id": userID(t, st, "county.mediator")}, 201, "")
		apiWant(t, mediator, "POST", base+"/sessions", map[string]any{"org_id": committee, "held_at": clk.Now().Format(time.RFC3339), "venue": "circuit_court",
			"place": "苏集镇人民法庭", "mediators": "县劳动争议调委会 张某", "attendees": "高某，公司代表", "result": "agreed", "agreed": "公司一次性支付工伤赔偿7万元",
			"statements": []map[string]string{{"side": "高某", "said": "要求按《工伤保险条例》赔偿"}, {"side": "公司", "said": "同意赔偿"}}}, 201, "")
		record := issueDoc(t, mediator, f.id, "mediation_record")
		text, _ := docxText(t, clerk, fmt.Sprintf("/api/v1/documents/%d/docx", record.ID))
		for _, want := range []string{"调解笔录", "地点：巡回法庭 苏集镇人民法庭", "要求按《工伤保险条例》赔偿", "调解结果：达成协议。达成内容：公司一次性支付工伤赔偿7万元", "当事人签名："} {
			if !strings.Contains(text, want) {
				t.Errorf("the record lacks %q:\n%s", want, text)
			}
		}
		if record.Number != "" {
			t.Errorf("a session's record numbered %q", record.Number)
		}

		var ag store.Agreement
		testutil.DecodeJSON(t, apiWant(t, mediator, "POST", base+"/agreements", map[string]any{"org_id": committee, "facts": "高某务工受伤。", "items": "工伤赔偿",
			"responsibilities": "公司承担工伤赔偿责任。", "content": "公司支付高某工伤赔偿金7万元。", "perform_way": "现场支付", "perform_by": "2026-12-07", "mediator": "张某"}, 201, ""), &ag)
		agreement := issueDoc(t, clerk, f.id, "agreement")
		if agreement.Number != ag.Number || agreement.Number != "康劳调字〔2026〕第1号" || agreement.Content.Issuer != "康乐县劳动争议调解委员会" {
			t.Fatalf("the agreement document: number %q by %q, want %q", agreement.Number, agreement.Content.Issuer, ag.Number)
		}
		text, raw := docxText(t, clerk, fmt.Sprintf("/api/v1/documents/%d/docx", agreement.ID))
		// The particulars masked by the one rule, as the case page shows the party.
		for _, want := range []string{"人民调解协议书", "康劳调字〔2026〕第1号", "高某", "公司支付高某工伤赔偿金7万元。", "履行期限：2026年12月7日", "第二十九条",
			"身份证号 " + model.MaskIDNumber(idNumber) + "，电话 138****1234"} {
			if !strings.Contains(text, want) {
				t.Errorf("the agreement lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, idNumber) || strings.Contains(text, "13893001234") || bytes.Contains(raw, []byte(idNumber)) {
			t.Errorf("the agreement carries the party's full ID number or phone:\n%s", text)
		}
		// The centre's own counters are untouched by the organisation's number.
		if receipt := issueDoc(t, clerk, f.id, "receipt"); receipt.Number != "康综治登〔2026〕第1号" {
			t.Fatalf("the centre's receipt after the agreement: %s", receipt.Number)
		}

		scan := uploadFile(t, srv, mediator, f.id, "协议签字本.png", publicPNG(t))
		apiWant(t, mediator, "POST", fmt.Sprintf("/api/v1/agreements/%d/sign", ag.ID), map[string]any{"signed_on": "2026-12-07", "attachment_id": scan}, 200, "")
		apiWant(t, mediator, "POST", fmt.Sprintf("/api/v1/agreements/%d/confirmation", ag.ID), map[string]any{"step": "apply", "court": "康乐县人民法院", "applied_on": "2026-12-07"}, 200, "")
		application := issueDoc(t, mediator, f.id, "confirmation")
		text, _ = docxText(t, clerk, fmt.Sprintf("/api/v1/documents/%d/docx", application.ID))
		for _, want := range []string{"司法确认申请书", "康乐县人民法院：", "2026年12月7日经康乐县劳动争议调解委员会主持调解", "（康劳调字〔2026〕第1号）", "第三十三条", "三十日内"} {
			if !strings.Contains(text, want) {
				t.Errorf("the application lacks %q:\n%s", want, text)
			}
		}
	})
}
