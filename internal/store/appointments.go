package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ReceptionSession is a leader's published reception session (领导接访): a date and
// hours at a place, divided into slots of SlotMinutes, each holding one booking.
type ReceptionSession struct {
	ID          int64      `json:"id"`
	LeaderID    int64      `json:"leader_id"`
	CentreID    int64      `json:"centre_id"` // the leader's centre when published
	StartsAt    time.Time  `json:"starts_at"`
	EndsAt      time.Time  `json:"ends_at"`
	SlotMinutes int        `json:"slot_minutes"`
	Place       string     `json:"place"`
	Status      string     `json:"status"` // open, withdrawn
	CreatedAt   time.Time  `json:"created_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`

	LeaderName string `json:"leader_name"`
	CentreName string `json:"centre_name"`
}

// ReceptionSlot is one bookable part of a session.
type ReceptionSlot struct {
	ID        int64     `json:"id"`
	SessionID int64     `json:"session_id"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
}

// FreeSlot is a slot nobody holds, with what a booker needs to choose it.
type FreeSlot struct {
	ReceptionSlot
	LeaderID   int64  `json:"leader_id"`
	LeaderName string `json:"leader_name"`
	CentreID   int64  `json:"centre_id"`
	CentreName string `json:"centre_name"`
	Place      string `json:"place"`
}

// Appointment is a booking of one slot for one case.
type Appointment struct {
	ID          int64      `json:"id"`
	SlotID      int64      `json:"slot_id"`
	CaseID      int64      `json:"case_id"`
	StartsAt    time.Time  `json:"starts_at"`
	EndsAt      time.Time  `json:"ends_at"`
	Status      string     `json:"status"`              // booked, cancelled
	BookedBy    int64      `json:"booked_by,omitempty"` // 0: the citizen
	BookedAt    time.Time  `json:"booked_at"`
	CancelledBy int64      `json:"cancelled_by,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	CancelNote  string     `json:"cancel_note,omitempty"`
	// The meeting's result (约访结果), recorded once it has begun.
	Result   string     `json:"result,omitempty"`
	ResultBy int64      `json:"result_by,omitempty"`
	ResultAt *time.Time `json:"result_at,omitempty"`
	// The departments convened to it (约访召集), when read with them.
	Invites []Invite `json:"invites,omitempty"`

	// Of the session and the case, read with the booking.
	SessionID    int64  `json:"session_id"`
	LeaderID     int64  `json:"leader_id"`
	LeaderName   string `json:"leader_name"`
	Place        string `json:"place"`
	CaseTitle    string `json:"case_title"`
	TrackingCode string `json:"tracking_code"`
	CaseCentreID int64  `json:"case_centre_id"`
}

const sessionCols = `rs.id, rs.leader_id, rs.centre_id, rs.starts_at, rs.ends_at, rs.slot_minutes, rs.place, rs.status, rs.created_at,
	rs.withdrawn_at, COALESCE(u.display_name, ''), COALESCE(g.name, '')`

const sessionFrom = ` FROM reception_sessions rs LEFT JOIN users u ON u.id = rs.leader_id LEFT JOIN regions g ON g.id = rs.centre_id`

func scanSession(r interface{ Scan(...any) error }) (ReceptionSession, error) {
	var s ReceptionSession
	var withdrawn sql.NullTime
	err := r.Scan(&s.ID, &s.LeaderID, &s.CentreID, &s.StartsAt, &s.EndsAt, &s.SlotMinutes, &s.Place, &s.Status, &s.CreatedAt,
		&withdrawn, &s.LeaderName, &s.CentreName)
	s.StartsAt, s.EndsAt, s.CreatedAt = s.StartsAt.UTC(), s.EndsAt.UTC(), s.CreatedAt.UTC()
	s.WithdrawnAt = timePtr(withdrawn)
	return s, err
}

// InsertSession stores a session and its slots, filling in their ids.
func (tx *Tx) InsertSession(ctx context.Context, s *ReceptionSession, slots []ReceptionSlot) error {
	if err := tx.queryRow(ctx, `INSERT INTO reception_sessions (leader_id, centre_id, starts_at, ends_at, slot_minutes, place, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.LeaderID, s.CentreID, s.StartsAt.UTC(), s.EndsAt.UTC(), s.SlotMinutes, s.Place,
		s.Status, s.CreatedAt.UTC()).Scan(&s.ID); err != nil {
		return err
	}
	for i := range slots {
		slots[i].SessionID = s.ID
		if err := tx.queryRow(ctx, `INSERT INTO reception_slots (session_id, starts_at, ends_at) VALUES (?, ?, ?) RETURNING id`,
			s.ID, slots[i].StartsAt.UTC(), slots[i].EndsAt.UTC()).Scan(&slots[i].ID); err != nil {
			return err
		}
	}
	return nil
}

// OverlappingSessions counts the leader's open sessions that overlap [from, to).
func (tx *Tx) OverlappingSessions(ctx context.Context, leaderID int64, from, to time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM reception_sessions WHERE leader_id = ? AND status = 'open' AND starts_at < ? AND ends_at > ?`,
		leaderID, to.UTC(), from.UTC()).Scan(&n)
	return n, err
}

// SessionForUpdate reads a session inside a write transaction, locking its row on
// PostgreSQL so that a booking and a withdrawal of the same session take turns.
func (tx *Tx) SessionForUpdate(ctx context.Context, id int64) (ReceptionSession, error) {
	q := "SELECT " + sessionCols + sessionFrom + " WHERE rs.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR UPDATE OF rs"
	}
	s, err := scanSession(tx.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, err
}

// WithdrawSession marks an open session withdrawn.
func (tx *Tx) WithdrawSession(ctx context.Context, id int64, at time.Time) error {
	res, err := tx.exec(ctx, `UPDATE reception_sessions SET status = 'withdrawn', withdrawn_at = ? WHERE id = ? AND status = 'open'`, at.UTC(), id)
	return affectedOne(res, err, "reception session")
}

// SessionFilter narrows a listing of sessions.
type SessionFilter struct {
	LeaderID int64
	EndsFrom time.Time // sessions ending at or after this time; zero for all
	Status   string
	Limit    int
}

// Sessions lists sessions, earliest first.
func (s *Store) Sessions(ctx context.Context, f SessionFilter) ([]ReceptionSession, error) {
	q := "SELECT " + sessionCols + sessionFrom + " WHERE 1=1"
	var args []any
	if f.LeaderID != 0 {
		q += " AND rs.leader_id = ?"
		args = append(args, f.LeaderID)
	}
	if !f.EndsFrom.IsZero() {
		q += " AND rs.ends_at >= ?"
		args = append(args, f.EndsFrom.UTC())
	}
	if f.Status != "" {
		q += " AND rs.status = ?"
		args = append(args, f.Status)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q += fmt.Sprintf(" ORDER BY rs.starts_at, rs.id LIMIT %d", limit)
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (ReceptionSession, error) { return scanSession(r) })
}

// Slots lists the slots of the given sessions, earliest first.
func (s *Store) Slots(ctx context.Context, sessionIDs []int64) ([]ReceptionSlot, error) {
	if len(sessionIDs) == 0 {
		return nil, nil
	}
	q, args := apptInList("SELECT id, session_id, starts_at, ends_at FROM reception_slots WHERE session_id IN (%s) ORDER BY starts_at, id", sessionIDs)
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, scanSlot)
}

func scanSlot(r *sql.Rows) (ReceptionSlot, error) {
	var sl ReceptionSlot
	err := r.Scan(&sl.ID, &sl.SessionID, &sl.StartsAt, &sl.EndsAt)
	sl.StartsAt, sl.EndsAt = sl.StartsAt.UTC(), sl.EndsAt.UTC()
	return sl, err
}

// apptInList fills a query's one %s with as many placeholders as ids.
func apptInList(query string, ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return fmt.Sprintf(query, strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")), args
}

// Slot reads one slot inside a write transaction, with its session (locked for
// sharing on PostgreSQL, so the session cannot be withdrawn under the booking).
func (tx *Tx) Slot(ctx context.Context, id int64) (ReceptionSlot, ReceptionSession, error) {
	var sl ReceptionSlot
	q := "SELECT sl.id, sl.session_id, sl.starts_at, sl.ends_at, " + sessionCols + sessionFrom +
		" JOIN reception_slots sl ON sl.session_id = rs.id WHERE sl.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR SHARE OF rs"
	}
	var s ReceptionSession
	var withdrawn sql.NullTime
	err := tx.queryRow(ctx, q, id).Scan(&sl.ID, &sl.SessionID, &sl.StartsAt, &sl.EndsAt,
		&s.ID, &s.LeaderID, &s.CentreID, &s.StartsAt, &s.EndsAt, &s.SlotMinutes, &s.Place, &s.Status, &s.CreatedAt,
		&withdrawn, &s.LeaderName, &s.CentreName)
	if errors.Is(err, sql.ErrNoRows) {
		return sl, s, ErrNotFound
	}
	sl.StartsAt, sl.EndsAt = sl.StartsAt.UTC(), sl.EndsAt.UTC()
	s.StartsAt, s.EndsAt, s.CreatedAt = s.StartsAt.UTC(), s.EndsAt.UTC(), s.CreatedAt.UTC()
	s.WithdrawnAt = timePtr(withdrawn)
	return sl, s, err
}

// FreeSlots lists the unbooked slots of open sessions held at the given centres that
// start after after, earliest first, at most limit.
func (s *Store) FreeSlots(ctx context.Context, centreIDs []int64, after time.Time, limit int) ([]FreeSlot, error) {
	if len(centreIDs) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q, args := apptInList(`SELECT sl.id, sl.session_id, sl.starts_at, sl.ends_at, rs.leader_id, COALESCE(u.display_name, ''), rs.centre_id,
		COALESCE(g.name, ''), rs.place FROM reception_slots sl JOIN reception_sessions rs ON rs.id = sl.session_id
		LEFT JOIN users u ON u.id = rs.leader_id LEFT JOIN regions g ON g.id = rs.centre_id
		WHERE rs.centre_id IN (%s) AND rs.status = 'open' AND sl.starts_at > ?
		AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.slot_id = sl.id AND a.status = 'booked')`, centreIDs)
	q += fmt.Sprintf(" ORDER BY sl.starts_at, sl.id LIMIT %d", limit)
	rows, err := s.query(ctx, q, append(args, after.UTC())...)
	return scanAll(rows, err, func(r *sql.Rows) (FreeSlot, error) {
		var f FreeSlot
		err := r.Scan(&f.ID, &f.SessionID, &f.StartsAt, &f.EndsAt, &f.LeaderID, &f.LeaderName, &f.CentreID, &f.CentreName, &f.Place)
		f.StartsAt, f.EndsAt = f.StartsAt.UTC(), f.EndsAt.UTC()
		return f, err
	})
}

// InsertAppointment books a slot. A slot already booked is ErrConflict: the unique
// index decides between concurrent bookings.
func (tx *Tx) InsertAppointment(ctx context.Context, a *Appointment) error {
	err := tx.queryRow(ctx, `INSERT INTO appointments (slot_id, case_id, starts_at, status, booked_by, booked_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.SlotID, a.CaseID, a.StartsAt.UTC(), a.Status, nullInt64(a.BookedBy),
		a.BookedAt.UTC()).Scan(&a.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("slot %d: %w", a.SlotID, ErrConflict)
	}
	return err
}

// SlotBooked reports whether a slot holds a booking.
func (tx *Tx) SlotBooked(ctx context.Context, slotID int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM appointments WHERE slot_id = ? AND status = 'booked'", slotID).Scan(&n)
	return n > 0, err
}

// CancelAppointment cancels a booking that is still booked.
func (tx *Tx) CancelAppointment(ctx context.Context, a *Appointment) error {
	res, err := tx.exec(ctx, `UPDATE appointments SET status = 'cancelled', cancelled_by = ?, cancelled_at = ?, cancel_note = ?
		WHERE id = ? AND status = 'booked'`, nullInt64(a.CancelledBy), nullTime(a.CancelledAt), a.CancelNote, a.ID)
	if err := affectedOne(res, err, "appointment"); err != nil {
		return err
	}
	a.Status = "cancelled"
	return nil
}

const appointmentCols = `a.id, a.slot_id, a.case_id, a.starts_at, sl.ends_at, a.status, COALESCE(a.booked_by, 0), a.booked_at,
	COALESCE(a.cancelled_by, 0), a.cancelled_at, a.cancel_note, rs.id, rs.leader_id, COALESCE(u.display_name, ''), rs.place,
	c.title, c.tracking_code, c.centre_id, a.result, COALESCE(a.result_by, 0), a.result_at`

const appointmentFrom = ` FROM appointments a JOIN reception_slots sl ON sl.id = a.slot_id JOIN reception_sessions rs ON rs.id = sl.session_id
	LEFT JOIN users u ON u.id = rs.leader_id JOIN cases c ON c.id = a.case_id`

func scanAppointment(r interface{ Scan(...any) error }) (Appointment, error) {
	var a Appointment
	var cancelled, result sql.NullTime
	err := r.Scan(&a.ID, &a.SlotID, &a.CaseID, &a.StartsAt, &a.EndsAt, &a.Status, &a.BookedBy, &a.BookedAt, &a.CancelledBy, &cancelled,
		&a.CancelNote, &a.SessionID, &a.LeaderID, &a.LeaderName, &a.Place, &a.CaseTitle, &a.TrackingCode, &a.CaseCentreID,
		&a.Result, &a.ResultBy, &result)
	a.StartsAt, a.EndsAt, a.BookedAt = a.StartsAt.UTC(), a.EndsAt.UTC(), a.BookedAt.UTC()
	a.CancelledAt, a.ResultAt = timePtr(cancelled), timePtr(result)
	return a, err
}

// AppointmentFilter narrows a listing of bookings. Zero fields do not filter.
type AppointmentFilter struct {
	CaseID     int64
	SessionIDs []int64
	Status     string
	StartsFrom time.Time // bookings starting after this time ("upcoming")
	// Desk: bookings of cases held at this centre, or booked by BookedBy.
	CentreID int64
	BookedBy int64
	Limit    int
}

func (f AppointmentFilter) where() (string, []any) {
	var q string
	var args []any
	if f.CaseID != 0 {
		q += " AND a.case_id = ?"
		args = append(args, f.CaseID)
	}
	if len(f.SessionIDs) > 0 {
		in, ids := apptInList("%s", f.SessionIDs)
		q += " AND rs.id IN (" + in + ")"
		args = append(args, ids...)
	}
	if f.Status != "" {
		q += " AND a.status = ?"
		args = append(args, f.Status)
	}
	if !f.StartsFrom.IsZero() {
		q += " AND a.starts_at > ?"
		args = append(args, f.StartsFrom.UTC())
	}
	switch {
	case f.CentreID != 0 && f.BookedBy != 0:
		q += " AND (c.centre_id = ? OR a.booked_by = ?)"
		args = append(args, f.CentreID, f.BookedBy)
	case f.CentreID != 0:
		q += " AND c.centre_id = ?"
		args = append(args, f.CentreID)
	case f.BookedBy != 0:
		q += " AND a.booked_by = ?"
		args = append(args, f.BookedBy)
	}
	return q, args
}

// Appointments lists the bookings of cases in scope, earliest first.
func (s *Store) Appointments(ctx context.Context, f AppointmentFilter, sc CaseScope) ([]Appointment, error) {
	where, args := sc.where(s.dialect)
	fw, fa := f.where()
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	q := "SELECT " + appointmentCols + appointmentFrom + " WHERE " + where + fw + fmt.Sprintf(" ORDER BY a.starts_at, a.id LIMIT %d", limit)
	rows, err := s.query(ctx, q, append(args, fa...)...)
	return scanAll(rows, err, func(r *sql.Rows) (Appointment, error) { return scanAppointment(r) })
}

// Appointments (in a transaction) is Appointments inside a write transaction, over every case.
func (tx *Tx) Appointments(ctx context.Context, f AppointmentFilter) ([]Appointment, error) {
	fw, fa := f.where()
	q := "SELECT " + appointmentCols + appointmentFrom + " WHERE 1=1" + fw + " ORDER BY a.starts_at, a.id"
	rows, err := tx.query(ctx, q, fa...)
	return scanAll(rows, err, func(r *sql.Rows) (Appointment, error) { return scanAppointment(r) })
}

// AppointmentForUpdate reads one booking inside a write transaction.
func (tx *Tx) AppointmentForUpdate(ctx context.Context, id int64) (Appointment, error) {
	q := "SELECT " + appointmentCols + appointmentFrom + " WHERE a.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR UPDATE OF a"
	}
	a, err := scanAppointment(tx.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}
