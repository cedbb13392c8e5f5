package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// setSelect chooses value in the select sel matches.
func (tb *tab) setSelect(sel, value string) {
	tb.t.Helper()
	tb.do("choose "+value+" in "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// openDetails opens every <details> sel matches, as a click on its summary would.
func (tb *tab) openDetails(sel string) {
	tb.t.Helper()
	eval[int](tb, `Array.from(document.querySelectorAll(`+jsString(sel)+`), d => { d.open = true; return 1 }).length`)
}

// A county leader reads the analysis page (研判), opens a finding's cases, and runs a
// 会商研判 from its agenda to its decisions: a case and a finding on the agenda, a
// 督办 decided on the case, which appears on the case's timeline linking back to the
// meeting; minutes saved; the meeting's material printed on A4, and the next
// meeting's material telling what became of the decision.
func TestMeetingFromAgendaToDecisions(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, srv.Store, 3000, 9); err != nil {
			t.Fatal(err)
		}
		d := string(srv.Store.Dialect())
		tb := b.newTab(t, srv.URL)
		tb.do("a laptop's screen", chromedp.EmulateViewport(1366, 768))
		tb.mustLogin("county.leader", demo.Password)

		// The analysis page: every section is there; a finding's count is its list's.
		if status := tb.open("/analysis?period=year"); status != 200 {
			t.Fatalf("/analysis: %d %q", status, tb.texts("[data-testid=error]"))
		}
		for _, sec := range []string{"rising-categories", "rising-places", "repeat-people", "group-cases", "open-long", "warnings-standing"} {
			if !tb.has("[data-testid=" + sec + "]") {
				t.Errorf("the analysis page has no %s", sec)
			}
		}
		t.Logf("analysis: %s", screenshot(t, tb, "analysis-1366-"+d))
		people := tb.texts(`[data-testid=repeat-people] [data-testid=finding-link]`)
		if len(people) == 0 {
			t.Fatalf("the demo's regular visitors are not found")
		}
		count := eval[string](tb, `document.querySelector("[data-testid=repeat-people] [data-testid=finding-link]").dataset.count`)
		if status := tb.click(`[data-testid=repeat-people] [data-testid=finding-link]`); status != 200 {
			t.Fatalf("a person's cases: %d", status)
		}
		if got := eval[string](tb, `document.querySelector("[data-testid=figure-list]").dataset.total`); got != count {
			t.Errorf("the person has %s cases, the list holds %s (%s)", count, got, tb.location())
		}

		// A meeting is recorded.
		tb.open("/meetings")
		title := "十二月矛盾纠纷会商研判"
		tb.fill(`[data-testid=meeting-title]`, title)
		tb.fill(`input[name=place]`, "县综治中心会议室")
		tb.fill(`textarea[name=attendees]`, "王主任（县综治中心）\n李局长（县司法局）")
		eval[int](tb, `Array.from(document.querySelectorAll("input[name=department_ids]")).slice(0, 3).map(c => { c.checked = true; return 1 }).length`)
		if status := tb.click(`[data-testid=meeting-save]`); status != 200 {
			t.Fatalf("record the meeting: %d %q", status, tb.texts("[data-testid=error]"))
		}
		meetingPath := tb.location()
		if !strings.HasPrefix(meetingPath, "/meetings/") {
			t.Fatalf("after recording the meeting: on %s %q", meetingPath, tb.texts(".field-error"))
		}
		meetingID := strings.TrimPrefix(meetingPath, "/meetings/")

		// A case on the agenda: an open case of the county, by its number.
		open, err := srv.Store.Cases(ctx, store.CaseFilter{States: []string{"in_progress"}, Limit: 1}, store.CaseScope{All: true})
		if err != nil || len(open) == 0 {
			t.Fatalf("no case in progress: %v", err)
		}
		c := open[0]
		tb.fill(`[data-testid=agenda-case-id]`, strconv.FormatInt(c.ID, 10))
		if status := tb.click(`[data-testid=agenda-add] button`); status != 200 {
			t.Fatalf("put case %d on the agenda: %d", c.ID, status)
		}
		if got := tb.texts(`[data-testid=agenda-case]`); len(got) != 1 {
			t.Fatalf("the agenda lists %q", got)
		}
		// A finding on the agenda, from the analysis page.
		tb.open("/analysis?period=year")
		tb.openDetails(`[data-testid=repeat-people] details`)
		tb.setSelect(`[data-testid=repeat-people] select[name=meeting_id]`, meetingID)
		finding := eval[string](tb, `document.querySelector("[data-testid=repeat-people] form[action='/analysis/agenda'] input[name=finding]").value`)
		if status := tb.click(`[data-testid=repeat-people] form[action='/analysis/agenda'] button`); status != 200 {
			t.Fatalf("put the finding on the agenda: %d", status)
		}
		if got := tb.texts(`[data-testid=agenda-finding]`); len(got) != 1 || got[0] != finding {
			t.Errorf("the agenda's findings read %q, want %q", got, finding)
		}

		// The decision: a yellow-card 督办 of the case, carried out at once.
		tb.openDetails(`[data-testid=decide]`)
		tb.setSelect(`[data-testid=decision-action]`, "supervise")
		tb.setSelect(`[data-testid=decision-level]`, "yellow")
		decision := "会议决定：县司法局牵头，五个工作日内化解并回复"
		tb.fill(`[data-testid=decision-note]`, decision)
		if status := tb.click(`[data-testid=decision-submit]`); status != 200 {
			t.Fatalf("decide: %d", status)
		}
		if got := tb.texts(`[data-testid=decision]`); len(got) != 1 || !strings.Contains(got[0], decision) {
			t.Fatalf("the decisions read %q (errors %q)", got, tb.texts(".field-error, [data-testid=error]"))
		}
		tb.fill(`[data-testid=meeting-minutes]`, "会议听取了近期矛盾纠纷研判情况，对重点事项逐件会商。")
		if status := tb.click(`[data-testid=meeting-save]`); status != 200 {
			t.Fatalf("save the minutes: %d", status)
		}
		t.Logf("meeting: %s", screenshot(t, tb, "meeting-1366-"+d))

		// The case's timeline has the order, linking back to the meeting.
		tb.open(fmt.Sprintf("/cases/%d", c.ID))
		links := eval[[]string](tb, `Array.from(document.querySelectorAll("[data-testid=basis-meeting] a"), a => a.getAttribute("href"))`)
		if len(links) != 1 || links[0] != meetingPath {
			t.Errorf("the case's timeline links to meetings %q, want %s", links, meetingPath)
		}
		if notes := strings.Join(tb.texts(`[data-testid=timeline] .note`), "\n"); !strings.Contains(notes, decision) {
			t.Errorf("the timeline does not record the decision: %s", notes)
		}
		if status := tb.click(`[data-testid=basis-meeting] a`); status != 200 || tb.location() != meetingPath {
			t.Errorf("the timeline's link leads to %s (%d)", tb.location(), status)
		}

		// The next meeting's material says what became of the decision.
		next := time.Now().In(workflow.ChinaTime).AddDate(0, 0, 7).Format("2006-01-02")
		tb.open("/meetings")
		tb.fill(`[data-testid=meeting-title]`, "下周联席会议")
		tb.do("date", chromedp.SetValue(chromedp.CSS(`input[name=held_on]`), next))
		tb.setSelect(`select[name=kind]`, "joint")
		if status := tb.click(`[data-testid=meeting-save]`); status != 200 {
			t.Fatalf("record the next meeting: %d", status)
		}
		tb.do("A4 at 96 dpi", chromedp.EmulateViewport(794, 1123))
		if status := tb.click(`[data-testid=meeting-print-link]`); status != 200 {
			t.Fatalf("the material: %d", status)
		}
		outcome := strings.Join(tb.texts(`[data-testid=material-outcomes] tbody tr`), "\n")
		if !strings.Contains(outcome, strconv.FormatInt(c.ID, 10)) || !strings.Contains(outcome, decision) {
			t.Errorf("the next meeting's material tells of the decision as %q", outcome)
		}
		if strings.Contains(tb.text(`[data-testid=material]`), c.TrackingCode) {
			t.Errorf("the printed material names the citizen's tracking code")
		}
		if n := len(tb.texts(`[data-testid=material-figures] th`)); n < 8 {
			t.Errorf("the material has %d figures", n)
		}
		tb.do("as printed", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}))
		t.Logf("material: %s", screenshot(t, tb, "meeting-material-a4-"+d))
	})
}
