package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PGReplica is a streaming replica of the test PostgreSQL (ONEDOOR_TEST_PG), a
// second cluster on this machine made by pg_basebackup, stopped and removed when
// the test ends.
//
// The primary must allow replication connections from 127.0.0.1: wal_level replica
// (the default), max_wal_senders above 0 (the default 10), and a pg_hba.conf line
// such as `host replication all 127.0.0.1/32 trust` (.ci/run adds it). Running as
// root, the replica's server runs as the postgres user (PostgreSQL refuses root).
type PGReplica struct {
	Port int
	dir  string // its data folder is dir/data
	bin  string // PostgreSQL's programs
	as   string // the user the server runs as; "" for the current one
}

// NewPGReplica makes and starts a replica of the test PostgreSQL, or skips the test
// saying why it cannot.
func NewPGReplica(t testing.TB) *PGReplica {
	t.Helper()
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skipf("%s is not set; the replica test needs PostgreSQL", PGEnv)
	}
	primary, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PGEnv, err)
	}
	r := &PGReplica{}
	if r.bin, err = pgBinDir(base); err != nil {
		t.Skipf("replica test skipped: %v", err)
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Skip("replica test skipped: running as root, and there is no postgres user to run the replica's server as")
		}
		r.as = "postgres"
	}
	if r.dir, err = os.MkdirTemp("", "onedoor-replica-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(r.dir) })
	if r.as != "" {
		if out, err := exec.Command("chown", r.as, r.dir).CombinedOutput(); err != nil {
			t.Fatalf("chown %s: %v %s", r.dir, err, out)
		}
	}
	host, port := primary.Hostname(), primary.Port()
	if port == "" {
		port = "5432"
	}
	who := "postgres"
	if primary.User != nil && primary.User.Username() != "" {
		who = primary.User.Username()
	}
	data := filepath.Join(r.dir, "data")
	// -c fast: the backup starts at once rather than after a spread checkpoint (minutes
	// on a busy primary). -R writes standby.signal and primary_conninfo.
	if out, err := r.run(120*time.Second, "pg_basebackup", "-h", host, "-p", port, "-U", who, "-D", data, "-R", "-X", "stream", "-c", "fast"); err != nil {
		t.Skipf("replica test skipped: pg_basebackup from %s:%s failed (does pg_hba.conf allow `host replication all 127.0.0.1/32`? .ci/run adds it): %v\n%s", host, port, err, out)
	}
	if r.Port, err = freePort(); err != nil {
		t.Fatal(err)
	}
	// Debian keeps the cluster's configuration outside its data folder: the copy gets
	// its own.
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nhot_standby = on\nshared_buffers = 32MB\nmax_connections = 100\nfsync = off\n", r.Port, r.dir)
	files := map[string]string{"postgresql.conf": conf, "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n", "pg_ident.conf": ""}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(data, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if r.as != "" {
			exec.Command("chown", r.as, filepath.Join(data, name)).Run()
		}
	}
	t.Cleanup(func() { r.Stop(t) })
	if out, err := r.run(5*time.Minute, "pg_ctl", "-D", data, "-l", filepath.Join(r.dir, "log"), "-w", "-t", "300", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(r.dir, "log"))
		t.Fatalf("the replica did not start: %v %s\n%s", err, out, log)
	}
	return r
}

// DSN is the address of the replica's copy of the database at primaryDSN (the
// same URL on the replica's port).
func (r *PGReplica) DSN(primaryDSN string) string {
	u, err := url.Parse(primaryDSN)
	if err != nil {
		return ""
	}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Port))
	return u.String()
}

// Exec runs a statement on the replica (pg_wal_replay_pause() and the like).
func (r *PGReplica) Exec(t testing.TB, query string) {
	t.Helper()
	db, err := sql.Open("pgx", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", r.Port))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("replica: %s: %v", query, err)
	}
}

// Stop stops the replica's server at once (a lost replica); stopping it again does
// nothing.
func (r *PGReplica) Stop(t testing.TB) {
	data := filepath.Join(r.dir, "data")
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err != nil {
		return
	}
	if out, err := r.run(time.Minute, "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
		t.Logf("stopping the replica: %v %s", err, out)
	}
}

// run runs one of PostgreSQL's programs, as r.as when set.
func (r *PGReplica) run(timeout time.Duration, prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path := filepath.Join(r.bin, prog)
	var cmd *exec.Cmd
	if r.as != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", r.as, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = r.dir
	return cmd.CombinedOutput()
}

// pgBinDir finds the programs of the primary's PostgreSQL major version: Debian's
// /usr/lib/postgresql/N/bin, or else the PATH's.
func pgBinDir(dsn string) (string, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var num int
	if err := db.QueryRow("SELECT current_setting('server_version_num')::int").Scan(&num); err != nil {
		return "", fmt.Errorf("the primary's version: %v", err)
	}
	debian := fmt.Sprintf("/usr/lib/postgresql/%d/bin", num/10000)
	if _, err := os.Stat(filepath.Join(debian, "pg_ctl")); err == nil {
		return debian, nil
	}
	p, err := exec.LookPath("pg_basebackup")
	if err != nil {
		return "", fmt.Errorf("no pg_basebackup in %s or on the PATH", debian)
	}
	if _, err := exec.LookPath("pg_ctl"); err != nil {
		return "", fmt.Errorf("no pg_ctl on the PATH: %v", err)
	}
	return strings.TrimSuffix(p, "/pg_basebackup"), nil
}

// freePort is a TCP port of 127.0.0.1 nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
