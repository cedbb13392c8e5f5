package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// MaxCaseLinks is how many cases one case may be linked to at a time: a case page
// lists them all.
const MaxCaseLinks = 50

const linkCols = "id, from_case, to_case, kind, note, COALESCE(created_by, 0), created_at"

func scanLink(r interface{ Scan(...any) error }) (model.CaseLink, error) {
	var l model.CaseLink
	err := r.Scan(&l.ID, &l.FromCase, &l.ToCase, &l.Kind, &l.Note, &l.CreatedBy, &l.CreatedAt)
	l.CreatedAt = l.CreatedAt.UTC()
	return l, err
}

// InsertLink links two cases. A pair linked already (either way round) gives
// ErrConflict.
func (tx *Tx) InsertLink(ctx context.Context, l *model.CaseLink) error {
	low, high := min(l.FromCase, l.ToCase), max(l.FromCase, l.ToCase)
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM case_links WHERE low_case = ? AND high_case = ? AND removed_at IS NULL", low, high).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("case link %d–%d: %w", low, high, ErrConflict)
	}
	id, err := tx.insertID(ctx, `INSERT INTO case_links (from_case, to_case, low_case, high_case, kind, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, l.FromCase, l.ToCase, low, high, string(l.Kind), l.Note,
		nullInt64(l.CreatedBy), l.CreatedAt.UTC())
	if isUniqueViolation(err) {
		return fmt.Errorf("case link %d–%d: %w", low, high, ErrConflict)
	}
	l.ID = id
	return err
}

// CountLinks is how many links caseID has, either way round.
func (tx *Tx) CountLinks(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM case_links WHERE low_case = ? AND removed_at IS NULL)
		+ (SELECT COUNT(*) FROM case_links WHERE high_case = ? AND removed_at IS NULL)`, caseID, caseID).Scan(&n)
	return n, err
}

// LinkOf reads link id of caseID (either end), if it stands.
func (tx *Tx) LinkOf(ctx context.Context, caseID, id int64) (model.CaseLink, error) {
	l, err := scanLink(tx.queryRow(ctx, "SELECT "+linkCols+` FROM case_links
		WHERE id = ? AND (from_case = ? OR to_case = ?) AND removed_at IS NULL`, id, caseID, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// RemoveLink takes a standing link back, keeping its row with who and when.
func (tx *Tx) RemoveLink(ctx context.Context, id, by int64, at time.Time) error {
	res, err := tx.exec(ctx, "UPDATE case_links SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL", nullInt64(by), at.UTC(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CaseLinks lists the standing links of caseID, either way round, oldest first. It
// says nothing of the cases at their other ends: the caller reads those in its
// reader's scope.
func (s *Store) CaseLinks(ctx context.Context, caseID int64) ([]model.CaseLink, error) {
	rows, err := s.query(ctx, "SELECT "+linkCols+` FROM case_links WHERE low_case = ? AND removed_at IS NULL
		UNION ALL SELECT `+linkCols+` FROM case_links WHERE high_case = ? AND removed_at IS NULL ORDER BY 1`, caseID, caseID)
	return scanAll(rows, err, func(r *sql.Rows) (model.CaseLink, error) { return scanLink(r) })
}
