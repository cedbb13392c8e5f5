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

// SaveDeadlineRule inserts a rule (ID 0) or updates one.
func (s *Store) SaveDeadlineRule(ctx context.Context, e AuditEntry, r *DeadlineRuleRow) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		if r.ID == 0 {
			return tx.queryRow(ctx, `INSERT INTO deadline_rules (kind, category_code, urgency, stage, days, workdays, basis)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Kind, r.CategoryCode, r.Urgency, r.Stage, r.Days, r.Workdays, r.Basis).Scan(&r.ID)
		}
		res, err := tx.exec(ctx, `UPDATE deadline_rules SET kind = ?, category_code = ?, urgency = ?, stage = ?, days = ?, workdays = ?, basis = ?
			WHERE id = ?`, r.Kind, r.CategoryCode, r.Urgency, r.Stage, r.Days, r.Workdays, r.Basis, r.ID)
		return affectedOne(res, err, "")
	})
}

// DeleteDeadlineRule removes a rule: rules are settings, not records anything refers to.
func (s *Store) DeleteDeadlineRule(ctx context.Context, e AuditEntry, id int64) error {
	res, err := s.exec(ctx, e, "DELETE FROM deadline_rules WHERE id = ?", id)
	return affectedOne(res, err, "")
}

// SetCalendarDay records that day is a holiday or a make-up working day.
func (s *Store) SetCalendarDay(ctx context.Context, e AuditEntry, d CalendarDay) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM calendar_days WHERE day = ?", d.Day); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "INSERT INTO calendar_days (day, kind, name) VALUES (?, ?, ?)", d.Day, d.Kind, d.Name)
		return err
	})
}

// DeleteCalendarDay makes day an ordinary day of its weekday again.
func (s *Store) DeleteCalendarDay(ctx context.Context, e AuditEntry, day string) error {
	res, err := s.exec(ctx, e, "DELETE FROM calendar_days WHERE day = ?", day)
	return affectedOne(res, err, "")
}
