package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/onedoor/onedoor/internal/report"
)

// The rollups (table case_rollups, migration 0036; docs/statistics.md) keep the
// figures' additive counts per day, leaf region, category, channel, kind, urgency
// and lead department. They are kept by the store's own writes of cases, in the
// transaction of the write: a case written through a Tx is touched (rollupTouch)
// before its first change, which takes its contribution out, and its contribution
// as it then stands is put back before the commit (flushRollups). So every write of
// a counted attribute (UpdateCase, a lead part made or returned, a new case) keeps
// them, whatever the service that wrote it. The bulk load and the shared insert,
// which write cases without a Tx, add theirs themselves.

// rollupKeys are the rollups' key columns, in the primary key's order.
const rollupKeys = "side, day, region_path, category_id, channel, kind, urgency, lead_department, elapsed"

// dayOf is the day (YYYY-MM-DD, China time) of the time column col.
func dayOf(d Dialect, col string) string {
	if d == Postgres {
		return "to_char((" + col + " AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM-DD')"
	}
	return "date(" + col + ", '+8 hours')"
}

// elapsedDays is the calendar days (China time) from a case's day of registration to
// its day of resolution: with the day of resolution it gives the day of registration,
// from which the handling time's working days are counted at reading, by the
// calendar then in force (report.Span).
func elapsedDays(d Dialect) string {
	if d == Postgres {
		return "(" + dayDate(d, "c.resolved_at") + " - " + dayDate(d, "c.created_at") + ")"
	}
	return "CAST(julianday(" + dayOf(d, "c.resolved_at") + ") - julianday(" + dayOf(d, "c.created_at") + ") AS INTEGER)"
}

// dayDate is the date (China time) of the time column col, PostgreSQL's.
func dayDate(_ Dialect, col string) string {
	return "CAST((" + col + " AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)"
}

// rollupCaseRows selects each case's rows of the rollups, one a side it counts on,
// among the cases meeting where (on the cases alias c): its key and a 0 or 1 per
// column. The conditions are report.RollupSides', put into SQL the way the figures'
// are (condSQL).
func rollupCaseRows(d Dialect, where string, whereArgs []any) (string, []any) {
	var sides []string
	var args []any
	for _, side := range report.RollupSides {
		at := "c.created_at"
		if side.Name == report.SideEnded {
			at = "c.resolved_at"
		}
		var cols []string
		for _, col := range report.RollupColumns {
			cond, ok := side.Columns[col]
			if !ok {
				cols = append(cols, "0 AS "+col)
				continue
			}
			cw, ca := condSQL(d, &cond)
			cols = append(cols, "CASE WHEN "+cw+" THEN 1 ELSE 0 END AS "+col)
			args = append(args, ca...)
		}
		bw, ba := condSQL(d, &side.Base)
		args = append(append(args, ba...), whereArgs...)
		elapsed := "0"
		if side.Name == report.SideEnded {
			elapsed = elapsedDays(d)
		}
		sides = append(sides, "SELECT '"+side.Name+"' AS side, "+dayOf(d, at)+" AS day, c.region_path, c.category_id, c.channel, c.kind, c.urgency, "+
			leadDepartment+" AS lead_department, "+elapsed+" AS elapsed, "+strings.Join(cols, ", ")+" FROM cases c WHERE "+at+" IS NOT NULL AND "+bw+" AND "+where)
	}
	return strings.Join(sides, " UNION ALL "), args
}

// rollupSums is the rollups' columns summed, as selected from alias u.
func rollupSums(u string) string {
	var sums []string
	for _, col := range report.RollupColumns {
		sums = append(sums, "CAST(COALESCE(SUM("+u+"."+col+"), 0) AS BIGINT)")
	}
	return strings.Join(sums, ", ")
}

// rollupUpsert adds sign × the contribution of the cases meeting where to the rollups,
// and less the rows of extra (a UNION ALL of rows already negated, or ""). Its rows
// are written in the key's order: two transactions adding to the same rows of the
// rollups take their locks in the same order (PostgreSQL), so neither waits for the
// other in a cycle.
func rollupUpsert(d Dialect, sign int, where string, whereArgs []any, extra string) (string, []any) {
	rows, args := rollupCaseRows(d, where, whereArgs)
	if extra != "" {
		rows = extra + " UNION ALL " + rows
	}
	var sums, sets []string
	for _, col := range report.RollupColumns {
		sums = append(sums, fmt.Sprintf("%d * SUM(u.%s)", sign, col))
		sets = append(sets, col+" = case_rollups."+col+" + excluded."+col)
	}
	return "INSERT INTO case_rollups (" + rollupKeys + ", " + strings.Join(report.RollupColumns, ", ") + ") SELECT " + rollupKeys + ", " +
		strings.Join(sums, ", ") + " FROM (" + rows + ") u WHERE 1=1 GROUP BY " + rollupKeys + " ORDER BY " + rollupKeys +
		" ON CONFLICT (" + rollupKeys + ") DO UPDATE SET " + strings.Join(sets, ", "), args
}

// rollupRow is one row of the rollups: its key and its columns.
type rollupRow struct {
	key  RollupKey
	sums []int64
}

// rollupRowSQL is a row of the rollups given by parameters.
var rollupRowSQL = func() string {
	var cols []string
	for i, k := range strings.Split(rollupKeys, ", ") {
		typ := "TEXT"
		if i == 3 || i == 7 || i == 8 { // category_id, lead_department, elapsed
			typ = "BIGINT"
		}
		cols = append(cols, "CAST(? AS "+typ+") AS "+k)
	}
	for _, col := range report.RollupColumns {
		cols = append(cols, "CAST(? AS BIGINT) AS "+col)
	}
	return "SELECT " + strings.Join(cols, ", ")
}()

func (r rollupRow) args(sign int64) []any {
	k := r.key
	args := []any{k.Side, k.Day, k.RegionPath, k.CategoryID, k.Channel, k.Kind, k.Urgency, k.LeadDepartment, k.Elapsed}
	for _, n := range r.sums {
		args = append(args, sign*n)
	}
	return args
}

// rollupTexts caches the text of a flush: n cases added, m rows taken out.
var rollupTexts sync.Map // [3]int{dialect, n, m} -> string

func rollupFlushSQL(d Dialect, n, m int) string {
	key := [3]int{int(d[0]), n, m}
	if q, ok := rollupTexts.Load(key); ok {
		return q.(string)
	}
	extra := strings.TrimSuffix(strings.Repeat(rollupRowSQL+" UNION ALL ", m), " UNION ALL ")
	q, _ := rollupUpsert(d, 1, "c.id IN ("+placeholders(n)+")", nil, extra)
	rollupTexts.Store(key, q)
	return q
}

// rollupArgs repeats the ids once a side, after the sides' own arguments.
func rollupArgs(d Dialect, ids []int64) []any {
	var idArgs []any
	for _, id := range ids {
		idArgs = append(idArgs, id)
	}
	_, args := rollupCaseRows(d, "1=1", idArgs)
	return args
}

// rollupTouch reads case id's contribution to the rollups before the transaction's
// first change to it; flushRollups takes it out and puts back the case's as it then
// is, in one statement.
func (t *Tx) rollupTouch(ctx context.Context, id int64) error {
	if t.rolled[id] {
		return nil
	}
	t.rollupNew(id)
	q, args := rollupCaseRows(t.s.dialect, "c.id = ?", []any{id})
	rows, err := t.query(ctx, "SELECT "+rollupKeys+", "+rollupSums("u")+" FROM ("+q+") u GROUP BY "+rollupKeys, args...)
	old, err := readRollups(rows, err)
	for k, sums := range old {
		t.rollOld = append(t.rollOld, rollupRow{k, sums})
	}
	return err
}

// rollupNew records a case written new in the transaction: it had no contribution.
func (t *Tx) rollupNew(id int64) {
	if t.rolled == nil {
		t.rolled = map[int64]bool{}
	}
	if !t.rolled[id] {
		t.rolled[id] = true
		t.rollIDs = append(t.rollIDs, id)
	}
	t.rollNew = append(t.rollNew, id)
}

// markRepeatVisitsSQL decides repeat_visit (重复来访, repeatPartySQL) for the cases
// meeting where (on the cases alias c) not yet marked.
func markRepeatVisitsSQL(d Dialect, where string) string {
	return "UPDATE cases SET repeat_visit = 1 WHERE id IN (SELECT c.id FROM cases c WHERE " + where +
		" AND c.repeat_visit = 0 AND " + repeatPartySQL(d) + ")"
}

// rollupIDList is ids as parameters of an IN list.
func rollupIDList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return placeholders(len(ids)), args
}

// rollupFlushChunk bounds the cases one statement adds back (the ids are bound once a side).
const rollupFlushChunk = 200

// flushRollups takes out of the rollups what the cases the transaction wrote counted
// before, and adds what they count now, and forgets them: run before the commit (or
// before a group commit's savepoint is released).
func (t *Tx) flushRollups(ctx context.Context) error {
	ids, old, created := t.rollIDs, t.rollOld, t.rollNew
	t.forgetRollups()
	// The cases registered are decided repeat visits or not before their rollups are
	// counted: against every case registered before them, those of this transaction too.
	for len(created) > 0 {
		n := min(len(created), rollupFlushChunk)
		in, args := rollupIDList(created[:n])
		if _, err := t.exec(ctx, markRepeatVisitsSQL(t.s.dialect, "c.id IN ("+in+")"), args...); err != nil {
			return fmt.Errorf("repeat visits: %w", err)
		}
		created = created[n:]
	}
	for len(ids) > 0 {
		n := min(len(ids), rollupFlushChunk)
		var args []any
		for _, r := range old {
			args = append(args, r.args(-1)...)
		}
		if _, err := t.exec(ctx, rollupFlushSQL(t.s.dialect, n, len(old)), append(args, rollupArgs(t.s.dialect, ids[:n])...)...); err != nil {
			return fmt.Errorf("rollups: %w", err)
		}
		ids, old = ids[n:], nil
	}
	return nil
}

// forgetRollups drops what the transaction touched.
func (t *Tx) forgetRollups() { t.rolled, t.rollIDs, t.rollOld, t.rollNew = nil, nil, nil, nil }

// rollupMark is how much the transaction has touched so far, for rollupUndo.
func (t *Tx) rollupMark() [3]int { return [3]int{len(t.rollIDs), len(t.rollOld), len(t.rollNew)} }

// rollupUndo forgets what was touched since mark: a group commit's caller whose
// part was rolled back to its savepoint.
func (t *Tx) rollupUndo(mark [3]int) {
	for _, id := range t.rollIDs[mark[0]:] {
		delete(t.rolled, id)
	}
	t.rollIDs, t.rollOld, t.rollNew = t.rollIDs[:mark[0]], t.rollOld[:mark[1]], t.rollNew[:mark[2]]
}

// rollupDB is a transaction the rollups are kept on.
type rollupDB interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// addRollupsOf decides the repeat visits of the cases with ids in [lo, hi] (a bulk
// load's batch) and adds their contribution to the rollups, on q. A batch of
// history may hold cases registered before cases already there: those of the same
// people registered in the 90 days after one of the batch become repeat visits
// (redecideRepeatVisits).
func (s *Store) addRollupsOf(ctx context.Context, q rollupDB, lo, hi int64) error {
	if _, err := q.ExecContext(ctx, s.q(markRepeatVisitsSQL(s.dialect, "c.id BETWEEN ? AND ?")), lo, hi); err != nil {
		return fmt.Errorf("repeat visits: %w", err)
	}
	query, args := rollupUpsert(s.dialect, 1, "c.id BETWEEN ? AND ?", []any{lo, hi}, "")
	if _, err := q.ExecContext(ctx, s.q(query), args...); err != nil {
		return fmt.Errorf("rollups: %w", err)
	}
	peers, err := s.repeatPeers(ctx, q, "BETWEEN ? AND ?", []any{lo, hi})
	if err != nil {
		return err
	}
	return s.redecideRepeatVisits(ctx, q, peers)
}

// repeatPeers lists the cases, other than those whose id meets idCond, with a coming
// party who is the same person as a coming party of one of those: the cases whose
// repeat visit may change when those are added or removed.
func (s *Store) repeatPeers(ctx context.Context, q rollupDB, idCond string, idArgs []any) ([]int64, error) {
	var sames []string
	var args []any
	for _, same := range samePartySQL("bp", "rq") {
		sames = append(sames, "SELECT rq.case_id FROM case_parties bp JOIN case_parties rq ON "+same+
			" WHERE bp.case_id "+idCond+" AND bp.role IN "+comingRoles+" AND rq.role IN "+comingRoles+" AND NOT rq.case_id "+idCond)
		args = append(append(args, idArgs...), idArgs...)
	}
	rows, err := q.QueryContext(ctx, s.q(strings.Join(sames, " UNION ")), args...)
	peers, err := scanAll(rows, err, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("repeat visits: %w", err)
	}
	return peers, nil
}

// redecideRepeatVisits decides again the repeat visits of the cases ids, and moves
// the rollups of those whose answer changed with them.
func (s *Store) redecideRepeatVisits(ctx context.Context, q rollupDB, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), rollupFlushChunk)
		in, args := rollupIDList(ids[:n])
		ids = ids[n:]
		rows, err := q.QueryContext(ctx, s.q("SELECT c.id FROM cases c WHERE c.id IN ("+in+") AND c.repeat_visit <> CASE WHEN "+
			repeatPartySQL(s.dialect)+" THEN 1 ELSE 0 END"), args...)
		changed, err := scanAll(rows, err, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return fmt.Errorf("repeat visits: %w", err)
		}
		if len(changed) == 0 {
			continue
		}
		in, args = rollupIDList(changed)
		out, outArgs := rollupUpsert(s.dialect, -1, "c.id IN ("+in+")", args, "")
		back, backArgs := rollupUpsert(s.dialect, 1, "c.id IN ("+in+")", args, "")
		for _, st := range []struct {
			q    string
			args []any
		}{{out, outArgs}, {"UPDATE cases SET repeat_visit = 1 - repeat_visit WHERE id IN (" + in + ")", args}, {back, backArgs}} {
			if _, err := q.ExecContext(ctx, s.q(st.q), st.args...); err != nil {
				return fmt.Errorf("repeat visits: %w", err)
			}
		}
	}
	return nil
}

// RollupKey is one row's key in the rollups.
type RollupKey struct {
	Side, Day, RegionPath  string
	CategoryID             int64
	Channel, Kind, Urgency string
	LeadDepartment         int64
	Elapsed                int64 // an ending's calendar days since its registration
}

func (k RollupKey) String() string {
	return fmt.Sprintf("%s %s %s category=%d channel=%s kind=%s urgency=%s lead_department=%d elapsed=%d",
		k.Side, k.Day, k.RegionPath, k.CategoryID, k.Channel, k.Kind, k.Urgency, k.LeadDepartment, k.Elapsed)
}

// RollupDiff is a rollup found different from the recount of the cases: its column,
// what the rollups hold and what the cases count; or (CaseID set) a case whose
// stored repeat visit (Column repeat_visit) differs from its definition.
type RollupDiff struct {
	Key             RollupKey
	CaseID          int64
	Column          string
	Stored, Counted int64
}

func (d RollupDiff) String() string {
	if d.CaseID != 0 {
		return fmt.Sprintf("case %d: %s stored %d, recount %d", d.CaseID, d.Column, d.Stored, d.Counted)
	}
	return fmt.Sprintf("%s: %s stored %d, recount %d", d.Key, d.Column, d.Stored, d.Counted)
}

// repeatVisitDiffSQL selects the cases whose stored repeat visit differs from
// repeatPartySQL's answer now: their id and their flag.
func repeatVisitDiffSQL(d Dialect) string {
	return "SELECT c.id, c.repeat_visit FROM cases c WHERE c.repeat_visit <> CASE WHEN " + repeatPartySQL(d) + " THEN 1 ELSE 0 END"
}

// readRollups reads rows of (key, sums) keyed by their key, zero rows left out.
func readRollups(rows *sql.Rows, err error) (map[RollupKey][]int64, error) {
	out := map[RollupKey][]int64{}
	_, err = scanAll(rows, err, func(r *sql.Rows) (struct{}, error) {
		var k RollupKey
		sums := make([]int64, len(report.RollupColumns))
		dst := []any{&k.Side, &k.Day, &k.RegionPath, &k.CategoryID, &k.Channel, &k.Kind, &k.Urgency, &k.LeadDepartment, &k.Elapsed}
		for i := range sums {
			dst = append(dst, &sums[i])
		}
		if err := r.Scan(dst...); err != nil {
			return struct{}{}, err
		}
		if slices.ContainsFunc(sums, func(n int64) bool { return n != 0 }) {
			out[k] = sums
		}
		return struct{}{}, nil
	})
	return out, err
}

// VerifyRollups recounts the rollups from the cases and lists every difference from
// what they hold, by key and column: none when they are true.
func (s *Store) VerifyRollups(ctx context.Context) ([]RollupDiff, error) {
	stored, err := readRollups(s.query(ctx, "SELECT "+rollupKeys+", "+rollupSums("r")+" FROM case_rollups r GROUP BY "+rollupKeys))
	if err != nil {
		return nil, err
	}
	caseRows, args := rollupCaseRows(s.dialect, "1=1", nil)
	counted, err := readRollups(s.query(ctx, "SELECT "+rollupKeys+", "+rollupSums("u")+" FROM ("+caseRows+") u GROUP BY "+rollupKeys, args...))
	if err != nil {
		return nil, err
	}
	var diffs []RollupDiff
	zero := make([]int64, len(report.RollupColumns))
	compare := func(k RollupKey, st, co []int64) {
		for i, col := range report.RollupColumns {
			if st[i] != co[i] {
				diffs = append(diffs, RollupDiff{Key: k, Column: col, Stored: st[i], Counted: co[i]})
			}
		}
	}
	for k, st := range stored {
		co, ok := counted[k]
		if !ok {
			co = zero
		}
		compare(k, st, co)
	}
	for k, co := range counted {
		if _, ok := stored[k]; !ok {
			compare(k, zero, co)
		}
	}
	rows, err := s.query(ctx, repeatVisitDiffSQL(s.dialect))
	flags, err := scanAll(rows, err, func(r *sql.Rows) (RollupDiff, error) {
		d := RollupDiff{Column: "repeat_visit"}
		err := r.Scan(&d.CaseID, &d.Stored)
		d.Counted = 1 - d.Stored
		return d, err
	})
	if err != nil {
		return nil, err
	}
	diffs = append(diffs, flags...)
	slices.SortFunc(diffs, func(a, b RollupDiff) int { return strings.Compare(a.String(), b.String()) })
	return diffs, nil
}

// RebuildRollups decides every case's repeat visit again and recounts the rollups
// from the cases, in one transaction.
func (s *Store) RebuildRollups(ctx context.Context) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return s.rebuildRollupsOn(ctx, conn)
}

func (s *Store) rebuildRollupsOn(ctx context.Context, conn *sql.Conn) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE cases SET repeat_visit = 1 - repeat_visit WHERE id IN (SELECT d.id FROM ("+
		repeatVisitDiffSQL(s.dialect)+") d)"); err != nil {
		return fmt.Errorf("repeat visits: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM case_rollups"); err != nil {
		return err
	}
	q, args := rollupUpsert(s.dialect, 1, "1=1", nil, "")
	if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
		return fmt.Errorf("rollups: %w", err)
	}
	return tx.Commit()
}

// RollupsServe reports whether the rollups can answer for scope sc and the cut of f:
// they know a case's region, category, channel, kind, urgency and lead department,
// not every department it is assigned to (a department's scope).
func RollupsServe(f CaseFilter, sc CaseScope) bool {
	return sc.DepartmentID == 0 && (sc.All || sc.RegionPath != "") && len(f.States) == 0 && f.Queue == nil &&
		f.OverdueAt.IsZero() && f.SamePartyAs == 0 && f.TrackingCode == "" && f.PartyIDNumber == "" && f.PartyPhone == "" && f.Text.Empty()
}

// RollupCounts reads the rollups of side for the days [fromDay, toDay) within scope
// sc and f's cut (its Cond aside: the side and days are the base): summed by leaf
// region, category, channel, kind, urgency and lead department when grouped, by day
// when byDay, else in one row. The caller checks RollupsServe first.
func (s *Store) RollupCounts(ctx context.Context, side, fromDay, toDay string, grouped, byDay bool, f CaseFilter, sc CaseScope) ([]report.RollupSums, error) {
	return s.rollupCounts(ctx, side, fromDay, toDay, grouped, byDay, false, f, sc)
}

// RollupEndings reads the endings of the days [fromDay, toDay) as RollupCounts
// does, by day of resolution and calendar days elapsed since registration too: the
// handling times, whose working days the reader counts by its calendar.
func (s *Store) RollupEndings(ctx context.Context, fromDay, toDay string, grouped bool, f CaseFilter, sc CaseScope) ([]report.RollupSums, error) {
	return s.rollupCounts(ctx, report.SideEnded, fromDay, toDay, grouped, true, true, f, sc)
}

// rollupRows is the condition on the rollups' rows of side for the days [fromDay,
// toDay) within scope sc and f's region (f.Within, f.RegionOnly).
func rollupRows(side, fromDay, toDay string, f CaseFilter, sc CaseScope) (string, []any) {
	where := "r.side = ? AND r.day >= ? AND r.day < ?"
	args := []any{side, fromDay, toDay}
	within := func(path string) {
		lo, hi := pathRange(path)
		where += " AND r.region_path >= ? AND r.region_path < ?"
		args = append(args, lo, hi)
	}
	if !sc.All {
		within(sc.RegionPath)
	}
	if f.Within != "" && f.RegionOnly {
		where += " AND r.region_path = ?"
		args = append(args, f.Within)
	} else if f.Within != "" {
		within(f.Within)
	}
	return where, args
}

func (s *Store) rollupCounts(ctx context.Context, side, fromDay, toDay string, grouped, byDay, elapsed bool, f CaseFilter, sc CaseScope) ([]report.RollupSums, error) {
	where, args := rollupRows(side, fromDay, toDay, f, sc)
	if f.Kind != "" {
		where += " AND r.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Channel != "" {
		where += " AND r.channel = ?"
		args = append(args, f.Channel)
	}
	if f.CategoryID != 0 {
		where += " AND r.category_id IN (SELECT cat.id FROM categories cat WHERE cat.id = ? OR cat.parent_id = ?)"
		args = append(args, f.CategoryID, f.CategoryID)
	}
	if f.Urgency != "" {
		where += " AND r.urgency = ?"
		args = append(args, f.Urgency)
	}
	if f.LeadDepartmentID != 0 {
		where += " AND r.lead_department = ?"
		args = append(args, f.LeadDepartmentID)
	}
	if f.NoLeadDepartment {
		where += " AND r.lead_department = 0"
	}
	day, keys, group := "''", "'', 0, '', '', '', 0", ""
	if grouped {
		keys = "r.region_path, r.category_id, r.channel, r.kind, r.urgency, r.lead_department"
		group = " GROUP BY r.region_path, r.category_id, r.channel, r.kind, r.urgency, r.lead_department"
	}
	if byDay {
		day = "r.day"
		if group == "" {
			group = " GROUP BY r.day"
		} else {
			group += ", r.day"
		}
	}
	el := "0"
	if elapsed {
		el = "r.elapsed"
		group += ", r.elapsed"
	}
	rows, err := s.query(ctx, "SELECT "+day+", "+keys+", "+el+", "+rollupSums("r")+" FROM case_rollups r WHERE "+where+group, args...)
	return scanAll(rows, err, func(r *sql.Rows) (report.RollupSums, error) {
		var g report.RollupSums
		g.Sums = make([]int64, len(report.RollupColumns))
		dst := []any{&g.Day, &g.RegionPath, &g.CategoryID, &g.Channel, &g.Kind, &g.Urgency, &g.Department, &g.Elapsed}
		for i := range g.Sums {
			dst = append(dst, &g.Sums[i])
		}
		err := r.Scan(dst...)
		return g, err
	})
}
