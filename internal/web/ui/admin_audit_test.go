package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// Every operation a write of the code names (store.Audited("…", …)) reads in words on
// the audit page, so a new write cannot put a raw code before an administrator.
func TestEveryAuditedOperationIsNamed(t *testing.T) {
	literal := regexp.MustCompile(`Audited\("([a-z_.]*[a-z_])"`)
	seen := 0
	err := filepath.WalkDir("../../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			seen++
			if got := auditOpLabel("zh-CN", m[1]); got == m[1] {
				t.Errorf("%s: operation %s has no name (audit_op.%s)", path, m[1], m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 40 {
		t.Fatalf("found %d audited operations in the sources; the scan is looking in the wrong place", seen)
	}
}
