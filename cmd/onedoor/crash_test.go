package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/bench"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func crashLogin(t *testing.T, base string) *bench.Client {
	t.Helper()
	c, err := bench.SignIn(base, "county.clerk", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startBinary runs the built onedoor on a free port over dsn and waits until it answers.
func startBinary(t *testing.T, bin, dsn string, logTo *os.File) (*exec.Cmd, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, append([]string{"-addr", addr, "-db", dsn, "-demo", "-jobs=false"}, auditArgs(t, dsn)...)...)
	cmd.Stdout, cmd.Stderr = logTo, logTo
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, base
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("onedoor did not come up on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKillLosesNoAcknowledgedCase: many clients register cases over HTTP while the
// server is killed with SIGKILL; after a restart every case the server acknowledged
// (201) is there, intact, and the audit chain verifies. On both stores.
func TestKillLosesNoAcknowledgedCase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "onedoor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			logFile, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
			if err != nil {
				t.Fatal(err)
			}
			defer logFile.Close()
			cmd, base := startBinary(t, bin, dsn, logFile)
			killed := false
			defer func() {
				if !killed {
					cmd.Process.Kill()
					cmd.Wait()
				}
			}()

			st, err := store.Open(context.Background(), dsn)
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

			type ack struct {
				ID           int64  `json:"id"`
				TrackingCode string `json:"tracking_code"`
				Description  string `json:"description"`
				RiskLevel    string `json:"risk_level"`
			}
			var mu sync.Mutex
			var acked []ack
			stop := make(chan struct{})
			var wg sync.WaitGroup
			const clients = 16
			for w := 0; w < clients; w++ {
				c := crashLogin(t, base)
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						desc := fmt.Sprintf("第%d号客户端第%d次登记：邻里纠纷，双方因院墙排水发生争执。", w, i)
						people := 1
						if i%8 == 0 {
							// A red warning: its notices and supervision order are written with the case.
							desc = fmt.Sprintf("第%d号客户端第%d次登记：四十户村民因院墙排水与邻居争执，有人扬言同归于尽，还有人说要跳楼。", w, i)
							people = 40
						}
						body := map[string]any{"kind": "dispute", "category_id": category, "channel": "walk_in", "region_id": village.ID,
							"description": desc, "people_count": people, "parties": []map[string]any{{"name": "马某", "phone": fmt.Sprintf("139%08d", w*100000+i)}}}
						var a ack
						status, err := c.Do("POST", "/api/v1/cases", body, &a)
						if err != nil || status != 201 {
							continue // the server is going down; unacknowledged writes may be lost
						}
						if a.Description != desc {
							t.Errorf("acknowledged case %d holds %q, sent %q", a.ID, a.Description, desc)
						}
						mu.Lock()
						acked = append(acked, a)
						mu.Unlock()
					}
				}(w)
			}
			// Kill it in the middle of the traffic, once it has acknowledged a good number.
			deadline := time.Now().Add(30 * time.Second)
			for {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 150 || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
				t.Fatal(err)
			}
			killed = true
			cmd.Wait()
			close(stop)
			wg.Wait()
			if len(acked) < 50 {
				t.Fatalf("only %d cases acknowledged before the kill", len(acked))
			}

			cmd2, base2 := startBinary(t, bin, dsn, logFile)
			c := crashLogin(t, base2)
			red := 0
			for _, a := range acked {
				var got model.Case
				status, err := c.Do("GET", fmt.Sprintf("/api/v1/cases/%d", a.ID), nil, &got)
				if err != nil || status != 200 || got.TrackingCode != a.TrackingCode || got.Description != a.Description || got.State != "registered" ||
					got.RiskLevel != a.RiskLevel {
					t.Errorf("acknowledged case %d (%s): %d %v, got %s %q %s %s", a.ID, a.TrackingCode, status, err, got.TrackingCode, got.Description, got.State, got.RiskLevel)
				}
				if a.RiskLevel != "red" {
					continue
				}
				red++
				var evs struct {
					Items []model.CaseEvent `json:"items"`
				}
				status, err = c.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", a.ID), nil, &evs)
				var actions []string
				for _, ev := range evs.Items {
					actions = append(actions, ev.Action)
				}
				if err != nil || status != 200 || got.SupervisionLevel != "red" || !slices.Equal(actions, []string{"register", "warning", "supervise"}) {
					t.Errorf("acknowledged red case %d: supervision %q, events %v (%d %v)", a.ID, got.SupervisionLevel, actions, status, err)
				}
			}
			if red == 0 {
				t.Error("no red case acknowledged before the kill")
			}
			cmd2.Process.Signal(os.Interrupt)
			cmd2.Wait()

			var out strings.Builder
			if err := run(context.Background(), append([]string{"audit-verify", "-db", dsn}, auditArgs(t, dsn)...), &out); err != nil || !strings.Contains(out.String(), "chain intact") {
				t.Fatalf("audit chain after the kill: %v %s", err, out.String())
			}
			t.Logf("%d cases acknowledged before SIGKILL (%d red), all present after restart; %s", len(acked), red, strings.TrimSpace(out.String()))
		})
	}
}
