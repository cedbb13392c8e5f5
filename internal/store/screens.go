package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// ScreenToken lets the hall's big screen (大屏) show one region's figures without
// anyone signed in at it. The database holds only the token's hash.
type ScreenToken struct {
	ID         int64
	Name       string
	RegionID   int64
	Figure     string // the figure the map is coloured by
	Prefix     string // the token's first characters, to tell tokens apart
	CreatedBy  int64
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// CreateScreenToken stores a new screen token by its hash.
func (s *Store) CreateScreenToken(ctx context.Context, e AuditEntry, t *ScreenToken, hash string) error {
	t.CreatedAt = now()
	err := s.InTx(ctx, e, func(tx *Tx) error {
		return tx.queryRow(ctx, `INSERT INTO screen_tokens (name, region_id, figure, token_hash, prefix, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.Name, t.RegionID, t.Figure, hash, t.Prefix, t.CreatedBy, t.CreatedAt).Scan(&t.ID)
	})
	if err != nil && isForeignKeyViolation(err) {
		return ErrNotFound
	}
	return err
}

const screenTokenCols = "id, name, region_id, figure, prefix, created_by, created_at, revoked_at, last_used_at"

func scanScreenToken(r interface{ Scan(...any) error }) (ScreenToken, error) {
	var t ScreenToken
	var revoked, used sql.NullTime
	err := r.Scan(&t.ID, &t.Name, &t.RegionID, &t.Figure, &t.Prefix, &t.CreatedBy, &t.CreatedAt, &revoked, &used)
	if revoked.Valid {
		t.RevokedAt = &revoked.Time
	}
	if used.Valid {
		t.LastUsedAt = &used.Time
	}
	return t, err
}

// ScreenTokenByHash finds a live (not revoked) screen token by its hash.
func (s *Store) ScreenTokenByHash(ctx context.Context, hash string) (ScreenToken, error) {
	t, err := scanScreenToken(s.queryRow(ctx, "SELECT "+screenTokenCols+" FROM screen_tokens WHERE token_hash = ? AND revoked_at IS NULL", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// ScreenTokens lists the screen tokens of the regions inside the subtree at path,
// newest first.
func (s *Store) ScreenTokens(ctx context.Context, within string) ([]ScreenToken, error) {
	rows, err := s.query(ctx, "SELECT "+prefixed("t.", screenTokenCols)+` FROM screen_tokens t JOIN regions g ON g.id = t.region_id
		WHERE g.path LIKE ? ORDER BY t.id DESC`, within+"%")
	return scanAll(rows, err, func(r *sql.Rows) (ScreenToken, error) { return scanScreenToken(r) })
}

// RevokeScreenToken revokes a screen token; revoking a revoked one is not an error.
func (s *Store) RevokeScreenToken(ctx context.Context, e AuditEntry, id int64) error {
	res, err := s.exec(ctx, e, "UPDATE screen_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", now(), id)
	return affectedOne(res, err, "")
}

// TouchScreenToken records that a screen read its figures.
func (s *Store) TouchScreenToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.exec(ctx, NotAudited("a screen's last refresh"), "UPDATE screen_tokens SET last_used_at = ? WHERE id = ?", at.UTC(), id)
	return err
}

// SetRegionOutline stores (or replaces) a region's outline, a checked GeoJSON geometry.
func (s *Store) SetRegionOutline(ctx context.Context, e AuditEntry, regionID, by int64, geometry string) error {
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.SetRegionOutline(ctx, regionID, by, geometry) })
}

// SetRegionOutline is the transactional form of Store.SetRegionOutline.
func (tx *Tx) SetRegionOutline(ctx context.Context, regionID, by int64, geometry string) error {
	_, err := tx.exec(ctx, `INSERT INTO region_outlines (region_id, geometry, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (region_id) DO UPDATE SET geometry = excluded.geometry, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		regionID, geometry, nullInt64(by), now())
	if err != nil && isForeignKeyViolation(err) {
		return ErrNotFound
	}
	return err
}

// DeleteRegionOutline removes a region's outline; a region without one is not an error.
func (s *Store) DeleteRegionOutline(ctx context.Context, e AuditEntry, regionID int64) error {
	_, err := s.exec(ctx, e, "DELETE FROM region_outlines WHERE region_id = ?", regionID)
	return err
}

// RegionOutlines returns the outlines of those of ids that have one, by region id.
func (s *Store) RegionOutlines(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	type pair struct {
		id  int64
		geo string
	}
	rows, err := s.query(ctx, "SELECT region_id, geometry FROM region_outlines WHERE region_id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+")", args...)
	list, err := scanAll(rows, err, func(r *sql.Rows) (pair, error) {
		var p pair
		return p, r.Scan(&p.id, &p.geo)
	})
	for _, p := range list {
		out[p.id] = p.geo
	}
	return out, err
}

// prefixed puts alias before each of a comma-separated column list.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = alias + parts[i]
	}
	return strings.Join(parts, ", ")
}
