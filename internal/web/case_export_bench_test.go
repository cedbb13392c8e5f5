package web_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

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
	st := testutil.NewStore(b, store.SQLite)
	srv := testutil.NewServer(b, st, true)
	if err := demo.GenerateCases(context.Background(), st, n, 1); err != nil {
		b.Fatal(err)
	}
	leader := srv.Login(b, "county.leader", demo.Password)
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
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cases/export?queue=all&format="+format, nil)
				resp, err := leader.HTTP.Do(req)
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
				rows += n
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}
