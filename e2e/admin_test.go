package e2e

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/testutil"
)

// deptRow is one row of the departments table, as the page shows it.
type deptRow struct {
	Cells    []string `json:"cells"`
	Inactive bool     `json:"inactive"`
	Action   string   `json:"action"`  // where the row's activate/deactivate form posts
	Confirm  string   `json:"confirm"` // that form's data-confirm question
	Button   string   `json:"button"`
}

// deptRows returns the rows of the departments table named name (the list shows
// no code column: administrators know departments by name).
func (tb *tab) deptRows(name string) []deptRow {
	tb.t.Helper()
	return eval[[]deptRow](tb, `Array.from(document.querySelectorAll("[data-testid=departments] tbody tr"))
		.filter(r => r.cells.length > 1 && r.cells[1].innerText.trim() === `+jsString(name)+`)
		.map(r => {
			const f = r.querySelector("form.inline");
			return {
				cells: Array.from(r.cells, c => c.innerText.trim()),
				inactive: r.classList.contains("inactive"),
				action: f ? f.getAttribute("action") : "",
				confirm: f ? (f.getAttribute("data-confirm") || "") : "",
				button: f ? f.querySelector("button").innerText.trim() : "",
			};
		})`)
}

// deptRow returns the one row of the departments table named name.
func (tb *tab) deptRow(name string) deptRow {
	tb.t.Helper()
	rows := tb.deptRows(name)
	if len(rows) != 1 {
		tb.t.Fatalf("departments list has %d rows named %s, want 1: %+v", len(rows), name, rows)
	}
	return rows[0]
}

// fillDepartment fills the new-department form.
func (tb *tab) fillDepartment(regionID int64, code, name string) {
	tb.t.Helper()
	tb.do("choose the region", chromedp.SetValue(chromedp.CSS(`select[name=region_id]`), strconv.FormatInt(regionID, 10)))
	tb.fill(`input[name=code]`, code)
	tb.fill(`input[name=name]`, name)
}

// TestDepartmentAdmin has the county admin create a department through the form, be
// refused a second one with the same code, and deactivate it after confirming.
func TestDepartmentAdmin(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st := srv.Store
		county, err := st.RegionByCode(context.Background(), demo.CountyCode)
		if err != nil {
			t.Fatal(err)
		}
		const code, name = "veterans", "县退役军人事务局"

		tb := b.newTab(t, srv.URL)
		tb.mustLogin("county.admin", demo.Password)
		if status := tb.click(`nav.sidenav a[href="/admin/departments"]`); status != 200 {
			t.Fatalf("departments page: status %d", status)
		}
		tb.checkText("main h1", i18n.T(zh, "departments.title"))
		if rows := tb.deptRows(name); len(rows) != 0 {
			t.Fatalf("department %s exists before the test: %+v", code, rows)
		}

		// Create it.
		if status := tb.click(`a[href="/admin/departments/new"]`); status != 200 {
			t.Fatalf("new department form: status %d", status)
		}
		tb.checkText("main h1", i18n.T(zh, "departments.new"))
		options := tb.texts(`select[name=region_id] option`)
		if !slices.ContainsFunc(options, func(o string) bool { return strings.TrimSpace(o) == county.Name }) {
			t.Fatalf("region choices %q lack %s", options, county.Name)
		}
		tb.fillDepartment(county.ID, code, name)
		if status := tb.click(`form.form button.primary`); status != 200 {
			t.Fatalf("save: status %d on %s: %q", status, tb.location(), tb.texts("[data-testid=error], .field-error"))
		}
		if loc := tb.location(); loc != "/admin/departments?notice=saved" {
			t.Errorf("after saving on %s, want the list with the saved notice", loc)
		}
		tb.checkText("p.notice", i18n.T(zh, "notice.saved"))
		row := tb.deptRow(name)
		wantCells := []string{county.Name, name, i18n.T(zh, "status.active")}
		if !slices.Equal(row.Cells[:3], wantCells) || row.Inactive {
			t.Errorf("new row shows %q (inactive %v), want %q, active", row.Cells, row.Inactive, wantCells)
		}

		// The same code again is refused next to the code field, the input kept.
		tb.expectStatus(422)
		if status := tb.open("/admin/departments/new"); status != 200 {
			t.Fatalf("new department form: status %d", status)
		}
		tb.fillDepartment(county.ID, code, name+"二")
		if status := tb.click(`form.form button.primary`); status != 422 {
			t.Errorf("duplicate code: status %d, want 422", status)
		}
		if !tb.has(`label:has(input[name=code]) [data-testid=field-error-code]`) {
			t.Errorf("no field error next to the code field; field errors: %q", tb.texts(".field-error"))
		}
		if got := tb.text("[data-testid=field-error-code]"); !strings.Contains(got, "已被占用") {
			t.Errorf("code field error = %q, want 已被占用", got)
		}
		for _, f := range []string{"region_id", "name"} {
			if tb.has("[data-testid=field-error-" + f + "]") {
				t.Errorf("unexpected field error on %s: %q", f, tb.texts("[data-testid=field-error-"+f+"]"))
			}
		}
		if got := tb.value(`input[name=code]`); got != code {
			t.Errorf("code field holds %q after the refusal, want %q", got, code)
		}
		if got := tb.value(`input[name=name]`); got != name+"二" {
			t.Errorf("name field holds %q after the refusal, want %q", got, name+"二")
		}
		if got := tb.value(`select[name=region_id]`); got != strconv.FormatInt(county.ID, 10) {
			t.Errorf("region choice is %q after the refusal, want %d", got, county.ID)
		}
		if status := tb.click(`.form-actions a[href="/admin/departments"]`); status != 200 {
			t.Fatalf("cancel: status %d", status)
		}
		row = tb.deptRow(name) // still one, the refused duplicate (named name+"二") not added
		if rows := tb.deptRows(name + "二"); len(rows) != 0 {
			t.Errorf("the refused duplicate is listed: %+v", rows)
		}

		// Deactivate: dismissing the confirmation changes nothing…
		if !strings.HasSuffix(row.Action, "/deactivate") || row.Confirm != i18n.T(zh, "confirm.deactivate") {
			t.Fatalf("row's switch posts to %q asking %q, want a confirmed deactivate", row.Action, row.Confirm)
		}
		button := `form[action="` + row.Action + `"] button`
		tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.e2eMark = 1`))
		tb.acceptDialogs.Store(false)
		tb.do("click "+button, chromedp.Click(chromedp.CSS(button)))
		if msg := tb.dialog(); msg != row.Confirm {
			t.Errorf("confirmation asks %q, want %q", msg, row.Confirm)
		}
		time.Sleep(300 * time.Millisecond) // a submission that was not stopped would be under way by now
		if !eval[bool](tb, `window.e2eMark === 1`) {
			t.Fatal("the page left although the confirmation was dismissed")
		}
		if r := tb.deptRow(name); r.Inactive || r.Cells[2] != i18n.T(zh, "status.active") {
			t.Errorf("after dismissing, the row shows %q (inactive %v), want it still active", r.Cells, r.Inactive)
		}

		// …accepting it deactivates.
		tb.acceptDialogs.Store(true)
		if status := tb.click(button); status != 200 {
			t.Fatalf("deactivate: status %d", status)
		}
		if msg := tb.dialog(); msg != row.Confirm {
			t.Errorf("confirmation asks %q, want %q", msg, row.Confirm)
		}
		if loc := tb.location(); loc != "/admin/departments?notice=deactivated" {
			t.Errorf("after deactivating on %s, want the list with the deactivated notice", loc)
		}
		tb.checkText("p.notice", i18n.T(zh, "notice.deactivated"))
		row = tb.deptRow(name)
		if row.Cells[2] != "已停用" || row.Cells[2] != i18n.T(zh, "status.inactive") || !row.Inactive {
			t.Errorf("deactivated row shows %q (inactive %v), want the status 已停用", row.Cells, row.Inactive)
		}
		if !strings.HasSuffix(row.Action, "/activate") || row.Confirm != "" || row.Button != i18n.T(zh, "action.activate") {
			t.Errorf("deactivated row's switch: %q posting to %q asking %q, want an unconfirmed %s",
				row.Button, row.Action, row.Confirm, i18n.T(zh, "action.activate"))
		}
	})
}
