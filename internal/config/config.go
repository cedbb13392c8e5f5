// Package config reads onedoor's settings from flags, each with a matching ONEDOOR_*
// environment variable. A flag given on the command line wins over the variable.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// Config is everything the server needs to start.
type Config struct {
	Addr            string
	DB              string
	Demo            bool
	LogJSON         bool
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	MaxBodyBytes    int64
	SecureCookies   bool // set when served behind TLS
	ShutdownTimeout time.Duration

	Jobs          bool          // run the background sweeps on this node
	SweepInterval time.Duration // how often the deadline sweep runs
	DueSoonWindow time.Duration
	YellowAfter   int // overdue working days before a yellow-card supervision
	RedAfter      int // … before a red card
	SMSGateway    string
	SMSToken      string
	SMSTemplate   string
	SMTPAddr      string
	SMTPFrom      string
	SMTPUser      string
	SMTPPassword  string
	WebhookURL    string
	WebhookSecret string

	// The audit chain's key and anchors (internal/audit, docs/audit.md).
	AuditKey         string // the key text itself, usually from ONEDOOR_AUDIT_KEY; wins over AuditKeyFile
	AuditKeyFile     string // "": AuditKeyPath's default
	AuditAnchorFile  string // "": AuditAnchorPath's default
	AuditAnchorEvery time.Duration

	// TrustedProxies are the reverse proxies (CIDRs) whose X-Forwarded-For names the
	// client: rate limits, throttling and the audit log see the citizen's address,
	// not the proxy's.
	TrustedProxies []netip.Prefix

	// Operations (docs/operations.md).
	Migrate           bool          // serve applies pending migrations; false: refuse a schema that does not match
	DBWait            time.Duration // how long serve waits for an unreachable database at start-up
	DBMaxConns        int           // PostgreSQL connections this node opens at most, all pools together
	DBReplicas        URLList       // PostgreSQL streaming replicas that reports, dashboards, search and exports read
	DBReplicaMaxLag   time.Duration // a replica further behind the primary is skipped
	DBReplicaMaxConns int           // connections one node opens at most to each replica
	DBPgBouncer       bool          // -db (and the replicas) are reached through PgBouncer in transaction mode
	HSTS              time.Duration // Strict-Transport-Security max-age; 0 sends none
	JobRunsKeep       time.Duration // how long the record of background job runs is kept
	MetricsFrom       PrefixList    // who may read /metrics, directly (not through a proxy)
	PublicURL         string        // the address users reach the server at, behind a proxy
}

// URLList is a repeatable flag's database URLs, in the order given. Its variable
// holds them separated by spaces; the flag given on the command line replaces what
// the variable said.
type URLList struct {
	URLs    []string
	fromEnv bool // the URLs came from the variable: a flag's first value replaces them
}

func (l *URLList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.URLs, " ")
}

func (l *URLList) Set(v string) error {
	if l.fromEnv {
		l.URLs, l.fromEnv = nil, false
	}
	for _, part := range strings.Fields(v) {
		if !strings.HasPrefix(part, "postgres://") && !strings.HasPrefix(part, "postgresql://") {
			return errors.New("must be a postgres:// URL")
		}
		if u, err := url.Parse(part); err != nil || u.Host == "" {
			return errors.New("must be a postgres:// URL with a host")
		}
		l.URLs = append(l.URLs, part)
	}
	return nil
}

// PrefixList is a flag's list of addresses and CIDRs, comma-separated.
type PrefixList []netip.Prefix

func (l *PrefixList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, p := range *l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (l *PrefixList) Set(v string) error {
	out, err := parsePrefixes(v)
	*l = out
	return err
}

// parsePrefixes reads comma-separated addresses or CIDRs.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(part)
		if err != nil {
			addr, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not an address or a CIDR", part)
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, pfx.Masked())
	}
	return out, nil
}

// Setting describes one flag and its variable, for -help and for the README table.
type Setting struct {
	Flag, Env, Default, Usage string
}

// Settings lists every setting in the order -help shows them.
func Settings() []Setting {
	var out []Setting
	fs, _ := newFlagSet(&Config{}, io.Discard)
	fs.VisitAll(func(f *flag.Flag) {
		out = append(out, Setting{Flag: "-" + f.Name, Env: envName(f.Name), Default: f.DefValue, Usage: f.Usage})
	})
	return out
}

func envName(flagName string) string {
	return "ONEDOOR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func newFlagSet(c *Config, out io.Writer) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("onedoor", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&c.DB, "db", "data/onedoor.db", "SQLite file path, or a postgres:// URL")
	fs.BoolVar(&c.Demo, "demo", false, "fill an empty database with the demo county")
	fs.BoolVar(&c.LogJSON, "log-json", false, "log as JSON lines instead of text")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 30*time.Minute, "sign a browser out after this long without a request")
	fs.DurationVar(&c.AbsoluteTimeout, "session-max", 12*time.Hour, "sign a browser out this long after sign-in, whatever its activity")
	fs.Int64Var(&c.MaxBodyBytes, "max-body", 1<<20, "largest request body accepted, in bytes (uploads have their own limit)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", false, "mark cookies Secure (set when served over TLS)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight requests may take to finish on shutdown")
	fs.BoolVar(&c.Jobs, "jobs", true, "run background sweeps (deadlines, supervision, notifications); on many nodes a database lease picks one per sweep")
	fs.DurationVar(&c.SweepInterval, "sweep-interval", time.Minute, "how often deadlines and supervision orders are swept")
	fs.DurationVar(&c.DueSoonWindow, "due-soon-window", 48*time.Hour, "how long before its deadline a case turns 将到期")
	fs.IntVar(&c.YellowAfter, "yellow-after", 3, "working days overdue before a yellow-card supervision (黄牌督办)")
	fs.IntVar(&c.RedAfter, "red-after", 10, "working days overdue before a red-card supervision (红牌督办)")
	fs.StringVar(&c.SMSGateway, "sms-gateway", "", "URL of the HTTP SMS gateway (POST {phone,text}); empty logs SMS instead of sending")
	fs.StringVar(&c.SMSToken, "sms-token", "", "bearer token for the SMS gateway")
	fs.StringVar(&c.SMSTemplate, "sms-template", "【综治中心】{{.Title}}。{{.Body}}", "text/template of an SMS, over .Title, .Body, .Kind, .CaseID")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", "", "host:port of the mail server for email notifications; empty for none")
	fs.StringVar(&c.SMTPFrom, "smtp-from", "onedoor@localhost", "sender address of email notifications")
	fs.StringVar(&c.SMTPUser, "smtp-user", "", "SMTP user name (PLAIN auth); empty for none")
	fs.StringVar(&c.SMTPPassword, "smtp-password", "", "SMTP password")
	fs.StringVar(&c.WebhookURL, "webhook-url", "", "URL that receives every notification as signed JSON; empty for none")
	fs.StringVar(&c.WebhookSecret, "webhook-secret", "", "HMAC-SHA256 key of the X-Onedoor-Signature header")
	AuditFlags(fs, c, func(string) string { return "" })
	fs.DurationVar(&c.AuditAnchorEvery, "audit-anchor-every", time.Hour, "how often a running server anchors the audit chain's head, besides at start and shutdown (1s to 1h)")
	fs.BoolVar(&c.Migrate, "migrate", true, "serve applies pending migrations at start; false: serve refuses a schema it does not match (run `onedoor migrate` with the migration role first)")
	fs.DurationVar(&c.DBWait, "db-wait", 2*time.Minute, "how long serve waits, with backoff, for a database it cannot reach at start-up; 0 fails at once")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", 38, "PostgreSQL connections one node opens at most, split among its pools (writers ⅓, readers ⅓, listings and the party look the rest); at least 8")
	fs.Var(&c.DBReplicas, "db-replica", "postgres:// URL of a streaming replica of -db that dashboards, reports, the big screen, analysis, evaluation, search and exports read (repeat the flag for several; in the variable, separate them with spaces); a lagging or lost replica is skipped for the primary")
	fs.DurationVar(&c.DBReplicaMaxLag, "db-replica-max-lag", 10*time.Second, "a replica further behind the primary than this is skipped until it catches up")
	fs.IntVar(&c.DBReplicaMaxConns, "db-replica-max-conns", 16, "PostgreSQL connections one node opens at most to each replica")
	fs.BoolVar(&c.DBPgBouncer, "db-pgbouncer", false, "-db and the replicas are reached through PgBouncer in transaction mode: no named prepared statements, no startup parameters")
	fs.DurationVar(&c.HSTS, "hsts", 0, "max-age of the Strict-Transport-Security header sent on HTTPS requests (e.g. 8760h); 0 sends none")
	fs.DurationVar(&c.JobRunsKeep, "job-runs-keep", 30*24*time.Hour, "how long the record of background job runs is kept before the hourly housekeeping prunes it")
	c.MetricsFrom = PrefixList{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	fs.Var(&c.MetricsFrom, "metrics-from", "addresses or CIDRs that may read /metrics (Prometheus), comma-separated; asked directly, never through a proxy")
	fs.StringVar(&c.PublicURL, "public-url", "", "the address users reach onedoor at (e.g. https://zongzhi.example.cn), when a proxy does not pass the Host: the CSRF check accepts forms from it")
	fs.Func("trusted-proxies", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client; empty trusts none", func(v string) error {
		c.TrustedProxies = nil
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			pfx, err := netip.ParsePrefix(part)
			if err != nil {
				addr, aerr := netip.ParseAddr(part)
				if aerr != nil {
					return fmt.Errorf("%q is not an address or a CIDR", part)
				}
				pfx = netip.PrefixFrom(addr, addr.BitLen())
			}
			c.TrustedProxies = append(c.TrustedProxies, pfx.Masked())
		}
		return nil
	})
	return fs, nil
}

// Load parses args (without the program name) over the environment.
func Load(args []string, getenv func(string) string, out io.Writer) (*Config, []string, error) {
	c := &Config{}
	fs, _ := newFlagSet(c, out)
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %v", envName(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return nil, nil, envErr
	}
	c.DBReplicas.fromEnv = true
	// A mistaken flag is told in one line naming it, not followed by every flag's
	// usage: that is what -help is for.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(out)
			fs.PrintDefaults()
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%s (onedoor -help lists the settings)", withoutPasswords(err.Error()))
	}
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

// urlPassword is the password of a URL's user (scheme://user:password@host).
var urlPassword = regexp.MustCompile(`(://[^:/@\s"]*:)[^@\s"]*@`)

// withoutPasswords hides the passwords of the URLs a text quotes: the flag package
// repeats a refused value, and a start-up error ends in the log.
func withoutPasswords(s string) string { return urlPassword.ReplaceAllString(s, "${1}***@") }

// check refuses settings that cannot work, each error naming its one flag.
func (c *Config) check() error {
	switch {
	case c.IdleTimeout <= 0:
		return fmt.Errorf("-idle-timeout must be positive, got %s", c.IdleTimeout)
	case c.AbsoluteTimeout <= 0:
		return fmt.Errorf("-session-max must be positive, got %s", c.AbsoluteTimeout)
	case c.SweepInterval < time.Second:
		return fmt.Errorf("-sweep-interval must be at least 1s, got %s", c.SweepInterval)
	case c.YellowAfter < 1:
		return fmt.Errorf("-yellow-after must be at least 1, got %d", c.YellowAfter)
	case c.RedAfter <= c.YellowAfter:
		return fmt.Errorf("-red-after must be more than -yellow-after (%d), got %d", c.YellowAfter, c.RedAfter)
	case c.DBWait < 0:
		return fmt.Errorf("-db-wait must not be negative, got %s", c.DBWait)
	case c.DBMaxConns < 8:
		return fmt.Errorf("-db-max-conns must be at least 8, got %d", c.DBMaxConns)
	case len(c.DBReplicas.URLs) > 0 && !c.IsPostgres():
		return errors.New("-db-replica needs a PostgreSQL -db (postgres://…): SQLite has no replicas")
	case c.DBPgBouncer && !c.IsPostgres():
		return errors.New("-db-pgbouncer needs a PostgreSQL -db (postgres://…)")
	case c.DBReplicaMaxLag < time.Second:
		return fmt.Errorf("-db-replica-max-lag must be at least 1s, got %s", c.DBReplicaMaxLag)
	case c.DBReplicaMaxConns < 2:
		return fmt.Errorf("-db-replica-max-conns must be at least 2, got %d", c.DBReplicaMaxConns)
	case c.HSTS < 0:
		return fmt.Errorf("-hsts must not be negative, got %s", c.HSTS)
	case c.JobRunsKeep < time.Hour:
		return fmt.Errorf("-job-runs-keep must be at least 1h, got %s", c.JobRunsKeep)
	}
	if _, err := template.New("sms").Parse(c.SMSTemplate); err != nil {
		return fmt.Errorf("-sms-template does not parse: %v", err)
	}
	if c.SMSGateway != "" {
		if u, err := url.Parse(c.SMSGateway); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-sms-gateway must be an http:// or https:// URL, got %q", c.SMSGateway)
		}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-webhook-url must be an http:// or https:// URL, got %q", c.WebhookURL)
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-public-url must be an http:// or https:// URL, got %q", c.PublicURL)
		}
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			return fmt.Errorf("-smtp-addr must be host:port, got %q", c.SMTPAddr)
		}
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("-addr must be host:port or :port, got %q", c.Addr)
	}
	return c.checkRest()
}

func (c *Config) checkRest() error {
	if c.AuditAnchorEvery < time.Second || c.AuditAnchorEvery > time.Hour {
		return fmt.Errorf("-audit-anchor-every must be between 1s and 1h, got %s", c.AuditAnchorEvery)
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("-max-body must be at least 1024, got %s", strconv.FormatInt(c.MaxBodyBytes, 10))
	}
	return nil
}

// AuditFlags adds the audit key and anchor file settings to fs, with defaults from
// getenv: commands with flag sets of their own (setup, demo) take them too.
func AuditFlags(fs *flag.FlagSet, c *Config, getenv func(string) string) {
	fs.StringVar(&c.AuditKey, "audit-key", getenv("ONEDOOR_AUDIT_KEY"), "the audit chain's HMAC key, hex (the current key last, after retired ones, comma-separated); set it in the environment, not on the command line; empty reads -audit-key-file")
	fs.StringVar(&c.AuditKeyFile, "audit-key-file", getenv("ONEDOOR_AUDIT_KEY_FILE"), "file of the audit chain's HMAC key, created when missing on a log never keyed; empty: beside the SQLite file (NAME.audit-key), or data/onedoor.audit-key for PostgreSQL")
	fs.StringVar(&c.AuditAnchorFile, "audit-anchor-file", getenv("ONEDOOR_AUDIT_ANCHOR_FILE"), "append-only file the audit chain's head is written to (at start, shutdown, every -audit-anchor-every); empty: beside the key file (NAME.audit-anchors)")
}

// AuditKeyPath is the audit key file: the setting, or beside the SQLite file, or
// data/onedoor.audit-key for PostgreSQL.
func (c *Config) AuditKeyPath() string {
	switch {
	case c.AuditKeyFile != "":
		return c.AuditKeyFile
	case c.IsPostgres():
		return filepath.Join("data", "onedoor.audit-key")
	}
	return strings.TrimSuffix(c.DB, filepath.Ext(c.DB)) + ".audit-key"
}

// AuditAnchorPath is the anchor file: the setting, or beside the key file.
func (c *Config) AuditAnchorPath() string {
	if c.AuditAnchorFile != "" {
		return c.AuditAnchorFile
	}
	key := c.AuditKeyPath()
	if base, ok := strings.CutSuffix(key, ".audit-key"); ok {
		return base + ".audit-anchors"
	}
	return key + ".anchors"
}

// IsPostgres reports whether the DB setting names a PostgreSQL server.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}
