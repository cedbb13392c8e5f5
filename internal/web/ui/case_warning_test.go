package ui_test

import (
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
)

// The intake form's risk facts reach the warning; the case page shows the colour,
// the indicators with their weights and the floor that set it, and offers the
// leader the response with the 包案 leader to name; a refused response keeps the
// form open with the message next to the holder.
func TestCasePageExplainsTheWarning(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		form := cp.walkIn(id18(41))
		form.Set("description", "高某称若再拿不到赔偿就扬言报复工地负责人，还要去跳楼。")
		form.Set("injured", "1")
		form.Set("parties[0].severe_mental_illness", "1")
		path := cp.register(cp.clerk, form)

		_, body := cp.get(cp.clerk, path)
		card := between(body, `data-testid="warning"`, "</section>")
		if card == "" {
			t.Fatal("no warning card on the case page")
		}
		if !strings.Contains(card, `data-level="red"`) && !strings.Contains(card, `data-level="orange"`) {
			t.Fatalf("threat + self-harm + injury + severe mental illness is not orange or red:\n%s", card)
		}
		for _, want := range []string{`data-indicator="threat"`, `data-indicator="self_harm"`, `data-indicator="injury"`,
			`data-indicator="severe_mental_illness"`, "扬言报复", "+40", "+25", "扬言报复的严重精神障碍患者"} {
			if !strings.Contains(card, want) {
				t.Errorf("the warning card lacks %q", want)
			}
		}
		if !strings.Contains(body, `data-testid="warning-badge"`) {
			t.Error("no warning badge in the case head")
		}
		// The indicators' reasons in the reader's language; the matched words stay as written.
		reader := cp.srv.Login(t, "county.clerk", demo.Password) // a second session of the clerk's, in English
		if resp, _ := cp.post(reader, "/locale", url.Values{"locale": {"en"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch to English: %d", resp.StatusCode)
		}
		_, enBody := cp.get(reader, path)
		enCard := html.UnescapeString(between(enBody, `data-testid="warning"`, "</section>"))
		for _, want := range []string{"the description says “扬言报复", "someone was injured", "a party has a severe mental illness"} {
			if !strings.Contains(enCard, want) {
				t.Errorf("the English warning card lacks %q", want)
			}
		}
		if strings.Contains(enCard, "描述中出现") || strings.Contains(enCard, "有人受伤") {
			t.Error("the English warning card explains in Chinese")
		}
		if zhCard := html.UnescapeString(card); !strings.Contains(zhCard, "描述中出现「扬言报复") || !strings.Contains(zhCard, "有人受伤") {
			t.Errorf("the Chinese warning card does not explain in Chinese: %s\n%s", html.UnescapeString(card), enCard)
		}
		if !strings.Contains(body, `data-action-form="record"`) {
			t.Error("the clerk is not offered to record an incident")
		}
		if strings.Contains(body, `data-action-form="warning_adjust"`) {
			t.Error("a clerk is offered to adjust the warning")
		}

		if !strings.Contains(card, `data-level="red"`) {
			t.Fatalf("threat + self-harm + injury + severe mental illness (125) is not red:\n%s", card)
		}

		// The red warning asks a leader of the county centre for its 包案 leader.
		leader := cp.srv.Login(t, "county.leader", demo.Password)
		_, body = cp.get(leader, path)
		if !strings.Contains(body, `data-action-form="warning_respond"`) || !strings.Contains(body, `name="holder_id" required`) {
			t.Fatal("a red warning without its leader does not ask for one")
		}
		resp, body := cp.post(leader, path+"/actions/warning_respond", url.Values{"state": {stateOf(t, body)}, "note": {"已安排稳控"}})
		if resp.StatusCode != 422 || fieldError(body, "holder_id") == "" {
			t.Fatalf("a response without the holder: %d, holder error %q", resp.StatusCode, fieldError(body, "holder_id"))
		}
		if !strings.Contains(body, `data-action-form="warning_respond" open`) && !strings.Contains(body, `open data-action-form="warning_respond"`) {
			t.Error("the refused response form is folded away")
		}

		// The leader lowers it with a reason: the page says the level is not the rules'.
		if !strings.Contains(body, `data-action-form="warning_adjust"`) {
			t.Fatal("the leader is not offered to adjust the warning")
		}
		resp, body = cp.post(leader, path+"/actions/warning_adjust", url.Values{"state": {stateOf(t, body)}, "warning_level": {"orange"}, "note": {"已送医治疗，监护人到位"}})
		if resp.StatusCode != 303 {
			t.Fatalf("adjust: %d %s", resp.StatusCode, alertOf(body))
		}
		_, body = cp.get(leader, path)
		if !strings.Contains(between(body, `data-testid="warning"`, "</section>"), `data-level="orange"`) {
			t.Fatal("the leader's orange is not shown")
		}
		if !strings.Contains(body, `data-testid="warning-differs"`) {
			t.Error("the page does not say the level in force differs from the rules'")
		}
		if strings.Count(body, `data-testid="warning-change"`) != 2 {
			t.Error("the timeline does not show both warning changes")
		}
	})
}
