package e2e

import (
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/testutil"
)

// 调解组织与人才库 through the page: the county admin lists the county's labour
// committee with its kinds of dispute, puts a lawyer into the pool and makes him a
// member; the pool shows his phone masked, and a phone that is no phone is refused
// naming the field.
func TestMediationAdminPage(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		admin := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.admin"}
		admin.desktop()
		admin.mustLogin("county.admin", demo.Password)
		if status := admin.click(`nav.sidenav a[href="/admin/mediation"]`); status != 200 {
			t.Fatalf("mediation page: %d", status)
		}
		admin.fill(`[data-testid=org-form] input[name=name]`, "康乐县劳动人事争议调解委员会")
		admin.choose(`[data-testid=org-form] select[name=kind]`, "trade")
		admin.chooseMany(`[data-testid=org-form] select[name=categories]`, []string{"dispute.labour"})
		admin.fill(`[data-testid=org-form] input[name=phone]`, "0930-5621234")
		admin.centre(`[data-testid=org-form] button`)
		if status := admin.click(`[data-testid=org-form] button`); status != 200 {
			t.Fatalf("organisation: %d %q", status, admin.texts(".field-error"))
		}

		admin.fill(`[data-testid=talent-form] input[name=t_name]`, "马律师")
		admin.choose(`[data-testid=talent-form] select[name=t_kind]`, "lawyer")
		admin.chooseMany(`[data-testid=talent-form] select[name=specialties]`, []string{"dispute.labour", "dispute.contract"})
		admin.fill(`[data-testid=talent-form] input[name=t_phone]`, "13993001234")
		admin.fill(`[data-testid=talent-form] input[name=employer]`, "甘肃康乐律师事务所")
		admin.centre(`[data-testid=talent-form] button`)
		if status := admin.click(`[data-testid=talent-form] button`); status != 200 {
			t.Fatalf("talent: %d %q", status, admin.texts(".field-error"))
		}
		row := admin.text(`[data-testid=talent-row]`)
		if !strings.Contains(row, "马律师") || !strings.Contains(row, model.MaskPhone("13993001234")) || strings.Contains(row, "13993001234") {
			t.Fatalf("pool row: %q", row)
		}

		admin.tap(`[data-testid=mediation-org] details > summary`)
		admin.choose(`[data-testid=member-form] select[name=talent_id]`, eval[string](admin.tab, `document.querySelector("[data-testid=talent-row]").dataset.talentId`))
		admin.fill(`[data-testid=member-form] input[name=post]`, "调解员")
		admin.centre(`[data-testid=member-form] button`)
		if status := admin.click(`[data-testid=member-form] button`); status != 200 {
			t.Fatalf("member: %d %q", status, admin.texts(".field-error"))
		}
		if got := admin.text(`[data-testid=mediation-member]`); !strings.Contains(got, "马律师（调解员）") {
			t.Fatalf("member shown: %q", got)
		}
		admin.shot("mediation-admin-1366")

		admin.fill(`[data-testid=talent-form] input[name=t_name]`, "赵心理")
		admin.choose(`[data-testid=talent-form] select[name=t_kind]`, "psychologist")
		admin.fill(`[data-testid=talent-form] input[name=t_phone]`, "12")
		admin.centre(`[data-testid=talent-form] button`)
		admin.expectStatus(422)
		if status := admin.click(`[data-testid=talent-form] button`); status != 422 || !admin.has(`[data-testid="field-error-t_phone"]`) {
			t.Fatalf("a person with a phone of two digits: %d", status)
		}
	})
}
