package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// An integrator opens the API reference without an account, on a laptop and on a
// phone, follows the table of contents to registering a case, and finds its body's
// fields and its example; the page links the machine-readable description.
func TestAPIReference(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		for _, size := range []struct {
			name string
			w, h int64
		}{{"1366", 1366, 768}, {"phone", 390, 844}} {
			tb := b.newTab(t, srv.URL)
			tb.do("size the window", chromedp.EmulateViewport(size.w, size.h))
			if status := tb.open("/help/api"); status != 200 {
				t.Fatalf("reference page: status %d", status)
			}
			tb.checkText("main h1", i18n.T(zh, "apidoc.page.title"))
			if got := tb.text(`[data-testid=openapi-json]`); got != "/api/v1/openapi.json" {
				t.Fatalf("the description's link reads %q", got)
			}
			shot(t, tb, "api-reference-top-"+size.name+"-"+string(srv.Store.Dialect()))
			tb.do("follow the contents to registering a case", chromedp.Click(chromedp.CSS(`nav.apiref-toc a[href="#post_cases"]`)))
			if !tb.has(`[data-testid=op-post_cases] details`) {
				t.Fatal("registering a case shows no example")
			}
			if n := eval[int](tb, `document.querySelectorAll("[data-testid=op-post_cases] table")[0].querySelectorAll("tbody tr").length`); n < 15 {
				t.Fatalf("registering a case lists %d body fields", n)
			}
			if got := eval[float64](tb, `Math.round(document.querySelector("[data-testid=op-post_cases]").getBoundingClientRect().top) | 0`); got < -5 || got > 50 {
				t.Fatalf("the contents' link left the operation at %v px", got)
			}
			if overflow := eval[bool](tb, `document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`); overflow {
				t.Errorf("%s: the page is wider than the window", size.name)
			}
			shot(t, tb, "api-reference-post-cases-"+size.name+"-"+string(srv.Store.Dialect()))
		}
	})
}

// shot saves what the window shows (the reference is too long for a full-page
// picture) where ONEDOOR_SCREENSHOTS says, and logs where.
func shot(t *testing.T, tb *tab, name string) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("ONEDOOR_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", path)
}
