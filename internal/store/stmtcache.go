package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStatements bounds the cache: query texts are constants or built from a few
// shapes (an IN list of n placeholders), so a few hundred cover them; a text beyond the
// bound runs unprepared rather than growing the cache without end.
const maxCachedStatements = 512

// stmtCache keeps one prepared statement per query text for a pool. The SQLite driver
// parses a query text anew on every call unless it is prepared: at intake that parsing
// was a large part of the server's CPU (a profile of `onedoor bench -what intake`).
// database/sql prepares a cached statement on each
// connection the first time it runs there and reuses it after, in a transaction too
// (Tx.StmtContext). PostgreSQL's driver keeps its own statement cache, so the store
// uses this one on SQLite only.
type stmtCache struct {
	db    *sql.DB
	stmts sync.Map // query text -> *sql.Stmt
	size  atomic.Int64

	// mu serialises preparing, so two callers do not prepare one text twice. A
	// transaction never takes it: whoever holds it may be waiting for the connection
	// the transaction holds.
	mu     sync.Mutex
	wantMu sync.Mutex
	want   map[string]bool // texts first met inside a transaction, prepared after it (under wantMu)
	wants  atomic.Bool     // want is not empty
}

// get returns the prepared statement for query, or nil when it cannot be cached (the
// cache is full, or preparing failed: the caller then runs the text unprepared and
// meets the error there, with its own context). Inside a transaction (inTx) the text
// is not prepared at once: preparing takes a connection of the pool, and SQLite's
// writer has only the one the transaction holds. It is noted and prepared by
// prepareWanted once the transaction has ended.
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st, ok := c.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if c.size.Load() >= maxCachedStatements {
		return nil
	}
	if inTx {
		c.wantMu.Lock()
		if c.want == nil {
			c.want = map[string]bool{}
		}
		c.want[query] = true
		c.wants.Store(true)
		c.wantMu.Unlock()
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prepareLocked(ctx, query)
}

func (c *stmtCache) prepareLocked(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if c.size.Load() >= maxCachedStatements {
		return nil
	}
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.stmts.Store(query, st)
	c.size.Add(1)
	return st
}

// prepareWanted prepares the texts transactions met since the last call; it must run
// outside any transaction of the pool.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if c == nil || !c.wants.Load() {
		return
	}
	c.wantMu.Lock()
	var texts []string
	for q := range c.want {
		texts = append(texts, q)
	}
	clear(c.want)
	c.wants.Store(false)
	c.wantMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range texts {
		c.prepareLocked(ctx, q)
	}
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.stmts.Range(func(_, v any) bool {
		_ = v.(*sql.Stmt).Close()
		return true
	})
}
