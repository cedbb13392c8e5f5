package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
)

// ErrStale means the case changed since it was read: someone else acted first.
var ErrStale = errors.New("store: case changed meanwhile")

// CaseScope is what an actor may see (DESIGN.md §2), applied inside every case query:
// cases whose region lies in RegionPath's subtree, or that DepartmentID is assigned to
// (lead or co-handler, not returned). The zero scope sees nothing; All sees everything
// (background jobs only).
type CaseScope struct {
	RegionPath   string
	DepartmentID int64
	All          bool
	Small        bool // RegionPath is a village or a grid: a small share of all cases
}

// where returns the scope as a SQL condition on the cases alias c. On SQLite a large
// scope's range is kept off the path index: a county's or a township's cases are a
// large part of the table, and walking the primary key newest-first until a page is
// full beats reading the whole subtree and sorting it. A Small scope is read from the
// path index and sorted, or a page of a grid's cases walked the whole table
// (PostgreSQL's planner has statistics to choose for itself).
func (sc CaseScope) where(d Dialect) (string, []any) {
	if sc.All {
		return "1=1", nil
	}
	var parts []string
	var args []any
	if sc.RegionPath != "" {
		lo, hi := pathRange(sc.RegionPath)
		col := "c.region_path"
		if d == SQLite && !sc.Small {
			col = "+c.region_path"
		}
		parts = append(parts, "("+col+" >= ? AND "+col+" < ?)")
		args = append(args, lo, hi)
	}
	if sc.DepartmentID != 0 {
		parts = append(parts, "EXISTS (SELECT 1 FROM case_assignments sa WHERE sa.case_id = c.id AND sa.department_id = ? AND sa.status <> 'returned')")
		args = append(args, sc.DepartmentID)
	}
	if len(parts) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// pathRange turns a subtree (a region path such as "/1/4/") into the half-open range
// of paths under it, ["/1/4/", "/1/40"): '0' follows '/' in byte order. Unlike LIKE,
// a range uses the index on both databases (PostgreSQL compares region_path in the C
// collation).
func pathRange(prefix string) (string, string) {
	return prefix, prefix[:len(prefix)-1] + "0"
}

const caseCols = `c.id, c.tracking_code, c.kind, c.category_id, c.category_code, c.channel, c.region_id, c.region_path,
	COALESCE(c.grid_id, 0), c.centre_id, c.address, c.lat, c.lng, c.title, c.description, c.urgency, c.people_count,
	c.amount_fen, c.state, c.suspended_from, c.at_centre, c.outcome, c.satisfaction, COALESCE(c.merged_into, 0),
	c.extension_pending, c.extension_days, c.due_stage, c.due_at, COALESCE(c.registered_by, 0), c.created_at,
	c.updated_at, c.accepted_at, c.resolved_at, c.closed_at, c.version, c.due_flag, c.supervision_level,
	c.injured, c.risk_level, c.risk_computed, c.risk_score, c.risk_result, c.risk_since, COALESCE(c.risk_holder_id, 0),
	c.risk_response_by, c.risk_responded_at, c.risk_escalated, c.risk_quiet_since, c.risk_visits, c.risk_report_at,
	c.resolved_due_at, c.reopened, c.households`

func scanCase(r interface{ Scan(...any) error }) (model.Case, error) {
	var c model.Case
	var lat, lng sql.NullFloat64
	var due, accepted, resolved, closed, riskSince, riskBy, riskAt, riskQuiet, riskReport, resolvedDue sql.NullTime
	var riskResult string
	err := r.Scan(&c.ID, &c.TrackingCode, &c.Kind, &c.CategoryID, &c.CategoryCode, &c.Channel, &c.RegionID, &c.RegionPath,
		&c.GridID, &c.CentreID, &c.Address, &lat, &lng, &c.Title, &c.Description, &c.Urgency, &c.PeopleCount,
		&c.AmountFen, &c.State, &c.SuspendedFrom, &c.AtCentre, &c.Outcome, &c.Satisfaction, &c.MergedInto,
		&c.ExtensionPending, &c.ExtensionDays, &c.DueStage, &due, &c.RegisteredBy, &c.CreatedAt,
		&c.UpdatedAt, &accepted, &resolved, &closed, &c.Version, &c.DueFlag, &c.SupervisionLevel,
		&c.Injured, &c.RiskLevel, &c.RiskComputed, &c.RiskScore, &riskResult, &riskSince, &c.RiskHolderID,
		&riskBy, &riskAt, &c.RiskEscalated, &riskQuiet, &c.RiskVisits, &riskReport, &resolvedDue, &c.Reopened, &c.Households)
	c.ResolvedDueAt = timePtr(resolvedDue)
	if riskResult != "" {
		c.RiskResult = json.RawMessage(riskResult)
	}
	c.RiskSince, c.RiskResponseBy, c.RiskRespondedAt = timePtr(riskSince), timePtr(riskBy), timePtr(riskAt)
	c.RiskQuietSince, c.RiskReportAt = timePtr(riskQuiet), timePtr(riskReport)
	if lat.Valid {
		c.Lat = &lat.Float64
	}
	if lng.Valid {
		c.Lng = &lng.Float64
	}
	c.DueAt, c.AcceptedAt, c.ResolvedAt, c.ClosedAt = timePtr(due), timePtr(accepted), timePtr(resolved), timePtr(closed)
	return c, err
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// caseInsertCols are the columns a new case is written with, in caseInsertArgs' order.
const caseInsertCols = `tracking_code, kind, category_id, category_code, channel, region_id, region_path,
		grid_id, centre_id, address, address_key, lat, lng, title, description, urgency, people_count, amount_fen, state,
		suspended_from, at_centre, outcome, satisfaction, merged_into, extension_pending, extension_days, due_stage, due_at,
		registered_by, created_at, updated_at, accepted_at, resolved_at, closed_at, version,
		injured, risk_level, risk_computed, risk_score, risk_result, risk_since, risk_response_by, risk_quiet_since,
		supervision_level, resolved_due_at, reopened, households`

var caseInsertValues = placeholders(strings.Count(caseInsertCols, ",") + 1)

func caseInsertArgs(c *model.Case) []any {
	return []any{c.TrackingCode, c.Kind, c.CategoryID, c.CategoryCode, c.Channel, c.RegionID, c.RegionPath,
		nullInt64(c.GridID), c.CentreID, c.Address, AddressKey(c.Address), nullFloat(c.Lat), nullFloat(c.Lng), c.Title, c.Description,
		c.Urgency, c.PeopleCount, c.AmountFen, c.State, c.SuspendedFrom, c.AtCentre, c.Outcome, c.Satisfaction,
		nullInt64(c.MergedInto), c.ExtensionPending, c.ExtensionDays, c.DueStage, nullTime(c.DueAt),
		nullInt64(c.RegisteredBy), c.CreatedAt.UTC(), c.UpdatedAt.UTC(), nullTime(c.AcceptedAt), nullTime(c.ResolvedAt),
		nullTime(c.ClosedAt), c.Version,
		c.Injured, riskCode(c.RiskLevel), riskCode(c.RiskComputed), c.RiskScore, string(c.RiskResult), nullTime(c.RiskSince),
		nullTime(c.RiskResponseBy), nullTime(c.RiskQuietSince), c.SupervisionLevel, nullTime(c.ResolvedDueAt), c.Reopened,
		c.Households}
}

// insertCaseQuery skips a case whose tracking code is taken, rather than failing: on
// PostgreSQL a failed statement aborts its whole transaction, so the caller's retry
// with a fresh code could never have succeeded.
var insertCaseQuery = "INSERT INTO cases (" + caseInsertCols + ") VALUES (" + caseInsertValues + ") ON CONFLICT (tracking_code) DO NOTHING"

// InsertCase stores a new case with its parties, filling in ids and version. A
// tracking code already taken gives ErrConflict, and the transaction goes on.
func (tx *Tx) InsertCase(ctx context.Context, c *model.Case) error {
	c.Version = 1
	args := caseInsertArgs(c)
	var err error
	if tx.s.dialect == Postgres {
		err = tx.queryRow(ctx, insertCaseQuery+" RETURNING id", args...).Scan(&c.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("tracking code: %w", ErrConflict)
		}
	} else {
		// Without RETURNING, which SQLite buffers (see insertID); a skipped row
		// leaves the connection's last rowid as it was, so the count tells.
		var res sql.Result
		if res, err = tx.exec(ctx, insertCaseQuery, args...); err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("tracking code: %w", ErrConflict)
			}
			c.ID, err = res.LastInsertId()
		}
	}
	if err != nil {
		return err
	}
	tx.rollupNew(c.ID)
	for i := range c.Parties {
		p := &c.Parties[i]
		p.Seq = i + 1
		if p.ID, err = tx.insertID(ctx, `INSERT INTO case_parties (case_id, seq, role, name, id_number, phone, address, severe_mental_illness, minor, acts_for)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.ID, p.Seq, p.Role, p.Name, p.IDNumber, p.Phone, p.Address,
			p.SevereMentalIllness, p.Minor, p.ActsFor); err != nil {
			return err
		}
	}
	return tx.insertSearch(ctx, c.ID, caseDocument(c, nil))
}

// eventPayload is what an event's payload column holds: its JSON, or an empty object.
func eventPayload(ev *model.CaseEvent) string {
	if len(ev.Payload) == 0 {
		return "{}"
	}
	return string(ev.Payload)
}

// fillIDs hands each of the n comma-separated ids in list to set, in order.
func fillIDs(list string, n int, set func(i int, id int64)) error {
	var parts []string
	if list != "" {
		parts = strings.Split(list, ",")
	}
	if len(parts) != n {
		return fmt.Errorf("%d ids returned for %d rows", len(parts), n)
	}
	for i, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return err
		}
		set(i, id)
	}
	return nil
}

// AddressKey normalises an address for "same address" lookups: no spaces or
// punctuation, full-width digits and letters folded to ASCII, lower case.
func AddressKey(addr string) string {
	var b strings.Builder
	for _, r := range addr {
		switch {
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'a'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'a'
		case r >= 'A' && r <= 'Z':
			r = r - 'A' + 'a'
		}
		if r <= ' ' || strings.ContainsRune("-—_,，.。·、()（）#＃/ 　", r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CaseForUpdate reads a case inside a write transaction, locking its row on
// PostgreSQL (SQLite's writer already holds the database).
func (tx *Tx) CaseForUpdate(ctx context.Context, id int64) (model.Case, error) {
	q := "SELECT " + caseCols + " FROM cases c WHERE c.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	c, err := scanCase(tx.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	c.Assignments, err = tx.s.assignments(ctx, tx.tx, id)
	return c, err
}

// UpdateCase writes the case's mutable fields back, if nobody changed it since it was
// read (its version), and bumps the version.
func (tx *Tx) UpdateCase(ctx context.Context, c *model.Case) error {
	if err := tx.rollupTouch(ctx, c.ID); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE cases SET centre_id = ?, state = ?, suspended_from = ?, at_centre = ?, outcome = ?,
		satisfaction = ?, merged_into = ?, extension_pending = ?, extension_days = ?, due_stage = ?, due_at = ?,
		updated_at = ?, accepted_at = ?, resolved_at = ?, closed_at = ?, urgency = ?, due_flag = ?, supervision_level = ?,
		injured = ?, risk_level = ?, risk_computed = ?, risk_score = ?, risk_result = ?, risk_since = ?, risk_holder_id = ?,
		risk_response_by = ?, risk_responded_at = ?, risk_escalated = ?, risk_quiet_since = ?, risk_visits = ?, risk_report_at = ?,
		resolved_due_at = ?, reopened = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		c.CentreID, c.State, c.SuspendedFrom, c.AtCentre, c.Outcome, c.Satisfaction, nullInt64(c.MergedInto),
		c.ExtensionPending, c.ExtensionDays, c.DueStage, nullTime(c.DueAt), c.UpdatedAt.UTC(), nullTime(c.AcceptedAt),
		nullTime(c.ResolvedAt), nullTime(c.ClosedAt), c.Urgency, c.DueFlag, c.SupervisionLevel,
		c.Injured, riskCode(c.RiskLevel), riskCode(c.RiskComputed), c.RiskScore, string(c.RiskResult), nullTime(c.RiskSince),
		nullInt64(c.RiskHolderID), nullTime(c.RiskResponseBy), nullTime(c.RiskRespondedAt), c.RiskEscalated,
		nullTime(c.RiskQuietSince), c.RiskVisits, nullTime(c.RiskReportAt), nullTime(c.ResolvedDueAt), c.Reopened,
		c.ID, c.Version)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrStale
	}
	c.Version++
	return nil
}

// AppendEvent adds one step to a case's timeline.
func (tx *Tx) AppendEvent(ctx context.Context, ev *model.CaseEvent) error {
	return tx.AppendEvents(ctx, ev)
}

// AppendEvents writes several events of one step in one statement, in their order,
// filling in their ids: a new case's register and warning events were two round trips
// of intake's dozen.
func (tx *Tx) AppendEvents(ctx context.Context, evs ...*model.CaseEvent) error {
	if len(evs) == 0 {
		return nil
	}
	if err := tx.indexNotes(ctx, evs); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("INSERT INTO case_events (case_id, actor_id, at, action, from_state, to_state, note, payload) VALUES ")
	args := make([]any, 0, 8*len(evs))
	for i, ev := range evs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, ev.CaseID, nullInt64(ev.ActorID), ev.At.UTC(), ev.Action, ev.FromState, ev.ToState, ev.Note, eventPayload(ev))
	}
	if tx.s.dialect == Postgres {
		// The identity hands out ids in the order of the VALUES; RETURNING's own order
		// is not promised, so the ids are sorted back into it.
		rows, err := tx.query(ctx, b.String()+" RETURNING id", args...)
		ids, err := scanAll(rows, err, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return err
		}
		if len(ids) != len(evs) {
			return fmt.Errorf("case events: %d ids returned for %d rows", len(ids), len(evs))
		}
		slices.Sort(ids)
		for i, ev := range evs {
			ev.ID = ids[i]
		}
		return nil
	}
	// One SQLite statement takes consecutive rowids, and the writer is alone.
	res, err := tx.exec(ctx, b.String(), args...)
	if err != nil {
		return err
	}
	last, err := res.LastInsertId()
	for i, ev := range evs {
		ev.ID = last - int64(len(evs)-1-i)
	}
	return err
}

// InsertAssignment adds a department's part in a case.
func (tx *Tx) InsertAssignment(ctx context.Context, a *model.Assignment) error {
	if a.IsLead { // the case's lead department, a key of its rollups
		if err := tx.rollupTouch(ctx, a.CaseID); err != nil {
			return err
		}
	}
	return tx.queryRow(ctx, `INSERT INTO case_assignments (case_id, department_id, is_lead, status, assigned_at, return_by, due_at, due_basis)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.CaseID, a.DepartmentID, a.IsLead, a.Status, a.AssignedAt.UTC(),
		nullTime(a.ReturnBy), nullTime(a.DueAt), a.DueBasis).Scan(&a.ID)
}

// UpdateAssignment records an assignment's progress.
func (tx *Tx) UpdateAssignment(ctx context.Context, a *model.Assignment) error {
	if a.IsLead { // a lead part returned leaves its case without a lead department
		if err := tx.rollupTouch(ctx, a.CaseID); err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `UPDATE case_assignments SET status = ?, signed_at = ?, reported_at = ?, report = ?, due_at = ?, due_flag = ? WHERE id = ?`,
		a.Status, nullTime(a.SignedAt), nullTime(a.ReportedAt), a.Report, nullTime(a.DueAt), a.DueFlag, a.ID)
	return err
}

const assignmentCols = "id, case_id, department_id, is_lead, status, assigned_at, return_by, signed_at, reported_at, report, due_at, due_flag, due_basis"

func scanAssignment(r *sql.Rows) (model.Assignment, error) {
	var a model.Assignment
	var ret, signed, reported, due sql.NullTime
	err := r.Scan(&a.ID, &a.CaseID, &a.DepartmentID, &a.IsLead, &a.Status, &a.AssignedAt, &ret, &signed, &reported, &a.Report, &due, &a.DueFlag, &a.DueBasis)
	a.ReturnBy, a.SignedAt, a.ReportedAt, a.DueAt = timePtr(ret), timePtr(signed), timePtr(reported), timePtr(due)
	return a, err
}

func (s *Store) assignments(ctx context.Context, q queryer, caseID int64) ([]model.Assignment, error) {
	rows, err := q.QueryContext(ctx, s.q("SELECT "+assignmentCols+" FROM case_assignments WHERE case_id = ? ORDER BY id"), caseID)
	return scanAll(rows, err, scanAssignment)
}

// DepartmentParts returns, for each of caseIDs that department works on, its live
// part (lead or co-handler, not returned), so a queue can show the department's own
// deadline beside the case's. A department holding both parts of one case gets its
// co-handling part, the one with a deadline of its own.
func (s *Store) DepartmentParts(ctx context.Context, department int64, caseIDs []int64) (map[int64]model.Assignment, error) {
	out := map[int64]model.Assignment{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	args := []any{department}
	for _, id := range caseIDs {
		args = append(args, id)
	}
	rows, err := s.query(ctx, "SELECT "+assignmentCols+" FROM case_assignments WHERE department_id = ? AND status <> 'returned' AND case_id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(caseIDs)), ",")+") ORDER BY id", args...)
	list, err := scanAll(rows, err, scanAssignment)
	for _, a := range list {
		if prev, ok := out[a.CaseID]; !ok || prev.IsLead {
			out[a.CaseID] = a
		}
	}
	return out, err
}

// PartTransition is a co-handling part whose deadline flag must change.
type PartTransition struct {
	AssignmentID int64
	CaseID       int64
	Flag         string // due_soon or overdue
}

// PartDueTransitions is DueTransitions for the parts of co-handling departments: live
// parts (to be signed, or signed and not reported) whose deadline passed or falls
// within the warning window, on cases whose clock runs (not suspended, not closed).
func (s *Store) PartDueTransitions(ctx context.Context, now, soon time.Time, limit int) ([]PartTransition, error) {
	q := fmt.Sprintf(`SELECT a.id, a.case_id, 'overdue' FROM case_assignments a JOIN cases c ON c.id = a.case_id
		WHERE a.status IN ('assigned','signed') AND a.due_at IS NOT NULL AND a.due_flag IN ('', 'due_soon') AND a.due_at < ? AND c.state IN %[1]s
		UNION ALL
		SELECT a.id, a.case_id, 'due_soon' FROM case_assignments a JOIN cases c ON c.id = a.case_id
		WHERE a.status IN ('assigned','signed') AND a.due_at IS NOT NULL AND a.due_flag = '' AND a.due_at >= ? AND a.due_at < ? AND c.state IN %[1]s
		LIMIT %[2]d`, sweepableStates, limit)
	rows, err := s.query(ctx, q, now.UTC(), now.UTC(), soon.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (PartTransition, error) {
		var d PartTransition
		err := r.Scan(&d.AssignmentID, &d.CaseID, &d.Flag)
		return d, err
	})
}

func (s *Store) parties(ctx context.Context, caseID int64) ([]model.Party, error) {
	return partiesOf(ctx, retryingReaders{s}, s.q, caseID)
}

// Parties reads a case's parties inside the transaction (CaseForUpdate leaves them out).
func (tx *Tx) Parties(ctx context.Context, caseID int64) ([]model.Party, error) {
	return partiesOf(ctx, tx.tx, tx.s.q, caseID)
}

// CasePrivate reads inside the transaction what identifies a case's people in its
// texts (model.MaskText): its parties and its tracking code.
func (tx *Tx) CasePrivate(ctx context.Context, caseID int64) (model.Private, error) {
	var p model.Private
	err := tx.queryRow(ctx, "SELECT tracking_code FROM cases WHERE id = ?", caseID).Scan(&p.TrackingCode)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, err
	}
	p.Parties, err = tx.Parties(ctx, caseID)
	return p, err
}

func partiesOf(ctx context.Context, q queryer, rebind func(string) string, caseID int64) ([]model.Party, error) {
	rows, err := q.QueryContext(ctx, rebind("SELECT "+partyCols+" FROM case_parties WHERE case_id = ? ORDER BY seq"), caseID)
	return scanAll(rows, err, scanParty)
}

const partyCols = "id, seq, role, name, id_number, phone, address, severe_mental_illness, minor, acts_for"

func scanParty(r *sql.Rows) (model.Party, error) {
	var p model.Party
	err := r.Scan(&p.ID, &p.Seq, &p.Role, &p.Name, &p.IDNumber, &p.Phone, &p.Address, &p.SevereMentalIllness, &p.Minor, &p.ActsFor)
	return p, err
}

// riskCode stores an empty level as none, the column's default.
func riskCode(l string) string {
	if l == "" {
		return "none"
	}
	return l
}

// Case returns one case in scope, with its parties and assignments. A case outside the
// scope is ErrNotFound, exactly like a case that does not exist.
func (s *Store) Case(ctx context.Context, id int64, sc CaseScope) (model.Case, error) {
	where, args := sc.where(s.dialect)
	c, err := scanCase(s.queryRow(ctx, "SELECT "+caseCols+" FROM cases c WHERE c.id = ? AND "+where, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	if c.Parties, err = s.parties(ctx, id); err != nil {
		return c, err
	}
	c.Assignments, err = s.assignments(ctx, retryingReaders{s}, id)
	return c, err
}

// CaseFilter narrows a case listing. Zero fields do not filter.
type CaseFilter struct {
	States       []string
	Kind         model.CaseKind
	CategoryID   int64 // the category or, for a top-level one, any of its children
	Within       string
	Urgency      string
	OverdueAt    time.Time // when set, only cases whose deadline passed before it
	Queue        *Queue    // when set, only cases waiting on this actor
	Before       int64     // keyset cursor: the last case seen, for the newest-first page after it
	Limit        int
	Offset       int // page numbers: the rows before the page
	TrackingCode string
	Channel      model.Channel
	// RegionOnly narrows Within to the cases placed at that region itself, not at the
	// regions below it: a region's own row of the figures (本级).
	RegionOnly bool
	// LeadDepartmentID holds the cases whose lead department (主办单位, its assignment
	// not returned) is this one; NoLeadDepartment those that have none (handled at a
	// centre, or not assigned yet).
	LeadDepartmentID int64
	NoLeadDepartment bool
	// Cond, when set, holds the list to the cases behind one of the leader's figures
	// (internal/report), counted by the same condition.
	Cond *model.CaseCond

	Text          search.Query // words in the case's texts (search.Parse); Cases and CountListed read it
	Sort          string       // SortNewest (the default) or SortRelevance, for a search
	PartyIDNumber string       // a party's ID number, whole and normalised
	PartyPhone    string       // a party's phone, whole and normalised
	// SamePartyAs, a party's id: only the cases a coming party of which is the same
	// person as it (model.PartyKey's rule), the party's own case among them.
	SamePartyAs int64

	// Few tells Cases that the list holds few cases (cases.Find counts a list before
	// it reads its page): on SQLite they are read through their filters' indexes and
	// sorted, rather than found by walking every case in the list's order, which for
	// a rare filter (a grid's cases) reads many to keep few. Without it a subtree's
	// filter is kept off its index, so that a large subtree's page is the first cases
	// of the walk. PostgreSQL plans both from its statistics.
	Few bool

	categoryIDs []int64 // CategoryID and its children, read by withCategories

	driver *listDriver // SQLite: the index the list is read through (withListDriver)
}

// withCategories is f with its category's children read from the dictionary's cache,
// so that the listing names them as values.
func (s *Store) withCategories(ctx context.Context, f CaseFilter) (CaseFilter, error) {
	if f.CategoryID == 0 {
		return f, nil
	}
	cats, err := s.Categories(ctx, CategoryFilter{})
	if err != nil {
		return f, err
	}
	f.categoryIDs = []int64{f.CategoryID}
	for _, c := range cats {
		if c.ParentID == f.CategoryID {
			f.categoryIDs = append(f.categoryIDs, c.ID)
		}
	}
	return f, nil
}

// The orders a case list can be read in.
const (
	SortNewest    = ""          // 登记时间, the newest first
	SortOldest    = "oldest"    // 登记时间, the oldest first
	SortDue       = "due"       // 办理期限, the soonest first; cases without one last
	SortRelevance = "relevance" // for a search: how well the words match
)

// Queue describes what waits on an actor ("待我处理"): each non-zero field adds the
// cases one of their roles must move.
type Queue struct {
	CentreID     int64  // clerk: cases at their centre to accept, route, verify, visit, archive, resume
	LeaderPath   string // leader: extension requests awaiting a decision in their subtree
	DepartmentID int64  // handler: assignments to sign, and work in progress
	MediatorAt   int64  // mediator: cases their centre handles itself
	GridPath     string // grid worker: verified cases in their grid awaiting a return visit
}

func (qu *Queue) where() (string, []any) {
	// Each role's part is a condition its own index answers. One part (most users hold
	// one role) goes straight into the listing's WHERE, so the listing walks that
	// index newest first and stops at a page; several are a union of subqueries, each
	// answered by its index, whose result is small.
	type part struct {
		cond string // on the alias %[1]s
		args []any
	}
	var parts []part
	if qu.CentreID != 0 {
		// The state list is cases_centre_queue's, word for word, so that its partial
		// index applies.
		parts = append(parts, part{"%[1]s.centre_id = ? AND %[1]s.state IN ('registered','accepted','resolved','verified','followed_up','suspended')", []any{qu.CentreID}})
	}
	if qu.LeaderPath != "" {
		lo, hi := pathRange(qu.LeaderPath)
		parts = append(parts, part{"%[1]s.extension_pending = TRUE AND %[1]s.region_path >= ? AND %[1]s.region_path < ?", []any{lo, hi}})
	}
	if qu.DepartmentID != 0 {
		parts = append(parts, part{`%[1]s.id IN (SELECT qa.case_id FROM case_assignments qa JOIN cases qc ON qc.id = qa.case_id
			WHERE qa.department_id = ? AND ` + handlerQueueOn("qa", "qc") + ")", []any{qu.DepartmentID}})
	}
	if qu.MediatorAt != 0 {
		parts = append(parts, part{"%[1]s.centre_id = ? AND %[1]s.state = 'in_progress' AND %[1]s.at_centre = TRUE", []any{qu.MediatorAt}})
	}
	if qu.GridPath != "" {
		lo, hi := pathRange(qu.GridPath)
		parts = append(parts, part{"%[1]s.state = 'verified' AND %[1]s.region_path >= ? AND %[1]s.region_path < ?", []any{lo, hi}})
	}
	switch len(parts) {
	case 0:
		return "1=0", nil
	case 1:
		return "(" + fmt.Sprintf(parts[0].cond, "c") + ")", parts[0].args
	}
	var subs []string
	var args []any
	for _, p := range parts {
		subs = append(subs, "SELECT q.id FROM cases q WHERE "+fmt.Sprintf(p.cond, "q"))
		args = append(args, p.args...)
	}
	return "c.id IN (" + strings.Join(subs, " UNION ") + ")", args
}

// handlerQueueOn is what makes an assignment (alias a) of a case (alias c) wait on the
// department: to be signed, or signed and worked on (a co-handler's part not yet
// reported, a lead's case in progress rather than suspended). The status list is the
// partial index case_assignments_live's, word for word, so that it applies.
func handlerQueueOn(a, c string) string {
	return fmt.Sprintf("(%[1]s.status IN ('assigned','signed') AND (%[1]s.status = 'assigned' OR NOT %[1]s.is_lead OR %[2]s.state = 'in_progress'))", a, c)
}

// where is f as a SQL condition on the cases alias c, its paging fields aside.
func (f CaseFilter) where(d Dialect) (string, []any) {
	w, args := f.terms(d, true, false)
	return w, args
}

// terms is f as a SQL condition on the cases alias c, its paging fields aside, and
// its Queue too unless withQueue (Cases words the queue for the way it walks).
// walk keeps the subtree's range off its index (SQLite: the listing walks its order).
func (f CaseFilter) terms(d Dialect, withQueue, walk bool) (string, []any) {
	q := "1=1"
	var args []any
	if len(f.States) > 0 {
		q += " AND c.state IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.States)), ",") + ")"
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if f.Kind != "" {
		q += " AND c.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Channel != "" {
		q += " AND c.channel = ?"
		args = append(args, f.Channel)
	}
	if len(f.categoryIDs) > 0 {
		// The category and its children as values (withCategories): a subquery over the
		// categories was joined to every case of the scope on PostgreSQL (1.2 s p95 at
		// 1M cases) rather than read as the category index's keys.
		q += " AND c.category_id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.categoryIDs)), ",") + ")"
		for _, id := range f.categoryIDs {
			args = append(args, id)
		}
	} else if f.CategoryID != 0 {
		// One IN over the category and its children, not "= ? OR IN (…)": an OR of a
		// value and a subquery is no index condition on PostgreSQL.
		q += " AND c.category_id IN (SELECT cat.id FROM categories cat WHERE cat.id = ? OR cat.parent_id = ?)"
		args = append(args, f.CategoryID, f.CategoryID)
	}
	if f.Within != "" && f.RegionOnly {
		q += " AND c.region_path = ?"
		args = append(args, f.Within)
	} else if f.Within != "" {
		lo, hi := pathRange(f.Within)
		col := "c.region_path"
		if walk {
			col = "+c.region_path"
		}
		q += " AND " + col + " >= ? AND " + col + " < ?"
		args = append(args, lo, hi)
	}
	if f.LeadDepartmentID != 0 {
		// Through case_assignments_department: a department's cases are few among all.
		q += " AND c.id IN (SELECT la.case_id FROM case_assignments la WHERE la.department_id = ? AND la.is_lead AND la.status <> 'returned')"
		args = append(args, f.LeadDepartmentID)
	}
	if f.NoLeadDepartment {
		q += " AND NOT EXISTS (SELECT 1 FROM case_assignments la WHERE la.case_id = c.id AND la.is_lead AND la.status <> 'returned')"
	}
	if f.Urgency != "" {
		q += " AND c.urgency = ?"
		args = append(args, f.Urgency)
	}
	if !f.OverdueAt.IsZero() {
		// Through the (state, due_at) index: overdue cases are few among many, and
		// reading newest-first until a page of them is found walked the whole table.
		q += " AND c.state IN " + openStates + " AND c.due_at < ?"
		args = append(args, f.OverdueAt.UTC())
	}
	if f.SamePartyAs != 0 {
		var subs []string
		for _, same := range samePartySQL("sp", "sq") {
			subs = append(subs, "SELECT sq.case_id FROM case_parties sp JOIN case_parties sq ON "+same+
				" WHERE sp.id = ? AND sp.role IN "+comingRoles+" AND sq.role IN "+comingRoles)
			args = append(args, f.SamePartyAs)
		}
		q += " AND c.id IN (" + strings.Join(subs, " UNION ") + ")"
	}
	if f.Cond != nil {
		cw, ca := condSQL(d, f.Cond)
		q += " AND " + cw
		args = append(args, ca...)
	}
	if withQueue && f.Queue != nil {
		qw, qa := f.Queue.where()
		q += " AND " + qw
		args = append(args, qa...)
	}
	if f.TrackingCode != "" {
		q += " AND c.tracking_code = ?"
		args = append(args, f.TrackingCode)
	}
	if f.PartyIDNumber != "" {
		q += " AND c.id IN (SELECT pi.case_id FROM case_parties pi WHERE pi.id_number = ?)"
		args = append(args, f.PartyIDNumber)
	}
	if f.PartyPhone != "" {
		q += " AND c.id IN (SELECT pp.case_id FROM case_parties pp WHERE pp.phone = ?)"
		args = append(args, f.PartyPhone)
	}
	return q, args
}

// Cases lists cases in scope matching f, newest registered first (a search's matches
// newest id first), at most f.Limit (default 50), with keyset paging: pass the last
// id seen as f.Before for the next page.
func (s *Store) Cases(ctx context.Context, f CaseFilter, sc CaseScope) ([]model.Case, error) {
	f, err := s.withCategories(ctx, f)
	if err != nil {
		return nil, err
	}
	if f, err = s.withListDriver(ctx, f, sc, false); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var q string
	var args []any
	var viaAssignments bool
	if ids, ranked, err := s.rankedPage(ctx, f, sc, limit); err != nil {
		return nil, err
	} else if ranked {
		if len(ids) == 0 {
			return nil, nil
		}
		var order string
		var orderArgs []any
		q, args, _, _, viaAssignments = s.casesQuery(f, sc, caseCols, false)
		q += " AND " + searchIDCol(s.dialect) + " IN (" + placeholders(len(ids)) + ")"
		order, orderArgs = rankedOrder(s.dialect, ids)
		args = append(append(args, ids...), orderArgs...)
		q += fmt.Sprintf(" ORDER BY %s LIMIT %d", order, limit)
	} else {
		q, args, viaAssignments = s.listPage(f, sc, caseCols, limit)
	}
	cases, err := listAll(s, ctx, q, args, func(r *sql.Rows) (model.Case, error) { return scanCase(r) })
	if err != nil {
		return nil, err
	}
	if viaAssignments {
		// A department holding two live assignments of one case (lead and co-handler)
		// would list it twice, side by side.
		cases = slices.CompactFunc(cases, func(a, b model.Case) bool { return a.ID == b.ID })
	}
	return cases, s.fillParties(ctx, cases)
}

// CountListed counts the cases in scope matching f (its paging aside), up to max: a
// list says "约" past it rather than counting a county's million cases for a number
// nobody reads exactly. over tells that there were more than max.
func (s *Store) CountListed(ctx context.Context, f CaseFilter, sc CaseScope, max int) (n int, over bool, err error) {
	f.Before, f.Offset = 0, 0
	if f, err = s.withCategories(ctx, f); err != nil {
		return 0, false, err
	}
	if f, err = s.withListDriver(ctx, f, sc, true); err != nil {
		return 0, false, err
	}
	q, args, _, _, viaAssignments := s.casesQuery(f, sc, "c.id", true)
	if viaAssignments {
		q = strings.Replace(q, "SELECT c.id", "SELECT DISTINCT c.id", 1)
	}
	q = fmt.Sprintf("SELECT COUNT(*) FROM (%s LIMIT %d) counted", q, max+1)
	rows, err := listAll(s, ctx, q, args, func(r *sql.Rows) (int, error) {
		var n int
		return n, r.Scan(&n)
	})
	if err != nil || len(rows) == 0 {
		return 0, false, err
	}
	if rows[0] > max {
		return max, true, nil
	}
	return rows[0], false, nil
}

// casesQuery is the listing's SELECT of cols, without its ORDER BY and LIMIT, with
// its arguments and the order it is to be read in (with the order's own arguments).
//
// counting: the query counts the list (no order): every filter may use its index.
func (s *Store) casesQuery(f CaseFilter, sc CaseScope, cols string, counting bool) (q string, args []any, order string, orderArgs []any, viaAssignments bool) {
	if f.driver != nil {
		q, args = s.drivenSelect(f, sc, cols)
		return q, args, drivenOrder(f), nil, false
	}
	where, args := sc.where(s.dialect)
	from, idCol := "cases c", "c.id"
	searching := !f.Text.Empty()
	// A department's handlers see the cases of its assignments. Walked from the
	// assignments, newest first through (department_id, case_id), a page costs its own
	// rows; from the cases, probing each for an assignment, a page of a department that
	// has few of the county's cases read most of the table. (CROSS JOIN keeps SQLite's
	// join order; PostgreSQL reads it as an inner join and plans it itself.)
	// Not for the overdue filter: overdue cases are few, and walking them through
	// (state, due_at), each probed for an assignment, beats walking every assignment of
	// the department (tens of thousands at 1M cases, for a search that may find none):
	// the mixed load of `onedoor bench` sends handlers' overdue searches. Nor for a
	// search, which walks its index's matches.
	viaAssignments = !sc.All && sc.RegionPath == "" && sc.DepartmentID != 0 && f.OverdueAt.IsZero() && !searching
	if viaAssignments {
		from, idCol = "case_assignments sa CROSS JOIN cases c", "sa.case_id"
		where, args = "c.id = sa.case_id AND sa.department_id = ? AND sa.status <> 'returned'", []any{sc.DepartmentID}
	}
	// 登记时间, the newest first: imported and back-entered cases are registered before
	// their ids say, and a list by id reads as random to the clerk. Ties by id, so the
	// order is total and paging neither skips nor repeats a row.
	order = "c.created_at DESC, " + idCol + " DESC"
	if searching {
		// The index's matches, newest first, each joined to its case and kept when the
		// scope and filters let it: FTS5 hands its rowids out in order, so a page of a
		// common word stops after a page of matches.
		fts, tsq := narrowedText(f, sc)
		if counting && f.textOnly() && (sc.All || sc.RegionPath != "" && sc.DepartmentID == 0) {
			// Only words within subtrees, which the index query holds: the matches are
			// counted in the index alone, not each joined to its case (10,001 row reads
			// for a common word's "约").
			if s.dialect == Postgres {
				return "SELECT cs.case_id FROM case_search cs WHERE cs.doc @@ ?::tsquery", []any{tsq}, "", nil, false
			}
			return "SELECT cs.rowid FROM case_search cs WHERE case_search MATCH ?", []any{fts}, "", nil, false
		}
		if s.dialect == Postgres {
			// The tsquery is a constant of the statement, not a joined row's value, so
			// that the planner reads the GIN index with it.
			from, idCol = "case_search cs CROSS JOIN cases c", "cs.case_id"
			where = "c.id = cs.case_id AND cs.doc @@ ?::tsquery AND " + where
			args = append([]any{tsq}, args...)
			if f.Sort == SortRelevance {
				order = "ts_rank(cs.doc, ?::tsquery) DESC, cs.case_id DESC"
				orderArgs = []any{f.Text.TSQuery()}
			} else {
				// Few matches (cases.Find counted them): newest first from the GIN
				// index's matches, sorted; walked down the primary key instead, each
				// row's tsvector is read to test it, and a rare word reads them all.
				// Many (a common word): walked down the primary key, a page stops after
				// its matches (about 860 rows tested for 土地 at 1M cases, 72 ms),
				// where the GIN index's 62,000 matches were each read and sorted.
				order = "cs.case_id + 0 DESC"
				if !f.Few {
					order = "cs.case_id DESC"
				}
			}
		} else {
			from, idCol = "case_search cs CROSS JOIN cases c", "cs.rowid"
			where = "c.id = cs.rowid AND case_search MATCH ? AND " + where
			args = append([]any{fts}, args...)
			if f.Sort == SortRelevance {
				order = "cs.rank, cs.rowid DESC" // the page rankedPage chose
			} else {
				// The index's own order: FTS5 hands its matches out newest id first
				// and the page stops after its rows. By 登记时间 every match of a
				// common word was joined to its case and sorted.
				order = "cs.rowid DESC"
			}
		}
	}
	q = "SELECT " + cols + " FROM " + from + " WHERE " + where
	special := !f.OverdueAt.IsZero() || f.Cond != nil || searching || viaAssignments
	walk := s.dialect == SQLite && !counting && !f.Few && !special
	fw, fa := f.terms(s.dialect, false, walk)
	q += " AND " + fw
	args = append(args, fa...)
	ownIndex := s.dialect == SQLite && !viaAssignments && !searching && (!f.OverdueAt.IsZero() || f.Cond != nil || f.Few)
	if ownIndex {
		// Not the primary key's order, or SQLite walks it: overdue cases, and a
		// figure's (a period's intake or endings), are read through their own index.
		order = "+c.created_at DESC, +c.id DESC"
	}
	switch f.Sort {
	case SortOldest:
		order = "c.created_at ASC, " + idCol + " ASC"
		// The oldest of a figure's cases of the moment (研判's longest open, the warnings
		// in force): walking every case from the first registered until ten of them
		// turn up read most of the table; their own index finds them, then they are sorted.
		if ownIndex {
			order = "+c.created_at ASC, +c.id ASC"
		} else if s.dialect == Postgres && f.Cond != nil && f.Cond.CreatedFrom.IsZero() && f.Cond.EndedFrom.IsZero() && !viaAssignments && !searching {
			order = "c.created_at + INTERVAL '0 seconds' ASC, c.id + 0 ASC"
		}
	case SortDue:
		order = "c.due_at IS NULL, c.due_at, " + idCol
	}
	if f.Queue != nil {
		qw, qa := f.Queue.where()
		if viaAssignments && *f.Queue == (Queue{DepartmentID: sc.DepartmentID}) {
			// The handler's own queue: the same assignments the listing walks.
			qw, qa = handlerQueueOn("sa", "c"), nil
		}
		q += " AND " + qw
		args = append(args, qa...)
	}
	if f.Before > 0 {
		// The cursor is the last case seen; the next page is what follows it in the
		// list's order: by id for a search's matches, by (登记时间, id) otherwise.
		if searching {
			q += " AND " + idCol + " < ?"
			args = append(args, f.Before)
		} else {
			// One row-value comparison, which both stores read as a range of the
			// (created_at, id) index: the page after the cursor starts where the cursor
			// is. Written as "earlier, or as early with a lower id", an OR of two
			// conditions, it was no range, and every page walked the index from the
			// newest case down to the cursor: an export of 1M cases, 200 at a time, read
			// the index 5,000 times over (270 rows/s).
			col := "c.created_at"
			if strings.HasPrefix(order, "+") {
				col = "+c.created_at" // SQLite: keep the list on the index its order names
			}
			q += " AND (" + col + ", " + idCol + ") < ((SELECT b.created_at FROM cases b WHERE b.id = ?), ?)"
			args = append(args, f.Before, f.Before)
		}
	}
	return q, args, order, orderArgs, viaAssignments
}

// textOnly tells whether f asks for nothing but words within a subtree (the paging
// and order aside): what the index query itself holds (narrowedText).
func (f CaseFilter) textOnly() bool {
	g := f
	g.Text, g.Sort, g.Limit, g.Offset, g.Before, g.Few = search.Query{}, "", 0, 0, 0, false
	if !g.RegionOnly {
		g.Within = ""
	}
	return !f.Text.Empty() && reflect.ValueOf(g).IsZero()
}

// narrowedText is a search's index query (FTS5's and PostgreSQL's) with the index
// terms of the subtrees the list is held to (regionTerm): the searcher's scope when
// it is a subtree alone, and the list's region filter.
func narrowedText(f CaseFilter, sc CaseScope) (fts, tsq string) {
	var subtrees []string
	if !sc.All && sc.RegionPath != "" && sc.DepartmentID == 0 {
		subtrees = append(subtrees, sc.RegionPath)
	}
	if f.Within != "" {
		subtrees = append(subtrees, f.Within)
	}
	fts, tsq = f.Text.FTS5(), f.Text.TSQuery()
	if len(subtrees) == 0 {
		return fts, tsq
	}
	fts, tsq = "("+fts+")", "("+tsq+")"
	for _, path := range subtrees {
		fts += ` AND "` + regionTerm(path) + `"`
		tsq += " & '" + regionTerm(path) + "'"
	}
	return fts, tsq
}

// fillParties loads the parties of a page of cases in one query.
func (s *Store) fillParties(ctx context.Context, cases []model.Case) error {
	if len(cases) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(cases))
	args := make([]any, len(cases))
	for i, c := range cases {
		idx[c.ID] = i
		args[i] = c.ID
	}
	rows, err := s.query(ctx, "SELECT case_id, "+partyCols+" FROM case_parties WHERE case_id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(cases)), ",")+") ORDER BY case_id, seq", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var caseID int64
		var p model.Party
		if err := rows.Scan(&caseID, &p.ID, &p.Seq, &p.Role, &p.Name, &p.IDNumber, &p.Phone, &p.Address, &p.SevereMentalIllness, &p.Minor, &p.ActsFor); err != nil {
			return err
		}
		cases[idx[caseID]].Parties = append(cases[idx[caseID]].Parties, p)
	}
	return rows.Err()
}

// Events returns a case's timeline, oldest first, with each actor's display name.
func (s *Store) Events(ctx context.Context, caseID int64) ([]model.CaseEvent, error) {
	rows, err := s.query(ctx, `SELECT e.id, e.case_id, COALESCE(e.actor_id, 0), COALESCE(u.display_name, ''), e.at, e.action,
		e.from_state, e.to_state, e.note, e.payload FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.case_id = ? ORDER BY e.id`, caseID)
	return scanAll(rows, err, func(r *sql.Rows) (model.CaseEvent, error) {
		var ev model.CaseEvent
		var payload string
		err := r.Scan(&ev.ID, &ev.CaseID, &ev.ActorID, &ev.ActorName, &ev.At, &ev.Action, &ev.FromState, &ev.ToState, &ev.Note, &payload)
		ev.Payload = json.RawMessage(payload)
		return ev, err
	})
}

// CasesIn tells which of ids are cases in scope sc.
func (s *Store) CasesIn(ctx context.Context, ids []int64, sc CaseScope) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	where, scopeArgs := sc.where(s.dialect)
	args := make([]any, 0, len(ids)+len(scopeArgs))
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.query(ctx, "SELECT c.id FROM cases c WHERE c.id IN ("+placeholders(len(ids))+") AND "+where, append(args, scopeArgs...)...)
	found, err := scanAll(rows, err, func(r *sql.Rows) (int64, error) { var id int64; return id, r.Scan(&id) })
	for _, id := range found {
		out[id] = true
	}
	return out, err
}

// LastActors returns who last took each of actions on a case, by action; an action
// never taken, or taken only by the system, is absent.
func (s *Store) LastActors(ctx context.Context, caseID int64, actions []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(actions) == 0 {
		return out, nil
	}
	args := []any{caseID}
	for _, a := range actions {
		args = append(args, a)
	}
	rows, err := s.query(ctx, `SELECT action, actor_id FROM case_events WHERE case_id = ? AND action IN (`+placeholders(len(actions))+`)
		AND actor_id IS NOT NULL ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var action string
		var actor int64
		if err := rows.Scan(&action, &actor); err != nil {
			return nil, err
		}
		out[action] = actor
	}
	return out, rows.Err()
}

// PriorCase is an earlier case of the same person or at the same address, for the
// intake desk.
type PriorCase struct {
	model.Case
	MatchedBy string `json:"matched_by"` // id_number, phone, address or words
}

// PriorCases finds the cases in scope that share a party's ID number or phone, and the
// open cases at the same address, newest first, at most limit of each kind; then the
// open cases whose texts are like words (search.Similar), best first.
func (s *Store) PriorCases(ctx context.Context, idNumber, phone, address string, words search.Query, limit int, sc CaseScope) ([]PriorCase, error) {
	where, scopeArgs := sc.where(s.dialect)
	var out []PriorCase
	seen := map[int64]bool{}
	run := func(matched, cond string, arg any) error {
		args := append([]any{arg}, scopeArgs...)
		rows, err := s.query(ctx, "SELECT "+caseCols+" FROM cases c WHERE "+cond+" AND "+where+fmt.Sprintf(" ORDER BY c.id DESC LIMIT %d", limit), args...)
		cases, err := scanAll(rows, err, func(r *sql.Rows) (model.Case, error) { return scanCase(r) })
		if err != nil {
			return err
		}
		for _, c := range cases {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, PriorCase{Case: c, MatchedBy: matched})
			}
		}
		return nil
	}
	if idNumber != "" {
		if err := run("id_number", "c.id IN (SELECT case_id FROM case_parties WHERE id_number = ?)", idNumber); err != nil {
			return nil, err
		}
	}
	if phone != "" {
		if err := run("phone", "c.id IN (SELECT case_id FROM case_parties WHERE phone = ?)", phone); err != nil {
			return nil, err
		}
	}
	if key := AddressKey(address); len([]rune(key)) >= 4 {
		if err := run("address", "c.address_key = ? AND c.state NOT IN ('archived','rejected','merged')", key); err != nil {
			return nil, err
		}
	}
	if !words.Empty() {
		similar, err := s.similarCases(ctx, words, sc)
		if err != nil {
			return nil, err
		}
		for _, c := range similar {
			if !seen[c.ID] && len(out) < 3*limit {
				seen[c.ID] = true
				out = append(out, PriorCase{Case: c, MatchedBy: "words"})
			}
		}
	}
	return out, fillPartiesOf(s, ctx, out, func(pc *PriorCase) *model.Case { return &pc.Case })
}

// similarCandidates is how many best-ranked matches of a likeness query are judged;
// similarShown how many of the alike are offered.
const (
	similarCandidates = 20
	similarShown      = 5
)

// similarCases finds open cases in scope whose texts are like words (search.Similar):
// the index's best-ranked matches, kept when their title and description share half
// of the words and at least three (two texts about one village share its name, not
// the complaint).
func (s *Store) similarCases(ctx context.Context, words search.Query, sc CaseScope) ([]model.Case, error) {
	f := CaseFilter{Text: words, Sort: SortRelevance, States: openStateList, Limit: similarCandidates}
	found, err := s.Cases(ctx, f, sc)
	if err != nil {
		return nil, err
	}
	need := max(3, (len(words.Terms)+1)/2)
	var out []model.Case
	for _, c := range found {
		if search.Shared(words, c.Title+" "+c.Description) >= need {
			out = append(out, c)
			if len(out) == similarShown {
				break
			}
		}
	}
	return out, nil
}

// fillPartiesOf loads, in one query, the parties of rows that embed a case.
func fillPartiesOf[T any](s *Store, ctx context.Context, rows []T, caseOf func(*T) *model.Case) error {
	cases := make([]model.Case, len(rows))
	for i := range rows {
		cases[i] = *caseOf(&rows[i])
	}
	if err := s.fillParties(ctx, cases); err != nil {
		return err
	}
	for i := range rows {
		caseOf(&rows[i]).Parties = cases[i].Parties
	}
	return nil
}

// DueTransition is a case whose deadline flag must change.
type DueTransition struct {
	CaseID int64
	Flag   string // due_soon or overdue
}

// openStates are the states of cases that still need work (workflow.State.Open).
const openStates = "('registered','accepted','assigned','in_progress','suspended','resolved','verified','followed_up')"

// openStateList is openStates as a filter's list.
var openStateList = strings.Split(strings.Trim(strings.ReplaceAll(openStates, "'", ""), "()"), ",")

// sweepableStates are the states whose deadlines run; a suspended case's clock stops.
const sweepableStates = "('registered','accepted','assigned','in_progress','resolved','verified')"

// DueTransitions finds up to limit cases whose deadline passed (not yet flagged
// overdue) or falls within the warning window (not yet flagged at all). Only changes
// are read, through the (due_flag, due_at) index, so a sweep costs what changed, not
// how many cases are open.
func (s *Store) DueTransitions(ctx context.Context, now, soon time.Time, limit int) ([]DueTransition, error) {
	q := fmt.Sprintf(`SELECT id, 'overdue' FROM cases WHERE due_flag IN ('', 'due_soon') AND due_at < ? AND state IN %s
		UNION ALL
		SELECT id, 'due_soon' FROM cases WHERE due_flag = '' AND due_at >= ? AND due_at < ? AND state IN %s
		LIMIT %d`, sweepableStates, sweepableStates, limit)
	rows, err := s.query(ctx, q, now.UTC(), now.UTC(), soon.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (DueTransition, error) {
		var d DueTransition
		err := r.Scan(&d.CaseID, &d.Flag)
		return d, err
	})
}

// OverdueForSupervision finds up to limit overdue cases whose supervision should rise
// to level: overdue since before cutoff, and not yet supervised at that level or above.
func (s *Store) OverdueForSupervision(ctx context.Context, level string, cutoff time.Time, limit int) ([]int64, error) {
	below := "('', 'normal')"
	if level == "red" {
		below = "('', 'normal', 'yellow')"
	}
	// A lapsed confirmation window (stage confirm) is the parties' right gone, not work
	// late: it is told, never supervised.
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id FROM cases WHERE due_flag = 'overdue' AND due_at < ? AND supervision_level IN %s
		AND state IN %s AND due_stage <> 'confirm' LIMIT %d`, below, sweepableStates, limit), cutoff.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// CountCases counts every case (for `onedoor bench` on a store it did not generate).
func (s *Store) CountCases(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM cases").Scan(&n)
	return n, err
}

// LeadDepartments maps each of caseIDs that has a lead department (主办单位, its
// assignment not returned) to it, for a 台账's 承办单位.
func (s *Store) LeadDepartments(ctx context.Context, caseIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		args[i] = id
	}
	type pair struct{ c, d int64 }
	rows, err := s.query(ctx, "SELECT case_id, department_id FROM case_assignments WHERE is_lead AND status <> 'returned' AND case_id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(caseIDs)), ",")+") ORDER BY id", args...)
	list, err := scanAll(rows, err, func(r *sql.Rows) (pair, error) {
		var p pair
		return p, r.Scan(&p.c, &p.d)
	})
	for _, p := range list {
		out[p.c] = p.d
	}
	return out, err
}

// CasePlans are the plans the database makes for a case list: its page's and its
// count's, as EXPLAIN says them (SQLite's EXPLAIN QUERY PLAN lines; PostgreSQL's
// text plan with sequential scans and hash joins disabled, so that it names the index
// it can use: on a test's few rows it would read the table whole whatever the indexes).
type CasePlans struct {
	Page, Count string
}

// ExplainCases is the plans of the listing Cases and CountListed run for f in scope
// sc, for the tests that hold every filter of a list to an index.
func (s *Store) ExplainCases(ctx context.Context, f CaseFilter, sc CaseScope) (CasePlans, error) {
	f, err := s.withCategories(ctx, f)
	if err != nil {
		return CasePlans{}, err
	}
	pf, err := s.withListDriver(ctx, f, sc, false)
	if err != nil {
		return CasePlans{}, err
	}
	cf, err := s.withListDriver(ctx, f, sc, true)
	if err != nil {
		return CasePlans{}, err
	}
	return s.explainList(ctx, pf, cf, sc)
}

// explainList is the plans of the page of pf and the count of cf (one list, each
// with the driver it is read through).
func (s *Store) explainList(ctx context.Context, pf, cf CaseFilter, sc CaseScope) (CasePlans, error) {
	var out CasePlans
	var err error
	page, args, _ := s.listPage(pf, sc, caseCols, 50)
	count, countArgs, _, _, _ := s.casesQuery(cf, sc, "c.id", true)
	count = "SELECT COUNT(*) FROM (" + count + " LIMIT 10001) counted"
	explain := func(q string, args []any) (string, error) {
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return "", err
		}
		defer tx.Rollback()
		prefix, col := "EXPLAIN QUERY PLAN ", 3
		if s.dialect == Postgres {
			// On a test's small tables PostgreSQL reads everything sequentially,
			// whatever indexes there are: disabled, it shows which index serves.
			// Nor hash joins, which would read a small table whole to join a few rows.
			for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_hashjoin = off", "SET LOCAL enable_mergejoin = off"} {
				if _, err := tx.ExecContext(ctx, set); err != nil {
					return "", err
				}
			}
			prefix, col = "EXPLAIN ", 0
		}
		rows, err := tx.QueryContext(ctx, s.q(prefix+q), args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return "", err
			}
			v := vals[min(col, len(vals)-1)]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			lines = append(lines, fmt.Sprint(v))
		}
		return strings.Join(lines, "\n"), rows.Err()
	}
	if out.Page, err = explain(page, args); err != nil {
		return out, err
	}
	out.Count, err = explain(count, countArgs)
	return out, err
}
