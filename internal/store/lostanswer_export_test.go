package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
)

// LostAnswers is a fault a test arms on a store's writers: the next COMMIT, or the
// next statement outside a transaction whose text holds a given string, is carried
// out by the database, and then its connection breaks before the answer arrives. It
// is what a node sees when the network or the server fails at the worst moment.
type LostAnswers struct {
	commit    atomic.Bool
	statement atomic.Pointer[string]
	lost      atomic.Int64
}

// LoseNextCommit arms the fault for the next COMMIT.
func (l *LostAnswers) LoseNextCommit() { l.commit.Store(true) }

// LoseNextStatement arms the fault for the next statement, run outside a transaction,
// whose text holds s.
func (l *LostAnswers) LoseNextStatement(s string) { l.statement.Store(&s) }

// Lost is how many answers the fault has lost.
func (l *LostAnswers) Lost() int64 { return l.lost.Load() }

var errAnswerLost = fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF)

var (
	lostAnswerDriversMu sync.Mutex
	lostAnswerSeq       int
)

// OpenWithLostAnswers opens dsn as Open does, its writers through a driver that loses
// answers when told to.
func OpenWithLostAnswers(ctx context.Context, dsn string) (*Store, *LostAnswers, error) {
	base := "sqlite"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		base = "pgx"
	}
	db, err := sql.Open(base, "")
	if err != nil {
		return nil, nil, err
	}
	inner := db.Driver()
	db.Close()
	l := &LostAnswers{}
	lostAnswerDriversMu.Lock()
	lostAnswerSeq++
	name := fmt.Sprintf("lost-answers-%s-%d", base, lostAnswerSeq)
	sql.Register(name, lostAnswerDriver{inner: inner, l: l})
	lostAnswerDriversMu.Unlock()
	st, err := OpenWith(ctx, dsn, Options{writerDriver: name})
	return st, l, err
}

type lostAnswerDriver struct {
	inner driver.Driver
	l     *LostAnswers
}

func (d lostAnswerDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &lostAnswerConn{Conn: c, l: d.l}, nil
}

type lostAnswerConn struct {
	driver.Conn
	l      *LostAnswers
	inTx   bool
	broken bool
}

// breaks is the fault, once it has let the database carry out what was asked.
func (c *lostAnswerConn) breaks() error {
	c.broken = true
	c.l.lost.Add(1)
	return errAnswerLost
}

func (c *lostAnswerConn) losesStatement(query string) bool {
	p := c.l.statement.Load()
	if c.inTx || p == nil || !strings.Contains(query, *p) {
		return false
	}
	return c.l.statement.CompareAndSwap(p, nil)
}

func (c *lostAnswerConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.broken {
		return nil, driver.ErrBadConn
	}
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return &lostAnswerTx{Tx: tx, c: c}, nil
}

func (c *lostAnswerConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.broken {
		return nil, driver.ErrBadConn
	}
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *lostAnswerConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.broken {
		return nil, driver.ErrBadConn
	}
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := e.ExecContext(ctx, query, args)
	if err == nil && c.losesStatement(query) {
		return nil, c.breaks()
	}
	return res, err
}

func (c *lostAnswerConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.broken {
		return nil, driver.ErrBadConn
	}
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err == nil && c.losesStatement(query) {
		// The statement ran to its end (and committed) before the answer is lost.
		dest := make([]driver.Value, len(rows.Columns()))
		for rows.Next(dest) == nil {
		}
		rows.Close()
		return nil, c.breaks()
	}
	return rows, err
}

func (c *lostAnswerConn) Ping(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *lostAnswerConn) ResetSession(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *lostAnswerConn) IsValid() bool {
	if c.broken {
		return false
	}
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *lostAnswerConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type lostAnswerTx struct {
	driver.Tx
	c *lostAnswerConn
}

func (t *lostAnswerTx) Commit() error {
	t.c.inTx = false
	err := t.Tx.Commit()
	if err == nil && t.c.l.commit.CompareAndSwap(true, false) {
		return t.c.breaks()
	}
	return err
}

func (t *lostAnswerTx) Rollback() error {
	t.c.inTx = false
	return t.Tx.Rollback()
}

// CountForTest runs a SELECT count(*) … on the writer.
func (s *Store) CountForTest(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.w.QueryRowContext(ctx, s.q(query), args...).Scan(&n)
	return n, err
}

// TablesNamingCases lists the tables with a foreign key to cases, as the database
// itself says.
func (s *Store) TablesNamingCases(ctx context.Context) ([]string, error) {
	q := `SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'cases' ORDER BY m.name`
	if s.dialect == Postgres {
		q = `SELECT DISTINCT cl.relname::text FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid
			WHERE c.contype = 'f' AND c.confrelid = to_regclass('cases') ORDER BY 1`
	}
	rows, err := s.w.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
