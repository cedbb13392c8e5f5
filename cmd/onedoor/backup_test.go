package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A backup taken while clerks register cases is a consistent copy: restore-check
// verifies its migrations, its audit chain against the anchors copied beside it, and
// its figures, without changing it; a copy whose audit log was altered fails.
func TestBackupUnderLoadRestoresAndVerifies(t *testing.T) {
	dsn := testutil.NewDSN(t, store.SQLite)
	addr, stop := serveFor(t, dsn, true, io.Discard)
	c := crashLogin(t, "http://"+addr)
	st, err := store.OpenWith(context.Background(), dsn, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	village, err := st.RegionByCode(context.Background(), "622922100200")
	if err != nil {
		t.Fatal(err)
	}
	cats, err := st.Categories(context.Background(), store.CategoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var category int64
	for _, c := range cats {
		if c.Code == "dispute.neighbour" {
			category = c.ID
		}
	}
	walkIn := map[string]any{"kind": "dispute", "category_id": category, "channel": "walk_in", "region_id": village.ID,
		"description": "邻里纠纷，双方因院墙排水发生争执。", "parties": []map[string]any{{"name": "马某", "phone": "13900001111"}}}
	var stopLoad atomic.Bool
	var registered atomic.Int64
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopLoad.Load() {
				if status, err := c.Do("POST", "/api/v1/cases", walkIn, nil); err == nil && status == http.StatusCreated {
					registered.Add(1)
				}
			}
		}()
	}
	for registered.Load() < 20 {
		time.Sleep(10 * time.Millisecond) // the load under way before the backup starts
	}
	out := filepath.Join(t.TempDir(), "copy", "onedoor-backup.db")
	var log bytes.Buffer
	if err := run(context.Background(), []string{"backup", "-db", dsn, "-out", out}, &log); err != nil {
		t.Fatalf("backup under load: %v\n%s", err, log.String())
	}
	stopLoad.Store(true)
	wg.Wait()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"backup", "-db", dsn, "-out", out}, io.Discard); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a backup over an existing file: %v", err)
	}
	before, _ := os.ReadFile(out)
	var report bytes.Buffer
	if err := run(context.Background(), []string{"restore-check", "-db", out}, &report); err != nil {
		t.Fatalf("restore-check: %v\n%s", err, report.String())
	}
	for _, want := range []string{"migrations: OK", "audit log OK", "checked against the anchor", "integrity: OK", "restore-check: OK"} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("restore-check says no %q:\n%s", want, report.String())
		}
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("restore-check changed the copy")
	}
	// Someone alters a row of the copy's audit log.
	db, err := sql.Open("sqlite", out)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET summary = '改过' WHERE id = 2"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	report.Reset()
	if err := run(context.Background(), []string{"restore-check", "-db", out}, &report); err == nil || !strings.Contains(report.String(), "audit log BROKEN at row 2") {
		t.Fatalf("restore-check of an altered copy: %v\n%s", err, report.String())
	}
}

// audit-verify and restore-check do not migrate what they check: a database one
// migration behind stays so.
func TestVerifyingDoesNotMigrate(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			if err := run(context.Background(), append([]string{"migrate", "-db", dsn}, auditArgs(t, dsn)...), io.Discard); err != nil {
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
			var last int
			db.QueryRow("SELECT MAX(version) FROM schema_version").Scan(&last)
			if _, err := db.Exec("DELETE FROM schema_version WHERE version = " + strconv.Itoa(last)); err != nil {
				t.Fatal(err)
			}
			auditVerifyOf(t, dsn)
			run(context.Background(), append([]string{"restore-check", "-db", dsn}, auditArgs(t, dsn)...), io.Discard)
			var now int
			db.QueryRow("SELECT MAX(version) FROM schema_version").Scan(&now)
			if now != last-1 {
				t.Fatalf("checking migrated the database: version %d, was %d", now, last-1)
			}
		})
	}
}

// PostgreSQL is backed up with its own tools: onedoor backup says so.
func TestBackupOfPostgresPointsToItsTools(t *testing.T) {
	err := run(context.Background(), []string{"backup", "-db", "postgres://db.example/onedoor", "-out", filepath.Join(t.TempDir(), "x")}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup of PostgreSQL: %v", err)
	}
}

// `onedoor sweep -at` runs every sweep as of a moment: months ahead, the demo's
// open cases are overdue and the sweeps act on them; a bad time names -at.
func TestSweepAt(t *testing.T) {
	dsn := testutil.NewDSN(t, store.SQLite)
	if err := run(context.Background(), []string{"demo", "-db", dsn, "-cases", "0"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	at := time.Now().AddDate(0, 3, 0).Format(time.RFC3339)
	if err := run(context.Background(), []string{"sweep", "-db", dsn, "-at", at, "-log-json"}, &log); err != nil {
		t.Fatalf("sweep -at: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), `"msg":"sweep ran","sweep":"deadline-sweep","at":"`+at+`"`) || strings.Contains(log.String(), `"msg":"sweeps done","at":"`+at+`","items":0`) {
		t.Fatalf("sweep -at did nothing as of %s:\n%s", at, log.String())
	}
	if err := run(context.Background(), []string{"sweep", "-db", dsn, "-at", "yesterday"}, io.Discard); err == nil || !strings.Contains(err.Error(), "-at") {
		t.Fatalf("a bad -at: %v", err)
	}
}
