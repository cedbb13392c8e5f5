package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestRiskRulesAdmin has the county admin raise the red threshold on the warning rules
// page, be refused thresholds out of order next to them, and restore the defaults
// after confirming.
func TestRiskRulesAdmin(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		cs := srv.App.Cases()
		red := func() int {
			t.Helper()
			r, _, err := cs.RiskRules(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return r.Thresholds.Red
		}
		const redField, orangeField = `input[name="thresholds.red"]`, `input[name="thresholds.orange"]`

		tb := b.newTab(t, srv.URL)
		tb.mustLogin("county.admin", demo.Password)
		if status := tb.click(`nav.sidenav a[href="/admin/risk"]`); status != 200 {
			t.Fatalf("risk rules page: status %d", status)
		}
		tb.checkText("main h1", i18n.T(zh, "risk_rules.title"))
		tb.checkText("[data-testid=risk-rules-status]", i18n.T(zh, "risk_rules.status_default"))
		if got := tb.value(redField); got != "90" {
			t.Fatalf("red threshold shows %q, want the default 90", got)
		}

		tb.do("set the red threshold", chromedp.SetValue(chromedp.CSS(redField), "95"))
		if status := tb.click(`[data-testid=risk-rules-save]`); status != 200 {
			t.Fatalf("save: status %d on %s: %q", status, tb.location(), tb.texts("[data-testid=error], .field-error"))
		}
		if loc := tb.location(); loc != "/admin/risk?notice=saved" {
			t.Errorf("after saving on %s, want the page with the saved notice", loc)
		}
		tb.checkText("p.notice", i18n.T(zh, "notice.saved"))
		tb.checkText("[data-testid=risk-rules-status]", i18n.T(zh, "risk_rules.status_custom"))
		if got := tb.value(redField); got != "95" {
			t.Errorf("red threshold shows %q after saving, want 95", got)
		}
		if got := red(); got != 95 {
			t.Fatalf("the rules in force have red at %d, want 95", got)
		}

		// Orange above red is refused next to the thresholds, what was typed kept.
		tb.expectStatus(422)
		tb.do("set the orange threshold", chromedp.SetValue(chromedp.CSS(orangeField), "99"))
		if status := tb.click(`[data-testid=risk-rules-save]`); status != 422 {
			t.Errorf("thresholds out of order: status %d, want 422", status)
		}
		if got := tb.text("[data-testid=field-error-thresholds]"); got != i18n.T(zh, "risk_rules.err.order") {
			t.Errorf("thresholds error = %q, want %q", got, i18n.T(zh, "risk_rules.err.order"))
		}
		if got := tb.value(orangeField); got != "99" {
			t.Errorf("orange threshold holds %q after the refusal, want 99", got)
		}
		if got := red(); got != 95 {
			t.Fatalf("a refused save changed red to %d", got)
		}

		// Restore the defaults, after confirming.
		tb.acceptDialogs.Store(true)
		if status := tb.click(`[data-testid=risk-rules-reset]`); status != 200 {
			t.Fatalf("reset: status %d", status)
		}
		if msg := tb.dialog(); msg != i18n.T(zh, "risk_rules.confirm_reset") {
			t.Errorf("confirmation asks %q, want %q", msg, i18n.T(zh, "risk_rules.confirm_reset"))
		}
		tb.checkText("[data-testid=risk-rules-status]", i18n.T(zh, "risk_rules.status_default"))
		if got := red(); got != 90 {
			t.Errorf("after the reset red is %d, want 90", got)
		}
	})
}
