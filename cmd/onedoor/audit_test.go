package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

var auditDirs sync.Map // PostgreSQL dsn -> the folder of its audit key and anchors

// auditPaths are the audit key and anchor files of dsn: on SQLite the defaults beside
// the database; on PostgreSQL files in a folder of the test's own, where the default
// would put them in data/ under this package.
func auditPaths(t *testing.T, dsn string) (key, anchors string) {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres") {
		cfg := &config.Config{DB: dsn}
		return cfg.AuditKeyPath(), cfg.AuditAnchorPath()
	}
	dir, ok := auditDirs.Load(dsn)
	if !ok {
		dir, _ = auditDirs.LoadOrStore(dsn, t.TempDir())
	}
	return filepath.Join(dir.(string), "onedoor.audit-key"), filepath.Join(dir.(string), "onedoor.audit-anchors")
}

// auditArgs are the flags that give a command dsn's audit files.
func auditArgs(t *testing.T, dsn string) []string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres") {
		return nil
	}
	key, anchors := auditPaths(t, dsn)
	return []string{"-audit-key-file", key, "-audit-anchor-file", anchors}
}

func auditVerifyOf(t *testing.T, dsn string, extra ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append(append([]string{"audit-verify", "-db", dsn}, auditArgs(t, dsn)...), extra...), &out)
	return out.String(), err
}

// serveError runs serve over dsn where it is expected not to start, and returns why.
func serveError(t *testing.T, dsn string, extra ...string) error {
	t.Helper()
	cfg, _, err := config.Load(append(append([]string{"-addr", "127.0.0.1:0", "-db", dsn, "-jobs=false"}, auditArgs(t, dsn)...), extra...), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
}

func signInAttempts(t *testing.T, addr string, attempts ...string) {
	t.Helper()
	for _, attempt := range attempts {
		resp, err := http.Post("http://"+addr+"/api/v1/session", "application/json", strings.NewReader(attempt))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

// The audit log proves itself: audit-verify passes on an honest log and exits 1 naming
// what is wrong when an intruder with the database's password but not the audit key
// edited a row, rehashed the chain, cut its end (rewriting the head to match) or took
// the anchors away.
func TestAuditVerifyCatchesTampering(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			// Without the sweeps the log holds the demo's working morning and the three
			// sign-in attempts after it.
			addr, stop := serveFor(t, dsn, true, io.Discard, "-jobs=false")
			signInAttempts(t, addr, `{"username":"county.clerk","password":"wrong-Pass1"}`, `{"username":"county.clerk","password":"Onedoor@2026"}`, `{"username":"nobody","password":"x"}`)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			driver := "sqlite"
			if d == store.Postgres {
				driver = "pgx"
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n int
			if err := db.QueryRow("SELECT count(*) FROM audit_log").Scan(&n); err != nil {
				t.Fatal(err)
			}
			out, err := auditVerifyOf(t, dsn)
			if err != nil || !strings.Contains(out, fmt.Sprintf("audit log OK: %d rows, chain intact; every row sealed with the audit key; checked against the anchor at seq %d", n, n)) {
				t.Fatalf("honest log: %v %s", err, out)
			}
			// The log refuses edits through SQL as long as its triggers stand.
			if _, err := db.Exec("UPDATE audit_log SET summary = 'x' WHERE id = 2"); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("an edit went through the append-only trigger: %v", err)
			}

			keyPath, anchorPath := auditPaths(t, dsn)
			keys, err := audit.ReadKeys(audit.KeySource{Path: keyPath})
			if err != nil || len(keys) != 1 {
				t.Fatalf("key file %s: %v %v", keyPath, keys, err)
			}
			var headHash string
			if err := db.QueryRow("SELECT last_hash FROM audit_head WHERE id = 1").Scan(&headHash); err != nil {
				t.Fatal(err)
			}
			tamper := testutil.TamperAudit(t, d, dsn)
			tamper.Exec("CREATE TABLE audit_copy AS SELECT * FROM audit_log")
			restore := func() {
				tamper.Exec("DELETE FROM audit_log")
				tamper.Exec("INSERT INTO audit_log SELECT * FROM audit_copy")
				tamper.Exec("UPDATE audit_head SET last_id = ?, last_hash = ?, key_id = ? WHERE id = 1", n, headHash, keys[0].ID)
				os.Rename(anchorPath+".gone", anchorPath)
			}
			edit := func() { tamper.Exec("UPDATE audit_log SET summary = '登录成功' WHERE id = 1") }
			for _, tc := range []struct {
				name    string
				tamper  func()
				reasons []string
			}{
				{"a row edited", edit, []string{"BROKEN at row 1: HMAC mismatch under audit key " + keys[0].ID}},
				{"the chain rehashed under another key", func() { edit(); tamper.Rehash(1, keys[0].ID, make([]byte, 32)) },
					[]string{"BROKEN at row 1: HMAC mismatch"}},
				{"the chain rehashed unkeyed", func() { edit(); tamper.Rehash(1, "", nil) },
					[]string{"BROKEN at row ", "but the row's hash is", "the chain was rewritten after it was anchored"}},
				{"the tail cut and the head rewritten", func() { tamper.CutTail(int64(n - 1)) },
					[]string{fmt.Sprintf("BROKEN at row %d: anchor at seq %d hash %s… (written ", n-1, n, headHash[:16]), fmt.Sprintf("but the log ends at seq %d: rows %d–%d are missing", n-2, n-1, n)}},
				{"the last row deleted", func() { tamper.Exec("DELETE FROM audit_log WHERE id = ?", n) }, []string{"removed from the end"}},
				{"the anchors taken away", func() { os.Rename(anchorPath, anchorPath+".gone") },
					[]string{fmt.Sprintf("audit log NOT ANCHORED: %d rows verify, sealed with a key from row 1, but %s holds no anchor", n, anchorPath)}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					defer restore()
					tc.tamper()
					out, err := auditVerifyOf(t, dsn)
					if !errors.Is(err, errAuditBroken) {
						t.Fatalf("audit-verify: %v, want it to exit 1; said %s", err, out)
					}
					for _, want := range tc.reasons {
						if !strings.Contains(out, want) {
							t.Errorf("audit-verify said %q, want it to say %q", out, want)
						}
					}
				})
				if out, err := auditVerifyOf(t, dsn); err != nil {
					t.Fatalf("restored after %s: %v %s", tc.name, err, out)
				}
			}
		})
	}
}

// The first start on a log from before keying creates the key file, and the key seals
// the rows from then on; later starts use the same key and say nothing of creating one.
// A node without the key, or with another, refuses to start and makes up no key.
func TestAuditKeyCreatedOnceAndKept(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			legacy := testutil.OpenStore(t, dsn) // a server from before the key
			for _, what := range []string{"login.fail", "login"} {
				if err := legacy.Audit(ctx, what, "user:1", "旧版本写入"); err != nil {
					t.Fatal(err)
				}
			}
			legacy.Close()
			keyPath, anchorPath := auditPaths(t, dsn)
			if _, err := os.Stat(keyPath); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("key file before the first start: %v", err)
			}

			var log bytes.Buffer
			_, stop := serveFor(t, dsn, false, &log, "-jobs=false")
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(log.String(), "audit key created") {
				t.Fatalf("first start does not say it created the key:\n%s", log.String())
			}
			fi, err := os.Stat(keyPath)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("key file %s: %v %v", keyPath, fi, err)
			}
			first, _ := os.ReadFile(keyPath)
			out, err := auditVerifyOf(t, dsn)
			if err != nil || !strings.Contains(out, "audit log OK: 3 rows, chain intact; rows 1–2 from before keying are plain SHA-256, rows from 3 on sealed with the audit key") {
				t.Fatalf("after keying: %v %s", err, out)
			}

			log.Reset()
			addr, stop := serveFor(t, dsn, false, &log, "-jobs=false")
			signInAttempts(t, addr, `{"username":"nobody","password":"x"}`)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if again, _ := os.ReadFile(keyPath); !bytes.Equal(first, again) || strings.Contains(log.String(), "audit key created") {
				t.Fatalf("a restart changed the key file or made a key:\n%s", log.String())
			}
			if out, err := auditVerifyOf(t, dsn); err != nil || !strings.Contains(out, "audit log OK: 4 rows") {
				t.Fatalf("after a restart: %v %s", err, out)
			}
			anchors, err := audit.ReadAnchors(anchorPath)
			var reasons []string
			for _, a := range anchors {
				reasons = append(reasons, a.Reason)
			}
			if err != nil || !slices.Equal(reasons, []string{"start", "shutdown", "start", "shutdown"}) || anchors[3].Seq != 4 {
				t.Fatalf("anchors %+v, %v", anchors, err)
			}

			// The key lost: no start, no key made up, and audit-verify says what it needs.
			keys, _ := audit.ReadKeys(audit.KeySource{Path: keyPath})
			if err := os.Rename(keyPath, keyPath+".bak"); err != nil {
				t.Fatal(err)
			}
			if err := serveError(t, dsn); err == nil || !strings.Contains(err.Error(), "sealed with key "+keys[0].ID) || !strings.Contains(err.Error(), keyPath) {
				t.Fatalf("start without the key: %v", err)
			}
			if _, err := os.Stat(keyPath); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a start without the key made a key file: %v", err)
			}
			if out, err := auditVerifyOf(t, dsn); err == nil || !strings.Contains(err.Error(), "give audit-verify the key") {
				t.Fatalf("audit-verify without the key: %v %s", err, out)
			}
			// Another key, as another node might hold: refused too.
			other := make([]byte, 32)
			rand.Read(other)
			if err := serveError(t, dsn, "-audit-key", hex.EncodeToString(other)); err == nil || !strings.Contains(err.Error(), "do not include") {
				t.Fatalf("start with another key: %v", err)
			}
			if err := os.Rename(keyPath+".bak", keyPath); err != nil {
				t.Fatal(err)
			}
			if out, err := auditVerifyOf(t, dsn); err != nil {
				t.Fatalf("key restored: %v %s", err, out)
			}
		})
	}
}

// A running server anchors the head at start, at every -audit-anchor-every and at
// shutdown, in its file and to the webhook, signed as notifications are.
func TestServeAnchorsTheAuditChain(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			var mu sync.Mutex
			var posted [][]byte
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if r.Header.Get("X-Onedoor-Signature") != notify.Sign("anchor-secret", body) {
					t.Errorf("anchor posted with signature %q", r.Header.Get("X-Onedoor-Signature"))
				}
				mu.Lock()
				posted = append(posted, body)
				mu.Unlock()
			}))
			defer hook.Close()
			dsn := testutil.NewDSN(t, d)
			_, anchorPath := auditPaths(t, dsn)
			addr, stop := serveFor(t, dsn, false, io.Discard, "-jobs=false", "-audit-anchor-every", "1s", "-webhook-url", hook.URL, "-webhook-secret", "anchor-secret")
			signInAttempts(t, addr, `{"username":"nobody","password":"x"}`)
			deadline := time.Now().Add(20 * time.Second)
			for {
				anchors, _ := audit.ReadAnchors(anchorPath)
				if slices.ContainsFunc(anchors, func(a store.AuditAnchor) bool { return a.Reason == "interval" && a.Seq == 1 }) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no interval anchor of row 1 after 20 s: %+v", anchors)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			anchors, err := audit.ReadAnchors(anchorPath)
			if err != nil || len(anchors) < 3 || anchors[0].Reason != "start" || anchors[0].Seq != 0 || anchors[len(anchors)-1].Reason != "shutdown" {
				t.Fatalf("anchors %+v, %v", anchors, err)
			}
			last := anchors[len(anchors)-1]
			st := testutil.OpenStore(t, dsn)
			if head, err := st.AuditHead(context.Background()); err != nil || head.Seq != last.Seq || head.Hash != last.Hash || last.Seq != 1 || last.Node == "" || last.KeyID == "" {
				t.Fatalf("shutdown anchor %+v, head %+v %v", last, head, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(posted) != len(anchors) {
				t.Fatalf("%d anchors posted, %d written", len(posted), len(anchors))
			}
			var got map[string]any
			if err := json.Unmarshal(posted[len(posted)-1], &got); err != nil || got["kind"] != "audit.anchor" || got["hash"] != last.Hash || got["seq"] != float64(1) || got["reason"] != "shutdown" {
				t.Fatalf("last anchor posted %s, %v", posted[len(posted)-1], err)
			}
		})
	}
}
