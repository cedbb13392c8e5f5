package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Supervision is a supervision order (督办) on a case: a level, what is required, and
// by when the addressee (the department working the case, else the centre holding it)
// must reply.
type Supervision struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	Level        string     `json:"level"` // normal 普通, yellow 黄牌, red 红牌
	Requirement  string     `json:"requirement"`
	ReplyBy      time.Time  `json:"reply_by"`
	IssuedBy     int64      `json:"issued_by,omitempty"` // 0: issued by the deadline sweep
	IssuedAt     time.Time  `json:"issued_at"`
	CentreID     int64      `json:"centre_id"`
	DepartmentID int64      `json:"department_id,omitempty"`
	Status       string     `json:"status"` // open, replied, escalated
	Reply        string     `json:"reply,omitempty"`
	RepliedBy    int64      `json:"replied_by,omitempty"`
	RepliedAt    *time.Time `json:"replied_at,omitempty"`
	EscalatedTo  int64      `json:"escalated_to,omitempty"`
	Source       string     `json:"source,omitempty"` // "risk" for a warning's order

	// Of the case, read with the order so a board needs no lookup per row.
	CaseTitle    string `json:"case_title,omitempty"`
	TrackingCode string `json:"tracking_code,omitempty"`
	CaseAtCentre bool   `json:"-"` // the centre handles the case itself (中心自办)
}

const supervisionCols = `v.id, v.case_id, v.level, v.requirement, v.reply_by, COALESCE(v.issued_by, 0), v.issued_at, v.centre_id,
	COALESCE(v.department_id, 0), v.status, v.reply, COALESCE(v.replied_by, 0), v.replied_at, COALESCE(v.escalated_to, 0),
	v.source, c.title, c.tracking_code, c.at_centre`

func scanSupervision(r interface{ Scan(...any) error }) (Supervision, error) {
	var s Supervision
	var replied sql.NullTime
	err := r.Scan(&s.ID, &s.CaseID, &s.Level, &s.Requirement, &s.ReplyBy, &s.IssuedBy, &s.IssuedAt, &s.CentreID, &s.DepartmentID,
		&s.Status, &s.Reply, &s.RepliedBy, &replied, &s.EscalatedTo, &s.Source, &s.CaseTitle, &s.TrackingCode, &s.CaseAtCentre)
	s.RepliedAt = timePtr(replied)
	s.ReplyBy, s.IssuedAt = s.ReplyBy.UTC(), s.IssuedAt.UTC()
	return s, err
}

// InsertSupervision records an order.
func (tx *Tx) InsertSupervision(ctx context.Context, s *Supervision) error {
	return tx.queryRow(ctx, `INSERT INTO supervisions (case_id, level, requirement, reply_by, issued_by, issued_at, centre_id, department_id, status, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.CaseID, s.Level, s.Requirement, s.ReplyBy.UTC(), nullInt64(s.IssuedBy),
		s.IssuedAt.UTC(), s.CentreID, nullInt64(s.DepartmentID), s.Status, s.Source).Scan(&s.ID)
}

// SupervisionForUpdate reads an order inside a write transaction.
func (tx *Tx) SupervisionForUpdate(ctx context.Context, id int64) (Supervision, error) {
	q := "SELECT " + supervisionCols + " FROM supervisions v JOIN cases c ON c.id = v.case_id WHERE v.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR UPDATE OF v"
	}
	s, err := scanSupervision(tx.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, err
}

// UpdateSupervision records a reply or an escalation.
func (tx *Tx) UpdateSupervision(ctx context.Context, s *Supervision) error {
	_, err := tx.exec(ctx, `UPDATE supervisions SET status = ?, reply = ?, replied_by = ?, replied_at = ?, escalated_to = ? WHERE id = ?`,
		s.Status, s.Reply, nullInt64(s.RepliedBy), nullTime(s.RepliedAt), nullInt64(s.EscalatedTo), s.ID)
	return err
}

// SupervisionFilter narrows the supervision board.
type SupervisionFilter struct {
	Status    string
	Level     string
	CaseID    int64
	OverdueAt time.Time // open orders whose reply is late at this time
	Limit     int
}

// Supervisions lists orders on cases in scope, oldest first (the longest waiting on top).
func (s *Store) Supervisions(ctx context.Context, f SupervisionFilter, sc CaseScope) ([]Supervision, error) {
	where, args := sc.where(s.dialect)
	q := "SELECT " + supervisionCols + " FROM supervisions v JOIN cases c ON c.id = v.case_id WHERE " + where
	if f.Status != "" {
		q += " AND v.status = ?"
		args = append(args, f.Status)
	}
	if f.Level != "" {
		q += " AND v.level = ?"
		args = append(args, f.Level)
	}
	if f.CaseID != 0 {
		q += " AND v.case_id = ?"
		args = append(args, f.CaseID)
	}
	if !f.OverdueAt.IsZero() {
		q += " AND v.status = 'open' AND v.reply_by < ?"
		args = append(args, f.OverdueAt.UTC())
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	q += fmt.Sprintf(" ORDER BY v.issued_at, v.id LIMIT %d", limit)
	return listAll(s, ctx, q, args, func(r *sql.Rows) (Supervision, error) { return scanSupervision(r) })
}
