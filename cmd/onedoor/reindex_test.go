package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// `onedoor reindex` rebuilds the search index from the stored cases: emptied by
// hand, it finds again what the demo's cases were found by.
func TestReindexCommand(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			var stderr bytes.Buffer
			if err := run(context.Background(), append([]string{"demo", "-cases", "200", "-db", dsn}, auditArgs(t, dsn)...), &stderr); err != nil {
				t.Fatalf("demo: %v\n%s", err, stderr.String())
			}
			found := func() int {
				st, err := store.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				n, _, err := st.CountListed(context.Background(), store.CaseFilter{Text: search.Parse("纠纷")}, store.CaseScope{All: true}, 10000)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := found()
			if before == 0 {
				t.Fatal("the demo's cases are not indexed: 纠纷 finds none of 200")
			}
			driver := "sqlite"
			if d == store.Postgres {
				driver = "pgx"
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			// The demo adds its working morning to the 200 generated cases.
			var cases int
			if err := db.QueryRow("SELECT count(*) FROM cases").Scan(&cases); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("DELETE FROM case_search"); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if n := found(); n != 0 {
				t.Fatalf("%d found in an emptied index", n)
			}
			var out bytes.Buffer
			if err := run(context.Background(), append([]string{"reindex", "-db", dsn}, auditArgs(t, dsn)...), &out); err != nil {
				t.Fatalf("reindex: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), fmt.Sprintf("reindexed %d cases", cases)) {
				t.Errorf("reindex said: %s", out.String())
			}
			if after := found(); after != before {
				t.Errorf("纠纷 finds %d after reindex, %d before", after, before)
			}
		})
	}
}
