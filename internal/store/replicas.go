package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL streaming replicas (-db-replica) take the reads that need not see the
// reader's own writes: dashboards, reports, the big screen, analysis, evaluation,
// search and exports. The routing is explicit: such a read asks ForReports for its
// store and reads through it; everything else (a case page after its action, intake,
// the workflow, sessions, CSRF, the audit log) reads the store itself, the primary.
//
// A replica is used only while it answers and is at most ReplicaOptions.MaxLag behind
// the primary; otherwise ForReports gives the primary. How far behind is measured
// against the primary's own WAL position, sampled at each check: a replica that has
// replayed what the primary had written at time T is now−T behind, whether the primary
// was busy or idle since (pg_last_xact_replay_timestamp would call an idle primary's
// caught-up replica late). A read that fails on a replica's connection, or is
// cancelled by a conflict with recovery, runs again on the primary at once, and a lost
// connection marks the replica down until a check finds it well again.

// DefaultReplicaMaxConns is how many connections a node opens at most to each replica.
const DefaultReplicaMaxConns = 16

// ReplicaOptions are the settings of the store's replicas.
type ReplicaOptions struct {
	MaxLag   time.Duration // a replica further behind is skipped; 0: 10s
	MaxConns int           // connections to each replica at most; 0: DefaultReplicaMaxConns
	Every    time.Duration // how often replicas are checked; 0: MaxLag/4, between 250ms and 5s
	Log      *slog.Logger  // where a replica's going down or coming back is told; nil: nowhere
}

// ReplicaState is what the last check found of one replica.
type ReplicaState struct {
	Name      string        // host:port/database of its URL, without credentials
	Up        bool          // used for reads: it answers and is not too far behind
	Answers   bool          // it answered the last check
	Lag       time.Duration // how far behind the primary it was at the last check (an upper bound)
	Problem   string        // why it is not used: unreachable, lagging, not a standby
	CheckedAt time.Time
}

// replica is one replica: a read-only store over it and what the checks found.
type replica struct {
	name string
	view *Store

	mu    sync.Mutex
	state ReplicaState
}

func (r *replica) snapshot() ReplicaState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state
}

// replicaSet is the primary's replicas and their checker.
type replicaSet struct {
	primary *Store
	list    []*replica
	maxLag  time.Duration
	every   time.Duration
	log     *slog.Logger
	next    atomic.Uint64 // round robin over the replicas that are up

	sampleMu sync.Mutex
	samples  []lsnSample // the primary's WAL positions, oldest first
}

// lsnSample is the primary's WAL position at a moment.
type lsnSample struct {
	at  time.Time
	lsn int64 // bytes since 0/0
}

// AddReplicas opens read-only stores over the PostgreSQL replicas at urls. A replica
// that does not answer yet is not an error: it stays down until a check finds it.
func (s *Store) AddReplicas(ctx context.Context, urls []string, o ReplicaOptions) error {
	if len(urls) == 0 {
		return nil
	}
	if s.dialect != Postgres {
		return errors.New("-db-replica needs a PostgreSQL -db: SQLite has no replicas")
	}
	if s.replicas != nil {
		return errors.New("store: replicas already added")
	}
	if o.MaxLag <= 0 {
		o.MaxLag = 10 * time.Second
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultReplicaMaxConns
	}
	if o.Every <= 0 {
		o.Every = min(max(o.MaxLag/4, 250*time.Millisecond), 5*time.Second)
	}
	set := &replicaSet{primary: s, maxLag: o.MaxLag, every: o.Every, log: o.Log}
	for _, raw := range urls {
		if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") {
			set.close()
			return fmt.Errorf("-db-replica must be a postgres:// URL, got %q", redactURL(raw))
		}
		view, err := s.openReplicaView(raw, o.MaxConns)
		if err != nil {
			set.close()
			return fmt.Errorf("-db-replica %s: %w", redactURL(raw), err)
		}
		r := &replica{name: redactURL(raw), view: view}
		r.state = ReplicaState{Name: r.name, Problem: "not checked yet"}
		view.replica = r
		set.list = append(set.list, r)
	}
	s.replicas = set
	set.check(ctx)
	return nil
}

// openReplicaView is a store reading the replica at dsn through at most conns
// connections, falling back to s. It opens no connection yet.
func (s *Store) openReplicaView(dsn string, conns int) (*Store, error) {
	// A replica that does not answer must not hold a request long: it is skipped.
	dsn = withDefaultParam(dsn, "connect_timeout", "2")
	if s.pgBouncer {
		dsn = withDefaultParam(dsn, "default_query_exec_mode", "cache_describe") // as the primary's (OpenWith)
	}
	listConns := max(2, conns/3)
	readConns := max(2, conns-listConns)
	open := func(dsn string, n int) (*sql.DB, error) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return db, nil
	}
	r, err := open(dsn, readConns)
	if err != nil {
		return nil, err
	}
	listDSN := dsn
	if !s.pgBouncer {
		listDSN = withPlanCacheMode(dsn, "force_custom_plan") // as the primary's listings (openPostgres)
	}
	l, err := open(listDSN, listConns)
	if err != nil {
		r.Close()
		return nil, err
	}
	// The writer is the readers' pool: a write through the view fails on the standby
	// ("cannot execute … in a read-only transaction") rather than going anywhere.
	return &Store{dialect: Postgres, w: r, r: r, lists: l, looks: r, listSlots: make(chan struct{}, listConns),
		readOnly: true, fallback: s, pgBouncer: s.pgBouncer}, nil
}

// withDefaultParam is the URL dsn with a query parameter set, unless it is set already.
func withDefaultParam(dsn, name, value string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Query().Has(name) {
		return dsn
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// redactURL names a database by host, port and database, without user or password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	return u.Host + u.Path
}

// ForReports is the store that reads which need not see the reader's own writes go
// through: a replica that is up (taking turns when there are several), or else s
// itself. Only reads may go through it.
func (s *Store) ForReports() *Store {
	if s.replicas == nil {
		return s
	}
	list := s.replicas.list
	n := uint64(len(list))
	start := s.replicas.next.Add(1)
	for i := range n {
		r := list[(start+i)%n]
		r.mu.Lock()
		up := r.state.Up
		r.mu.Unlock()
		if up {
			return r.view
		}
	}
	return s
}

// IsReplica reports whether s reads a replica (a store ForReports gave).
func (s *Store) IsReplica() bool { return s.fallback != nil }

// Replicas is what the last check found of each replica, in the order given.
func (s *Store) Replicas() []ReplicaState {
	if s.replicas == nil {
		return nil
	}
	out := make([]ReplicaState, len(s.replicas.list))
	for i, r := range s.replicas.list {
		out[i] = r.snapshot()
	}
	return out
}

// CheckReplicas checks every replica now (WatchReplicas does so periodically).
func (s *Store) CheckReplicas(ctx context.Context) {
	if s.replicas != nil {
		s.replicas.check(ctx)
	}
}

// WatchReplicas checks the replicas every ReplicaOptions.Every until ctx ends.
func (s *Store) WatchReplicas(ctx context.Context) {
	if s.replicas == nil {
		return
	}
	t := time.NewTicker(s.replicas.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.replicas.check(ctx)
		}
	}
}

// check samples the primary's WAL position, then asks each replica how far it has
// replayed.
func (rs *replicaSet) check(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, max(rs.every, 2*time.Second))
	defer cancel()
	var primaryLSN int64
	err := rs.primary.r.QueryRowContext(ctx, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint").Scan(&primaryLSN)
	now := time.Now()
	if err == nil {
		rs.sampleMu.Lock()
		rs.samples = append(rs.samples, lsnSample{at: now, lsn: primaryLSN})
		// Samples older than twice the allowed lag cannot change a verdict: a replica
		// that has not reached the newest of them is too far behind anyway.
		keepFrom := 0
		for keepFrom < len(rs.samples)-1 && now.Sub(rs.samples[keepFrom+1].at) > 2*rs.maxLag {
			keepFrom++
		}
		rs.samples = append(rs.samples[:0:0], rs.samples[keepFrom:]...)
		rs.sampleMu.Unlock()
	}
	for _, r := range rs.list {
		rs.checkOne(ctx, r, now)
	}
}

// checkOne reads how far r has replayed and decides whether it is used.
func (rs *replicaSet) checkOne(ctx context.Context, r *replica, now time.Time) {
	var inRecovery bool
	var replayed sql.NullInt64
	err := r.view.r.QueryRowContext(ctx,
		"SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint").Scan(&inRecovery, &replayed)
	next := ReplicaState{Name: r.name, CheckedAt: now, Answers: err == nil}
	switch {
	case err != nil:
		// The error itself (it may name the role and database) goes to the log only:
		// the state is shown on /healthz.
		next.Problem = "unreachable"
	case !inRecovery || !replayed.Valid:
		next.Problem = "not a standby (pg_is_in_recovery() is false)"
	default:
		lag, known := rs.lagOf(replayed.Int64, now)
		next.Lag = lag
		switch {
		case !known:
			next.Problem = "lagging: behind every position sampled on the primary"
			next.Lag = rs.oldestSampleAge(now)
		case lag > rs.maxLag:
			next.Problem = fmt.Sprintf("lagging: %s behind, more than %s", lag.Round(time.Millisecond), rs.maxLag)
		default:
			next.Up = true
		}
	}
	r.mu.Lock()
	prev := r.state
	r.state = next
	r.mu.Unlock()
	rs.tell(prev, next, err)
}

// lagOf is how far behind a replica that has replayed up to lsn is: the age of the
// newest primary position it has reached, 0 when it has reached the newest sample.
// known is false when it has reached none of them.
func (rs *replicaSet) lagOf(lsn int64, now time.Time) (lag time.Duration, known bool) {
	rs.sampleMu.Lock()
	defer rs.sampleMu.Unlock()
	for i := len(rs.samples) - 1; i >= 0; i-- {
		if rs.samples[i].lsn <= lsn {
			if i == len(rs.samples)-1 {
				return 0, true
			}
			return now.Sub(rs.samples[i].at), true
		}
	}
	return 0, false
}

func (rs *replicaSet) oldestSampleAge(now time.Time) time.Duration {
	rs.sampleMu.Lock()
	defer rs.sampleMu.Unlock()
	if len(rs.samples) == 0 {
		return 0
	}
	return now.Sub(rs.samples[0].at)
}

// tell logs a replica's change between used and skipped, with the error that
// took it out of use, if any.
func (rs *replicaSet) tell(prev, next ReplicaState, err error) {
	if rs.log == nil || prev.Up == next.Up && !prev.CheckedAt.IsZero() {
		return
	}
	switch {
	case next.Up:
		rs.log.Info("replica in use for reports", "replica", next.Name, "lag_ms", next.Lag.Milliseconds())
	case err != nil:
		rs.log.Warn("replica skipped: reports read the primary", "replica", next.Name, "problem", next.Problem, "err", err)
	default:
		rs.log.Warn("replica skipped: reports read the primary", "replica", next.Name, "problem", next.Problem)
	}
}

// markDown takes r out of use after a read of it failed, until a check finds it well.
func (r *replica) markDown(rs *replicaSet, err error) {
	r.mu.Lock()
	prev := r.state
	if !prev.Up {
		r.mu.Unlock()
		return
	}
	r.state.Up = false
	r.state.Answers = false
	r.state.Problem = "unreachable (a read failed)"
	next := r.state
	r.mu.Unlock()
	rs.tell(prev, next, err)
}

func (rs *replicaSet) close() error {
	var err error
	for _, r := range rs.list {
		err = errors.Join(err, r.view.closePools())
	}
	return err
}

// readOnPrimary reports whether a read of a replica's view that failed with err runs
// again on the primary: the replica's connection failed (the replica is then marked
// down), or the replica cancelled the read for a conflict with its recovery.
func (s *Store) readOnPrimary(ctx context.Context, err error) bool {
	if s.fallback == nil || err == nil || ctx.Err() != nil {
		return false
	}
	if isConnectionError(err) {
		s.replica.markDown(s.fallback.replicas, err)
		s.fallback.replicaFallbacks.Add(1)
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "57P04") {
		s.fallback.replicaFallbacks.Add(1)
		return true
	}
	return false
}

// ReplicaFallbacks counts the reads of a replica that failed and ran on the primary.
func (s *Store) ReplicaFallbacks() int64 { return s.replicaFallbacks.Load() }
