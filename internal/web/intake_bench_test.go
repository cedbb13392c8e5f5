package web_test

import (
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkIntakeHTTP is durable intake as the desk meets it: many clients register
// cases over real HTTP at once (each acknowledged case fsynced, synchronous=FULL on
// SQLite). ns/op is the time per case across all clients; cases/s = 1e9 / ns/op.
func BenchmarkIntakeHTTP(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			st := testutil.NewStore(b, d)
			srv := testutil.NewServer(b, st, true)
			const clients = 32
			pool := make(chan *testutil.Client, clients)
			for i := 0; i < clients; i++ {
				pool <- srv.Login(b, "fucheng.clerk", demo.Password)
			}
			body := walkIn(b, st)
			var n atomic.Int64
			b.SetParallelism(clients / 2) // GOMAXPROCS is 2 on the reference machine
			b.ResetTimer()
			cpu := processCPU()
			b.RunParallel(func(pb *testing.PB) {
				c := <-pool
				for pb.Next() {
					i := n.Add(1)
					req := map[string]any{}
					for k, v := range body {
						req[k] = v
					}
					req["parties"] = []map[string]any{{"name": "马某", "phone": fmt.Sprintf("139%08d", i)}}
					if resp, raw := c.Do("POST", "/api/v1/cases", req); resp.StatusCode != 201 {
						b.Errorf("register: %d %s", resp.StatusCode, raw)
						return
					}
				}
			})
			// CPU time a case (server and clients together, this process) is steadier
			// than wall time on a shared host, and says how far two cores can go.
			b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/case")
		})
	}
}

// processCPU is the user and system time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
