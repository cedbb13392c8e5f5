package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestEvaluationPublish: the county admin raises the weight of 按期办结率 in the
// township scheme; the county leader opens 考评排名, sees last month's townships
// ranked under the edited scheme, follows a score to the cases behind it (as many as
// it says), publishes (定稿) the month after confirming, and prints the 通报.
func TestEvaluationPublish(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		if err := demo.GenerateCases(context.Background(), srv.Store, 3000, 9); err != nil {
			t.Fatal(err)
		}
		store := string(srv.Store.Dialect())

		admin := b.newTab(t, srv.URL)
		admin.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		admin.mustLogin("county.admin", demo.Password)
		if status := admin.click(`nav.sidenav a[href="/admin/evaluation"]`); status != 200 {
			t.Fatalf("schemes page: status %d", status)
		}
		admin.checkText("main h1", i18n.T(zh, "evaluation.schemes_title"))
		if got := admin.value(`input[name="items.0.weight"]`); got != "25" {
			t.Fatalf("按期办结率 weighs %q, want the shipped 25", got)
		}
		admin.do("raise 按期办结率 to 30 points", chromedp.SetValue(chromedp.CSS(`input[name="items.0.weight"]`), "30"))
		if status := admin.click(`[data-testid=scheme-save]`); status != 200 {
			t.Fatalf("save: %d on %s: %q", status, admin.location(), admin.texts(".field-error"))
		}
		admin.checkText("p.notice", i18n.T(zh, "notice.saved"))
		t.Logf("schemes: %s", screenshot(t, admin, "evaluation-schemes-1366-"+store))

		tb := b.newTab(t, srv.URL)
		tb.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.leader", demo.Password)
		if status := tb.click(`nav.sidenav a[href="/evaluation"]`); status != 200 {
			t.Fatalf("ranking page: status %d", status)
		}
		tb.checkText("main h1", i18n.T(zh, "evaluation.title"))
		if head := tb.text(`[data-testid=evaluation-table] thead`); !strings.Contains(head, i18n.T(zh, "evaluation.col_total", "105")) {
			t.Errorf("the ranking is not under the edited scheme (105 points): %q", head)
		}
		rows := tb.texts(`[data-testid=evaluation-row]`)
		if len(rows) != 15 { // 康乐县's townships
			t.Fatalf("%d townships ranked: %q", len(rows), rows)
		}
		if got := tb.text(`[data-testid=evaluation-status]`); !strings.Contains(got, "未定稿") {
			t.Errorf("status before publishing: %q", got)
		}
		t.Logf("ranking: %s", screenshot(t, tb, "evaluation-ranking-1366-"+store))

		// A score opens its cases: the list says it holds as many as the ranking.
		// The first township with cases (康乐县's townships without staff have none).
		row := eval[int](tb, `Array.prototype.findIndex.call(document.querySelectorAll("[data-testid=evaluation-row]"),
			r => { const a = r.querySelector("td.eval-cell:nth-child(6) a[data-testid=evaluation-cases]"); return a && a.textContent.includes("（") }) + 1`)
		if row == 0 {
			t.Fatalf("no township's score has cases: %q", rows)
		}
		link := fmt.Sprintf(`[data-testid=evaluation-row]:nth-child(%d) td.eval-cell:nth-child(6) a[data-testid=evaluation-cases]`, row)
		said := tb.text(link) // "92.3%（12/13）"
		num := said
		if i := strings.Index(said, "（"); i >= 0 {
			num = strings.TrimSuffix(said[i+len("（"):], "）")
			num, _, _ = strings.Cut(num, "/")
		}
		if status := tb.click(link); status != 200 {
			t.Fatalf("the score's cases: status %d", status)
		}
		if total := eval[string](tb, `document.querySelector("[data-testid=figure-list]").dataset.total`); total != num {
			t.Errorf("the score says %q, its list holds %s cases", said, total)
		}
		if status := tb.open("/evaluation"); status != 200 {
			t.Fatalf("back to the ranking: status %d", status)
		}

		// Publish, after confirming.
		tb.acceptDialogs.Store(true)
		if status := tb.click(`[data-testid=evaluation-publish]`); status != 200 {
			t.Fatalf("publish: status %d: %q", status, tb.texts(".field-error, .error"))
		}
		if msg := tb.dialog(); !strings.Contains(msg, "定稿") {
			t.Errorf("confirmation asks %q", msg)
		}
		tb.checkText("p.notice", i18n.T(zh, "notice.evaluation_published"))
		if got := tb.text(`[data-testid=evaluation-status]`); !strings.Contains(got, "已定稿") || !strings.Contains(got, "王丽娟") {
			t.Errorf("status after publishing: %q", got)
		}
		if tb.has(`[data-testid=evaluation-publish]`) {
			t.Errorf("a published period offers to publish again")
		}
		total := tb.text(`[data-testid=evaluation-row]:first-child td.total`)
		if _, err := strconv.ParseFloat(total, 64); err != nil {
			t.Errorf("the first township's total reads %q", total)
		}
		t.Logf("published: %s", screenshot(t, tb, "evaluation-published-1366-"+store))

		// The 通报, laid out for A4 as printed.
		if status := tb.click(`[data-testid=evaluation-notice]`); status != 200 {
			t.Fatalf("notice: status %d", status)
		}
		if got := tb.text(`[data-testid=evaluation-notice-doc] h2`); !strings.Contains(got, "通报") {
			t.Errorf("notice title %q", got)
		}
		if got := tb.text(`[data-testid=evaluation-notice-table] tbody tr:first-child`); !strings.Contains(got, total) {
			t.Errorf("the notice's first row %q lacks the total %s", got, total)
		}
		tb.do("an A4 sheet's width", chromedp.EmulateViewport(794, 1123))
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		t.Logf("notice: %s", screenshot(t, tb, "evaluation-notice-a4-"+store))
	})
}
