package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// stats-verify finds the rollups of a demo store equal to a recount of its cases;
// one count changed behind the store's back is named (its key, its column, what is
// stored and what the cases count) and fails the command, and so restore-check; -fix
// rebuilds the rollups and the next run is clean. On both stores.
func TestStatsVerifyNamesADifferenceAndFixMendsIt(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			if err := run(ctx, append([]string{"demo", "-db", dsn, "-cases", "300"}, auditArgs(t, dsn)...), &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			verify := func(extra ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append([]string{"stats-verify", "-db", dsn}, extra...), &out)
				return out.String(), err
			}
			if out, err := verify(); err != nil || !strings.Contains(out, "rollups: OK") {
				t.Fatalf("stats-verify of a fresh demo: %v\n%s", err, out)
			}
			testutil.TamperAudit(t, d, dsn).Exec(`UPDATE case_rollups SET on_time = on_time + 2
				WHERE (side, day, region_path, category_id, channel, kind, urgency, lead_department) =
				(SELECT side, day, region_path, category_id, channel, kind, urgency, lead_department FROM case_rollups
				 WHERE side = 'end' AND cases > 0 ORDER BY day, region_path, category_id, channel, kind, urgency, lead_department LIMIT 1)`)
			out, err := verify()
			if !errors.Is(err, errStatsVerify) {
				t.Fatalf("stats-verify after a count was changed: %v\n%s", err, out)
			}
			if !strings.Contains(out, "BROKEN: 1 differences") || !strings.Contains(out, "end ") || !strings.Contains(out, ": on_time stored ") {
				t.Fatalf("stats-verify does not name the difference:\n%s", out)
			}
			if d == store.SQLite {
				var report bytes.Buffer
				if err := run(ctx, []string{"restore-check", "-db", dsn}, &report); !errors.Is(err, errRestoreCheck) || !strings.Contains(report.String(), "rollups: BROKEN") {
					t.Fatalf("restore-check of the changed rollups: %v\n%s", err, report.String())
				}
			}
			if out, err := verify("-fix"); err != nil || !strings.Contains(out, "rebuilt") || !strings.Contains(out, "rollups: OK") {
				t.Fatalf("stats-verify -fix: %v\n%s", err, out)
			}
			if out, err := verify(); err != nil {
				t.Fatalf("stats-verify after -fix: %v\n%s", err, out)
			}
		})
	}
}
