package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/bench"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// onedoor bench passes its flags to the bench and writes its report as JSON: here
// against -target, a server in this process, so that it stays quick (internal/bench
// starts a server of its own on a generated store).
func TestBenchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("the bench signs 64 sessions in, each an argon2 hash")
	}
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, true)
	if err := demo.GenerateCases(context.Background(), st, 50, 1); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bench.json")
	var log strings.Builder
	args := []string{"bench", "-target", srv.URL, "-what", "lookup, case", "-duration", "100ms", "-users", "0", "-json", out}
	if err := run(context.Background(), args, &log); err != nil {
		t.Fatalf("bench: %v\n%s", err, log.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || !strings.HasPrefix(rep.Results[0].Name, "case page") || !strings.HasPrefix(rep.Results[1].Name, "intake-desk lookup") ||
		rep.Results[0].Requests == 0 || rep.Results[0].Errors != 0 || len(rep.Load) != 0 {
		t.Fatalf("-what lookup,case -users 0 measured %+v and load %+v", rep.Results, rep.Load)
	}
	if !strings.Contains(log.String(), "onedoor bench") {
		t.Errorf("no table:\n%s", log.String())
	}
}

// The flags are checked before anything is measured, each refusal naming its flag.
func TestBenchWhat(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"-what", "intake,dashboard"}, `-what: "dashboard"`},
		{[]string{"-concurrency", "1,0"}, `-concurrency: "0"`},
		{[]string{"-users", "5001"}, "-users between 0 and 5000"},
		{[]string{"-duration", "0s"}, "-duration and -load must be positive"},
	} {
		var log strings.Builder
		err := run(context.Background(), append([]string{"bench"}, tc.args...), &log)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("bench %v: %v, want an error saying %s", tc.args, err, tc.says)
		}
	}
}
