package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web"
)

// serveFor starts serve on a free port over dsn and returns its address and a stop
// function that cancels it and waits for it to return.
func serveFor(t *testing.T, dsn string, demo bool, log io.Writer, extra ...string) (string, func() error) {
	t.Helper()
	args := append(append([]string{"-addr", "127.0.0.1:0", "-db", dsn}, auditArgs(t, dsn)...), extra...)
	if demo {
		args = append(args, "-demo")
	}
	cfg, _, err := config.Load(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewJSONHandler(log, nil)), ready) }()
	select {
	case addr := <-ready:
		return addr, func() error {
			cancel()
			select {
			case err := <-done:
				return err
			case <-time.After(40 * time.Second):
				t.Fatal("serve did not return after cancel")
				return nil
			}
		}
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil
}

func TestServeStartsMigratesAndStopsGracefully(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			var log bytes.Buffer
			addr, stop := serveFor(t, dsn, true, &log)
			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			var health map[string]any
			json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			if resp.StatusCode != 200 || health["store"] != string(d) || health["status"] != "ok" {
				t.Fatalf("healthz = %d %v", resp.StatusCode, health)
			}
			body := strings.NewReader(`{"username":"county.clerk","password":"Onedoor@2026"}`)
			resp, err = http.Post("http://"+addr+"/api/v1/session", "application/json", body)
			if err != nil || resp.StatusCode != 201 {
				t.Fatalf("demo login: %v %v", resp.StatusCode, err)
			}
			resp.Body.Close()
			if err := stop(); err != nil {
				t.Fatalf("serve returned %v", err)
			}
			for _, want := range []string{`"msg":"migration applied"`, `"msg":"demo county created"`, `"msg":"shutting down: finishing in-flight requests"`, `"msg":"stopped"`} {
				if !strings.Contains(log.String(), want) {
					t.Errorf("JSON log lacks %s", want)
				}
			}
			// A second start over the same database migrates nothing and keeps the demo.
			log.Reset()
			_, stop = serveFor(t, dsn, true, &log)
			stop()
			if !strings.Contains(log.String(), `"applied":0`) || !strings.Contains(log.String(), "demo skipped") {
				t.Errorf("restart log: %s", log.String())
			}
		})
	}
}

func TestMigrateCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "-db", path, "-log-json"}, &stderr); err != nil {
		t.Fatalf("migrate: %v\n%s", err, stderr.String())
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.SchemaVersion(context.Background()); err != nil || v < 2 {
		t.Fatalf("schema version after migrate = %d, %v", v, err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, &stderr); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
}

func TestSetupStartsARealDeployment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "real.db")
	var out bytes.Buffer
	args := []string{"setup", "-db", path, "-region-code", "620200", "-region-name", "嘉峪关市", "-level", "city", "-admin", "jyg.admin", "-password", "Strong#2026"}
	for _, bad := range [][]string{
		{"setup", "-db", path, "-region-code", "62a", "-region-name", "x", "-password", "Strong#2026"},
		{"setup", "-db", path, "-region-code", "620200", "-region-name", "x", "-level", "village", "-password", "Strong#2026"},
		{"setup", "-db", path, "-region-code", "620200", "-region-name", "x", "-password", "123"},
	} {
		if err := run(context.Background(), bad, &out); err == nil {
			t.Fatalf("setup %v succeeded", bad)
		}
	}
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), args, &out); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("a second setup: %v", err)
	}
	addr, stop := serveFor(t, path, false, io.Discard)
	defer stop()
	resp, err := http.Post("http://"+addr+"/api/v1/session", "application/json", strings.NewReader(`{"username":"jyg.admin","password":"Strong#2026"}`))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("the first admin signs in: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

// A generated store is as a live system leaves it: `onedoor demo` runs the sweeps
// over what it generated, so the server's first sweep finds nothing waiting and a
// benchmark's first minutes measure the requests, not a backlog of orders.
func TestDemoLeavesNothingForTheFirstSweep(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			var stderr bytes.Buffer
			if err := run(context.Background(), append([]string{"demo", "-cases", "20000", "-db", dsn}, auditArgs(t, dsn)...), &stderr); err != nil {
				t.Fatalf("demo: %v\n%s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "generated cases swept") || strings.Contains(stderr.String(), "items=0") {
				t.Fatalf("demo swept nothing over 20,000 cases, some of them overdue:\n%s", stderr.String())
			}
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			n, err := web.SweepOnce(context.Background(), st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now())
			if err != nil || n != 0 {
				t.Fatalf("the first sweep after demo: %d items, %v; want nothing left", n, err)
			}
		})
	}
}
