package store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// writeAudit adds n entries to the chain.
func writeAudit(t *testing.T, st *store.Store, n int, what string) {
	t.Helper()
	ctx := store.WithActor(context.Background(), store.Actor{ID: 7, Name: "县级管理员", IP: "10.0.0.7"})
	for i := 0; i < n; i++ {
		if err := st.Audit(ctx, "test."+what, fmt.Sprintf("test:%s-%d", what, i), "审计测试"+what); err != nil {
			t.Fatal(err)
		}
	}
}

// keyedStore is a fresh store of d keyed with a key whose secret the test knows, as
// the cut and rehash tests need.
func keyedStore(t *testing.T, d store.Dialect) (*store.Store, string, []byte, store.AuditKey) {
	t.Helper()
	secret := make([]byte, 32)
	rand.Read(secret)
	key, err := store.NewAuditKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	dsn := testutil.NewDSN(t, d)
	return testutil.OpenStore(t, dsn, key), dsn, secret, key
}

func TestAuditKeyNeedsEnoughBytes(t *testing.T) {
	if _, err := store.NewAuditKey(make([]byte, store.AuditKeyMinBytes-1)); err == nil {
		t.Fatal("a 31-byte audit key was accepted")
	}
	a, _ := store.NewAuditKey(make([]byte, store.AuditKeyMinBytes))
	b, _ := store.NewAuditKey(append(make([]byte, store.AuditKeyMinBytes-1), 1))
	if a.ID == "" || a.ID == b.ID {
		t.Fatalf("key ids %q and %q: want two different ids", a.ID, b.ID)
	}
}

// A keyed row names its key, and a change to any one column of any row is found,
// the key id included.
func TestAuditEditOfAnyColumnIsCaught(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st, dsn, _, key := keyedStore(t, d)
			writeAudit(t, st, 3, "edit")
			rows, err := st.AuditRows(ctx, store.AuditFilter{})
			if err != nil || len(rows) != 3 || rows[0].KeyID != key.ID || rows[2].KeyID != key.ID {
				t.Fatalf("rows %+v, %v: want 3, each naming key %s", rows, err, key.ID)
			}
			tamper := testutil.TamperAudit(t, d, dsn)
			tamper.Exec("CREATE TABLE audit_copy AS SELECT * FROM audit_log")
			for _, tc := range []struct {
				column, set string
				breakAt     int64
			}{
				{"at", "at = ?", 2},
				{"actor_id", "actor_id = 8", 2},
				{"actor", "actor = '别人'", 2},
				{"client_ip", "client_ip = '10.0.0.8'", 2},
				{"action", "action = 'test.other'", 2},
				{"object", "object = 'test:other'", 2},
				{"summary", "summary = '改过的摘要'", 2},
				{"prev_hash", "prev_hash = 'x'", 2},
				{"hash", "hash = 'x'", 2},
				{"key_id to none", "key_id = ''", 2},
				{"key_id to another", "key_id = '0123456789abcdef'", 2},
				{"id", "id = 9", 3}, // row 3 then follows row 1
			} {
				t.Run(tc.column, func(t *testing.T) {
					if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != 3 {
						t.Fatalf("honest chain: %d rows, break %+v, %v", n, brk, err)
					}
					var args []any
					if tc.column == "at" {
						args = append(args, rows[1].At.Add(1e9))
					}
					tamper.Exec("UPDATE audit_log SET "+tc.set+" WHERE id = 2", args...)
					n, brk, err := st.VerifyAudit(ctx)
					if err != nil || brk == nil || brk.ID != tc.breakAt || n != 1 {
						t.Errorf("after editing %s: %d rows, break %+v, %v; want a break at row %d", tc.column, n, brk, err, tc.breakAt)
					}
					tamper.Exec("DELETE FROM audit_log")
					tamper.Exec("INSERT INTO audit_log SELECT * FROM audit_copy")
				})
			}
		})
	}
}

// Recomputing every hash does not make an edited log verify without the key: under
// another key each row's HMAC is wrong, and a log rehashed as plain SHA-256, its keys
// dropped, no longer matches the head an anchor wrote down. Rehashed with the real
// key it verifies, which shows the rehash is done as the chain's code does it.
func TestAuditRehashWithoutTheKeyIsCaught(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st, dsn, secret, key := keyedStore(t, d)
			writeAudit(t, st, 5, "rehash")
			head, err := st.AuditHead(ctx)
			if err != nil || head.Seq != 5 {
				t.Fatalf("head %+v, %v", head, err)
			}
			tamper := testutil.TamperAudit(t, d, dsn)
			tamper.Exec("CREATE TABLE audit_copy AS SELECT * FROM audit_log")
			restore := func() {
				tamper.Exec("DELETE FROM audit_log")
				tamper.Exec("INSERT INTO audit_log SELECT * FROM audit_copy")
				tamper.Exec("UPDATE audit_head SET last_id = ?, last_hash = ?, key_id = ? WHERE id = 1", head.Seq, head.Hash, key.ID)
			}
			for _, tc := range []struct {
				name      string
				from      int64
				secret    []byte
				anchored  bool
				breakAt   int64
				reasonHas string
			}{
				{"under another key", 1, make([]byte, 32), false, 1, "HMAC mismatch under audit key " + key.ID},
				{"from an edited row under another key", 3, make([]byte, 32), false, 3, "HMAC mismatch"},
				{"unkeyed after keyed rows", 3, nil, false, 3, "keyed from row 1 on"},
				{"unkeyed from the first row, against an anchor", 1, nil, true, 5, "anchor at seq 5"},
				{"with the real key, against an anchor", 1, secret, true, 5, "anchor at seq 5"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					defer restore()
					var anchors []store.AuditAnchor
					if tc.anchored {
						anchors = append(anchors, head)
					}
					tamper.Exec("UPDATE audit_log SET summary = '改过的摘要' WHERE id = ?", tc.from)
					tamper.Rehash(tc.from, key.ID, tc.secret)
					n, brk, err := st.VerifyAudit(ctx, anchors...)
					if err != nil || brk == nil || brk.ID != tc.breakAt || !strings.Contains(brk.Reason, tc.reasonHas) || n != tc.breakAt-1 {
						t.Fatalf("%d rows, break %+v, %v; want a break at row %d saying %q", n, brk, err, tc.breakAt, tc.reasonHas)
					}
				})
			}
			// Rehashed unedited with the real key, the log is what it was: the rehash
			// above is done as the chain's code does it, and failed for want of the key.
			tamper.Rehash(1, key.ID, secret)
			if n, brk, err := st.VerifyAudit(ctx, head); err != nil || brk != nil || n != 5 {
				t.Fatalf("rehashed with the real key, unedited: %d rows, break %+v, %v", n, brk, err)
			}
		})
	}
}

// Rows cut from the end, with the head pointed at the new last row, leave a chain that
// holds together; the latest anchor names what is missing.
func TestAuditCutTailIsCaughtByTheAnchor(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			for _, tc := range []struct {
				name    string
				cutFrom int64
				want    string
			}{
				{"two rows", 4, "anchor at seq 5 hash "},
				{"one row", 5, "but the log ends at seq 4: row 5 is missing"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ctx := context.Background()
					st, dsn, _, _ := keyedStore(t, d)
					writeAudit(t, st, 2, "early")
					early, err := st.AuditHead(ctx)
					if err != nil {
						t.Fatal(err)
					}
					writeAudit(t, st, 3, "late")
					latest, err := st.AuditHead(ctx)
					if err != nil {
						t.Fatal(err)
					}
					// The latest by sequence, whatever the order in the file.
					anchors := []store.AuditAnchor{latest, early, {Seq: 0}}
					if n, brk, err := st.VerifyAudit(ctx, anchors...); err != nil || brk != nil || n != 5 {
						t.Fatalf("honest anchored chain: %d rows, break %+v, %v", n, brk, err)
					}
					testutil.TamperAudit(t, d, dsn).CutTail(tc.cutFrom)
					if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil {
						t.Fatalf("without anchors a cut tail cannot show: %d rows, break %+v, %v", n, brk, err)
					}
					rep, err := st.CheckAudit(ctx, anchors)
					if err != nil || rep.Break == nil || rep.Break.ID != tc.cutFrom || !strings.Contains(rep.Break.Reason, tc.want) || rep.Anchor.Seq != 5 {
						t.Fatalf("cut from row %d: %+v, %v; want a break at it saying %q", tc.cutFrom, rep, err, tc.want)
					}
					if tc.cutFrom == 4 && !strings.Contains(rep.Break.Reason, "but the log ends at seq 3: rows 4–5 are missing") {
						t.Fatalf("reason %q does not name the missing rows", rep.Break.Reason)
					}
				})
			}
		})
	}
}

// A chain from before keying began keeps verifying: its rows keep their plain hashes,
// a marker entry opens the keyed part, and the keyed rows after it protect the unkeyed
// ones before it, which can no longer be edited and rehashed unseen.
func TestAuditUnkeyedPrefixStillVerifies(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			old := testutil.OpenStore(t, dsn) // a server from before the key
			writeAudit(t, old, 3, "old")
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			key := testutil.NewAuditKey(t)
			st := testutil.OpenStore(t, dsn, key)
			writeAudit(t, st, 2, "new")
			rep, err := st.CheckAudit(ctx, nil)
			if err != nil || rep.Break != nil || rep.Rows != 6 || rep.KeyedFrom != 4 {
				t.Fatalf("%+v, %v: want 6 rows that verify, keyed from row 4", rep, err)
			}
			rows, err := st.AuditRows(ctx, store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			marker := rows[2]
			if marker.ID != 4 || marker.Action != "audit.key" || marker.KeyID != key.ID || !strings.Contains(marker.Summary, "此前 3 行未签") || rows[5].KeyID != "" {
				t.Fatalf("marker %+v, first row %+v", marker, rows[5])
			}
			// A restart with the same key adds no second marker.
			st.Close()
			st = testutil.OpenStore(t, dsn, key)
			if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != 6 {
				t.Fatalf("after a restart: %d rows, break %+v, %v", n, brk, err)
			}

			tamper := testutil.TamperAudit(t, d, dsn)
			tamper.Exec("UPDATE audit_log SET summary = '改过的摘要' WHERE id = 2")
			if n, brk, err := st.VerifyAudit(ctx); err != nil || brk == nil || brk.ID != 2 || n != 1 {
				t.Fatalf("unkeyed row 2 edited: %d rows, break %+v, %v", n, brk, err)
			}
			tamper.Exec("UPDATE audit_log SET summary = '审计测试old' WHERE id = 2")
			if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != 6 {
				t.Fatalf("restored: %d rows, break %+v, %v", n, brk, err)
			}
		})
	}
}

// A node whose key is not the chain's refuses to extend it; a process with no key
// cannot seal onto a keyed chain; and of two nodes keying a new chain at once, one wins.
func TestAuditKeyOfAnotherNodeIsRefused(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			mine := testutil.NewAuditKey(t)
			st := testutil.OpenStore(t, dsn, mine)
			writeAudit(t, st, 1, "mine")

			other := testutil.OpenStore(t, dsn)
			err := other.UseAuditKeys(ctx, nil, testutil.NewAuditKey(t))
			var keyErr *store.AuditKeyError
			if !errors.As(err, &keyErr) || keyErr.InUse != mine.ID || !strings.Contains(err.Error(), mine.ID) {
				t.Fatalf("another key over a keyed chain: %v", err)
			}

			keyless := testutil.OpenStore(t, dsn)
			err = keyless.Audit(ctx, "test.keyless", "test:keyless", "无密钥写入")
			if d == store.Postgres && err == nil {
				// The entry is committed for a node with the key to seal; this one cannot.
				_, err = keyless.SealAudit(ctx)
			}
			if err == nil || !strings.Contains(err.Error(), "holds no audit key") {
				t.Fatalf("a keyless process extended a keyed chain: %v", err)
			}
			if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != int64(1+map[store.Dialect]int{store.Postgres: 1}[d]) {
				t.Fatalf("chain: %d rows, break %+v, %v", n, brk, err)
			}
		})
	}
}

func TestTwoNodesKeyingANewChainAgreeOnOne(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			a, b := testutil.OpenStore(t, dsn), testutil.OpenStore(t, dsn)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, st := range []*store.Store{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = st.UseAuditKeys(context.Background(), nil, testutil.NewAuditKey(t))
				}()
			}
			wg.Wait()
			var keyErr *store.AuditKeyError
			if (errs[0] == nil) == (errs[1] == nil) || !(errors.As(errs[0], &keyErr) || errors.As(errs[1], &keyErr)) {
				t.Fatalf("two nodes keying at once: %v, %v; want one to win and the other refused", errs[0], errs[1])
			}
		})
	}
}

// After a rotation the new key seals the rows, a marker entry says so, and the chain
// verifies with both keys, but not with the new one alone.
func TestAuditKeyRotation(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			k1, k2 := testutil.NewAuditKey(t), testutil.NewAuditKey(t)
			st := testutil.OpenStore(t, dsn, k1)
			writeAudit(t, st, 2, "k1")
			st.Close()
			st = testutil.OpenStore(t, dsn, k1, k2)
			writeAudit(t, st, 1, "k2")
			rows, err := st.AuditRows(ctx, store.AuditFilter{})
			if err != nil || len(rows) != 4 {
				t.Fatalf("%d rows, %v", len(rows), err)
			}
			if m := rows[1]; m.Action != "audit.key" || m.KeyID != k2.ID || !strings.Contains(m.Summary, k1.ID) || rows[0].KeyID != k2.ID || rows[2].KeyID != k1.ID {
				t.Fatalf("rotation marker %+v", rows[1])
			}
			if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != 4 {
				t.Fatalf("with both keys: %d rows, break %+v, %v", n, brk, err)
			}
			verifier := testutil.OpenStore(t, dsn)
			if err := verifier.SetAuditKeys(k2); err != nil {
				t.Fatal(err)
			}
			if n, brk, err := verifier.VerifyAudit(ctx); err != nil || brk == nil || brk.ID != 1 || !strings.Contains(brk.Reason, k1.ID) || n != 0 {
				t.Fatalf("with the new key alone: %d rows, break %+v, %v", n, brk, err)
			}
		})
	}
}
