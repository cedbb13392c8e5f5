package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The audit log reads in words: operations, objects and summaries name what happened
// without the codes the log keeps (case.supervise, login.failed, case:42, dispute,
// yellow), and the actor filter takes a person's name.
func TestAuditPageReadsInWords(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		resp, raw := clerk.Do("POST", "/api/v1/cases", walkIn(t, st))
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var created struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(raw, &created); err != nil || created.ID == 0 {
			t.Fatalf("registered: %s", raw)
		}
		id := created.ID
		for _, a := range []string{"accept", "handle"} {
			if resp, raw := clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, a), map[string]any{}); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", a, resp.StatusCode, raw)
			}
		}
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		if resp, raw := leader.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/supervise", id), map[string]any{"note": "请本周内约谈双方", "level": "yellow"}); resp.StatusCode != 200 {
			t.Fatalf("supervise: %d %s", resp.StatusCode, raw)
		}
		if resp, _ := srv.NewClient(t).Do("POST", "/api/v1/session", map[string]any{"username": "fucheng.clerk", "password": "wrong"}); resp.StatusCode != 401 {
			t.Fatalf("a wrong password: %d", resp.StatusCode)
		}

		admin := srv.Login(t, "county.admin", demo.Password)
		_, page := admin.Do("GET", "/admin/audit", nil)
		body := string(page)
		text := visibleText(body)
		for _, want := range []string{"登录失败", "案件·督办", "黄牌督办：请本周内约谈双方", "登记案件", "登记矛盾纠纷：", fmt.Sprintf("案件 %d", id)} {
			if !strings.Contains(text, want) {
				t.Errorf("the audit page lacks %q", want)
			}
		}
		for _, want := range []string{`placeholder="如：案件 42"`, `placeholder="姓名或用户名"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the audit filter lacks %s", want)
			}
		}
		for _, raw := range []string{"case.supervise", "login.failed", "case.register", "yellow督办", "登记dispute", fmt.Sprintf("case:%d", id), "case:42"} {
			if strings.Contains(text, raw) {
				t.Errorf("the audit page shows the code %q", raw)
			}
		}
		if !strings.Contains(body, fmt.Sprintf(`href="/cases/%d"`, id)) {
			t.Error("the case named in the log is not linked")
		}

		// The actor by display name or user name; the object as an administrator types it.
		leaderName := demoName(t, st, "fucheng.leader")
		for _, q := range []url.Values{{"actor": {leaderName}}, {"actor": {"fucheng.leader"}}, {"object": {fmt.Sprintf("案件 %d", id)}, "action": {"case.supervise"}}} {
			_, body := admin.Do("GET", "/admin/audit?"+q.Encode(), nil)
			ops := regexp.MustCompile(`data-testid="audit-op">([^<]*)<`).FindAllStringSubmatch(string(body), -1)
			if len(ops) == 0 {
				t.Errorf("%v finds nothing", q)
			}
			for _, op := range ops {
				if op[1] != "案件·督办" && q.Get("action") != "" || q.Get("actor") != "" && op[1] != "案件·督办" && op[1] != "登录" {
					t.Errorf("%v finds %q", q, op[1])
				}
			}
		}
		resp, page = admin.Do("GET", "/admin/audit?"+url.Values{"actor": {"无此人"}}.Encode(), nil)
		if resp.StatusCode != 422 || !strings.Contains(string(page), `data-testid="field-error-actor"`) || !strings.Contains(string(page), "没有名为“无此人”的用户") {
			t.Errorf("an unknown name: %d", resp.StatusCode)
		}
	})
}

// visibleText is the page's text without its tags and attributes.
func visibleText(html string) string {
	html = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(html, " ")
	html = regexp.MustCompile(`(?s)<select.*?</select>`).ReplaceAllStringFunc(html, func(s string) string {
		return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " ") // the options' words, not their values
	})
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, " ")
}
