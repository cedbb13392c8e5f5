package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestRetentionPageInTheBrowser: the county admin opens 保管期限 from the admin
// navigation, is told which field a bad period breaks, and sets one.
func TestRetentionPageInTheBrowser(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		tb := b.newTab(t, srv.URL)
		tb.desktop()
		tb.mustLogin("county.admin", demo.Password)
		if status := tb.click(`a[href="/admin/retention"]`); status != 200 {
			t.Fatalf("open 保管期限: %d", status)
		}
		tb.do("the kind", chromedp.SetValue(chromedp.CSS(`select[name=kind]`), "dispute"))
		tb.fill(`input[name=years]`, "101")
		tb.fill(`input[name=basis]`, "县档案馆保管期限表第12条")
		tb.expectStatus(422)
		if status := tb.click(`[data-testid=retention-form] button.primary`); status != 422 {
			t.Fatalf("101 years: %d", status)
		}
		if got := tb.text(`[data-testid=field-error-years]`); !strings.Contains(got, "100") {
			t.Fatalf("the years' error: %q", got)
		}
		tb.do("the years", chromedp.SetValue(chromedp.CSS(`input[name=years]`), "15"))
		if status := tb.click(`[data-testid=retention-form] button.primary`); status != 200 || !strings.HasPrefix(tb.location(), "/admin/retention?") {
			t.Fatalf("save: %d on %s %q", status, tb.location(), tb.texts(".field-error"))
		}
		if got := tb.text(`[data-testid=retention] tr[data-kind=dispute]`); !strings.Contains(got, "15") || !strings.Contains(got, "county.admin") {
			t.Fatalf("the dispute row after saving: %q", got)
		}
		tb.shot("retention-1366x768")
	})
}
