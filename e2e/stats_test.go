package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// screenshot saves the whole page as name.png in ONEDOOR_SCREENSHOTS (or the test's
// temporary directory) for a person to look at, and returns the path.
func screenshot(t *testing.T, tb *tab, name string) string {
	t.Helper()
	dir := os.Getenv("ONEDOOR_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The county leader signs in to the dashboard of a county with two years of cases:
// the headline figures are there with their trends, the charts are drawn, the
// region table lists the townships; the intake number opens the case list holding
// as many cases, and a township's name drills into its own dashboard.
func TestStatsDashboard(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		if err := demo.GenerateCases(context.Background(), srv.Store, 4000, 5); err != nil {
			t.Fatal(err)
		}
		tb := b.newTab(t, srv.URL)
		tb.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.leader", demo.Password)
		tb.checkText("main h1", i18n.T(zh, "stats.title"))
		tb.do("wait for the charts", chromedp.WaitVisible(`#chart-days[data-drawn=true] canvas`))
		t.Logf("dashboard: %s", screenshot(t, tb, "dashboard-1366-"+string(srv.Store.Dialect())))

		intake := tb.text(`[data-testid=stat-intake]`)
		if n, err := strconv.Atoi(intake); err != nil || n == 0 {
			t.Fatalf("this month's intake reads %q", intake)
		}
		if rows := len(tb.texts(`[data-testid=stats-regions] tbody tr`)); rows < 3 {
			t.Errorf("the region table has %d rows", rows)
		}
		if status := tb.click(`[data-testid=stat-intake]`); status != 200 {
			t.Fatalf("the intake list: %d", status)
		}
		if got := eval[string](tb, `document.querySelector("[data-testid=figure-list]").dataset.total`); got != intake {
			t.Errorf("intake %s, its list holds %s", intake, got)
		}
		tb.open("/stats?period=year")
		township := tb.text(`[data-testid=stats-regions] tbody tr:nth-child(2) [data-testid=drill]`)
		if status := tb.click(`[data-testid=stats-regions] tbody tr:nth-child(2) [data-testid=drill]`); status != 200 {
			t.Fatalf("drill into %s: %d", township, status)
		}
		if crumbs := tb.texts(`[data-testid=stats-crumbs] li`); len(crumbs) != 2 || !strings.Contains(crumbs[1], township) {
			t.Errorf("after drilling into %s the path reads %v", township, crumbs)
		}
		tb.do("wait for the charts", chromedp.WaitVisible(`#chart-days[data-drawn=true] canvas`), chromedp.Sleep(300*time.Millisecond))
		t.Logf("township: %s", screenshot(t, tb, "dashboard-township-"+string(srv.Store.Dialect())))
		if status := tb.click(`[data-testid=monthly-link]`); status != 200 {
			t.Fatalf("the monthly report: %d", status)
		}
		if !strings.Contains(tb.text(".monthly-title"), township) {
			t.Errorf("the monthly report of %s is titled %q", township, tb.text(".monthly-title"))
		}
		t.Logf("monthly: %s", screenshot(t, tb, "monthly-"+string(srv.Store.Dialect())))

		// The 月报 by lead department, and the report builder's table by department on
		// an A4 sheet as it prints.
		if status := tb.click(`[data-testid=monthly-other]`); status != 200 {
			t.Fatalf("the monthly report by department: %d", status)
		}
		// A township of the demo may have no departments and no cases: the total row
		// stands alone then.
		if rows := len(tb.texts(`[data-testid=monthly-departments] tbody tr`)); rows < 1 {
			t.Errorf("the monthly report by department has %d rows", rows)
		}
		if head := tb.texts(`[data-testid=monthly-departments] thead th`); head[0] != i18n.T(zh, "stats.field.lead_department_id") {
			t.Errorf("the monthly report's rows are headed %q", head)
		}
		tb.open("/stats/report")
		tb.do("rows by department", chromedp.Click(`[data-testid=report-form] input[value=departments]`),
			chromedp.Click(`[data-testid=report-form] input[value=escalated]`))
		if status := tb.click(`[data-testid=report-form] button.primary`); status != 200 {
			t.Fatalf("make the report: %d", status)
		}
		if heads := tb.texts(`[data-testid=report-table] thead th`); len(heads) != 8 || heads[0] != i18n.T(zh, "stats.rows.departments") {
			t.Errorf("the report's columns read %v", heads)
		}
		tb.do("an A4 sheet's width", chromedp.EmulateViewport(794, 1123))
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		t.Logf("report: %s", screenshot(t, tb, "report-a4-"+string(srv.Store.Dialect())))
	})
}
