// Package audit reads the hash-chained audit log for admins: listing, filtering,
// exporting; and keeps what proves the chain from outside the database: its key
// (key.go) and the anchors of its head (anchor.go). Writing and walking the chain
// happen in internal/store, the entries inside the transaction of whatever is recorded.
package audit

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

var cst = time.FixedZone("CST", 8*3600)

// FilterParams are the query parameters FilterFrom reads.
var FilterParams = []string{"actor_id", "action", "object", "from", "to", "before", "limit"}

// Params is how FilterFrom reads query parameters: strictly, the first problem kept
// for Err (the web layer's httpx.Query).
type Params interface {
	String(name string) string
	Int(name string, min, max int64) int64
	Err() error
}

// FilterFrom reads a filter from query parameters: actor_id, action (a prefix when it
// ends in "."), object, from and to (dates, YYYY-MM-DD, China time), before, limit.
func FilterFrom(q Params) (store.AuditFilter, error) {
	var f store.AuditFilter
	f.ActorID = q.Int("actor_id", 0, 1<<62)
	f.Before = q.Int("before", 0, 1<<62)
	f.Limit = int(q.Int("limit", 1, 1000))
	f.Action, f.Object = q.String("action"), q.String("object")
	from, to := q.String("from"), q.String("to")
	if err := q.Err(); err != nil {
		return f, err
	}
	for _, d := range []struct {
		name, value string
		dst         *time.Time
	}{{"from", from, &f.From}, {"to", to, &f.To}} {
		if d.value == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.value, cst)
		if err != nil {
			return f, model.Invalid(d.name, "invalid", "invalid.date_format")
		}
		if d.name == "to" {
			t = t.AddDate(0, 0, 1) // through the end of that day
		}
		*d.dst = t
	}
	return f, nil
}

// List returns audit rows for an admin. The log is deployment-wide: an admin below
// the top of the tree sees the rows of actors in their own subtree.
func List(ctx context.Context, st *store.Store, p *auth.Principal, f store.AuditFilter) ([]store.AuditRow, error) {
	if err := p.Require(auth.PermAuditRead); err != nil {
		return nil, err
	}
	rows, err := st.AuditRows(ctx, f)
	if err != nil || p.Region.ParentID == 0 {
		return rows, err
	}
	inScope, err := st.Users(ctx, store.UserFilter{Within: p.Scope()})
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, u := range inScope {
		ids[u.ID] = true
	}
	out := rows[:0]
	for _, r := range rows {
		if ids[r.ActorID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// cell keeps a spreadsheet from reading user-typed text as a formula (CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportCSV writes the filtered log as CSV (UTF-8 with a byte-order mark, so Excel
// opens Chinese text correctly), and audits the export itself.
func ExportCSV(ctx context.Context, st *store.Store, p *auth.Principal, f store.AuditFilter, w io.Writer) error {
	f.Limit = 10000
	rows, err := List(ctx, st, p, f)
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, "audit.export", "audit_log", "导出审计日志 "+strconv.Itoa(len(rows))+" 条"); err != nil {
		return err
	}
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Write([]string{"序号", "时间", "操作人", "IP", "操作", "对象", "摘要", "哈希"})
	for _, r := range rows {
		cw.Write([]string{strconv.FormatInt(r.ID, 10), r.At.In(cst).Format("2006-01-02 15:04:05"), cell(r.Actor), r.ClientIP, r.Action, cell(r.Object), cell(r.Summary), r.Hash})
	}
	cw.Flush()
	return cw.Error()
}
