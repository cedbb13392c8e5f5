package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The retention page (issue 28): the root's administrator sets a kind's period with
// its grounds, refused as `onedoor retention` refuses, audited as retention.save and
// signed; a township's administrator is refused; the page counts the purge's dry run.
func TestRetentionPage(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		fucheng := srv.Login(t, "fucheng.admin", demo.Password)

		status, page := getPage(t, admin, "/admin/retention")
		if status != http.StatusOK || !strings.Contains(page, `data-kind="dispute"`) || !strings.Contains(page, `data-testid="purge-plan"`) {
			t.Fatalf("retention page: %d %s", status, testutil.Excerpt([]byte(page)))
		}
		// The page counts what `onedoor purge -dry-run` would remove now.
		plan, err := st.PlanPurge(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("将删除 %d 件", len(plan.Remove)); !strings.Contains(page, want) {
			t.Fatalf("the page lacks %q", want)
		}

		refusals := []struct {
			name, kind, years, basis, field string
		}{
			{"unknown kind", "nope", "5", "x", "kind"},
			{"negative years", "dispute", "-1", "x", "years"},
			{"past the bound", "dispute", "101", "x", "years"},
			{"not a number", "dispute", "ten", "x", "years"},
			{"no grounds", "dispute", "15", "  ", "basis"},
			{"grounds too long", "dispute", "15", strings.Repeat("据", 501), "basis"},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				resp, raw := postForm(t, srv, admin, "/admin/retention", url.Values{"csrf_token": {admin.CSRF}, "kind": {c.kind}, "years": {c.years}, "basis": {c.basis}})
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(raw, `data-testid="field-error-`+c.field+`"`) {
					t.Fatalf("want 422 naming %s, got %d %s", c.field, resp.StatusCode, testutil.Excerpt([]byte(raw)))
				}
			})
		}
		rules, _ := st.RetentionRules(ctx)
		for _, r := range rules {
			if r.UpdatedAt != nil {
				t.Fatalf("a refused form changed %s: %+v", r.Kind, r)
			}
		}

		resp, raw := postForm(t, srv, fucheng, "/admin/retention", url.Values{"csrf_token": {fucheng.CSRF}, "kind": {"dispute"}, "years": {"15"}, "basis": {"乡镇自定"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a township's administrator set a retention period: %d %s", resp.StatusCode, testutil.Excerpt([]byte(raw)))
		}
		if status, _ := getPage(t, fucheng, "/admin/retention"); status != http.StatusForbidden {
			t.Fatalf("a township's administrator reads the retention page: %d", status)
		}

		resp, raw = postForm(t, srv, admin, "/admin/retention", url.Values{"csrf_token": {admin.CSRF}, "kind": {"dispute"}, "years": {" 15 "}, "basis": {"县档案馆保管期限表第12条"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", resp.StatusCode, testutil.Excerpt([]byte(raw)))
		}
		rules, _ = st.RetentionRules(ctx)
		var saved store.RetentionRule
		for _, r := range rules {
			if r.Kind == "dispute" {
				saved = r
			}
		}
		if saved.Years != 15 || saved.Basis != "县档案馆保管期限表第12条" || saved.UpdatedAt == nil || saved.UpdatedBy != "county.admin" {
			t.Fatalf("saved rule: %+v", saved)
		}
		entries, err := st.AuditRows(ctx, store.AuditFilter{Action: "retention.save", Object: "retention:dispute"})
		if err != nil || len(entries) != 1 || entries[0].Actor != "county.admin" || !strings.Contains(entries[0].Summary, "15") {
			t.Fatalf("audit entries: %v %+v", err, entries)
		}
		_, page = getPage(t, admin, "/admin/retention")
		if !strings.Contains(page, "县档案馆保管期限表第12条") || !strings.Contains(page, "county.admin · ") {
			t.Fatalf("the page does not show the period set: %s", testutil.Excerpt([]byte(page)))
		}
	})
}
