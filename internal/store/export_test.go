package store

import (
	"context"
	"time"

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
		c.Version = 1
		items[i] = &aloneCase{c: c, evs: evs[i], args: caseInsertArgs(c), pending: pendingFrom(ctx), actor: ActorFrom(ctx),
			at: now().Truncate(time.Microsecond), done: make(chan error, 1)}
	}
	s.writeAloneBatch(items)
	errs := make([]error, len(items))
	for i, it := range items {
		errs[i] = <-it.done
	}
	return errs
}
