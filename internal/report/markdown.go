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
  its children; a channel; a kind; an urgency; a lead department (主办单位: the
  department of the case's live lead assignment), or the cases no department leads.
  A region's own row (本级) holds the cases placed at the region itself. Categories
  bearing the same name (其他) are named with their parent or kind (矛盾纠纷·其他).
- 上报, 下派 and the warnings raised and cleared are read from the events of the
  period (an escalation, a delegation, a change of the warning's level); a case
  counts once in each however often it moved. A warning raised is a change to the
  colour from any lower level (a warning set at registration included); cleared, a
  change from the colour to any lower level or none.
- **The hall screen** (大屏, ` + "`/screen/<token>`" + `) shows these same figures — this
  month's, today's intake, the warnings and deadlines now — for the region its token
  is bound to, as that region's viewer reads them.
- Intake is counted by registration time, endings by resolution time; figures
  marked *now* are read at the moment the page is made, whatever the period.
- A case reopened after an unsatisfied return visit leaves the endings until it is
  resolved again, and then counts in the period of its last resolution.
- Supervision figures (督办件, 红牌督办, 督办按时回复率) count cases by the orders
  issued on them in the period; 督办按时回复率 looks only at the orders whose reply
  was due by the moment it is read, and a case counts as answered on time when every
  such order was answered by its due time (an order answered late or not at all,
  escalated or not, fails it).
- Department figures (部门按期办理率, 部门超期件) are read for one department, as the
  考评 of departments reads them (docs/evaluation.md): its parts, lead or
  co-handling, finished in the period or still open with their deadline passed in it,
  counted by case; a co-handler's part is held to its own deadline, a lead's to the
  case's handling deadline. For a department the other figures count the cases it
  led, and the supervision figures the orders addressed to it. Their case lists take
  ` + "`department_id`" + ` beside ` + "`stat`" + `.
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
	var rolled, counted []string
	for _, f := range Figures {
		if _, ok := rollupParts[f.ID]; ok || f.Kind == Days {
			rolled = append(rolled, "`"+f.ID+"`")
		} else if !f.Department && !f.Aside {
			counted = append(counted, "`"+f.ID+"`")
		}
	}
	b.WriteString(`
## Rollups: how the figures are counted at scale

Counting must not scan the cases: the additive figures are read from rollups (table
` + "`case_rollups`" + `), counts kept per day (China time), leaf region, category, channel,
kind, urgency and lead department, on two sides — a day's intake (by registration)
and a day's endings (by the standing resolution, and by the calendar days elapsed
since the day of registration) — with a column per condition:
` + strings.Join(RollupColumns, ", ") + `. A dashboard adds up the period's days within the
reader's subtree (a range over the region path) and the cut, instead of counting the
period's cases; each column's condition is the figure's own (internal/report,
RollupSides), put into SQL the way the case list puts it.

- **Kept with every write, in its transaction**: the store's case writes (a new case,
  ` + "`UpdateCase`" + `, a lead part made or returned) take the case's old contribution out
  and put its new one back before the commit (internal/store/rollups.go), whatever
  service wrote it — intake, routing, resolution, verification, return visits,
  reopening, merging, rejection, escalation and delegation. The shared insert
  (PostgreSQL intake) adds its cases in the statement that writes them; the bulk load
  (` + "`onedoor demo -cases`" + `, ` + "`onedoor import`" + `) adds each batch's in the batch's
  transaction on SQLite, and right after its parallel parts commit on PostgreSQL.
- **Decided at registration**: whether a case is a repeat visit (重复来访率) is decided
  when it is registered, in the registration's transaction, against the cases
  registered before it, and kept on the case (` + "`repeat_visit`" + `), which the intake side
  counts. History loaded later (` + "`onedoor import`" + `) and cases removed by the purge decide
  again the same people's cases of the 90 days after theirs, rollups with them.
  Registrations of one person at the same moment on PostgreSQL may not see each
  other: ` + "`onedoor stats-verify`" + ` names such a case.
- **Handling times**: the working days of an ending are counted when the figures are
  read, from its day of resolution and the days elapsed since its registration, by
  the calendar then in force: the mean and the median are exact, and a change of the
  working calendar changes no row.
- **Checked**: ` + "`onedoor stats-verify`" + ` recounts the rollups and every case's repeat visit from
  the cases and names every key and column that differs (stored against recount),
  exiting 1; ` + "`-fix`" + ` decides the repeat visits again and rebuilds the rollups
  from the cases. ` + "`onedoor restore-check`" + ` runs the same check on a restored copy. A
  property test holds them equal to the recount through random workflows, and every
  figure read from them equal to the same figure counted from the cases, on both
  stores.
- **Read from the rollups**: ` + strings.Join(rolled, ", ") + `, and the chart of intake and
  endings by day.
- **Counted from the cases, through their indexes**: ` + strings.Join(counted, ", ") + `.
  They are not additive over days and groups, or not of a period: 超期件, 将到期 and the warnings now (the
  open cases' deadlines and colours at this moment), 上报, 下派 and the warnings raised
  and cleared (the period's events), and 督办 (the period's orders).
- A reader whose scope is a department's cases (not a region's) has every figure
  counted from the cases: the rollups know a case's lead department, not every
  department it is assigned to.
`)
	return b.String()
}
