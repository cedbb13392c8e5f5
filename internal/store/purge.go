package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// Retention (issue 28, `onedoor purge`): a closed case is kept for its kind's
// retention period after it was closed, then exported for the 档案馆 and removed
// with every row that hangs off it. The audit log keeps its entries about the case
// (it is append-only and chained); the run's own entry names the export.

// RetentionRule is how long a closed case of a kind is kept.
type RetentionRule struct {
	Kind      string
	Years     int // after closing; 0: 永久, never purged
	Basis     string
	UpdatedAt *time.Time
	UpdatedBy string // the actor who set it last ("" for the shipped defaults)
}

// MaxRetentionYears bounds a retention period (the table's CHECK says the same).
const MaxRetentionYears = 100

// Permanent reports whether cases of the rule's kind are never purged.
func (r RetentionRule) Permanent() bool { return r.Years == 0 }

// RetentionRules are the retention periods the admin sets, by kind.
func (s *Store) RetentionRules(ctx context.Context) ([]RetentionRule, error) {
	rows, err := s.query(ctx, "SELECT kind, years, basis, updated_at, updated_by FROM retention_rules ORDER BY kind")
	return scanAll(rows, err, func(r *sql.Rows) (RetentionRule, error) {
		var x RetentionRule
		var at sql.NullTime
		err := r.Scan(&x.Kind, &x.Years, &x.Basis, &at, &x.UpdatedBy)
		if at.Valid {
			x.UpdatedAt = &at.Time
		}
		return x, err
	})
}

// ParseRetentionRule reads a retention period as an administrator gives it (the
// `onedoor retention` command's flags, the admin page's form): a case kind, whole
// years from 0 (永久, never purged) to MaxRetentionYears, and the grounds.
func ParseRetentionRule(kind, years, basis string) (RetentionRule, error) {
	if !slices.Contains(model.AllKinds, model.CaseKind(kind)) {
		return RetentionRule{}, model.Invalid("kind", "retention_kind", "invalid.retention_kind", kind)
	}
	n, err := strconv.Atoi(strings.TrimSpace(years))
	if err != nil || n < 0 || n > MaxRetentionYears {
		return RetentionRule{}, model.Invalid("years", "retention_years", "invalid.retention_years", MaxRetentionYears)
	}
	basis = strings.TrimSpace(basis)
	if basis == "" {
		return RetentionRule{}, model.Invalid("basis", "retention_basis", "invalid.retention_basis")
	}
	if utf8.RuneCountInString(basis) > maxRetentionBasis {
		return RetentionRule{}, model.Invalid("basis", "retention_basis_long", "invalid.retention_basis_long", maxRetentionBasis)
	}
	return RetentionRule{Kind: kind, Years: n, Basis: basis}, nil
}

// maxRetentionBasis bounds the grounds: an item of the 保管期限表, not a document.
const maxRetentionBasis = 500

// SaveRetentionRule sets the retention period of r.Kind, audited as retention.save
// and signed with the actor in ctx.
func (s *Store) SaveRetentionRule(ctx context.Context, r RetentionRule) error {
	if _, err := ParseRetentionRule(r.Kind, strconv.Itoa(r.Years), r.Basis); err != nil {
		return err
	}
	e := Audited("retention.save", "retention:"+r.Kind,
		fmt.Sprintf("保管期限 %s（%s）", RetentionText([]RetentionRule{r}), r.Basis))
	_, err := s.exec(ctx, e, `INSERT INTO retention_rules (kind, years, basis, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET years = excluded.years, basis = excluded.basis, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.Kind, r.Years, r.Basis, now(), ActorFrom(ctx).Name)
	return err
}

// Why a closed case past its retention period is kept all the same (legal hold).
const (
	HoldJudicialConfirmation = "judicial_confirmation" // an agreement's 司法确认 applied for, not yet ruled on
	HoldOpenReferral         = "open_referral"         // a referral to or from a court or office still open
	HoldRedWarning           = "red_warning"           // the case still carries a red warning
	HoldLinkedOpen           = "linked_open"           // linked to, merged into, or the legal-aid case of an open case
	HoldLinkedKept           = "linked_kept"           // tied so to a closed case that stays: they go together
)

// HoldReasons lists the holds in the order the dry run reports them.
var HoldReasons = []string{HoldJudicialConfirmation, HoldOpenReferral, HoldRedWarning, HoldLinkedOpen, HoldLinkedKept}

// PurgeCase is a closed case past its retention period.
type PurgeCase struct {
	ID       int64
	Kind     string
	ClosedAt time.Time
	Hold     string // "": to be removed
}

// PurgePlan is what a purge as of At removes, and what it keeps though due.
type PurgePlan struct {
	At     time.Time
	Rules  []RetentionRule
	Remove []PurgeCase // in id order
	Held   []PurgeCase
	// Groups are Remove's cases that go in one transaction: a case and those it is
	// linked or merged to (their rows name each other).
	Groups [][]int64
}

// terminalStates are the states a case is closed in: nothing more happens to it.
var terminalStates = []string{"archived", "rejected", "merged"}

// PlanPurge finds the closed cases past their kind's retention period as of at, and
// sorts out those on hold. It changes nothing.
func (s *Store) PlanPurge(ctx context.Context, at time.Time) (*PurgePlan, error) {
	at = at.UTC()
	rules, err := s.RetentionRules(ctx)
	if err != nil {
		return nil, err
	}
	plan := &PurgePlan{At: at, Rules: rules}
	due := map[int64]*PurgeCase{}
	var ids []int64
	closed := "'" + strings.Join(terminalStates, "','") + "'"
	for _, r := range rules {
		if r.Permanent() {
			continue
		}
		cutoff := at.AddDate(-r.Years, 0, 0)
		rows, err := s.query(ctx, `SELECT c.id, c.closed_at, c.updated_at, c.risk_level,
				EXISTS (SELECT 1 FROM mediation_agreements a WHERE a.case_id = c.id AND a.confirm_status = 'applied'),
				EXISTS (SELECT 1 FROM case_referrals f WHERE f.case_id = c.id AND f.status = 'open')
			FROM cases c
			WHERE c.kind = ? AND c.state IN (`+closed+`) AND COALESCE(c.closed_at, c.updated_at) <= ?`, r.Kind, cutoff)
		cs, err := scanAll(rows, err, func(rs *sql.Rows) (PurgeCase, error) {
			c := PurgeCase{Kind: r.Kind}
			var risk string
			var confirming, referred bool
			var closedAt sql.NullTime
			err := rs.Scan(&c.ID, &closedAt, &c.ClosedAt, &risk, &confirming, &referred)
			if closedAt.Valid {
				c.ClosedAt = closedAt.Time
			}
			switch {
			case confirming:
				c.Hold = HoldJudicialConfirmation
			case referred:
				c.Hold = HoldOpenReferral
			case risk == "red":
				c.Hold = HoldRedWarning
			}
			return c, err
		})
		if err != nil {
			return nil, fmt.Errorf("cases due of kind %s: %w", r.Kind, err)
		}
		for i := range cs {
			due[cs[i].ID] = &cs[i]
			ids = append(ids, cs[i].ID)
		}
	}
	ties, err := s.caseTies(ctx)
	if err != nil {
		return nil, err
	}
	// A case tied to one that stays stays too, until nothing changes: rows of the
	// one name the other, and the record of a tie is kept whole or not at all.
	removable := func(id int64) bool { c := due[id]; return c != nil && c.Hold == "" }
	for changed := true; changed; {
		changed = false
		for _, t := range ties {
			for _, side := range [2][2]caseEnd{{t.a, t.b}, {t.b, t.a}} {
				here, there := side[0], side[1]
				if !removable(here.id) || removable(there.id) {
					continue
				}
				if slices.Contains(terminalStates, there.state) {
					due[here.id].Hold = HoldLinkedKept
				} else {
					due[here.id].Hold = HoldLinkedOpen
				}
				changed = true
			}
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if c := due[id]; c.Hold == "" {
			plan.Remove = append(plan.Remove, *c)
		} else {
			plan.Held = append(plan.Held, *c)
		}
	}
	plan.Groups = groupTied(plan.Remove, ties)
	return plan, nil
}

// PurgeSummary is a plan counted for people: the cases to remove by kind and year
// of closing, the oldest of them, and those kept on hold by reason.
type PurgeSummary struct {
	Remove []PurgeCount // by kind, then year
	Oldest *PurgeCase
	Held   []PurgeHold // in HoldReasons order, reasons with cases only
}

// PurgeCount is how many cases of a kind closed in a year a purge removes.
type PurgeCount struct {
	Kind  string
	Year  int
	Cases int
}

// PurgeHold is how many due cases a purge keeps for a reason.
type PurgeHold struct {
	Reason string
	Cases  int
}

// Summary counts the plan as the dry run and the admin page show it.
func (p *PurgePlan) Summary() PurgeSummary {
	var sum PurgeSummary
	at := map[[2]any]int{}
	for i, c := range p.Remove {
		k := [2]any{c.Kind, c.ClosedAt.Year()}
		if _, ok := at[k]; !ok {
			at[k] = len(sum.Remove)
			sum.Remove = append(sum.Remove, PurgeCount{Kind: c.Kind, Year: c.ClosedAt.Year()})
		}
		sum.Remove[at[k]].Cases++
		if sum.Oldest == nil || c.ClosedAt.Before(sum.Oldest.ClosedAt) {
			sum.Oldest = &p.Remove[i]
		}
	}
	slices.SortFunc(sum.Remove, func(a, b PurgeCount) int {
		if a.Kind != b.Kind {
			return strings.Compare(a.Kind, b.Kind)
		}
		return a.Year - b.Year
	})
	held := map[string]int{}
	for _, c := range p.Held {
		held[c.Hold]++
	}
	for _, r := range HoldReasons {
		if held[r] > 0 {
			sum.Held = append(sum.Held, PurgeHold{Reason: r, Cases: held[r]})
		}
	}
	return sum
}

type caseEnd struct {
	id    int64
	state string
}

// caseTie is two cases whose rows name each other.
type caseTie struct{ a, b caseEnd }

// caseTies are the pairs of cases whose rows name each other: links (removed ones
// too: the link row names both), a referral's legal-aid case, a merge.
func (s *Store) caseTies(ctx context.Context) ([]caseTie, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.state, b.id, b.state FROM case_links l
			JOIN cases a ON a.id = l.from_case JOIN cases b ON b.id = l.to_case
		UNION ALL SELECT a.id, a.state, b.id, b.state FROM case_referrals f
			JOIN cases a ON a.id = f.case_id JOIN cases b ON b.id = f.linked_case_id
		UNION ALL SELECT a.id, a.state, b.id, b.state FROM cases a JOIN cases b ON b.id = a.merged_into`)
	return scanAll(rows, err, func(r *sql.Rows) (caseTie, error) {
		var t caseTie
		err := r.Scan(&t.a.id, &t.a.state, &t.b.id, &t.b.state)
		return t, err
	})
}

// groupTied splits remove into groups of tied cases (connected through ties).
func groupTied(remove []PurgeCase, ties []caseTie) [][]int64 {
	parent := make(map[int64]int64, len(remove))
	for _, c := range remove {
		parent[c.ID] = c.ID
	}
	var find func(int64) int64
	find = func(x int64) int64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, t := range ties {
		_, okA := parent[t.a.id]
		_, okB := parent[t.b.id]
		if okA && okB && t.a.id != t.b.id {
			parent[find(t.a.id)] = find(t.b.id)
		}
	}
	byRoot := map[int64]int{}
	var groups [][]int64
	for _, c := range remove {
		r := find(c.ID)
		i, ok := byRoot[r]
		if !ok {
			i = len(groups)
			byRoot[r] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c.ID)
	}
	return groups
}

// caseRowTables are the tables whose rows belong to a case, with how a set of cases
// (the placeholder list %s) selects them, in the order they are deleted: a row goes
// before the rows it names. TestPurgeCoversEveryTableNamingACase checks that every
// table with a foreign key to cases is here.
var caseRowTables = []struct{ table, where string }{
	{"outbox", "notification_id IN (SELECT id FROM notifications WHERE case_id IN (%s))"},
	{"notifications", "case_id IN (%s)"},
	{"appointment_invites", "appointment_id IN (SELECT id FROM appointments WHERE case_id IN (%s))"},
	{"appointments", "case_id IN (%s)"},
	{"follow_up_visits", "case_id IN (%s)"},
	{"follow_up_plans", "case_id IN (%s)"},
	{"help_requests", "case_id IN (%s)"},
	{"meeting_decisions", "case_id IN (%s)"},
	{"meeting_items", "case_id IN (%s)"},
	{"mediation_agreements", "case_id IN (%s)"},
	{"mediation_sessions", "case_id IN (%s)"},
	{"case_team", "case_id IN (%s)"},
	{"case_referrals", "case_id IN (%[1]s) OR linked_case_id IN (%[1]s)"},
	{"case_links", "from_case IN (%[1]s) OR to_case IN (%[1]s)"},
	{"issued_documents", "case_id IN (%s)"},
	{"import_rows", "case_id IN (%s)"},
	{"platform_orders", "case_id IN (%s)"},
	{"case_incidents", "case_id IN (%s)"},
	{"supervisions", "case_id IN (%s)"},
	{"case_attachments", "case_id IN (%s)"},
	{"case_events", "case_id IN (%s)"},
	{"case_assignments", "case_id IN (%s)"},
	{"case_parties", "case_id IN (%s)"},
}

// CaseRowTables names the tables PurgeCases deletes a case's rows from, besides
// cases and the search index.
func CaseRowTables() []string {
	out := make([]string, len(caseRowTables))
	for i, t := range caseRowTables {
		out[i] = t.table
	}
	return out
}

// idList is where with its list of ids (%s, or %[1]s named more than once) made
// placeholders, and the ids as arguments, repeated as often as where names them.
func idList(where string, ids []int64) (string, []any) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	clause := fmt.Sprintf(where, marks)
	times := strings.Count(where, "%")
	args := make([]any, 0, len(ids)*times)
	for range times {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return clause, args
}

// CaseRecords is a case as its export holds it: every column of its row and of the
// rows that hang off it, by table, and the audit log's entries about it.
type CaseRecords struct {
	Case   map[string]any              `json:"case"`
	Rows   map[string][]map[string]any `json:"rows"`
	Audit  []map[string]any            `json:"audit_log"`
	Search bool                        `json:"-"`
}

// CaseRecordsOf reads the full records of the cases ids (full values: the export is
// the case's record for the 档案馆).
func (s *Store) CaseRecordsOf(ctx context.Context, ids []int64) ([]CaseRecords, error) {
	where, args := idList("id IN (%s)", ids)
	cases, err := s.rowMaps(ctx, "SELECT * FROM cases WHERE "+where+" ORDER BY id", args)
	if err != nil {
		return nil, err
	}
	out := make([]CaseRecords, len(cases))
	at := map[int64]int{}
	for i, c := range cases {
		out[i] = CaseRecords{Case: c, Rows: map[string][]map[string]any{}}
		at[asInt64(c["id"])] = i
	}
	owner := func(table string, row map[string]any) []int64 {
		switch table {
		case "outbox", "appointment_invites":
			return []int64{asInt64(row["_case_id"])}
		case "case_referrals":
			return []int64{asInt64(row["case_id"]), asInt64(row["linked_case_id"])}
		case "case_links":
			return []int64{asInt64(row["from_case"]), asInt64(row["to_case"])}
		}
		return []int64{asInt64(row["case_id"])}
	}
	for _, t := range caseRowTables {
		var q string
		var qa []any
		switch t.table {
		case "outbox":
			w, a := idList("n.case_id IN (%s)", ids)
			q, qa = "SELECT o.*, n.case_id AS _case_id FROM outbox o JOIN notifications n ON n.id = o.notification_id WHERE "+w+" ORDER BY o.id", a
		case "appointment_invites":
			w, a := idList("p.case_id IN (%s)", ids)
			q, qa = "SELECT i.*, p.case_id AS _case_id FROM appointment_invites i JOIN appointments p ON p.id = i.appointment_id WHERE "+w+" ORDER BY i.id", a
		default:
			w, a := idList(t.where, ids)
			q, qa = "SELECT * FROM "+t.table+" WHERE "+w, a
		}
		rows, err := s.rowMaps(ctx, q, qa)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.table, err)
		}
		for _, row := range rows {
			for _, id := range owner(t.table, row) {
				if i, ok := at[id]; ok {
					out[i].Rows[t.table] = append(out[i].Rows[t.table], row)
				}
			}
			delete(row, "_case_id")
		}
	}
	objects := make([]any, len(ids))
	for i, id := range ids {
		objects[i] = fmt.Sprintf("case:%d", id)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	audit, err := s.rowMaps(ctx, "SELECT id, at, actor_id, actor, client_ip, action, object, summary FROM audit_log WHERE object IN ("+marks+") ORDER BY id", objects)
	if err != nil {
		return nil, fmt.Errorf("audit_log: %w", err)
	}
	for _, a := range audit {
		var id int64
		fmt.Sscanf(fmt.Sprint(a["object"]), "case:%d", &id)
		if i, ok := at[id]; ok {
			out[i].Audit = append(out[i].Audit, a)
		}
	}
	return out, nil
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	}
	return 0
}

// rowMaps reads every row of query as column → value; text the driver hands as
// bytes is turned back into text (a BLOB stays bytes, written as base64 in JSON).
func (s *Store) rowMaps(ctx context.Context, query string, args []any) ([]map[string]any, error) {
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok && !isBinaryColumn(types[i].DatabaseTypeName()) {
				v = string(b)
			}
			if t, ok := v.(time.Time); ok {
				v = t.UTC()
			}
			m[c] = v
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func isBinaryColumn(dbType string) bool {
	t := strings.ToUpper(dbType)
	return t == "BLOB" || t == "BYTEA"
}

// PurgeRun is a purge's record for the audit log: the export the operator keeps.
type PurgeRun struct {
	ExportPath   string
	ExportSHA256 string
	Cases        int
	Rules        string // the retention rules applied, as the dry run states them
	BatchCases   int    // cases one transaction removes at most; 0: PurgeBatchCases
}

// PurgeBatchCases is how many cases one purge transaction removes at most (a group
// of tied cases is never split).
const PurgeBatchCases = 100

// PurgeCases removes the cases of plan with all their rows, batch by batch, each
// batch in one transaction; the first batch's transaction writes the run's audit
// entry. A purge killed half-way has removed whole batches only: run again, it finds
// the cases left. done is told the count removed after each batch.
func (s *Store) PurgeCases(ctx context.Context, plan *PurgePlan, run PurgeRun, done func(removed int)) (int, error) {
	if len(plan.Groups) == 0 {
		return 0, nil
	}
	entry := Audited("case.purge", "purge:"+run.ExportSHA256,
		fmt.Sprintf("按保管期限删除已结案件 %d 件；导出文件 %s（SHA-256 %s）；规则 %s", run.Cases, run.ExportPath, run.ExportSHA256, run.Rules))
	size := run.BatchCases
	if size <= 0 {
		size = PurgeBatchCases
	}
	removed := 0
	var batch []int64
	first := true
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		e := NotAudited("the purge run's one entry is written with its first batch")
		if first {
			e = entry
		}
		if err := s.InTx(ctx, e, func(tx *Tx) error { return tx.deleteCases(ctx, batch) }); err != nil {
			return fmt.Errorf("purge cases %d–%d: %w", batch[0], batch[len(batch)-1], err)
		}
		first = false
		removed += len(batch)
		batch = batch[:0]
		if done != nil {
			done(removed)
		}
		return nil
	}
	for _, g := range plan.Groups {
		if len(batch) > 0 && len(batch)+len(g) > size {
			if err := flush(); err != nil {
				return removed, err
			}
		}
		batch = append(batch, g...)
	}
	return removed, flush()
}

// errPurgeChanged refuses a batch whose cases changed since the plan.
var errPurgeChanged = errors.New("purge: cases of the batch changed since the plan (reopened, held or tied to another case); nothing of the batch was removed: run the purge again")

// stillDue checks, inside the batch's transaction, that the plan's reasons still
// hold for ids: every case closed, none on hold, none tied to a case outside the
// batch (groups are never split, so a tie across is new).
func (t *Tx) stillDue(ctx context.Context, ids []int64) error {
	closed := "'" + strings.Join(terminalStates, "','") + "'"
	checks := []struct {
		where string
		want  int64
	}{
		{"SELECT count(*) FROM cases WHERE id IN (%s) AND state IN (" + closed + ") AND risk_level <> 'red'", int64(len(ids))},
		{"SELECT count(*) FROM mediation_agreements WHERE case_id IN (%s) AND confirm_status = 'applied'", 0},
		{"SELECT count(*) FROM case_referrals WHERE case_id IN (%s) AND status = 'open'", 0},
		{"SELECT count(*) FROM case_links WHERE (from_case IN (%[1]s)) <> (to_case IN (%[1]s))", 0},
		{"SELECT count(*) FROM case_referrals WHERE linked_case_id IS NOT NULL AND (case_id IN (%[1]s)) <> (linked_case_id IN (%[1]s))", 0},
		{"SELECT count(*) FROM cases WHERE merged_into IS NOT NULL AND (id IN (%[1]s)) <> (merged_into IN (%[1]s))", 0},
	}
	for _, c := range checks {
		q, args := idList(c.where, ids)
		var n int64
		if err := t.tx.QueryRowContext(ctx, t.s.q(q), args...).Scan(&n); err != nil {
			return err
		}
		if n != c.want {
			return errPurgeChanged
		}
	}
	return nil
}

// deleteCases removes the cases ids, their rows and their search entries.
func (t *Tx) deleteCases(ctx context.Context, ids []int64) error {
	if err := t.stillDue(ctx, ids); err != nil {
		return err
	}
	// The dashboards count what is kept: the cases' part of the rollups goes with them,
	// read before their rows (the lead department among them) are deleted.
	inCases, caseArgs := idList("c.id IN (%s)", ids)
	takeOut, takeOutArgs := rollupUpsert(t.s.dialect, -1, inCases, caseArgs, "")
	if _, err := t.tx.ExecContext(ctx, t.s.q(takeOut), takeOutArgs...); err != nil {
		return fmt.Errorf("case_rollups: %w", err)
	}
	// A kept case of the same person as a removed one, registered in the 90 days
	// after it, is no longer a repeat visit by what is kept (重复来访率).
	inIDs, idArgs := idList("IN (%s)", ids)
	peers, err := t.s.repeatPeers(ctx, t.tx, inIDs, idArgs)
	if err != nil {
		return err
	}
	for _, tb := range caseRowTables {
		where, args := idList(tb.where, ids)
		if _, err := t.tx.ExecContext(ctx, t.s.q("DELETE FROM "+tb.table+" WHERE "+where), args...); err != nil {
			return fmt.Errorf("%s: %w", tb.table, err)
		}
	}
	searchKey := "rowid"
	if t.s.dialect == Postgres {
		searchKey = "case_id"
	}
	where, args := idList(searchKey+" IN (%s)", ids)
	if _, err := t.tx.ExecContext(ctx, t.s.q("DELETE FROM case_search WHERE "+where), args...); err != nil {
		return fmt.Errorf("case_search: %w", err)
	}
	where, args = idList("id IN (%s)", ids)
	res, err := t.tx.ExecContext(ctx, t.s.q("DELETE FROM cases WHERE "+where), args...)
	if err != nil {
		return fmt.Errorf("cases: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n != int64(len(ids)) {
		return errPurgeChanged
	}
	return t.s.redecideRepeatVisits(ctx, t.tx, peers)
}

// RetentionText states rules as the dry run and the audit entry give them.
func RetentionText(rules []RetentionRule) string {
	parts := make([]string, len(rules))
	for i, r := range rules {
		if r.Permanent() {
			parts[i] = r.Kind + " 永久"
		} else {
			parts[i] = fmt.Sprintf("%s %d年", r.Kind, r.Years)
		}
	}
	return strings.Join(parts, "，")
}
