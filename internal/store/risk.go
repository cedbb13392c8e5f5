package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// InsertIncident records one fact around a case (a police call, a visit, a failed
// mediation, a return visit...), in the transaction of the event that reports it.
func (tx *Tx) InsertIncident(ctx context.Context, in *model.Incident) error {
	return tx.queryRow(ctx, `INSERT INTO case_incidents (case_id, kind, at, actor_id, note) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		in.CaseID, in.Kind, in.At.UTC(), nullInt64(in.ActorID), in.Note).Scan(&in.ID)
}

// Incidents lists a case's incidents, newest first.
func (s *Store) Incidents(ctx context.Context, caseID int64) ([]model.Incident, error) {
	rows, err := s.query(ctx, `SELECT id, case_id, kind, at, COALESCE(actor_id, 0), note FROM case_incidents WHERE case_id = ? ORDER BY at DESC, id DESC`, caseID)
	return scanAll(rows, err, func(r *sql.Rows) (model.Incident, error) {
		var in model.Incident
		err := r.Scan(&in.ID, &in.CaseID, &in.Kind, &in.At, &in.ActorID, &in.Note)
		in.At = in.At.UTC()
		return in, err
	})
}

// RiskHistory is what the warning counts over its window: the same parties' other
// cases, and the incidents on this case and theirs, by kind; and the same by case,
// for an explanation that counts only the cases its reader sees.
type RiskHistory struct {
	PriorCases int
	Incidents  map[string]int
	ByCase     map[int64]*CaseHistory // every case counted, this one's own incidents under its id
}

// CaseHistory is one case's share of a RiskHistory.
type CaseHistory struct {
	Prior     bool // counted among the earlier cases
	Incidents map[string]int
}

// RiskHistory gathers the history of a case whose parties carry idNumbers and phones
// (the case itself need not be stored yet: caseID 0), counting cases registered and
// incidents recorded at or after since. It reads inside the transaction, so the
// event being written counts. A case not yet stored whose parties have no other case
// has no history, and most applicants come for the first time: a look through the
// parties' indexes answers them, where the history's query held SQLite's one writer
// longer (a profile of `onedoor bench -what intake` at 1M cases).
func (tx *Tx) RiskHistory(ctx context.Context, caseID int64, idNumbers, phones []string, since time.Time) (RiskHistory, error) {
	read := func() (RiskHistory, error) { return riskHistory(ctx, tx.query, caseID, idNumbers, phones, since) }
	if caseID != 0 {
		return read()
	}
	related, err := anyPartyKnown(ctx, tx.query, idNumbers, phones)
	return historyIfRelated(related, err, read)
}

// historyIfRelated gives a case not yet stored no history when no stored case shares
// a party with it (related false), and what read gives otherwise; err is the look's.
func historyIfRelated(related bool, err error, read func() (RiskHistory, error)) (RiskHistory, error) {
	switch {
	case err != nil:
		return RiskHistory{}, err
	case !related:
		return RiskHistory{Incidents: map[string]int{}, ByCase: map[int64]*CaseHistory{}}, nil
	}
	return read()
}

// anyPartyKnown tells whether a stored case has a party with one of idNumbers or phones.
func anyPartyKnown(ctx context.Context, query func(context.Context, string, ...any) (*sql.Rows, error), idNumbers, phones []string) (bool, error) {
	parts, args := partyLookups("1", idNumbers, phones)
	if len(parts) == 0 {
		return false, nil
	}
	rows, err := query(ctx, strings.Join(parts, " UNION ALL ")+" LIMIT 1", args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	found := rows.Next()
	return found, rows.Err()
}

// RiskHistory is Tx.RiskHistory outside a transaction: what is committed when the
// query starts, which is what a PostgreSQL transaction (read committed) reads too. It
// is for PostgreSQL: on SQLite it reads a reader connection, which does not see what
// the group commit (groupcommit.go) is still writing. For a case not yet stored, the callers
// of one moment first look together for earlier cases of their parties
// (riskhistory.go); only those who have some read the rest.
func (s *Store) RiskHistory(ctx context.Context, caseID int64, idNumbers, phones []string, since time.Time) (RiskHistory, error) {
	read := func() (RiskHistory, error) { return riskHistory(ctx, s.query, caseID, idNumbers, phones, since) }
	if s.dialect != Postgres || caseID != 0 {
		return read()
	}
	related, err := s.probeParties(ctx, idNumbers, phones)
	return historyIfRelated(related, err, read)
}

func riskHistory(ctx context.Context, query func(context.Context, string, ...any) (*sql.Rows, error),
	caseID int64, idNumbers, phones []string, since time.Time) (RiskHistory, error) {
	h := RiskHistory{Incidents: map[string]int{}, ByCase: map[int64]*CaseHistory{}}
	parts, args := partyLookups("case_id", idNumbers, phones)
	// One round trip: the prior cases under the kind '', then the incidents by case and
	// kind, over this case and the cases sharing a party's ID number or phone.
	related := "SELECT CAST(? AS BIGINT)"
	if len(parts) > 0 {
		related += " UNION " + strings.Join(parts, " UNION ")
	}
	q := "WITH related(case_id) AS (" + related + ")" +
		" SELECT id, '', 1 FROM cases WHERE id IN (SELECT case_id FROM related) AND id <> ? AND created_at >= ?" +
		" UNION ALL SELECT case_id, kind, COUNT(*) FROM case_incidents WHERE case_id IN (SELECT case_id FROM related) AND at >= ? GROUP BY case_id, kind"
	all := append(append([]any{caseID}, args...), caseID, since.UTC(), since.UTC())
	rows, err := query(ctx, q, all...)
	if err != nil {
		return h, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var n int
		if err := rows.Scan(&id, &kind, &n); err != nil {
			return h, err
		}
		c := h.ByCase[id]
		if c == nil {
			c = &CaseHistory{Incidents: map[string]int{}}
			h.ByCase[id] = c
		}
		if kind == "" {
			h.PriorCases++
			c.Prior = true
		} else {
			h.Incidents[kind] += n
			c.Incidents[kind] = n
		}
	}
	return h, rows.Err()
}

// partyLookups are the queries, selecting what, of the parties with one of idNumbers,
// then of those with one of phones (none for an empty list), with their arguments.
func partyLookups(what string, idNumbers, phones []string) (parts []string, args []any) {
	for _, by := range []struct {
		column string
		values []string
	}{{"id_number", idNumbers}, {"phone", phones}} {
		if vs := nonEmpty(by.values); len(vs) > 0 {
			parts = append(parts, "SELECT "+what+" FROM case_parties WHERE "+by.column+" IN ("+placeholders(len(vs))+")")
			args = append(args, vs...)
		}
	}
	return parts, args
}

func nonEmpty(list []string) []any {
	var out []any
	seen := map[string]bool{}
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// StepDownCandidates lists cases under a warning that have been quiet since before
// quietFrom with at least visits return visits since the level was set: those whose
// warning may step down. It reads the index on (risk_visits, risk_quiet_since).
func (s *Store) StepDownCandidates(ctx context.Context, quietFrom time.Time, visits int, limit int) ([]int64, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id FROM cases WHERE risk_level <> 'none' AND risk_visits >= ? AND risk_quiet_since <= ?
		ORDER BY risk_visits, risk_quiet_since LIMIT %d`, limit), visits, quietFrom.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (int64, error) { var id int64; return id, r.Scan(&id) })
}

// RedDueReport lists red cases none of whose warning's orders is open, the last
// issued or answered before cutoff: those due a new order.
func (s *Store) RedDueReport(ctx context.Context, cutoff time.Time, limit int) ([]int64, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id FROM cases WHERE risk_report_at IS NOT NULL AND risk_report_at <= ?
		AND risk_level = 'red' ORDER BY risk_report_at LIMIT %d`, limit), cutoff.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (int64, error) { var id int64; return id, r.Scan(&id) })
}

// LateWarningResponses lists cases whose warning's response was due before now and
// has been neither given nor escalated.
func (s *Store) LateWarningResponses(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id FROM cases WHERE risk_response_by IS NOT NULL AND risk_response_by < ?
		AND risk_escalated = FALSE ORDER BY risk_response_by, id LIMIT %d`, limit), now.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (int64, error) { var id int64; return id, r.Scan(&id) })
}

// OpenRiskOrders counts the open supervision orders a case's warning raised.
func (tx *Tx) OpenRiskOrders(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM supervisions WHERE case_id = ? AND source = 'risk' AND status = 'open'", caseID).Scan(&n)
	return n, err
}

// Warning is one case on the warnings board, with the name of its 包案 leader.
type Warning struct {
	model.Case
	HolderName string `json:"holder_name,omitempty"`
}

// WarningFilter narrows the warnings board; zero fields do not filter.
type WarningFilter struct {
	Level  string
	Within string // a region path: the cases in its subtree
	Limit  int
}

// warnedLevels are the warning colours, the most serious first.
var warnedLevels = []string{"red", "orange", "yellow", "blue"}

// Warnings lists the cases under a warning in scope: the most serious first, then
// the longest at their level. Each colour is read in the order of the index on
// (risk_level, risk_since, id), so the list costs what it returns, not the number of
// warnings in the county.
func (s *Store) Warnings(ctx context.Context, f WarningFilter, sc CaseScope) ([]Warning, error) {
	where, scopeArgs := sc.where(s.dialect)
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	levels := warnedLevels
	if f.Level != "" {
		levels = []string{f.Level}
	}
	var out []Warning
	for _, level := range levels {
		if len(out) >= limit {
			break
		}
		// "<> 'none'" as well, so SQLite sees the partial index applies.
		q := "SELECT " + caseCols + ", COALESCE(h.display_name, '') FROM cases c LEFT JOIN users h ON h.id = c.risk_holder_id" +
			" WHERE c.risk_level <> 'none' AND c.risk_level = ? AND " + where
		args := append([]any{level}, scopeArgs...)
		if f.Within != "" {
			lo, hi := pathRange(f.Within)
			q += " AND c.region_path >= ? AND c.region_path < ?"
			args = append(args, lo, hi)
		}
		q += fmt.Sprintf(" ORDER BY c.risk_level, c.risk_since, c.id LIMIT %d", limit-len(out))
		list, err := listAll(s, ctx, q, args, func(r *sql.Rows) (Warning, error) {
			var w Warning
			var holder string
			c, err := scanCase(rowWithExtra{r, &holder})
			w.Case, w.HolderName = c, holder
			return w, err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// rowWithExtra scans a case row followed by more columns.
type rowWithExtra struct {
	r     *sql.Rows
	extra *string
}

func (x rowWithExtra) Scan(dest ...any) error { return x.r.Scan(append(dest, x.extra)...) }

// WarningCount is how many cases of one colour lie at one region path.
type WarningCount struct {
	RegionPath string
	Level      string
	Count      int
}

// WarningCounts counts the cases under a warning in scope by region and colour, for
// the board's totals and its map.
func (s *Store) WarningCounts(ctx context.Context, sc CaseScope) ([]WarningCount, error) {
	where, args := sc.where(s.dialect)
	rows, err := s.query(ctx, "SELECT c.region_path, c.risk_level, COUNT(*) FROM cases c WHERE c.risk_level <> 'none' AND "+where+
		" GROUP BY c.region_path, c.risk_level", args...)
	return scanAll(rows, err, func(r *sql.Rows) (WarningCount, error) {
		var w WarningCount
		return w, r.Scan(&w.RegionPath, &w.Level, &w.Count)
	})
}

// RiskRules returns the warning rules an administrator saved, as JSON; ok is false
// while the defaults apply.
func (s *Store) RiskRules(ctx context.Context) (raw []byte, ok bool, err error) {
	var text string
	err = s.queryRow(ctx, "SELECT rules FROM risk_rules WHERE id = 1").Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return []byte(text), err == nil, err
}

// SaveRiskRules stores the warning rules (already validated) as JSON.
func (s *Store) SaveRiskRules(ctx context.Context, e AuditEntry, raw []byte, by int64) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE risk_rules SET rules = ?, updated_at = ?, updated_by = ? WHERE id = 1", string(raw), now(), nullInt64(by))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		_, err = tx.exec(ctx, "INSERT INTO risk_rules (id, rules, updated_at, updated_by) VALUES (1, ?, ?, ?)", string(raw), now(), nullInt64(by))
		return err
	})
}
