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
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// publicPhoto writes a small PNG, as a phone's camera would leave a photo, and
// returns its path.
func publicPhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 5), B: 90, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "隐患.png")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// choose sets a <select> as a person picking an option would, and returns its value.
func publicChoose(tb *tab, sel, value string) string {
	tb.t.Helper()
	return eval[string](tb, `(() => { const s = document.querySelector(`+jsString(sel)+`); s.value = `+jsString(value)+`;
		s.dispatchEvent(new Event("change", {bubbles: true})); return s.value; })()`)
}

// A citizen on a phone, without an account, reports a fire hazard with a photo from
// the public portal, picking the township then the village; gets the tracking code
// and its QR code; follows the case with the code and the last 4 digits of the phone;
// and once the township's staff have handled, resolved and verified it, rates it
// 满意, which is the return visit.
func TestPublicPhotoReport(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		tb := b.newTab(t, srv.URL)
		tb.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(3)))
		if status := tb.open("/p/"); status != 200 {
			t.Fatalf("GET /p/ = %d", status)
		}
		tb.checkText("main h1", i18n.T(zh, "public.form.title"))
		if tb.has(".sidenav") {
			t.Error("the public page shows the staff navigation")
		}
		if o := overflow(tb); o != "" {
			t.Error(o)
		}
		tb.do("tap 安全隐患", chromedp.Tap(chromedp.CSS(`input[name=kind][value=hazard]`)))
		kinds := eval[[]string](tb, `Array.from(document.querySelectorAll('select[name=category] optgroup'), g => g.dataset.kind)`)
		if len(kinds) != 1 || kinds[0] != "hazard" {
			t.Errorf("the category list offers %v, want only hazard's", kinds)
		}
		if got := publicChoose(tb, `select[name=category]`, "hazard.fire"); got != "hazard.fire" {
			t.Fatalf("category %q", got)
		}
		// The place picker: township, then its villages.
		if !tb.has(`select[data-town-select]`) || !eval[bool](tb, `document.querySelector('select[name=region]').hidden`) {
			t.Fatal("the place picker was not split into township and village")
		}
		if eval[bool](tb, `document.querySelector('select[data-village-select]').disabled`) != true {
			t.Error("the village list is open before a township is chosen")
		}
		publicChoose(tb, `select[data-town-select]`, "622922100")
		villages := eval[int](tb, `document.querySelectorAll('select[data-village-select] option[value]:not([value=""])').length`)
		if villages < 2 {
			t.Errorf("附城镇 offers %d places", villages)
		}
		publicChoose(tb, `select[data-village-select]`, "622922100200")
		if got := tb.value(`select[name=region]`); got != "622922100200" {
			t.Errorf("the form sends the place %q", got)
		}
		for _, sel := range []string{`select[data-town-select]`, `select[data-village-select]`, `textarea[name=description]`, `input[name=phone]`, `[data-testid=submit]`} {
			checkOnScreen(t, tb, sel)
		}
		tb.fill(`input[name=address]`, "高林湾村三社村口")
		tb.fill(`textarea[name=description]`, "村口小卖部门前堆放十几个液化气罐，旁边就是柴草垛，十分危险。")
		tb.fill(`input[name=phone]`, "13893001122")
		tb.do("choose a photo", chromedp.SetUploadFiles(chromedp.CSS(`input[name=photos]`), []string{publicPhoto(t)}))
		if status := tb.load("tap 提交", chromedp.Tap(chromedp.CSS(`[data-testid=submit]`))); status != 200 {
			t.Fatalf("submit: %d on %s: %q", status, tb.location(), tb.texts("[data-testid=error]"))
		}
		if loc := tb.location(); !strings.HasPrefix(loc, "/p/submitted?code=") {
			t.Fatalf("after submitting on %s: %q", loc, tb.texts("[data-testid=error]"))
		}
		code := tb.text("[data-testid=tracking-code]")
		if len(code) != 12 {
			t.Fatalf("tracking code %q", code)
		}
		tb.do("wait for the QR code", chromedp.WaitVisible(chromedp.CSS(`[data-testid=qr]`)))
		if w := eval[int](tb, `document.querySelector('[data-testid=qr]').naturalWidth`); w < 100 {
			t.Errorf("the QR code image is %d px wide", w)
		}
		if o := overflow(tb); o != "" {
			t.Error(o)
		}
		cs, err := st.Cases(context.Background(), store.CaseFilter{TrackingCode: code, Limit: 1}, store.CaseScope{All: true})
		if err != nil || len(cs) != 1 {
			t.Fatalf("the case of %s: %v", code, err)
		}
		kase := cs[0]
		if atts, _ := st.Attachments(context.Background(), kase.ID); len(atts) != 1 || atts[0].ContentType != "image/png" {
			t.Errorf("the photo was not kept: %+v", atts)
		}

		// Follow it: the link carries the code; the page asks for the phone's last 4.
		if status := tb.load("tap 查询办理进度", chromedp.Tap(chromedp.CSS(`[data-testid=track-link]`))); status != 200 {
			t.Fatalf("tracking page: %d", status)
		}
		if got := tb.value(`input[name=code]`); got != code {
			t.Errorf("the tracking form holds %q, want %q", got, code)
		}
		lookUp := func() {
			t.Helper()
			tb.fill(`input[name=last4]`, "1122")
			if status := tb.load("tap 查询", chromedp.Tap(chromedp.CSS(`[data-testid=track]`))); status != 200 {
				t.Fatalf("look up: %d %q", status, tb.texts("[data-testid=error]"))
			}
		}
		lookUp()
		tb.checkText("[data-testid=state]", i18n.T(zh, "public.state.registered"))
		if o := overflow(tb); o != "" {
			t.Error(o)
		}

		// The township's staff take it, through the API.
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		for _, step := range []struct {
			who   *testutil.Client
			do    string
			in    map[string]any
			state string
		}{
			{clerk, "accept", nil, "accepted"},
			{clerk, "handle", nil, "in_progress"},
			{mediator, "resolve", map[string]any{"outcome": "rectified", "note": "已联系店主清走气罐"}, "resolved"},
			{clerk, "verify", nil, "verified"},
		} {
			resp, raw := step.who.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", kase.ID, step.do), step.in)
			var cj struct {
				State string `json:"state"`
			}
			testutil.DecodeJSON(t, raw, &cj)
			if resp.StatusCode != 200 || cj.State != step.state {
				t.Fatalf("%s: %d %s", step.do, resp.StatusCode, raw)
			}
		}

		if status := tb.open("/p/track?code=" + code); status != 200 {
			t.Fatalf("reopen the tracking page: %d", status)
		}
		lookUp()
		tb.checkText("[data-testid=state]", i18n.T(zh, "public.state.verified"))
		steps := eval[[]string](tb, `Array.from(document.querySelectorAll('[data-testid=timeline] li'), li => li.dataset.step)`)
		if want := []string{"registered", "accepted", "handled_here", "resolved", "verified"}; strings.Join(steps, ",") != strings.Join(want, ",") {
			t.Errorf("timeline %v, want %v", steps, want)
		}
		if body := tb.text("main"); strings.Contains(body, "已联系店主") {
			t.Error("the public timeline shows the staff's note")
		}
		if !tb.has(`a[data-testid=book][href="/p/book?code=` + code + `"]`) {
			t.Error("no 预约接访 link")
		}
		tb.do("tap 满意", chromedp.Tap(chromedp.CSS(`input[name=satisfaction][value=satisfied]`)))
		tb.fill(`textarea[name=comment]`, "处理及时，谢谢！")
		if status := tb.load("tap 提交评价", chromedp.Tap(chromedp.CSS(`[data-testid=rate]`))); status != 200 {
			t.Fatalf("rate: %d %q", status, tb.texts("[data-testid=error]"))
		}
		tb.checkText("[data-testid=notice]", i18n.T(zh, "public.rate.thanks"))
		tb.checkText("[data-testid=state]", i18n.T(zh, "public.state.followed_up"))
		if tb.has("[data-testid=rate-form]") {
			t.Error("the rating form is still offered")
		}
		got, err := st.Cases(context.Background(), store.CaseFilter{TrackingCode: code, Limit: 1}, store.CaseScope{All: true})
		if err != nil || got[0].State != "followed_up" || got[0].Satisfaction != "satisfied" {
			t.Errorf("after the rating: %+v %v", got, err)
		}
	})
}
