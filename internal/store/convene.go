package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Invite is a department asked to a booked reception (约访 convene): told when it is
// asked, it confirms who will attend.
type Invite struct {
	ID            int64      `json:"id"`
	AppointmentID int64      `json:"appointment_id"`
	DepartmentID  int64      `json:"department_id"`
	Department    string     `json:"department"`
	Status        string     `json:"status"` // invited, confirmed
	InvitedBy     int64      `json:"invited_by,omitempty"`
	InvitedAt     time.Time  `json:"invited_at"`
	ConfirmedBy   int64      `json:"confirmed_by,omitempty"`
	ConfirmedAt   *time.Time `json:"confirmed_at,omitempty"`
	Attendee      string     `json:"attendee,omitempty"` // who will attend, as the department said
}

// Invite statuses.
const (
	InviteInvited   = "invited"
	InviteConfirmed = "confirmed"
)

const inviteCols = `i.id, i.appointment_id, i.department_id, COALESCE(d.name, ''), i.status, COALESCE(i.invited_by, 0), i.invited_at,
	COALESCE(i.confirmed_by, 0), i.confirmed_at, i.attendee`

const inviteFrom = ` FROM appointment_invites i LEFT JOIN departments d ON d.id = i.department_id`

func scanInvite(r interface{ Scan(...any) error }) (Invite, error) {
	var v Invite
	var confirmed sql.NullTime
	err := r.Scan(&v.ID, &v.AppointmentID, &v.DepartmentID, &v.Department, &v.Status, &v.InvitedBy, &v.InvitedAt,
		&v.ConfirmedBy, &confirmed, &v.Attendee)
	v.InvitedAt, v.ConfirmedAt = v.InvitedAt.UTC(), timePtr(confirmed)
	return v, err
}

// InsertInvite asks a department to a booking; one asked already gives ErrConflict.
func (tx *Tx) InsertInvite(ctx context.Context, v *Invite) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM appointment_invites WHERE appointment_id = ? AND department_id = ?",
		v.AppointmentID, v.DepartmentID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("invite of department %d: %w", v.DepartmentID, ErrConflict)
	}
	id, err := tx.insertID(ctx, `INSERT INTO appointment_invites (appointment_id, department_id, status, invited_by, invited_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, v.AppointmentID, v.DepartmentID, v.Status, nullInt64(v.InvitedBy), v.InvitedAt.UTC())
	if isUniqueViolation(err) {
		return fmt.Errorf("invite of department %d: %w", v.DepartmentID, ErrConflict)
	}
	v.ID = id
	return err
}

// InviteForUpdate reads one invite inside a write transaction.
func (tx *Tx) InviteForUpdate(ctx context.Context, id int64) (Invite, error) {
	q := "SELECT " + inviteCols + inviteFrom + " WHERE i.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR UPDATE OF i"
	}
	v, err := scanInvite(tx.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNotFound
	}
	return v, err
}

// ConfirmInvite records that the department will attend, if it had not confirmed.
func (tx *Tx) ConfirmInvite(ctx context.Context, v *Invite) error {
	res, err := tx.exec(ctx, `UPDATE appointment_invites SET status = ?, confirmed_by = ?, confirmed_at = ?, attendee = ?
		WHERE id = ? AND status = ?`, InviteConfirmed, nullInt64(v.ConfirmedBy), nullTime(v.ConfirmedAt), v.Attendee, v.ID, InviteInvited)
	if err := affectedOne(res, err, "invite"); err != nil {
		return err
	}
	v.Status = InviteConfirmed
	return nil
}

// SetAppointmentResult records a booked meeting's result, once.
func (tx *Tx) SetAppointmentResult(ctx context.Context, a *Appointment) error {
	res, err := tx.exec(ctx, `UPDATE appointments SET result = ?, result_by = ?, result_at = ? WHERE id = ? AND status = 'booked' AND result = ''`,
		a.Result, nullInt64(a.ResultBy), nullTime(a.ResultAt), a.ID)
	return affectedOne(res, err, "appointment")
}

// Invites lists the departments asked to the given bookings, by booking then department.
func (s *Store) Invites(ctx context.Context, appointmentIDs []int64) ([]Invite, error) {
	if len(appointmentIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(appointmentIDs))
	for i, id := range appointmentIDs {
		args[i] = id
	}
	rows, err := s.query(ctx, "SELECT "+inviteCols+inviteFrom+" WHERE i.appointment_id IN ("+placeholders(len(args))+") ORDER BY i.appointment_id, i.id", args...)
	return scanAll(rows, err, func(r *sql.Rows) (Invite, error) { return scanInvite(r) })
}

// DepartmentInvite is an invite as the department asked sees it: the meeting, and of
// the case only its number (the department may not see the case itself).
type DepartmentInvite struct {
	Invite
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	LeaderName   string    `json:"leader_name"`
	Place        string    `json:"place"`
	CaseID       int64     `json:"case_id"`
	TrackingCode string    `json:"tracking_code"`
}

// DepartmentInvites lists the invites of a department to bookings still standing that
// end after from, earliest first.
func (s *Store) DepartmentInvites(ctx context.Context, departmentID int64, from time.Time) ([]DepartmentInvite, error) {
	rows, err := s.query(ctx, "SELECT "+inviteCols+`, a.starts_at, sl.ends_at, COALESCE(u.display_name, ''), rs.place, c.id, c.tracking_code`+inviteFrom+`
		JOIN appointments a ON a.id = i.appointment_id JOIN reception_slots sl ON sl.id = a.slot_id
		JOIN reception_sessions rs ON rs.id = sl.session_id LEFT JOIN users u ON u.id = rs.leader_id JOIN cases c ON c.id = a.case_id
		WHERE i.department_id = ? AND a.status = 'booked' AND sl.ends_at > ? ORDER BY a.starts_at, i.id LIMIT 200`, departmentID, from.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (DepartmentInvite, error) {
		var v DepartmentInvite
		var confirmed sql.NullTime
		err := r.Scan(&v.ID, &v.AppointmentID, &v.DepartmentID, &v.Department, &v.Status, &v.InvitedBy, &v.InvitedAt,
			&v.ConfirmedBy, &confirmed, &v.Attendee, &v.StartsAt, &v.EndsAt, &v.LeaderName, &v.Place, &v.CaseID, &v.TrackingCode)
		v.InvitedAt, v.ConfirmedAt, v.StartsAt, v.EndsAt = v.InvitedAt.UTC(), timePtr(confirmed), v.StartsAt.UTC(), v.EndsAt.UTC()
		return v, err
	})
}
