package store

import (
	"context"
	"fmt"
	"time"
)

// The group commit is how SQLite registers new cases (RegisterCase): the callers
// that arrive while a commit is in flight are batched into the next transaction, each
// in a savepoint of its own, so one fsync makes the whole batch durable. SQLite has one
// writer anyway; what it costs is the fsync a commit, and this spreads it over a burst.
// PostgreSQL's counterpart is the shared insert (sharedinsert.go).

// maxBatch bounds how many callers share one transaction: enough to spread one fsync
// over a burst, few enough that the first caller's wait stays short.
const maxBatch = 64

// batchItem is one caller's work waiting for the group committer.
type batchItem struct {
	ctx   context.Context
	audit AuditEntry
	fn    func(*Tx) error
	done  chan error
}

// groupCommit runs fn in a write transaction it shares with the other callers at the
// same moment, in a savepoint of its own, and writes the audit entry e in that
// savepoint. A failing fn is rolled back to its savepoint and gets its error; the
// others go on. groupCommit returns only after the commit, so an acknowledged write
// is on disk, exactly as with InTx. fn must not call InTx or groupCommit itself.
// SQLite's only: on PostgreSQL, whose connections write in parallel and whose server
// already flushes concurrent commits together, one committer would serialise every
// caller's statements (slower, by `onedoor bench -what intake`).
func (s *Store) groupCommit(ctx context.Context, e AuditEntry, fn func(*Tx) error) error {
	if err := e.check(); err != nil {
		return err
	}
	s.batchOnce.Do(func() {
		s.batches = make(chan *batchItem, maxBatch)
		go s.groupCommitter()
	})
	it := &batchItem{ctx: ctx, audit: e, fn: fn, done: make(chan error, 1)}
	return submit(ctx, s.batches, it, it.done)
}

// submit queues it for a committer and waits for its outcome on done. Once queued, the
// caller waits even if ctx ends: the write may already be in a transaction that
// commits, and a caller told of a failure then would write it again.
func submit[T any](ctx context.Context, queue chan<- T, it T, done <-chan error) error {
	select {
	case queue <- it:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-done
}

// gather is first and the items waiting on queue behind it, up to max in all: what
// one commit takes.
func gather[T any](queue <-chan T, first T, max int) []T {
	items := []T{first}
	for len(items) < max {
		select {
		case it := <-queue:
			items = append(items, it)
		default:
			return items
		}
	}
	return items
}

// groupCommitter takes the callers waiting, runs them in one transaction and commits.
func (s *Store) groupCommitter() {
	for first := range s.batches {
		s.commitBatch(gather(s.batches, first, maxBatch))
	}
}

func (s *Store) commitBatch(items []*batchItem) {
	fail := func(list []*batchItem, err error) {
		for _, it := range list {
			it.done <- err
		}
	}
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		fail(items, fmt.Errorf("begin: %w", err))
		return
	}
	t := &Tx{s: s, tx: tx, batched: true}
	var ok []*batchItem
	for i, it := range items {
		if err := it.ctx.Err(); err != nil {
			it.done <- err
			continue
		}
		sp := fmt.Sprintf("batch_%d", i)
		if _, err := t.exec(it.ctx, "SAVEPOINT "+sp); err != nil {
			_ = tx.Rollback()
			fail(ok, fmt.Errorf("savepoint: %w", err))
			fail(items[i:], fmt.Errorf("savepoint: %w", err))
			return
		}
		head := t.head
		rolled := t.rollupMark()
		t.audit = it.audit
		err := it.fn(t)
		if err == nil && t.audit.recorded() {
			err = t.appendAudit(it.ctx, ActorFrom(it.ctx), t.audit)
		}
		if err != nil {
			// Undo this caller's part only; the transaction goes on for the others.
			if _, rerr := t.exec(context.Background(), "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
				_ = tx.Rollback()
				fail(ok, fmt.Errorf("rollback to savepoint: %w", rerr))
				it.done <- err
				fail(items[i+1:], fmt.Errorf("rollback to savepoint: %w", rerr))
				return
			}
			t.head = head // the savepoint took this caller's audit entry back
			t.rollupUndo(rolled)
			it.done <- err
		} else {
			ok = append(ok, it)
		}
		if _, err := t.exec(context.Background(), "RELEASE SAVEPOINT "+sp); err != nil {
			_ = tx.Rollback()
			fail(ok, fmt.Errorf("release savepoint: %w", err))
			fail(items[i+1:], fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	// The batch's cases go into the rollups in one statement, not one a caller.
	if err := t.flushRollups(context.Background()); err != nil {
		_ = tx.Rollback()
		fail(ok, err)
		return
	}
	if err := t.flushAuditHead(context.Background()); err != nil {
		_ = tx.Rollback()
		fail(ok, fmt.Errorf("audit head: %w", err))
		return
	}
	if err := tx.Commit(); err != nil {
		fail(ok, commitUnknown(fmt.Errorf("commit: %w", err)))
		return
	}
	if t.identity {
		s.identityChanged()
	}
	fail(ok, nil)
	s.wstmts.prepareWanted(context.Background())
}

// MeasureRawCommits is the disk's own limit for the benchmarks (DESIGN.md §9): n
// one-row transactions into a scratch table of the same database, through the same
// connection and durability as every write (on SQLite WAL and synchronous=FULL),
// returned as commits a second. The table is dropped afterwards.
func (s *Store) MeasureRawCommits(ctx context.Context, n int) (float64, error) {
	const table = "bench_raw_commits"
	if _, err := s.w.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
		return 0, err
	}
	if _, err := s.w.ExecContext(ctx, "CREATE TABLE "+table+" (id BIGINT PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		return 0, err
	}
	defer s.w.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+table)
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := s.w.ExecContext(ctx, s.q("INSERT INTO "+table+" (id, v) VALUES (?, ?)"), i+1, "一行"); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
