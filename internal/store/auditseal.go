package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// On PostgreSQL a write transaction does not chain its audit entry itself: chaining
// means reading and rewriting audit_head, whose row lock then orders every writer
// behind the commit of the one before (intake far below the disk's
// one-row-per-transaction rate, the ratio `onedoor bench -what intake` notes, and every
// other write waiting in the same line). The
// transaction adds its entry to audit_pending instead, so the entry is durable exactly
// when the change is, and the sealer chains committed entries into audit_log a batch
// at a time. Whatever reads audit_log seals first (settleAudit), so nobody sees the
// log without an entry whose change they can see. SQLite has one writer: there the
// chain is extended in the writing transaction (appendAudit).

// sealBatch bounds the entries one sealing transaction moves.
const sealBatch = 1000

// vacuumPendingEvery is how many sealed entries leave audit_pending for VACUUM to
// clear. Every entry is a row inserted and deleted, and autovacuum may be off or slow
// to come: without it the table's dead rows pile up and every look into it, the
// settling query of each audit read among them, reads past all of them.
const vacuumPendingEvery = 50000

// sealTakeSQL takes the oldest entries waiting, at most sealBatch. The batch's size
// is written into the text: a statement without parameters keeps one plan, where one
// with the size as a parameter was planned anew at every call.
var sealTakeSQL = fmt.Sprintf(`DELETE FROM audit_pending WHERE seq IN (SELECT seq FROM audit_pending ORDER BY seq LIMIT %d)
		RETURNING seq, at, COALESCE(actor_id, 0), actor, client_ip, action, object, summary`, sealBatch)

// sealTimeout bounds one sealing pass of the sealer and of Close.
const sealTimeout = 30 * time.Second

// appendPending writes an entry to audit_pending inside tx (PostgreSQL).
func (tx *Tx) appendPending(ctx context.Context, row AuditRow) error {
	if _, err := tx.exec(ctx, `INSERT INTO audit_pending (at, actor_id, actor, client_ip, action, object, summary)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, row.At, nullInt64(row.ActorID), row.Actor, row.ClientIP,
		row.Action, row.Object, row.Summary); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	tx.wrotePending = true
	return nil
}

// StartAuditSealer runs PostgreSQL's audit sealer until Close: it seals whenever a
// transaction of this process has written an entry, and every second for entries
// another process left (one that crashed between its commit and its seal). A server
// starts it once the store holds its audit keys (audit.UseKeys); a process that never
// does (a command, most tests) leaves its entries waiting for whatever reads the log
// next, which seals first, and seals them itself at Close. On SQLite, whose writes
// chain their own entries, it does nothing.
func (s *Store) StartAuditSealer() {
	if s.dialect == Postgres {
		s.sealStart.Do(s.runSealer)
	}
}

// sealSignal is the channel that wakes the sealer, made on first use.
func (s *Store) sealSignal() chan struct{} {
	s.sealWakeOnce.Do(func() { s.sealWake = make(chan struct{}, 1) })
	return s.sealWake
}

func (s *Store) runSealer() {
	wake := s.sealSignal()
	s.sealStop = make(chan struct{})
	s.sealDone = make(chan struct{})
	go func() {
		defer close(s.sealDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			seal := s.SealAudit
			select {
			case <-s.sealStop:
				return
			case <-wake:
			case <-tick.C:
				// Most ticks find nothing: look before taking the head's lock.
				seal = func(ctx context.Context) (int, error) { return 0, s.settleAudit(ctx) }
			}
			// Bounded, so that a lock another process holds on audit_head cannot stop
			// this one's sealer, its Close and its audit readers for good.
			ctx, cancel := context.WithTimeout(context.Background(), sealTimeout)
			if _, err := seal(ctx); err != nil {
				if isConnectionError(err) {
					// The next tick seals them, on a connection that answers.
					slog.Warn("audit: sealing pending entries: the database dropped the connection; trying again", "err", err)
				} else {
					slog.Error("audit: sealing pending entries", "err", err)
				}
			}
			cancel()
			// The writes of the pause are sealed together after it: a seal is a
			// transaction of six statements and a commit, and sealing after every
			// group commit made seals a good part of intake's round trips
			// (`onedoor bench -what intake`). Nothing waits for it meanwhile, since
			// whatever reads the log seals first.
			select {
			case <-s.sealStop:
				return
			case <-time.After(sealPause):
			}
		}
	}()
}

// sealPause is how long the sealer rests after a seal.
const sealPause = 100 * time.Millisecond

// wakeSealer tells the sealer that entries are waiting; it never blocks, and with no
// sealer running the entries wait for Close or the next reader of the log.
func (s *Store) wakeSealer() {
	s.pendingWritten.Store(true)
	select {
	case s.sealSignal() <- struct{}{}:
	default:
	}
}

// stopSealer ends the sealer, if it runs, and seals what is left: what this process
// wrote, or what it saw others leave while its sealer ran. For Close.
func (s *Store) stopSealer() error {
	var err error
	s.sealStart.Do(func() {}) // a sealer not started by now never starts
	s.sealClose.Do(func() {
		ran := s.sealStop != nil
		if ran {
			close(s.sealStop)
			<-s.sealDone
		}
		if !ran && !s.pendingWritten.Load() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), sealTimeout)
		defer cancel()
		_, err = s.SealAudit(ctx)
	})
	return err
}

// settleAudit seals the waiting entries before audit_log is read; one cheap query
// when there are none.
func (s *Store) settleAudit(ctx context.Context) error {
	if s.dialect != Postgres || s.readOnly {
		// A store opened read-only (audit-verify, restore-check) reads the chain as it
		// stands; the entries waiting are counted apart (AuditPending).
		return nil
	}
	// Through the primary key: a look at the heap (EXISTS) read every dead row the
	// sealer's deletes left since the last VACUUM, and slowed with their number.
	var first int64
	switch err := s.w.QueryRowContext(ctx, "SELECT seq FROM audit_pending ORDER BY seq LIMIT 1").Scan(&first); {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("audit pending: %w", err)
	}
	_, err := s.SealAudit(ctx)
	return err
}

// SealAudit chains every committed entry of audit_pending into audit_log and returns
// how many it moved. Each batch is one transaction that holds audit_head's row lock,
// so sealers of several processes take turns, and deletes exactly the entries it
// chains: an entry is in audit_pending or in the chain, never in both or neither.
func (s *Store) SealAudit(ctx context.Context) (int, error) {
	if s.dialect != Postgres {
		return 0, nil
	}
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	total := 0
	var err error
	for {
		var n int
		n, err = s.sealOnce(ctx)
		total += n
		if err != nil || n < sealBatch {
			break
		}
	}
	every := s.vacuumEvery
	if every == 0 {
		every = vacuumPendingEvery
	}
	if s.sealedSinceVacuum += total; s.sealedSinceVacuum >= every {
		// Outside any transaction, as VACUUM must be; a failure only waits for the next turn.
		if _, err := s.w.ExecContext(ctx, "VACUUM audit_pending"); err != nil {
			slog.Warn("audit: vacuum audit_pending", "err", err)
		} else {
			s.sealedSinceVacuum = 0
		}
	}
	return total, err
}

func (s *Store) sealOnce(ctx context.Context) (int, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var headID int64
	var headHash, headKey string
	if err := tx.QueryRowContext(ctx, "SELECT last_id, last_hash, key_id FROM audit_head WHERE id = 1 FOR UPDATE").Scan(&headID, &headHash, &headKey); err != nil {
		return 0, fmt.Errorf("audit head: %w", err)
	}
	rows, err := tx.QueryContext(ctx, sealTakeSQL)
	if err != nil {
		return 0, fmt.Errorf("audit pending: %w", err)
	}
	type entry struct {
		seq int64
		row AuditRow
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.seq, &e.row.At, &e.row.ActorID, &e.row.Actor, &e.row.ClientIP, &e.row.Action, &e.row.Object, &e.row.Summary); err != nil {
			rows.Close()
			return 0, err
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(entries) == 0 {
		return 0, nil
	}
	// RETURNING keeps no order; the chain takes the entries in the order they were written.
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	n := len(entries)
	ids, ats, actorIDs := make([]int64, n), make([]time.Time, n), make([]int64, n)
	actors, ips, actions, objects, summaries := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	prevs, hashes, keys := make([]string, n), make([]string, n), make([]string, n)
	for i := range entries {
		r := &entries[i].row
		r.At = r.At.UTC()
		r.ID, r.PrevHash = headID+1, headHash
		if err := s.seal(r, headKey); err != nil {
			return 0, err
		}
		headID, headHash = r.ID, r.Hash
		ids[i], ats[i], actorIDs[i] = r.ID, r.At, r.ActorID
		actors[i], ips[i], actions[i], objects[i], summaries[i] = r.Actor, r.ClientIP, r.Action, r.Object, r.Summary
		prevs[i], hashes[i], keys[i] = r.PrevHash, r.Hash, r.KeyID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor, client_ip, action, object, summary, prev_hash, hash, key_id)
		SELECT id, at, NULLIF(actor_id, 0), actor, client_ip, action, object, summary, prev_hash, hash, key_id
		FROM unnest($1::bigint[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
			AS u(id, at, actor_id, actor, client_ip, action, object, summary, prev_hash, hash, key_id)`,
		ids, ats, actorIDs, actors, ips, actions, objects, summaries, prevs, hashes, keys); err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1", headID, headHash); err != nil {
		return 0, fmt.Errorf("audit head: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return n, nil
}
