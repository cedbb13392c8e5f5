package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// When the database drops its connections (a restart, a failover, an operator's
// pg_terminate_backend), the pool still holds them, and the next statement on each
// fails. A read, and a transaction that failed before its COMMIT was sent, changed
// nothing, so the store runs them once more on a connection it has just checked
// (freshConn) rather than handing the user a 500. A COMMIT that failed is not
// retried: whether it took effect is unknown.

// isConnectionError reports whether err says the connection failed, not the
// statement: a broken or closed socket, or the server ending the session (SQLSTATE
// class 08, or 57P01–57P03: administrator command, crash, not yet accepting).
func isConnectionError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	if serverEndedSession(err) || pgconn.SafeToRetry(err) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	return strings.Contains(err.Error(), "conn closed")
}

// serverEndedSession reports whether the server answered the statement by ending
// the session: the statement was refused or aborted, so it did not commit.
func serverEndedSession(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
}

// retryable reports whether a statement that failed with err is worth one more try
// on a fresh connection: the connection failed and the caller still waits.
func (s *Store) retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || !isConnectionError(err) {
		return false
	}
	s.retries.Add(1)
	return true
}

// Retries counts the statements and transactions retried on a fresh connection
// since the store was opened (the metrics show it).
func (s *Store) Retries() int64 { return s.retries.Load() }

// freshConn takes a connection of db that answers a ping: connections the database
// dropped are discarded on the way (a failed ping closes its connection), up to the
// pool's size, after which a new one is dialled.
func freshConn(ctx context.Context, db *sql.DB) (*sql.Conn, error) {
	tries := db.Stats().MaxOpenConnections + 1
	var last error
	for range tries {
		c, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		if last = c.PingContext(ctx); last == nil {
			return c, nil
		}
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return nil, last
}

// queryFresh runs a read once more, on a fresh connection of db. The connection goes
// back to the pool when the caller closes the rows.
func (s *Store) queryFresh(ctx context.Context, db *sql.DB, query string, args []any) (*sql.Rows, error) {
	c, err := freshConn(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		c.Close()
		return nil, err
	}
	// Conn.Close waits until the rows are closed, then returns the connection.
	go c.Close()
	return rows, nil
}

// retryRow is the single-row read of Store.queryRow: Scan reads it, and reads it once
// more on a fresh connection when the first connection failed.
type retryRow struct {
	s     *Store
	db    *sql.DB // nil: the readers, through their statement cache
	ctx   context.Context
	query string
	args  []any
}

// queryRowOn is queryRow on the pool db (a read that must see the writer's state).
func (s *Store) queryRowOn(ctx context.Context, db *sql.DB, query string, args ...any) *retryRow {
	return &retryRow{s: s, db: db, ctx: ctx, query: query, args: args}
}

func (r *retryRow) Scan(dest ...any) error {
	s, db := r.s, r.db
	var err error
	if db != nil {
		err = db.QueryRowContext(r.ctx, s.q(r.query), r.args...).Scan(dest...)
	} else if st := s.rstmts.get(r.ctx, r.query, false); st != nil {
		err = st.QueryRowContext(r.ctx, r.args...).Scan(dest...)
	} else {
		err = s.r.QueryRowContext(r.ctx, s.q(r.query), r.args...).Scan(dest...)
	}
	if db == nil {
		db = s.r
	}
	if err != nil && s.readOnPrimary(r.ctx, err) {
		return s.fallback.queryRowOn(r.ctx, nil, r.query, r.args...).Scan(dest...)
	}
	if err == nil || !s.retryable(r.ctx, err) {
		return err
	}
	c, cerr := freshConn(r.ctx, db)
	if cerr != nil {
		return cerr
	}
	defer c.Close()
	return c.QueryRowContext(r.ctx, s.q(r.query), r.args...).Scan(dest...)
}

// retryableWrite reports whether a statement that commits on its own, and failed
// with err, certainly did not take effect, and is worth one more try: it was never
// sent, or the server ended the session instead of completing it (a terminated
// backend rolls its statement back; a statement the server committed is answered
// before the session ends). A socket that broke while the statement ran leaves its
// fate unknown: that is not retried.
func (s *Store) retryableWrite(ctx context.Context, err error) bool {
	if ctx.Err() != nil || err == nil {
		return false
	}
	if !errors.Is(err, driver.ErrBadConn) && !serverEndedSession(err) && !pgconn.SafeToRetry(err) {
		return false
	}
	s.retries.Add(1)
	return true
}

// execFresh runs a write statement once more on a fresh connection of db.
func (s *Store) execFresh(ctx context.Context, db *sql.DB, query string, args []any) (sql.Result, error) {
	c, err := freshConn(ctx, db)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ExecContext(ctx, s.q(query), args...)
}

// retryingReaders is the readers' pool as a queryer whose reads run once more on a
// fresh connection when theirs failed: for the helpers that read either in a
// transaction or outside one.
type retryingReaders struct{ s *Store }

func (r retryingReaders) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := r.s.r.QueryContext(ctx, query, args...)
	if err != nil && r.s.readOnPrimary(ctx, err) {
		return retryingReaders{r.s.fallback}.QueryContext(ctx, query, args...)
	}
	if err != nil && r.s.retryable(ctx, err) {
		return r.s.queryFresh(ctx, r.s.r, query, args)
	}
	return rows, err
}

func (r retryingReaders) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return nil, errors.New("store: a write on the readers' pool")
}

func (r retryingReaders) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.s.r.QueryRowContext(ctx, query, args...)
}

// ErrCommitUnknown says a write's connection failed after its COMMIT (or its
// self-committing statement) was sent: the database may have applied it or not, and
// only a look can tell. The store never runs such a write again (it could register a
// case twice); the API answers 503 commit_unknown without Retry-After, telling the
// client to check before it sends the write again.
var ErrCommitUnknown = errors.New("store: the connection failed during commit; whether the write took effect is unknown")

// commitUnknown is err, from a write whose COMMIT was sent, marked ErrCommitUnknown
// when the connection failed: any other failure at commit (a serialisation failure,
// a deferred constraint, a full disk) is the database's answer that it rolled back.
func commitUnknown(err error) error {
	if err == nil || !isConnectionError(err) || errors.Is(err, ErrCommitUnknown) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrCommitUnknown, err)
}

// IsConnectionError reports whether err says the database connection failed rather
// than the statement: after the store's retry, the request is answered 503 (the
// database is unavailable), not 500.
func IsConnectionError(err error) bool { return isConnectionError(err) }
