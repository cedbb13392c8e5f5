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
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/onedoor/onedoor/internal/model"
)

// Bulk loading writes generated cases with ids the loader works out itself, instead
// of one INSERT … RETURNING per row: on SQLite hundreds of rows to a statement, on
// PostgreSQL through COPY. It exists for `onedoor demo` and the benchmarks
// (DESIGN.md §9), never for cases people register.

// Rows per statement on SQLite. A statement binds rows × columns parameters, which
// must stay below SQLite's limit of 32766: at most 49 × 400 = 19600 for cases,
// 8 × 1000 for parties, 8 × 1000 for events and 12 × 1000 for assignments.
const (
	bulkCaseRows       = 400
	bulkPartyRows      = 1000
	bulkEventRows      = 1000
	bulkAssignmentRows = 1000
)

// bulkCaseCols are the columns InsertCase fills, in its order, the deadline flag and
// the warning (generated history arrives as the sweeps and assessments left it).
const bulkCaseCols = `tracking_code, kind, category_id, category_code, channel, region_id, region_path,
	grid_id, centre_id, address, address_key, lat, lng, title, description, urgency, people_count, amount_fen, state,
	suspended_from, at_centre, outcome, satisfaction, merged_into, extension_pending, extension_days, due_stage, due_at,
	registered_by, created_at, updated_at, accepted_at, resolved_at, closed_at, version, due_flag,
	injured, risk_level, risk_computed, risk_score, risk_result, risk_since, risk_responded_at, risk_quiet_since, risk_report_at, risk_holder_id,
	resolved_due_at, reopened, households`

// bulkCacheKiB is the page cache the SQLite writer gets while it loads (taken only as
// pages are read): the index pages a batch touches are mostly the next one's too.
const bulkCacheKiB = 256 << 10

// BulkLoadCases writes cases, each with its parties, its Assignments and the one
// event that registered it (action "register" to state "registered", by its
// RegisteredBy at its CreatedAt, note and payload empty). It is BulkLoadHistory
// without the timelines.
func (s *Store) BulkLoadCases(ctx context.Context, cases []model.Case) error {
	return s.BulkLoadHistory(ctx, cases, nil)
}

// BulkLoadHistory writes cases, each with its parties, its Assignments and its
// timeline: events[i], oldest first and its registration first, is cases[i]'s
// whole timeline (events nil, or events[i] empty, stands for the registration alone,
// as BulkLoadCases writes it). Events go in the order given, which is the order
// Events reads them back in; their CaseID and ID are filled in, as are the
// assignments'. It fills in the ids, the parties' Seq, and Version = 1, as
// InsertCase does. Pass batches of some thousands of cases: memory and the length of
// a transaction grow with the batch. Tracking codes must be unique, as for
// InsertCase; a taken one fails the batch with ErrConflict. A failed batch leaves
// nothing behind. MergedInto may name a case already stored or one of the batch's.
//
// A caller whose events must name ids (a merge names the case it joined, a
// department's step its assignment) numbers the batch itself: the first case's ID
// set says so, and then every case and assignment of the batch must carry the id the
// loader would have given it, counting on from BulkNextIDs (and from the batch
// before); a batch numbered otherwise fails with ErrConflict and writes nothing.
// Parties and events are always numbered by the loader.
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
// cases (with their parties, events and assignments) in a transaction of its own,
// committed once all parts are written.
//
// Foreign keys are not checked row by row where that can be avoided: SQLite's
// foreign-key enforcement is turned off on the writer for the batch (with it on,
// every multi-row INSERT keeps a statement journal, which costs more than the
// inserts), and on PostgreSQL, when the role is a superuser and the four tables have
// no triggers of their own, session_replication_role = replica skips the RI triggers
// (otherwise they run as usual, and a case merged into another of the batch is kept
// in that case's part, where the trigger sees it). Either way the loader then checks,
// before committing, that every region, category, user, department and case the
// batch refers to exists; a batch names only a few distinct ones, so that costs next
// to nothing.
func (s *Store) BulkLoadHistory(ctx context.Context, cases []model.Case, events [][]model.CaseEvent) error {
	return s.bulkLoad(ctx, bulkBatch{cases: cases, events: events})
}

func (s *Store) bulkLoad(ctx context.Context, b bulkBatch) error {
	cases, events := b.cases, b.events
	if len(cases) == 0 {
		return nil
	}
	if events != nil && len(events) != len(cases) {
		return fmt.Errorf("bulk load: %d timelines for %d cases", len(events), len(cases))
	}
	var err error
	if s.dialect == Postgres {
		err = s.bulkLoadPostgres(ctx, b)
	} else {
		err = s.bulkLoadSQLite(ctx, b)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("bulk load: %w: %w", ErrConflict, err)
	}
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	return nil
}

// BulkNextIDs returns the ids the next bulk load would give its first case and its
// first assignment, for a caller that numbers its batches itself: each batch takes
// the ids after the one before, so only the first needs asking. Like the loader, it
// assumes nobody else writes meanwhile.
func (s *Store) BulkNextIDs(ctx context.Context) (caseID, assignmentID int64, err error) {
	if caseID, err = s.bulkLastID(ctx, s.w, "cases"); err != nil {
		return 0, 0, err
	}
	if assignmentID, err = s.bulkLastID(ctx, s.w, "case_assignments"); err != nil {
		return 0, 0, err
	}
	return caseID + 1, assignmentID + 1, nil
}

// bulkLastID is the id the loader numbers a table's new rows after: MAX(id), or on
// PostgreSQL the identity sequence's last value if that is ahead.
func (s *Store) bulkLastID(ctx context.Context, q queryer, table string) (last int64, err error) {
	query := "SELECT COALESCE(MAX(id), 0) FROM " + table
	if s.dialect == Postgres {
		query = "SELECT GREATEST((" + query + "), COALESCE(pg_sequence_last_value(pg_get_serial_sequence('" + table +
			"', 'id')::regclass), 0))"
	}
	err = q.QueryRowContext(ctx, query).Scan(&last)
	return last, err
}

// bulkBatch is a batch, or a part of one: cases and, when given, their timelines.
type bulkBatch struct {
	cases  []model.Case
	events [][]model.CaseEvent // events[i] is cases[i]'s; nil: the registrations alone
	imp    *bulkImport         // an import's batch: its rows' keys, written with the cases
}

// bulkImport is what an import's batch writes besides its cases, in the same
// transaction: the source's key of each case (import_rows, which makes a second
// import of the row add nothing) and the cases' search index rows.
type bulkImport struct {
	sourceID, runID int64
	keys            []string // keys[i] is cases[i]'s
	docs            []string // docs[i] is cases[i]'s search index entry (ImportSearchDoc)
}

// slice is the part of b from case lo to case hi.
func (b bulkBatch) slice(lo, hi int) bulkBatch {
	p := bulkBatch{cases: b.cases[lo:hi]}
	if b.events != nil {
		p.events = b.events[lo:hi]
	}
	if b.imp != nil {
		p.imp = &bulkImport{sourceID: b.imp.sourceID, runID: b.imp.runID, keys: b.imp.keys[lo:hi], docs: b.imp.docs[lo:hi]}
	}
	return p
}

// timeline is case i's events, nil for its registration alone.
func (b bulkBatch) timeline(i int) []model.CaseEvent {
	if b.events == nil {
		return nil
	}
	return b.events[i]
}

// bulkCounts are how many rows of each table a batch writes.
type bulkCounts struct{ cases, parties, events, assignments int }

func (b bulkBatch) counts() bulkCounts {
	n := bulkCounts{cases: len(b.cases)}
	for i := range b.cases {
		n.parties += len(b.cases[i].Parties)
		n.events += max(1, len(b.timeline(i)))
		n.assignments += len(b.cases[i].Assignments)
	}
	return n
}

// bulkIDs are the ids a batch's rows take: one more than each of these on.
type bulkIDs struct{ cases, parties, events, assignments int64 }

// assign numbers the batch's cases, parties and assignments after last, or, when
// the caller numbered the batch, checks that it numbered it so.
func (last bulkIDs) assign(b bulkBatch) error {
	numbered := b.cases[0].ID != 0
	parties, assignments := int64(0), int64(0)
	for i := range b.cases {
		c := &b.cases[i]
		switch id := last.cases + int64(i) + 1; {
		case !numbered:
			c.ID = id
		case c.ID != id:
			return fmt.Errorf("%w: the batch numbers case %d of it %d, but the next free id is %d", ErrConflict, i+1, c.ID, id)
		}
		c.Version = 1
		for j := range c.Parties {
			parties++
			c.Parties[j].ID, c.Parties[j].Seq = last.parties+parties, j+1
		}
		for j := range c.Assignments {
			a := &c.Assignments[j]
			assignments++
			switch id := last.assignments + assignments; {
			case !numbered:
				a.ID = id
			case a.ID != id:
				return fmt.Errorf("%w: the batch numbers an assignment of case %d as %d, but the next free id is %d", ErrConflict, c.ID, a.ID, id)
			}
			a.CaseID = c.ID
		}
	}
	return nil
}

func (s *Store) bulkLoadSQLite(ctx context.Context, b bulkBatch) (err error) {
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
		(SELECT COALESCE(MAX(id), 0) FROM case_parties), (SELECT COALESCE(MAX(id), 0) FROM case_events),
		(SELECT COALESCE(MAX(id), 0) FROM case_assignments)`).
		Scan(&last.cases, &last.parties, &last.events, &last.assignments); err != nil {
		return err
	}
	if err = last.assign(b); err != nil {
		return err
	}
	if err = s.bulkWrite(b, last.events, func(r bulkRows) error { return s.bulkInsert(ctx, tx, r) }); err != nil {
		return err
	}
	if err = s.bulkIndex(ctx, tx, b); err != nil {
		return err
	}
	if err = s.checkBulkReferences(ctx, tx, b, b.cases[0].ID, b.cases[len(b.cases)-1].ID); err != nil {
		return err
	}
	if err = s.addRollupsOf(ctx, tx, b.cases[0].ID, b.cases[len(b.cases)-1].ID); err != nil {
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

func (s *Store) bulkLoadPostgres(ctx context.Context, b bulkBatch) error {
	n := b.counts()
	last, fast, err := s.reservePostgresIDs(ctx, n)
	if err != nil {
		return err
	}
	if err := last.assign(b); err != nil {
		return err
	}
	lo, hi := b.cases[0].ID, b.cases[len(b.cases)-1].ID

	// Split the batch into parts of whole cases; a part's parties, events and
	// assignments follow its cases, so their ids are contiguous too. The parts commit
	// only once all are written, so a batch that fails leaves nothing behind (short of
	// a failing COMMIT). When the RI triggers run, they must find a merged case's
	// target in the same transaction.
	bounds := bulkSplit(b, lo, min(bulkPostgresConns(), (len(b.cases)+bulkCaseRows-1)/bulkCaseRows), !fast)
	parts := len(bounds) - 1
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conns, txs := make([]*sql.Conn, parts), make([]*sql.Tx, parts)
	// The first part to fail says why; the parts it cancels fail with whatever the
	// driver makes of a cancelled query ("bad connection"), which says nothing.
	var first error
	var firstOnce sync.Once
	var wg sync.WaitGroup
	events := last.events
	for k := range parts {
		part := b.slice(bounds[k], bounds[k+1])
		lastEvent := events
		events += int64(part.counts().events)
		wg.Go(func() {
			var perr error
			if conns[k], txs[k], perr = s.bulkPostgresPart(ctx, part, lastEvent, fast, lo, hi); perr != nil {
				firstOnce.Do(func() { first = perr })
				cancel()
			}
		})
	}
	wg.Wait()
	err = first
	for k, tx := range txs {
		switch {
		case tx == nil:
			continue
		case err != nil:
			_ = tx.Rollback()
		default:
			err = tx.Commit()
		}
		conns[k].Close()
	}
	if err != nil {
		return err
	}
	// The parts commit in parallel transactions, which could not add to one row of the
	// rollups without each waiting for the other's commit, which waits for all: the
	// batch's rollups are added once they have committed, in a transaction of their own
	// (a crash between leaves a difference `onedoor stats-verify` names and -fix mends).
	return s.InTx(ctx, NotAudited("the rollups of bulk-loaded cases"), func(tx *Tx) error {
		return s.addRollupsOf(ctx, tx.tx, lo, hi)
	})
}

// bulkSplit cuts b into at most n parts of whole cases, as even as it can, and
// returns where they start, and the end. With keepMerged, a case merged into another
// of the batch (whose ids run from lo) stays in that case's part: a part does not
// start between the two.
func bulkSplit(b bulkBatch, lo int64, n int, keepMerged bool) []int {
	total := len(b.cases)
	var inside []int // inside[j] > 0: a part may not start at case j
	if keepMerged {
		inside = make([]int, total+2)
		for i := range b.cases {
			j := b.cases[i].MergedInto - lo
			if b.cases[i].MergedInto == 0 || j < 0 || j >= int64(total) || int(j) == i {
				continue
			}
			from, to := min(i, int(j)), max(i, int(j))
			inside[from+1]++
			inside[to+1]--
		}
		for j := 1; j < len(inside); j++ {
			inside[j] += inside[j-1]
		}
	}
	bounds := []int{0}
	for k := 1; k < n; k++ {
		at := k * total / n
		for inside != nil && at < total && inside[at] > 0 {
			at++
		}
		if at > bounds[len(bounds)-1] && at < total {
			bounds = append(bounds, at)
		}
	}
	return append(bounds, total)
}

// reservePostgresIDs takes ids for a batch: each table's MAX(id), or its sequence's
// last value if that is ahead, and moves the sequence past the batch. LOCK TABLE
// keeps inserts out meanwhile. fast tells whether the parts may skip the RI triggers.
func (s *Store) reservePostgresIDs(ctx context.Context, n bulkCounts) (last bulkIDs, fast bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return last, false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, "LOCK TABLE cases, case_parties, case_events, case_assignments IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return last, false, err
	}
	for _, t := range []struct {
		table string
		n     int
		last  *int64
	}{{"cases", n.cases, &last.cases}, {"case_parties", n.parties, &last.parties}, {"case_events", n.events, &last.events},
		{"case_assignments", n.assignments, &last.assignments}} {
		if *t.last, err = s.bulkLastID(ctx, tx, t.table); err != nil {
			return last, false, err
		}
		if t.n == 0 {
			continue
		}
		// setval outlives a rollback: if the load fails, these ids are merely unused.
		if _, err = tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+t.table+"', 'id'), $1)", *t.last+int64(t.n)); err != nil {
			return last, false, err
		}
	}
	if err = tx.QueryRowContext(ctx, `SELECT current_setting('is_superuser') = 'on' AND NOT EXISTS (SELECT 1 FROM pg_trigger
		WHERE tgrelid IN ('cases'::regclass, 'case_parties'::regclass, 'case_events'::regclass, 'case_assignments'::regclass)
		AND NOT tgisinternal)`).
		Scan(&fast); err != nil {
		return last, false, err
	}
	return last, fast, tx.Commit()
}

// bulkPostgresPart writes part of a batch, ids assigned, in a transaction it leaves
// open for the caller to commit, on a connection of its own for the caller to close
// after. The whole batch's cases are numbered lo to hi.
func (s *Store) bulkPostgresPart(ctx context.Context, b bulkBatch, lastEvent int64, fast bool, lo, hi int64) (_ *sql.Conn, _ *sql.Tx, err error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			conn.Close()
		}
	}()
	if fast {
		if _, err = tx.ExecContext(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
			return nil, nil, err
		}
	}
	// COPY, on the transaction's connection: several times cheaper for the server
	// than multi-row INSERTs, whose parameters it binds one by one.
	err = s.bulkWrite(b, lastEvent, func(r bulkRows) error { return s.bulkCopy(ctx, conn, r) })
	if err != nil {
		return nil, nil, err
	}
	if err = s.bulkIndex(ctx, tx, b); err != nil {
		return nil, nil, err
	}
	if fast {
		if err = s.checkBulkReferences(ctx, tx, b, lo, hi); err != nil {
			return nil, nil, err
		}
	}
	return conn, tx, nil
}

// bulkCopy copies r into its table on conn, ids included.
func (s *Store) bulkCopy(ctx context.Context, conn *sql.Conn, r bulkRows) error {
	if r.n == 0 {
		return nil
	}
	cols := strings.FieldsFunc(r.cols, func(c rune) bool { return c == ',' || unicode.IsSpace(c) })
	if r.id != nil {
		cols = append([]string{"id"}, cols...)
	}
	row := make([]any, 0, len(cols))
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == r.n {
			return nil, nil
		}
		row = row[:0]
		if r.id != nil {
			row = append(row, r.id(i))
		}
		row = r.values(row, i) // CopyFrom encodes a row before it asks for the next
		i++
		return row, nil
	})
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{r.table}, cols, src)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", r.table, err)
	}
	return nil
}

// bulkWrite writes, through write, cases whose ids are assigned, their parties,
// their events numbered after lastEvent, and their assignments.
func (s *Store) bulkWrite(b bulkBatch, lastEvent int64, write func(bulkRows) error) error {
	cases := b.cases
	err := write(bulkRows{table: "cases", cols: bulkCaseCols, row: strings.Repeat("?, ", 48) + "?",
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
				nullTime(c.RiskSince), nullTime(c.RiskRespondedAt), nullTime(c.RiskQuietSince), nullTime(c.RiskReportAt),
				bulkID(c.RiskHolderID), nullTime(c.ResolvedDueAt), int64(c.Reopened), int64(c.Households))
		}})
	if err != nil {
		return err
	}
	n := b.counts()
	type party struct {
		caseID int64
		p      *model.Party
	}
	parties := make([]party, 0, n.parties)
	for i := range cases {
		for j := range cases[i].Parties {
			parties = append(parties, party{cases[i].ID, &cases[i].Parties[j]})
		}
	}
	err = write(bulkRows{table: "case_parties", cols: "case_id, seq, role, name, id_number, phone, address, acts_for",
		row: "?, ?, ?, ?, ?, ?, ?, ?", n: len(parties), perStmt: bulkPartyRows,
		id: func(i int) int64 { return parties[i].p.ID },
		values: func(args []any, i int) []any {
			r := parties[i]
			return append(args, r.caseID, int64(r.p.Seq), string(r.p.Role), r.p.Name, r.p.IDNumber, r.p.Phone, r.p.Address, int64(r.p.ActsFor))
		}})
	if err != nil {
		return err
	}

	// Events, case by case, each case's in its order; a case without a timeline gets
	// its registration (ev nil).
	type event struct {
		c  *model.Case
		ev *model.CaseEvent
	}
	events := make([]event, 0, n.events)
	for i := range cases {
		c := &cases[i]
		tl := b.timeline(i)
		if len(tl) == 0 {
			events = append(events, event{c, nil})
			continue
		}
		for j := range tl {
			tl[j].ID, tl[j].CaseID = lastEvent+int64(len(events))+1, c.ID
			events = append(events, event{c, &tl[j]})
		}
	}
	err = write(bulkRows{table: "case_events", cols: "case_id, actor_id, at, action, from_state, to_state, note, payload",
		row: "?, ?, ?, ?, ?, ?, ?, ?", n: len(events), perStmt: bulkEventRows,
		id: func(i int) int64 { return lastEvent + int64(i) + 1 },
		values: func(args []any, i int) []any {
			c, ev := events[i].c, events[i].ev
			if ev == nil {
				return append(args, c.ID, bulkID(c.RegisteredBy), c.CreatedAt.UTC(), "register", "", "registered", "", "{}")
			}
			payload := "{}"
			if len(ev.Payload) > 0 {
				payload = string(ev.Payload)
			}
			return append(args, c.ID, bulkID(ev.ActorID), ev.At.UTC(), ev.Action, ev.FromState, ev.ToState, ev.Note, payload)
		}})
	if err != nil {
		return err
	}

	if b.imp != nil {
		imp := b.imp
		err = write(bulkRows{table: "import_rows", cols: "source_id, row_key, case_id, run_id", row: "?, ?, ?, ?",
			n: len(cases), perStmt: bulkPartyRows,
			values: func(args []any, i int) []any {
				return append(args, imp.sourceID, imp.keys[i], cases[i].ID, imp.runID)
			}})
		if err != nil {
			return err
		}
	}

	assignments := make([]*model.Assignment, 0, n.assignments)
	for i := range cases {
		for j := range cases[i].Assignments {
			assignments = append(assignments, &cases[i].Assignments[j])
		}
	}
	return write(bulkRows{table: "case_assignments",
		cols: "case_id, department_id, is_lead, status, assigned_at, return_by, signed_at, reported_at, report, due_at, due_flag, due_basis",
		row:  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", n: len(assignments), perStmt: bulkAssignmentRows,
		id: func(i int) int64 { return assignments[i].ID },
		values: func(args []any, i int) []any {
			a := assignments[i]
			return append(args, a.CaseID, a.DepartmentID, a.IsLead, a.Status, a.AssignedAt.UTC(), nullTime(a.ReturnBy),
				nullTime(a.SignedAt), nullTime(a.ReportedAt), a.Report, nullTime(a.DueAt), a.DueFlag, a.DueBasis)
		}})
}

// bulkRows describes n rows for one table: row holds a value for each of cols, '?'
// for each that values appends for row i; id(i) is row i's id, increasing by one
// (nil for a table without ids of its own); perStmt is how many rows go to one
// INSERT on SQLite.
type bulkRows struct {
	table, cols, row string
	n, perStmt       int
	id               func(i int) int64
	values           func(args []any, i int) []any
}

// bulkInsert inserts r on SQLite, perStmt rows to a statement. The ids are left out,
// for an explicit rowid makes every multi-row INSERT keep a statement journal:
// SQLite numbers new rows from MAX(rowid)+1, which is the same (the writer lock is
// held since MAX was read), and the last rowid is checked to be sure. The full-size
// statement is prepared once. A goroutine gathers each statement's arguments while
// the one before runs, for SQLite's writer is the one thing a load waits for.
func (s *Store) bulkInsert(ctx context.Context, tx *sql.Tx, r bulkRows) error {
	if r.n == 0 {
		return nil
	}
	// OR ROLLBACK rather than the default ABORT: a failed constraint fails the whole
	// batch anyway, and ABORT too would make SQLite journal every statement.
	head := "INSERT OR ROLLBACK INTO " + r.table + " (" + r.cols + ") VALUES "
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	// Three buffers: one being run, one ready, one being filled.
	type chunk struct {
		rows int
		args []any
	}
	ready, done := make(chan chunk, 1), make(chan struct{})
	defer close(done)
	go func() {
		defer close(ready)
		var bufs [3][]any
		for k, lo := 0, 0; lo < r.n; k, lo = k+1, lo+r.perStmt {
			hi := min(lo+r.perStmt, r.n)
			args := bufs[k%3][:0]
			for i := lo; i < hi; i++ {
				args = r.values(args, i)
			}
			bufs[k%3] = args
			select {
			case ready <- chunk{hi - lo, args}:
			case <-done:
				return
			}
		}
	}()
	var res sql.Result
	for c := range ready {
		var err error
		switch {
		case c.rows < r.perStmt:
			res, err = tx.ExecContext(ctx, s.valuesSQL(head, r.row, c.rows), c.args...)
		case full == nil:
			if full, err = tx.PrepareContext(ctx, s.fullValuesSQL(head, r.row, r.perStmt)); err == nil {
				res, err = full.ExecContext(ctx, c.args...)
			}
		default:
			res, err = full.ExecContext(ctx, c.args...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", r.table, err)
		}
	}
	if r.id == nil {
		return nil
	}
	last, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("%s: %w", r.table, err)
	}
	if want := r.id(r.n - 1); last != want {
		return fmt.Errorf("%s: rows were numbered up to %d, not %d", r.table, last, want)
	}
	return nil
}

// checkBulkReferences does for a batch, or a part of one, what the foreign keys
// would have: every region, category, user, department and merged-into case it names
// exists. (Parties, events and assignments refer to the batch's own cases; so may a
// merge, to one numbered lo to hi, which the load writes itself.)
func (s *Store) checkBulkReferences(ctx context.Context, tx *sql.Tx, b bulkBatch, lo, hi int64) error {
	refs := map[string]map[int64]bool{"regions": {}, "categories": {}, "users": {}, "departments": {}, "cases": {}}
	add := func(table string, id int64) {
		if id != 0 {
			refs[table][id] = true
		}
	}
	for i := range b.cases {
		c := &b.cases[i]
		add("regions", c.RegionID)
		add("regions", c.GridID)
		add("regions", c.CentreID)
		add("categories", c.CategoryID)
		add("users", c.RegisteredBy)
		if c.MergedInto < lo || c.MergedInto > hi {
			add("cases", c.MergedInto)
		}
		for j := range c.Assignments {
			add("departments", c.Assignments[j].DepartmentID)
		}
		for _, ev := range b.timeline(i) {
			add("users", ev.ActorID)
		}
	}
	for _, table := range []string{"regions", "categories", "users", "departments", "cases"} {
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

// bulkIndex writes an import's batch's search index rows in the batch's transaction,
// worked out by the caller (a generated batch is indexed afterwards, as a whole, by
// ReindexFrom). On SQLite they go in as the batch's other rows do; on PostgreSQL by
// multi-row INSERTs that cast the tsvector's text (COPY would need it parsed here).
func (s *Store) bulkIndex(ctx context.Context, tx *sql.Tx, b bulkBatch) error {
	if b.imp == nil || len(b.cases) == 0 {
		return nil
	}
	cases, docs := b.cases, b.imp.docs
	// No index row should name a new case already; should one (a case written and
	// lost by some earlier fault), the batch's own replaces it.
	del := "DELETE FROM case_search WHERE rowid BETWEEN ? AND ?"
	if s.dialect == Postgres {
		del = "DELETE FROM case_search WHERE case_id BETWEEN $1 AND $2"
	}
	if _, err := tx.ExecContext(ctx, del, cases[0].ID, cases[len(cases)-1].ID); err != nil {
		return fmt.Errorf("case_search: %w", err)
	}
	if s.dialect == Postgres {
		const perStatement = 500
		for lo := 0; lo < len(cases); lo += perStatement {
			hi := min(lo+perStatement, len(cases))
			args := make([]any, 0, 2*(hi-lo))
			for i := lo; i < hi; i++ {
				args = append(args, cases[i].ID, docs[i])
			}
			head, row := "INSERT INTO case_search (case_id, doc) VALUES ", "?, ?::tsvector"
			q := s.fullValuesSQL(head, row, perStatement)
			if hi-lo < perStatement {
				q = s.valuesSQL(head, row, hi-lo)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("case_search: %w", err)
			}
		}
		return nil
	}
	return s.bulkInsert(ctx, tx, bulkRows{table: "case_search", cols: "rowid, doc", row: "?, ?", n: len(cases), perStmt: bulkPartyRows,
		values: func(args []any, i int) []any { return append(args, cases[i].ID, docs[i]) }})
}
