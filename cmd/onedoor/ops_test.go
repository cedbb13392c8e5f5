package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// healthOf is /healthz's status and HTTP code at addr.
func healthOf(t *testing.T, addr string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]any
	json.NewDecoder(resp.Body).Decode(&h)
	return resp.StatusCode, h
}

// A port in use fails serve at once, naming -addr, before the database is touched.
func TestServeBindsBeforeMigrating(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	path := filepath.Join(t.TempDir(), "onedoor.db")
	err = run(context.Background(), []string{"serve", "-addr", taken.Addr().String(), "-db", path}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-addr") {
		t.Fatalf("serve on a port in use: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database was made before the port was bound: %v", err)
	}
}

// With -migrate=false serve refuses a database its migrations have not reached, and
// says to run `onedoor migrate`; once migrated, it serves without migrating.
func TestServeWithoutMigratingRefusesAnOldSchema(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			args := append([]string{"-addr", "127.0.0.1:0", "-db", dsn, "-migrate=false"}, auditArgs(t, dsn)...)
			err := run(context.Background(), append([]string{"serve"}, args...), io.Discard)
			if !errors.Is(err, store.ErrSchemaMismatch) || !strings.Contains(err.Error(), "onedoor migrate") {
				t.Fatalf("serve -migrate=false on an empty database: %v", err)
			}
			if err := run(context.Background(), append([]string{"migrate", "-db", dsn}, auditArgs(t, dsn)...), io.Discard); err != nil {
				t.Fatal(err)
			}
			addr, stop := serveFor(t, dsn, false, io.Discard, "-migrate=false")
			if code, h := healthOf(t, addr); code != 200 || h["status"] != "ok" {
				t.Fatalf("healthz of a migrated database: %d %v", code, h)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// An older binary on a newer schema: it serves on an expand migration, and refuses —
// to start, and requests while running, with /healthz saying schema_mismatch — on a
// contract migration it does not know.
func TestOlderBinaryRefusesANewerSchema(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			addr, stop := serveFor(t, dsn, true, io.Discard)
			known := testutil.OpenStore(t, dsn).KnownSchemaVersion()
			// What a newer release's `onedoor migrate` leaves in schema_version.
			driver, conn, insert := "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)", "INSERT INTO schema_version (version, name, applied_at, compatible_from) VALUES (?, ?, ?, ?)"
			if d == store.Postgres {
				driver, conn, insert = "pgx", dsn, "INSERT INTO schema_version (version, name, applied_at, compatible_from) VALUES ($1, $2, $3, $4)"
			}
			db, err := sql.Open(driver, conn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			newer := func(v, from int) {
				if _, err := db.Exec(insert, v, "newer.sql", time.Now().UTC(), from); err != nil {
					t.Fatal(err)
				}
			}
			newer(known+1, known)
			code, h := healthOf(t, addr)
			if code != 200 || h["status"] != "ok" {
				t.Fatalf("healthz on an expand migration: %d %v", code, h)
			}
			if schema, _ := h["schema"].(map[string]any); schema["database"] != float64(known+1) || schema["binary"] != float64(known) {
				t.Fatalf("healthz schema: %v", h["schema"])
			}
			newer(known+2, known+2)
			if code, h := healthOf(t, addr); code != 503 || h["status"] != "schema_mismatch" {
				t.Fatalf("healthz on a contract migration: %d %v", code, h)
			}
			resp, err := http.Post("http://"+addr+"/api/v1/session", "application/json", strings.NewReader(`{"username":"county.clerk","password":"Onedoor@2026"}`))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 503 || !strings.Contains(string(raw), "schema_mismatch") {
				t.Fatalf("a request on a schema the binary does not run on: %d %s", resp.StatusCode, raw)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			err = run(context.Background(), append([]string{"serve", "-addr", "127.0.0.1:0", "-db", dsn}, auditArgs(t, dsn)...), io.Discard)
			if !errors.Is(err, store.ErrSchemaMismatch) {
				t.Fatalf("serve on a contract migration it does not know: %v", err)
			}
		})
	}
}

// A server started before its database answers /healthz "starting", logs that it
// waits, and serves once the database comes.
func TestServeWaitsForTheDatabase(t *testing.T) {
	pg := os.Getenv(testutil.PGEnv)
	if pg == "" {
		t.Skipf("%s is not set: waiting for a database server is PostgreSQL's", testutil.PGEnv)
	}
	dsn := testutil.NewDSN(t, store.Postgres)
	u, _ := url.Parse(dsn)
	real := u.Host
	// A port where the database will appear: nothing listens there yet.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().String()
	l.Close()
	u.Host = port
	cfg, _, err := config.Load(append([]string{"-addr", "127.0.0.1:0", "-db", u.String(), "-jobs=false"}, auditArgs(t, dsn)...), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewJSONHandler(&logs, nil)), ready) }()

	// The node answers before its database does.
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == ""; {
		for _, line := range strings.Split(logs.String(), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "listening" {
				addr, _ = rec["addr"].(string)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not bind: %s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, h := healthOf(t, addr); code != 503 || h["status"] != "starting" {
		t.Fatalf("healthz before the database: %d %v", code, h)
	}
	for !strings.Contains(logs.String(), "waiting for the database") {
		time.Sleep(20 * time.Millisecond)
	}
	// The database appears at the port.
	fwd, err := net.Listen("tcp", port)
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Close()
	go forward(fwd, real)
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not come up once the database did:\n%s", logs.String())
	}
	if code, h := healthOf(t, addr); code != 200 || h["status"] != "ok" {
		t.Fatalf("healthz once the database came: %d %v", code, h)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// forward copies every connection accepted on l to and from addr.
func forward(l net.Listener, addr string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			up, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer up.Close()
			go io.Copy(up, c)
			io.Copy(c, up)
		}()
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test reading it at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve with a replica that does not answer: it serves, reads the primary, says so in
// its log and /healthz, and checks the replica until it stops.
func TestServeWithAReplicaThatDoesNotAnswer(t *testing.T) {
	dsn := testutil.NewDSN(t, store.Postgres)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "postgres://postgres@" + ln.Addr().String() + "/test?sslmode=disable"
	ln.Close() // nothing listens there now
	var log bytes.Buffer
	addr, stop := serveFor(t, dsn, false, &log, "-db-replica", gone, "-db-replica-max-lag", "1s")
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status   string `json:"status"`
		Replicas []struct {
			Name, Status, Problem string
		} `json:"replicas"`
	}
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != 200 || health.Status != "ok" || len(health.Replicas) != 1 ||
		health.Replicas[0].Status != "skipped" || health.Replicas[0].Problem != "unreachable" || strings.Contains(health.Replicas[0].Name, "postgres@") {
		t.Fatalf("healthz with its replica down: %d %+v", resp.StatusCode, health)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), `"msg":"replica skipped: reports read the primary"`) {
		t.Errorf("the log does not say the replica is skipped:\n%s", log.String())
	}
}
