package report

import (
	"fmt"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
)

// Markdown renders docs/statistics.md: every figure's definition as the pages show it
// on hover, and how the figures are counted. A test keeps the file equal to it.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# The leader's figures (统计口径)

Generated from internal/report (the figures) and the i18n catalogue (their names and
definitions); ` + "`ONEDOOR_WRITE_DOCS=1 go test ./internal/report -run StatisticsDoc`" + ` rewrites
it. The dashboard shows each definition on hover over the figure's name.

Every figure is a condition over a case's own columns (` + "`model.CaseCond`" + `). The
store turns the same condition into SQL to count the figure and to list its cases, so
every number on the dashboard, in the monthly report and in ` + "`GET /api/v1/stats`" + ` links
to the case list holding exactly those cases; a test follows every link and compares.

- **Periods** are whole days in China time (UTC+8): a day, a week (Monday first), a
  month, a quarter, a year, or any range of days. 环比 compares with the period
  before (the previous month, quarter or year; for days, weeks and ranges the same
  number of days just before); 同比 with the same days a year earlier. A change is
  in per cent for counts and durations, in percentage points for rates.
- **Cuts**: the reader's region subtree (a township leader counts only their
  township), drilled down a level at a time to the grid; a top-level category with
  its children; a channel; a kind.
- Intake is counted by registration time, endings by resolution time; figures
  marked *now* are read at the moment the page is made, whatever the period.
- A case reopened after an unsatisfied return visit leaves the endings until it is
  resolved again, and then counts in the period of its last resolution.
- Handling time counts the working days (the working calendar of 系统设置, with
  holidays and make-up days) after the day of registration up to the day of
  resolution.

| id | 指标 | kind | 口径 | Figure | Definition |
|---|---|---|---|---|---|
`)
	for _, f := range Figures {
		kind := string(f.Kind)
		if f.Now {
			kind += ", now"
		}
		zh, zhDef := f.Local(i18n.Default)
		en, enDef := f.Local("en")
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", f.ID, zh, kind, zhDef, en, enDef)
	}
	return b.String()
}
