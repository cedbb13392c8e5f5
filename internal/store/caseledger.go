package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// LedgerCase is what a case's row of a 台账 (an export of a case list) is written
// from: the listing's columns the row shows, its lead department and the parties
// that name and identify its people (for the masking rule), nothing else.
type LedgerCase struct {
	ID             int64
	TrackingCode   string // not written: MaskText takes it out of the texts
	Kind           model.CaseKind
	CategoryID     int64
	Channel        model.Channel
	RegionID       int64
	Title          string
	State          string
	Outcome        string
	CreatedAt      time.Time
	DueAt          *time.Time
	ResolvedAt     *time.Time
	LeadDepartment int64 // its lead department (主办单位, the assignment not returned); 0 when none
	Parties        []model.Party
}

// Private is what identifies the case's people in its texts (model.MaskText).
func (c *LedgerCase) Private() model.Private {
	return model.Private{Parties: c.Parties, TrackingCode: c.TrackingCode}
}

// ledgerBatch is how many cases an export reads at a time: large enough that the
// per-query costs (planning, the parties' look-up) vanish against the rows, small
// enough that a batch is a few hundred kilobytes.
var ledgerBatch = 1000

// ledgerCols are LedgerCase's columns in scanLedger's order. The lead department is
// the last live lead assignment's (as LeadDepartments reads it), looked up per row
// through case_assignments_case.
const ledgerCols = `c.id, c.tracking_code, c.kind, c.category_id, c.channel, c.region_id, c.title, c.state, c.outcome,
	c.created_at, c.due_at, c.resolved_at,
	COALESCE((SELECT ld.department_id FROM case_assignments ld WHERE ld.case_id = c.id AND ld.is_lead AND ld.status <> 'returned' ORDER BY ld.id DESC LIMIT 1), 0)`

func scanLedger(r *sql.Rows) (LedgerCase, error) {
	var c LedgerCase
	var due, resolved sql.NullTime
	err := r.Scan(&c.ID, &c.TrackingCode, &c.Kind, &c.CategoryID, &c.Channel, &c.RegionID, &c.Title, &c.State, &c.Outcome,
		&c.CreatedAt, &due, &resolved, &c.LeadDepartment)
	c.CreatedAt = c.CreatedAt.UTC()
	c.DueAt, c.ResolvedAt = timePtr(due), timePtr(resolved)
	return c, err
}

// EachLedgerCase hands every case of the list f names in scope sc (Cases' rows, in
// Cases' order, f's paging ignored) to each, a batch at a time, and returns how many
// there were. Only the columns a 台账 writes are read.
//
// The list is read in one pass: newest first (the lists' order, and a search's) by
// Cases' own keyset cursor, oldest first by the same cursor turned round — one
// row-value comparison of the order's two keys, so that each batch starts where the
// last ended (an OR of two conditions read the index from its start for every batch).
// The other orders (by deadline, by relevance) have no such key and are read by offset.
//
// The next batch is read while each writes this one: on two cores the database's
// work and the file's are done side by side, and a batch waits for each at most.
func (s *Store) EachLedgerCase(ctx context.Context, f CaseFilter, sc CaseScope, each func([]LedgerCase) error) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []LedgerCase, 1)
	var readErr error
	go func() {
		defer close(batches)
		readErr = s.readLedger(ctx, f, sc, func(b []LedgerCase) bool {
			select {
			case batches <- b:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	n := 0
	for b := range batches {
		n += len(b)
		if err := each(b); err != nil {
			cancel()
			for range batches {
			}
			return n, err
		}
	}
	return n, readErr
}

// readLedger reads EachLedgerCase's batches and hands each to put, until the list
// ends or put refuses one.
func (s *Store) readLedger(ctx context.Context, f CaseFilter, sc CaseScope, put func([]LedgerCase) bool) error {
	f, err := s.withCategories(ctx, f)
	if err != nil {
		return err
	}
	f.Offset, f.Before, f.Limit = 0, 0, 0
	last, offset := int64(0), 0
	for {
		page := f
		after := false // oldest first: the cursor's condition, on the order's own keys
		if last != 0 && f.Sort == SortNewest {
			page.Before = last
		} else if last != 0 && f.Sort == SortOldest {
			after = true
		}
		q, args, order, orderArgs, viaAssignments := s.casesQuery(page, sc, ledgerCols, false)
		if after {
			keys := strings.Split(order, ", ")
			if len(keys) != 2 {
				return fmt.Errorf("store: the oldest-first order %q is not two keys", order)
			}
			for i, k := range keys {
				keys[i] = strings.TrimSuffix(k, " ASC")
			}
			q += " AND (" + keys[0] + ", " + keys[1] + ") > ((SELECT b.created_at FROM cases b WHERE b.id = ?), ?)"
			args = append(args, last, last)
		}
		args = append(args, orderArgs...)
		q += fmt.Sprintf(" ORDER BY %s LIMIT %d", order, ledgerBatch)
		if f.Sort != SortNewest && f.Sort != SortOldest && offset > 0 {
			q += fmt.Sprintf(" OFFSET %d", offset)
		}
		batch, err := listAll(s, ctx, q, args, scanLedger)
		if err != nil || len(batch) == 0 {
			return err
		}
		full := len(batch) == ledgerBatch
		prev := last
		last, offset = batch[len(batch)-1].ID, offset+len(batch)
		if viaAssignments {
			// A department holding two live assignments of one case lists it twice, side
			// by side (Cases), or as the last of a batch and the first of the next (read
			// by offset).
			batch = compactLedger(batch, prev)
		}
		if err := s.ledgerParties(ctx, batch); err != nil {
			return err
		}
		if !put(batch) {
			return ctx.Err()
		}
		if !full {
			return nil
		}
	}
}

// compactLedger drops the second of two rows of one case side by side; prev is the
// case before the batch's first.
func compactLedger(batch []LedgerCase, prev int64) []LedgerCase {
	out := batch[:0]
	for i := range batch {
		if batch[i].ID == prev {
			continue
		}
		prev = batch[i].ID
		out = append(out, batch[i])
	}
	return out
}

// ledgerParties reads the parties of a batch of cases in one query: what the masking
// rule needs of them (names, ID numbers, phones), in their order.
func (s *Store) ledgerParties(ctx context.Context, batch []LedgerCase) error {
	if len(batch) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(batch))
	args := make([]any, len(batch))
	for i := range batch {
		idx[batch[i].ID] = i
		args[i] = batch[i].ID
	}
	rows, err := s.query(ctx, "SELECT case_id, id, seq, role, name, id_number, phone FROM case_parties WHERE case_id IN ("+
		placeholders(len(batch))+") ORDER BY case_id, seq", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var caseID int64
		var p model.Party
		if err := rows.Scan(&caseID, &p.ID, &p.Seq, &p.Role, &p.Name, &p.IDNumber, &p.Phone); err != nil {
			return err
		}
		c := &batch[idx[caseID]]
		c.Parties = append(c.Parties, p)
	}
	return rows.Err()
}
