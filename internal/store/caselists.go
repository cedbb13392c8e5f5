package store

import (
	"context"
	"fmt"
	"time"
)

// listDriver is, on SQLite, the index a filtered case list's page and total are read
// through: the index of its rarest filter. SQLite's statistics (sqlite_stat1) hold one
// average of rows per value for an index, so to its planner urgency=critical and
// urgency=normal, or the few cases registered this week and the 500,000 disputes, look
// alike; it walked the index of a common filter testing a rare one on each entry
// (kind + urgency: 77 ms at 1.1M cases; village + kind + urgency through the region's
// rows: 1.8 s at 450k). The value counts are read by the store itself (listCounts).
type listDriver struct {
	index string // named in INDEXED BY
	// ordered: the driver's cases, read from its index, are in the list's order
	// (登记时间 within one value), so a page stops after its rows. Otherwise the
	// page's ids are read from the index and sorted, then its rows fetched.
	ordered bool
	// region: the driver is the subtree's range, which the listing then names
	// as an index condition (not "+c.region_path").
	region bool
}

// listDriverCap is how far a filter's cases are counted to choose the driver: a
// filter with more than this many cases is common, and any common filter walks as
// well as another.
const listDriverCap = 20000

// listCountTTL is how long a filter value's count is trusted: the share of a kind or
// a channel moves slowly; overdue cases and a week's registrations move, but within
// an order of magnitude in minutes.
const listCountTTL = 10 * time.Minute

type listCount struct {
	n  int
	at time.Time
}

// listCandidate is one filter's index and the count of its cases.
type listCandidate struct {
	driver listDriver
	probe  string // a condition on alias c which the index answers
	args   []any
}

// listDrivable tells whether a list is made of the list page's own filters (state,
// kind, urgency, channel, category, region, overdue) in a region scope, in the
// order of 登记时间: the lists listDriver serves. A search, a queue, a figure's cases,
// a department's scope and the other filters keep their own plans.
func listDrivable(f CaseFilter, sc CaseScope) bool {
	return f.Text.Empty() && f.Cond == nil && f.Queue == nil && f.SamePartyAs == 0 &&
		f.LeadDepartmentID == 0 && !f.NoLeadDepartment && f.PartyIDNumber == "" && f.PartyPhone == "" &&
		f.TrackingCode == "" && sc.DepartmentID == 0 && (f.Sort == SortNewest || f.Sort == SortOldest)
}

// listCandidates are the indexes that could drive f's list in scope sc.
func listCandidates(f CaseFilter, sc CaseScope) []listCandidate {
	var out []listCandidate
	overdue := !f.OverdueAt.IsZero()
	eq := func(index, col string, vals []any) {
		probe := "c." + col + " = ?"
		if len(vals) > 1 {
			probe = "c." + col + " IN (" + placeholders(len(vals)) + ")"
		}
		out = append(out, listCandidate{listDriver{index: index, ordered: len(vals) == 1}, probe, vals})
	}
	// The overdue list is read from the open cases by deadline or a subtree's
	// cases, the indexes that carry the deadline: through another filter's index
	// each entry's row was read to test it.
	if f.Kind != "" && !overdue {
		eq("cases_kind_registered", "kind", []any{string(f.Kind)})
	}
	if f.Urgency != "" && !overdue {
		eq("cases_urgency_registered", "urgency", []any{f.Urgency})
	}
	if f.Channel != "" && !overdue {
		eq("cases_channel_registered", "channel", []any{string(f.Channel)})
	}
	if len(f.categoryIDs) > 0 && !overdue {
		var vals []any
		for _, id := range f.categoryIDs {
			vals = append(vals, id)
		}
		eq("cases_category_registered", "category_id", vals)
	}
	if len(f.States) > 0 && !overdue {
		var vals []any
		for _, st := range f.States {
			vals = append(vals, st)
		}
		eq("cases_state_registered", "state", vals)
	}
	// The deeper of the scope's subtree and the region filter (a region filter
	// outside the scope finds nothing, whichever drives).
	path := ""
	if !sc.All {
		path = sc.RegionPath
	}
	if f.Within != "" && (f.RegionOnly || len(f.Within) > len(path)) {
		path = f.Within
	}
	if f.Within != "" && f.RegionOnly {
		out = append(out, listCandidate{listDriver{index: "cases_region_registered", ordered: true, region: true},
			"c.region_path = ?", []any{f.Within}})
	} else if path != "" {
		lo, hi := pathRange(path)
		out = append(out, listCandidate{listDriver{index: "cases_region_registered", region: true},
			"c.region_path >= ? AND c.region_path < ?", []any{lo, hi}})
	}
	if overdue {
		// Counted up to a minute's precision, so that the count is kept for a while.
		at := f.OverdueAt.UTC().Truncate(time.Minute)
		out = append(out, listCandidate{listDriver{index: "cases_open_due"},
			"c.state IN " + openStates + " AND c.due_at < ?", []any{at}})
	}
	return out
}

// listDriverFor chooses the indexes f's list in scope sc is read through on SQLite:
// count, the index of the filter with the fewest cases (a count up to
// listDriverCap, kept listCountTTL), whose entries the total reads up to 10,001
// matches; page, the same unless its page must be sorted (several states, a
// subtree) and it is common, when the rarest filter whose index is in the list's
// order walks (or, with none, the list's order itself), stopping after a page. nil:
// PostgreSQL (its planner has each value's frequency), or a list listDrivable does
// not serve.
func (s *Store) listDriverFor(ctx context.Context, f CaseFilter, sc CaseScope) (page, count *listDriver, err error) {
	if s.dialect != SQLite || !listDrivable(f, sc) {
		return nil, nil, nil
	}
	cands := listCandidates(f, sc)
	counts := make([]int, len(cands))
	for i, c := range cands {
		if counts[i], err = s.listCountOf(ctx, c); err != nil {
			return nil, nil, err
		}
	}
	page, count = chooseListDrivers(cands, counts)
	return page, count, nil
}

// chooseListDrivers is listDriverFor's choice among cands, whose cases number counts
// (each up to listDriverCap). count is nil when there is no filter to drive.
func chooseListDrivers(cands []listCandidate, counts []int) (page, count *listDriver) {
	var rarestOrdered *listDriver
	countN, orderedN := 0, 0
	for i, c := range cands {
		d, n := c.driver, counts[i]
		if count == nil || n < countN {
			count, countN = &d, n
		}
		if d.ordered && (rarestOrdered == nil || n < orderedN) {
			rarestOrdered, orderedN = &d, n
		}
	}
	switch {
	case count != nil && (count.ordered || countN < listDriverCap):
		page = count
	case rarestOrdered != nil:
		page = rarestOrdered
	default:
		page = &listDriver{index: "cases_registered", ordered: true}
	}
	return page, count
}

// listCountOf is how many cases c's condition holds, up to listDriverCap, from the
// store's cache when fresh.
func (s *Store) listCountOf(ctx context.Context, c listCandidate) (int, error) {
	key := c.driver.index + "|" + c.probe + "|" + fmt.Sprint(c.args...)
	if v, ok := s.listCounts.Load(key); ok {
		if lc := v.(listCount); time.Since(lc.at) < listCountTTL {
			return lc.n, nil
		}
	}
	q := fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM cases c INDEXED BY %s WHERE %s LIMIT %d) counted", c.driver.index, c.probe, listDriverCap)
	var n int
	if err := s.queryRow(ctx, q, c.args...).Scan(&n); err != nil {
		return 0, err
	}
	s.listCounts.Store(key, listCount{n, time.Now()})
	return n, nil
}

// drivenSelect is the SELECT of cols of f's list in scope sc read through f.driver,
// without its order.
func (s *Store) drivenSelect(f CaseFilter, sc CaseScope, cols string) (string, []any) {
	d := f.driver
	if d.region {
		// The subtree's range as the index's condition (CaseScope.where keeps a
		// large scope's off its index).
		sc.Small = true
	}
	where, args := sc.where(s.dialect)
	fw, fa := f.terms(s.dialect, false, !d.region)
	q := "SELECT " + cols + " FROM cases c INDEXED BY " + d.index + " WHERE " + where + " AND " + fw
	args = append(args, fa...)
	if f.Before > 0 {
		// The keyset cursor: what follows the last case seen in the list's order, a
		// range of the driver's index when it is in that order.
		cmp := "<"
		if f.Sort == SortOldest {
			cmp = ">"
		}
		q += " AND (c.created_at, c.id) " + cmp + " ((SELECT b.created_at FROM cases b WHERE b.id = ?), ?)"
		args = append(args, f.Before, f.Before)
	}
	return q, args
}

// drivenOrder is the list's order (登记时间, ties by id).
func drivenOrder(f CaseFilter) string {
	if f.Sort == SortOldest {
		return "c.created_at ASC, c.id ASC"
	}
	return "c.created_at DESC, c.id DESC"
}

// drivenPage is the query of a page of f's list in scope sc, read through f.driver:
// walked in the driver's order when it is the list's, a page's rows and no more.
// Otherwise the page's ids are read from the driver's index alone (each carries the
// order and every filter's column), sorted, and only the page's rows are read: read
// whole and sorted, each overdue case's row was read for a page of 50 (157 ms at
// 450k cases).
func (s *Store) drivenPage(f CaseFilter, sc CaseScope, cols string, limit int) (string, []any) {
	tail := fmt.Sprintf(" ORDER BY %s LIMIT %d", drivenOrder(f), limit)
	if f.Offset > 0 {
		tail += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	if f.driver.ordered {
		q, args := s.drivenSelect(f, sc, cols)
		return q + tail, args
	}
	ids, args := s.drivenSelect(f, sc, "c.id")
	return "SELECT " + cols + " FROM cases c WHERE c.id IN (" + ids + tail + ") ORDER BY " + drivenOrder(f), args
}

// withListDrivers is f with its page's driver (and, when counting, its count's).
func (s *Store) withListDriver(ctx context.Context, f CaseFilter, sc CaseScope, counting bool) (CaseFilter, error) {
	page, count, err := s.listDriverFor(ctx, f, sc)
	if err != nil {
		return f, err
	}
	f.driver = page
	if counting {
		f.driver = count
	}
	return f, nil
}

// listPage is the query of a page of f's list in scope sc, limit cases from
// f.Offset. viaAssignments: the page may hold a case twice (casesQuery).
func (s *Store) listPage(f CaseFilter, sc CaseScope, cols string, limit int) (q string, args []any, viaAssignments bool) {
	if f.driver != nil {
		q, args = s.drivenPage(f, sc, cols, limit)
		return q, args, false
	}
	idsFirst := s.dialect == Postgres && listDrivable(f, sc)
	sel := cols
	if idsFirst {
		sel = "c.id"
	}
	q, args, order, orderArgs, viaAssignments := s.casesQuery(f, sc, sel, false)
	args = append(args, orderArgs...)
	q += fmt.Sprintf(" ORDER BY %s LIMIT %d", order, limit)
	if f.Offset > 0 {
		q += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	if idsFirst {
		// The page's ids first, then its rows: every filter's column is in each
		// filter index (INCLUDE), and an index-only scan tests them there, where an
		// index scan of one filter read the table's row of each entry to test the
		// others (kind + overdue: 318 ms, village + kind + urgency: 741 ms at 1M).
		q = "SELECT " + cols + " FROM cases c WHERE c.id IN (" + q + ") ORDER BY " + order
	}
	return q, args, viaAssignments
}
