package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Meeting is a 会商研判 or 联席会议 of a centre: when, who convened and attended, what
// was on its agenda, its minutes and its decisions.
type Meeting struct {
	ID            int64
	RegionID      int64
	RegionName    string
	RegionPath    string
	Kind          string // consult 会商研判, joint 联席会议
	Title         string
	HeldOn        string // the day, 2006-01-02
	ConvenorID    int64
	ConvenorName  string
	Place         string
	Attendees     string // the people, one a line
	Minutes       string
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DepartmentIDs []int64
	Departments   []string // their names, in the order of DepartmentIDs
	Items         []MeetingItem
	Decisions     []MeetingDecision
}

// MeetingItem is one point of a meeting's agenda: a case, or a finding of the
// analysis page with the list of its cases.
type MeetingItem struct {
	ID        int64
	MeetingID int64
	CaseID    int64 // 0 for a finding
	Finding   string
	Link      string
	CreatedAt time.Time
}

// MeetingDecision is a decision of a meeting on one case, carried out as the action
// whose event is EventID.
type MeetingDecision struct {
	ID           int64
	MeetingID    int64
	CaseID       int64
	Action       string
	DepartmentID int64
	Level        string
	Note         string
	EventID      int64
	CreatedBy    int64
	CreatedAt    time.Time
}

const meetingCols = `m.id, m.region_id, r.name, r.path, m.kind, m.title, m.held_on, m.convenor_id, u.display_name, m.place, m.attendees,
	m.minutes, m.created_by, m.created_at, m.updated_at`

const meetingFrom = " FROM meetings m JOIN regions r ON r.id = m.region_id JOIN users u ON u.id = m.convenor_id"

func scanMeeting(r interface{ Scan(...any) error }) (Meeting, error) {
	var m Meeting
	err := r.Scan(&m.ID, &m.RegionID, &m.RegionName, &m.RegionPath, &m.Kind, &m.Title, &m.HeldOn, &m.ConvenorID, &m.ConvenorName,
		&m.Place, &m.Attendees, &m.Minutes, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// InsertMeeting records a meeting with its departments.
func (tx *Tx) InsertMeeting(ctx context.Context, m *Meeting) error {
	id, err := tx.insertID(ctx, `INSERT INTO meetings (region_id, kind, title, held_on, convenor_id, place, attendees, minutes, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.RegionID, m.Kind, m.Title, m.HeldOn, m.ConvenorID, m.Place, m.Attendees,
		m.Minutes, m.CreatedBy, m.CreatedAt.UTC(), m.UpdatedAt.UTC())
	if err != nil {
		return err
	}
	m.ID = id
	return tx.setMeetingDepartments(ctx, m)
}

// UpdateMeeting rewrites a meeting's particulars, departments and minutes.
func (tx *Tx) UpdateMeeting(ctx context.Context, m *Meeting) error {
	res, err := tx.exec(ctx, `UPDATE meetings SET kind = ?, title = ?, held_on = ?, convenor_id = ?, place = ?, attendees = ?, minutes = ?, updated_at = ?
		WHERE id = ?`, m.Kind, m.Title, m.HeldOn, m.ConvenorID, m.Place, m.Attendees, m.Minutes, m.UpdatedAt.UTC(), m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := tx.exec(ctx, "DELETE FROM meeting_departments WHERE meeting_id = ?", m.ID); err != nil {
		return err
	}
	return tx.setMeetingDepartments(ctx, m)
}

func (tx *Tx) setMeetingDepartments(ctx context.Context, m *Meeting) error {
	for _, d := range m.DepartmentIDs {
		if _, err := tx.exec(ctx, "INSERT INTO meeting_departments (meeting_id, department_id) VALUES (?, ?)", m.ID, d); err != nil {
			return err
		}
	}
	return nil
}

// InsertMeetingItem adds a point to a meeting's agenda.
func (tx *Tx) InsertMeetingItem(ctx context.Context, it *MeetingItem) error {
	id, err := tx.insertID(ctx, `INSERT INTO meeting_items (meeting_id, case_id, finding, link, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		it.MeetingID, nullInt64(it.CaseID), it.Finding, it.Link, it.CreatedAt.UTC())
	it.ID = id
	return err
}

// InsertMeetingDecision records a decision carried out as event EventID.
func (tx *Tx) InsertMeetingDecision(ctx context.Context, d *MeetingDecision) error {
	id, err := tx.insertID(ctx, `INSERT INTO meeting_decisions (meeting_id, case_id, action, department_id, level, note, event_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.MeetingID, d.CaseID, d.Action, nullInt64(d.DepartmentID), d.Level, d.Note,
		d.EventID, d.CreatedBy, d.CreatedAt.UTC())
	d.ID = id
	return err
}

// LastEventID is the newest event of caseID recording action, in tx.
func (tx *Tx) LastEventID(ctx context.Context, caseID int64, action string) (int64, error) {
	var id sql.NullInt64
	err := tx.queryRow(ctx, "SELECT MAX(id) FROM case_events WHERE case_id = ? AND action = ?", caseID, action).Scan(&id)
	if err == nil && !id.Valid {
		return 0, ErrNotFound
	}
	return id.Int64, err
}

// MeetingForUpdate reads a meeting's row in a write transaction.
func (tx *Tx) MeetingForUpdate(ctx context.Context, id int64) (Meeting, error) {
	m, err := scanMeeting(tx.queryRow(ctx, "SELECT "+meetingCols+meetingFrom+" WHERE m.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, err
	}
	rows, err := tx.query(ctx, "SELECT department_id FROM meeting_departments WHERE meeting_id = ? ORDER BY department_id", id)
	m.DepartmentIDs, err = scanAll(rows, err, func(r *sql.Rows) (int64, error) {
		var d int64
		return d, r.Scan(&d)
	})
	return m, err
}

// Meeting reads a meeting whole: its departments, agenda and decisions.
func (s *Store) Meeting(ctx context.Context, id int64) (Meeting, error) {
	m, err := scanMeeting(s.queryRow(ctx, "SELECT "+meetingCols+meetingFrom+" WHERE m.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, err
	}
	type dept struct {
		id   int64
		name string
	}
	rows, err := s.query(ctx, `SELECT d.id, d.name FROM meeting_departments md JOIN departments d ON d.id = md.department_id
		WHERE md.meeting_id = ? ORDER BY d.id`, id)
	depts, err := scanAll(rows, err, func(r *sql.Rows) (dept, error) {
		var d dept
		return d, r.Scan(&d.id, &d.name)
	})
	if err != nil {
		return m, err
	}
	for _, d := range depts {
		m.DepartmentIDs, m.Departments = append(m.DepartmentIDs, d.id), append(m.Departments, d.name)
	}
	rows, err = s.query(ctx, "SELECT id, meeting_id, COALESCE(case_id, 0), finding, link, created_at FROM meeting_items WHERE meeting_id = ? ORDER BY id", id)
	if m.Items, err = scanAll(rows, err, func(r *sql.Rows) (MeetingItem, error) {
		var it MeetingItem
		err := r.Scan(&it.ID, &it.MeetingID, &it.CaseID, &it.Finding, &it.Link, &it.CreatedAt)
		return it, err
	}); err != nil {
		return m, err
	}
	m.Decisions, err = s.meetingDecisions(ctx, "meeting_id = ?", id)
	return m, err
}

func (s *Store) meetingDecisions(ctx context.Context, where string, arg any) ([]MeetingDecision, error) {
	rows, err := s.query(ctx, `SELECT id, meeting_id, case_id, action, COALESCE(department_id, 0), level, note, event_id, created_by, created_at
		FROM meeting_decisions WHERE `+where+" ORDER BY id", arg)
	return scanAll(rows, err, func(r *sql.Rows) (MeetingDecision, error) {
		var d MeetingDecision
		err := r.Scan(&d.ID, &d.MeetingID, &d.CaseID, &d.Action, &d.DepartmentID, &d.Level, &d.Note, &d.EventID, &d.CreatedBy, &d.CreatedAt)
		d.CreatedAt = d.CreatedAt.UTC()
		return d, err
	})
}

// MeetingFilter narrows the meetings listed.
type MeetingFilter struct {
	Within   string // meetings of centres in this subtree
	RegionID int64  // meetings of this centre only; 0 any
	Before   string // held before this day (2006-01-02), or on it with a smaller id than BeforeID
	BeforeID int64
	Limit    int
}

// Meetings lists meetings, the latest held first.
func (s *Store) Meetings(ctx context.Context, f MeetingFilter) ([]Meeting, error) {
	q := "SELECT " + meetingCols + meetingFrom + " WHERE 1=1"
	var args []any
	if f.Within != "" {
		lo, hi := pathRange(f.Within)
		q += " AND r.path >= ? AND r.path < ?"
		args = append(args, lo, hi)
	}
	if f.RegionID != 0 {
		q += " AND m.region_id = ?"
		args = append(args, f.RegionID)
	}
	if f.Before != "" {
		q += " AND (m.held_on < ? OR (m.held_on = ? AND m.id < ?))"
		args = append(args, f.Before, f.Before, f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.query(ctx, q+" ORDER BY m.held_on DESC, m.id DESC LIMIT ?", append(args, limit)...)
	return scanAll(rows, err, func(r *sql.Rows) (Meeting, error) { return scanMeeting(r) })
}

// CaseMeetingDecisions lists the meeting decisions on a case, oldest first.
func (s *Store) CaseMeetingDecisions(ctx context.Context, caseID int64) ([]MeetingDecision, error) {
	return s.meetingDecisions(ctx, "case_id = ?", caseID)
}
