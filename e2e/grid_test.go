package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// gridPhoneWidth is a small phone's width in CSS pixels, the grid pages' target.
const gridPhoneWidth, gridPhoneHeight = 375, 667

// fitsPhone says how the page fails to fit a gridPhoneWidth screen, "" when it fits.
func fitsPhone(tb *tab) string {
	tb.t.Helper()
	w := eval[pageWidth](tb, `({scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth})`)
	if w.Inner != gridPhoneWidth || w.Scroll > w.Inner || w.Body > w.Inner {
		return fmt.Sprintf("%s does not fit a %d px phone: innerWidth %d, scrollWidth %d (body %d)", tb.location(), gridPhoneWidth, w.Inner, w.Scroll, w.Body)
	}
	return ""
}

// tapTarget fails the test unless sel is a thumb-sized target within the screen.
func tapTarget(t *testing.T, tb *tab, sel string) {
	t.Helper()
	b := eval[box](tb, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
		return {left: r.left, right: r.right, height: r.height, width: r.width}; })()`)
	if b.Left < 0 || b.Right > gridPhoneWidth || b.Height < 44 || b.Width < gridPhoneWidth/2 {
		t.Errorf("%s is %.0f×%.0f px at %.0f–%.0f: not a thumb-sized target on a %d px phone", sel, b.Width, b.Height, b.Left, b.Right, gridPhoneWidth)
	}
}

// writePNG makes a small real photo for the file input.
func writePNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := 0; x < 24; x++ {
		for y := 0; y < 16; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 10), uint8(y * 15), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// On a phone, the grid worker goes from the home page to the grid desk, reports an
// event with a photo taken on the spot, lands on the case's compact page, and later
// records a return visit on it in two taps: the case in the list, then a preset note.
func TestGridWorkerReportsAndVisitsOnAPhone(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		ctx := context.Background()
		tb := b.newTab(t, srv.URL)
		tb.do("emulate a phone", chromedp.EmulateViewport(gridPhoneWidth, gridPhoneHeight,
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
		tb.mustLogin("fucheng.grid", demo.Password)
		var wide []string
		check := func() {
			if o := fitsPhone(tb); o != "" {
				wide = append(wide, o)
			}
		}

		// Signing in lands on /grid; the home page leads there too.
		check()
		if status := tb.open("/"); status != 200 {
			t.Fatalf("GET / = %d", status)
		}
		tapTarget(t, tb, "[data-testid=grid-link]")
		if status := tb.load("tap the grid desk", chromedp.Tap(chromedp.CSS("[data-testid=grid-link]"))); status != 200 || tb.location() != "/grid" {
			t.Fatalf("tap the grid desk: %d on %s", status, tb.location())
		}
		check()
		tapTarget(t, tb, "[data-testid=grid-report-link]")
		if status := tb.load("tap report", chromedp.Tap(chromedp.CSS("[data-testid=grid-report-link]"))); status != 200 || tb.location() != "/grid/report" {
			t.Fatalf("tap report: %d on %s", status, tb.location())
		}
		check()
		if !tb.has("[data-geolocate]:not([hidden])") {
			t.Error("the location button is not offered")
		}

		cats, err := st.Categories(ctx, store.CategoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var catID int64
		for _, c := range cats {
			if c.Code == "dispute.neighbour" {
				catID = c.ID
			}
		}
		gridRegion, err := st.RegionByCode(ctx, "62292210020101")
		if err != nil {
			t.Fatal(err)
		}
		tb.do("choose the category", chromedp.SetValue(chromedp.CSS(`select[name=category_id]`), strconv.FormatInt(catID, 10)))
		tb.do("choose the grid", chromedp.SetValue(chromedp.CSS(`select[name=region_id]`), strconv.FormatInt(gridRegion.ID, 10)))
		tb.fill(`input[name=address]`, "高丰村三社水井旁")
		tb.fill(`textarea[name=description]`, "两户村民因共用水井的使用时间发生争吵，一方情绪激动。")
		tb.fill(`input[name=party_name]`, "王某")
		tb.do("take a photo", chromedp.SetUploadFiles(chromedp.CSS(`input[name=photos]`), []string{writePNG(t)}))
		if n := eval[int](tb, `document.querySelectorAll("[data-grid-previews] img").length`); n != 1 {
			t.Errorf("%d photo previews, want 1", n)
		}
		tapTarget(t, tb, "[data-testid=grid-submit]")
		if status := tb.load("tap send", chromedp.Tap(chromedp.CSS("[data-testid=grid-submit]"))); status != 200 {
			t.Fatalf("send the report: %d on %s: %q", status, tb.location(), tb.texts("[data-testid=error]"))
		}
		m := regexp.MustCompile(`^/grid/cases/(\d+)\?done=reported$`).FindStringSubmatch(tb.location())
		if m == nil {
			t.Fatalf("after sending, on %s: %q", tb.location(), tb.texts(".field-error"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		check()
		if got := tb.text(".notice"); !strings.Contains(got, "事件已上报") {
			t.Errorf("notice after reporting: %q", got)
		}
		c, err := st.Case(ctx, id, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Channel != model.ChannelGrid || c.GridID != gridRegion.ID {
			t.Errorf("the reported case: channel %s grid %d", c.Channel, c.GridID)
		}
		if atts, err := st.Attachments(ctx, id); err != nil || len(atts) != 1 || atts[0].ContentType != "image/png" {
			t.Errorf("the photo: %+v %v", atts, err)
		}
		if !tb.has("[data-testid=grid-attachments] a") {
			t.Error("the compact page does not list the photo")
		}

		// Later, from the grid desk: two taps record a return visit.
		tb.open("/grid")
		sel := fmt.Sprintf(`[data-testid=grid-case][data-case-id="%d"]`, id)
		tapTarget(t, tb, sel)
		if status := tb.load("tap the case", chromedp.Tap(chromedp.CSS(sel))); status != 200 {
			t.Fatalf("tap the case: %d", status)
		}
		check()
		preset := `[data-testid=grid-preset][value="当事人情绪稳定"]`
		tapTarget(t, tb, preset)
		if status := tb.load("tap a preset note", chromedp.Tap(chromedp.CSS(preset))); status != 200 {
			t.Fatalf("tap the preset: %d", status)
		}
		if got := tb.text(".notice"); !strings.Contains(got, "回访已记录") {
			t.Errorf("notice after the visit: %q", got)
		}
		incidents, err := st.Incidents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(incidents) != 1 || incidents[0].Kind != model.IncidentReturnVisit || incidents[0].Note != "当事人情绪稳定" {
			t.Fatalf("incidents after two taps: %+v", incidents)
		}
		if len(wide) > 0 {
			t.Error(strings.Join(wide, "\n"))
		}
	})
}
