package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The administrator keeps 信访 cases 永久 from the deadlines page's retention table,
// in place: the row then says 永久, with the grounds given.
func TestRetentionPeriodSetOnTheDeadlinesPage(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		admin := b.newTab(t, srv.URL)
		admin.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		admin.mustLogin("county.admin", demo.Password)
		if status := admin.click(`nav.sidenav a[href="/admin/deadlines"]`); status != 200 {
			t.Fatalf("deadlines page: status %d", status)
		}
		admin.checkText("#retention", i18n.T(zh, "retention.title"))
		const form = `[data-testid=retention-petition]`
		if got := admin.value(form + ` input[name=years]`); got != "30" {
			t.Fatalf("信访 kept %q years, want the default 30", got)
		}
		admin.do("keep 信访 forever", chromedp.SetValue(chromedp.CSS(form+` input[name=years]`), "0"),
			chromedp.SetValue(chromedp.CSS(form+` input[name=basis]`), "县档案馆保管期限表：信访材料永久"))
		if status := admin.click(form + ` button`); status != 200 {
			t.Fatalf("save: %d on %s: %q", status, admin.location(), admin.texts(".field-error"))
		}
		admin.checkText("p.notice", i18n.T(zh, "notice.saved"))
		row := admin.text(`[data-testid=retention] tr:has(` + form + `)`)
		if !strings.Contains(row, i18n.T(zh, "retention.permanent")) || !strings.Contains(admin.value(form+` input[name=basis]`), "永久") {
			t.Fatalf("the petition row after saving: %q", row)
		}
		admin.fullShot("retention-1366")
	})
}
