package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

type riskRulesJSON struct {
	Rules  risk.Rules `json:"rules"`
	Custom bool       `json:"custom"`
}

func getRiskRules(t *testing.T, c *testutil.Client) riskRulesJSON {
	t.Helper()
	resp, raw := c.Do("GET", "/api/v1/risk-rules", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET risk-rules: %d %s", resp.StatusCode, raw)
	}
	var body riskRulesJSON
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return body
}

// threatCase registers a case whose description threatens revenge and returns its level.
func threatCase(t *testing.T, st *store.Store, clerk *testutil.Client) string {
	t.Helper()
	body := walkIn(t, st)
	body["description"] = "邻居因院墙边堆放柴草多次争吵，一方扬言报复。"
	resp, raw := clerk.Do("POST", "/api/v1/cases", body)
	if resp.StatusCode != 201 {
		t.Fatalf("register: %d %s", resp.StatusCode, raw)
	}
	return jsonField(t, raw, "risk_level")
}

var levelRank = map[string]int{"none": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}

func auditCount(t *testing.T, st *store.Store, action string) int {
	t.Helper()
	rows, err := st.AuditRows(context.Background(), store.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

func TestRiskRulesAPI(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		fucheng := srv.Login(t, "fucheng.clerk", demo.Password)

		got := getRiskRules(t, admin)
		if got.Custom || !sameJSON(t, got.Rules, risk.DefaultRules()) {
			t.Fatalf("a fresh deployment's rules: custom %v, %+v", got.Custom, got.Rules.Thresholds)
		}
		if resp, _ := clerk.Do("GET", "/api/v1/risk-rules", nil); resp.StatusCode != 403 {
			t.Errorf("a clerk reads the risk rules: %d", resp.StatusCode)
		}
		if resp, raw := clerk.Do("PUT", "/api/v1/risk-rules", risk.DefaultRules()); resp.StatusCode != 403 {
			t.Errorf("a clerk edits the risk rules: %d %s", resp.StatusCode, raw)
		}

		before := threatCase(t, st, fucheng)

		// Invalid rules are refused as a whole, naming the field, and nothing is saved.
		bad := risk.DefaultRules()
		bad.Thresholds.Orange, bad.Thresholds.Red = 90, 60
		resp, raw := admin.Do("PUT", "/api/v1/risk-rules", bad)
		if e := testutil.DecodeError(t, raw); resp.StatusCode != 422 || e.Error.Field != "thresholds" || !strings.Contains(e.Error.Message, "蓝 < 黄 < 橙 < 红") {
			t.Fatalf("thresholds out of order: %d %s", resp.StatusCode, raw)
		}
		if resp, raw := admin.Do("PUT", "/api/v1/risk-rules", []byte(`{"window_days": 90, "thresholdz": {}}`)); resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Field != "thresholdz" {
			t.Errorf("an unknown field: %d %s", resp.StatusCode, raw)
		}
		if got := getRiskRules(t, admin); got.Custom || got.Rules.Thresholds.Red != 90 {
			t.Fatalf("a refused save changed the rules: %+v", got)
		}
		if n := auditCount(t, st, "risk.rules"); n != 0 {
			t.Fatalf("refused saves left %d audit rows", n)
		}

		// A heavier threat applies to the next case at once.
		edit := risk.DefaultRules()
		edit.Threat.Weight = 95
		if resp, raw := admin.Do("PUT", "/api/v1/risk-rules", edit); resp.StatusCode != 200 {
			t.Fatalf("PUT risk-rules: %d %s", resp.StatusCode, raw)
		}
		got = getRiskRules(t, admin)
		if !got.Custom || !sameJSON(t, got.Rules, edit) {
			t.Fatalf("round trip: custom %v, threat weight %d", got.Custom, got.Rules.Threat.Weight)
		}
		after := threatCase(t, st, fucheng)
		if levelRank[after] <= levelRank[before] || after != "red" {
			t.Fatalf("a threat case was %s before the threat weighed 95 and %s after", before, after)
		}
		if n := auditCount(t, st, "risk.rules"); n != 1 {
			t.Fatalf("saving the rules left %d audit rows, want 1", n)
		}
	})
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ra, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ra) == string(rb)
}

var (
	riskFormRe = regexp.MustCompile(`(?s)data-testid="risk-rules-form">(.*?)</form>`)
	inputRe    = regexp.MustCompile(`<input ([^>]*)>`)
	attrRe     = regexp.MustCompile(`([a-z_-]+)(?:="([^"]*)")?`)
	textareaRe = regexp.MustCompile(`(?s)<textarea name="([^"]+)"[^>]*>(.*?)</textarea>`)
)

// riskFormValues reads the rules page's form as a browser would submit it.
func riskFormValues(t *testing.T, page string) url.Values {
	t.Helper()
	m := riskFormRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no rules form on the page:\n%s", page)
	}
	form := url.Values{}
	for _, in := range inputRe.FindAllStringSubmatch(m[1], -1) {
		attrs := map[string]string{}
		for _, a := range attrRe.FindAllStringSubmatch(in[1], -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
			if a[2] == "" && a[0] == a[1] {
				attrs[a[1]] = "on"
			}
		}
		name := attrs["name"]
		if name == "" || name == "csrf_token" {
			continue
		}
		if attrs["type"] == "checkbox" {
			if attrs["checked"] != "" {
				form.Set(name, "on")
			}
			continue
		}
		form.Set(name, attrs["value"])
	}
	for _, ta := range textareaRe.FindAllStringSubmatch(m[1], -1) {
		form.Set(ta[1], html.UnescapeString(ta[2]))
	}
	return form
}

func TestRiskRulesPage(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		post := func(path string, form url.Values) (*http.Response, string) {
			form.Set("csrf_token", admin.CSRF)
			req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, body := admin.Send(req)
			return resp, string(body)
		}

		resp, raw := admin.Do("GET", "/admin/risk", nil)
		page := string(raw)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /admin/risk: %d", resp.StatusCode)
		}
		for _, want := range []string{`href="/admin/risk" class="active"`, "系统默认规则", "家庭暴力且有人受伤", "扬言报复", "同归于尽",
			`name="thresholds.red"`, `name="repeat_police.heavy_min"`, `name="rules_json"`, `data-confirm=`} {
			if !strings.Contains(page, want) {
				t.Errorf("the rules page lacks %s", want)
			}
		}
		if resp, _ := clerk.Do("GET", "/admin/risk", nil); resp.StatusCode != 403 {
			t.Errorf("a clerk opens the rules page: %d", resp.StatusCode)
		}
		if _, body := clerk.Do("GET", "/", nil); strings.Contains(string(body), `href="/admin/risk"`) {
			t.Error("a clerk's nav links to the rules page")
		}

		// Refused: the message sits by the field, what was typed stays, nothing is saved.
		form := riskFormValues(t, page)
		form.Set("thresholds.orange", "95")
		form.Set("threat.phrases", "扬言报复\n同归于尽\n要砍人")
		form.Set("repeat_police.heavy_min", "abc")
		resp, body := post("/admin/risk", form)
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-repeat_police.heavy_min"`) || !strings.Contains(body, "要砍人") {
			t.Fatalf("a malformed number: %d\n%s", resp.StatusCode, body)
		}
		form.Set("repeat_police.heavy_min", "4")
		resp, body = post("/admin/risk", form)
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-thresholds"`) || !strings.Contains(body, "蓝 &lt; 黄 &lt; 橙 &lt; 红") ||
			!strings.Contains(body, `value="95"`) || !strings.Contains(body, "要砍人") {
			t.Fatalf("thresholds out of order: %d\n%s", resp.StatusCode, body)
		}
		form.Set("thresholds.orange", "60")
		form.Set("repeat_visits.weight", "-1")
		resp, body = post("/admin/risk", form)
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-repeat_visits.weight"`) || !strings.Contains(body, "不能为负数") {
			t.Fatalf("a negative weight: %d\n%s", resp.StatusCode, body)
		}
		if got := getRiskRules(t, admin); got.Custom {
			t.Fatal("a refused form saved the rules")
		}

		// Saved: thresholds and a phrase list, the rest as it was.
		form.Set("repeat_visits.weight", "10")
		form.Set("thresholds.red", "85")
		form.Del("response.orange_same_day")
		resp, _ = post("/admin/risk", form)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/risk?notice=saved" {
			t.Fatalf("save the form: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		want := risk.DefaultRules()
		want.Thresholds.Red = 85
		want.Threat.Phrases = []string{"扬言报复", "同归于尽", "要砍人"}
		want.Response.OrangeSameDay = false
		got := getRiskRules(t, admin)
		if !got.Custom || !sameJSON(t, got.Rules, want) {
			t.Fatalf("saved rules:\n got %+v\nwant %+v", got.Rules, want)
		}
		_, raw = admin.Do("GET", "/admin/risk?notice=saved", nil)
		if page := string(raw); !strings.Contains(page, "已保存") || !strings.Contains(page, "管理员修改后的规则") || !strings.Contains(page, `value="85"`) {
			t.Fatalf("the page after saving:\n%s", page)
		}

		// The JSON editor: refused with the message by the JSON, then saved.
		resp, body = post("/admin/risk", url.Values{"mode": {"json"}, "rules_json": {`{"window_days": 90`}})
		if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-rules"`) || !strings.Contains(body, "JSON 无法解析") || !strings.Contains(body, "<details class=\"card\" open") {
			t.Fatalf("malformed JSON: %d\n%s", resp.StatusCode, body)
		}
		edit := risk.DefaultRules()
		edit.StepDown.QuietDays = 0
		raw, _ = json.Marshal(edit)
		resp, body = post("/admin/risk", url.Values{"mode": {"json"}, "rules_json": {string(raw)}})
		if resp.StatusCode != 422 || !strings.Contains(body, "step_down.quiet_days：须在 1 到 365 之间") {
			t.Fatalf("invalid JSON rules: %d\n%s", resp.StatusCode, body)
		}
		edit.StepDown.QuietDays = 45
		raw, _ = json.Marshal(edit)
		if resp, _ := post("/admin/risk", url.Values{"mode": {"json"}, "rules_json": {string(raw)}}); resp.StatusCode != 303 {
			t.Fatalf("save JSON: %d", resp.StatusCode)
		}
		if got := getRiskRules(t, admin); got.Rules.StepDown.QuietDays != 45 || got.Rules.Thresholds.Red != 90 {
			t.Fatalf("JSON save: %+v", got.Rules.StepDown)
		}

		// Back to the defaults.
		if resp, _ := post("/admin/risk/reset", url.Values{}); resp.StatusCode != 303 {
			t.Fatalf("reset: %d", resp.StatusCode)
		}
		if got := getRiskRules(t, admin); !sameJSON(t, got.Rules, risk.DefaultRules()) || got.Custom {
			t.Fatalf("reset did not restore the defaults (custom %v)", got.Custom)
		}
		if _, raw := admin.Do("GET", "/admin/risk", nil); !strings.Contains(string(raw), "系统默认规则") {
			t.Error("after a reset the page does not say the defaults are in force")
		}
		if n := auditCount(t, st, "risk.rules"); n != 3 {
			t.Errorf("form, JSON and reset saves left %d audit rows, want 3", n)
		}

		// In English the page and its messages are English.
		en := srv.Login(t, "county.admin", demo.Password)
		form2 := url.Values{"locale": {"en"}, "csrf_token": {en.CSRF}}
		req, _ := http.NewRequest("POST", srv.URL+"/locale", strings.NewReader(form2.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		en.Send(req)
		if _, raw := en.Do("GET", "/admin/risk", nil); !strings.Contains(string(raw), "Threats of violence or revenge") || !strings.Contains(string(raw), "Heavy minimum") {
			t.Errorf("the English page:\n%s", raw)
		}
	})
}
