package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Every write states its audit entry: one given none (the zero AuditEntry) is refused
// before it touches the database, whichever door it takes — a transaction, a new
// case's registration, a single-statement write. An entry given is recorded in the
// write's transaction, under the object the write names once it knows it; a write
// that says NotAudited records nothing.
func TestAWriteWithoutAnAuditEntryIsRefused(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := store.WithActor(context.Background(), store.Actor{ID: 0, Name: "测试", IP: "10.0.0.7"})
		county := createCounty(t, st)
		entries := func() int64 {
			t.Helper()
			n, brk, err := st.VerifyAudit(ctx)
			if err != nil || brk != nil {
				t.Fatalf("audit chain: %d rows, break %+v, %v", n, brk, err)
			}
			return n
		}
		before := entries()

		ran := false
		if err := st.InTx(ctx, store.AuditEntry{}, func(*store.Tx) error { ran = true; return nil }); !errors.Is(err, store.ErrNoAuditEntry) || ran {
			t.Errorf("InTx without an entry: %v, ran %v; want ErrNoAuditEntry, not run", err, ran)
		}
		nc := store.NewCase{
			InTx:   func(*store.Tx) error { ran = true; return nil },
			Shared: func(store.SharedInsert) error { ran = true; return nil },
		}
		if err := st.RegisterCase(ctx, store.AuditEntry{}, nc); !errors.Is(err, store.ErrNoAuditEntry) || ran {
			t.Errorf("RegisterCase without an entry: %v, ran %v; want ErrNoAuditEntry, not run", err, ran)
		}
		if err := st.UpdateRegion(ctx, store.AuditEntry{}, county.ID, county.Code, "改名"); !errors.Is(err, store.ErrNoAuditEntry) {
			t.Errorf("UpdateRegion without an entry: %v, want ErrNoAuditEntry", err)
		}
		if g, err := st.Region(ctx, county.ID); err != nil || g.Name != county.Name {
			t.Errorf("the refused update was written: %+v, %v", g, err)
		}
		if n := entries(); n != before {
			t.Errorf("refused writes left %d audit rows", n-before)
		}

		// Recorded: the entry under the object the write named, by the context's actor.
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		err := st.InTx(ctx, store.Audited("region.create", "region:new", "新增区域"), func(tx *store.Tx) error {
			if err := tx.CreateRegion(ctx, &town); err != nil {
				return err
			}
			tx.SetAuditObject("region:" + town.Code)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.AuditRows(ctx, store.AuditFilter{Object: "region:622922100"})
		if err != nil || len(rows) != 1 || rows[0].Action != "region.create" || rows[0].Actor != "测试" || rows[0].ClientIP != "10.0.0.7" {
			t.Fatalf("audit rows %+v, %v", rows, err)
		}
		// The single-statement writes take the entry too.
		if err := st.UpdateRegion(ctx, store.Audited("region.update", "region:622922100", "改名"), town.ID, town.Code, "附城"); err != nil {
			t.Fatal(err)
		}
		if rows, err := st.AuditRows(ctx, store.AuditFilter{Action: "region.update"}); err != nil || len(rows) != 1 || rows[0].Object != "region:622922100" {
			t.Fatalf("update's audit rows %+v, %v", rows, err)
		}
		// A registration's entry, named after its case by the transaction.
		err = st.RegisterCase(ctx, store.Audited("test.register", "case:new", "登记"), store.NewCase{InTx: func(tx *store.Tx) error {
			tx.SetAuditObject("region:" + town.Code + "/registered")
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if rows, err := st.AuditRows(ctx, store.AuditFilter{Action: "test.register"}); err != nil || len(rows) != 1 || rows[0].Object != "region:622922100/registered" {
			t.Fatalf("registration's audit rows %+v, %v", rows, err)
		}

		// NotAudited writes and records nothing.
		n := entries()
		if err := st.UpdateRegion(ctx, store.NotAudited("test fixture"), town.ID, town.Code, "附城镇"); err != nil {
			t.Fatal(err)
		}
		if g, err := st.Region(ctx, town.ID); err != nil || g.Name != "附城镇" {
			t.Fatalf("the unaudited update: %+v, %v", g, err)
		}
		if got := entries(); got != n {
			t.Errorf("a NotAudited write left %d audit rows", got-n)
		}
	})
}
