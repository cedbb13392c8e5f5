package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// NewPgBouncerDSN starts PgBouncer in transaction mode in front of a fresh database
// of the test PostgreSQL, and returns the address to reach that database through
// it; both go when the test ends. It skips the test, saying how to enable it, when
// ONEDOOR_TEST_PG is not set or pgbouncer is not installed.
//
// A fresh database rather than a schema: PgBouncer 1.18 (Debian 12) refuses the
// search_path startup parameter the other tests choose their schema with.
func NewPgBouncerDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skipf("%s is not set; the PgBouncer test needs PostgreSQL", PGEnv)
	}
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/pgbouncer"); serr != nil {
			t.Skip("pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run does): the PgBouncer test is skipped")
		}
		bin = "/usr/sbin/pgbouncer"
	}
	primary, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PGEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	dbName := "onedoor_bouncer_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + dbName); err != nil {
		admin.Close()
		t.Fatalf("create database for the PgBouncer test: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)")
		admin.Close()
	})
	dir, err := os.MkdirTemp("", "onedoor-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	host, pgPort := primary.Hostname(), primary.Port()
	if pgPort == "" {
		pgPort = "5432"
	}
	who := "postgres"
	if primary.User != nil && primary.User.Username() != "" {
		who = primary.User.Username()
	}
	pidFile := filepath.Join(dir, "pid")
	conf := fmt.Sprintf(`[databases]
onedoor = host=%s port=%s dbname=%s user=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
logfile = %s
pidfile = %s
`, host, pgPort, dbName, who, port, filepath.Join(dir, "log"), pidFile)
	confPath := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		// PgBouncer refuses to run as root.
		if _, err := user.Lookup("postgres"); err != nil {
			t.Skip("running as root, and there is no postgres user to run pgbouncer as: the PgBouncer test is skipped")
		}
		exec.Command("chown", "-R", "postgres", dir).Run()
		cmd = exec.Command("runuser", "-u", "postgres", "--", bin, confPath)
	} else {
		cmd = exec.Command(bin, confPath)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	t.Cleanup(func() {
		// The pidfile names pgbouncer itself, not runuser: SIGTERM stops it at once.
		if raw, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil {
				syscall.Kill(pid, syscall.SIGTERM)
			}
		}
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if ctx.Err() != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Fatalf("pgbouncer does not listen on %s: %v\n%s", addr, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Sprintf("postgres://%s@%s/onedoor?sslmode=disable", who, addr)
}
