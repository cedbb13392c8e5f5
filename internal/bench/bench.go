// Package bench measures a running onedoor as its users meet it, over HTTP: durable
// intake at several concurrencies beside the disk's raw one-row-per-transaction rate,
// the work queue, the case page, the intake desk's lookup, and a mixed load of many
// signed-in users, with the CPU each request took and the server's memory. `onedoor
// bench` runs it, so that operators measure their own machines with it;
// docs/benchmarks.md holds the figures and how they were taken.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Result is one measured line of the report.
type Result struct {
	Name        string  `json:"name"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	PerSecond   float64 `json:"per_second"`
	P50ms       float64 `json:"p50_ms"`
	P95ms       float64 `json:"p95_ms"`
	P99ms       float64 `json:"p99_ms"`
	PeakRSSMB   float64 `json:"server_peak_rss_mb,omitempty"`
	CPU         *CPU    `json:"cpu_per_request,omitempty"`
	Note        string  `json:"note,omitempty"`
}

// Report is what a run measured; `onedoor bench -json` writes it.
type Report struct {
	Store          string    `json:"store"`
	Cases          int       `json:"cases"`
	Started        time.Time `json:"started"`
	RawCommitsPerS float64   `json:"raw_commits_per_second,omitempty"`
	ServerPeakMB   float64   `json:"server_peak_rss_mb,omitempty"` // VmHWM of the server process
	Results        []Result  `json:"results"`
	Load           []Result  `json:"load,omitempty"` // the mixed load, by kind of request
	LoadErrors     []string  `json:"load_errors,omitempty"`
}

// Measurements are what Options.What may name, in the order they run.
var Measurements = []string{"intake", "queue", "case", "lookup", "stats", "analysis", "ranking"}

// Options say what to measure, on what, for how long.
type Options struct {
	// Target is the base URL of a running onedoor with the demo accounts. Empty, Run
	// starts Server on DB instead.
	Target string
	// Server is the onedoor executable Run starts as the server (`serve -addr … -db …`),
	// as a process of its own so that its memory and CPU are its own.
	Server string
	// DB is the store the started server runs on (a SQLite path or a postgres:// URL);
	// empty, a fresh SQLite file in a temporary folder.
	DB string
	// Cases is how many cases to generate when the store has no organisation yet.
	Cases int
	// What names the measurements besides the mixed load (of Measurements).
	What []string
	// Duration is how long each of them runs.
	Duration time.Duration
	// Concurrency lists the intake concurrencies; the others run at 8.
	Concurrency []int
	// Users is how many simulated users the mixed load has (0: no mixed load), Load
	// how long it runs, Think their mean pause between requests (0: none).
	Users int
	Load  time.Duration
	Think time.Duration
}

// Run measures the server at opts.Target or, without one, prepares the store at
// opts.DB and starts opts.Server on it. It writes its progress and the table to out.
func Run(ctx context.Context, opts Options, out io.Writer) (*Report, error) {
	measured := map[string]bool{}
	for _, w := range opts.What {
		measured[w] = true
	}
	rep := &Report{Started: time.Now().UTC()}
	base := opts.Target
	var rss *rssSampler
	serverPID := 0
	if base == "" {
		if opts.Server == "" {
			return nil, errors.New("bench: neither a target nor a server to start")
		}
		db := opts.DB
		if db == "" {
			dir, err := os.MkdirTemp("", "onedoor-bench-")
			if err != nil {
				return nil, err
			}
			defer os.RemoveAll(dir)
			db = filepath.Join(dir, "bench.db")
		}
		if err := prepareStore(ctx, db, opts.Cases, rep, out); err != nil {
			return nil, err
		}
		srv, err := startServer(ctx, opts.Server, db)
		if err != nil {
			return nil, err
		}
		defer srv.stop()
		serverPID = srv.cmd.Process.Pid
		base, rss = srv.base, newRSSSampler(serverPID)
		defer rss.stop()
	}
	b := &bencher{base: base, phoneBase: rand.Int64N(100000000)}
	if err := b.prepare(); err != nil {
		return nil, err
	}
	measure := func(name string, c int, d time.Duration, op func(*Client) (int, error)) Result {
		rss.reset()
		cpu := markCPU(serverPID)
		r := b.run(name, c, d, op)
		r.CPU = cpu.perRequest(markCPU(serverPID), r.Requests+r.Errors)
		r.PeakRSSMB = rss.peakMB()
		return r
	}
	for _, c := range opts.Concurrency {
		if !measured["intake"] {
			break
		}
		r := measure("intake (POST /api/v1/cases)", c, opts.Duration, b.intake)
		if rep.RawCommitsPerS > 0 {
			r.Note = fmt.Sprintf("%.2f× the raw commit rate", r.PerSecond/rep.RawCommitsPerS)
		}
		rep.Results = append(rep.Results, r)
	}
	for _, m := range []struct {
		what, name string
		op         func(*Client) (int, error)
	}{
		{"queue", "work queue (GET /api/v1/cases?queue=mine)", b.queue},
		{"case", "case page (GET /cases/{id})", b.casePage},
		{"lookup", "intake-desk lookup (GET /api/v1/intake/prior-cases)", b.prior},
	} {
		if measured[m.what] {
			rep.Results = append(rep.Results, measure(m.name, 8, opts.Duration, m.op))
		}
	}
	if measured["stats"] {
		// The leader's desk, one leader at a time (a dashboard is read, not hammered):
		// the county's dashboard and 月报 of this month, and the province's dashboard
		// when the store has one (`onedoor demo -province`).
		for _, m := range []struct{ user, name, path string }{
			{"county.leader", "county dashboard (GET /api/v1/stats?period=month)", "/api/v1/stats?period=month"},
			{"county.leader", "county monthly report (GET /stats/monthly)", "/stats/monthly"},
			{"province.leader", "province dashboard (GET /api/v1/stats?period=month)", "/api/v1/stats?period=month"},
		} {
			c, err := b.loginAs(m.user)
			if err != nil {
				fmt.Fprintf(out, "%s: not measured (%v)\n", m.name, err)
				continue
			}
			op := func(*Client) (int, error) { return b.expect200(c.Do("GET", m.path, nil, nil)) }
			rep.Results = append(rep.Results, measure(m.name, 1, opts.Duration, op))
		}
	}
	// The 研判 page of this month and the 考评 ranking of last month (as computed
	// before it is published), one leader at a time as the dashboards are.
	lastMonth := time.Now().In(workflow.ChinaTime).AddDate(0, -1, 0).Format("2006-01") + "-01"
	for _, m := range []struct{ what, user, name, path string }{
		{"analysis", "county.leader", "county analysis page (GET /analysis)", "/analysis"},
		{"analysis", "fucheng.leader", "township analysis page (GET /analysis)", "/analysis"},
		{"ranking", "county.leader", "township ranking, last month (GET /api/v1/evaluation/ranking)", "/api/v1/evaluation/ranking?scheme=township&period=month&date=" + lastMonth},
		{"ranking", "county.leader", "department ranking, last month (GET /api/v1/evaluation/ranking)", "/api/v1/evaluation/ranking?scheme=department&period=month&date=" + lastMonth},
	} {
		if !measured[m.what] {
			continue
		}
		c, err := b.loginAs(m.user)
		if err != nil {
			fmt.Fprintf(out, "%s: not measured (%v)\n", m.name, err)
			continue
		}
		op := func(*Client) (int, error) { return b.expect200(c.Do("GET", m.path, nil, nil)) }
		rep.Results = append(rep.Results, measure(m.name, 1, opts.Duration, op))
	}
	if opts.Users > 0 {
		fmt.Fprintf(out, "signing in %d users for the mixed load…\n", opts.Users)
		rss.reset()
		load, errs, err := b.mixedLoad(opts.Users, opts.Load, opts.Think)
		if err != nil {
			return nil, err
		}
		peak := rss.peakMB()
		for i := range load {
			load[i].PeakRSSMB = peak
		}
		rep.Load, rep.LoadErrors = load, errs
	}
	rep.ServerPeakMB = rss.highWaterMB()
	printReport(out, rep)
	return rep, nil
}

// prepareStore migrates the store, generates cases when it has no organisation yet
// (swept as `onedoor demo` leaves them), and measures the raw commit rate on it; then
// closes it for the server.
func prepareStore(ctx context.Context, dsn string, n int, rep *Report, out io.Writer) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The server the bench starts reads the same environment, and so the same audit key.
	cfg, _, err := config.Load([]string{"-db", dsn}, os.Getenv, io.Discard)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx, log); err != nil {
		return err
	}
	if err := audit.UseKeys(ctx, st, audit.KeySource{Value: cfg.AuditKey, Path: cfg.AuditKeyPath()}, log); err != nil {
		return err
	}
	rep.Store = string(st.Dialect())
	if err := demo.SeedCounty(ctx, st); err == nil {
		fmt.Fprintf(out, "generating %d cases…\n", n)
		if err := demo.GenerateCases(ctx, st, n, 1); err != nil {
			return err
		}
		if _, err := web.SweepOnce(ctx, st, log, time.Now()); err != nil {
			return err
		}
		rep.Cases = n
	} else if !errors.Is(err, demo.ErrNotEmpty) {
		return err
	} else if rep.Cases, err = st.CountCases(ctx); err != nil {
		return err
	}
	if rep.RawCommitsPerS, err = st.MeasureRawCommits(ctx, 2000); err != nil {
		return fmt.Errorf("raw commit rate: %w", err)
	}
	return nil
}

// printReport writes rep as the table operators read.
func printReport(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "\nonedoor bench — store %s, %d cases, raw commits %.0f/s, server peak RSS %.0f MB\n\n", rep.Store, rep.Cases, rep.RawCommitsPerS, rep.ServerPeakMB)
	table := func(rows []Result) {
		fmt.Fprintf(w, "%-55s %5s %8s %9s %8s %8s %8s %7s %15s  %s\n", "what", "conc", "requests", "per sec", "p50 ms", "p95 ms", "p99 ms", "RSS MB", "CPU µs/req", "note")
		for _, r := range rows {
			note := r.Note
			if r.Errors > 0 {
				note = strings.TrimSpace(note + fmt.Sprintf(" %d errors", r.Errors))
			}
			cpu := "-"
			if r.CPU != nil {
				// machine (server + bench): the rest is the store's and the host's
				cpu = fmt.Sprintf("%.0f (%.0f+%.0f)", r.CPU.MachineUS, r.CPU.ServerUS, r.CPU.BenchUS)
			}
			fmt.Fprintf(w, "%-55s %5d %8d %9.1f %8.2f %8.2f %8.2f %7.0f %15s  %s\n", r.Name, r.Concurrency, r.Requests, r.PerSecond, r.P50ms, r.P95ms, r.P99ms, r.PeakRSSMB, cpu, note)
		}
	}
	table(rep.Results)
	if len(rep.Load) > 0 {
		fmt.Fprintf(w, "\nmixed load\n")
		table(rep.Load)
		for _, e := range rep.LoadErrors {
			fmt.Fprintf(w, "  error: %s\n", e)
		}
	}
}
