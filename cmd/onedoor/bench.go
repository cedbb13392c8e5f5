package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/bench"
)

// benchCommand measures a server as its users meet it, over HTTP (see package
// bench): it generates a store and runs this executable as the server on it, so that
// the server's own memory is measured; or it measures -target.
func benchCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("onedoor bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "store to benchmark (SQLite path or postgres:// URL); empty: a fresh SQLite file in a temporary folder")
	n := fs.Int("cases", 20000, "generated cases when the store has none")
	target := fs.String("target", "", "base URL of a running onedoor with the demo accounts, instead of starting one")
	dur := fs.Duration("duration", 5*time.Second, "how long each measurement runs")
	conc := fs.String("concurrency", "1,8,32", "intake concurrencies, comma-separated")
	users := fs.Int("users", 200, "simulated users of the mixed load (0: no mixed load)")
	loadFor := fs.Duration("load", 60*time.Second, "how long the mixed load runs")
	think := fs.Duration("think", 0, "mean pause of a simulated user between requests (0: none, each user sends its next request at once)")
	known := strings.Join(bench.Measurements, ", ")
	what := fs.String("what", strings.Join(bench.Measurements, ","), "what to measure besides the mixed load, comma-separated: "+known)
	out := fs.String("json", "", "also write the results as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := bench.Options{Target: *target, DB: *db, Cases: *n, Duration: *dur, Users: *users, Load: *loadFor, Think: *think}
	for _, p := range strings.Split(*conc, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || c < 1 || c > 1000 {
			return fmt.Errorf("-concurrency: %q is not a number between 1 and 1000", p)
		}
		opts.Concurrency = append(opts.Concurrency, c)
	}
	if *dur <= 0 || *n < 0 || *users < 0 || *users > 5000 || *loadFor <= 0 || *think < 0 {
		return fmt.Errorf("-duration and -load must be positive, -cases ≥ 0, -users between 0 and 5000, -think ≥ 0")
	}
	for _, w := range strings.Split(*what, ",") {
		switch w = strings.TrimSpace(w); {
		case w == "":
		case slices.Contains(bench.Measurements, w):
			opts.What = append(opts.What, w)
		default:
			return fmt.Errorf("-what: %q is not one of %s", w, known)
		}
	}
	if opts.Target == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		opts.Server = exe
	}
	rep, err := bench.Run(ctx, opts, stderr)
	if err != nil {
		return err
	}
	if *out != "" {
		raw, _ := json.MarshalIndent(rep, "", "  ")
		return os.WriteFile(*out, raw, 0o644)
	}
	return nil
}
