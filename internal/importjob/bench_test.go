package importjob_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/importer/ledgertest"
	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkImportLedger imports a generated ledger of ONEDOOR_BENCH_IMPORT_ROWS rows
// (100,000 unless set; DESIGN.md §9's target is 1,000,000 in under 3 minutes) into a
// fresh store with the demo county, on each store of the run, and reports the file's
// reading and the import apart. Run it once:
//
//	ONEDOOR_BENCH_IMPORT_ROWS=1000000 go test -run '^$' -bench ImportLedger -benchtime 1x -timeout 60m ./internal/importjob/
func BenchmarkImportLedger(b *testing.B) {
	rows := 100_000
	if v, err := strconv.Atoi(os.Getenv("ONEDOOR_BENCH_IMPORT_ROWS")); err == nil && v > 0 {
		rows = v
	}
	var buf bytes.Buffer
	if err := ledgertest.Big(&buf, rows); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Logf("ledger: %d rows, %.1f MB", rows, float64(len(data))/(1<<20))
	for _, d := range testutil.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				st := testutil.NewStore(b, d)
				admin := county(b, st)
				svc := importjob.New(st)
				runtime.GC()
				b.StartTimer()
				cpu0 := cpuTime()
				start := time.Now()
				f, err := importjob.ReadFile("big.xlsx", data)
				if err != nil {
					b.Fatal(err)
				}
				src, m, err := svc.Source(context.Background(), "bench", f.Head)
				if err != nil {
					b.Fatal(err)
				}
				for _, v := range ledgertest.BigValues {
					m.SetValue(importer.Field(v.Field), v.Office, v.Code)
				}
				if err := svc.SaveMapping(context.Background(), src, m); err != nil {
					b.Fatal(err)
				}
				src, _ = st.ImportSource(context.Background(), src.ID)
				read := time.Since(start)
				rep, err := svc.DryRun(context.Background(), src, f)
				if err != nil {
					b.Fatal(err)
				}
				checked := time.Since(start)
				run, err := svc.RunReport(context.Background(), rep, admin, nil)
				if err != nil {
					b.Fatal(err)
				}
				total := time.Since(start)
				cpu := cpuTime() - cpu0
				b.StopTimer()
				if run.Added != rows {
					b.Fatalf("added %d of %d (refused %d): %+v", run.Added, rows, run.Refused, rep.Ledger.Issues()[:min(5, len(rep.Ledger.Issues()))])
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				b.ReportMetric(read.Seconds(), "read-s")
				b.ReportMetric((checked - read).Seconds(), "check-s")
				b.ReportMetric((total - checked).Seconds(), "write-s")
				b.ReportMetric(total.Seconds(), "total-s")
				b.ReportMetric(float64(rows)/total.Seconds(), "rows/s")
				b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
				// The process's CPU time beside the wall clock: on a shared machine the
				// wall clock says how busy the others were as much as how fast this is.
				b.ReportMetric(cpu.Seconds(), "cpu-s")
				b.StartTimer()
			}
		})
	}
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
