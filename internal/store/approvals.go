package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// Approvals is what waits on a leader (待审批): extension requests of the cases of the
// centres under them, answers to supervision orders not yet read (their own orders,
// and the sweep's on those centres' cases), and orange and red warnings whose
// response is still due on cases in their subtree.
type Approvals struct {
	Extensions []model.Case
	Replies    []Supervision
	Warnings   []model.Case
}

// ApprovalCounts are Approvals counted, for the navigation's badge.
type ApprovalCounts struct {
	Extensions, Replies, Warnings int
}

// Total is every item waiting.
func (n ApprovalCounts) Total() int { return n.Extensions + n.Replies + n.Warnings }

// The three conditions, on cases c (and centres r, orders v).
const (
	extensionWaits = "c.extension_pending = TRUE AND c.state IN " + openStates + " AND r.path >= ? AND r.path < ?"
	replyWaits     = "v.status = 'replied' AND v.reviewed_at IS NULL AND (v.issued_by = ? OR (v.issued_by IS NULL AND r.path >= ? AND r.path < ?))"
	warningWaits   = "c.risk_level IN ('red','orange') AND c.risk_response_by IS NOT NULL AND c.region_path >= ? AND c.region_path < ?"
)

// PendingApprovals lists what waits on leader, who sits at the region with path,
// oldest first in each list, at most limit of each.
func (s *Store) PendingApprovals(ctx context.Context, leader int64, path string, limit int) (Approvals, error) {
	var out Approvals
	lo, hi := pathRange(path)
	scan := func(r *sql.Rows) (model.Case, error) { return scanCase(r) }
	var err error
	out.Extensions, err = listAll(s, ctx, fmt.Sprintf("SELECT %s FROM cases c JOIN regions r ON r.id = c.centre_id WHERE %s ORDER BY c.updated_at, c.id LIMIT %d",
		caseCols, extensionWaits, limit), []any{lo, hi}, scan)
	if err != nil {
		return out, err
	}
	out.Replies, err = listAll(s, ctx, fmt.Sprintf("SELECT %s FROM supervisions v JOIN cases c ON c.id = v.case_id JOIN regions r ON r.id = v.centre_id WHERE %s ORDER BY v.replied_at, v.id LIMIT %d",
		supervisionCols, replyWaits, limit), []any{leader, lo, hi}, func(r *sql.Rows) (Supervision, error) { return scanSupervision(r) })
	if err != nil {
		return out, err
	}
	out.Warnings, err = listAll(s, ctx, fmt.Sprintf("SELECT %s FROM cases c WHERE %s ORDER BY c.risk_response_by, c.id LIMIT %d",
		caseCols, warningWaits, limit), []any{lo, hi}, scan)
	return out, err
}

// CountApprovals counts PendingApprovals in one round trip.
func (s *Store) CountApprovals(ctx context.Context, leader int64, path string) (ApprovalCounts, error) {
	var n ApprovalCounts
	lo, hi := pathRange(path)
	err := s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM cases c JOIN regions r ON r.id = c.centre_id WHERE `+extensionWaits+`),
		(SELECT COUNT(*) FROM supervisions v JOIN regions r ON r.id = v.centre_id WHERE `+replyWaits+`),
		(SELECT COUNT(*) FROM cases c WHERE `+warningWaits+`)`, lo, hi, leader, lo, hi, lo, hi).Scan(&n.Extensions, &n.Replies, &n.Warnings)
	return n, err
}

// ReviewReply marks an answered order read by leader (阅知); false when it is not an
// answer waiting on them.
func (tx *Tx) ReviewReply(ctx context.Context, id, leader int64, path string, at time.Time) (bool, error) {
	lo, hi := pathRange(path)
	res, err := tx.exec(ctx, `UPDATE supervisions SET reviewed_by = ?, reviewed_at = ? WHERE id = ? AND id IN
		(SELECT v.id FROM supervisions v JOIN regions r ON r.id = v.centre_id WHERE `+replyWaits+`)`, leader, at.UTC(), id, leader, lo, hi)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
