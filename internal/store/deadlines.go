package store

import (
	"context"
	"database/sql"
)

// DeadlineRuleRow is one deadline rule as stored; internal/cases turns the rows into
// workflow rules (the store stays below the pure packages, not beside them).
type DeadlineRuleRow struct {
	ID           int64
	Kind         string
	CategoryCode string
	Urgency      string
	Stage        string
	Days         int
	Workdays     bool
	Basis        string
}

// DeadlineRules returns the deadline rules an admin maintains.
func (s *Store) DeadlineRules(ctx context.Context) ([]DeadlineRuleRow, error) {
	rows, err := s.query(ctx, "SELECT id, kind, category_code, urgency, stage, days, workdays, basis FROM deadline_rules ORDER BY id")
	return scanAll(rows, err, func(r *sql.Rows) (DeadlineRuleRow, error) {
		var d DeadlineRuleRow
		err := r.Scan(&d.ID, &d.Kind, &d.CategoryCode, &d.Urgency, &d.Stage, &d.Days, &d.Workdays, &d.Basis)
		return d, err
	})
}

// CalendarDay is a day that is not what its weekday says: a holiday, or a weekend
// day worked (调休).
type CalendarDay struct {
	Day  string // YYYY-MM-DD
	Kind string // holiday or workday
	Name string
}

// CalendarDays returns the stored calendar overrides, in date order.
func (s *Store) CalendarDays(ctx context.Context) ([]CalendarDay, error) {
	rows, err := s.query(ctx, "SELECT day, kind, name FROM calendar_days ORDER BY day")
	return scanAll(rows, err, func(r *sql.Rows) (CalendarDay, error) {
		var d CalendarDay
		err := r.Scan(&d.Day, &d.Kind, &d.Name)
		return d, err
	})
}
