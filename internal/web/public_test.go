package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// publicPNG is a small photo made in the test.
func publicPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 8; i++ {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// publicReport is a valid submission of the public form: a fire hazard in a village
// of 附城镇, whose centre has the clerks.
func publicReport() url.Values {
	return url.Values{"kind": {"hazard"}, "category": {"hazard.fire"}, "region": {"622922100200"},
		"address": {"高林湾村三社"}, "description": {"村口小卖部门前堆放十几个液化气罐，旁边就是柴草垛。"},
		"phone": {"13893001122"}, "name": {"王秀英"}}
}

// publicPost sends form as multipart, with photos, to path.
func publicPost(t *testing.T, c *testutil.Client, base, path string, form url.Values, photos map[string][]byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range photos {
		fw, err := mw.CreateFormFile("photos", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, raw := c.Send(req)
	return resp, string(raw)
}

// publicForm posts an urlencoded form.
func publicForm(t *testing.T, c *testutil.Client, base, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, raw := c.Send(req)
	return resp, string(raw)
}

func publicGet(t *testing.T, c *testutil.Client, base, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	resp, raw := c.Send(req)
	return resp, string(raw)
}

// publicSubmit submits form and returns the tracking code it was given.
func publicSubmit(t *testing.T, c *testutil.Client, base string, form url.Values, photos map[string][]byte) string {
	t.Helper()
	resp, body := publicPost(t, c, base, "/p/", form, photos)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/p/submitted?code=") {
		t.Fatalf("submit: %d %s %s", resp.StatusCode, loc, publicAlert(body))
	}
	return strings.TrimPrefix(loc, "/p/submitted?code=")
}

var publicAlertRe = regexp.MustCompile(`data-testid="(?:error|field-error-[a-z_]+)">([^<]*)<`)

func publicAlert(body string) string {
	var out []string
	for _, m := range publicAlertRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, " | ")
}

func publicCase(t *testing.T, st *store.Store, code string) model.Case {
	t.Helper()
	cs, err := st.Cases(context.Background(), store.CaseFilter{TrackingCode: code, Limit: 1}, store.CaseScope{All: true})
	if err != nil || len(cs) != 1 {
		t.Fatalf("case %s: %v %d", code, err, len(cs))
	}
	return cs[0]
}

// publicAct takes a staff action through the JSON API.
func publicAct(t *testing.T, c *testutil.Client, id int64, action string, in map[string]any, want string) {
	t.Helper()
	resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), in)
	var cj struct {
		State string `json:"state"`
	}
	testutil.DecodeJSON(t, raw, &cj)
	if resp.StatusCode != 200 || cj.State != want {
		t.Fatalf("%s: %d %s, want state %s", action, resp.StatusCode, raw, want)
	}
}

var zhT = func(key string, args ...any) string { return i18n.T("zh-CN", key, args...) }

// A citizen submits a photo report without an account, gets its code and QR code,
// follows it with the code and the phone's last digits, sees only the public part of
// the timeline, and rates the result: 不满意 before verification reopens it; after
// the next result is verified, 满意 is the return visit.
func TestPublicPortal(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		c := srv.NewClient(t)
		resp, body := publicGet(t, c, srv.URL, "/p/")
		if resp.StatusCode != 200 || !strings.Contains(body, `action="/p/"`) || strings.Contains(body, "sidenav") {
			t.Fatalf("GET /p/: %d", resp.StatusCode)
		}
		for _, want := range []string{`value="622922100200"`, `value="hazard.fire"`, `accept="image/*" multiple`, zhT("public.form.title")} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Error("no CSP on the public page")
		}
		if resp, _ := publicGet(t, c, srv.URL, "/p"); resp.StatusCode != http.StatusMovedPermanently {
			t.Errorf("GET /p = %d", resp.StatusCode)
		}

		// Refused input names its field and keeps what was typed.
		bad := publicReport()
		bad.Del("phone")
		resp, body = publicPost(t, c, srv.URL, "/p/", bad, nil)
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-phone"`) || !strings.Contains(body, "高林湾村三社") {
			t.Errorf("no phone: %d %s", resp.StatusCode, publicAlert(body))
		}
		bad = publicReport()
		bad.Set("category", "dispute.neighbour")
		if resp, body = publicPost(t, c, srv.URL, "/p/", bad, nil); resp.StatusCode != 422 || !strings.Contains(body, "field-error-category") {
			t.Errorf("category of another kind: %d %s", resp.StatusCode, publicAlert(body))
		}
		if resp, body = publicPost(t, c, srv.URL, "/p/", publicReport(), map[string][]byte{"a.pdf": []byte("%PDF-1.4 not a photo")}); resp.StatusCode != 422 || !strings.Contains(body, "field-error-photos") {
			t.Errorf("a PDF as a photo: %d %s", resp.StatusCode, publicAlert(body))
		}
		seven := map[string][]byte{}
		for i := 0; i < 7; i++ {
			seven[fmt.Sprintf("p%d.png", i)] = publicPNG(t)
		}
		if resp, body = publicPost(t, c, srv.URL, "/p/", publicReport(), seven); resp.StatusCode != 422 || !strings.Contains(body, zhT("public.err.photo_count", 6)) {
			t.Errorf("seven photos: %d %s", resp.StatusCode, publicAlert(body))
		}
		// Those four refusals were attempts: a fresh client address is not at hand, so
		// a new server counts afresh.
		srv = testutil.NewServer(t, st, false)
		c = srv.NewClient(t)

		code := publicSubmit(t, c, srv.URL, publicReport(), map[string][]byte{"气罐.png": publicPNG(t)})
		if len(code) != cases.TrackingCodeLen {
			t.Fatalf("code %q", code)
		}
		kase := publicCase(t, st, code)
		town, _ := st.RegionByCode(context.Background(), "622922100")
		if kase.State != "registered" || kase.Channel != model.ChannelPhoto || kase.CentreID != town.ID {
			t.Errorf("case %+v", kase)
		}
		if atts, _ := st.Attachments(context.Background(), kase.ID); len(atts) != 1 || atts[0].ContentType != "image/png" {
			t.Errorf("attachments %+v", atts)
		}
		resp, body = publicGet(t, c, srv.URL, "/p/submitted?code="+code)
		if resp.StatusCode != 200 || !strings.Contains(body, code) || !strings.Contains(body, "/p/qr/"+code+".png") {
			t.Errorf("submitted page: %d", resp.StatusCode)
		}
		if strings.Contains(body, "/cases/"+strconv.FormatInt(kase.ID, 10)) {
			t.Error("the public page names the case id")
		}
		resp, body = publicGet(t, c, srv.URL, "/p/qr/"+code+".png")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if img, err := png.Decode(strings.NewReader(body)); err != nil || img.Bounds().Dx() < 200 {
			t.Errorf("qr png: %v", err)
		}
		for _, p := range []string{"/p/qr/" + strings.ToLower(code) + ".png", "/p/qr/" + code, "/p/qr/..png"} {
			if resp, _ := publicGet(t, c, srv.URL, p); resp.StatusCode != 404 {
				t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
			}
		}
		if resp, body = publicGet(t, c, srv.URL, "/p/track?code="+code); resp.StatusCode != 200 || !strings.Contains(body, `value="`+code+`"`) {
			t.Errorf("the QR code's page does not carry the code: %d", resp.StatusCode)
		}

		track := func(last4 string) (int, string) {
			resp, body := publicForm(t, c, srv.URL, "/p/track", url.Values{"code": {code}, "last4": {last4}})
			return resp.StatusCode, body
		}
		status, body := track("1122")
		if status != 200 || !strings.Contains(body, zhT("public.state.registered")) || !strings.Contains(body, `data-step="registered"`) {
			t.Fatalf("track: %d %s", status, publicAlert(body))
		}
		if !strings.Contains(body, zhT("due.not_due")) || !strings.Contains(body, zhT("stage.accept")) {
			t.Error("the deadline is not shown")
		}
		if !strings.Contains(body, `href="/p/book?code=`+code+`"`) {
			t.Error("no booking link")
		}

		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		publicAct(t, clerk, kase.ID, "accept", nil, "accepted")
		publicAct(t, clerk, kase.ID, "comment", map[string]any{"note": "内部备注：当事人脾气急"}, "accepted")
		publicAct(t, clerk, kase.ID, "handle", nil, "in_progress")
		publicAct(t, mediator, kase.ID, "resolve", map[string]any{"outcome": "rectified", "note": "已督促清理"}, "resolved")
		_, body = track("1122")
		for _, secret := range []string{"内部备注", "脾气急", "已督促清理", demoName(t, st, "fucheng.mediator"), demoName(t, st, "fucheng.clerk")} {
			if strings.Contains(body, secret) {
				t.Errorf("the public page shows %q", secret)
			}
		}
		for _, want := range []string{`data-step="accepted"`, `data-step="handled_here"`, `data-step="resolved"`, zhT("outcome.rectified"), `data-testid="rate-form"`} {
			if !strings.Contains(body, want) {
				t.Errorf("tracking a resolved case lacks %s", want)
			}
		}

		// 不满意 before verification: the case goes back to work.
		rate := func(sat string) (int, string) {
			resp, body := publicForm(t, c, srv.URL, "/p/track/rate", url.Values{"code": {code}, "last4": {"1122"}, "satisfaction": {sat}, "comment": {"罐子还在"}})
			return resp.StatusCode, body
		}
		if status, body := rate("unsatisfied"); status != 200 || !strings.Contains(body, zhT("public.rate.thanks")) || !strings.Contains(body, zhT("public.step.reopened")) {
			t.Fatalf("rate: %d %s", status, publicAlert(body))
		}
		if k := publicCase(t, st, code); k.State != "in_progress" || k.Satisfaction != "unsatisfied" || k.Outcome != "" {
			t.Errorf("after 不满意: %s %s %q", k.State, k.Satisfaction, k.Outcome)
		}
		if status, _ := rate("satisfied"); status != 409 {
			t.Errorf("rating an open case: %d, want 409", status)
		}
		evs, _ := st.Events(context.Background(), kase.ID)
		last := evs[len(evs)-1]
		if last.Action != cases.EventEvaluate || last.ActorID != 0 || !strings.Contains(string(last.Payload), `"by":"citizen"`) || last.Note != "罐子还在" {
			t.Errorf("the evaluation event %+v %s", last, last.Payload)
		}

		// The next result, verified: 满意 is the return visit.
		publicAct(t, mediator, kase.ID, "resolve", map[string]any{"outcome": "rectified"}, "resolved")
		publicAct(t, clerk, kase.ID, "verify", nil, "verified")
		if status, body := rate("satisfied"); status != 200 || !strings.Contains(body, zhT("public.state.followed_up")) {
			t.Fatalf("rate the verified result: %d %s", status, publicAlert(body))
		}
		if k := publicCase(t, st, code); k.State != "followed_up" || k.Satisfaction != "satisfied" || k.DueAt != nil {
			t.Errorf("after the citizen's visit: %+v", k)
		}
		if status, body := rate("satisfied"); status != 409 || !strings.Contains(body, zhT("public.rate.already")) {
			t.Errorf("a second rating: %d %s", status, publicAlert(body))
		}
		evs, _ = st.Events(context.Background(), kase.ID)
		if last := evs[len(evs)-1]; last.Action != "visit" || last.ActorID != 0 || last.ToState != "followed_up" {
			t.Errorf("the visit event %+v", last)
		}
		rows, err := st.AuditRows(context.Background(), store.AuditFilter{Action: "case.citizen_rate"})
		if err != nil || len(rows) != 2 || rows[0].Actor != "群众" {
			t.Errorf("audit: %v %+v", err, rows)
		}
	})
}

// demoName is a demo account's display name.
func demoName(t *testing.T, st *store.Store, username string) string {
	t.Helper()
	u, _, err := st.UserCredentials(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.DisplayName
}

var (
	publicQuestionRe = regexp.MustCompile(`(\d+) 加 (\d+) 等于多少`)
	publicTokenRe    = regexp.MustCompile(`name="challenge_token" value="([^"]+)"`)
)

// publicChallenge reads the question and its token from a form page.
func publicChallenge(t *testing.T, body string) (answer int, token string) {
	t.Helper()
	q, tok := publicQuestionRe.FindStringSubmatch(body), publicTokenRe.FindStringSubmatch(body)
	if q == nil || tok == nil {
		t.Fatal("no challenge on the form")
	}
	a, _ := strconv.Atoi(q[1])
	b, _ := strconv.Atoi(q[2])
	return a + b, tok[1]
}

// From one address: from the third submission in an hour a sum must be answered (a
// wrong or reused answer is refused), and the sixth attempt in ten minutes is 429
// with Retry-After. Tracking: a guessed code and wrong digits get the same answer;
// five failures on a code stop its lookups; the 21st lookup in ten minutes is 429.
func TestPublicAbuseLimits(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		c := srv.NewClient(t)
		first := publicSubmit(t, c, srv.URL, publicReport(), nil)
		publicSubmit(t, c, srv.URL, publicReport(), nil)

		_, body := publicGet(t, c, srv.URL, "/p/")
		answer, token := publicChallenge(t, body)
		form := publicReport()
		form.Set("challenge_token", token)
		form.Set("challenge_answer", strconv.Itoa(answer+1))
		resp, body := publicPost(t, c, srv.URL, "/p/", form, nil)
		if resp.StatusCode != 422 || !strings.Contains(body, zhT("public.challenge.wrong")) || !strings.Contains(body, `data-testid="challenge"`) {
			t.Fatalf("a wrong answer: %d %s", resp.StatusCode, publicAlert(body))
		}
		form.Set("challenge_answer", strconv.Itoa(answer))
		publicSubmit(t, c, srv.URL, form, nil) // the 4th attempt
		// The same solved question once more: refused.
		if resp, body = publicPost(t, c, srv.URL, "/p/", form, nil); resp.StatusCode != 422 || !strings.Contains(body, zhT("public.challenge.wrong")) {
			t.Errorf("a reused answer: %d %s", resp.StatusCode, publicAlert(body))
		}
		resp, body = publicPost(t, c, srv.URL, "/p/", form, nil) // the 6th
		retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != 429 || retry < 1 || retry > 600 || !strings.Contains(body, "操作过于频繁") {
			t.Errorf("the 6th attempt: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), publicAlert(body))
		}

		// Tracking: its counts are apart from the submissions'.
		track := func(code, last4 string) (int, string) {
			resp, body := publicForm(t, c, srv.URL, "/p/track", url.Values{"code": {code}, "last4": {last4}})
			return resp.StatusCode, body
		}
		guess := cases.NewTrackingCode()
		s1, b1 := track(guess, "1122")
		s2, b2 := track(first, "9999")
		if s1 != 404 || s2 != 404 || strings.ReplaceAll(b1, guess, "CODE") != strings.ReplaceAll(b2, first, "CODE") {
			t.Errorf("a guessed code (%d) and wrong digits (%d) answer differently", s1, s2)
		}
		if !strings.Contains(b1, zhT("public.track.no_match")) {
			t.Errorf("no match: %s", publicAlert(b1))
		}
		for i := 0; i < 4; i++ {
			track(first, fmt.Sprintf("%04d", i))
		}
		if s, _ := track(first, "1122"); s != 429 {
			t.Errorf("after five failures on one code: %d, want 429", s)
		}
		second := publicCase(t, st, first) // another case to look up within the address's limit
		other, err := srv.App.Cases().RegisterPublic(context.Background(), cases.PublicInput{Kind: second.Kind, CategoryID: second.CategoryID,
			RegionID: second.RegionID, Description: "另一件事", Phone: "13912345678"}, "portal")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 14; i++ { // 6 lookups so far
			if s, body := track(other.TrackingCode, "5678"); s != 200 {
				t.Fatalf("lookup %d: %d %s", i+7, s, publicAlert(body))
			}
		}
		resp, body = publicForm(t, c, srv.URL, "/p/track", url.Values{"code": {other.TrackingCode}, "last4": {"5678"}})
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "操作过于频繁") {
			t.Errorf("the 21st lookup: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
}
