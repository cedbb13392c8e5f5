package ui

import (
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/i18n"
)

// Every operation the filter offers, and every one the log records, is named in
// words in each language: never by its code.
func TestAuditOperationsAreNamed(t *testing.T) {
	for _, loc := range i18n.Locales() {
		for _, op := range auditOpChoices(loc) {
			if op.Label == op.Code || op.Label == "" || strings.Contains(op.Label, "%!") {
				t.Errorf("%s: operation %s reads %q", loc, op.Code, op.Label)
			}
		}
		for _, kind := range objectKinds {
			if _, ok := i18n.Lookup(loc, "audit_obj."+kind); !ok {
				t.Errorf("%s catalogue lacks audit_obj.%s", loc, kind)
			}
		}
		for _, k := range []string{"audit.any_action", "audit.object_placeholder", "audit.actor_placeholder", "invalid.actor.not_found", "invalid.actor.ambiguous", "invalid.channel.not_by_hand"} {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s catalogue lacks %s", loc, k)
			}
		}
	}
	for op, want := range map[string]string{"case.supervise": "案件·督办", "login.failed": "登录失败", "department.deactivate": "停用部门",
		"case.register": "登记案件", "test.write": "test.write"} {
		if got := auditOpLabel("zh-CN", op); got != want {
			t.Errorf("%s reads %q, want %q", op, got, want)
		}
	}
	for ref, want := range map[string][2]string{"case:42": {"案件 42", "/cases/42"}, "case:42/party:3": {"案件 42 · 当事人 3", "/cases/42"},
		"user:7": {"用户 7", "/admin/users/7/edit"}, "risk_rules": {"预警规则", ""}, "calendar:2026-10-01": {"工作日历 2026-10-01", ""},
		"widget:9": {"widget:9", ""}} {
		if text, href := auditObject("zh-CN", ref); text != want[0] || href != want[1] {
			t.Errorf("%s reads %q → %q, want %q → %q", ref, text, href, want[0], want[1])
		}
	}
}
