package web_test

import (
	"fmt"
	"sync/atomic"
	"testing"

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
		})
	}
}
