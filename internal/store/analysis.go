package store

import (
	"context"
	"database/sql"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
)

// partyKeySQL is model.PartyKey on the party alias p: ” for a party too little is
// known of to tell.
const partyKeySQL = "CASE WHEN p.id_number <> '' THEN 'i:' || p.id_number WHEN p.phone <> '' THEN 'p:' || p.phone" +
	" WHEN p.name <> '' AND p.address <> '' THEN 'n:' || p.name || '|' || p.address ELSE '' END"

// RepeatPerson is a person who keeps coming back: the cases in scope matching the
// filter a coming party of which they are, and their latest party record.
type RepeatPerson struct {
	Party model.Party // the record of their latest case among them
	Cases int64
}

// RepeatPeople finds the people (model.PartyKey) who are a coming party (applicant or
// representative) of at least min cases in scope matching f — f.Cond the window's
// intake —, the most cases first. Each one's cases are the list
// f + SamePartyAs: their latest party record.
func (s *Store) RepeatPeople(ctx context.Context, f CaseFilter, sc CaseScope, min int, limit int) ([]RepeatPerson, error) {
	where, args := sc.where(s.dialect)
	fw, fa := f.where(s.dialect)
	q := "SELECT MAX(p.id), COUNT(DISTINCT c.id) FROM cases c JOIN case_parties p ON p.case_id = c.id WHERE " + fw + " AND " + where +
		" AND p.role IN " + comingRoles + " AND (" + partyKeySQL + ") <> '' GROUP BY " + partyKeySQL +
		" HAVING COUNT(DISTINCT c.id) >= ? ORDER BY COUNT(DISTINCT c.id) DESC, MAX(p.id) DESC LIMIT ?"
	rows, err := s.query(ctx, q, append(append(fa, args...), min, limit)...)
	found, err := scanAll(rows, err, func(r *sql.Rows) (RepeatPerson, error) {
		var p RepeatPerson
		err := r.Scan(&p.Party.ID, &p.Cases)
		return p, err
	})
	if err != nil || len(found) == 0 {
		return found, err
	}
	ids := make([]any, len(found))
	for i, p := range found {
		ids[i] = p.Party.ID
	}
	rows, err = s.query(ctx, "SELECT id, case_id, role, name, id_number, phone, address FROM case_parties WHERE id IN ("+placeholders(len(ids))+")", ids...)
	parties, err := scanAll(rows, err, func(r *sql.Rows) (model.Party, error) {
		var p model.Party
		var caseID int64
		err := r.Scan(&p.ID, &caseID, &p.Role, &p.Name, &p.IDNumber, &p.Phone, &p.Address)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]model.Party{}
	for _, p := range parties {
		byID[p.ID] = p
	}
	for i := range found {
		found[i].Party = byID[found[i].Party.ID]
	}
	return found, nil
}

// IntakeDay is one day's intake (受理量) of one leaf region and category, read from the
// rollups: its cases and its group cases (群体性).
type IntakeDay struct {
	Day          string // YYYY-MM-DD, China time
	RegionPath   string
	CategoryID   int64
	Cases, Group int64
}

// IntakeByDay reads the intake of the days [fromDay, toDay) within scope sc and f's
// region (f.Within, f.RegionOnly; no other term of f) from the rollups, by day, leaf
// region and category: the analysis page's weeks, read through the rollups' key
// (side, day, …) rather than by counting the weeks' cases. The caller checks
// RollupsServe first.
func (s *Store) IntakeByDay(ctx context.Context, fromDay, toDay string, f CaseFilter, sc CaseScope) ([]IntakeDay, error) {
	where, args := rollupRows(report.SideIntake, fromDay, toDay, f, sc)
	rows, err := s.query(ctx, "SELECT r.day, r.region_path, r.category_id, CAST(SUM(r.cases) AS BIGINT), CAST(SUM(r.grp) AS BIGINT) FROM case_rollups r WHERE "+
		where+" GROUP BY r.day, r.region_path, r.category_id", args...)
	return scanAll(rows, err, func(r *sql.Rows) (IntakeDay, error) {
		var d IntakeDay
		err := r.Scan(&d.Day, &d.RegionPath, &d.CategoryID, &d.Cases, &d.Group)
		return d, err
	})
}
