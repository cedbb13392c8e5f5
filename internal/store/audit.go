package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Actor is who a request acts for, as the audit log records them.
type Actor struct {
	ID   int64
	Name string // user name, or a description such as "匿名" for the public
	IP   string
}

type actorKey struct{}
type auditKey struct{}

// WithActor records who is acting, for every audit entry written under ctx.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor recorded in ctx.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// pendingAudit is an audit entry waiting for the transaction it records.
type pendingAudit struct {
	AuditEntry
	written atomic.Bool
}

// AuditEntry is what happened: the action ("login", "case.assign", "region.update"),
// the object it concerns ("case:42", "user:7") and a short summary of the change.
type AuditEntry struct {
	Action, Object, Summary string
}

// WithAudit attaches an audit entry to ctx: the next write transaction committed under
// ctx (InTx, or any single-statement write of the store) records it in the same
// transaction, so the entry exists exactly when the change does.
func WithAudit(ctx context.Context, action, object, summary string) context.Context {
	return context.WithValue(ctx, auditKey{}, &pendingAudit{AuditEntry: AuditEntry{Action: action, Object: object, Summary: summary}})
}

// SetAuditObject names the object of the audit entry pending in ctx, once it is known
// (a new case's id exists only after its insert).
func SetAuditObject(ctx context.Context, object string) {
	if p, _ := ctx.Value(auditKey{}).(*pendingAudit); p != nil {
		p.Object = object
	}
}

func pendingFrom(ctx context.Context) *pendingAudit {
	p, _ := ctx.Value(auditKey{}).(*pendingAudit)
	if p == nil || p.written.Load() {
		return nil
	}
	return p
}

// AuditRow is one row of the audit log.
type AuditRow struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	ActorID  int64     `json:"actor_id,omitempty"`
	Actor    string    `json:"actor"`
	ClientIP string    `json:"client_ip"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Summary  string    `json:"summary"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// chainHash is the row's hash: SHA-256 over the previous hash and every field, each
// length-prefixed so no two different rows can serialise alike.
func chainHash(r AuditRow) string {
	h := sha256.New()
	for _, f := range []string{r.PrevHash, strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(r.ActorID, 10), r.Actor, r.ClientIP, r.Action, r.Object, r.Summary} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit writes one entry inside tx: on PostgreSQL to audit_pending, for the
// sealer to chain (auditseal.go); on SQLite as a chained row. In a group commit's
// transaction the chain's head is carried from one caller's entry to the next and
// written to audit_head once, before the commit (flushAuditHead): reading and
// rewriting that one row for every entry was a tenth of the committer's time.
func (tx *Tx) appendAudit(ctx context.Context, a Actor, e AuditEntry) error {
	// Microseconds: what PostgreSQL keeps, so the hash verifies after a round trip.
	row := AuditRow{At: now().Truncate(time.Microsecond), ActorID: a.ID, Actor: a.Name, ClientIP: a.IP,
		Action: e.Action, Object: e.Object, Summary: truncateRunes(e.Summary, 1000)}
	if tx.s.dialect == Postgres {
		return tx.appendPending(ctx, row)
	}
	if tx.head != nil {
		row.ID, row.PrevHash = tx.head.id, tx.head.hash
	} else if err := tx.queryRow(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&row.ID, &row.PrevHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	row.ID++
	row.Hash = chainHash(row)
	if _, err := tx.exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor, client_ip, action, object, summary, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row.ID, row.At, nullInt64(row.ActorID), row.Actor, row.ClientIP,
		row.Action, row.Object, row.Summary, row.PrevHash, row.Hash); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if tx.batched {
		tx.head = &auditHead{id: row.ID, hash: row.Hash}
		return nil
	}
	_, err := tx.exec(ctx, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", row.ID, row.Hash)
	return err
}

// auditHead is the chain's last entry as a group commit's transaction has written it.
type auditHead struct {
	id   int64
	hash string
}

// flushAuditHead writes the head a batched transaction carried, if it wrote entries.
func (tx *Tx) flushAuditHead(ctx context.Context) error {
	if tx.head == nil {
		return nil
	}
	_, err := tx.exec(ctx, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", tx.head.id, tx.head.hash)
	return err
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Audit writes an entry on its own, for what changes nothing else: a failed login, a
// full view of personal data, an export.
func (s *Store) Audit(ctx context.Context, action, object, summary string) error {
	return s.InTx(WithAudit(ctx, action, object, summary), func(*Tx) error { return nil })
}

// AuditFilter narrows an audit listing.
type AuditFilter struct {
	ActorID int64
	Action  string // an action or a prefix ending in "." ("case.")
	Object  string
	From    time.Time
	To      time.Time
	Before  int64 // keyset cursor
	Limit   int
}

// AuditRows lists audit rows, newest first.
func (s *Store) AuditRows(ctx context.Context, f AuditFilter) ([]AuditRow, error) {
	if err := s.settleAudit(ctx); err != nil {
		return nil, err
	}
	q := "SELECT id, at, COALESCE(actor_id, 0), actor, client_ip, action, object, summary, prev_hash, hash FROM audit_log WHERE 1=1"
	var args []any
	if f.ActorID != 0 {
		q += " AND actor_id = ?"
		args = append(args, f.ActorID)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			q += " AND action >= ? AND action < ?"
			args = append(args, f.Action, f.Action[:len(f.Action)-1]+"/")
		} else {
			q += " AND action = ?"
			args = append(args, f.Action)
		}
	}
	if f.Object != "" {
		q += " AND object = ?"
		args = append(args, f.Object)
	}
	if !f.From.IsZero() {
		q += " AND at >= ?"
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += " AND at < ?"
		args = append(args, f.To.UTC())
	}
	if f.Before > 0 {
		q += " AND id < ?"
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, scanAuditRow)
}

func scanAuditRow(r *sql.Rows) (AuditRow, error) {
	var a AuditRow
	err := r.Scan(&a.ID, &a.At, &a.ActorID, &a.Actor, &a.ClientIP, &a.Action, &a.Object, &a.Summary, &a.PrevHash, &a.Hash)
	a.At = a.At.UTC()
	return a, err
}

// AuditBreak is where the chain first fails to verify.
type AuditBreak struct {
	ID     int64
	Reason string
}

// VerifyAudit walks the whole chain in order and returns the number of rows checked
// and the first broken row, if any: a row whose hash does not match its contents, whose
// prev_hash is not its predecessor's hash, a gap in the ids, a head that does not
// point at the last row, or a row past the head. Entries chained while it walks are
// left to the next walk.
func (s *Store) VerifyAudit(ctx context.Context) (int64, *AuditBreak, error) {
	if err := s.settleAudit(ctx); err != nil {
		return 0, nil, err
	}
	var n int64
	prev, lastID := "", int64(0)
	// The head first, and the chain up to it: entries sealed while the walk goes on
	// lie beyond it and are not the walk's to judge (a live server seals all the time).
	var headID int64
	var headHash string
	if err := s.queryRow(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&headID, &headHash); err != nil {
		return 0, nil, err
	}
	const page = 5000
	for lastID < headID {
		rows, err := s.query(ctx, fmt.Sprintf("SELECT id, at, COALESCE(actor_id, 0), actor, client_ip, action, object, summary, prev_hash, hash FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT %d", page), lastID, headID)
		batch, err := scanAll(rows, err, scanAuditRow)
		if err != nil {
			return n, nil, err
		}
		for _, r := range batch {
			switch {
			case r.ID != lastID+1:
				return n, &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("row %d is missing before it", lastID+1)}, nil
			case r.PrevHash != prev:
				return n, &AuditBreak{ID: r.ID, Reason: "prev_hash does not match the row before"}, nil
			case chainHash(r) != r.Hash:
				return n, &AuditBreak{ID: r.ID, Reason: "contents do not match the row's hash"}, nil
			}
			prev, lastID = r.Hash, r.ID
			n++
		}
		if len(batch) < page {
			break
		}
	}
	if headID != lastID || headHash != prev {
		return n, &AuditBreak{ID: headID, Reason: fmt.Sprintf("the chain ends at row %d but the head points at row %d: rows were removed from the end", lastID, headID)}, nil
	}
	// Rows past the head are sealed after the walk began, or else were put there by
	// hand: the highest id first, then the head again, which a seal only moves past it.
	var maxID int64
	if err := s.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&maxID); err != nil {
		return n, nil, err
	}
	if err := s.queryRow(ctx, "SELECT last_id FROM audit_head WHERE id = 1").Scan(&headID); err != nil {
		return n, nil, err
	}
	if maxID > headID {
		return n, &AuditBreak{ID: maxID, Reason: fmt.Sprintf("row %d lies past the chain's head (row %d): it was added outside the chain", maxID, headID)}, nil
	}
	return n, nil, nil
}
