package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rate limits and the keys the nodes share live in the database, not in a process:
// nodes behind one proxy count one limit, and a restart forgets nothing (issue 20,
// item 10). A limit's counts are kept per subject (an address, a tracking code, an
// API token) as the times of its recent events, in one row of rate_limits.

// RateLimit allows Max events of one subject within any Window: a sliding-window log,
// so "5 per 10 minutes" means exactly that at every instant. Name keeps its counts
// apart from other limits'; limits given one name share their counts.
type RateLimit struct {
	Name   string
	Max    int
	Window time.Duration
}

// pruneBatch bounds the spent rows one write removes. A write that starts a subject's
// count removes up to this many, so spent rows are gone about as fast as new ones
// come, and the table holds little more than the subjects counted within a window.
const pruneBatch = 100

// RateAllow records an event of subject at now and reports true when subject is
// within l; when it is not, nothing is recorded and retry says how long until the
// next event may be.
func (s *Store) RateAllow(ctx context.Context, l RateLimit, subject string, now time.Time) (ok bool, retry time.Duration, err error) {
	// A subject over its limit is refused on a read: a flood of refused requests
	// writes nothing. Concurrent events only add to a count, so the refusal stands.
	n, retry, err := s.RateCount(ctx, l, subject, now)
	if err != nil || n >= l.Max {
		return false, retry, err
	}
	err = s.rateWrite(ctx, l, subject, now, func(live []int64) ([]int64, bool) {
		if len(live) >= l.Max {
			retry = retryAfter(l, live, now)
			return live, false
		}
		ok = true
		return append(live, now.UnixMilli()), true
	})
	if err != nil {
		return false, 0, err
	}
	return ok, retry, nil
}

// RateRecord counts an event of subject at now whatever its count; past Max the
// oldest is forgotten, so a subject never holds more than Max.
func (s *Store) RateRecord(ctx context.Context, l RateLimit, subject string, now time.Time) error {
	return s.rateWrite(ctx, l, subject, now, func(live []int64) ([]int64, bool) {
		if len(live) >= l.Max && len(live) > 0 {
			live = live[1:]
		}
		return append(live, now.UnixMilli()), true
	})
}

// RateCount is how many events of subject lie inside l's window at now and, when
// there are some, how long until the oldest leaves it (at Max, when the next event
// may be).
func (s *Store) RateCount(ctx context.Context, l RateLimit, subject string, now time.Time) (int, time.Duration, error) {
	var events string
	err := s.queryRow(ctx, "SELECT events FROM rate_limits WHERE limit_name = ? AND subject = ?", l.Name, subject).Scan(&events)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("rate limit %s: %w", l.Name, err)
	}
	live := liveEvents(l, events, now)
	return len(live), retryAfter(l, live, now), nil
}

// rateWrite changes subject's live events under its row's lock: the row is inserted or
// locked by one statement that returns its events, so two nodes counting one subject
// take turns. change says the new events and whether to write them.
func (s *Store) rateWrite(ctx context.Context, l RateLimit, subject string, now time.Time, change func(live []int64) ([]int64, bool)) error {
	started := false
	err := s.InTx(ctx, NotAudited("a rate limit's count"), func(tx *Tx) error {
		var events string
		if err := tx.queryRow(ctx, `INSERT INTO rate_limits (limit_name, subject, events, expires_ms) VALUES (?, ?, '', 0)
			ON CONFLICT (limit_name, subject) DO UPDATE SET events = rate_limits.events
			RETURNING events`, l.Name, subject).Scan(&events); err != nil {
			return err
		}
		live := liveEvents(l, events, now)
		next, write := change(live)
		if !write {
			return nil
		}
		started = len(live) == 0
		slices.Sort(next) // clocks of nodes may differ a little: oldest stays first
		_, err := tx.exec(ctx, "UPDATE rate_limits SET events = ?, expires_ms = ? WHERE limit_name = ? AND subject = ?",
			formatEvents(next), next[len(next)-1]+l.Window.Milliseconds(), l.Name, subject)
		return err
	})
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", l.Name, err)
	}
	if started {
		return s.pruneRateLimits(ctx, now)
	}
	return nil
}

// pruneRateLimits removes up to pruneBatch rows whose events have all left their
// window: they count nothing, so removing them changes no count. On PostgreSQL a row
// another node holds is left for a later prune rather than waited for.
func (s *Store) pruneRateLimits(ctx context.Context, now time.Time) error {
	query := `DELETE FROM rate_limits WHERE (limit_name, subject) IN
		(SELECT limit_name, subject FROM rate_limits WHERE expires_ms <= ? LIMIT ` + strconv.Itoa(pruneBatch) + `)`
	if s.dialect == Postgres {
		query = `DELETE FROM rate_limits WHERE (limit_name, subject) IN
		(SELECT limit_name, subject FROM rate_limits WHERE expires_ms <= ? LIMIT ` + strconv.Itoa(pruneBatch) + ` FOR UPDATE SKIP LOCKED)`
	}
	if _, err := s.exec(ctx, NotAudited("a rate limit's spent rows"), query, now.UnixMilli()); err != nil {
		return fmt.Errorf("prune rate limits: %w", err)
	}
	return nil
}

// liveEvents reads a row's events and keeps those inside l's window at now, oldest
// first.
func liveEvents(l RateLimit, events string, now time.Time) []int64 {
	cut := now.UnixMilli() - l.Window.Milliseconds()
	var live []int64
	for f := range strings.SplitSeq(events, ",") {
		if t, err := strconv.ParseInt(f, 10, 64); err == nil && t > cut {
			live = append(live, t)
		}
	}
	slices.Sort(live)
	return live
}

// retryAfter is how long until the oldest of live leaves l's window at now; never
// more than the window, whatever another node's clock wrote.
func retryAfter(l RateLimit, live []int64, now time.Time) time.Duration {
	if len(live) == 0 {
		return 0
	}
	d := time.Duration(live[0]+l.Window.Milliseconds()-now.UnixMilli()) * time.Millisecond
	return min(max(d, 0), l.Window)
}

func formatEvents(events []int64) string {
	b := make([]byte, 0, len(events)*14)
	for i, t := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, t, 10)
	}
	return string(b)
}

// SharedKeySize is the length of a key SharedKey makes.
const SharedKeySize = 32

// SharedKey is the secret called name, the same on every node of this database: the
// first caller makes it (random bytes) and it is kept, across restarts, for good.
func (s *Store) SharedKey(ctx context.Context, name string) ([]byte, error) {
	if k, ok := s.sharedKeys.Load(name); ok {
		return k.([]byte), nil // a key never changes once made
	}
	fresh := make([]byte, SharedKeySize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := s.exec(ctx, NotAudited("a key made once"), "INSERT INTO shared_keys (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
		name, fresh, now()); err != nil {
		return nil, fmt.Errorf("shared key %s: %w", name, err)
	}
	var key []byte
	if err := s.queryRow(ctx, "SELECT secret FROM shared_keys WHERE name = ?", name).Scan(&key); err != nil {
		return nil, fmt.Errorf("shared key %s: %w", name, err)
	}
	if len(key) != SharedKeySize {
		return nil, fmt.Errorf("shared key %s: %d bytes stored, want %d", name, len(key), SharedKeySize)
	}
	k, _ := s.sharedKeys.LoadOrStore(name, key)
	return k.([]byte), nil
}
