package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
)

// benchResult is one measured line of `onedoor bench`.
type benchResult struct {
	Name        string  `json:"name"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	PerSecond   float64 `json:"per_second"`
	P50ms       float64 `json:"p50_ms"`
	P95ms       float64 `json:"p95_ms"`
	P99ms       float64 `json:"p99_ms"`
	PeakRSSMB   float64 `json:"server_peak_rss_mb,omitempty"`
	CPU         *cpuUse `json:"cpu_per_request,omitempty"`
	Note        string  `json:"note,omitempty"`
}

// benchReport is what `onedoor bench` writes as JSON.
type benchReport struct {
	Store          string        `json:"store"`
	Cases          int           `json:"cases"`
	Started        time.Time     `json:"started"`
	RawCommitsPerS float64       `json:"raw_commits_per_second,omitempty"`
	ServerPeakMB   float64       `json:"server_peak_rss_mb,omitempty"` // VmHWM of the server process
	Results        []benchResult `json:"results"`
	Load           []benchResult `json:"load,omitempty"` // the mixed load, by kind of request
	LoadErrors     []string      `json:"load_errors,omitempty"`
}

// benchChildEnv, set in a child's environment, tells a test binary to run as the
// server (TestMain) instead of running tests; the onedoor binary ignores it.
const benchChildEnv = "ONEDOOR_BENCH_CHILD"

// benchCommand measures a server as its users meet it, over HTTP: durable intake at
// several concurrencies (with the disk's raw one-row-per-transaction limit measured in
// the same run, and intake's ratio to it), the work queue, the case page, the intake
// desk's lookup, and a mixed load of many signed-in users. It generates a store and
// runs the server on it as a separate process, so that the server's own memory is
// measured; or it measures -target.
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
	what := fs.String("what", "intake,queue,case,lookup", "what to measure besides the mixed load, comma-separated: intake, queue, case, lookup")
	out := fs.String("json", "", "also write the results as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var levels []int
	for _, p := range strings.Split(*conc, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || c < 1 || c > 1000 {
			return fmt.Errorf("-concurrency: %q is not a number between 1 and 1000", p)
		}
		levels = append(levels, c)
	}
	if *dur <= 0 || *n < 0 || *users < 0 || *users > 5000 || *loadFor <= 0 || *think < 0 {
		return fmt.Errorf("-duration and -load must be positive, -cases ≥ 0, -users between 0 and 5000, -think ≥ 0")
	}
	measured := map[string]bool{}
	for _, w := range strings.Split(*what, ",") {
		w = strings.TrimSpace(w)
		switch w {
		case "intake", "queue", "case", "lookup":
			measured[w] = true
		case "":
		default:
			return fmt.Errorf("-what: %q is not one of intake, queue, case, lookup", w)
		}
	}
	rep := benchReport{Started: time.Now().UTC()}
	base := *target
	var rss *rssSampler
	serverPID := 0
	if base == "" {
		if *db == "" {
			dir, err := os.MkdirTemp("", "onedoor-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			*db = filepath.Join(dir, "bench.db")
		}
		if err := benchPrepareStore(ctx, *db, *n, &rep, stderr); err != nil {
			return err
		}
		srv, err := startBenchServer(ctx, *db)
		if err != nil {
			return err
		}
		defer srv.stop()
		serverPID = srv.cmd.Process.Pid
		base, rss = srv.base, newRSSSampler(serverPID)
		defer rss.stop()
	}
	b := &bencher{base: base, phoneBase: rand.Int64N(100000000)}
	if err := b.prepare(); err != nil {
		return err
	}
	measure := func(name string, c int, d time.Duration, op func(*benchClient) (int, error)) benchResult {
		rss.reset()
		cpu := markCPU(serverPID)
		r := b.run(name, c, d, op)
		r.CPU = cpu.perRequest(markCPU(serverPID), r.Requests+r.Errors)
		r.PeakRSSMB = rss.peakMB()
		return r
	}
	for _, c := range levels {
		if !measured["intake"] {
			break
		}
		r := measure("intake (POST /api/v1/cases)", c, *dur, b.intake)
		if rep.RawCommitsPerS > 0 {
			r.Note = fmt.Sprintf("%.2f× the raw commit rate", r.PerSecond/rep.RawCommitsPerS)
		}
		rep.Results = append(rep.Results, r)
	}
	for _, m := range []struct {
		what, name string
		op         func(*benchClient) (int, error)
	}{
		{"queue", "work queue (GET /api/v1/cases?queue=mine)", b.queue},
		{"case", "case page (GET /cases/{id})", b.casePage},
		{"lookup", "intake-desk lookup (GET /api/v1/intake/prior-cases)", b.prior},
	} {
		if measured[m.what] {
			rep.Results = append(rep.Results, measure(m.name, 8, *dur, m.op))
		}
	}
	if *users > 0 {
		fmt.Fprintf(stderr, "signing in %d users for the mixed load…\n", *users)
		rss.reset()
		load, errs, err := b.mixedLoad(*users, *loadFor, *think)
		if err != nil {
			return err
		}
		peak := rss.peakMB()
		for i := range load {
			load[i].PeakRSSMB = peak
		}
		rep.Load, rep.LoadErrors = load, errs
	}
	rep.ServerPeakMB = rss.highWaterMB()
	printBenchReport(stderr, &rep)
	if *out != "" {
		raw, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*out, raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// benchPrepareStore migrates the store, generates cases when it has no organisation
// yet, and measures the raw commit rate on it; then closes it for the server.
func benchPrepareStore(ctx context.Context, dsn string, n int, rep *benchReport, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The server the bench starts reads the same environment, and so the same audit key.
	cfg, _, err := config.Load([]string{"-db", dsn}, os.Getenv, io.Discard)
	if err != nil {
		return err
	}
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rep.Store = string(st.Dialect())
	if err := demo.SeedCounty(ctx, st); err == nil {
		fmt.Fprintf(stderr, "generating %d cases…\n", n)
		if err := demo.GenerateCases(ctx, st, n, 1); err != nil {
			return err
		}
		if _, err := sweepGenerated(ctx, st, dsn, log); err != nil {
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

// benchServer is the onedoor server the bench started, as its own process.
type benchServer struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
	done chan error
}

// startBenchServer runs this executable as the server on dsn, on a free loopback
// port, and waits until it answers.
func startBenchServer(ctx context.Context, dsn string) (*benchServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.CreateTemp("", "onedoor-bench-server-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "-addr", addr, "-db", dsn)
	cmd.Env = append(os.Environ(), benchChildEnv+"=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &benchServer{cmd: cmd, base: "http://" + addr, log: logf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			s.stop()
			return nil, fmt.Errorf("the server exited (%v): %s", err, s.logTail())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server did not answer on %s: %s", addr, s.logTail())
		}
	}
}

func (s *benchServer) logTail() string {
	raw, _ := os.ReadFile(s.log.Name())
	if len(raw) > 2000 {
		raw = raw[len(raw)-2000:]
	}
	return string(raw)
}

// stop asks the server to shut down (SIGTERM), and kills it if it has not within 30 s.
func (s *benchServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
	os.Remove(s.log.Name())
}

// rssSampler reads a process's resident memory from /proc four times a second and
// keeps the peak since the last reset. Without /proc (or for -target) it reads 0.
type rssSampler struct {
	pid  int
	mu   sync.Mutex
	peak int64 // kB
	quit chan struct{}
}

func newRSSSampler(pid int) *rssSampler {
	r := &rssSampler{pid: pid, quit: make(chan struct{})}
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			r.sample()
			select {
			case <-t.C:
			case <-r.quit:
				return
			}
		}
	}()
	return r
}

// procStatusKB reads one "Name:   1234 kB" line of /proc/pid/status.
func procStatusKB(pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func (r *rssSampler) sample() {
	kb := procStatusKB(r.pid, "VmRSS")
	r.mu.Lock()
	r.peak = max(r.peak, kb)
	r.mu.Unlock()
}

func (r *rssSampler) reset() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.peak = 0
	r.mu.Unlock()
	r.sample()
}

func (r *rssSampler) peakMB() float64 {
	if r == nil {
		return 0
	}
	r.sample()
	r.mu.Lock()
	defer r.mu.Unlock()
	return float64(r.peak) / 1024
}

// highWaterMB is the kernel's own peak of the process (VmHWM), over its whole life.
func (r *rssSampler) highWaterMB() float64 {
	if r == nil {
		return 0
	}
	return float64(procStatusKB(r.pid, "VmHWM")) / 1024
}

func (r *rssSampler) stop() {
	if r != nil {
		close(r.quit)
	}
}

func printBenchReport(w io.Writer, rep *benchReport) {
	fmt.Fprintf(w, "\nonedoor bench — store %s, %d cases, raw commits %.0f/s, server peak RSS %.0f MB\n\n", rep.Store, rep.Cases, rep.RawCommitsPerS, rep.ServerPeakMB)
	table := func(rows []benchResult) {
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

// bencher drives one server with signed-in clients.
type bencher struct {
	base    string
	clients chan *benchClient
	bodies  [][]byte // registrations to send, taken from the listings: JSON up to the parties
	ids     []int64
	phones  []string
	seq     int64
	// phoneBase starts this run's applicants' phones at a random place: numbered
	// from zero, each run's applicants were the last run's again, and the store
	// grew a history for them that made every run's intake slower than the one
	// before (a returning applicant's history is read, and may raise a warning).
	phoneBase int64
	mu        sync.Mutex
}

// applicantPhone is the phone of the seq-th applicant this run registers.
func (b *bencher) applicantPhone(seq int64) string {
	return fmt.Sprintf("136%08d", (b.phoneBase+seq)%100000000)
}

// benchClient is a signed-in API client of one server; the crash test uses it too.
type benchClient struct {
	base string
	http *http.Client
	csrf string
}

func (b *bencher) login() (*benchClient, error) { return b.loginAs("fucheng.clerk") }

func (b *bencher) loginAs(username string) (*benchClient, error) {
	return signIn(b.base, username, 30*time.Second)
}

// signIn opens a session on the server at base as a demo account.
func signIn(base, username string, timeout time.Duration) (*benchClient, error) {
	jar, _ := cookiejar.New(nil)
	c := &benchClient{base: base, http: &http.Client{Jar: jar, Timeout: timeout}}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	st, err := c.do("POST", "/api/v1/session", map[string]string{"username": username, "password": demo.Password}, &s)
	if err != nil || st != http.StatusCreated {
		return nil, fmt.Errorf("sign in as %s: status %d %v", username, st, err)
	}
	c.csrf = s.CSRF
	return c, nil
}

// do sends body as JSON (a []byte as it is, already encoded) and decodes the answer
// into out; a status of 400 or more is an error that quotes the start of the answer.
func (c *benchClient) do(method, path string, body, out any) (int, error) {
	var rd io.Reader
	switch body := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(body)
	default:
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "zh-CN")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return resp.StatusCode, fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// prepare signs clients in and reads what the requests need: a category and a village
// for intake, the cases the clerk sees, their applicants' phones.
func (b *bencher) prepare() error {
	b.clients = make(chan *benchClient, 64)
	for i := 0; i < 64; i++ {
		c, err := b.login()
		if err != nil {
			return err
		}
		b.clients <- c
	}
	c := <-b.clients
	defer func() { b.clients <- c }()
	// Intake registers cases like those already there, of every kind, category and
	// village the clerk's listings show: one body repeated would pile up thousands of
	// identical newest cases, which every newest-first listing then has to read past.
	type listed struct {
		ID          int64  `json:"id"`
		CategoryID  int64  `json:"category_id"`
		Kind        string `json:"kind"`
		Channel     string `json:"channel"`
		RegionID    int64  `json:"region_id"`
		Description string `json:"description"`
	}
	for _, kind := range []string{"dispute", "petition", "hazard", "service"} {
		var list struct {
			Items []listed `json:"items"`
		}
		if _, err := b.expect200(c.do("GET", "/api/v1/cases?queue=all&limit=100&kind="+kind, nil, &list)); err != nil {
			return fmt.Errorf("list cases: %w", err)
		}
		for _, it := range list.Items {
			b.ids = append(b.ids, it.ID)
			// Encoded once, the object left open for the parties: a load generator
			// sharing the server's two cores should spend as little of them as it can.
			raw, err := json.Marshal(map[string]any{"kind": it.Kind, "category_id": it.CategoryID, "channel": it.Channel,
				"region_id": it.RegionID, "description": it.Description})
			if err != nil {
				return err
			}
			b.bodies = append(b.bodies, raw[:len(raw)-1])
		}
	}
	if len(b.bodies) == 0 {
		return fmt.Errorf("list cases: none (the store needs cases in 附城镇)")
	}
	return nil
}

func (b *bencher) intake(c *benchClient) (int, error) {
	b.mu.Lock()
	b.seq++
	seq := b.seq
	b.mu.Unlock()
	body := fmt.Appendf(slices.Clip(b.bodies[int(seq)%len(b.bodies)]), `,"parties":[{"name":"马某","phone":"%s"}]}`, b.applicantPhone(seq))
	st, err := c.do("POST", "/api/v1/cases", body, nil)
	if err == nil && st != http.StatusCreated {
		err = fmt.Errorf("status %d", st)
	}
	return st, err
}

func (b *bencher) queue(c *benchClient) (int, error) {
	return b.expect200(c.do("GET", "/api/v1/cases?queue=mine&limit=50", nil, nil))
}

func (b *bencher) casePage(c *benchClient) (int, error) {
	id := b.ids[rand.IntN(len(b.ids))]
	return b.expect200(c.do("GET", "/cases/"+strconv.FormatInt(id, 10), nil, nil))
}

func (b *bencher) prior(c *benchClient) (int, error) {
	return b.expect200(c.do("GET", "/api/v1/intake/prior-cases?phone="+b.applicantPhone(rand.Int64N(b.seq+1)), nil, nil))
}

func (b *bencher) expect200(st int, err error) (int, error) {
	if err == nil && st != http.StatusOK {
		err = fmt.Errorf("status %d", st)
	}
	return st, err
}

// run calls op from conc goroutines for d and reports throughput and latency
// percentiles; a request loop bounded in time, to this machine only.
func (b *bencher) run(name string, conc int, d time.Duration, op func(*benchClient) (int, error)) benchResult {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := <-b.clients
			defer func() { b.clients <- c }()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				_, err := op(c)
				el := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					lat = append(lat, el)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return latencyResult(name, conc, lat, errs, time.Since(start))
}

// latencyResult summarises the latencies of the requests that succeeded.
func latencyResult(name string, conc int, lat []time.Duration, errs int, total time.Duration) benchResult {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p*float64(len(lat))) - 1
		i = max(0, min(i, len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	return benchResult{Name: name, Concurrency: conc, Requests: len(lat), Errors: errs, PerSecond: float64(len(lat)) / total.Seconds(),
		P50ms: pct(0.50), P95ms: pct(0.95), P99ms: pct(0.99)}
}
