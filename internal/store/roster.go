package store

import (
	"context"
	"database/sql"
)

// Station is a department stationed at a centre (进驻): 常驻, 轮驻 on its weekdays,
// or 随驻 at its duty phone.
type Station struct {
	ID           int64  `json:"id"`
	CentreID     int64  `json:"centre_id"`
	DepartmentID int64  `json:"department_id"`
	Mode         string `json:"mode"`     // resident, rotating, on_call
	Weekdays     string `json:"weekdays"` // rotating: "1,3,5", 1 = Monday
	Place        string `json:"place,omitempty"`
	Phone        string `json:"phone,omitempty"` // the department's duty phone, not a person's

	Department string `json:"department"` // its name, read with it
}

// Shift is a leader's turn at a centre: 值班, 值周 or 领导接访, from one day to another.
type Shift struct {
	ID       int64  `json:"id"`
	CentreID int64  `json:"centre_id"`
	UserID   int64  `json:"user_id"`
	Kind     string `json:"kind"` // duty, week, reception
	FromDay  string `json:"from_day"`
	ToDay    string `json:"to_day"`
	Note     string `json:"note,omitempty"`

	UserName string `json:"user_name"` // the leader's display name, read with it
}

// Stations lists the departments stationed at a centre: resident, rotating, on call,
// each by name.
func (s *Store) Stations(ctx context.Context, centreID int64) ([]Station, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.centre_id, t.department_id, t.mode, t.weekdays, t.place, t.phone, d.name
		FROM centre_stations t JOIN departments d ON d.id = t.department_id WHERE t.centre_id = ? ORDER BY CASE t.mode WHEN 'resident' THEN 0 WHEN 'rotating' THEN 1 ELSE 2 END, d.name, t.id`, centreID)
	return scanAll(rows, err, func(r *sql.Rows) (Station, error) {
		var t Station
		err := r.Scan(&t.ID, &t.CentreID, &t.DepartmentID, &t.Mode, &t.Weekdays, &t.Place, &t.Phone, &t.Department)
		return t, err
	})
}

// SaveStation stations a department at a centre, or changes how it is stationed
// there: one row per department and centre.
func (s *Store) SaveStation(ctx context.Context, e AuditEntry, t *Station) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE centre_stations SET mode = ?, weekdays = ?, place = ?, phone = ? WHERE centre_id = ? AND department_id = ?`,
			t.Mode, t.Weekdays, t.Place, t.Phone, t.CentreID, t.DepartmentID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			if err == nil {
				err = tx.queryRow(ctx, "SELECT id FROM centre_stations WHERE centre_id = ? AND department_id = ?", t.CentreID, t.DepartmentID).Scan(&t.ID)
			}
			return err
		}
		return tx.queryRow(ctx, `INSERT INTO centre_stations (centre_id, department_id, mode, weekdays, place, phone) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			t.CentreID, t.DepartmentID, t.Mode, t.Weekdays, t.Place, t.Phone).Scan(&t.ID)
	})
}

// DeleteStation ends a department's station at a centre.
func (s *Store) DeleteStation(ctx context.Context, e AuditEntry, centreID, id int64) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM centre_stations WHERE id = ? AND centre_id = ?", id, centreID)
		return affectedOne(res, err, "station")
	})
}

// Shifts lists a centre's turns that overlap the days from–to (both included), by
// first day.
func (s *Store) Shifts(ctx context.Context, centreID int64, from, to string) ([]Shift, error) {
	rows, err := s.query(ctx, `SELECT h.id, h.centre_id, h.user_id, h.kind, h.from_day, h.to_day, h.note, u.display_name
		FROM duty_shifts h JOIN users u ON u.id = h.user_id WHERE h.centre_id = ? AND h.to_day >= ? AND h.from_day <= ?
		ORDER BY h.from_day, h.kind, h.id`, centreID, from, to)
	return scanAll(rows, err, func(r *sql.Rows) (Shift, error) {
		var h Shift
		err := r.Scan(&h.ID, &h.CentreID, &h.UserID, &h.Kind, &h.FromDay, &h.ToDay, &h.Note, &h.UserName)
		return h, err
	})
}

// AddShift records a leader's turn.
func (s *Store) AddShift(ctx context.Context, e AuditEntry, h *Shift) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		return tx.queryRow(ctx, `INSERT INTO duty_shifts (centre_id, user_id, kind, from_day, to_day, note) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			h.CentreID, h.UserID, h.Kind, h.FromDay, h.ToDay, h.Note).Scan(&h.ID)
	})
}

// DeleteShift removes a turn from a centre's rota.
func (s *Store) DeleteShift(ctx context.Context, e AuditEntry, centreID, id int64) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM duty_shifts WHERE id = ? AND centre_id = ?", id, centreID)
		return affectedOne(res, err, "shift")
	})
}
