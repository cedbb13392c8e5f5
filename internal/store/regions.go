package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
)

const regionCols = "id, COALESCE(parent_id, 0), code, name, level, path, active, created_at"

func scanRegion(r interface{ Scan(...any) error }) (model.Region, error) {
	var g model.Region
	err := r.Scan(&g.ID, &g.ParentID, &g.Code, &g.Name, &g.Level, &g.Path, &g.Active, &g.CreatedAt)
	return g, err
}

// CreateRegion inserts a region under g.ParentID (0 makes a root) and fills in its
// id and materialised path.
func (s *Store) CreateRegion(ctx context.Context, e AuditEntry, g *model.Region) error {
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.CreateRegion(ctx, g) })
}

// CreateRegion is the transactional form of Store.CreateRegion.
func (tx *Tx) CreateRegion(ctx context.Context, g *model.Region) error {
	parentPath := "/"
	if g.ParentID != 0 {
		var parentLevel model.RegionLevel
		err := tx.queryRow(ctx, "SELECT path, level FROM regions WHERE id = ?", g.ParentID).Scan(&parentPath, &parentLevel)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("parent region %d: %w", g.ParentID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if g.Level.Rank() <= parentLevel.Rank() {
			return model.Invalid("level", "below_parent", "invalid.region_level.below_parent")
		}
	}
	g.CreatedAt = now()
	err := tx.queryRow(ctx, `INSERT INTO regions (parent_id, code, name, level, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		nullInt64(g.ParentID), g.Code, g.Name, g.Level, true, g.CreatedAt).Scan(&g.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("region code %s: %w", g.Code, ErrConflict)
	}
	if err != nil {
		return err
	}
	g.Path = parentPath + strconv.FormatInt(g.ID, 10) + "/"
	g.Active = true
	tx.identity = true // the parent's cached children
	_, err = tx.exec(ctx, "UPDATE regions SET path = ? WHERE id = ?", g.Path, g.ID)
	return err
}

// Region returns one region by id.
func (s *Store) Region(ctx context.Context, id int64) (model.Region, error) {
	return s.regionsByID.get(s, id, func() (model.Region, error) {
		g, err := scanRegion(s.queryRow(ctx, "SELECT "+regionCols+" FROM regions WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return g, ErrNotFound
		}
		return g, err
	})
}

// RootRegion returns the deployment's root region (the one without a parent).
func (s *Store) RootRegion(ctx context.Context) (model.Region, error) {
	g, err := scanRegion(s.queryRow(ctx, "SELECT "+regionCols+" FROM regions WHERE parent_id IS NULL ORDER BY id LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	return g, err
}

// RegionByCode returns one region by its code.
func (s *Store) RegionByCode(ctx context.Context, code string) (model.Region, error) {
	g, err := scanRegion(s.queryRow(ctx, "SELECT "+regionCols+" FROM regions WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	return g, err
}

// RegionFilter narrows a region listing.
type RegionFilter struct {
	Within     string // only regions whose path starts with this (a subtree); "" for all
	ParentID   int64  // only children of this region; 0 for no such limit
	ActiveOnly bool
}

// Regions lists regions in tree order (by path, then code).
// A region's children are read through a cache (dictcache.go): the case page asks for
// the centre's on every view.
func (s *Store) Regions(ctx context.Context, f RegionFilter) ([]model.Region, error) {
	if f.ParentID != 0 && f.Within == "" {
		return cachedList(&s.regionChildren, s, f, func() ([]model.Region, error) { return s.regions(ctx, f) })
	}
	return s.regions(ctx, f)
}

func (s *Store) regions(ctx context.Context, f RegionFilter) ([]model.Region, error) {
	q := "SELECT " + regionCols + " FROM regions WHERE 1=1"
	var args []any
	if f.Within != "" {
		q += " AND path LIKE ?"
		args = append(args, f.Within+"%")
	}
	if f.ParentID != 0 {
		q += " AND parent_id = ?"
		args = append(args, f.ParentID)
	}
	if f.ActiveOnly {
		q += " AND active = ?"
		args = append(args, true)
	}
	q += " ORDER BY path"
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (model.Region, error) { return scanRegion(r) })
}

// UpdateRegion changes a region's name and code (its place in the tree is fixed:
// cases refer to it).
func (s *Store) UpdateRegion(ctx context.Context, e AuditEntry, id int64, code, name string) error {
	defer s.identityChanged()
	res, err := s.exec(ctx, e, "UPDATE regions SET code = ?, name = ? WHERE id = ?", code, name, id)
	return affectedOne(res, err, "region code "+code)
}

// SetRegionActive deactivates or reactivates a region. A region with active children
// cannot be deactivated: the children would be orphaned in every picker.
func (s *Store) SetRegionActive(ctx context.Context, e AuditEntry, id int64, active bool) error {
	defer s.identityChanged()
	return s.InTx(ctx, e, func(tx *Tx) error {
		if !active {
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM regions WHERE parent_id = ? AND active = ?", id, true).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return model.Invalid("active", "has_active_children", "invalid.region.active_children")
			}
		}
		res, err := tx.exec(ctx, "UPDATE regions SET active = ? WHERE id = ?", active, id)
		return affectedOne(res, err, "")
	})
}

// affectedOne turns "no row changed" into ErrNotFound and a unique violation into
// ErrConflict.
func affectedOne(res sql.Result, err error, what string) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%s: %w", what, ErrConflict)
	}
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// InvalidError is a rule the data itself breaks (as opposed to malformed input).
type InvalidError = model.FieldError

// RegionAncestors returns g's ancestors and g itself, root first, read off its path.
func (s *Store) RegionAncestors(ctx context.Context, g model.Region) ([]model.Region, error) {
	var ids []any
	var ph []string
	for _, part := range strings.Split(strings.Trim(g.Path, "/"), "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			ids = append(ids, id)
			ph = append(ph, "?")
		}
	}
	if len(ids) == 0 {
		return []model.Region{g}, nil
	}
	rows, err := s.query(ctx, "SELECT "+regionCols+" FROM regions WHERE id IN ("+strings.Join(ph, ",")+") ORDER BY LENGTH(path)", ids...)
	return scanAll(rows, err, func(r *sql.Rows) (model.Region, error) { return scanRegion(r) })
}

// RenameRegion is UpdateRegion's name change inside a transaction.
func (tx *Tx) RenameRegion(ctx context.Context, id int64, name string) error {
	tx.identity = true
	res, err := tx.exec(ctx, "UPDATE regions SET name = ? WHERE id = ?", name, id)
	return affectedOne(res, err, "region")
}
