package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestExportJobProgress: a county leader exports a long list as a workbook; the page
// runs it as a job, shows its rows as they are written, and offers the file when it
// is ready, which downloads.
func TestExportJobProgress(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		if err := demo.GenerateCases(context.Background(), srv.Store, 2500, 7); err != nil {
			t.Fatal(err)
		}
		tb := b.newTab(t, srv.URL)
		tb.do("size the window", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.leader", demo.Password)
		if status := tb.open("/cases?queue=all"); status != 200 {
			t.Fatalf("list: %d", status)
		}
		if !tb.has("[data-testid=export-xlsx][data-export-job]") {
			t.Fatalf("a list of %s does not export as a job", tb.text("[data-testid=list-total]"))
		}
		tb.do("start the export", chromedp.Click(chromedp.CSS("[data-testid=export-xlsx]")))
		tb.do("wait for the file", chromedp.WaitVisible(`[data-testid=export-download]`))
		progress := tb.text("[data-testid=export-progress]")
		if !strings.Contains(progress, "导出完成") || !strings.Contains(progress, "行") {
			t.Errorf("progress says %q", progress)
		}
		href := eval[string](tb, `document.querySelector("[data-testid=export-download]").getAttribute("href")`)
		if !strings.HasPrefix(href, "/api/v1/exports/") || !strings.HasSuffix(href, "/file") {
			t.Fatalf("download link %q", href)
		}
		status := eval[float64](tb, `fetch(`+jsString(href)+`).then(r => r.status)`, func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes })
		if status != 200 {
			t.Errorf("the file answers %v", status)
		}
		tb.shot("export-job-1366x768")
	})
}
