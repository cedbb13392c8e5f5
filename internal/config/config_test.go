package config

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// readmeTable renders the configuration table README.md must contain.
func readmeTable() string {
	var b strings.Builder
	b.WriteString("| flag | environment variable | default | what it does |\n|---|---|---|---|\n")
	for _, s := range Settings() {
		fmt.Fprintf(&b, "| `%s` | `%s` | `%s` | %s |\n", s.Flag, s.Env, s.Default, s.Usage)
	}
	return b.String()
}

func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := readmeTable(); !strings.Contains(string(readme), want) {
		t.Fatalf("README.md's configuration table is out of date; it should read:\n%s", want)
	}
}

func TestLoad(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(*Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.Addr == ":8080" && c.DB == "data/onedoor.db" && !c.Demo && c.IdleTimeout == 30*time.Minute
		}, ""},
		{"env sets", map[string]string{"ONEDOOR_ADDR": ":9000", "ONEDOOR_DB": "postgres://x/y", "ONEDOOR_DEMO": "true"}, nil,
			func(c *Config) bool { return c.Addr == ":9000" && c.IsPostgres() && c.Demo }, ""},
		{"flag beats env", map[string]string{"ONEDOOR_ADDR": ":9000"}, []string{"-addr", ":7000"},
			func(c *Config) bool { return c.Addr == ":7000" }, ""},
		{"bad env value", map[string]string{"ONEDOOR_IDLE_TIMEOUT": "soon"}, nil, nil, "ONEDOOR_IDLE_TIMEOUT"},
		{"tiny body limit", nil, []string{"-max-body", "10"}, nil, "max-body"},
		{"unknown flag", nil, []string{"-nope"}, nil, "not defined"},
		{"trusted proxies", map[string]string{"ONEDOOR_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}, nil, func(c *Config) bool {
			return len(c.TrustedProxies) == 2 && c.TrustedProxies[1].String() == "127.0.0.1/32"
		}, ""},
		{"bad proxy", nil, []string{"-trusted-proxies", "10.0.0.0/8,proxy.local"}, nil, "proxy.local"},
		{"audit anchors hourly by default", nil, nil, func(c *Config) bool { return c.AuditAnchorEvery == time.Hour }, ""},
		{"audit anchors less often than hourly", nil, []string{"-audit-anchor-every", "61m"}, nil, "audit-anchor-every"},
		{"audit anchors too often", nil, []string{"-audit-anchor-every", "500ms"}, nil, "audit-anchor-every"},
		{"broken sms template names its flag", nil, []string{"-sms-template", "{{.Title"}, nil, "-sms-template"},
		{"sms gateway not a url", nil, []string{"-sms-gateway", "not-a-url"}, nil, "-sms-gateway"},
		{"sms gateway url", nil, []string{"-sms-gateway", "https://sms.example/send"}, func(c *Config) bool { return c.SMSGateway != "" }, ""},
		{"webhook not a url", nil, []string{"-webhook-url", "ftp://x"}, nil, "-webhook-url"},
		{"smtp without port", nil, []string{"-smtp-addr", "mail.example"}, nil, "-smtp-addr"},
		{"yellow-after alone", nil, []string{"-yellow-after", "0"}, nil, "-yellow-after must"},
		{"red-after alone", nil, []string{"-red-after", "2"}, nil, "-red-after must"},
		{"sweep-interval alone", nil, []string{"-sweep-interval", "10ms"}, nil, "-sweep-interval must"},
		{"too few connections", nil, []string{"-db-max-conns", "4"}, nil, "-db-max-conns"},
		{"bad flag value names it", nil, []string{"-db-wait", "soon"}, nil, "-db-wait"},
		{"migrate off", map[string]string{"ONEDOOR_MIGRATE": "false"}, nil, func(c *Config) bool { return !c.Migrate }, ""},
		{"replicas repeat", nil, []string{"-db", "postgres://p/onedoor", "-db-replica", "postgres://r1/onedoor", "-db-replica", "postgres://r2/onedoor"},
			func(c *Config) bool {
				return len(c.DBReplicas.URLs) == 2 && c.DBReplicas.URLs[1] == "postgres://r2/onedoor"
			}, ""},
		{"replicas from the environment, space-separated", map[string]string{"ONEDOOR_DB": "postgres://p/o", "ONEDOOR_DB_REPLICA": "postgres://r1/o postgres://r2/o"}, nil,
			func(c *Config) bool { return len(c.DBReplicas.URLs) == 2 }, ""},
		{"a replica flag replaces the environment's", map[string]string{"ONEDOOR_DB": "postgres://p/o", "ONEDOOR_DB_REPLICA": "postgres://r1/o postgres://r2/o"},
			[]string{"-db-replica", "postgres://r3/o"}, func(c *Config) bool { return len(c.DBReplicas.URLs) == 1 && c.DBReplicas.URLs[0] == "postgres://r3/o" }, ""},
		{"replica on sqlite refused", nil, []string{"-db-replica", "postgres://r1/onedoor"}, nil, "-db-replica needs a PostgreSQL -db"},
		{"replica not a postgres url", nil, []string{"-db", "postgres://p/o", "-db-replica", "r1:5432"}, nil, "-db-replica"},
		{"pgbouncer on sqlite refused", nil, []string{"-db-pgbouncer"}, nil, "-db-pgbouncer needs"},
		{"pgbouncer on postgres", nil, []string{"-db", "postgres://p/o", "-db-pgbouncer"}, func(c *Config) bool { return c.DBPgBouncer }, ""},
		{"replica lag too small", nil, []string{"-db-replica-max-lag", "500ms"}, nil, "-db-replica-max-lag must"},
		{"replica conns too few", nil, []string{"-db-replica-max-conns", "1"}, nil, "-db-replica-max-conns must"},
		{"operations defaults", nil, nil, func(c *Config) bool {
			return c.Migrate && c.DBWait == 2*time.Minute && c.DBMaxConns == 38 && c.HSTS == 0 &&
				c.DBReplicaMaxLag == 10*time.Second && c.DBReplicaMaxConns == 16 && !c.DBPgBouncer && len(c.DBReplicas.URLs) == 0
		}, ""},
		{"audit key from the environment", map[string]string{"ONEDOOR_AUDIT_KEY": "ab12", "ONEDOOR_AUDIT_KEY_FILE": "/etc/onedoor/key"}, nil,
			func(c *Config) bool { return c.AuditKey == "ab12" && c.AuditKeyPath() == "/etc/onedoor/key" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env = tc.env
			c, _, err := Load(tc.args, getenv, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("config = %+v, err %v", c, err)
			}
		})
	}
}

// The audit key and anchors lie beside the SQLite file unless set; on PostgreSQL in
// data/; the anchors beside the key file.
func TestAuditPaths(t *testing.T) {
	for _, tc := range []struct {
		c           Config
		key, anchor string
	}{
		{Config{DB: "data/onedoor.db"}, "data/onedoor.audit-key", "data/onedoor.audit-anchors"},
		{Config{DB: "/srv/od/county"}, "/srv/od/county.audit-key", "/srv/od/county.audit-anchors"},
		{Config{DB: "postgres://db/onedoor"}, "data/onedoor.audit-key", "data/onedoor.audit-anchors"},
		{Config{DB: "data/onedoor.db", AuditKeyFile: "/etc/onedoor/audit.key"}, "/etc/onedoor/audit.key", "/etc/onedoor/audit.key.anchors"},
		{Config{DB: "data/onedoor.db", AuditAnchorFile: "/var/log/onedoor/anchors"}, "data/onedoor.audit-key", "/var/log/onedoor/anchors"},
	} {
		if key, anchor := tc.c.AuditKeyPath(), tc.c.AuditAnchorPath(); key != tc.key || anchor != tc.anchor {
			t.Errorf("%+v: key %s, anchors %s; want %s, %s", tc.c, key, anchor, tc.key, tc.anchor)
		}
	}
}

// A mistaken flag is one line naming it, not the usage of every flag.
func TestBadFlagIsOneLine(t *testing.T) {
	var out strings.Builder
	_, _, err := Load([]string{"-nope"}, func(string) string { return "" }, &out)
	if err == nil || !strings.Contains(err.Error(), "-nope") || out.Len() != 0 {
		t.Fatalf("err %v, printed %q", err, out.String())
	}
	// A refused URL is repeated without its password.
	_, _, err = Load([]string{"-db", "postgres://p/o", "-db-replica", "postgres://od:s3cret@r1:5432 x"}, func(string) string { return "" }, &out)
	if err == nil || !strings.Contains(err.Error(), "-db-replica") || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "od:***@r1") {
		t.Fatalf("a refused replica URL: %v", err)
	}
	out.Reset()
	if _, _, err := Load([]string{"-help"}, func(string) string { return "" }, &out); err == nil || !strings.Contains(out.String(), "-db-max-conns") {
		t.Fatalf("-help: err %v, printed %d bytes", err, out.Len())
	}
}
