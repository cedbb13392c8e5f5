package web_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkCaseExport exports a county leader's whole list of N generated cases
// (ONEDOOR_EXPORT_N, 10,000 unless set) on SQLite over HTTP, the body read and
// thrown away as a browser saving it would, and reports rows/s, the bytes allocated
// per export and the highest heap in use while it ran (the file streams; it is never
// held whole).
func BenchmarkCaseExport(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ONEDOOR_EXPORT_N")); err == nil && v > 0 {
		n = v
	}
	// ONEDOOR_EXPORT_DB: a store made by `onedoor demo -cases N` (SQLite file or
	// postgres:// URL) instead of one generated here; ONEDOOR_EXPORT_QUERY: more of
	// the list's filters (e.g. "&kind=hazard"). The rows are then the audit entry's.
	var st *store.Store
	if dsn := os.Getenv("ONEDOOR_EXPORT_DB"); dsn != "" {
		// Its audit key: ONEDOOR_AUDIT_KEY, as the server reads it.
		keys, err := audit.ParseKeys(os.Getenv("ONEDOOR_AUDIT_KEY"))
		if err != nil {
			b.Fatal(err)
		}
		st = testutil.OpenStore(b, dsn, keys...)
		n = 0
	} else {
		st = testutil.NewStore(b, store.SQLite)
		if err := demo.SeedCounty(context.Background(), st); err != nil {
			b.Fatal(err)
		}
		if err := demo.GenerateCases(context.Background(), st, n, 1); err != nil {
			b.Fatal(err)
		}
	}
	srv := testutil.NewServer(b, st, false) // seeded above, or a demo store
	extra := os.Getenv("ONEDOOR_EXPORT_QUERY")
	leader := srv.Login(b, "county.leader", demo.Password)
	// A workbook's first byte leaves when its last row is written (the zip is made at
	// the end): no timeout on the client.
	client := &http.Client{Jar: leader.HTTP.Jar}
	for _, format := range []string{"xlsx", "csv"} {
		b.Run(format, func(b *testing.B) {
			var peak atomic.Uint64
			stop := make(chan struct{})
			go func() {
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}()
			defer close(stop)
			rows := 0
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cases/export?queue=all&format="+format+extra, nil)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				if resp.StatusCode != 200 {
					b.Fatalf("export: %d", resp.StatusCode)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if n == 0 {
					rows += exportedRows(b, st)
				} else {
					rows += n
				}
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}

// exportedRows reads the row count of the last export from its audit entry.
func exportedRows(b *testing.B, st *store.Store) int {
	audit, err := st.AuditRows(context.Background(), store.AuditFilter{Action: "case.export", Limit: 1})
	if err != nil || len(audit) == 0 {
		b.Fatalf("no export audited: %v", err)
	}
	m := regexp.MustCompile(`(\d+) 条`).FindStringSubmatch(audit[0].Summary)
	if m == nil {
		b.Fatalf("audit summary %q has no row count", audit[0].Summary)
	}
	v, _ := strconv.Atoi(m[1])
	return v
}
