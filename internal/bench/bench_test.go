package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// onedoor is the server the tests start: cmd/onedoor, built once for the package.
var onedoor struct {
	once      sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if onedoor.dir != "" {
		os.RemoveAll(onedoor.dir)
	}
	os.Exit(code)
}

// serverBinary builds cmd/onedoor on first use and returns its path.
func serverBinary(t *testing.T) string {
	t.Helper()
	onedoor.once.Do(func() {
		if onedoor.dir, onedoor.err = os.MkdirTemp("", "onedoor-bench-test-"); onedoor.err != nil {
			return
		}
		onedoor.path = filepath.Join(onedoor.dir, "onedoor")
		if out, err := exec.Command("go", "build", "-o", onedoor.path, "../../cmd/onedoor").CombinedOutput(); err != nil {
			onedoor.err = fmt.Errorf("build cmd/onedoor: %v\n%s", err, out)
		}
	})
	if onedoor.err != nil {
		t.Fatal(onedoor.err)
	}
	return onedoor.path
}

// run measures with opts on the built server and returns the report and the table.
func run(t *testing.T, opts Options) (*Report, string) {
	t.Helper()
	opts.Server = serverBinary(t)
	var out strings.Builder
	rep, err := Run(context.Background(), opts, &out)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out.String())
	}
	return rep, out.String()
}

// The bench runs end to end on a small generated store: every measurement answers
// without errors, and the report holds the raw commit rate, the ratio and the CPU a
// request took.
func TestRunOnAGeneratedStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds onedoor, generates a store and drives it over HTTP")
	}
	rep, table := run(t, Options{DB: filepath.Join(t.TempDir(), "b.db"), Cases: 300, What: Measurements,
		Duration: 300 * time.Millisecond, Concurrency: []int{1, 4}, Users: 30, Load: 2 * time.Second})
	if rep.Store != "sqlite" || rep.Cases != 300 || rep.RawCommitsPerS <= 0 || len(rep.Results) != 11 { // intake at 1 and 4, queue, case, lookup, the county dashboard and 月报 (no province), two analysis pages, two rankings
		t.Fatalf("report %+v", rep)
	}
	for _, r := range rep.Results {
		if r.Errors != 0 || r.Requests == 0 || r.P99ms < r.P50ms {
			t.Errorf("%s at %d: %+v", r.Name, r.Concurrency, r)
		}
		// The CPU a request took, from /proc: the machine's holds the server's and
		// the bench's own, and the server did some work for every request.
		if c := r.CPU; c == nil || c.ServerUS <= 0 || c.BenchUS <= 0 || c.MachineUS < c.ServerUS {
			t.Errorf("%s at %d: CPU a request %+v", r.Name, r.Concurrency, c)
		}
	}
	if !strings.Contains(rep.Results[0].Note, "× the raw commit rate") || !strings.Contains(table, "onedoor bench") {
		t.Errorf("no ratio or table: %+v\n%s", rep.Results[0], table)
	}
	// The mixed load: every kind of request was sent, none failed, and the server's
	// memory was read from its own process.
	if len(rep.Load) < 8 || len(rep.LoadErrors) > 0 || rep.ServerPeakMB <= 0 {
		t.Fatalf("mixed load %+v errors %v peak %.0f MB\n%s", rep.Load, rep.LoadErrors, rep.ServerPeakMB, table)
	}
	for _, r := range rep.Load {
		if r.Errors != 0 || r.Requests == 0 || r.PeakRSSMB <= 0 {
			t.Errorf("load: %+v", r)
		}
	}
}

// Options.What measures only what it names.
func TestRunMeasuresOnlyWhat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds onedoor, generates a store and drives it over HTTP")
	}
	rep, _ := run(t, Options{Cases: 50, What: []string{"intake", "lookup"}, Concurrency: []int{2}, Duration: 200 * time.Millisecond})
	if len(rep.Results) != 2 || !strings.HasPrefix(rep.Results[0].Name, "intake") || !strings.HasPrefix(rep.Results[1].Name, "intake-desk lookup") || len(rep.Load) != 0 {
		t.Fatalf("What intake, lookup measured %+v and load %+v", rep.Results, rep.Load)
	}
}
