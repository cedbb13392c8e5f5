package store

import (
	"context"
	"database/sql"
	"fmt"
)

// rankedMatches is how many of a search's newest matches a search by relevance
// ranks, on both stores: the list's newest 2,000 matches (its scope and every
// filter applied) are ordered by how well the words match, the older ones are left
// out of that order, and the list says so (RankedMatches, the page's
// list.ranked_window). Ranking every match of a common word reads each one's index
// entry: bm25 or ts_rank of 62,000 matches of 土地 at 1M cases, then sorted, took
// seconds where the newest-first page takes milliseconds, and a clerk who wants an
// older case narrows the list by a filter (a place, a period), which brings it into
// the window, or reads it newest first.
var rankedMatches = 2000

// RankedMatches is how many of a list's newest matches a search by relevance ranks.
func RankedMatches() int { return rankedMatches }

// relevanceWindow is the condition (with its arguments) that holds a search by
// relevance to the list's newest rankedMatches matches: the id of the oldest of them,
// found by reading the list newest first, as its own page is read. Nothing when the
// list is no search by relevance, or holds fewer matches: then every one is ranked.
func (s *Store) relevanceWindow(ctx context.Context, f CaseFilter, sc CaseScope) (string, []any, error) {
	if f.Text.Empty() || f.Sort != SortRelevance {
		return "", nil, nil
	}
	newest := f
	newest.Sort, newest.Before, newest.Offset = SortNewest, 0, 0
	idCol := "cs.rowid"
	if s.dialect == Postgres {
		idCol = "cs.case_id"
	}
	q, args, order, orderArgs, _ := s.casesQuery(newest, sc, idCol+" AS id", false)
	args = append(args, orderArgs...)
	q = fmt.Sprintf("SELECT COUNT(*), COALESCE(MIN(id), 0) FROM (%s ORDER BY %s LIMIT %d) newest", q, order, rankedMatches)
	var n int
	var oldest int64
	if err := s.listRow(ctx, q, args, func(r *sql.Rows) error { return r.Scan(&n, &oldest) }); err != nil {
		return "", nil, err
	}
	if n < rankedMatches {
		return "", nil, nil
	}
	return " AND " + idCol + " >= ?", []any{oldest}, nil
}

// listRow reads the one row of a listing's query (on the listings' pool).
func (s *Store) listRow(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := listAll(s, ctx, q, args, func(r *sql.Rows) (struct{}, error) { return struct{}{}, scan(r) })
	if err != nil {
		return err
	}
	if len(rows) != 1 {
		return sql.ErrNoRows
	}
	return nil
}
