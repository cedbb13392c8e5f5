package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestPlatformPagesInTheBrowser: the county admin configures a 12345 platform, a
// pushed order whose category code has no mapping waits in the 待映射 list, and the
// admin maps the code there, which registers the order.
func TestPlatformPagesInTheBrowser(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		tb := b.newTab(t, srv.URL)
		tb.desktop()
		tb.mustLogin("county.admin", demo.Password)
		if status := tb.click(`a[href="/admin/platforms"]`); status != 200 {
			t.Fatalf("open 工单平台: %d", status)
		}
		if status := tb.click(`a[href="/admin/platforms/new"]`); status != 200 {
			t.Fatalf("open 新增平台: %d", status)
		}
		tb.fill(`input[name=code]`, "ls12345")
		tb.fill(`input[name=name]`, "临夏州12345热线")
		tb.fill(`input[name=secret]`, "short")
		tb.shot("platform-form-1366x768")
		tb.expectStatus(422)
		if status := tb.click(`form.form button.primary`); status != 422 {
			t.Fatalf("a short secret: %d", status)
		}
		if got := tb.text(`[data-testid=field-error-secret]`); !strings.Contains(got, "16") {
			t.Fatalf("the secret's error: %q", got)
		}
		const secret = "s3cret-shared-with-12345"
		tb.fill(`input[name=secret]`, secret)
		tb.do("the mapping", chromedp.SetValue(chromedp.CSS(`textarea[name=mapping]`),
			`{"fields": {"external_id": "gdbh", "description": "sqnr", "category": "lbdm", "region": "qydm"}, "categories": {}, "regions": {"622922": "622922"}}`))
		if status := tb.click(`form.form button.primary`); status != 200 || !strings.HasPrefix(tb.location(), "/admin/platforms?") {
			t.Fatalf("save: %d on %s %q", status, tb.location(), tb.texts(".field-error"))
		}
		if got := tb.text(`[data-testid=secret-hint]`); strings.Contains(got, secret) || !strings.HasSuffix(got, "45") {
			t.Fatalf("the secret as listed: %q", got)
		}
		tb.shot("platforms-list-1366x768")

		// The platform pushes an order of a category nobody mapped yet.
		body, _ := json.Marshal(map[string]any{"gdbh": "GD0001", "sqnr": "反映某工地拖欠工资", "lbdm": "0301", "qydm": "622922"})
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/platforms/ls12345/orders", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(adapters.DefaultTimestampHeader, ts)
		req.Header.Set(adapters.DefaultSignatureHeader, adapters.Sign(secret, ts, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusAccepted {
			t.Fatalf("push: %v %v", resp, err)
		}
		resp.Body.Close()
		before, _ := srv.Store.CountCases(ctx)

		tb.open("/admin/platforms")
		if status := tb.click(`[data-testid=parked-count]`); status != 200 {
			t.Fatalf("open 待映射: %d", status)
		}
		if got := strings.Join(tb.texts(`[data-testid=parked] tbody tr`), "\n"); !strings.Contains(got, "GD0001") || !strings.Contains(got, "0301") {
			t.Fatalf("the parked list: %q", got)
		}
		tb.do("map 0301", chromedp.SetValue(chromedp.CSS(`[data-testid="resolve-category-0301"] select`), "dispute.labour"))
		tb.shot("platform-parked-1366x768")
		if status := tb.click(`[data-testid="resolve-category-0301"] button`); status != 200 {
			t.Fatalf("resolve: %d %q", status, tb.texts(".field-error"))
		}
		if got := tb.text(`[data-testid=registered]`); !strings.Contains(got, "1") {
			t.Fatalf("after mapping: %q", got)
		}
		if after, _ := srv.Store.CountCases(ctx); after != before+1 {
			t.Fatalf("cases %d → %d", before, after)
		}
		tb.shot("platform-resolved-1366x768")

		// The same pages on a phone: nothing runs past the screen's edge; a wide
		// table scrolls inside its own box.
		tb.do("a phone's screen", chromedp.EmulateViewport(390, 844))
		for _, page := range []struct{ path, name string }{
			{"/admin/platforms", "platforms-list-phone"},
			{"/admin/platforms/new", "platform-form-phone"},
		} {
			if status := tb.open(page.path); status != 200 {
				t.Fatalf("%s: %d", page.path, status)
			}
			if overflow := eval[bool](tb, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`); overflow {
				t.Errorf("%s is wider than a phone's screen", page.path)
			}
			tb.fullShot(page.name)
		}
		if status := tb.open("/admin/platforms"); status != 200 {
			t.Fatalf("the list: %d", status)
		}
		if status := tb.click(`[data-testid=platforms] .row-actions a[href$="/parked"]`); status != 200 {
			t.Fatalf("待映射 on a phone: %d", status)
		}
		if overflow := eval[bool](tb, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`); overflow {
			t.Errorf("待映射 is wider than a phone's screen")
		}
		tb.fullShot("platform-parked-phone")
	})
}
