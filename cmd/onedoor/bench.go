package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/web"
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
	Note        string  `json:"note,omitempty"`
}

// benchReport is what `onedoor bench` writes as JSON.
type benchReport struct {
	Store          string        `json:"store"`
	Cases          int           `json:"cases"`
	Started        time.Time     `json:"started"`
	RawCommitsPerS float64       `json:"raw_commits_per_second,omitempty"`
	Results        []benchResult `json:"results"`
}

// benchCommand measures a server as its users meet it, over HTTP: durable intake at
// several concurrencies (with the disk's raw one-row-per-transaction limit measured in
// the same run, and intake's ratio to it), the work queue, the case page and the
// intake desk's lookup. It starts a server on a generated store, or measures -target.
func benchCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("onedoor bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "store to benchmark (SQLite path or postgres:// URL); empty: a fresh SQLite file in a temporary folder")
	n := fs.Int("cases", 20000, "generated cases when the store has none")
	target := fs.String("target", "", "base URL of a running onedoor with the demo accounts, instead of starting one")
	dur := fs.Duration("duration", 5*time.Second, "how long each measurement runs")
	conc := fs.String("concurrency", "1,8,32", "intake concurrencies, comma-separated")
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
	if *dur <= 0 || *n < 0 {
		return fmt.Errorf("-duration must be positive and -cases ≥ 0")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rep := benchReport{Started: time.Now().UTC()}
	base := *target
	if base == "" {
		if *db == "" {
			dir, err := os.MkdirTemp("", "onedoor-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			*db = filepath.Join(dir, "bench.db")
		}
		cfg, _, err := config.Load([]string{"-db", *db, "-jobs=false"}, func(string) string { return "" }, io.Discard)
		if err != nil {
			return err
		}
		st, err := openAndMigrate(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer st.Close()
		rep.Store = string(st.Dialect())
		if err := demo.SeedCounty(ctx, st); err == nil {
			fmt.Fprintf(stderr, "generating %d cases…\n", *n)
			if err := demo.GenerateCases(ctx, st, *n, 1); err != nil {
				return err
			}
			rep.Cases = *n
		}
		if rep.RawCommitsPerS, err = st.MeasureRawCommits(ctx, 2000); err != nil {
			return fmt.Errorf("raw commit rate: %w", err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: web.New(cfg, log, st).Handler()}
		go srv.Serve(l)
		defer srv.Close()
		base = "http://" + l.Addr().String()
	}
	b := &bencher{base: base}
	if err := b.prepare(); err != nil {
		return err
	}
	for _, c := range levels {
		r := b.run(fmt.Sprintf("intake (POST /api/v1/cases)"), c, *dur, b.intake)
		if rep.RawCommitsPerS > 0 {
			r.Note = fmt.Sprintf("%.2f× the raw commit rate", r.PerSecond/rep.RawCommitsPerS)
		}
		rep.Results = append(rep.Results, r)
	}
	rep.Results = append(rep.Results,
		b.run("work queue (GET /api/v1/cases?queue=mine)", 8, *dur, b.queue),
		b.run("case page (GET /cases/{id})", 8, *dur, b.casePage),
		b.run("intake-desk lookup (GET /api/v1/intake/prior-cases)", 8, *dur, b.prior))

	fmt.Fprintf(stderr, "\nonedoor bench — store %s, %d generated cases, raw commits %.0f/s\n\n", rep.Store, rep.Cases, rep.RawCommitsPerS)
	fmt.Fprintf(stderr, "%-55s %5s %8s %9s %8s %8s %8s  %s\n", "what", "conc", "requests", "per sec", "p50 ms", "p95 ms", "p99 ms", "note")
	for _, r := range rep.Results {
		note := r.Note
		if r.Errors > 0 {
			note = strings.TrimSpace(note + fmt.Sprintf(" %d errors", r.Errors))
		}
		fmt.Fprintf(stderr, "%-55s %5d %8d %9.1f %8.2f %8.2f %8.2f  %s\n", r.Name, r.Concurrency, r.Requests, r.PerSecond, r.P50ms, r.P95ms, r.P99ms, note)
	}
	if *out != "" {
		raw, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*out, raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// bencher drives one server with signed-in clients.
type bencher struct {
	base    string
	clients chan *benchClient
	body    map[string]any
	ids     []int64
	phones  []string
	seq     int64
	mu      sync.Mutex
}

type benchClient struct {
	http *http.Client
	csrf string
}

func (b *bencher) login() (*benchClient, error) {
	jar, _ := cookiejar.New(nil)
	c := &benchClient{http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	st, err := b.do(c, "POST", "/api/v1/session", map[string]string{"username": "fucheng.clerk", "password": demo.Password}, &s)
	if err != nil || st != http.StatusCreated {
		return nil, fmt.Errorf("sign in as fucheng.clerk: status %d %v", st, err)
	}
	c.csrf = s.CSRF
	return c, nil
}

func (b *bencher) do(c *benchClient, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
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
	var list struct {
		Items []struct {
			ID         int64  `json:"id"`
			CategoryID int64  `json:"category_id"`
			Kind       string `json:"kind"`
			RegionID   int64  `json:"region_id"`
			Parties    []struct {
				Phone string `json:"phone"`
			} `json:"parties"`
		} `json:"items"`
	}
	if st, err := b.do(c, "GET", "/api/v1/cases?queue=all&limit=200", nil, &list); err != nil || st != 200 || len(list.Items) == 0 {
		return fmt.Errorf("list cases: status %d %v (the store needs cases in 附城镇)", st, err)
	}
	first := list.Items[0]
	b.body = map[string]any{"kind": first.Kind, "category_id": first.CategoryID, "channel": "walk_in", "region_id": first.RegionID,
		"description": "邻里纠纷：双方因院墙排水问题多次争吵，请求调解。"}
	for _, it := range list.Items {
		b.ids = append(b.ids, it.ID)
	}
	return nil
}

func (b *bencher) intake(c *benchClient) (int, error) {
	b.mu.Lock()
	b.seq++
	seq := b.seq
	b.mu.Unlock()
	body := map[string]any{}
	for k, v := range b.body {
		body[k] = v
	}
	body["parties"] = []map[string]any{{"name": "马某", "phone": fmt.Sprintf("136%08d", seq%100000000)}}
	st, err := b.do(c, "POST", "/api/v1/cases", body, nil)
	if err == nil && st != http.StatusCreated {
		err = fmt.Errorf("status %d", st)
	}
	return st, err
}

func (b *bencher) queue(c *benchClient) (int, error) {
	return b.expect200(b.do(c, "GET", "/api/v1/cases?queue=mine&limit=50", nil, nil))
}

func (b *bencher) casePage(c *benchClient) (int, error) {
	id := b.ids[rand.IntN(len(b.ids))]
	return b.expect200(b.do(c, "GET", "/cases/"+strconv.FormatInt(id, 10), nil, nil))
}

func (b *bencher) prior(c *benchClient) (int, error) {
	return b.expect200(b.do(c, "GET", fmt.Sprintf("/api/v1/intake/prior-cases?phone=136%08d", rand.IntN(int(b.seq)+1)), nil, nil))
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
	total := time.Since(start)
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
