package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web"
)

// backupCommand writes a consistent copy of a SQLite store, also while a server
// serves it, with the audit key and anchor files beside it under the names
// restore-check looks for (the copy's NAME.audit-key, NAME.audit-anchors).
func backupCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("onedoor backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", os.Getenv("ONEDOOR_DB"), "SQLite file path of the store")
	out := fs.String("out", "", "file to write the copy to (must not exist), e.g. /backup/onedoor-2026-03-01.db")
	cfg := &config.Config{}
	config.AuditFlags(fs, cfg, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		*db = "data/onedoor.db"
	}
	if *out == "" {
		return errors.New("-out: name the file to write the copy to")
	}
	cfg.DB = *db
	if cfg.IsPostgres() {
		return errors.New("-db: onedoor backup copies a SQLite store; back PostgreSQL up with pg_dump or pg_basebackup (docs/operations.md)")
	}
	// Opened as the server opens it (VACUUM INTO is refused on a read-only
	// connection), but not migrated: the copy is of the store as it is.
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := os.MkdirAll(filepath.Dir(*out), 0o750); err != nil {
		return err
	}
	start := time.Now()
	if err := st.BackupTo(ctx, *out); err != nil {
		return err
	}
	copyCfg := config.Config{DB: *out}
	// The anchors are copied after the database: every anchor then names a head the
	// copy holds or one before it.
	for _, f := range []struct{ from, to string }{{cfg.AuditKeyPath(), copyCfg.AuditKeyPath()}, {cfg.AuditAnchorPath(), copyCfg.AuditAnchorPath()}} {
		if err := copyFile(f.from, f.to); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	info, _ := os.Stat(*out)
	size := int64(0)
	if info != nil {
		size = info.Size()
	}
	fmt.Fprintf(stderr, "backup written to %s (%.1f MB in %s), with its audit key and anchors beside it; check it with: onedoor restore-check -db %s\n",
		*out, float64(size)/(1<<20), time.Since(start).Round(time.Millisecond), *out)
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// errRestoreCheck makes restore-check exit non-zero when the copy does not verify.
var errRestoreCheck = errors.New("restore-check: the copy does not verify")

// restoreCheck opens a copy of the store read-only and verifies its migrations, its
// audit chain (against the anchors) and its figures; it changes nothing.
func restoreCheck(ctx context.Context, cfg *config.Config, out io.Writer) error {
	st, err := store.OpenWith(ctx, cfg.DB, store.Options{ReadOnly: true, PgBouncer: cfg.DBPgBouncer})
	if err != nil {
		return err
	}
	defer st.Close()
	failed := false
	n, err := st.CheckMigrations(ctx)
	if err != nil {
		fmt.Fprintf(out, "migrations: BROKEN: %v\n", err)
		failed = true
	} else if state, err := st.SchemaStatus(ctx); err != nil {
		return err
	} else if !state.Serves() {
		fmt.Fprintf(out, "migrations: %d applied; this binary does not run on it: %v\n", n, state.Err())
		failed = true
	} else {
		fmt.Fprintf(out, "migrations: OK, %d applied, as this binary knows them\n", n)
	}
	if err := verifyAuditOf(ctx, cfg, st, out); err != nil {
		if !errors.Is(err, errAuditBroken) {
			return err
		}
		failed = true
	}
	f, err := st.Figures(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "figures: %d cases (%d open), %d events, %d parties, %d users, %d audit rows\n",
		f.Cases, f.OpenCases, f.Events, f.Parties, f.Users, f.AuditRows)
	if f.CasesWithoutEvents > 0 {
		fmt.Fprintf(out, "figures: BROKEN: %d cases have no event\n", f.CasesWithoutEvents)
		failed = true
	}
	if err := verifyRollupsOf(ctx, st, out); err != nil {
		if !errors.Is(err, errStatsVerify) {
			return err
		}
		failed = true
	}
	if st.Dialect() == store.SQLite {
		if f.Integrity != "ok" {
			fmt.Fprintf(out, "integrity: BROKEN: %s\n", f.Integrity)
			failed = true
		} else {
			fmt.Fprintln(out, "integrity: OK")
		}
	}
	if failed {
		return errRestoreCheck
	}
	fmt.Fprintln(out, "restore-check: OK")
	return nil
}

// sweepCommand runs every sweep once as of -at: to catch up after an outage, or to
// check deadlines, supervision and step-down end to end on a copy.
func sweepCommand(ctx context.Context, args []string, stderr io.Writer) error {
	at := time.Now()
	rest := args[:0:0]
	for i := 0; i < len(args); i++ {
		a := args[i]
		var v string
		switch {
		case a == "-at" || a == "--at":
			if i+1 >= len(args) {
				return errors.New("-at: give a time, e.g. 2026-03-01T09:00:00+08:00")
			}
			v, i = args[i+1], i+1
		case len(a) > 4 && (a[:4] == "-at=" || len(a) > 5 && a[:5] == "--at="):
			v = a[slices.Index([]byte(a), '=')+1:]
		default:
			rest = append(rest, a)
			continue
		}
		t, err := parseAt(v)
		if err != nil {
			return err
		}
		at = t
	}
	cfg, err := commandSettings(rest, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := web.SweepAt(ctx, cfg, st, log, at, func(sweep string, items int) {
		log.Info("sweep ran", "sweep", sweep, "at", at.Format(time.RFC3339), "items", items)
	})
	if err != nil {
		return err
	}
	log.Info("sweeps done", "at", at.Format(time.RFC3339), "items", n)
	return nil
}

// verifyAuditOf walks st's audit chain with its keys, against the anchors of its
// head, and reports the first broken row, or rows missing from its end.
func verifyAuditOf(ctx context.Context, cfg *config.Config, st *store.Store, out io.Writer) error {
	if err := audit.VerifierKeys(ctx, st, auditKeySource(cfg)); err != nil {
		return err
	}
	path := cfg.AuditAnchorPath()
	anchors, err := audit.ReadAnchors(path)
	if err != nil {
		return err
	}
	rep, err := st.CheckAudit(ctx, anchors)
	if err != nil {
		return err
	}
	if rep.Break != nil {
		fmt.Fprintf(out, "audit log BROKEN at row %d: %s (%d rows before it verify)\n", rep.Break.ID, rep.Break.Reason, rep.Rows)
		return errAuditBroken
	}
	if rep.KeyedFrom > 0 && rep.Anchor == nil {
		fmt.Fprintf(out, "audit log NOT ANCHORED: %d rows verify, sealed with a key from row %d, but %s holds no anchor of the chain's head: rows cut from its end cannot be ruled out\n", rep.Rows, rep.KeyedFrom, path)
		return errAuditBroken
	}
	fmt.Fprintf(out, "audit log OK: %d rows, chain intact", rep.Rows)
	switch {
	case rep.KeyedFrom == 1:
		fmt.Fprintf(out, "; every row sealed with the audit key")
	case rep.KeyedFrom > 1:
		fmt.Fprintf(out, "; rows 1–%d from before keying are plain SHA-256, rows from %d on sealed with the audit key", rep.KeyedFrom-1, rep.KeyedFrom)
	case rep.Rows > 0:
		fmt.Fprintf(out, "; unkeyed (no row is sealed with an audit key yet)")
	}
	if a := rep.Anchor; a != nil {
		fmt.Fprintf(out, "; checked against the anchor at seq %d (%s, %s, %s)", a.Seq, a.At.UTC().Format(time.RFC3339), a.Node, a.Reason)
	}
	if n, err := st.AuditPending(ctx); err == nil && n > 0 {
		fmt.Fprintf(out, "; %d entries waiting to be sealed are not in the chain yet (a running server seals them; this check changes nothing)", n)
	}
	fmt.Fprintln(out)
	return nil
}
