package testutil

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/store"
)

// AuditTamperer edits a database's audit log as someone could who holds the
// database's password but not the audit key: the append-only triggers dropped, rows
// edited, deleted and rehashed with SQL.
type AuditTamperer struct {
	t  testing.TB
	db *sql.DB
	d  store.Dialect
}

// TamperAudit opens dsn beside the application and drops the audit log's
// append-only triggers.
func TamperAudit(t testing.TB, d store.Dialect, dsn string) *AuditTamperer {
	t.Helper()
	driver := "sqlite"
	if d == store.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := &AuditTamperer{t: t, db: db, d: d}
	if d == store.Postgres {
		a.Exec("DROP TRIGGER audit_log_no_change ON audit_log")
	} else {
		a.Exec("DROP TRIGGER audit_log_no_update")
		a.Exec("DROP TRIGGER audit_log_no_delete")
	}
	return a
}

// Exec runs a statement with '?' placeholders.
func (a *AuditTamperer) Exec(query string, args ...any) {
	a.t.Helper()
	if _, err := a.db.Exec(a.rebind(query), args...); err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
}

// rebind turns '?' placeholders into PostgreSQL's $n.
func (a *AuditTamperer) rebind(q string) string {
	if a.d != store.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// CutTail deletes the rows from id on and points the head at the row before, so that
// what is left holds together.
func (a *AuditTamperer) CutTail(from int64) {
	a.t.Helper()
	var hash string
	if err := a.db.QueryRow(a.rebind("SELECT hash FROM audit_log WHERE id = ?"), from-1).Scan(&hash); err != nil {
		a.t.Fatal(err)
	}
	a.Exec("DELETE FROM audit_log WHERE id >= ?", from)
	a.Exec("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", from-1, hash)
}

// Rehash recomputes the hash of every row from id on, and the head, as the chain's
// code does: with secret as the HMAC key and keyID in each row, or as plain SHA-256
// with no key id when secret is nil. Without the real key, this is what an intruder
// can do to make an edited log hold together.
func (a *AuditTamperer) Rehash(from int64, keyID string, secret []byte) {
	a.t.Helper()
	if secret == nil {
		keyID = ""
	}
	prev := ""
	if from > 1 {
		if err := a.db.QueryRow(a.rebind("SELECT hash FROM audit_log WHERE id = ?"), from-1).Scan(&prev); err != nil {
			a.t.Fatal(err)
		}
	}
	rows, err := a.db.Query(a.rebind("SELECT id, at, COALESCE(actor_id, 0), actor, client_ip, action, object, summary FROM audit_log WHERE id >= ? ORDER BY id"), from)
	if err != nil {
		a.t.Fatal(err)
	}
	type row struct {
		id, actorID                           int64
		at                                    time.Time
		actor, ip, action, object, summary, h string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.at, &r.actorID, &r.actor, &r.ip, &r.action, &r.object, &r.summary); err != nil {
			a.t.Fatal(err)
		}
		all = append(all, r)
	}
	rows.Close()
	for _, r := range all {
		fields := []string{prev, strconv.FormatInt(r.id, 10), r.at.UTC().Format(time.RFC3339Nano),
			strconv.FormatInt(r.actorID, 10), r.actor, r.ip, r.action, r.object, r.summary}
		var h hash.Hash = sha256.New()
		if secret != nil {
			h = hmac.New(sha256.New, secret)
			fields = append(fields, keyID)
		}
		for _, f := range fields {
			fmt.Fprintf(h, "%d:%s;", len(f), f)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		a.Exec("UPDATE audit_log SET prev_hash = ?, hash = ?, key_id = ? WHERE id = ?", prev, sum, keyID, r.id)
		prev = sum
	}
	a.Exec("UPDATE audit_head SET last_hash = ?, key_id = ? WHERE id = 1", prev, keyID)
}
