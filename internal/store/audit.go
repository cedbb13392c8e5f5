package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
)

// Actor is who a request acts for, as the audit log records them.
type Actor struct {
	ID   int64
	Name string // user name, or a description such as "匿名" for the public
	IP   string
}

type actorKey struct{}

// WithActor records who is acting, for every audit entry written under ctx.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor recorded in ctx.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// AuditEntry is what a write records in the audit log: the action ("login",
// "case.assign", "region.update"), the object it concerns ("case:42", "user:7") and a
// short summary of the change. Every write of the store takes one (InTx, RegisterCase
// and the single-statement writes alike) and records it in the write's own
// transaction, so the entry exists exactly when the change does. A write that is none
// of the log's business says so with NotAudited; a write given neither (the zero
// AuditEntry) is refused with ErrNoAuditEntry before it touches the database, so a
// forgotten entry fails the first test that takes the path.
type AuditEntry struct {
	Action, Object, Summary string

	unaudited string // NotAudited's reason
}

// Audited is the entry a write records.
func Audited(action, object, summary string) AuditEntry {
	return AuditEntry{Action: action, Object: object, Summary: summary}
}

// NotAudited is what a write passes that records nothing in the audit log:
// bookkeeping (a session's last visit, a delivery attempt, a rate limit's count), the
// demo's generated county, a test's fixtures. why is for the reader of the call.
func NotAudited(why string) AuditEntry {
	if why == "" {
		why = "not audited"
	}
	return AuditEntry{unaudited: why}
}

// ErrNoAuditEntry refuses a write that was given no audit entry.
var ErrNoAuditEntry = errors.New("store: a write without an audit entry (store.Audited, or store.NotAudited saying why)")

// check refuses the zero entry.
func (e AuditEntry) check() error {
	if e.Action == "" && e.unaudited == "" {
		return ErrNoAuditEntry
	}
	return nil
}

// recorded tells whether e writes a row.
func (e AuditEntry) recorded() bool { return e.Action != "" }

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
	KeyID    string    `json:"key_id,omitempty"` // the key that sealed the row; '' before keying began (auditkey.go)
}

// chainHash is the row's hash over the previous hash and every field, each
// length-prefixed so no two different rows can serialise alike: HMAC-SHA256 under key
// for a keyed row (its key id among the fields), plain SHA-256 for a row chained
// before keying began (empty KeyID, nil key).
func chainHash(r AuditRow, key *AuditKey) string {
	fields := []string{r.PrevHash, strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(r.ActorID, 10), r.Actor, r.ClientIP, r.Action, r.Object, r.Summary}
	var h hash.Hash
	if r.KeyID == "" {
		h = sha256.New()
	} else {
		h = hmac.New(sha256.New, key.secret)
		fields = append(fields, r.KeyID)
	}
	for _, f := range fields {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// seal gives row its key id and hash: under the store's current key, or unkeyed while
// the store holds none and the chain was never keyed (empty headKey).
func (s *Store) seal(row *AuditRow, headKey string) error {
	key := s.auditKey()
	if key == nil {
		if headKey != "" {
			return errNoAuditKey
		}
		row.KeyID = ""
	} else {
		row.KeyID = key.ID
	}
	row.Hash = chainHash(*row, key)
	return nil
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
	var headKey string
	if tx.head != nil {
		row.ID, row.PrevHash, headKey = tx.head.id, tx.head.hash, tx.head.key
	} else if err := tx.queryRow(ctx, "SELECT last_id, last_hash, key_id FROM audit_head WHERE id = 1").Scan(&row.ID, &row.PrevHash, &headKey); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	row.ID++
	if err := tx.s.seal(&row, headKey); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor, client_ip, action, object, summary, prev_hash, hash, key_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row.ID, row.At, nullInt64(row.ActorID), row.Actor, row.ClientIP,
		row.Action, row.Object, row.Summary, row.PrevHash, row.Hash, row.KeyID); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if tx.batched {
		tx.head = &auditHead{id: row.ID, hash: row.Hash, key: headKey}
		return nil
	}
	_, err := tx.exec(ctx, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", row.ID, row.Hash)
	return err
}

// auditHead is the chain's last entry as a group commit's transaction has written it.
type auditHead struct {
	id   int64
	hash string
	key  string // the key audit_head was adopted to (auditkey.go)
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
	return s.InTx(ctx, Audited(action, object, summary), func(*Tx) error { return nil })
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
	q := "SELECT " + auditColumns + " FROM audit_log WHERE 1=1"
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

// auditColumns are what scanAuditRow reads.
const auditColumns = "id, at, COALESCE(actor_id, 0), actor, client_ip, action, object, summary, prev_hash, hash, key_id"

func scanAuditRow(r *sql.Rows) (AuditRow, error) {
	var a AuditRow
	err := r.Scan(&a.ID, &a.At, &a.ActorID, &a.Actor, &a.ClientIP, &a.Action, &a.Object, &a.Summary, &a.PrevHash, &a.Hash, &a.KeyID)
	a.At = a.At.UTC()
	return a, err
}

// AuditBreak is where the chain first fails to verify.
type AuditBreak struct {
	ID     int64
	Reason string
}

// AuditAnchor is the chain's head as a server wrote it down where the database's writer
// cannot rewrite it (internal/audit keeps the file and posts the webhook).
type AuditAnchor struct {
	Seq    int64     `json:"seq"`
	Hash   string    `json:"hash"`
	At     time.Time `json:"at"`
	KeyID  string    `json:"key_id,omitempty"`
	Node   string    `json:"node,omitempty"`
	Reason string    `json:"reason,omitempty"` // start, hourly, shutdown, setup, demo
}

// AuditHead is the chain's head now, once what waits is sealed: its last row's id
// and hash, as an anchor records them.
func (s *Store) AuditHead(ctx context.Context) (AuditAnchor, error) {
	if err := s.settleAudit(ctx); err != nil {
		return AuditAnchor{}, err
	}
	var a AuditAnchor
	err := s.w.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&a.Seq, &a.Hash)
	return a, err
}

// AuditReport is what a walk of the chain found.
type AuditReport struct {
	Rows      int64        // rows that verify, up to the break if there is one
	Break     *AuditBreak  // the first thing wrong; nil when the chain verifies
	KeyedFrom int64        // the first keyed row; 0 when none is
	Anchor    *AuditAnchor // the latest anchor (by seq) the chain was checked against
}

// VerifyAudit walks the chain (CheckAudit) and returns the rows that verify and the
// first break.
func (s *Store) VerifyAudit(ctx context.Context, anchors ...AuditAnchor) (int64, *AuditBreak, error) {
	r, err := s.CheckAudit(ctx, anchors)
	return r.Rows, r.Break, err
}

// CheckAudit walks the whole chain in order and reports the first broken row, if any:
// a row whose hash does not match its contents (an HMAC under the key it names, with
// the store's keys; plain SHA-256 for rows from before keying began), an unkeyed row
// after keyed ones, whose prev_hash is not its predecessor's hash, a gap in the ids, a
// head that does not point at the last row, a row past the head, a row whose hash is
// not what an anchor wrote down for it, and a chain that ends before the latest
// anchor: rows cut from the end, with the head rewritten to match. Entries chained
// while it walks are left to the next walk.
func (s *Store) CheckAudit(ctx context.Context, anchors []AuditAnchor) (AuditReport, error) {
	var rep AuditReport
	if err := s.settleAudit(ctx); err != nil {
		return rep, err
	}
	anchored := map[int64][]AuditAnchor{}
	for i, a := range anchors {
		if a.Seq > 0 {
			anchored[a.Seq] = append(anchored[a.Seq], a)
		}
		if rep.Anchor == nil || a.Seq > rep.Anchor.Seq {
			rep.Anchor = &anchors[i]
		}
	}
	ring := s.auditKeys.Load()
	prev, lastID := "", int64(0)
	// The head first, and the chain up to it: entries sealed while the walk goes on
	// lie beyond it and are not the walk's to judge (a live server seals all the time).
	var headID int64
	var headHash string
	if err := s.queryRow(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&headID, &headHash); err != nil {
		return rep, err
	}
	broken := func(id int64, format string, args ...any) (AuditReport, error) {
		rep.Break = &AuditBreak{ID: id, Reason: fmt.Sprintf(format, args...)}
		return rep, nil
	}
	const page = 5000
	for lastID < headID {
		rows, err := s.query(ctx, fmt.Sprintf("SELECT %s FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT %d", auditColumns, page), lastID, headID)
		batch, err := scanAll(rows, err, scanAuditRow)
		if err != nil {
			return rep, err
		}
		for _, r := range batch {
			switch {
			case r.ID != lastID+1:
				return broken(r.ID, "row %d is missing before it", lastID+1)
			case r.PrevHash != prev:
				return broken(r.ID, "prev_hash does not match the row before")
			case r.KeyID == "" && rep.KeyedFrom > 0:
				return broken(r.ID, "the row is unkeyed, but the chain is keyed from row %d on: it was rewritten without the audit key", rep.KeyedFrom)
			case r.KeyID == "" && chainHash(r, nil) != r.Hash:
				return broken(r.ID, "contents do not match the row's hash")
			case r.KeyID != "" && ring == nil:
				return broken(r.ID, "the row is sealed with audit key %s, and no audit key was given to check it", r.KeyID)
			case r.KeyID != "" && !ring.has(r.KeyID):
				return broken(r.ID, "the row is sealed with audit key %s, which the given keys (%s) do not include", r.KeyID, strings.Join(s.AuditKeyIDs(), ", "))
			}
			if r.KeyID != "" {
				key := ring.byID[r.KeyID]
				if !hmac.Equal([]byte(chainHash(r, &key)), []byte(r.Hash)) {
					return broken(r.ID, "HMAC mismatch under audit key %s: the row's contents or hash were rewritten without the key", r.KeyID)
				}
				if rep.KeyedFrom == 0 {
					rep.KeyedFrom = r.ID
				}
			}
			for _, a := range anchored[r.ID] {
				if a.Hash != r.Hash {
					return broken(r.ID, "anchor at seq %d hash %s (written %s by %s) but the row's hash is %s: the chain was rewritten after it was anchored",
						a.Seq, shortHash(a.Hash), a.At.UTC().Format(time.RFC3339), a.Node, shortHash(r.Hash))
				}
			}
			prev, lastID = r.Hash, r.ID
			rep.Rows++
		}
		if len(batch) < page {
			break
		}
	}
	if headID != lastID || headHash != prev {
		return broken(headID, "the chain ends at row %d but the head points at row %d: rows were removed from the end", lastID, headID)
	}
	// Rows past the head are sealed after the walk began, or else were put there by
	// hand: the highest id first, then the head again, which a seal only moves past it.
	var maxID int64
	if err := s.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&maxID); err != nil {
		return rep, err
	}
	if err := s.queryRow(ctx, "SELECT last_id FROM audit_head WHERE id = 1").Scan(&headID); err != nil {
		return rep, err
	}
	if maxID > headID {
		return broken(maxID, "row %d lies past the chain's head (row %d): it was added outside the chain", maxID, headID)
	}
	// The anchors were read before the head, and a head only grows: a chain that ends
	// before the latest anchor lost its end, though what is left holds together.
	if a := rep.Anchor; a != nil && a.Seq > lastID {
		missing := fmt.Sprintf("rows %d–%d are missing", lastID+1, a.Seq)
		if a.Seq == lastID+1 {
			missing = fmt.Sprintf("row %d is missing", a.Seq)
		}
		return broken(lastID+1, "anchor at seq %d hash %s (written %s by %s) but the log ends at seq %d: %s",
			a.Seq, shortHash(a.Hash), a.At.UTC().Format(time.RFC3339), a.Node, lastID, missing)
	}
	return rep, nil
}

// shortHash is a hash as a message quotes it.
func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
