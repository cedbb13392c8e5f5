package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/onedoor/onedoor/internal/model"
)

const categoryCols = "id, kind, COALESCE(parent_id, 0), code, name, sort_order, active"

func scanCategory(r interface{ Scan(...any) error }) (model.Category, error) {
	var c model.Category
	err := r.Scan(&c.ID, &c.Kind, &c.ParentID, &c.Code, &c.Name, &c.SortOrder, &c.Active)
	return c, err
}

// CreateCategory inserts a category; a second-level one must sit under a top-level one
// of the same kind.
func (s *Store) CreateCategory(ctx context.Context, e AuditEntry, c *model.Category) error {
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.CreateCategory(ctx, c) })
}

// CreateCategory is the transactional form of Store.CreateCategory.
func (tx *Tx) CreateCategory(ctx context.Context, c *model.Category) error {
	if c.ParentID != 0 {
		var kind model.CaseKind
		var grand sql.NullInt64
		err := tx.queryRow(ctx, "SELECT kind, parent_id FROM categories WHERE id = ?", c.ParentID).Scan(&kind, &grand)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("parent category %d: %w", c.ParentID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if grand.Valid {
			return model.Invalid("parent_id", "too_deep", "invalid.parent_category.too_deep")
		}
		if kind != c.Kind {
			return model.Invalid("kind", "kind_mismatch", "invalid.parent_category.kind_mismatch")
		}
	}
	c.Active = true
	tx.identity = true // the cached lists
	err := tx.queryRow(ctx, `INSERT INTO categories (kind, parent_id, code, name, sort_order, active)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, c.Kind, nullInt64(c.ParentID), c.Code, c.Name, c.SortOrder, true).Scan(&c.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("category code %s: %w", c.Code, ErrConflict)
	}
	return err
}

// Category returns one category by id.
func (s *Store) Category(ctx context.Context, id int64) (model.Category, error) {
	return s.categoriesByID.get(s, id, func() (model.Category, error) {
		c, err := scanCategory(s.queryRow(ctx, "SELECT "+categoryCols+" FROM categories WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return c, ErrNotFound
		}
		return c, err
	})
}

// CategoryFilter narrows a category listing.
type CategoryFilter struct {
	Kind       model.CaseKind
	ActiveOnly bool
}

// Categories lists the dictionary: kinds in their order, each top-level category
// followed by its children. Read through a cache (dictcache.go): every intake form and
// case page names categories.
func (s *Store) Categories(ctx context.Context, f CategoryFilter) ([]model.Category, error) {
	return cachedList(&s.categoryLists, s, f, func() ([]model.Category, error) { return s.categories(ctx, f) })
}

func (s *Store) categories(ctx context.Context, f CategoryFilter) ([]model.Category, error) {
	q := `SELECT c.id, c.kind, COALESCE(c.parent_id, 0), c.code, c.name, c.sort_order, c.active
		FROM categories c LEFT JOIN categories p ON p.id = c.parent_id WHERE 1=1`
	var args []any
	if f.Kind != "" {
		q += " AND c.kind = ?"
		args = append(args, f.Kind)
	}
	if f.ActiveOnly {
		q += " AND c.active = ?"
		args = append(args, true)
	}
	q += ` ORDER BY CASE c.kind WHEN 'dispute' THEN 1 WHEN 'petition' THEN 2 WHEN 'hazard' THEN 3 ELSE 4 END,
		COALESCE(p.sort_order, c.sort_order), COALESCE(p.id, c.id), c.parent_id IS NOT NULL, c.sort_order, c.id`
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (model.Category, error) { return scanCategory(r) })
}

// UpdateCategory changes a category's code, name and order.
func (s *Store) UpdateCategory(ctx context.Context, e AuditEntry, id int64, code, name string, sortOrder int) error {
	defer s.identityChanged()
	res, err := s.exec(ctx, e, "UPDATE categories SET code = ?, name = ?, sort_order = ? WHERE id = ?", code, name, sortOrder, id)
	return affectedOne(res, err, "category code "+code)
}

// SetCategoryActive deactivates or reactivates a category (and, when deactivating a
// top-level one, its children with it).
func (s *Store) SetCategoryActive(ctx context.Context, e AuditEntry, id int64, active bool) error {
	defer s.identityChanged()
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE categories SET active = ? WHERE id = ?", active, id)
		if err := affectedOne(res, err, ""); err != nil {
			return err
		}
		if active {
			return nil
		}
		_, err = tx.exec(ctx, "UPDATE categories SET active = ? WHERE parent_id = ?", false, id)
		return err
	})
}
