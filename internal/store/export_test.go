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

// InsertCasesAloneTogether writes cases as one batch of InsertCaseAlone's writer, as if
// their callers had come at the same moment, and returns each one's outcome.
func (s *Store) InsertCasesAloneTogether(ctx context.Context, cases []*model.Case, evs [][]*model.CaseEvent) []error {
	items := make([]*aloneCase, len(cases))
	for i, c := range cases {
		items[i] = newAloneCase(ctx, c, evs[i], nil)
	}
	s.writeAloneBatch(items)
	errs := make([]error, len(items))
	for i, it := range items {
		errs[i] = <-it.done
	}
	return errs
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
