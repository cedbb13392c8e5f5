package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
)

const departmentCols = "id, region_id, code, name, active, created_at"

func scanDepartment(r interface{ Scan(...any) error }) (model.Department, error) {
	var d model.Department
	err := r.Scan(&d.ID, &d.RegionID, &d.Code, &d.Name, &d.Active, &d.CreatedAt)
	return d, err
}

// CreateDepartment inserts a department at a region.
func (s *Store) CreateDepartment(ctx context.Context, e AuditEntry, d *model.Department) error {
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.CreateDepartment(ctx, d) })
}

// CreateDepartment is the transactional form of Store.CreateDepartment.
func (tx *Tx) CreateDepartment(ctx context.Context, d *model.Department) error {
	d.CreatedAt = now()
	d.Active = true
	err := tx.queryRow(ctx, `INSERT INTO departments (region_id, code, name, active, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, d.RegionID, d.Code, d.Name, true, d.CreatedAt).Scan(&d.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("department code %s: %w", d.Code, ErrConflict)
	}
	if err != nil && isForeignKeyViolation(err) {
		return fmt.Errorf("region %d: %w", d.RegionID, ErrNotFound)
	}
	return err
}

// Department returns one department by id.
func (s *Store) Department(ctx context.Context, id int64) (model.Department, error) {
	d, err := scanDepartment(s.queryRow(ctx, "SELECT "+departmentCols+" FROM departments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// DepartmentFilter narrows a department listing.
type DepartmentFilter struct {
	RegionID   int64  // only departments at this region
	Within     string // only departments at regions in this subtree (a region path)
	ActiveOnly bool
}

// Departments lists departments ordered by region and code.
func (s *Store) Departments(ctx context.Context, f DepartmentFilter) ([]model.Department, error) {
	q := "SELECT d.id, d.region_id, d.code, d.name, d.active, d.created_at FROM departments d JOIN regions g ON g.id = d.region_id WHERE 1=1"
	var args []any
	if f.RegionID != 0 {
		q += " AND d.region_id = ?"
		args = append(args, f.RegionID)
	}
	if f.Within != "" {
		q += " AND g.path LIKE ?"
		args = append(args, f.Within+"%")
	}
	if f.ActiveOnly {
		q += " AND d.active = ?"
		args = append(args, true)
	}
	q += " ORDER BY g.path, d.code"
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (model.Department, error) { return scanDepartment(r) })
}

// UpdateDepartment changes a department's code and name.
func (s *Store) UpdateDepartment(ctx context.Context, e AuditEntry, id int64, code, name string) error {
	defer s.identityChanged()
	res, err := s.exec(ctx, e, "UPDATE departments SET code = ?, name = ? WHERE id = ?", code, name, id)
	return affectedOne(res, err, "department code "+code)
}

// SetDepartmentActive deactivates or reactivates a department.
func (s *Store) SetDepartmentActive(ctx context.Context, e AuditEntry, id int64, active bool) error {
	defer s.identityChanged()
	res, err := s.exec(ctx, e, "UPDATE departments SET active = ? WHERE id = ?", active, id)
	return affectedOne(res, err, "")
}

func isForeignKeyViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}
