package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/testutil"
)

// shotsEnv names a directory to keep screenshots in; unset, they are taken (the
// page must render) and dropped.
const shotsEnv = "ONEDOOR_SCREENSHOTS"

// screenshot sizes the tab to width × height and captures the whole page as name.png.
func (tb *tab) screenshot(name string, width, height int64) {
	tb.t.Helper()
	tb.do("size the window for "+name, chromedp.EmulateViewport(width, height))
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if dir := os.Getenv(shotsEnv); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
}

// TestGroupCaseAtTheDesk: 86 households of a housing estate send two elected
// representatives and their lawyer to the county desk. The clerk registers the group
// case with its households and people, the representatives and the agent acting for
// the first of them; the case page counts the group and lists the representatives
// first, the agent naming whom they act for.
func TestGroupCaseAtTheDesk(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		ctx := context.Background()
		category := kangleCategory(t, srv.Store, "dispute.housing")
		county, err := srv.Store.RegionByCode(ctx, demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "county.clerk"}
		clerk.mustLogin("county.clerk", demo.Password)
		if status := clerk.open("/cases/new"); status != 200 {
			t.Fatalf("intake desk: %d", status)
		}
		clerk.choose(`select[name=category_id]`, strconv.FormatInt(category, 10))
		clerk.choose(`select[name=region_id]`, strconv.FormatInt(county.ID, 10))
		clerk.fill(`input[name=title]`, "锦绣家园86户业主办证难")
		clerk.fill(`textarea[name=description]`, "锦绣家园小区86户业主反映开发商逾期三年未办理不动产权证，推选马某、杨某为代表人来访，委托周律师代理。")
		clerk.fill(`input[name=households]`, "86")
		clerk.fill(`input[name=people_count]`, "230")
		clerk.choose(`select[name="parties[0].role"]`, string(model.PartyRepresentative))
		clerk.fill(`input[name="parties[0].name"]`, "马某")
		clerk.fill(`input[name="parties[0].phone"]`, "13893002001")
		clerk.tap(`button[data-add-party]`)
		clerk.choose(`select[name="parties[1].role"]`, string(model.PartyRespondent))
		clerk.fill(`input[name="parties[1].name"]`, "康乐县锦绣房地产开发有限公司")
		clerk.tap(`button[data-add-party]`)
		clerk.choose(`select[name="parties[2].role"]`, string(model.PartyRepresentative))
		clerk.fill(`input[name="parties[2].name"]`, "杨某")
		clerk.tap(`button[data-add-party]`)
		clerk.choose(`select[name="parties[3].role"]`, string(model.PartyAgent))
		clerk.fill(`input[name="parties[3].name"]`, "周律师")

		// An agent who names nobody is refused at the field, the form kept.
		clerk.expectStatus(422)
		if status := clerk.click(`[data-testid=register]`); status != 422 {
			t.Fatalf("an agent for nobody: status %d on %s", status, clerk.location())
		}
		if got := clerk.texts(`[data-party-row="3"] .field-error`); len(got) != 1 || !strings.Contains(got[0], "请选择代理或监护的当事人") {
			t.Fatalf("the agent's row shows %q", got)
		}
		if got := clerk.value(`input[name=households]`); got != "86" {
			t.Fatalf("households refilled as %q", got)
		}
		clerk.choose(`select[name="parties[3].acts_for"]`, "1")
		clerk.screenshot("people-group-intake-1366", 1366, 768)
		if status := clerk.click(`[data-testid=register]`); status != 200 {
			t.Fatalf("register: %d %q", status, clerk.texts("[data-testid=error], .field-error"))
		}
		if regexp.MustCompile(`^/cases/\d+\?notice=case_registered$`).FindString(clerk.location()) == "" {
			t.Fatalf("after registering on %s: %q", clerk.location(), clerk.texts("[data-testid=error], .field-error"))
		}
		if got, want := clerk.text("[data-testid=group-summary]"), "86 户 · 230 人 · 代表人 2 名"; got != want {
			t.Errorf("group summary %q, want %q", got, want)
		}
		rows := eval[[][]string](clerk.tab, `Array.from(document.querySelectorAll("[data-testid=parties] tbody tr"),
			r => [r.cells[0].innerText.trim(), r.cells[1].innerText.trim(), r.cells[3].innerText.trim()])`)
		rep := i18n.T(zh, "party_role.representative")
		want := [][]string{{rep, "马某", "138****2001"}, {rep, "杨某", ""}, {i18n.T(zh, "party_role.respondent"), "康乐县锦绣房地产开发有限公司", ""},
			{i18n.T(zh, "party_role.agent") + "\n" + i18n.T(zh, "case.acts_for", "马某"), "周律师", ""}}
		if len(rows) != len(want) {
			t.Fatalf("parties %q", rows)
		}
		for i := range want {
			if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("party row %d %q, want %q", i, rows[i], want[i])
			}
		}
		clerk.screenshot("people-group-case-1366", 1366, 768)
	})
}
