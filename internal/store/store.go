// Package store is onedoor's only door to the database. Every query is hand-written SQL
// with '?' placeholders; on PostgreSQL they are rewritten to $n once per query text.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/onedoor/onedoor/internal/model"
)

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned when a looked-up row does not exist (or is outside scope).
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a unique key is already taken.
var ErrConflict = errors.New("store: already exists")

// Store holds the connection pools. On SQLite all writes go through one connection
// (SQLite has one writer anyway; queueing in Go beats spinning on SQLITE_BUSY) and
// reads use a separate pool, which WAL lets run beside the writer. On PostgreSQL the
// pools differ only in size and, for listings, in how statements are planned
// (openPostgres).
type Store struct {
	dialect Dialect
	w       *sql.DB
	r       *sql.DB
	lists   *sql.DB // PostgreSQL: readers for listings, planned for their parameters; nil on SQLite
	looks   *sql.DB // PostgreSQL: the intakes' shared look for earlier parties (probeSQL), planned once; nil on SQLite

	// listSlots admits listings to the lists pool in the order they come (listAll).
	listSlots chan struct{}

	rebound sync.Map // query text -> PostgreSQL text

	// Prepared statements of the writer and the readers; nil on PostgreSQL.
	wstmts, rstmts *stmtCache

	batchOnce sync.Once
	batches   chan *batchItem

	sharedOnce sync.Once
	shared     chan *sharedCase // PostgreSQL: new cases waiting for a shared insert (sharedinsert.go)

	probeOnce sync.Once
	probes    chan *historyProbe // PostgreSQL: RiskHistory reads waiting for a shared look (riskhistory.go)

	readOnly bool // opened with Options.ReadOnly: audit entries waiting are not sealed

	pgBouncer bool // Options.PgBouncer: no named prepared statements, no startup parameters of ours

	// Replicas (replicas.go): on the primary, its replicas; on a replica's view, the
	// primary its failed reads run on, and the replica it reads.
	replicas         *replicaSet
	fallback         *Store
	replica          *replica
	replicaFallbacks atomic.Int64 // on the primary: reads of a replica run again here

	retries atomic.Int64 // statements and transactions run again on a fresh connection (retry.go)

	identity atomic.Int64 // bumped by every change to users, sessions, regions, departments, categories

	sharedKeys sync.Map // name -> []byte: SharedKey's keys, which never change once made

	listCounts sync.Map // SQLite: a list filter's index and value -> listCount (caselists.go)

	regionsByID    dictCache[int64, model.Region]              // Region (dictcache.go)
	regionChildren dictCache[RegionFilter, []model.Region]     // Regions of a parent
	categoriesByID dictCache[int64, model.Category]            // Category
	categoryLists  dictCache[CategoryFilter, []model.Category] // Categories
	activeUsers    dictCache[UserFilter, []model.User]         // ActiveUsers

	auditKeys atomic.Pointer[auditKeyring] // the keys audit rows are sealed with (auditkey.go); nil: unkeyed

	// PostgreSQL's audit sealer (auditseal.go).
	sealStart, sealClose sync.Once
	sealMu               sync.Mutex
	sealedSinceVacuum    int // under sealMu
	vacuumEvery          int // under sealMu; 0: vacuumPendingEvery
	sealWakeOnce         sync.Once
	sealWake             chan struct{} // sealSignal
	pendingWritten       atomic.Bool   // this process wrote entries to audit_pending
	sealStop, sealDone   chan struct{}
}

// IdentityVersion changes whenever this process changes a user, a session, a region, a category or
// a department, so that what is cached about a signed-in user (auth's session cache)
// can tell it is stale.
func (s *Store) IdentityVersion() int64 { return s.identity.Load() }

// identityChanged is deferred by the writes IdentityVersion watches: it runs after
// their transaction has ended, so nothing cached after it saw the old rows.
func (s *Store) identityChanged() { s.identity.Add(1) }

// withPlanCacheMode is the PostgreSQL URL dsn whose sessions plan prepared statements
// as mode says, unless dsn says how already.
func withPlanCacheMode(dsn, mode string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Query().Has("plan_cache_mode") {
		return dsn
	}
	q := u.Query()
	q.Set("plan_cache_mode", mode)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open connects to dsn: a postgres:// URL, or else a SQLite file path (its folder is
// created), with the default pool sizes. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, Options{})
}

// Options are the settings of a store's connections.
type Options struct {
	// MaxConns bounds the PostgreSQL connections the store opens, all pools together
	// (PoolSizes); 0 is DefaultMaxConns. SQLite ignores it.
	MaxConns int
	// ReadOnly opens the database so that nothing can change it (restore-check,
	// audit-verify): SQLite's file read-only, PostgreSQL's sessions read-only.
	ReadOnly bool
	// PgBouncer connects through PgBouncer in transaction mode (-db-pgbouncer): a
	// transaction's statements share a server connection, nothing else does. So no
	// statement is prepared under a name (pgx's statement cache would find it
	// missing on the next server connection, or taken): descriptions are cached
	// instead and statements run unnamed, which PostgreSQL plans for their
	// parameters every time. Nor does the store set plan_cache_mode as a startup
	// parameter, which PgBouncer refuses.
	PgBouncer bool

	// writerDriver, when set, is the database/sql driver the writers' pool opens
	// with instead of the dialect's own: the tests' fault-injecting wrapper.
	writerDriver string
}

// DefaultMaxConns is how many PostgreSQL connections a store opens at most by default.
const DefaultMaxConns = 38

// PoolSizes splits max PostgreSQL connections among the store's pools: a third to
// the writers, the party look its probeReaders, a fifth to the listings, the rest to
// the readers. The default 38 gives 12, 16, 8 and 2, the sizes the benchmarks were
// measured with.
func PoolSizes(max int) (writers, readers, listings, looks int) {
	if max <= 0 {
		max = DefaultMaxConns
	}
	max = maxInt(max, 8)
	looks = probeReaders
	writers = maxInt(2, max*12/DefaultMaxConns)
	listings = maxInt(2, max*8/DefaultMaxConns)
	readers = max - writers - listings - looks
	return writers, readers, listings, looks
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// OpenWith is Open with the connection settings o.
func OpenWith(ctx context.Context, dsn string, o Options) (*Store, error) {
	var st *Store
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if o.ReadOnly {
			dsn = withRuntimeParam(dsn, "default_transaction_read_only", "on")
		}
		if o.PgBouncer {
			dsn = withDefaultParam(dsn, "default_query_exec_mode", "cache_describe")
		}
		st, err = openPostgres(ctx, dsn, o)
	} else {
		st, err = openSQLite(ctx, dsn, o.ReadOnly, o.writerDriver)
	}
	if st != nil {
		st.readOnly = o.ReadOnly
	}
	return st, err
}

// withRuntimeParam is the PostgreSQL URL dsn setting a session parameter.
func withRuntimeParam(dsn, name, value string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(ctx context.Context, dsn string, o Options) (*Store, error) {
	wConns, rConns, lConns, lookConns := PoolSizes(o.MaxConns)
	open := func(driverName, dsn string, conns int) (*sql.DB, error) {
		db, err := sql.Open(driverName, dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(conns)
		// Every connection may stay idle: one closed because the pool had enough
		// idle ones is reopened at the next burst, and a new connection is a new
		// PostgreSQL process, forked, with cold caches and statements to prepare
		// again (with half kept, `onedoor bench -what intake` kept opening sessions).
		db.SetMaxIdleConns(conns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect postgres: %w", err)
		}
		return db, nil
	}
	writerDriver := "pgx"
	if o.writerDriver != "" {
		writerDriver = o.writerDriver
	}
	w, err := open(writerDriver, dsn, wConns)
	if err != nil {
		return nil, err
	}
	r, err := open("pgx", dsn, rConns)
	if err != nil {
		w.Close()
		return nil, err
	}
	// Listings plan every statement for its parameters, unless the URL says otherwise:
	// after five executions of a prepared statement PostgreSQL may switch to a generic
	// plan that cannot see them, and for a clerk's work queue at 1M cases it chose one
	// far slower than the custom plan (BenchmarkQueue, `onedoor bench -what queue`).
	// Only listings: planning every statement each time slowed intake and the case
	// page, a dozen small lookups (`onedoor bench -what intake,case`).
	listDSN, lookDSN := withPlanCacheMode(dsn, "force_custom_plan"), withPlanCacheMode(dsn, "force_generic_plan")
	if o.PgBouncer {
		listDSN, lookDSN = dsn, dsn
	}
	l, err := open("pgx", listDSN, lConns)
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	// The shared look for earlier parties is the other way round. Its custom plan and
	// its generic plan are the same index lookups, but the generic plan guesses ten keys
	// where a custom plan counts one or two, looks six times dearer, and so is never
	// chosen: the look was planned at every intake, and planning took longer than
	// running it (pg_stat_statements' plan and execution times under `onedoor bench
	// -what intake` at 1M cases).
	looks, err := open("pgx", lookDSN, lookConns)
	if err != nil {
		w.Close()
		r.Close()
		l.Close()
		return nil, err
	}
	return &Store{dialect: Postgres, w: w, r: r, lists: l, looks: looks, listSlots: make(chan struct{}, lConns), pgBouncer: o.PgBouncer}, nil
}

func openSQLite(ctx context.Context, path string, readOnly bool, writerDriver string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
	} else if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
	}
	// synchronous=FULL: an acknowledged write is fsynced, so a crash loses nothing.
	pragmas := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(FULL)", "temp_store(MEMORY)"} {
		pragmas.Add("_pragma", p)
	}
	pragmas.Set("_time_format", "sqlite")
	if readOnly {
		// A copy checked is not changed, not even its journal mode.
		pragmas = url.Values{}
		pragmas.Add("_pragma", "busy_timeout(10000)")
		pragmas.Add("_pragma", "query_only(1)")
		pragmas.Set("_time_format", "sqlite")
		pragmas.Set("mode", "ro")
	}
	writerDSN := "file:" + path + "?" + pragmas.Encode() + "&_txlock=immediate"
	if writerDriver == "" {
		writerDriver = "sqlite"
	}
	w, err := sql.Open(writerDriver, writerDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if !readOnly {
		pragmas.Add("_pragma", "query_only(1)")
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &Store{dialect: SQLite, w: w, r: r, wstmts: &stmtCache{db: w}, rstmts: &stmtCache{db: r}}, nil
}

// PoolStats are the statistics of one of the store's connection pools.
type PoolStats struct {
	Name string // writers, readers, listings, looks
	sql.DBStats
}

// Pools gives the statistics of every pool the store holds (metrics).
func (s *Store) Pools() []PoolStats {
	out := []PoolStats{{"writers", s.w.Stats()}, {"readers", s.r.Stats()}}
	if s.lists != nil {
		out = append(out, PoolStats{"listings", s.lists.Stats()})
	}
	if s.looks != nil && s.looks != s.r {
		out = append(out, PoolStats{"looks", s.looks.Stats()})
	}
	if s.replicas != nil {
		for _, r := range s.replicas.list {
			out = append(out, PoolStats{"replica " + r.name + " readers", r.view.r.Stats()},
				PoolStats{"replica " + r.name + " listings", r.view.lists.Stats()})
		}
	}
	return out
}

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the pools, the replicas' too.
func (s *Store) Close() error {
	sealErr := s.stopSealer()
	err := s.closePools()
	if s.replicas != nil {
		err = errors.Join(err, s.replicas.close())
	}
	return errors.Join(sealErr, err)
}

// closePools closes every distinct pool of s.
func (s *Store) closePools() error {
	s.wstmts.close()
	s.rstmts.close()
	var err error
	closed := map[*sql.DB]bool{}
	for _, db := range []*sql.DB{s.w, s.r, s.lists, s.looks} {
		if db != nil && !closed[db] {
			closed[db] = true
			err = errors.Join(err, db.Close())
		}
	}
	return err
}

// Ping answers whether the database answers a trivial query (health checks).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	if s.r != s.w {
		return s.w.PingContext(ctx)
	}
	return nil
}

// q turns a '?' query into the dialect's form. None of our SQL holds a literal '?'.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	out := b.String()
	s.rebound.Store(query, out)
	return out
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction; its methods take '?' queries like the Store's.
type Tx struct {
	s  *Store
	tx *sql.Tx

	audit        AuditEntry // what the transaction records in the audit log (InTx)
	batched      bool       // a group commit's transaction (groupcommit.go)
	head         *auditHead // batched: the audit chain's head as this transaction left it
	wrotePending bool       // PostgreSQL: wrote an entry to audit_pending (auditseal.go)
	identity     bool       // changed what IdentityVersion watches: bump it after the commit

	rolled  map[int64]bool // cases written, whose rollups flushRollups puts back (rollups.go)
	rollIDs []int64        // the same, in the order first written
	rollOld []rollupRow    // what they counted before the transaction wrote them
	rollNew []int64        // the cases it registered, whose repeat visits flushRollups decides
}

// stmtCtx is the context a statement of t runs with. A group commit's statements run
// without their caller's cancellation (its turn has come, its part is short, and the
// batch checked its context before starting it): a cancellable context costs the
// SQLite driver a watcher goroutine on every statement, in the one goroutine every
// intake waits for.
func (t *Tx) stmtCtx(ctx context.Context) context.Context {
	if t.batched {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.stmtCtx(ctx)
	if st := t.s.wstmts.get(ctx, query, true); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.s.q(query), args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.stmtCtx(ctx)
	if st := t.s.wstmts.get(ctx, query, true); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.s.q(query), args...)
}

// insertID runs an INSERT … RETURNING id and gives the new row's id. On SQLite the
// RETURNING clause is left off and the id read from the connection: SQLite buffers a
// RETURNING statement's output in a temporary table, which cost intake a fifth of its
// insert time.
func (t *Tx) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	if t.s.dialect == Postgres {
		err := t.queryRow(ctx, query, args...).Scan(&id)
		return id, err
	}
	res, err := t.exec(ctx, strings.TrimSuffix(query, " RETURNING id"), args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// query runs a prepared query in the transaction. The caller must not run the same
// query text again while it still reads the rows: in one transaction both would share
// one prepared statement of its connection.
func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.stmtCtx(ctx)
	if st := t.s.wstmts.get(ctx, query, true); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.s.q(query), args...)
}

// InTx runs fn in one write transaction, committing when fn returns nil, with the
// audit entry e written in the same transaction (after fn, so fn may name its object:
// Tx.SetAuditObject). The zero e is refused (ErrNoAuditEntry). A transaction whose
// connection failed before its COMMIT was sent changed nothing: it runs once more, fn
// included, on a fresh connection (retry.go), so fn must set what it returns afresh
// on each run.
func (s *Store) InTx(ctx context.Context, e AuditEntry, fn func(*Tx) error) error {
	if err := e.check(); err != nil {
		return err
	}
	committing, err := s.inTxOn(ctx, s.w, e, fn)
	if err == nil || committing || !s.retryable(ctx, err) {
		return err
	}
	c, cerr := freshConn(ctx, s.w)
	if cerr != nil {
		return errors.Join(err, cerr)
	}
	defer c.Close()
	_, err = s.inTxOn(ctx, c, e, fn)
	return err
}

// txBeginner is what *sql.DB and *sql.Conn offer to start a transaction.
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// inTxOn is one run of InTx on db. committing reports that the COMMIT was sent: an
// error then leaves unknown whether the transaction took effect.
func (s *Store) inTxOn(ctx context.Context, db txBeginner, e AuditEntry, fn func(*Tx) error) (committing bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	t := &Tx{s: s, tx: tx, audit: e}
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return false, err
	}
	if err := t.flushRollups(ctx); err != nil {
		_ = tx.Rollback()
		return false, err
	}
	if t.audit.recorded() {
		if err := t.appendAudit(ctx, ActorFrom(ctx), t.audit); err != nil {
			_ = tx.Rollback()
			return false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return true, commitUnknown(fmt.Errorf("commit: %w", err))
	}
	if t.wrotePending {
		s.wakeSealer()
	}
	if t.identity {
		s.identityChanged()
	}
	s.wstmts.prepareWanted(ctx)
	return true, nil
}

// SetAuditObject names the object of the transaction's audit entry once it is known:
// a new case's id exists only after its insert.
func (t *Tx) SetAuditObject(object string) { t.audit.Object = object }

// queryRow reads one row; its Scan retries once on a fresh connection when the
// connection failed (retry.go).
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *retryRow {
	return &retryRow{s: s, ctx: ctx, query: query, args: args}
}

// listAll runs a listing, a query whose best plan depends on its parameters (a
// scope's range, a queue's centre), and scans its rows. On SQLite it is query. On
// PostgreSQL it runs on the pool that plans each time (openPostgres), after taking
// one of the pool's slots in the order listings come: database/sql hands a freed
// connection to a random waiter, so under a burst one listing could wait behind any
// number of later ones (the p99 of `onedoor bench -users 200` without pause, and
// requests past the client's timeout). A blocked channel send is served first come,
// first served.
func listAll[T any](s *Store, ctx context.Context, query string, args []any, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if s.lists == nil {
		rows, err := s.query(ctx, query, args...)
		return scanAll(rows, err, scan)
	}
	select {
	case s.listSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rows, err := s.lists.QueryContext(ctx, s.q(query), args...)
	if err != nil && s.readOnPrimary(ctx, err) {
		<-s.listSlots
		return listAll(s.fallback, ctx, query, args, scan)
	}
	defer func() { <-s.listSlots }()
	if err != nil && s.retryable(ctx, err) {
		rows, err = s.queryFresh(ctx, s.lists, query, args)
	}
	return scanAll(rows, err, scan)
}

// query runs a read; a read whose connection failed runs once more on a fresh one
// (retry.go).
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	var err error
	if st := s.rstmts.get(ctx, query, false); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = s.r.QueryContext(ctx, s.q(query), args...)
	}
	if err != nil && s.readOnPrimary(ctx, err) {
		return s.fallback.query(ctx, query, args...)
	}
	if err != nil && s.retryable(ctx, err) {
		return s.queryFresh(ctx, s.r, query, args)
	}
	return rows, err
}

// exec runs one write statement, in a transaction with e when e is recorded; the
// zero e is refused (ErrNoAuditEntry).
func (s *Store) exec(ctx context.Context, e AuditEntry, query string, args ...any) (sql.Result, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if !e.recorded() {
		var res sql.Result
		var err error
		if st := s.wstmts.get(ctx, query, false); st != nil {
			res, err = st.ExecContext(ctx, args...)
		} else {
			res, err = s.w.ExecContext(ctx, s.q(query), args...)
		}
		if err != nil && s.retryableWrite(ctx, err) {
			res, err = s.execFresh(ctx, s.w, query, args)
		}
		// The statement commits on its own: a connection that failed while it ran
		// hides whether it did.
		return res, commitUnknown(err)
	}
	var res sql.Result
	err := s.InTx(ctx, e, func(tx *Tx) error {
		var err error
		res, err = tx.exec(ctx, query, args...)
		return err
	})
	return res, err
}

// isUniqueViolation recognises a unique-constraint failure on either database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// now is the store's clock for timestamps it sets itself; always UTC so that SQLite's
// text timestamps sort as times.
func now() time.Time { return time.Now().UTC() }

// nullInt64 maps Go's zero id to SQL NULL.
func nullInt64(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

// scanAll reads every row of rows with scan, closing rows.
func scanAll[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Analyze refreshes the planner's statistics; run it after a bulk load, or the planner
// keeps planning for the empty tables it last saw.
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect == Postgres {
		// Only our own bulk-loaded tables: a bare ANALYZE on PostgreSQL walks every
		// schema of the database.
		_, err := s.w.ExecContext(ctx, "ANALYZE cases, case_parties, case_events, case_assignments")
		return err
	}
	// SQLite keeps the per-index row counts (sqlite_stat1) but not the value samples
	// (sqlite_stat4): with samples, SQLite re-plans every statement that compares a
	// parameter with an indexed column each time the parameter's value changes, which
	// undid the statement cache (re-preparing showed in a profile of the server under
	// `onedoor bench`'s mixed load).
	// The counts are what our plans depend on.
	return s.InTx(ctx, NotAudited("the planner's statistics"), func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, "ANALYZE"); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, "DELETE FROM sqlite_stat4")
		if err != nil && strings.Contains(err.Error(), "no such table") {
			return nil // a build of SQLite without STAT4
		}
		return err
	})
}
