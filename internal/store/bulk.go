package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/onedoor/onedoor/internal/model"
)

// Bulk loading writes generated cases hundreds of rows to a statement instead of one
// INSERT … RETURNING per row, with ids the loader works out itself. It exists for
// `onedoor demo` and the benchmarks (DESIGN.md §9), never for cases people register.

// Rows per statement. A statement binds rows × columns parameters, which must stay
// below SQLite's limit of 32766 (PostgreSQL's is 65535): at most 36 × 400 = 14400
// for cases, 8 × 1000 for parties, 4 × 1000 for events.
const (
	bulkCaseRows  = 400
	bulkPartyRows = 1000
	bulkEventRows = 1000
)

// bulkCaseCols are the columns InsertCase fills, in its order, the deadline flag and
// the warning (generated history arrives as the sweeps and assessments left it).
const bulkCaseCols = `tracking_code, kind, category_id, category_code, channel, region_id, region_path,
	grid_id, centre_id, address, address_key, lat, lng, title, description, urgency, people_count, amount_fen, state,
	suspended_from, at_centre, outcome, satisfaction, merged_into, extension_pending, extension_days, due_stage, due_at,
	registered_by, created_at, updated_at, accepted_at, resolved_at, closed_at, version, due_flag,
	injured, risk_level, risk_computed, risk_score, risk_result, risk_since, risk_responded_at, risk_quiet_since, risk_report_at`

// bulkCacheKiB is the page cache the SQLite writer gets while it loads (taken only as
// pages are read): the index pages a batch touches are mostly the next one's too.
const bulkCacheKiB = 256 << 10

// BulkLoadCases writes cases, each with its parties and the one event that registered
// it (action "register" to state "registered", by its RegisteredBy at its CreatedAt,
// note and payload empty). It fills in the ids, the parties' Seq, and Version = 1, as
// InsertCase does. Pass batches of some thousands of cases: memory and the length of
// a transaction grow with the batch. Tracking codes must be unique, as for
// InsertCase; a taken one fails the batch with ErrConflict. A failed batch leaves
// nothing behind. MergedInto may only name a case already stored.
//
// The ids continue from each table's MAX(id) (on PostgreSQL, or from the identity
// sequence's last value if that is ahead). The loader is for a generator that owns
// the database (`onedoor demo`, the benchmarks), never for running beside a live
// server registering cases: it holds the SQLite writer for a whole batch, and takes
// shortcuts with foreign keys that are only safe for rows it checks itself.
//
// On SQLite the batch is one transaction, so nobody writes between reading MAX(id)
// and committing. On PostgreSQL a short transaction first takes the ids, under LOCK
// TABLE, and moves each identity sequence past them, so cases registered later
// through InsertCase get fresh ones; then, since the server's work is what limits
// the load, a few connections write parts of the batch side by side, each part whole
// cases in a transaction of its own, committed once all parts are written.
//
// Foreign keys are not checked row by row where that can be avoided: SQLite's
// foreign-key enforcement is turned off on the writer for the batch (with it on,
// every multi-row INSERT keeps a statement journal, which costs more than the
// inserts), and on PostgreSQL, when the role is a superuser and the three tables have
// no triggers of their own, session_replication_role = replica skips the RI triggers
// (otherwise they run as usual). Either way the loader then checks, before
// committing, that every region, category, user and case the batch refers to exists;
// a batch names only a few distinct ones, so that costs next to nothing.
func (s *Store) BulkLoadCases(ctx context.Context, cases []model.Case) error {
	if len(cases) == 0 {
		return nil
	}
	var err error
	if s.dialect == Postgres {
		err = s.bulkLoadPostgres(ctx, cases)
	} else {
		err = s.bulkLoadSQLite(ctx, cases)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("bulk load: %w: %w", ErrConflict, err)
	}
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

// bulkIDs are the ids a batch's rows take: one more than each of these on.
type bulkIDs struct{ cases, parties, events int64 }

// assign numbers the batch's cases and parties after last, and counts the parties.
func (last bulkIDs) assign(cases []model.Case) (parties int) {
	for i := range cases {
		c := &cases[i]
		c.ID, c.Version = last.cases+int64(i)+1, 1
		for j := range c.Parties {
			c.Parties[j].ID, c.Parties[j].Seq = last.parties+int64(parties)+1, j+1
			parties++
		}
	}
	return parties
}

func (s *Store) bulkLoadSQLite(ctx context.Context, cases []model.Case) (err error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	restore, err := sqliteBulkMode(ctx, conn)
	if err != nil {
		return err
	}
	defer restore()
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the writer lock is ours
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var last bulkIDs
	if err = tx.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM cases),
		(SELECT COALESCE(MAX(id), 0) FROM case_parties), (SELECT COALESCE(MAX(id), 0) FROM case_events)`).
		Scan(&last.cases, &last.parties, &last.events); err != nil {
		return err
	}
	last.assign(cases)
	if err = s.bulkWrite(ctx, tx, cases, last.events); err != nil {
		return err
	}
	if err = s.checkBulkReferences(ctx, tx, cases); err != nil {
		return err
	}
	return tx.Commit()
}

// sqliteBulkMode readies the writer connection for a bulk load, and returns what
// puts its foreign keys back. Both run outside a transaction, where PRAGMA
// foreign_keys is a no-op. The larger page cache stays: the next batch needs the
// same index pages, and re-reading them every batch is what slows a load of a
// million cases most. It holds memory only as pages are read.
func sqliteBulkMode(ctx context.Context, conn *sql.Conn) (restore func(), err error) {
	var fk int64
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return nil, err
	}
	restore = func() {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = "+strconv.FormatInt(fk, 10))
		if err != nil {
			// A writer left without its foreign keys must serve no one: discard it,
			// and the pool opens a fresh one with the usual settings.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	for _, p := range []string{"PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -" + strconv.Itoa(bulkCacheKiB)} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			restore()
			return nil, err
		}
	}
	return restore, nil
}

// bulkPostgresConns is how many connections write a batch side by side on PostgreSQL.
func bulkPostgresConns() int { return min(4, max(2, runtime.NumCPU())) }

func (s *Store) bulkLoadPostgres(ctx context.Context, cases []model.Case) error {
	nParties := 0
	for i := range cases {
		nParties += len(cases[i].Parties)
	}
	last, fast, err := s.reservePostgresIDs(ctx, len(cases), nParties)
	if err != nil {
		return err
	}
	last.assign(cases)

	// Split the batch into parts of whole cases; a part's parties and events follow
	// its cases, so their ids are contiguous too. The parts commit only once all are
	// written, so a batch that fails leaves nothing behind (short of a failing COMMIT).
	parts := min(bulkPostgresConns(), (len(cases)+bulkCaseRows-1)/bulkCaseRows)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	txs := make([]*sql.Tx, parts)
	// The first part to fail says why; the parts it cancels fail with whatever the
	// driver makes of a cancelled query ("bad connection"), which says nothing.
	var first error
	var firstOnce sync.Once
	var wg sync.WaitGroup
	for k := range parts {
		lo, hi := k*len(cases)/parts, (k+1)*len(cases)/parts
		wg.Go(func() {
			var perr error
			if txs[k], perr = s.bulkPostgresPart(ctx, cases[lo:hi], last.events+int64(lo), fast); perr != nil {
				firstOnce.Do(func() { first = perr })
				cancel()
			}
		})
	}
	wg.Wait()
	err = first
	for _, tx := range txs {
		switch {
		case tx == nil:
		case err != nil:
			_ = tx.Rollback()
		default:
			err = tx.Commit()
		}
	}
	return err
}

// reservePostgresIDs takes ids for a batch: each table's MAX(id), or its sequence's
// last value if that is ahead, and moves the sequence past the batch. LOCK TABLE
// keeps inserts out meanwhile. fast tells whether the parts may skip the RI triggers.
func (s *Store) reservePostgresIDs(ctx context.Context, nCases, nParties int) (last bulkIDs, fast bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return last, false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, "LOCK TABLE cases, case_parties, case_events IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return last, false, err
	}
	for _, t := range []struct {
		table string
		n     int
		last  *int64
	}{{"cases", nCases, &last.cases}, {"case_parties", nParties, &last.parties}, {"case_events", nCases, &last.events}} {
		seq := "pg_get_serial_sequence('" + t.table + "', 'id')"
		if err = tx.QueryRowContext(ctx, "SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM "+t.table+
			"), COALESCE(pg_sequence_last_value("+seq+"::regclass), 0))").Scan(t.last); err != nil {
			return last, false, err
		}
		if t.n == 0 {
			continue
		}
		// setval outlives a rollback: if the load fails, these ids are merely unused.
		if _, err = tx.ExecContext(ctx, "SELECT setval("+seq+", $1)", *t.last+int64(t.n)); err != nil {
			return last, false, err
		}
	}
	if err = tx.QueryRowContext(ctx, `SELECT current_setting('is_superuser') = 'on' AND NOT EXISTS (SELECT 1 FROM pg_trigger
		WHERE tgrelid IN ('cases'::regclass, 'case_parties'::regclass, 'case_events'::regclass) AND NOT tgisinternal)`).
		Scan(&fast); err != nil {
		return last, false, err
	}
	return last, fast, tx.Commit()
}

// bulkPostgresPart writes part of a batch, ids assigned, in a transaction it leaves
// open for the caller to commit.
func (s *Store) bulkPostgresPart(ctx context.Context, cases []model.Case, lastEvent int64, fast bool) (_ *sql.Tx, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if fast {
		if _, err = tx.ExecContext(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
			return nil, err
		}
	}
	if err = s.bulkWrite(ctx, tx, cases, lastEvent); err != nil {
		return nil, err
	}
	if fast {
		if err = s.checkBulkReferences(ctx, tx, cases); err != nil {
			return nil, err
		}
	}
	return tx, nil
}

// bulkWrite inserts cases whose ids are assigned, their parties, and their events
// numbered after lastEvent.
func (s *Store) bulkWrite(ctx context.Context, tx *sql.Tx, cases []model.Case, lastEvent int64) error {
	err := s.bulkInsert(ctx, tx, bulkRows{table: "cases", cols: bulkCaseCols, row: strings.Repeat("?, ", 44) + "?",
		n: len(cases), perStmt: bulkCaseRows,
		id: func(i int) int64 { return cases[i].ID },
		values: func(args []any, i int) []any {
			c := &cases[i]
			return append(args, c.TrackingCode, string(c.Kind), c.CategoryID, c.CategoryCode, string(c.Channel),
				c.RegionID, c.RegionPath, bulkID(c.GridID), c.CentreID, c.Address, AddressKey(c.Address), nullFloat(c.Lat),
				nullFloat(c.Lng), c.Title, c.Description, c.Urgency, int64(c.PeopleCount), c.AmountFen, c.State,
				c.SuspendedFrom, c.AtCentre, c.Outcome, c.Satisfaction, bulkID(c.MergedInto), c.ExtensionPending,
				int64(c.ExtensionDays), c.DueStage, nullTime(c.DueAt), bulkID(c.RegisteredBy), c.CreatedAt.UTC(),
				c.UpdatedAt.UTC(), nullTime(c.AcceptedAt), nullTime(c.ResolvedAt), nullTime(c.ClosedAt), int64(c.Version), c.DueFlag,
				c.Injured, riskCode(c.RiskLevel), riskCode(c.RiskComputed), int64(c.RiskScore), string(c.RiskResult),
				nullTime(c.RiskSince), nullTime(c.RiskRespondedAt), nullTime(c.RiskQuietSince), nullTime(c.RiskReportAt))
		}})
	if err != nil {
		return err
	}
	type party struct {
		caseID int64
		p      *model.Party
	}
	var parties []party
	for i := range cases {
		for j := range cases[i].Parties {
			parties = append(parties, party{cases[i].ID, &cases[i].Parties[j]})
		}
	}
	err = s.bulkInsert(ctx, tx, bulkRows{table: "case_parties", cols: "case_id, seq, role, name, id_number, phone, address",
		row: "?, ?, ?, ?, ?, ?, ?", n: len(parties), perStmt: bulkPartyRows,
		id: func(i int) int64 { return parties[i].p.ID },
		values: func(args []any, i int) []any {
			r := parties[i]
			return append(args, r.caseID, int64(r.p.Seq), string(r.p.Role), r.p.Name, r.p.IDNumber, r.p.Phone, r.p.Address)
		}})
	if err != nil {
		return err
	}
	return s.bulkInsert(ctx, tx, bulkRows{table: "case_events", cols: "case_id, actor_id, at, action, from_state, to_state, note, payload",
		row: "?, ?, ?, 'register', '', 'registered', '', '{}'", n: len(cases), perStmt: bulkEventRows,
		id: func(i int) int64 { return lastEvent + int64(i) + 1 },
		values: func(args []any, i int) []any {
			c := &cases[i]
			return append(args, c.ID, bulkID(c.RegisteredBy), c.CreatedAt.UTC())
		}})
}

// bulkRows describes n rows for one table: row holds a value for each of cols, '?'
// for each that values appends for row i; id(i) is row i's id, increasing by one.
type bulkRows struct {
	table, cols, row string
	n, perStmt       int
	id               func(i int) int64
	values           func(args []any, i int) []any
}

// bulkInsert inserts r, perStmt rows to a statement. On PostgreSQL the ids are
// written. On SQLite they are left out, for an explicit rowid makes every multi-row
// INSERT keep a statement journal: SQLite numbers new rows from MAX(rowid)+1, which
// is the same (the writer lock is held since MAX was read), and the last rowid is
// checked to be sure. The full-size statement is prepared once on SQLite; pgx
// caches it by itself.
func (s *Store) bulkInsert(ctx context.Context, tx *sql.Tx, r bulkRows) error {
	if r.n == 0 {
		return nil
	}
	explicitIDs := s.dialect == Postgres
	var head, row string
	if explicitIDs {
		head, row = "INSERT INTO "+r.table+" (id, "+r.cols+") VALUES ", "?, "+r.row
	} else {
		// OR ROLLBACK rather than the default ABORT: a failed constraint fails the whole
		// batch anyway, and ABORT too would make SQLite journal every statement.
		head, row = "INSERT OR ROLLBACK INTO "+r.table+" ("+r.cols+") VALUES ", r.row
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, min(r.n, r.perStmt)*strings.Count(row, "?"))
	var res sql.Result
	for lo := 0; lo < r.n; lo += r.perStmt {
		hi := min(lo+r.perStmt, r.n)
		args = args[:0]
		for i := lo; i < hi; i++ {
			if explicitIDs {
				args = append(args, r.id(i))
			}
			args = r.values(args, i)
		}
		var err error
		switch {
		case hi-lo < r.perStmt:
			res, err = tx.ExecContext(ctx, s.valuesSQL(head, row, hi-lo), args...)
		case s.dialect == Postgres:
			res, err = tx.ExecContext(ctx, s.fullValuesSQL(head, row, r.perStmt), args...)
		case full == nil:
			if full, err = tx.PrepareContext(ctx, s.fullValuesSQL(head, row, r.perStmt)); err == nil {
				res, err = full.ExecContext(ctx, args...)
			}
		default:
			res, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", r.table, err)
		}
	}
	if !explicitIDs {
		last, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("%s: %w", r.table, err)
		}
		if want := r.id(r.n - 1); last != want {
			return fmt.Errorf("%s: rows were numbered up to %d, not %d", r.table, last, want)
		}
	}
	return nil
}

// checkBulkReferences does for a batch what the foreign keys would have: every
// region, category, user and merged-into case it names exists. (Parties and events
// refer to the batch's own cases.)
func (s *Store) checkBulkReferences(ctx context.Context, tx *sql.Tx, cases []model.Case) error {
	refs := map[string]map[int64]bool{"regions": {}, "categories": {}, "users": {}, "cases": {}}
	add := func(table string, id int64) {
		if id != 0 {
			refs[table][id] = true
		}
	}
	for i := range cases {
		c := &cases[i]
		add("regions", c.RegionID)
		add("regions", c.GridID)
		add("regions", c.CentreID)
		add("categories", c.CategoryID)
		add("users", c.RegisteredBy)
		add("cases", c.MergedInto)
	}
	for _, table := range []string{"regions", "categories", "users", "cases"} {
		ids := make([]int64, 0, len(refs[table]))
		for id := range refs[table] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for len(ids) > 0 {
			chunk := ids[:min(len(ids), 500)]
			ids = ids[len(chunk):]
			args := make([]any, len(chunk))
			for i, id := range chunk {
				args[i] = id
			}
			var n int
			q := s.valuesSQL("SELECT COUNT(*) FROM "+table+" WHERE id IN ", strings.Repeat("?, ", len(chunk)-1)+"?", 1)
			if err := tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				return err
			}
			if n != len(chunk) {
				return fmt.Errorf("a case refers to %s that do not exist (FOREIGN KEY constraint failed)", table)
			}
		}
	}
	return nil
}

// bulkSQL keeps the full-size statements, a few dozen kilobytes each, which every
// batch uses again.
var bulkSQL sync.Map

// fullValuesSQL is valuesSQL, kept in bulkSQL.
func (s *Store) fullValuesSQL(head, row string, rows int) string {
	key := string(s.dialect) + "|" + strconv.Itoa(rows) + "|" + head + row
	if q, ok := bulkSQL.Load(key); ok {
		return q.(string)
	}
	q := s.valuesSQL(head, row, rows)
	bulkSQL.Store(key, q)
	return q
}

// valuesSQL writes head followed by rows copies of (row), comma-separated, in the
// dialect's placeholders. It does not go through q: statements of every length
// would fill q's cache for nothing.
func (s *Store) valuesSQL(head, row string, rows int) string {
	var b strings.Builder
	b.Grow(len(head) + rows*(len(row)+3)*2)
	b.WriteString(head)
	n := 0
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		if s.dialect != Postgres {
			b.WriteString(row)
		} else {
			for j := 0; j < len(row); j++ {
				if row[j] != '?' {
					b.WriteByte(row[j])
					continue
				}
				n++
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(n))
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// bulkID maps Go's zero id to NULL, as nullInt64 does, without the sql.Null wrapper
// the drivers would unwrap for every row.
func bulkID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}
