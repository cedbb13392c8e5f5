package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/report"
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

// RollupUnit is what RollupSumsByUnit sums the rollups by: a ranking's units.
type RollupUnit string

// The units a ranking's rollups are summed by: leaf regions (folded into townships by
// the caller) and lead departments.
const (
	ByLeafRegion     RollupUnit = "region_path"
	ByLeadDepartment RollupUnit = "lead_department"
)

// RollupSumsByUnit sums the rollups of side over the days [fromDay, toDay) within
// scope sc, by unit: each key (a leaf region's path, or a lead department's id as
// decimal, "0" for none) with the sums of report.RollupColumns. The caller checks
// RollupsServe first.
func (s *Store) RollupSumsByUnit(ctx context.Context, side, fromDay, toDay string, unit RollupUnit, sc CaseScope) (map[string][]int64, error) {
	if unit != ByLeafRegion && unit != ByLeadDepartment {
		return nil, fmt.Errorf("rollups: no unit %q", unit)
	}
	where := "r.side = ? AND r.day >= ? AND r.day < ?"
	args := []any{side, fromDay, toDay}
	if !sc.All {
		lo, hi := pathRange(sc.RegionPath)
		where += " AND r.region_path >= ? AND r.region_path < ?"
		args = append(args, lo, hi)
	}
	key := "r." + string(unit)
	if unit == ByLeadDepartment {
		key = "CAST(r.lead_department AS TEXT)"
	}
	rows, err := s.query(ctx, "SELECT "+key+", "+rollupSums("r")+" FROM case_rollups r WHERE "+where+" GROUP BY r."+string(unit), args...)
	out := map[string][]int64{}
	_, err = scanAll(rows, err, func(r *sql.Rows) (struct{}, error) {
		var k string
		sums := make([]int64, len(report.RollupColumns))
		dst := []any{&k}
		for i := range sums {
			dst = append(dst, &sums[i])
		}
		err := r.Scan(dst...)
		out[k] = sums
		return struct{}{}, err
	})
	return out, err
}
