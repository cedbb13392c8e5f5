package store

import (
	"context"
	"database/sql"
	"time"
)

// AcquireLease takes or renews the lease on a job for holder until until. It succeeds
// when nobody holds it, the holder is the same, or the previous lease ran out — so on
// several nodes sharing one database exactly one runs each job at a time.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, at, until time.Time) (bool, error) {
	res, err := s.exec(ctx, NotAudited("a job's lease"), `INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE job_leases.until < ? OR job_leases.holder = excluded.holder`, name, holder, until.UTC(), at.UTC())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease gives a lease up early (on shutdown), if holder still holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.exec(ctx, NotAudited("a job's lease"), "DELETE FROM job_leases WHERE name = ? AND holder = ?", name, holder)
	return err
}

// JobRun is one run of a background job, as recorded.
type JobRun struct {
	ID         int64
	Name       string
	Holder     string
	StartedAt  time.Time
	FinishedAt *time.Time
	Items      int
	Error      string
}

// RecordJobRun stores a finished run.
func (s *Store) RecordJobRun(ctx context.Context, r JobRun) error {
	_, err := s.exec(ctx, NotAudited("a job's run"), `INSERT INTO job_runs (name, holder, started_at, finished_at, items, error) VALUES (?, ?, ?, ?, ?, ?)`,
		r.Name, r.Holder, r.StartedAt.UTC(), nullTime(r.FinishedAt), r.Items, r.Error)
	return err
}

// JobRuns lists the runs of a job, oldest first.
func (s *Store) JobRuns(ctx context.Context, name string) ([]JobRun, error) {
	rows, err := s.query(ctx, "SELECT id, name, holder, started_at, finished_at, items, error FROM job_runs WHERE name = ? ORDER BY id", name)
	return scanAll(rows, err, func(r *sql.Rows) (JobRun, error) {
		var j JobRun
		var fin sql.NullTime
		err := r.Scan(&j.ID, &j.Name, &j.Holder, &j.StartedAt, &fin, &j.Items, &j.Error)
		j.FinishedAt = timePtr(fin)
		return j, err
	})
}
