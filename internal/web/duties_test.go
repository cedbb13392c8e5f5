package web_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Separation of duties (issue 20): one person holding the roles mediator and leader
// may request an extension and resolve, but not decide their own request nor check
// their own result; a colleague may. Nor does a leader answer their own supervision
// order. Each refusal is a 409 own_action saying why in Chinese, and the case does not
// offer the step to the one who may not take it.
func TestNobodyApprovesTheirOwnWork(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		fucheng := regionID(t, st, "622922100")
		addUser(t, st, "fucheng.medlead", "调解员兼副主任", fucheng, 0, model.RoleMediator, model.RoleLeader)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		both := srv.Login(t, "fucheng.medlead", demo.Password)

		f := &flow{t: t}
		f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"}))
		f.act(both, "extend_request", map[string]any{"days": 5, "note": "当事人外出务工，约定返乡后再调解"}, "in_progress")
		ownAction(t, both, f.id, "extend_approve", nil, "「申请延期」")
		ownAction(t, both, f.id, "extend_refuse", map[string]any{"note": "不批准"}, "「申请延期」")
		offered(t, both, f.id, "extend_approve", false)
		offered(t, leader, f.id, "extend_approve", true)
		f.act(leader, "extend_approve", nil, "in_progress")

		f.act(both, "resolve", map[string]any{"outcome": "mediated_oral", "note": "双方达成口头协议"}, "resolved")
		ownAction(t, both, f.id, "verify", nil, "「办结」")
		ownAction(t, both, f.id, "verify_fail", map[string]any{"note": "未见协议"}, "「办结」")
		offered(t, both, f.id, "verify", false)
		offered(t, clerk, f.id, "verify", true)
		casePage := fmt.Sprintf("/cases/%d", f.id)
		if strings.Contains(page(t, both, casePage), `data-action="verify"`) || !strings.Contains(page(t, clerk, casePage), `data-action="verify"`) {
			t.Error("the case page offers 核实 to the wrong person")
		}
		f.act(clerk, "verify", nil, "verified")

		// A second case, where the one who asked is refused by a colleague, and a leader
		// supervises their own centre's case: someone else answers the order.
		g := &flow{t: t}
		g.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"}))
		g.act(both, "extend_request", map[string]any{"days": 3, "note": "等待村委会出具证明"}, "in_progress")
		g.act(leader, "extend_refuse", map[string]any{"note": "期限内可以办结"}, "in_progress")
		g.act(both, "supervise", map[string]any{"note": "请本周内约谈双方", "level": "normal"}, "in_progress")
		var orders []store.Supervision
		_, raw := both.Do("GET", "/api/v1/supervisions", nil)
		var board struct{ Items []store.Supervision }
		json.Unmarshal(raw, &board)
		for _, v := range board.Items {
			if v.CaseID == g.id {
				orders = append(orders, v)
			}
		}
		if len(orders) != 1 {
			t.Fatalf("orders on the case: %+v", orders)
		}
		reply := fmt.Sprintf("/api/v1/supervisions/%d/reply", orders[0].ID)
		resp, raw := both.Do("POST", reply, map[string]string{"reply": "已约谈"})
		if e := testutil.DecodeError(t, raw); resp.StatusCode != 409 || e.Error.Code != "own_action" || !strings.Contains(e.Error.Message, "本人下达") {
			t.Fatalf("the issuer answers their own order: %d %s", resp.StatusCode, raw)
		}
		if resp, raw := clerk.Do("POST", reply, map[string]string{"reply": "已约双方本周五到中心调解"}); resp.StatusCode != 200 {
			t.Fatalf("a colleague answers the order: %d %s", resp.StatusCode, raw)
		}
	})
}

// ownAction checks that c's action on case id is refused as their own step, in Chinese
// naming the earlier step.
func ownAction(t *testing.T, c *testutil.Client, id int64, action string, in map[string]any, earlier string) {
	t.Helper()
	resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), in)
	e := testutil.DecodeError(t, raw)
	if resp.StatusCode != 409 || e.Error.Code != "own_action" || !strings.Contains(e.Error.Message, earlier) || !strings.Contains(e.Error.Message, "本人") {
		t.Fatalf("%s by the one who took %s: %d %s", action, earlier, resp.StatusCode, raw)
	}
}

// offered checks whether the case offers c the action.
func offered(t *testing.T, c *testutil.Client, id int64, action string, want bool) {
	t.Helper()
	_, raw := c.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), nil)
	var cj caseJSON
	json.Unmarshal(raw, &cj)
	if got := slices.Contains(cj.Allowed, action); got != want {
		t.Fatalf("%s offered = %v, want %v (allowed %v)", action, got, want, cj.Allowed)
	}
}
