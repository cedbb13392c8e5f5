package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The retention periods `onedoor purge` applies are admin data on the deadlines page:
// shown by kind with their grounds, set in place (0 is 永久), audited; a period out
// of 0–100 years, or without grounds, is refused naming the rule.
func TestRetentionPeriodsAreAdminData(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		html := page(t, admin, "/admin/deadlines")
		if !strings.Contains(html, `data-testid="retention-petition"`) || !strings.Contains(html, "30 年") {
			t.Fatalf("the deadlines page does not show the retention periods")
		}
		for _, tc := range []struct {
			name, years, basis string
			status             int
			want               string // the message, or the period saved
		}{
			{"ten years", "15", "县档案馆保管期限表", 303, "dispute 15年"},
			{"forever", "0", "重要纠纷永久保存", 303, "dispute 永久"},
			{"a hundred years", "100", "上限", 303, "dispute 100年"},
			{"past a hundred", "101", "上限", 422, "须为 0–100 之间的整数"},
			{"negative", "-1", "x", 422, "须为 0–100 之间的整数"},
			{"not a number", "十", "x", 422, "须为数字"},
			{"no grounds", "10", " ", 422, "必填"},
			{"grounds too long", "10", strings.Repeat("依", 201), 422, "不能超过 200 个字"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := postForm(t, srv, admin, "/admin/retention/dispute", url.Values{"years": {tc.years}, "basis": {tc.basis}})
				if resp.StatusCode != tc.status {
					t.Fatalf("%d, want %d: %s", resp.StatusCode, tc.status, testutil.Excerpt([]byte(body)))
				}
				rules, err := st.RetentionRules(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				var dispute store.RetentionRule
				for _, r := range rules {
					if r.Kind == "dispute" {
						dispute = r
					}
				}
				if tc.status == 303 {
					if got := store.RetentionText([]store.RetentionRule{dispute}); got != tc.want || dispute.Basis != tc.basis {
						t.Errorf("saved %q (%s), want %q (%s)", got, dispute.Basis, tc.want, tc.basis)
					}
				} else if !strings.Contains(body, tc.want) {
					t.Errorf("the refusal does not say %q", tc.want)
				}
			})
		}
		if resp, _ := postForm(t, srv, admin, "/admin/retention/nope", url.Values{"years": {"5"}, "basis": {"x"}}); resp.StatusCode != 404 {
			t.Errorf("an unknown kind: %d, want 404", resp.StatusCode)
		}
		entries, err := st.AuditRows(t.Context(), store.AuditFilter{Action: "retention.save"})
		if err != nil || len(entries) != 3 || entries[0].Object != "retention:dispute" {
			t.Errorf("audit entries %+v, %v; want one a saved period", entries, err)
		}
	})
}
