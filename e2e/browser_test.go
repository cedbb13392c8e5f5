package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// chromiumEnv names the variable that gives the browser's path explicitly.
const chromiumEnv = "ONEDOOR_CHROMIUM"

// tabTimeout bounds each test's or subtest's tab: everything a test does in the
// browser happens in its tab.
const tabTimeout = 60 * time.Second

// browserTimeout bounds a whole browser, which a test's subtests share: a safety net
// should a tab's own timeout not end a hung test.
const browserTimeout = 5 * time.Minute

// zh is the UI's default locale, the one a county's staff use.
const zh = i18n.Default

// chromiumPath finds the browser: $ONEDOOR_CHROMIUM, else chromium, chromium-browser
// or google-chrome on the PATH. Without one the test skips, unless CI is set.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("%s=%s: %v", chromiumEnv, p, err)
		}
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "chromium not found; install it with: apt-get install -y chromium (or set " + chromiumEnv + " to its path)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " — CI is set, and CI must run the browser suite")
	}
	t.Skip(msg)
	return ""
}

// browser is one headless Chromium process for one test; each subtest opens its own
// tab in its own browser context, so cookies never leak between them.
type browser struct {
	ctx context.Context
}

// newBrowser starts Chromium with a fresh profile, and stops it when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromiumPath(t)
	profile := t.TempDir() // made before the cleanups below, so removed after Chromium exits
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
	)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return &browser{ctx: bctx}
}

// tab is one page of the browser, in a browser context of its own (its own cookies),
// with its own timeout, under a watch for console errors, uncaught exceptions and CSP
// violations: any of them fails the test.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the server's URL

	mu       sync.Mutex
	problems []string
	statuses []int // HTTP error statuses the test expects some document to answer with

	acceptDialogs atomic.Bool
	dialogs       chan string // messages of the dialogs the page opened
}

// newTab opens a tab on base whose requests say the browser prefers Chinese, as a
// county centre's browsers do.
func (b *browser) newTab(t *testing.T, base string) *tab {
	return b.newTabLang(t, base, "zh-CN,zh;q=0.9")
}

// newTabLang opens a tab whose requests carry acceptLanguage.
func (b *browser) newTabLang(t *testing.T, base, acceptLanguage string) *tab {
	t.Helper()
	tb := &tab{t: t, base: base, dialogs: make(chan string, 16)}
	tctx, cancelTimeout := context.WithTimeout(b.ctx, tabTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(tb.onEvent))
	tb.ctx = ctx
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	t.Cleanup(tb.report) // runs before cancel: cleanups run last first
	_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": acceptLanguage}})
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	go tb.answerDialogs(chromedp.Events(ctx, page.JavascriptDialogOpening)) // subscribed before any page opens
	return tb
}

// cspPattern recognises the browser's report of a Content-Security-Policy violation.
var cspPattern = regexp.MustCompile(`(?i)content[- ]security[- ]policy`)

// onEvent runs in the tab's event loop: it only records.
func (tb *tab) onEvent(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problem(fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		tb.problem(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
	case *log.EventEntryAdded:
		e := ev.Entry
		switch {
		case cspPattern.MatchString(e.Text):
			tb.problem(fmt.Sprintf("CSP violation at %s: %s", e.URL, e.Text))
		case e.Level == log.EntryLevelError && e.Source == log.EntrySourceNetwork && tb.expected(e.Text):
			// A refused form answers 401 or 422 on purpose; the browser logs that.
		case e.Level == log.EntryLevelError:
			tb.problem(fmt.Sprintf("console error (%s) at %s: %s", e.Source, e.URL, e.Text))
		}
	}
}

func (tb *tab) problem(msg string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.problems = append(tb.problems, msg)
}

// expectStatus tells the watch that a document answering status is part of the test.
func (tb *tab) expectStatus(status int) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.statuses = append(tb.statuses, status)
}

var statusInLog = regexp.MustCompile(`status of (\d{3})`)

func (tb *tab) expected(text string) bool {
	m := statusInLog.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	code, _ := strconv.Atoi(m[1])
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Contains(tb.statuses, code)
}

// takeProblems returns what the watch saw so far and forgets it.
func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

// report fails the test for every problem the watch saw.
func (tb *tab) report() {
	for _, p := range tb.takeProblems() {
		tb.t.Errorf("browser: %s", p)
	}
}

// answerDialogs accepts or dismisses every dialog the page opens, as acceptDialogs
// says, and passes on its message. A confirm() blocks the page until answered.
func (tb *tab) answerDialogs(opening iter.Seq2[page.EventJavascriptDialogOpening, error]) {
	for ev, err := range opening {
		if err != nil {
			return
		}
		if _, err := chromedp.Call(tb.ctx, page.HandleJavaScriptDialog,
			page.HandleJavaScriptDialogParams{Accept: tb.acceptDialogs.Load()}); err != nil {
			tb.problem(fmt.Sprintf("answer the dialog %q: %v", ev.Message, err))
		}
		select {
		case tb.dialogs <- ev.Message:
		default:
		}
	}
}

// dialog waits for the message of the next dialog the page opened.
func (tb *tab) dialog() string {
	tb.t.Helper()
	select {
	case msg := <-tb.dialogs:
		return msg
	case <-time.After(5 * time.Second):
		tb.t.Fatal("no dialog opened")
	case <-tb.ctx.Done():
		tb.t.Fatalf("no dialog opened: %v", tb.ctx.Err())
	}
	return ""
}

// do runs actions in the tab, failing the test on an error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// load runs actions that lead to a new page, waits for it, and returns its status.
func (tb *tab) load(what string, actions ...chromedp.Action[chromedp.Void]) int {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, actions...)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		tb.t.Fatalf("%s: no response", what)
	}
	return int(resp.Status)
}

// open navigates to path on the server and returns the final page's status.
func (tb *tab) open(path string) int {
	tb.t.Helper()
	return tb.load("open "+path, chromedp.Navigate(tb.base+path))
}

// click clicks the first element sel matches, waits for the page it leads to, and
// returns that page's status.
func (tb *tab) click(sel string) int {
	tb.t.Helper()
	return tb.load("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill focuses the field sel matches and enters value at the cursor in one go, as
// an input method commits text: the page sees the same input events as for typing.
// It is much faster than typeKeys, and the only way Chinese reaches a field.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	tb.do("type into "+sel, chromedp.Focus(chromedp.CSS(sel)), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: value})
		return err
	}))
}

// typeKeys types value into the field sel matches key by key.
func (tb *tab) typeKeys(sel, value string) {
	tb.t.Helper()
	tb.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), value))
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](tb *tab, expr string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// texts returns the rendered text of every element sel matches, without waiting.
func (tb *tab) texts(sel string) []string {
	tb.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll(`+jsString(sel)+`), e => e.innerText.trim())`)
}

// text returns the rendered text of the one element sel matches.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	got := tb.texts(sel)
	if len(got) != 1 {
		tb.t.Fatalf("%s matches %d elements on %s, want 1: %q", sel, len(got), tb.location(), got)
	}
	return got[0]
}

// has reports whether sel matches any element.
func (tb *tab) has(sel string) bool {
	tb.t.Helper()
	return len(tb.texts(sel)) > 0
}

// value returns the value of the form field sel matches.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	return eval[string](tb, `document.querySelector(`+jsString(sel)+`).value`)
}

// location returns the path and query of the page.
func (tb *tab) location() string {
	tb.t.Helper()
	return eval[string](tb, `location.pathname + location.search`)
}

// mustLogin signs in through the login form and expects the user's landing page: the
// home page, or a grid worker's phone pages.
func (tb *tab) mustLogin(username, password string) {
	tb.t.Helper()
	if status := tb.open("/login"); status != 200 {
		tb.t.Fatalf("GET /login = %d", status)
	}
	tb.fill(`input[name=username]`, username)
	tb.fill(`input[name=password]`, password)
	if status := tb.click(`form.login button[type=submit]`); status != 200 {
		tb.t.Fatalf("sign in as %s: status %d on %s: %q", username, status, tb.location(), tb.texts("[data-testid=error]"))
	}
	if loc, want := tb.location(), landingOf(username); loc != want {
		tb.t.Fatalf("sign in as %s: on %s, want %s", username, loc, want)
	}
}

// landingOf is where signing in takes a demo account: a grid worker to /grid, the
// others home.
func landingOf(username string) string {
	if strings.HasSuffix(username, ".grid") {
		return "/grid"
	}
	return "/"
}

// checkText fails the test unless the one element sel matches reads want.
func (tb *tab) checkText(sel, want string) {
	tb.t.Helper()
	if got := tb.text(sel); got != want {
		tb.t.Errorf("%s on %s = %q, want %q", sel, tb.location(), got, want)
	}
}

// onEachStore runs fn on a demo county of each store the run covers (PostgreSQL too
// when ONEDOOR_TEST_PG is set), one after the other in the one browser: the pages are
// the same on every database, what they read and write is not. Side by side, two long
// flows outlast a tab's timeout on a busy two-core machine.
func onEachStore(t *testing.T, fn func(t *testing.T, srv *testutil.Server)) {
	t.Helper()
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		fn(t, testutil.NewServer(t, st, true))
	})
}
