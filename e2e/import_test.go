package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/importer/ledgertest"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestLedgerImportInTheBrowser: the county admin uploads a messy 台账 from the admin
// pages, reads the dry run's report row by row, maps the office's own category names
// and the misspelt township, imports, and watches the run to its end.
func TestLedgerImportInTheBrowser(t *testing.T) {
	b := newBrowser(t)
	xlsx, err := ledgertest.MessyXLSX()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "苏集镇台账2025.xlsx")
	if err := os.WriteFile(file, xlsx, 0o644); err != nil {
		t.Fatal(err)
	}
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		before, _ := srv.Store.CountCases(ctx)
		tb := b.newTab(t, srv.URL)
		tb.desktop()
		tb.mustLogin("county.admin", demo.Password)
		if status := tb.click(`a[href="/admin/imports"]`); status != 200 {
			t.Fatalf("open 台账导入: %d", status)
		}
		tb.fill(`[data-testid=import-source-name]`, "苏集镇台账")
		tb.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=import-file]`), []string{file}))
		if status := tb.click(`[data-testid=import-upload-submit]`); status != 200 {
			t.Fatalf("upload: %d %q", status, tb.texts("[data-testid=error]"))
		}
		if !strings.HasPrefix(tb.location(), "/admin/imports/") {
			t.Fatalf("after the upload, on %s: %q", tb.location(), tb.texts(".field-error"))
		}
		if got := tb.text("[data-testid=dry-run-summary]"); !strings.Contains(got, "表头在第 3 行") || !strings.Contains(got, "有问题 5 件") {
			t.Errorf("dry run summary: %q", got)
		}
		report := strings.Join(tb.texts("[data-testid=dry-run-report] tbody tr"), "\n")
		for _, want := range []string{"付城", "宅基地打架", "土地纠纷", "Excel", "合计"} {
			if !strings.Contains(report, want) {
				t.Errorf("the report lacks %q:\n%s", want, report)
			}
		}
		tb.shot("import-dry-run-1366x768")

		// Map the office's words; 付城 is 附城镇, nothing guessed it.
		fucheng, _ := srv.Store.RegionByCode(ctx, "622922100")
		for sel, code := range map[string]string{
			`[data-testid="word-category-土地纠纷"]`:  "dispute.land",
			`[data-testid="word-category-劳资纠纷"]`:  "dispute.labour",
			`[data-testid="word-category-宅基地打架"]`: "dispute.housing",
			`[data-testid="word-township-付城"]`:    fucheng.Code,
		} {
			tb.do("map "+sel, chromedp.SetValue(chromedp.CSS(sel), code))
		}
		if status := tb.click(`[data-testid=mapping-save]`); status != 200 {
			t.Fatalf("save the mapping: %d %q", status, tb.texts("[data-testid=error]"))
		}
		if got := tb.text("[data-testid=dry-run-summary]"); !strings.Contains(got, "可导入 4 件") || !strings.Contains(got, "有问题 1 件") {
			t.Fatalf("after mapping: %q", got)
		}
		tb.acceptDialogs.Store(true)
		if status := tb.click(`[data-testid=import-run]`); status != 200 {
			t.Fatalf("run: %d", status)
		}
		if msg := tb.dialog(); !strings.Contains(msg, "4 件") {
			t.Errorf("the run asks %q", msg)
		}
		if tb.location() != "/admin/imports?notice=import_started" {
			t.Fatalf("after starting, on %s", tb.location())
		}
		// The page follows the run to its end (it reloads itself while one runs).
		var state string
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			runs, _ := srv.Store.ImportRuns(ctx, 0, 1)
			if len(runs) == 1 && runs[0].State == store.ImportDone {
				tb.open("/admin/imports")
				state = tb.text("[data-testid=run-state]")
				break
			}
		}
		if state != "已完成" || tb.text("[data-testid=run-added]") != "4" {
			t.Fatalf("the run shows %q, %q added", state, tb.text("[data-testid=run-added]"))
		}
		tb.shot("import-runs-1366x768")
		if n, _ := srv.Store.CountCases(ctx); n != before+4 {
			t.Fatalf("%d cases, want %d", n, before+4)
		}
	})
}
