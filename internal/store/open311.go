package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// Open311Filter narrows the public service-request listing of the Open311 GeoReport
// API. Channels is required: the listing shows only cases that came in through a
// public door. Zero fields do not filter.
type Open311Filter struct {
	Channels      []model.Channel
	IDs           []int64  // only these cases (service_request_id)
	TrackingCodes []string // only these tracking codes
	CategoryCodes []string // service_code
	Kinds         []model.CaseKind
	// Beyond widens Kinds: inside this scope cases of every kind are listed (a client
	// whose API key's user reads cases there). The zero scope widens nothing.
	Beyond        CaseScope
	States        []string
	From, To      time.Time // created_at in [From, To)
	Offset, Limit int       // offset paging over newest-first
}

// Open311Case is a case as the public listing needs it: with the names of its
// category, its region (and that region's parent) and the centre that holds it.
type Open311Case struct {
	model.Case
	CategoryName     string
	RegionName       string
	RegionCode       string
	ParentRegionName string
	CentreName       string
}

// Open311Cases lists the cases matching f, newest first, at most f.Limit (1–201;
// default 50), skipping f.Offset. Parties are loaded, so that callers can keep them
// out of anything they show.
func (s *Store) Open311Cases(ctx context.Context, f Open311Filter) ([]Open311Case, error) {
	if len(f.Channels) == 0 {
		return nil, nil
	}
	q := "SELECT " + caseCols + `, COALESCE(cat.name, ''), rr.name, rr.code, COALESCE(rp.name, ''), cr.name
		FROM cases c
		LEFT JOIN categories cat ON cat.id = c.category_id
		JOIN regions rr ON rr.id = c.region_id
		LEFT JOIN regions rp ON rp.id = rr.parent_id
		JOIN regions cr ON cr.id = c.centre_id
		WHERE c.channel IN (` + placeholders(len(f.Channels)) + ")"
	var args []any
	for _, ch := range f.Channels {
		args = append(args, string(ch))
	}
	if len(f.IDs) > 0 {
		q += " AND c.id IN (" + placeholders(len(f.IDs)) + ")"
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if len(f.TrackingCodes) > 0 {
		q += " AND c.tracking_code IN (" + placeholders(len(f.TrackingCodes)) + ")"
		for _, tc := range f.TrackingCodes {
			args = append(args, tc)
		}
	}
	if len(f.CategoryCodes) > 0 {
		q += " AND c.category_code IN (" + placeholders(len(f.CategoryCodes)) + ")"
		for _, code := range f.CategoryCodes {
			args = append(args, code)
		}
	}
	if len(f.Kinds) > 0 {
		kinds := "c.kind IN (" + placeholders(len(f.Kinds)) + ")"
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
		if f.Beyond != (CaseScope{}) {
			scope, scopeArgs := f.Beyond.where(s.Dialect())
			kinds = "(" + kinds + " OR " + scope + ")"
			args = append(args, scopeArgs...)
		}
		q += " AND " + kinds
	}
	if len(f.States) > 0 {
		q += " AND c.state IN (" + placeholders(len(f.States)) + ")"
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if !f.From.IsZero() {
		q += " AND c.created_at >= ?"
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += " AND c.created_at < ?"
		args = append(args, f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 || limit > 201 {
		limit = 50
	}
	offset := max(f.Offset, 0)
	q += fmt.Sprintf(" ORDER BY c.id DESC LIMIT %d OFFSET %d", limit, offset)
	rows, err := s.query(ctx, q, args...)
	out, err := scanAll(rows, err, func(r *sql.Rows) (Open311Case, error) {
		var oc Open311Case
		c, err := scanCase(&extraScanner{r: r, extra: []any{&oc.CategoryName, &oc.RegionName, &oc.RegionCode, &oc.ParentRegionName, &oc.CentreName}})
		oc.Case = c
		return oc, err
	})
	if err != nil {
		return nil, err
	}
	return out, fillPartiesOf(s, ctx, out, func(oc *Open311Case) *model.Case { return &oc.Case })
}

// extraScanner scans a case row followed by extra columns.
type extraScanner struct {
	r     *sql.Rows
	extra []any
}

func (e *extraScanner) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }

// CaseEventsByAction returns, for each of the cases, its events whose action is one of
// actions, oldest first, without actor names (the public timeline names no staff).
func (s *Store) CaseEventsByAction(ctx context.Context, caseIDs []int64, actions []string) (map[int64][]model.CaseEvent, error) {
	out := map[int64][]model.CaseEvent{}
	if len(caseIDs) == 0 || len(actions) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(caseIDs)+len(actions))
	for _, id := range caseIDs {
		args = append(args, id)
	}
	for _, a := range actions {
		args = append(args, a)
	}
	rows, err := s.query(ctx, `SELECT e.id, e.case_id, e.at, e.action, e.from_state, e.to_state, e.payload FROM case_events e
		WHERE e.case_id IN (`+placeholders(len(caseIDs))+`) AND e.action IN (`+placeholders(len(actions))+`)
		ORDER BY e.case_id, e.id`, args...)
	evs, err := scanAll(rows, err, func(r *sql.Rows) (model.CaseEvent, error) {
		var ev model.CaseEvent
		var payload string
		err := r.Scan(&ev.ID, &ev.CaseID, &ev.At, &ev.Action, &ev.FromState, &ev.ToState, &payload)
		ev.At = ev.At.UTC()
		ev.Payload = json.RawMessage(payload)
		return ev, err
	})
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		out[ev.CaseID] = append(out[ev.CaseID], ev)
	}
	return out, nil
}

// CategoriesChangedAt is when the category dictionary last changed, as far as the
// audit log and the migrations tell: the changeset of the Open311 service list.
func (s *Store) CategoriesChangedAt(ctx context.Context) (time.Time, error) {
	var audited, migrated time.Time
	// On SQLite the chain's order is the order of the entries' times. On PostgreSQL
	// the sealer chains entries as their transactions commit, and some may still wait
	// in audit_pending; this public endpoint reads both rather than seal for every
	// caller (settleAudit).
	var err error
	if s.dialect == Postgres {
		var at sql.NullTime
		err = s.queryRow(ctx, `SELECT MAX(at) FROM (SELECT at FROM audit_log WHERE action >= 'category.' AND action < 'category/'
			UNION ALL SELECT at FROM audit_pending WHERE action >= 'category.' AND action < 'category/') a`).Scan(&at)
		audited = at.Time
	} else {
		err = s.queryRow(ctx, "SELECT at FROM audit_log WHERE action >= 'category.' AND action < 'category/' ORDER BY id DESC LIMIT 1").Scan(&audited)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, err
	}
	err = s.queryRow(ctx, "SELECT applied_at FROM schema_version ORDER BY version DESC LIMIT 1").Scan(&migrated)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, err
	}
	t := migrated
	if audited.After(t) {
		t = audited
	}
	return t.UTC(), nil
}
