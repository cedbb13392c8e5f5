package store

import "context"

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
