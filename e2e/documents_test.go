package e2e

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// printPDF prints the tab's page as Chromium prints it on paper, the page's own
// @page size and margins preferred, and saves it as name.pdf under $ONEDOOR_SHOTS.
func (tb *tab) printPDF(name string) []byte {
	tb.t.Helper()
	yes := true
	res, err := chromedp.Call(tb.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
	if err != nil {
		tb.t.Fatalf("print %s: %v", name, err)
	}
	if dir := os.Getenv("ONEDOOR_SHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), res.Data, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
	return res.Data
}

// pdfPages reads the sizes of a PDF's pages, in points, from its MediaBoxes.
var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`)

// 文书 through the pages: the county clerk opens an accepted and assigned petition,
// issues its receipt from the case page and lands on the A4 page with its number and
// QR code, prints it to PDF on A4 (595 × 842 pt); the assignment order and the case
// file (several pages) likewise; the administrator's template editor refuses an
// unknown placeholder naming it.
func TestDocumentsInTheBrowser(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		api := srv.Login(t, "county.clerk", demo.Password)
		category := kangleCategory(t, srv.Store, "petition.claim")
		county, err := srv.Store.RegionByCode(t.Context(), demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		hrss := kangleDepartment(t, srv.Store, county.ID, "hrss").ID
		village, err := srv.Store.RegionByCode(t.Context(), "622922101201")
		if err != nil {
			t.Fatal(err)
		}
		idNumber := model.MakeIDNumber("622922", time.Date(1968, 4, 9, 0, 0, 0, 0, time.UTC), 21)
		var parties []map[string]any
		parties = append(parties, map[string]any{"role": "representative", "name": "马福山", "id_number": idNumber, "phone": "13909305678"})
		for i := range 11 {
			parties = append(parties, map[string]any{"role": "applicant", "name": fmt.Sprintf("务工人员%02d", i+1)})
		}
		resp, body := api.Do("POST", "/api/v1/cases", map[string]any{
			"kind": "petition", "category_id": category, "channel": "walk_in", "region_id": village.ID,
			"title": "古城村务工人员工资拖欠求决", "description": "十二名务工人员反映某建筑公司拖欠2026年工资共计36万元，多次讨要未果。",
			"urgency": "normal", "people_count": 12, "amount_yuan": 360000, "parties": parties,
			"then": []map[string]any{{"action": "accept"}, {"action": "assign", "lead_department_id": hrss, "note": "请核实用工合同和工资台账，依法督促支付"}},
		})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, body)
		}
		var c struct {
			ID           int64  `json:"id"`
			TrackingCode string `json:"tracking_code"`
		}
		testutil.DecodeJSON(t, body, &c)

		clerk := deskTab(t, b, srv, "county.clerk")
		clerk.open(fmt.Sprintf("/cases/%d#documents", c.ID))
		if !clerk.has(`[data-testid=documents] [data-testid=issue-receipt]:not([disabled])`) || clerk.has(`[data-testid=issue-supervision]:not([disabled])`) {
			t.Fatalf("the case page's offers: %q", clerk.texts(`[data-testid=documents-issue] button`))
		}
		clerk.do("scroll to 文书", chromedp.ScrollIntoView(`[data-testid=documents]`))
		clerk.shot("documents-case-1366")

		// The receipt: issued, numbered, on A4 with the QR code.
		if status := clerk.click(`[data-testid=issue-receipt]`); status != 200 {
			t.Fatalf("issue the receipt: %d", status)
		}
		if got := clerk.text(`[data-testid=doc-number]`); got != "康综治登〔2026〕第1号" {
			t.Fatalf("receipt number %q", got)
		}
		sheet := clerk.text(`[data-testid=document]`)
		for _, want := range []string{"登记回执", "马福山：", c.TrackingCode, "信访工作条例", "康乐县综治中心"} {
			if !strings.Contains(sheet, want) {
				t.Errorf("the receipt lacks %q", want)
			}
		}
		if !eval[bool](clerk, `(() => { const i = document.querySelector(".doc-qr img"); return !!i && i.complete && i.naturalWidth > 100 })()`) {
			t.Error("the receipt's QR code is not shown")
		}
		clerk.do("a phone", chromedp.EmulateViewport(390, 844))
		clerk.shot("document-receipt-390")
		clerk.do("an A4 sheet's width", chromedp.EmulateViewport(900, 1200))
		clerk.fullShot("document-receipt-a4")
		checkA4(t, clerk.printPDF("document-receipt"), 1)

		// The assignment order: the department's, parties masked.
		clerk.open(fmt.Sprintf("/cases/%d", c.ID))
		if status := clerk.click(`[data-testid=issue-assignment]`); status != 200 {
			t.Fatalf("issue the assignment order: %d", status)
		}
		order := clerk.text(`[data-testid=document]`)
		if !strings.Contains(order, "康综治交〔2026〕第1号") || !strings.Contains(order, model.MaskIDNumber(idNumber)) || strings.Contains(order, idNumber) ||
			strings.Contains(order, c.TrackingCode) || !strings.Contains(order, "等12人") {
			t.Fatalf("assignment order: %s", order)
		}
		clerk.fullShot("document-assignment-a4")
		checkA4(t, clerk.printPDF("document-assignment"), 1)
		if !clerk.has(`a[download][href$="/docx"]`) {
			t.Error("no .docx download on the assignment order")
		}

		// The case file: its cover, contents, steps, documents and attachments, on
		// several pages.
		clerk.open(fmt.Sprintf("/cases/%d", c.ID))
		if status := clerk.click(`[data-testid=issue-dossier]`); status != 200 {
			t.Fatalf("issue the case file: %d", status)
		}
		dossier := clerk.text(`[data-testid=document]`)
		for _, want := range []string{"案件卷宗", "卷内目录", "办理经过", "出具文书", "附件目录", "康综治登〔2026〕第1号", "康综治交〔2026〕第1号"} {
			if !strings.Contains(dossier, want) {
				t.Errorf("the case file lacks %q", want)
			}
		}
		if clerk.has(`a[download][href$="/docx"]`) {
			t.Error("the case file offers a .docx; it is printed as it is")
		}
		clerk.fullShot("document-dossier-a4")
		checkA4(t, clerk.printPDF("document-dossier"), 2)

		// The mediation's agreement, under its committee's own number, on A4.
		org := store.MediationOrg{RegionID: county.ID, Name: "康乐县劳动争议调解委员会", Kind: "trade", Categories: []string{"dispute.labour"},
			Active: true, NumberPrefix: "康劳调字"}
		if err := srv.Store.SaveMediationOrg(t.Context(), store.NotAudited("test fixture"), &org); err != nil {
			t.Fatal(err)
		}
		mediator, _, err := srv.Store.UserCredentials(t.Context(), "county.mediator")
		if err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/cases/%d", c.ID)
		for _, step := range []struct {
			path string
			body map[string]any
		}{
			{base + "/team", map[string]any{"role": "mediator", "user_id": mediator.ID}},
			{base + "/agreements", map[string]any{"org_id": org.ID, "facts": "某建筑公司拖欠十二名务工人员2026年工资共计36万元。", "items": "工资数额及支付期限。",
				"responsibilities": "公司应依法足额支付工资。", "content": "公司于2026年12月31日前一次性支付拖欠工资36万元。", "perform_way": "银行转账至各人工资卡",
				"perform_by": "2026-12-31", "mediator": "张调解"}},
		} {
			if resp, body := api.Do("POST", step.path, step.body); resp.StatusCode != 201 {
				t.Fatalf("POST %s: %d %s", step.path, resp.StatusCode, body)
			}
		}
		clerk.open(fmt.Sprintf("/cases/%d", c.ID))
		if status := clerk.click(`[data-testid=issue-agreement]`); status != 200 {
			t.Fatalf("issue the agreement: %d", status)
		}
		if got := clerk.text(`[data-testid=doc-number]`); got != "康劳调字〔2026〕第1号" {
			t.Fatalf("agreement number %q", got)
		}
		clerk.fullShot("document-agreement-a4")
		checkA4(t, clerk.printPDF("document-agreement"), 1)

		// The template editor: an unknown placeholder is refused by name.
		admin := deskTab(t, b, srv, "county.admin")
		if status := admin.click(`nav.sidenav a[href="/admin/documents"]`); status != 200 {
			t.Fatalf("templates page: %d", status)
		}
		admin.click(`[data-testid=document-kind-assignment]`)
		eval[bool](admin, `(() => { document.querySelector("[data-testid=document-body]").value = ""; return true })()`)
		admin.fill(`[data-testid=document-body]`, "{{承办单位}}：\n请于{{办结时限}}前办结。")
		admin.expectStatus(422)
		if status := admin.click(`[data-testid=document-template-save]`); status != 422 {
			t.Fatalf("an unknown placeholder saved: %d", status)
		}
		if got := strings.Join(admin.texts(".field-error"), " "); !strings.Contains(got, "{{办结时限}}") || !strings.Contains(admin.text(`[data-testid=error]`), "正文") {
			t.Fatalf("the refusal does not name the placeholder: %q", got)
		}
		admin.shot("document-templates-1366")
	})
}

// checkA4 holds that a printed PDF has at least min pages, every one A4 portrait.
func checkA4(t *testing.T, pdf []byte, min int) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	boxes := mediaBox.FindAllSubmatch(pdf, -1)
	if len(boxes) < min {
		t.Fatalf("%d pages, want at least %d", len(boxes), min)
	}
	for _, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-595.28) > 1 || math.Abs(h-841.89) > 1 {
			t.Errorf("a page of %.1f × %.1f pt, want A4 (595.3 × 841.9)", w, h)
		}
	}
}
