package store

import (
	"context"

	"github.com/onedoor/onedoor/internal/model"
)

// SetVacuumPendingEvery lets a test see audit_pending vacuumed without sealing 50,000
// entries.
func (s *Store) SetVacuumPendingEvery(n int) {
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	s.vacuumEvery = n
}

// VacuumCount is how many times PostgreSQL has vacuumed table by hand.
func (s *Store) VacuumCount(ctx context.Context, table string) (int64, error) {
	var n int64
	err := s.w.QueryRowContext(ctx, "SELECT pg_stat_get_vacuum_count(to_regclass($1))", table).Scan(&n)
	return n, err
}

// ExecForTest runs a statement on the writer, as someone with the database's password could.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.w.ExecContext(ctx, s.q(query), args...)
	return err
}

// InsertSharedTogether writes cases as one shared insert, as if their callers had
// come at the same moment, and returns each one's outcome.
func (s *Store) InsertSharedTogether(ctx context.Context, e AuditEntry, cases []*model.Case, evs [][]*model.CaseEvent) []error {
	items := make([]*sharedCase, len(cases))
	for i, c := range cases {
		items[i] = newSharedCase(ctx, e, c, evs[i], nil)
	}
	s.insertShared(items)
	errs := make([]error, len(items))
	for i, it := range items {
		errs[i] = <-it.done
	}
	return errs
}

// SharedInsertFor is the shared insert NewCase.Shared is given, for e (PostgreSQL's).
func (s *Store) SharedInsertFor(e AuditEntry) SharedInsert { return SharedInsert{s: s, audit: e} }

// InGroupCommit runs fn in SQLite's group commit (groupcommit.go).
func (s *Store) InGroupCommit(ctx context.Context, e AuditEntry, fn func(*Tx) error) error {
	return s.groupCommit(ctx, e, fn)
}

// ProbePartiesTogether asks, for each of the parties' ID numbers and phones, whether a
// stored case shares one, as one look of RiskHistory's shared readers.
func (s *Store) ProbePartiesTogether(ctx context.Context, ids, phones [][]string) ([]bool, []error) {
	ps := make([]*historyProbe, len(ids))
	for i := range ids {
		ps[i] = &historyProbe{ctx: ctx, ids: nonEmpty(ids[i]), phones: nonEmpty(phones[i]), done: make(chan error, 1)}
	}
	s.probe(ps)
	related, errs := make([]bool, len(ps)), make([]error, len(ps))
	for i, p := range ps {
		errs[i], related[i] = <-p.done, p.related
	}
	return related, errs
}

// LooksPlanCacheMode is how the sessions of the shared look plan its statement.
func (s *Store) LooksPlanCacheMode(ctx context.Context) (string, error) {
	var mode string
	err := s.looks.QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&mode)
	return mode, err
}

// RateLimitRows is how many rows rate_limits holds, spent or not.
func (s *Store) RateLimitRows(ctx context.Context) (int, error) {
	var n int
	err := s.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM rate_limits").Scan(&n)
	return n, err
}

// SetRankedMatches lets a test see relevance ranked among a few newest matches, and
// restores the setting after it.
func SetRankedMatches(n int) (restore func()) {
	was := rankedMatches
	rankedMatches = n
	return func() { rankedMatches = was }
}

// SetLedgerBatch sets how many cases EachLedgerCase reads at a time, so that a test
// crosses batches with a few cases; it returns the previous size.
func SetLedgerBatch(n int) int {
	old := ledgerBatch
	ledgerBatch = n
	return old
}
