package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SavedScheme is an evaluation scheme an administrator saved, as its JSON body.
type SavedScheme struct {
	Code      string
	Body      []byte
	UpdatedAt time.Time
	UpdatedBy int64
}

// EvaluationSchemes lists the saved schemes by code.
func (s *Store) EvaluationSchemes(ctx context.Context) ([]SavedScheme, error) {
	rows, err := s.query(ctx, "SELECT code, body, updated_at, COALESCE(updated_by, 0) FROM evaluation_schemes ORDER BY code")
	return scanAll(rows, err, func(r *sql.Rows) (SavedScheme, error) {
		var sc SavedScheme
		var body string
		err := r.Scan(&sc.Code, &body, &sc.UpdatedAt, &sc.UpdatedBy)
		sc.Body = []byte(body)
		return sc, err
	})
}

// SaveEvaluationScheme stores a scheme (already validated) under its code, over the
// one saved before.
func (s *Store) SaveEvaluationScheme(ctx context.Context, e AuditEntry, code string, body []byte, by int64) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE evaluation_schemes SET body = ?, updated_at = ?, updated_by = ? WHERE code = ?", string(body), now(), nullInt64(by), code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		_, err = tx.exec(ctx, "INSERT INTO evaluation_schemes (code, body, updated_at, updated_by) VALUES (?, ?, ?, ?)", code, string(body), now(), nullInt64(by))
		return err
	})
}

// PublishedRanking is a ranking a leader published (定稿), frozen as computed then.
type PublishedRanking struct {
	ID            int64
	SchemeCode    string
	Unit          string
	PeriodFrom    string // YYYY-MM-DD
	RegionID      int64
	Body          []byte
	PublishedBy   int64
	PublisherName string
	PublishedAt   time.Time
}

// PublishRanking freezes a ranking; a period already published for the scheme and
// region is ErrConflict (a published ranking is not published again).
func (s *Store) PublishRanking(ctx context.Context, e AuditEntry, p *PublishedRanking) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO evaluation_results (scheme_code, unit, period_from, region_id, body, published_by, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.SchemeCode, p.Unit, p.PeriodFrom, p.RegionID, string(p.Body), p.PublishedBy, p.PublishedAt.UTC()).Scan(&p.ID)
		if isUniqueViolation(err) {
			return ErrConflict
		}
		return err
	})
}

// PublishedRankingOf reads the published ranking of a scheme, period and region;
// ErrNotFound when it is not published.
func (s *Store) PublishedRankingOf(ctx context.Context, scheme, unit, from string, regionID int64) (PublishedRanking, error) {
	var p PublishedRanking
	var body string
	err := s.queryRow(ctx, `SELECT e.id, e.scheme_code, e.unit, e.period_from, e.region_id, e.body, e.published_by, COALESCE(u.display_name, ''), e.published_at
		FROM evaluation_results e LEFT JOIN users u ON u.id = e.published_by
		WHERE e.scheme_code = ? AND e.unit = ? AND e.period_from = ? AND e.region_id = ?`, scheme, unit, from, regionID).
		Scan(&p.ID, &p.SchemeCode, &p.Unit, &p.PeriodFrom, &p.RegionID, &body, &p.PublishedBy, &p.PublisherName, &p.PublishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.Body = []byte(body)
	p.PublishedAt = p.PublishedAt.UTC()
	return p, err
}
