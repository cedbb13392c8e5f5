package store

import (
	"context"
	"database/sql"
	"time"
)

// OpsFigures are what an operator watches of the store (the /metrics page): the work
// open and overdue, the notices waiting or failed, the audit entries waiting to be
// sealed, and each background job's last run.
type OpsFigures struct {
	OpenCases, OverdueCases     int64
	OutboxPending, OutboxFailed int64
	AuditPending                int64
	Jobs                        []JobRun // the last run of every job, by name
}

// OpsFigures reads the figures as of now.
func (s *Store) OpsFigures(ctx context.Context, now time.Time) (OpsFigures, error) {
	var f OpsFigures
	err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0)
		FROM cases WHERE state IN `+openStates, now.UTC()).Scan(&f.OpenCases, &f.OverdueCases)
	if err != nil {
		return f, err
	}
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL").Scan(&f.OutboxPending); err != nil {
		return f, err
	}
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NOT NULL").Scan(&f.OutboxFailed); err != nil {
		return f, err
	}
	if s.dialect == Postgres {
		// SQLite seals each entry in its own transaction: nothing waits.
		if err := s.queryRow(ctx, "SELECT COUNT(*) FROM audit_pending").Scan(&f.AuditPending); err != nil {
			return f, err
		}
	}
	rows, err := s.query(ctx, `SELECT id, name, holder, started_at, finished_at, items, error FROM job_runs
		WHERE id IN (SELECT MAX(id) FROM job_runs GROUP BY name) ORDER BY name`)
	f.Jobs, err = scanAll(rows, err, scanJobRun)
	return f, err
}

func scanJobRun(r *sql.Rows) (JobRun, error) {
	var j JobRun
	var fin sql.NullTime
	err := r.Scan(&j.ID, &j.Name, &j.Holder, &j.StartedAt, &fin, &j.Items, &j.Error)
	j.FinishedAt = timePtr(fin)
	return j, err
}

// PruneJobRuns deletes the record of job runs started before before, and returns how
// many: the record is for watching the jobs, and grew by a row a job a minute.
func (s *Store) PruneJobRuns(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, NotAudited("housekeeping of the job runs' record"), "DELETE FROM job_runs WHERE started_at < ?", before.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Lease is who holds a job's lease, and until when.
type Lease struct {
	Holder string
	Until  time.Time
}

// JobLease reads the lease of job name; the zero Lease when nobody took it yet.
func (s *Store) JobLease(ctx context.Context, name string) (Lease, error) {
	var l Lease
	err := s.queryRowOn(ctx, s.w, "SELECT holder, until FROM job_leases WHERE name = ?", name).Scan(&l.Holder, &l.Until)
	if err == sql.ErrNoRows {
		return Lease{}, nil
	}
	return l, err
}

// AuditPending counts the audit entries written but not yet sealed into the chain
// (PostgreSQL; none on SQLite).
func (s *Store) AuditPending(ctx context.Context) (int64, error) {
	if s.dialect != Postgres {
		return 0, nil
	}
	var n int64
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM audit_pending").Scan(&n)
	return n, err
}
