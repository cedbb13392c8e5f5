package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// runPurge runs `onedoor purge` over dsn with args and returns what it wrote.
func runPurge(t *testing.T, dsn string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	old := stdout
	stdout = &out
	defer func() { stdout = old }()
	err := run(context.Background(), append(append([]string{"purge", "-db", dsn}, auditArgs(t, dsn)...), args...), io.Discard)
	return out.String(), err
}

// The demo county, purged as of 2060 (its disputes closed more than 10 years
// before, its petitions 30): the dry run names the cases and removes none; the purge
// exports them to a 0600 file that reads back (a header, then one full case a line),
// removes exactly them, and `onedoor audit-verify` passes after it.
func TestPurgeCommandExportsThenRemoves(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			_, stop := serveFor(t, dsn, true, io.Discard, "-jobs=false")
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
			count := func() int {
				var n int
				if err := db.QueryRow("SELECT count(*) FROM cases").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			all := count()
			at := "2060-01-01T00:00:00Z"

			report, err := runPurge(t, dsn, "-dry-run", "-at", at)
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`to remove: (\d+) cases`).FindStringSubmatch(report)
			if m == nil || !strings.Contains(report, "petition 30年") || !strings.Contains(report, "oldest: case ") {
				t.Fatalf("dry run report:\n%s", report)
			}
			t.Logf("dry run:\n%s", report)
			due, _ := strconv.Atoi(m[1])
			if due == 0 || count() != all {
				t.Fatalf("the dry run plans %d of %d cases and leaves %d", due, all, count())
			}

			out := filepath.Join(t.TempDir(), "archive", "purge-2060.jsonl")
			if _, err := runPurge(t, dsn, "-at", at); err == nil || !strings.Contains(err.Error(), "-out") {
				t.Fatalf("a purge without -out: %v", err)
			}
			report, err = runPurge(t, dsn, "-at", at, "-out", out)
			if err != nil {
				t.Fatalf("purge: %v\n%s", err, report)
			}
			if !strings.Contains(report, fmt.Sprintf("removed %d cases", due)) || count() != all-due {
				t.Fatalf("purge left %d of %d cases (%d due):\n%s", count(), all, due, report)
			}
			info, err := os.Stat(out)
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("export %v, mode %v", err, info.Mode())
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<30)
			var head purgeExportHeader
			sc.Scan()
			if err := json.Unmarshal(sc.Bytes(), &head); err != nil || head.Cases != due || head.Format != purgeExportFormat {
				t.Fatalf("export header %+v, %v", head, err)
			}
			lines := 0
			for sc.Scan() {
				var rec store.CaseRecords
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatal(err)
				}
				id := int64(rec.Case["id"].(float64))
				if id != head.IDs[lines] || len(rec.Rows["case_events"]) == 0 {
					t.Fatalf("export line %d: case %d with %d events, header names %d", lines+2, id, len(rec.Rows["case_events"]), head.IDs[lines])
				}
				var left int
				if err := db.QueryRow(rebindFor(d, "SELECT count(*) FROM case_events WHERE case_id = ?"), id).Scan(&left); err != nil || left != 0 {
					t.Fatalf("case %d exported, %d events left: %v", id, left, err)
				}
				lines++
			}
			if lines != due {
				t.Fatalf("the export holds %d cases, %d removed", lines, due)
			}
			if vout, err := auditVerifyOf(t, dsn); err != nil || !strings.Contains(vout, "audit log OK") {
				t.Fatalf("audit-verify after the purge: %v %s", err, vout)
			}
			// Run again: nothing is due, no export is written.
			again := filepath.Join(t.TempDir(), "again.jsonl")
			if report, err := runPurge(t, dsn, "-at", at, "-out", again); err != nil || !strings.Contains(report, "to remove: 0 cases") {
				t.Fatalf("a run again: %v\n%s", err, report)
			}
			if _, err := os.Stat(again); !os.IsNotExist(err) {
				t.Errorf("a run with nothing to remove wrote %s: %v", again, err)
			}
		})
	}
}

// rebindFor is query with PostgreSQL's placeholders on d.
func rebindFor(d store.Dialect, query string) string {
	if d != store.Postgres {
		return query
	}
	for i := 1; strings.Contains(query, "?"); i++ {
		query = strings.Replace(query, "?", "$"+strconv.Itoa(i), 1)
	}
	return query
}

// runRetention runs `onedoor retention` over dsn with args and returns what it wrote.
func runRetention(t *testing.T, dsn string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	old := stdout
	stdout = &out
	defer func() { stdout = old }()
	err := run(context.Background(), append(append([]string{"retention", "-db", dsn}, auditArgs(t, dsn)...), args...), io.Discard)
	return out.String(), err
}

// The retention periods are the defaults until set; a period is set by kind, with
// its grounds, audited; a bad setting is refused naming its flag.
func TestRetentionCommandSetsAPeriod(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			out, err := runRetention(t, dsn)
			if err != nil || !strings.Contains(out, "petition   30年") || !strings.Contains(out, "dispute    10年") {
				t.Fatalf("defaults: %v\n%s", err, out)
			}
			for _, bad := range []struct {
				args []string
				flag string
			}{
				{[]string{"-kind", "nope", "-years", "5", "-basis", "x"}, "-kind"},
				{[]string{"-kind", "dispute", "-years", "-1", "-basis", "x"}, "-years"},
				{[]string{"-kind", "dispute", "-years", "101", "-basis", "x"}, "-years"},
				{[]string{"-kind", "dispute", "-years", "ten", "-basis", "x"}, "-years"},
				{[]string{"-kind", "dispute", "-years", "15"}, "-basis"},
			} {
				if _, err := runRetention(t, dsn, bad.args...); err == nil || !strings.HasPrefix(err.Error(), bad.flag) {
					t.Errorf("%v: %v, want refused naming %s", bad.args, err, bad.flag)
				}
			}
			out, err = runRetention(t, dsn, "-kind", "petition", "-years", "0", "-basis", "重要信访事项，永久保存")
			if err != nil || !strings.Contains(out, "petition   永久") {
				t.Fatalf("set petition 永久: %v\n%s", err, out)
			}
			if vout, err := auditVerifyOf(t, dsn); err != nil || !strings.Contains(vout, "audit log OK") {
				t.Fatalf("audit-verify: %v %s", err, vout)
			}
		})
	}
}
