package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// rankedMatches is how many of a search's newest matches a search by relevance
// ranks, on both stores: the list's newest 2,000 matches (its scope and every
// filter applied) are ordered by how well the words match, the older ones are left
// out of that order, and the list says so (RankedMatches, the page's
// list.ranked_window). Ranking every match of a common word reads each one's index
// entry: bm25 or ts_rank of the 62,000 matches of 土地 at 1M cases, then sorted,
// took 0.6–6 s where the newest-first page takes milliseconds, and a clerk who
// wants an older case narrows the list by a filter (a place, a period), which
// brings it into the window, or reads the list newest first.
var rankedMatches = 2000

// RankedMatches is how many of a list's newest matches a search by relevance ranks.
func RankedMatches() int { return rankedMatches }

// rankedPage is the ids of a search's page by relevance, best first, and whether
// the list is one (a search by relevance): the best of the list's newest
// rankedMatches matches.
func (s *Store) rankedPage(ctx context.Context, f CaseFilter, sc CaseScope, limit int) ([]any, bool, error) {
	if f.Text.Empty() || f.Sort != SortRelevance {
		return nil, false, nil
	}
	newest := f
	newest.Sort, newest.Before, newest.Offset = SortNewest, 0, 0
	var q string
	var args []any
	if s.dialect == Postgres {
		// The window from the GIN index's matches, sorted by id, then each of its
		// cases ranked: read down the primary key instead, a word in a township (a
		// third of the cases) read some 100,000 rows to find 2,000 matches, where the
		// index reads its matches alone (7,255 at 300k cases); ts_rank in the
		// window's own SELECT would rank every match before the sort.
		newest.Few = true
		inner, innerArgs, order, orderArgs, _ := s.casesQuery(newest, sc, "cs.case_id AS id", false)
		q = fmt.Sprintf("SELECT newest.id FROM (%s ORDER BY %s LIMIT %d) newest JOIN case_search r ON r.case_id = newest.id"+
			" ORDER BY ts_rank(r.doc, ?::tsquery) DESC, newest.id DESC LIMIT %d OFFSET %d", inner, order, rankedMatches, limit, f.Offset)
		args = append(append(innerArgs, orderArgs...), f.Text.TSQuery())
	} else {
		// FTS5 hands out its matches newest first and ranks (bm25: smaller is better)
		// only the rows read.
		inner, innerArgs, order, orderArgs, _ := s.casesQuery(newest, sc, "cs.rowid AS id, cs.rank AS search_rank", false)
		q = fmt.Sprintf("SELECT id FROM (%s ORDER BY %s LIMIT %d) newest ORDER BY search_rank, id DESC LIMIT %d OFFSET %d",
			inner, order, rankedMatches, limit, f.Offset)
		args = append(innerArgs, orderArgs...)
	}
	ids, err := listAll(s, ctx, q, args, func(r *sql.Rows) (any, error) {
		var id int64
		return id, r.Scan(&id)
	})
	return ids, true, err
}

// searchIDCol is a search's listing's column of the case id: the index row's.
func searchIDCol(d Dialect) string {
	if d == Postgres {
		return "cs.case_id"
	}
	return "cs.rowid"
}

// rankedOrder is the order of rankedPage's ids, as they came: ranked again in the
// page's own query, SQLite's FTS5 ranked every match of the word to sort by bm25
// (7.9 s for 土地 at 150k cases under load, against 0.1 s for the window).
func rankedOrder(d Dialect, ids []any) (string, []any) {
	var b strings.Builder
	b.WriteString("CASE " + searchIDCol(d))
	args := make([]any, 0, len(ids))
	for i, id := range ids {
		b.WriteString(" WHEN ? THEN " + strconv.Itoa(i))
		args = append(args, id)
	}
	b.WriteString(" END")
	return b.String(), args
}
