// Command onedoor runs the onedoor server and its maintenance commands.
//
//	onedoor [flags]            serve (the default)
//	onedoor serve [flags]      serve
//	onedoor migrate [flags]    apply pending migrations and exit
//	onedoor setup ...          start a real deployment: its root region and first admin
//	onedoor demo -cases N      add the demo county (if empty) and N generated cases; -province builds 甘肃省 around it
//	onedoor bench [flags]      measure intake, queue, case page and lookups over HTTP
//	onedoor import -source S -file F [-dry-run]   import a historical 台账 (xlsx/CSV)
//	onedoor regions import -code C [-file F]      build the region tree from the national division codes
//	onedoor audit-verify       walk the audit log's keyed chain against its anchors; name what is wrong
//	onedoor stats-verify [-fix]  recount the figures' rollups from the cases; name each difference (-fix rebuilds)
//	onedoor backup -out FILE   a consistent copy of a SQLite store, also while it serves
//	onedoor restore-check      open a copy read-only; verify its migrations, audit chain and figures
//	onedoor sweep -at TIME     run every sweep once as of TIME (catch up, or check a copy)
//
// Every flag has an ONEDOOR_* environment variable; see README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/importer/ledgertest"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "onedoor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "demo":
		return demoCommand(ctx, args, stderr)
	case "setup":
		return setupCommand(ctx, args, stderr)
	case "bench":
		return benchCommand(ctx, args, stderr)
	case "backup":
		return backupCommand(ctx, args, stderr)
	case "sweep":
		return sweepCommand(ctx, args, stderr)
	case "purge":
		return purgeCommand(ctx, args, stderr)
	case "retention":
		return retentionCommand(ctx, args, stderr)
	case "import":
		return importCommand(ctx, args, stdout, stderr)
	case "regions":
		return regionsCommand(ctx, args, stdout, stderr)
	case "stats-verify":
		return statsVerifyCommand(ctx, args, stderr)
	}
	cfg, rest, err := config.Load(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected arguments: %v", rest)
	}
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, nil)
	case "audit-verify":
		return auditVerify(ctx, cfg, log, stderr)
	case "restore-check":
		return restoreCheck(ctx, cfg, stderr)
	case "migrate":
		st, err := openAndMigrate(ctx, cfg, log)
		if err != nil {
			return err
		}
		return st.Close()
	case "reindex":
		return reindex(ctx, cfg, log, stderr)
	default:
		return fmt.Errorf("unknown command %q (known: serve, migrate, reindex, setup, demo, bench, import, regions, audit-verify, stats-verify, backup, restore-check, sweep, purge, retention)", cmd)
	}
}

// stdout is where the import and regions commands write their reports (a test
// reads them there).
var stdout io.Writer = os.Stdout

// newLogger is the process's logger, made its default too: the lines logged through
// slog's default (the request errors of httpx) and the standard log package come out
// in the same format, JSON with -log-json, each with its request's id and user
// (httpx.LogHandler).
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if cfg.LogJSON {
		h = slog.NewJSONHandler(w, nil)
	}
	log := slog.New(httpx.LogHandler(h))
	slog.SetDefault(log)
	return log
}

func openAndMigrate(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.OpenWith(ctx, cfg.DB, store.Options{PgBouncer: cfg.DBPgBouncer})
	if err != nil {
		return nil, err
	}
	n, err := st.Migrate(ctx, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	v, _ := st.SchemaVersion(ctx)
	log.Info("store ready", "store", st.Dialect(), "schema_version", v, "applied", n)
	return st, nil
}

// openAudited opens and migrates the store and gives it its audit key, creating the
// key file when the log was never keyed (audit.UseKeys): what every command that
// writes audit entries opens.
// commandSettings reads a command's settings (its own flags taken out of rest),
// refusing arguments left over.
func commandSettings(rest []string, stderr io.Writer) (*config.Config, error) {
	cfg, extra, err := config.Load(rest, os.Getenv, stderr)
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", extra)
	}
	return cfg, nil
}

func openAudited(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := audit.UseKeys(ctx, st, auditKeySource(cfg), log); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func auditKeySource(cfg *config.Config) audit.KeySource {
	return audit.KeySource{Value: cfg.AuditKey, Path: cfg.AuditKeyPath()}
}

// newAnchorer anchors st's audit chain in the configured file and, when set, the webhook.
func newAnchorer(cfg *config.Config, st *store.Store, log *slog.Logger) *audit.Anchorer {
	host, _ := os.Hostname()
	a := &audit.Anchorer{Store: st, Path: cfg.AuditAnchorPath(), Node: fmt.Sprintf("%s-%d", host, os.Getpid()), Now: time.Now, Log: log}
	if cfg.WebhookURL != "" {
		a.Webhook = &notify.Webhook{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret}
	}
	return a
}

// demoCases is how many generated cases -demo adds to the demo county.
const demoCases = 300

// demoCommand fills a database with the demo county and generated cases, for trying
// onedoor at scale and for the benchmarks.
func demoCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("onedoor demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("cases", 1000, "how many cases to generate")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same cases")
	province := fs.Bool("province", false, "on an empty database, build the province around the demo county: 甘肃省's 14 cities, 88 county-level divisions, townships and villages from the division codes, with generated grids")
	db := fs.String("db", os.Getenv("ONEDOOR_DB"), "SQLite file path, or a postgres:// URL")
	ledger := fs.String("ledger", "", "instead, write a generated 台账 of -ledger-rows rows to this .xlsx file, and its source's mapping beside it (.mapping.json), for `onedoor import`")
	ledgerRows := fs.Int("ledger-rows", 100000, "rows of the -ledger file")
	cfg := &config.Config{}
	config.AuditFlags(fs, cfg, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ledger != "" {
		return writeDemoLedger(*ledger, *ledgerRows)
	}
	if *db == "" {
		*db = "data/onedoor.db"
	}
	if *n < 0 {
		return fmt.Errorf("-cases must be ≥ 0")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.DB = *db
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	seed0 := demo.SeedCounty
	if *province {
		seed0 = demo.SeedProvince
	}
	seeded := seed0(ctx, st)
	if seeded != nil && !errors.Is(seeded, demo.ErrNotEmpty) {
		return seeded
	}
	start := time.Now()
	if err := demo.GenerateCases(ctx, st, *n, *seed); err != nil {
		return err
	}
	el := time.Since(start)
	log.Info("cases generated", "cases", *n, "seconds", el.Seconds(), "per_second", int(float64(*n)/el.Seconds()))
	swept, err := web.SweepOnce(ctx, st, log, time.Now())
	if err != nil {
		return err
	}
	log.Info("generated cases swept", "items", swept)
	if seeded == nil {
		// A county made now gets this morning's work in hand, after its archive.
		if err := demo.Live(ctx, st, time.Now()); err != nil {
			return err
		}
	}
	_, err = newAnchorer(cfg, st, log).Anchor(ctx, "demo")
	return err
}

// writeDemoLedger writes a generated ledger of rows rows (ledgertest.Big) to path,
// and beside it the mapping `onedoor import -mapping` saves for its source.
func writeDemoLedger(path string, rows int) error {
	if rows < 1 || rows > 1_048_000 {
		return fmt.Errorf("-ledger-rows must be between 1 and 1048000 (a sheet's rows)")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ledgertest.Big(f, rows); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	m := importer.NewMapping(ledgertest.Headers)
	for _, v := range ledgertest.BigValues {
		m.SetValue(importer.Field(v.Field), v.Office, v.Code)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(path, ".xlsx")+".mapping.json", raw, 0o644)
}

// errAuditBroken makes audit-verify exit non-zero when the chain does not verify.
var errAuditBroken = errors.New("audit log does not verify")

// auditVerify walks the audit chain with its keys, against the anchors of its head,
// and reports the first broken row, or rows missing from its end. It opens the store
// read-only: it does not migrate (or otherwise change) what it checks.
func auditVerify(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer) error {
	st, err := store.OpenWith(ctx, cfg.DB, store.Options{ReadOnly: true, PgBouncer: cfg.DBPgBouncer})
	if err != nil {
		return err
	}
	defer st.Close()
	return verifyAuditOf(ctx, cfg, st, out)
}

// setupCommand starts a real deployment on an empty database: the root region (a
// province, city or county, with its GB/T 2260 code) and the first administrator,
// who then builds the rest of the organisation in the admin pages.
func setupCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("onedoor setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", os.Getenv("ONEDOOR_DB"), "SQLite file path, or a postgres:// URL")
	code := fs.String("region-code", "", "GB/T 2260 code of the deployment's root region, e.g. 622922")
	name := fs.String("region-name", "", "name of the root region, e.g. 康乐县")
	level := fs.String("level", "county", "level of the root region: province, city or county")
	admin := fs.String("admin", "admin", "user name of the first administrator")
	password := fs.String("password", os.Getenv("ONEDOOR_ADMIN_PASSWORD"), "the administrator's password (or ONEDOOR_ADMIN_PASSWORD)")
	cfg := &config.Config{}
	config.AuditFlags(fs, cfg, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		*db = "data/onedoor.db"
	}
	lv := model.RegionLevel(*level)
	if lv != model.LevelProvince && lv != model.LevelCity && lv != model.LevelCounty {
		return fmt.Errorf("-level must be province, city or county")
	}
	if err := model.CheckCode("region-code", *code, 15); err != nil || strings.Trim(*code, "0123456789") != "" {
		return fmt.Errorf("-region-code must be digits")
	}
	if err := model.CheckName("region-name", *name, 60); err != nil {
		return fmt.Errorf("-region-name: %v", err)
	}
	if err := auth.CheckPassword(*admin, *password); err != nil {
		return fmt.Errorf("-password: %s", err.Message("en"))
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.DB = *db
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.CountUsers(ctx); err != nil || n > 0 {
		return fmt.Errorf("setup needs an empty database (it has %d users)", n)
	}
	hash, err := auth.HashPassword(*password)
	if err != nil {
		return err
	}
	actx := store.WithActor(ctx, store.Actor{Name: "setup"})
	err = st.InTx(actx, store.Audited("setup", "region:"+*code, "建立部署："+*name+"，管理员 "+*admin), func(tx *store.Tx) error {
		root := model.Region{Code: *code, Name: *name, Level: lv}
		if err := tx.CreateRegion(ctx, &root); err != nil {
			return err
		}
		u := model.User{Username: *admin, DisplayName: "系统管理员", RegionID: root.ID, Roles: []model.Role{model.RoleAdmin}}
		if err := tx.CreateUser(ctx, &u, hash); err != nil {
			return err
		}
		log.Info("deployment set up", "region", *name, "admin", *admin)
		return nil
	})
	if err != nil {
		return err
	}
	_, err = newAnchorer(cfg, st, log).Anchor(ctx, "setup")
	return err
}

// reindex rebuilds the search index from the stored cases: after a restore, or when
// the tokeniser changed.
func reindex(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer) error {
	st, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	n, err := st.Reindex(ctx, log)
	if err != nil {
		return err
	}
	size, err := st.SearchIndexSize(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "reindexed %d cases in %s; the index takes %.1f MB\n", n, time.Since(start).Round(time.Millisecond), float64(size)/(1<<20))
	return nil
}
