package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FollowUpPlan is a case's plan of return visits (回访计划).
type FollowUpPlan struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	EveryDays int        `json:"every_days"`
	Note      string     `json:"note,omitempty"`
	Status    string     `json:"status"` // active, ended
	CreatedBy int64      `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
}

// FollowUpVisit is one dated visit of a plan.
type FollowUpVisit struct {
	ID     int64      `json:"id"`
	PlanID int64      `json:"plan_id"`
	CaseID int64      `json:"case_id"`
	DueAt  time.Time  `json:"due_at"`
	Status string     `json:"status"` // planned, done, missed, cancelled
	DoneAt *time.Time `json:"done_at,omitempty"`
	DoneBy int64      `json:"done_by,omitempty"`

	// Of the case, for the grid worker's list.
	TrackingCode string `json:"tracking_code,omitempty"`
	Title        string `json:"title,omitempty"`
	RiskLevel    string `json:"risk_level,omitempty"`
}

// Visit statuses.
const (
	VisitPlanned   = "planned"
	VisitDone      = "done"
	VisitMissed    = "missed"
	VisitCancelled = "cancelled"
)

const planCols = "id, case_id, every_days, note, status, COALESCE(created_by, 0), created_at, ended_at"

func scanPlan(r interface{ Scan(...any) error }) (FollowUpPlan, error) {
	var p FollowUpPlan
	var ended sql.NullTime
	err := r.Scan(&p.ID, &p.CaseID, &p.EveryDays, &p.Note, &p.Status, &p.CreatedBy, &p.CreatedAt, &ended)
	p.CreatedAt, p.EndedAt = p.CreatedAt.UTC(), timePtr(ended)
	return p, err
}

const visitCols = "v.id, v.plan_id, v.case_id, v.due_at, v.status, v.done_at, COALESCE(v.done_by, 0)"

func scanVisit(r interface{ Scan(...any) error }, extra ...any) (FollowUpVisit, error) {
	var v FollowUpVisit
	var done sql.NullTime
	err := r.Scan(append([]any{&v.ID, &v.PlanID, &v.CaseID, &v.DueAt, &v.Status, &done, &v.DoneBy}, extra...)...)
	v.DueAt, v.DoneAt = v.DueAt.UTC(), timePtr(done)
	return v, err
}

// InsertPlan starts a plan with its first visit. A case with an active plan gives
// ErrConflict.
func (tx *Tx) InsertPlan(ctx context.Context, p *FollowUpPlan, first time.Time) (FollowUpVisit, error) {
	if _, err := tx.ActivePlan(ctx, p.CaseID); err == nil {
		return FollowUpVisit{}, fmt.Errorf("follow-up plan of case %d: %w", p.CaseID, ErrConflict)
	} else if !errors.Is(err, ErrNotFound) {
		return FollowUpVisit{}, err
	}
	id, err := tx.insertID(ctx, `INSERT INTO follow_up_plans (case_id, every_days, note, status, created_by, created_at)
		VALUES (?, ?, ?, 'active', ?, ?) RETURNING id`, p.CaseID, p.EveryDays, p.Note, nullInt64(p.CreatedBy), p.CreatedAt.UTC())
	if err != nil {
		return FollowUpVisit{}, err
	}
	p.ID, p.Status = id, "active"
	return tx.InsertVisit(ctx, p, first)
}

// InsertVisit sets the plan's next visit, due at due.
func (tx *Tx) InsertVisit(ctx context.Context, p *FollowUpPlan, due time.Time) (FollowUpVisit, error) {
	v := FollowUpVisit{PlanID: p.ID, CaseID: p.CaseID, DueAt: due.UTC(), Status: VisitPlanned}
	id, err := tx.insertID(ctx, `INSERT INTO follow_up_visits (plan_id, case_id, due_at, status) VALUES (?, ?, ?, ?) RETURNING id`,
		v.PlanID, v.CaseID, v.DueAt, v.Status)
	v.ID = id
	return v, err
}

// ActivePlan reads a case's active plan.
func (tx *Tx) ActivePlan(ctx context.Context, caseID int64) (FollowUpPlan, error) {
	p, err := scanPlan(tx.queryRow(ctx, "SELECT "+planCols+" FROM follow_up_plans WHERE case_id = ? AND status = 'active'", caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// PlannedVisit reads the plan's visit still planned (there is one at a time).
func (tx *Tx) PlannedVisit(ctx context.Context, planID int64) (FollowUpVisit, error) {
	v, err := scanVisit(tx.queryRow(ctx, "SELECT "+visitCols+" FROM follow_up_visits v WHERE v.plan_id = ? AND v.status = 'planned' ORDER BY v.due_at LIMIT 1", planID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNotFound
	}
	return v, err
}

// CloseVisit marks a planned visit done (by and at), missed or cancelled.
func (tx *Tx) CloseVisit(ctx context.Context, id int64, status string, by int64, at *time.Time) error {
	res, err := tx.exec(ctx, "UPDATE follow_up_visits SET status = ?, done_by = ?, done_at = ? WHERE id = ? AND status = 'planned'",
		status, nullInt64(by), nullTime(at), id)
	return affectedOne(res, err, "follow-up visit")
}

// EndPlan ends an active plan.
func (tx *Tx) EndPlan(ctx context.Context, id, by int64, at time.Time) error {
	res, err := tx.exec(ctx, "UPDATE follow_up_plans SET status = 'ended', ended_by = ?, ended_at = ? WHERE id = ? AND status = 'active'",
		nullInt64(by), at.UTC(), id)
	return affectedOne(res, err, "follow-up plan")
}

// MissedSince reports whether the case has a visit missed after since with no visit
// done after it: the step-down waits until the miss is made up.
func (tx *Tx) MissedSince(ctx context.Context, caseID int64, since time.Time) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM follow_up_visits m WHERE m.case_id = ? AND m.status = 'missed' AND m.due_at >= ?
		AND NOT EXISTS (SELECT 1 FROM follow_up_visits d WHERE d.case_id = m.case_id AND d.status = 'done' AND d.due_at > m.due_at)`,
		caseID, since.UTC()).Scan(&n)
	return n > 0, err
}

// CasePlan reads a case's latest plan (active or ended) and its visits, newest first.
func (s *Store) CasePlan(ctx context.Context, caseID int64) (*FollowUpPlan, []FollowUpVisit, error) {
	p, err := scanPlan(s.queryRow(ctx, "SELECT "+planCols+" FROM follow_up_plans WHERE case_id = ? ORDER BY id DESC LIMIT 1", caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.query(ctx, "SELECT "+visitCols+" FROM follow_up_visits v WHERE v.plan_id = ? ORDER BY v.due_at DESC LIMIT 100", p.ID)
	visits, err := scanAll(rows, err, func(r *sql.Rows) (FollowUpVisit, error) { return scanVisit(r) })
	return &p, visits, err
}

// OverdueVisits lists planned visits due at or before upTo, oldest first: those the
// sweep marks missed.
func (s *Store) OverdueVisits(ctx context.Context, upTo time.Time, limit int) ([]FollowUpVisit, error) {
	rows, err := s.query(ctx, "SELECT "+visitCols+" FROM follow_up_visits v WHERE v.status = 'planned' AND v.due_at <= ? ORDER BY v.due_at LIMIT ?", upTo.UTC(), limit)
	return scanAll(rows, err, func(r *sql.Rows) (FollowUpVisit, error) { return scanVisit(r) })
}

// AreaVisits lists the planned and missed visits of active plans on cases in scope
// (a grid worker's area), soonest first.
func (s *Store) AreaVisits(ctx context.Context, sc CaseScope, limit int) ([]FollowUpVisit, error) {
	where, args := sc.where(s.dialect)
	rows, err := s.query(ctx, "SELECT "+visitCols+`, c.tracking_code, c.title, c.risk_level FROM follow_up_visits v
		JOIN follow_up_plans p ON p.id = v.plan_id JOIN cases c ON c.id = v.case_id
		WHERE p.status = 'active' AND v.status IN ('planned', 'missed') AND `+where+` ORDER BY v.due_at LIMIT `+fmt.Sprint(limit), args...)
	return scanAll(rows, err, func(r *sql.Rows) (FollowUpVisit, error) {
		var code, title, level string
		v, err := scanVisit(r, &code, &title, &level)
		v.TrackingCode, v.Title, v.RiskLevel = code, title, level
		return v, err
	})
}
