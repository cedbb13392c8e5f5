package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// condSQL turns a figure's condition into SQL on the cases alias c: the one
// translation both the counting below and the case list (CaseFilter.Cond) use.
func condSQL(d Dialect, cond *model.CaseCond) (string, []any) {
	var parts []string
	var args []any
	in := func(col string, vals []string) {
		parts = append(parts, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if !cond.CreatedFrom.IsZero() {
		parts = append(parts, "c.created_at >= ?")
		args = append(args, cond.CreatedFrom.UTC())
	}
	if !cond.CreatedTo.IsZero() {
		parts = append(parts, "c.created_at < ?")
		args = append(args, cond.CreatedTo.UTC())
	}
	if !cond.EndedFrom.IsZero() || !cond.EndedTo.IsZero() {
		// resolved_at is cleared when a case is reopened, so it is set only on
		// cases whose last resolution stands.
		parts = append(parts, "c.resolved_at IS NOT NULL")
	}
	if !cond.EndedFrom.IsZero() {
		parts = append(parts, "c.resolved_at >= ?")
		args = append(args, cond.EndedFrom.UTC())
	}
	if !cond.EndedTo.IsZero() {
		parts = append(parts, "c.resolved_at < ?")
		args = append(args, cond.EndedTo.UTC())
	}
	if len(cond.NotStates) > 0 {
		parts = append(parts, "c.state NOT IN ("+strings.TrimSuffix(strings.Repeat("?,", len(cond.NotStates)), ",")+")")
		for _, v := range cond.NotStates {
			args = append(args, v)
		}
	}
	if len(cond.States) > 0 {
		in("c.state", cond.States)
	}
	if len(cond.Outcomes) > 0 {
		in("c.outcome", cond.Outcomes)
	}
	if cond.OnTime {
		parts = append(parts, "c.resolved_at IS NOT NULL AND (c.resolved_due_at IS NULL OR c.resolved_at <= c.resolved_due_at)")
	}
	if len(cond.Satisfactions) > 0 {
		in("c.satisfaction", cond.Satisfactions)
	}
	if cond.Reopened {
		parts = append(parts, "c.reopened > 0")
	}
	if cond.EndedLow {
		parts = append(parts, "c.centre_id IN (SELECT lr.id FROM regions lr WHERE lr.level IN ('village','grid'))")
	}
	if len(cond.RiskLevels) > 0 {
		parts = append(parts, "c.risk_level <> 'none'") // so the partial warning index applies
		in("c.risk_level", cond.RiskLevels)
	}
	if len(cond.EventActions) > 0 {
		// Read from the events of the period (case_events_action_at), not from every
		// case. A warning's payload is written with its keys in order, "computed"
		// first and "to" last (cases.warningEvent), so its levels are matched at
		// their places.
		sub := "c.id IN (SELECT e.case_id FROM case_events e WHERE e.action IN (" +
			strings.TrimSuffix(strings.Repeat("?,", len(cond.EventActions)), ",") + ") AND e.at >= ? AND e.at < ?"
		for _, a := range cond.EventActions {
			args = append(args, a)
		}
		args = append(args, cond.EventFrom.UTC(), cond.EventTo.UTC())
		likeAny := func(pattern string, levels []string) {
			var ors []string
			for _, l := range levels {
				ors = append(ors, "e.payload LIKE ?")
				args = append(args, strings.Replace(pattern, "LEVEL", l, 1))
			}
			sub += " AND (" + strings.Join(ors, " OR ") + ")"
		}
		if len(cond.WarningFrom) > 0 {
			likeAny(`{"computed":"%","from":"LEVEL",%`, cond.WarningFrom)
		}
		if len(cond.WarningTo) > 0 {
			likeAny(`%"to":"LEVEL"}`, cond.WarningTo)
		}
		parts = append(parts, sub+")")
	}
	if !cond.DueTo.IsZero() {
		parts = append(parts, "c.due_at <= ?")
		args = append(args, cond.DueTo.UTC())
	}
	if cond.Overdue {
		parts = append(parts, "c.state IN "+openStates+" AND c.due_at < ?")
		args = append(args, cond.DueFrom.UTC())
	}
	if cond.DueSoon {
		parts = append(parts, "c.state IN "+openStates+" AND c.due_at >= ? AND ((c.urgency = ? AND c.due_at <= ?) OR (c.urgency <> ? AND c.due_at <= ?))")
		args = append(args, cond.DueFrom.UTC(), cond.UrgentCode, cond.DueSoonUrgentTo.UTC(), cond.UrgentCode, cond.DueSoonTo.UTC())
	}
	if !cond.OpenedBefore.IsZero() {
		col := "c.created_at"
		if d == SQLite {
			col = "+c.created_at" // not through cases_created: the states' index finds the few
		}
		parts = append(parts, col+" < ?")
		args = append(args, cond.OpenedBefore.UTC())
	}
	if cond.RepeatParty {
		// Decided when the case was registered, by repeatPartySQL (markRepeatVisits).
		parts = append(parts, "c.repeat_visit = 1")
	}
	if cond.Group {
		// model.Case.IsGroup, word for word.
		parts = append(parts, "(c.households >= 2 OR c.people_count >= "+strconv.Itoa(model.GroupPeople)+
			" OR EXISTS (SELECT 1 FROM case_parties gp WHERE gp.case_id = c.id AND gp.role = 'representative'))")
	}
	if !cond.SupervisedFrom.IsZero() {
		w, a := supervisedSQL(cond, false)
		parts = append(parts, "c.id IN ("+w+")")
		args = append(args, a...)
		if cond.SupervisionOnTime {
			w, a := supervisedSQL(cond, true)
			parts = append(parts, "c.id NOT IN ("+w+")")
			args = append(args, a...)
		}
	}
	if cond.DepartmentID != 0 && !cond.PartsFrom.IsZero() {
		w, a := partsSQL(cond)
		parts = append(parts, "c.id IN ("+w+")")
		args = append(args, a...)
	} else if cond.DepartmentID != 0 && cond.SupervisedFrom.IsZero() {
		// A department's outcomes are those of the cases it led.
		parts = append(parts, "c.id IN (SELECT la.case_id FROM case_assignments la WHERE la.department_id = ? AND la.is_lead = TRUE AND la.status <> 'returned')")
		args = append(args, cond.DepartmentID)
	}
	if cond.TeamAccount != 0 || cond.TeamTalent != 0 {
		w, a := teamPlacesSQL(cond)
		parts = append(parts, "c.id IN (SELECT k.case_id FROM case_team k WHERE "+w+")")
		args = append(args, a...)
	}
	if len(parts) == 0 {
		return "1=1", nil
	}
	return "(" + strings.Join(parts, " AND ") + ")", args
}

// teamPlacesSQL is the condition on case_team k of cond's team places: the person's
// (TeamFilter's rule), in its role, held at some time in [TeamFrom, TeamTo).
func teamPlacesSQL(cond *model.CaseCond) (string, []any) {
	var parts []string
	var args []any
	if cond.TeamAccount != 0 {
		parts = append(parts, "(k.user_id = ? OR k.talent_id IN (SELECT tp.id FROM talent_people tp WHERE tp.user_id = ?))")
		args = append(args, cond.TeamAccount, cond.TeamAccount)
	} else {
		parts = append(parts, "k.talent_id = ?")
		args = append(args, cond.TeamTalent)
	}
	if cond.TeamRole != "" {
		parts = append(parts, "k.role = ?")
		args = append(args, cond.TeamRole)
	}
	if !cond.TeamTo.IsZero() {
		parts = append(parts, "k.added_at < ?")
		args = append(args, cond.TeamTo.UTC())
	}
	if !cond.TeamFrom.IsZero() {
		parts = append(parts, "(k.left_at IS NULL OR k.left_at >= ?)")
		args = append(args, cond.TeamFrom.UTC())
	}
	return strings.Join(parts, " AND "), args
}

// TeamPlace is one team place (包案) held in a period on a case in scope, with its
// person — an account (theirs, or the pool person's), else a pool person — and
// whether the case meets each of the conditions asked.
type TeamPlace struct {
	AccountID int64
	TalentID  int64 // a pool person without an account; 0 when AccountID is set
	Name      string
	Role      string
	CaseID    int64
	Meets     []bool
}

// TeamPlaces lists the team places held at some time in [from, to) on the cases in
// scope, each with whether its case meets each of conds: what 考评's table of team
// work counts, by the conditions of the case lists it links to.
func (s *Store) TeamPlaces(ctx context.Context, from, to time.Time, conds []model.CaseCond, sc CaseScope) ([]TeamPlace, error) {
	where, args := sc.where(s.dialect)
	var cols []string
	var colArgs []any
	for i := range conds {
		cw, ca := condSQL(s.dialect, &conds[i])
		cols = append(cols, "CASE WHEN "+cw+" THEN 1 ELSE 0 END")
		colArgs = append(colArgs, ca...)
	}
	sel := "COALESCE(k.user_id, t.user_id, 0), CASE WHEN COALESCE(k.user_id, t.user_id) IS NULL THEN k.talent_id ELSE 0 END, COALESCE(u.display_name, t.name, ''), k.role, c.id"
	if len(cols) > 0 {
		sel += ", " + strings.Join(cols, ", ")
	}
	q := "SELECT " + sel + ` FROM case_team k JOIN cases c ON c.id = k.case_id LEFT JOIN talent_people t ON t.id = k.talent_id
		LEFT JOIN users u ON u.id = COALESCE(k.user_id, t.user_id)
		WHERE k.added_at < ? AND (k.left_at IS NULL OR k.left_at >= ?) AND ` + where + " ORDER BY k.id"
	all := append(append(colArgs, to.UTC(), from.UTC()), args...)
	rows, err := s.query(ctx, q, all...)
	return scanAll(rows, err, func(r *sql.Rows) (TeamPlace, error) {
		var p TeamPlace
		flags := make([]int64, len(conds))
		dst := []any{&p.AccountID, &p.TalentID, &p.Name, &p.Role, &p.CaseID}
		for i := range flags {
			dst = append(dst, &flags[i])
		}
		err := r.Scan(dst...)
		for _, f := range flags {
			p.Meets = append(p.Meets, f == 1)
		}
		return p, err
	})
}

// leadDepartment is a case's lead department (主办单位), 0 when none: its live lead
// assignment's (at most one: a new one is made only after the last was returned).
const leadDepartment = "COALESCE((SELECT la.department_id FROM case_assignments la WHERE la.case_id = c.id AND la.is_lead AND la.status <> 'returned' LIMIT 1), 0)"

// comingRoles are the parties who bring a matter (来访人): its applicants and a
// group's representatives. A respondent met again is not a repeat visitor.
const comingRoles = "('applicant','representative')"

// samePartySQL is the condition that party q (alias) is the same person as party p,
// model.PartyKey's rule: the same ID number; else, neither having one, the same
// phone; else, neither having either, the same name and address. Each branch is
// answered by its own index (id_number, phone, case_parties_name_address).
func samePartySQL(p, q string) []string {
	r := strings.NewReplacer("p.", p+".", "q.", q+".")
	return []string{
		r.Replace("p.id_number <> '' AND q.id_number = NULLIF(p.id_number, '')"),
		r.Replace("p.id_number = '' AND p.phone <> '' AND q.phone = NULLIF(p.phone, '') AND q.id_number = ''"),
		r.Replace("p.id_number = '' AND p.phone = '' AND p.name <> '' AND p.address <> '' AND q.name = NULLIF(p.name, '') AND q.address = NULLIF(p.address, '') AND q.id_number = '' AND q.phone = ''"),
	}
}

// repeatPartySQL is model.CaseCond.RepeatParty's definition on the cases alias c: a
// coming party of c is the same person as a coming party of another case registered
// in the model.RepeatWindowDays before c (ties in time broken by id). It decides a
// case's repeat_visit when the case is registered (markRepeatVisits), and
// stats-verify recounts the flags by it; migration 0042 holds the same text.
func repeatPartySQL(d Dialect) string {
	since := "datetime(c.created_at, '-" + strconv.Itoa(model.RepeatWindowDays) + " days')"
	if d == Postgres {
		since = "c.created_at - INTERVAL '" + strconv.Itoa(model.RepeatWindowDays) + " days'"
	}
	var ors []string
	for _, same := range samePartySQL("rp", "rq") {
		ors = append(ors, "EXISTS (SELECT 1 FROM case_parties rp JOIN case_parties rq ON "+same+
			" JOIN cases rc ON rc.id = rq.case_id WHERE rp.case_id = c.id AND rp.role IN "+comingRoles+
			" AND rq.role IN "+comingRoles+" AND rc.id <> c.id AND rc.created_at >= "+since+
			" AND (rc.created_at < c.created_at OR (rc.created_at = c.created_at AND rc.id < c.id)))")
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// supervisedSQL selects the cases with an order of cond's issued in its span (and
// due by SupervisionDueBy, addressed to DepartmentID, when set); late, only those
// with such an order answered after its due time or not at all. Uncorrelated, it is
// read through the index on supervisions(issued_at).
func supervisedSQL(cond *model.CaseCond, late bool) (string, []any) {
	q := "SELECT v.case_id FROM supervisions v WHERE v.issued_at >= ? AND v.issued_at < ?"
	args := []any{cond.SupervisedFrom.UTC(), cond.SupervisedTo.UTC()}
	if len(cond.SupervisedLevels) > 0 {
		q += " AND v.level IN (" + strings.TrimSuffix(strings.Repeat("?,", len(cond.SupervisedLevels)), ",") + ")"
		for _, l := range cond.SupervisedLevels {
			args = append(args, l)
		}
	}
	if !cond.SupervisionDueBy.IsZero() {
		q += " AND v.reply_by <= ?"
		args = append(args, cond.SupervisionDueBy.UTC())
	}
	if cond.DepartmentID != 0 {
		q += " AND v.department_id = ?"
		args = append(args, cond.DepartmentID)
	}
	if late {
		q += " AND (v.replied_at IS NULL OR v.replied_at > v.reply_by)"
	}
	return q, args
}

// partDeadline is a part's deadline: a co-handler's own, a lead's the case's
// handling deadline in force when it was resolved.
const partDeadline = "COALESCE(pa.due_at, CASE WHEN pa.is_lead = TRUE THEN pc.resolved_due_at END)"

// partsSQL selects the cases of which cond's department had a part finished in the
// span, or open with its deadline passed in it (a late part), narrowed by PartMode.
func partsSQL(cond *model.CaseCond) (string, []any) {
	from, to := cond.PartsFrom.UTC(), cond.PartsTo.UTC()
	lateTo := to
	if n := cond.PartsNow.UTC(); !n.IsZero() && n.Before(lateTo) {
		lateTo = n
	}
	q := "SELECT pa.case_id FROM case_assignments pa JOIN cases pc ON pc.id = pa.case_id WHERE pa.department_id = ? AND pa.status = 'reported' AND pa.reported_at >= ? AND pa.reported_at < ?"
	args := []any{cond.DepartmentID, from, to}
	switch cond.PartMode {
	case model.PartOnTime:
		q += " AND (" + partDeadline + " IS NULL OR pa.reported_at <= " + partDeadline + ")"
		return q, args
	case model.PartLate:
		q += " AND pa.reported_at > " + partDeadline
	}
	// Each side of the union is read through its own index on (department, status, time).
	return q + " UNION ALL SELECT pa.case_id FROM case_assignments pa WHERE pa.department_id = ? AND pa.status IN ('assigned','signed') AND pa.due_at >= ? AND pa.due_at < ?",
		append(args, cond.DepartmentID, from, lateTo)
}

// FigureGroup is what one group of cases counts toward each condition asked for:
// the cases of one leaf region, category, channel and kind.
type FigureGroup struct {
	RegionPath string
	CategoryID int64
	Channel    string
	Kind       string
	Urgency    string
	Department int64   // the lead department (主办单位), 0 when none
	Counts     []int64 // one per condition, in the order asked
}

// FigureCounts counts, among the cases in scope matching f (f.Cond the base: a
// period's intake or endings, the open cases), those meeting each of conds: grouped by
// leaf region, category, channel and kind, from which the caller folds every cut
// (region subtree, category group, channel, kind) and the totals; or, not grouped, in
// one total row. One pass over the base's cases, read through its own index.
func (s *Store) FigureCounts(ctx context.Context, f CaseFilter, conds []model.CaseCond, sc CaseScope, grouped bool) ([]FigureGroup, error) {
	return s.figureCounts(ctx, f, conds, sc, grouped, false)
}

// FigureCountsByRegion is FigureCounts grouped by leaf region alone: what a ranking
// of regions needs, without the groups by category, channel and kind the dashboard
// folds (a fifth of the cost of a month's pass at 100,000 cases).
func (s *Store) FigureCountsByRegion(ctx context.Context, f CaseFilter, conds []model.CaseCond, sc CaseScope) ([]FigureGroup, error) {
	return s.figureCounts(ctx, f, conds, sc, false, true)
}

func (s *Store) figureCounts(ctx context.Context, f CaseFilter, conds []model.CaseCond, sc CaseScope, grouped, byRegion bool) ([]FigureGroup, error) {
	where, args := sc.where(s.dialect)
	fw, fa := f.where(s.dialect)
	var sums []string
	var sumArgs []any
	for i := range conds {
		cw, ca := condSQL(s.dialect, &conds[i])
		sums = append(sums, "SUM(CASE WHEN "+cw+" THEN 1 ELSE 0 END)")
		sumArgs = append(sumArgs, ca...)
	}
	keys, group := "'', 0, '', '', '', 0", ""
	if byRegion {
		keys, group = "c.region_path, 0, '', '', '', 0", " GROUP BY c.region_path"
	} else if grouped {
		keys = "c.region_path, c.category_id, c.channel, c.kind, c.urgency, " + leadDepartment
		group = " GROUP BY 1, 2, 3, 4, 5, 6"
	}
	q := "SELECT " + keys + ", " + strings.Join(sums, ", ") + " FROM cases c WHERE " + fw + " AND " + where + group
	all := append(append(sumArgs, fa...), args...)
	rows, err := s.query(ctx, q, all...)
	list, err := scanAll(rows, err, func(r *sql.Rows) (FigureGroup, error) {
		g := FigureGroup{Counts: make([]int64, len(conds))}
		sums := make([]sql.NullInt64, len(conds)) // SUM over no rows is NULL
		dst := []any{&g.RegionPath, &g.CategoryID, &g.Channel, &g.Kind, &g.Urgency, &g.Department}
		for i := range sums {
			dst = append(dst, &sums[i])
		}
		err := r.Scan(dst...)
		for i, n := range sums {
			g.Counts[i] = n.Int64
		}
		return g, err
	})
	return list, err
}

// CaseSpan is when a case was registered and when it was resolved.
type CaseSpan struct {
	RegionPath        string
	Department        int64 // the lead department, 0 when none
	CategoryID        int64
	Channel, Kind     string
	Urgency           string
	Created, Resolved time.Time
	Cases             int64 // 0: one case
}

// EndedSpans lists, for the resolved cases in scope matching f, when each was
// registered and resolved: the handling times a duration figure is computed from.
func (s *Store) EndedSpans(ctx context.Context, f CaseFilter, sc CaseScope) ([]CaseSpan, error) {
	where, args := sc.where(s.dialect)
	fw, fa := f.where(s.dialect)
	rows, err := s.query(ctx, "SELECT c.region_path, "+leadDepartment+", c.category_id, c.channel, c.kind, c.urgency, c.created_at, c.resolved_at FROM cases c WHERE c.resolved_at IS NOT NULL AND "+
		fw+" AND "+where, append(fa, args...)...)
	return scanAll(rows, err, func(r *sql.Rows) (CaseSpan, error) {
		var sp CaseSpan
		err := r.Scan(&sp.RegionPath, &sp.Department, &sp.CategoryID, &sp.Channel, &sp.Kind, &sp.Urgency, &sp.Created, &sp.Resolved)
		return sp, err
	})
}

// CountMatching counts the cases in scope matching f (its paging fields aside): the
// total a list shows when it holds the cases behind a figure.
func (s *Store) CountMatching(ctx context.Context, f CaseFilter, sc CaseScope) (int64, error) {
	where, args := sc.where(s.dialect)
	fw, fa := f.where(s.dialect)
	var n int64
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM cases c WHERE "+fw+" AND "+where, append(fa, args...)...).Scan(&n)
	return n, err
}

// LeadFigureCounts counts, among the cases in scope matching f (the base: a period's
// endings), for each department that led them, those meeting each of conds: the
// figures of the cases each department led, in one pass over the period's cases
// joined to their lead parts, rather than one pass per department over every case
// it ever led. A case counts once for each department leading it (a part not
// returned), as the list of a department's figure (CaseCond.DepartmentID) holds it.
func (s *Store) LeadFigureCounts(ctx context.Context, f CaseFilter, conds []model.CaseCond, sc CaseScope) (map[int64][]int64, error) {
	where, args := sc.where(s.dialect)
	fw, fa := f.where(s.dialect)
	var sums []string
	var sumArgs []any
	for i := range conds {
		cw, ca := condSQL(s.dialect, &conds[i])
		// A case has one lead part not returned (a return ends the part, and the case
		// is routed anew), so each joined row is a case: a sum, not a distinct count.
		sums = append(sums, "SUM(CASE WHEN "+cw+" THEN 1 ELSE 0 END)")
		sumArgs = append(sumArgs, ca...)
	}
	q := "SELECT la.department_id, " + strings.Join(sums, ", ") + " FROM cases c JOIN case_assignments la ON la.case_id = c.id AND la.is_lead = TRUE AND la.status <> 'returned'" +
		" WHERE " + fw + " AND " + where + " GROUP BY la.department_id"
	rows, err := s.query(ctx, q, append(append(sumArgs, fa...), args...)...)
	out := map[int64][]int64{}
	_, err = scanAll(rows, err, func(r *sql.Rows) (struct{}, error) {
		var dept int64
		sums := make([]sql.NullInt64, len(conds))
		dst := []any{&dept}
		for i := range sums {
			dst = append(dst, &sums[i])
		}
		err := r.Scan(dst...)
		counts := make([]int64, len(conds))
		for i, n := range sums {
			counts[i] = n.Int64
		}
		out[dept] = counts
		return struct{}{}, err
	})
	return out, err
}

// DepartmentParts is what one department's parts count toward in a period, by case:
// Any, the cases with a part finished in it or fallen late in it while open; OnTime,
// those with such a part finished by its deadline; Late, those with one finished
// after it or still open past it (the conditions of partsSQL, model.PartAny,
// PartOnTime and PartLate).
type DepartmentParts struct{ Any, OnTime, Late int64 }

// DepartmentPartCounts counts the parts of every department of depts at once, over
// the cases in scope: the department figures of a ranking in one pass over the
// period's parts (read through the (department, status, time) indexes) instead of one
// per department.
func (s *Store) DepartmentPartCounts(ctx context.Context, depts []int64, from, to, now time.Time, sc CaseScope) (map[int64]DepartmentParts, error) {
	out := map[int64]DepartmentParts{}
	if len(depts) == 0 {
		return out, nil
	}
	lateTo := to.UTC()
	if !now.IsZero() && now.UTC().Before(lateTo) {
		lateTo = now.UTC()
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(depts)), ",") + ")"
	var deptArgs []any
	for _, d := range depts {
		deptArgs = append(deptArgs, d)
	}
	// Each part's case is read once, for its deadline and the scope together.
	where, scArgs := sc.where(s.dialect)
	deadline := strings.ReplaceAll(partDeadline, "pc.", "c.")
	q := "SELECT x.d, COUNT(DISTINCT x.cid), COUNT(DISTINCT CASE WHEN x.ontime = 1 THEN x.cid END), COUNT(DISTINCT CASE WHEN x.late = 1 THEN x.cid END) FROM (" +
		"SELECT pa.department_id AS d, pa.case_id AS cid," +
		" CASE WHEN " + deadline + " IS NULL OR pa.reported_at <= " + deadline + " THEN 1 ELSE 0 END AS ontime," +
		" CASE WHEN pa.reported_at > " + deadline + " THEN 1 ELSE 0 END AS late" +
		" FROM case_assignments pa JOIN cases c ON c.id = pa.case_id WHERE pa.department_id IN " + in +
		" AND pa.status = 'reported' AND pa.reported_at >= ? AND pa.reported_at < ? AND " + where +
		" UNION ALL SELECT pa.department_id, pa.case_id, 0, 1 FROM case_assignments pa JOIN cases c ON c.id = pa.case_id WHERE pa.department_id IN " + in +
		" AND pa.status IN ('assigned','signed') AND pa.due_at >= ? AND pa.due_at < ? AND " + where +
		") x GROUP BY x.d"
	args := append(append([]any{}, deptArgs...), from.UTC(), to.UTC())
	args = append(append(args, scArgs...), deptArgs...)
	args = append(append(args, from.UTC(), lateTo), scArgs...)
	rows, err := s.query(ctx, q, args...)
	_, err = scanAll(rows, err, func(r *sql.Rows) (struct{}, error) {
		var d int64
		var p DepartmentParts
		err := r.Scan(&d, &p.Any, &p.OnTime, &p.Late)
		out[d] = p
		return struct{}{}, err
	})
	return out, err
}

// DepartmentOrders is what the supervision orders addressed to one department in a
// period count toward, by case: Supervised, the cases given one; Red, a red one;
// Due, one whose reply was due by now; DueLate, such an order answered late or not at
// all (so Due − DueLate answered every due order on time: supervisedSQL's terms).
type DepartmentOrders struct{ Supervised, Red, Due, DueLate int64 }

// DepartmentOrderCounts counts the orders issued in [from, to) to every department,
// over the cases in scope, in one pass over the period's orders.
func (s *Store) DepartmentOrderCounts(ctx context.Context, from, to, now time.Time, sc CaseScope) (map[int64]DepartmentOrders, error) {
	where, scArgs := sc.where(s.dialect)
	q := "SELECT v.department_id, COUNT(DISTINCT v.case_id), COUNT(DISTINCT CASE WHEN v.level = 'red' THEN v.case_id END)," +
		" COUNT(DISTINCT CASE WHEN v.reply_by <= ? THEN v.case_id END)," +
		" COUNT(DISTINCT CASE WHEN v.reply_by <= ? AND (v.replied_at IS NULL OR v.replied_at > v.reply_by) THEN v.case_id END)" +
		" FROM supervisions v JOIN cases c ON c.id = v.case_id WHERE v.issued_at >= ? AND v.issued_at < ? AND v.department_id IS NOT NULL AND " +
		where + " GROUP BY v.department_id"
	args := append([]any{now.UTC(), now.UTC(), from.UTC(), to.UTC()}, scArgs...)
	rows, err := s.query(ctx, q, args...)
	out := map[int64]DepartmentOrders{}
	_, err = scanAll(rows, err, func(r *sql.Rows) (struct{}, error) {
		var d int64
		var o DepartmentOrders
		err := r.Scan(&d, &o.Supervised, &o.Red, &o.Due, &o.DueLate)
		out[d] = o
		return struct{}{}, err
	})
	return out, err
}
