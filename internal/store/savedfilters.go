package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/onedoor/onedoor/internal/model"
)

// A saved filter is the user's own bookmark of a list: it holds no case data and
// changes nothing anyone else sees, so its writes are not the audit log's business.
const savedFilterUnaudited = "a user's own bookmark of a case list"

const savedFilterCols = "id, user_id, name, query, created_at, updated_at"

func scanSavedFilter(r interface{ Scan(...any) error }) (model.SavedFilter, error) {
	var f model.SavedFilter
	err := r.Scan(&f.ID, &f.UserID, &f.Name, &f.Query, &f.CreatedAt, &f.UpdatedAt)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return f, err
}

// SavedFilters lists userID's saved filters by name.
func (s *Store) SavedFilters(ctx context.Context, userID int64) ([]model.SavedFilter, error) {
	rows, err := s.query(ctx, "SELECT "+savedFilterCols+" FROM saved_filters WHERE user_id = ? ORDER BY name, id", userID)
	return scanAll(rows, err, func(r *sql.Rows) (model.SavedFilter, error) { return scanSavedFilter(r) })
}

// SavedFilter reads userID's saved filter id; another user's is ErrNotFound.
func (s *Store) SavedFilter(ctx context.Context, userID, id int64) (model.SavedFilter, error) {
	f, err := scanSavedFilter(s.queryRow(ctx, "SELECT "+savedFilterCols+" FROM saved_filters WHERE id = ? AND user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// ErrTooManySavedFilters is InsertSavedFilter's answer to a user who keeps
// model.MaxSavedFilters already.
var ErrTooManySavedFilters = errors.New("store: too many saved filters")

// InsertSavedFilter keeps f for f.UserID. A name the user has given another filter is
// ErrConflict; past model.MaxSavedFilters, ErrTooManySavedFilters.
func (s *Store) InsertSavedFilter(ctx context.Context, f *model.SavedFilter) error {
	at := now()
	return s.InTx(ctx, NotAudited(savedFilterUnaudited), func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM saved_filters WHERE user_id = ?", f.UserID).Scan(&n); err != nil {
			return err
		}
		if n >= model.MaxSavedFilters {
			return ErrTooManySavedFilters
		}
		id, err := tx.insertID(ctx, `INSERT INTO saved_filters (user_id, name, query, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, f.UserID, f.Name, f.Query, at, at)
		if isUniqueViolation(err) {
			return fmt.Errorf("saved filter %q: %w", f.Name, ErrConflict)
		}
		if err != nil {
			return err
		}
		f.ID, f.CreatedAt, f.UpdatedAt = id, at, at
		return nil
	})
}

// RenameSavedFilter renames userID's saved filter id (ErrNotFound for another user's,
// ErrConflict for a name taken).
func (s *Store) RenameSavedFilter(ctx context.Context, userID, id int64, name string) error {
	res, err := s.exec(ctx, NotAudited(savedFilterUnaudited), "UPDATE saved_filters SET name = ?, updated_at = ? WHERE id = ? AND user_id = ?",
		name, now(), id, userID)
	return affectedOne(res, err, fmt.Sprintf("saved filter %q", name))
}

// DeleteSavedFilter removes userID's saved filter id (ErrNotFound for another user's).
func (s *Store) DeleteSavedFilter(ctx context.Context, userID, id int64) error {
	res, err := s.exec(ctx, NotAudited(savedFilterUnaudited), "DELETE FROM saved_filters WHERE id = ? AND user_id = ?", id, userID)
	return affectedOne(res, err, "saved filter")
}
