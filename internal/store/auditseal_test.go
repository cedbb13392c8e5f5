package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Writers in parallel each leave exactly one entry in the chain, and a writer reading
// the log right after its own write finds its entry there: on PostgreSQL the entries
// are chained by the sealer, after the writers' commits, and reading seals first.
func TestAuditChainUnderParallelWriters(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const writers, each = 12, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					object := fmt.Sprintf("test:%d-%d", w, i)
					actx := store.WithActor(ctx, store.Actor{ID: int64(w), Name: fmt.Sprintf("写者%d", w)})
					if err := st.InTx(actx, store.Audited("test.write", object, "并行写入"), func(*store.Tx) error { return nil }); err != nil {
						errs <- err
						return
					}
					rows, err := st.AuditRows(ctx, store.AuditFilter{Object: object})
					if err != nil || len(rows) != 1 || rows[0].Actor != fmt.Sprintf("写者%d", w) {
						errs <- fmt.Errorf("%s right after its write: %d rows, %v", object, len(rows), err)
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		n, brk, err := st.VerifyAudit(ctx)
		if err != nil || brk != nil || n != writers*each {
			t.Fatalf("chain: %d rows, break %+v, %v; want %d rows, whole", n, brk, err, writers*each)
		}
		rows, err := st.AuditRows(ctx, store.AuditFilter{Limit: writers * each})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range rows {
			if seen[r.Object] {
				t.Errorf("%s chained twice", r.Object)
			}
			seen[r.Object] = true
		}
	})
}

// Entries that a process committed and did not live to chain (killed between its
// commit and its sealer's next batch) are chained when the next process starts (once
// it has its audit key), after those already in the chain and in the order they were
// written.
func TestAuditPendingSealedAtStart(t *testing.T) {
	dsn := testutil.NewDSN(t, store.Postgres)
	ctx := context.Background()
	key := testutil.NewAuditKey(t)
	open := func() *store.Store {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := st.UseAuditKeys(ctx, nil, key); err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	if err := st.Audit(store.WithActor(ctx, store.Actor{Name: "先前"}), "test.before", "test:0", "封存之前"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Now().UTC().Truncate(time.Microsecond)
	for i := 1; i <= 3; i++ {
		if _, err := db.Exec("INSERT INTO audit_pending (at, actor, action, object, summary) VALUES ($1, '崩溃的进程', 'test.orphan', $2, '未封存')",
			at.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("test:%d", i)); err != nil {
			t.Fatal(err)
		}
	}

	st = open()
	defer st.Close()
	var waiting int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_pending").Scan(&waiting); err != nil || waiting != 0 {
		t.Fatalf("after start: %d entries still waiting, %v", waiting, err)
	}
	n, brk, err := st.VerifyAudit(ctx)
	if err != nil || brk != nil || n != 4 {
		t.Fatalf("chain: %d rows, break %+v, %v; want 4, whole", n, brk, err)
	}
	rows, err := st.AuditRows(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"test:3", "test:2", "test:1", "test:0"} {
		if rows[i].Object != want || rows[i].ID != int64(4-i) {
			t.Errorf("row %d: %s (id %d), want %s", i, rows[i].Object, rows[i].ID, want)
		}
	}
}

// The sealer vacuums audit_pending itself after so many entries, for a PostgreSQL
// whose autovacuum is off or behind: each entry leaves a dead row there.
func TestSealerVacuumsPending(t *testing.T) {
	st := testutil.NewStore(t, store.Postgres)
	st.SetVacuumPendingEvery(10)
	ctx := context.Background()
	for i := 0; i < 12; i++ {
		if err := st.Audit(ctx, "test.churn", fmt.Sprintf("test:%d", i), "写入后封存"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	vacuums, err := st.VacuumCount(ctx, "audit_pending")
	if err != nil || vacuums < 1 {
		t.Fatalf("audit_pending vacuumed %d times after 12 sealed entries (%v), want at least once", vacuums, err)
	}
	if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != 12 {
		t.Fatalf("chain: %d rows, break %+v, %v", n, brk, err)
	}
}

// A row put past the chain's head by hand is a break, though every row up to the head
// verifies; the walk stops at the head it read first, so what a live sealer chains
// meanwhile is not mistaken for one.
func TestAuditRowPastTheHead(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			if err := st.Audit(ctx, "test.write", fmt.Sprintf("test:%d", i), "正常写入"); err != nil {
				t.Fatal(err)
			}
		}
		if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n != 3 {
			t.Fatalf("honest chain: %d rows, break %+v, %v", n, brk, err)
		}
		if err := st.ExecForTest(ctx, "INSERT INTO audit_log (id, at, actor, action, object, summary, prev_hash, hash) VALUES (4, ?, '伪造', 'test.forged', 'test:4', '伪造的一行', 'x', 'y')",
			time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		n, brk, err := st.VerifyAudit(ctx)
		if err != nil || brk == nil || brk.ID != 4 || n != 3 {
			t.Fatalf("forged row past the head: %d rows, break %+v, %v", n, brk, err)
		}
	})
}

// The sealer is background work a server starts (serve calls StartAuditSealer):
// opening, migrating and keying a PostgreSQL store start nothing. Until it runs, a
// write's entry waits in audit_pending (whatever reads the log seals first); once
// started, it seals with no reader; a store that never started it seals what it wrote
// at Close.
func TestTheAuditSealerRunsOnlyOnceStarted(t *testing.T) {
	dsn := testutil.NewDSN(t, store.Postgres) // skips without PostgreSQL
	key := testutil.NewAuditKey(t)
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	must(t, err)
	defer db.Close()
	pending := func() int {
		t.Helper()
		var n int
		must(t, db.QueryRow("SELECT COUNT(*) FROM audit_pending").Scan(&n))
		return n
	}
	open := func() *store.Store {
		t.Helper()
		st, err := store.Open(ctx, dsn)
		must(t, err)
		_, err = st.Migrate(ctx, nil)
		must(t, err)
		must(t, st.UseAuditKeys(ctx, nil, key))
		return st
	}

	st := open()
	must(t, st.Audit(ctx, "test.write", "test:1", "未启动封存"))
	// A running sealer seals as soon as a write wakes it and every second after.
	time.Sleep(1500 * time.Millisecond)
	if n := pending(); n != 1 {
		t.Fatalf("%d entries waiting with no sealer started, want 1", n)
	}
	st.StartAuditSealer()
	for start := time.Now(); pending() != 0; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the started sealer left %d entries waiting", pending())
		}
	}
	must(t, st.Close())

	other := open()
	must(t, other.Audit(ctx, "test.write", "test:2", "关闭时封存"))
	if n := pending(); n != 1 {
		t.Fatalf("%d entries waiting before Close, want 1", n)
	}
	must(t, other.Close())
	if n := pending(); n != 0 {
		t.Fatalf("Close left %d entries waiting", n)
	}
	verify := open()
	defer verify.Close()
	if n, brk, err := verify.VerifyAudit(ctx); err != nil || brk != nil || n < 2 {
		t.Fatalf("chain: %d rows, break %+v, %v", n, brk, err)
	}
}
