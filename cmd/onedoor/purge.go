package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// purgeExportFormat names the export's layout, in its first line.
const purgeExportFormat = "onedoor-purge-export/1"

// purgeExportHeader is an export's first line; every line after it is one case
// (store.CaseRecords).
type purgeExportHeader struct {
	Format string    `json:"format"`
	At     time.Time `json:"at"`
	Rules  string    `json:"retention_rules"`
	Cases  int       `json:"cases"`
	IDs    []int64   `json:"case_ids"`
}

// purgeCommand removes the closed cases past their kind's retention period: with
// -dry-run it says what it would remove and what it keeps on hold; without, it
// exports the cases to -out (0600, full values: the record for the 档案馆), reads
// the export back to check it, then removes them batch by batch (docs/operations.md,
// "Retention").
func purgeCommand(ctx context.Context, args []string, stderr io.Writer) error {
	at := time.Now()
	dryRun := false
	out := ""
	rest := args[:0:0]
	for i := 0; i < len(args); i++ {
		name, value, hasValue := cutFlag(args[i])
		switch name {
		case "dry-run":
			dryRun = !hasValue || value == "true"
			if hasValue && value != "true" && value != "false" {
				return fmt.Errorf("-dry-run=%s: want true or false", value)
			}
			continue
		case "out", "at":
			if !hasValue {
				if i+1 >= len(args) {
					return fmt.Errorf("-%s: give a value", name)
				}
				value, i = args[i+1], i+1
			}
			if name == "out" {
				out = value
				continue
			}
			t, err := parseAt(value)
			if err != nil {
				return err
			}
			at = t
			continue
		}
		rest = append(rest, args[i])
	}
	if !dryRun && out == "" {
		return errors.New("-out: name the file the removed cases are exported to (it must not exist), or give -dry-run")
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
	ctx = store.WithActor(ctx, store.Actor{Name: "purge", IP: "cli"})
	plan, err := st.PlanPurge(ctx, at)
	if err != nil {
		return err
	}
	reportPurgePlan(stdout, plan)
	if dryRun || len(plan.Remove) == 0 {
		return nil
	}
	run, err := exportPurge(ctx, st, plan, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d cases to %s (SHA-256 %s), read back and checked\n", run.Cases, run.ExportPath, run.ExportSHA256)
	removed, err := st.PurgeCases(ctx, plan, run, func(n int) {
		log.Info("purging", "removed", n, "of", len(plan.Remove))
	})
	if removed > 0 {
		// The run's entry is the chain's new head: anchored, as serve anchors its
		// own, so that audit-verify checks the chain up to it.
		if _, aerr := newAnchorer(cfg, st, log).Anchor(context.WithoutCancel(ctx), "purge"); aerr != nil {
			err = errors.Join(err, aerr)
		}
	}
	if err != nil {
		return fmt.Errorf("%w (%d of %d removed; the export %s holds them all; run the purge again with a new -out to finish)", err, removed, len(plan.Remove), out)
	}
	fmt.Fprintf(stdout, "removed %d cases and their records; audit entry case.purge names the export\n", removed)
	return nil
}

// retentionCommand shows the retention periods by case kind, or with -kind and
// -years sets one (0: 永久), audited, with -basis saying on what grounds.
func retentionCommand(ctx context.Context, args []string, stderr io.Writer) error {
	kind, years, basis := "", "", ""
	rest := args[:0:0]
	for i := 0; i < len(args); i++ {
		name, value, hasValue := cutFlag(args[i])
		var dest *string
		switch name {
		case "kind":
			dest = &kind
		case "years":
			dest = &years
		case "basis":
			dest = &basis
		default:
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return fmt.Errorf("-%s: give a value", name)
			}
			value, i = args[i+1], i+1
		}
		*dest = value
	}
	cfg, err := commandSettings(rest, stderr)
	if err != nil {
		return err
	}
	if kind != "" || years != "" || basis != "" {
		rule, err := store.ParseRetentionRule(kind, years, basis)
		var fe *model.FieldError
		if errors.As(err, &fe) {
			return fmt.Errorf("-%s: %s", fe.Field, fe.Message("en"))
		}
		if err != nil {
			return err
		}
		log := newLogger(cfg, stderr)
		st, err := openAudited(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer st.Close()
		ctx = store.WithActor(ctx, store.Actor{Name: "retention", IP: "cli"})
		if err := st.SaveRetentionRule(ctx, rule); err != nil {
			return err
		}
		if _, err := newAnchorer(cfg, st, log).Anchor(ctx, "retention"); err != nil {
			return err
		}
		return printRetention(ctx, st)
	}
	log := newLogger(cfg, stderr)
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	return printRetention(ctx, st)
}

func printRetention(ctx context.Context, st *store.Store) error {
	rules, err := st.RetentionRules(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		fmt.Fprintf(stdout, "%-10s %-6s %s\n", r.Kind, strings.TrimPrefix(store.RetentionText([]store.RetentionRule{r}), r.Kind+" "), r.Basis)
	}
	return nil
}

// cutFlag splits "-name=value" / "--name" into its parts.
func cutFlag(a string) (name, value string, hasValue bool) {
	if len(a) < 2 || a[0] != '-' {
		return "", "", false
	}
	a = a[1:]
	if a[0] == '-' {
		a = a[1:]
	}
	for i := range len(a) {
		if a[i] == '=' {
			return a[:i], a[i+1:], true
		}
	}
	return a, "", false
}

// parseAt reads a moment given on the command line: RFC 3339, or a local
// "2006-01-02 15:04".
func parseAt(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02 15:04", v, time.Local); err != nil {
			return time.Time{}, fmt.Errorf("-at %q: want RFC 3339 (2026-03-01T09:00:00+08:00) or 2006-01-02 15:04", v)
		}
	}
	return t, nil
}

// reportPurgePlan writes what a purge removes, counted by kind and year of closing,
// the oldest, and what it keeps on hold, by reason.
func reportPurgePlan(w io.Writer, plan *store.PurgePlan) {
	fmt.Fprintf(w, "retention as of %s: %s\n", plan.At.Format(time.RFC3339), store.RetentionText(plan.Rules))
	sum := plan.Summary()
	fmt.Fprintf(w, "to remove: %d cases\n", len(plan.Remove))
	for _, k := range sum.Remove {
		fmt.Fprintf(w, "  %-10s closed %d: %d\n", k.Kind, k.Year, k.Cases)
	}
	if oldest := sum.Oldest; oldest != nil {
		fmt.Fprintf(w, "  oldest: case %d (%s), closed %s\n", oldest.ID, oldest.Kind, oldest.ClosedAt.Format("2006-01-02"))
	}
	fmt.Fprintf(w, "kept on hold though due: %d cases\n", len(plan.Held))
	for _, h := range sum.Held {
		fmt.Fprintf(w, "  %s: %d\n", h.Reason, h.Cases)
	}
}

// exportBatch is how many cases the export reads at a time.
const exportBatch = 100

// exportPurge writes the cases plan removes to path, one JSON line each after a
// header, with 0600 permissions (it holds full values), syncs it, and reads it back:
// its hash, its count and its case ids must be what was written.
func exportPurge(ctx context.Context, st *store.Store, plan *store.PurgePlan, path string) (store.PurgeRun, error) {
	ids := make([]int64, len(plan.Remove))
	for i, c := range plan.Remove {
		ids[i] = c.ID
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return store.PurgeRun{}, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return store.PurgeRun{}, fmt.Errorf("-out: %w (an export is never overwritten: give a new file)", err)
	}
	h := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(f, h))
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	write := func() error {
		if err := enc.Encode(purgeExportHeader{Format: purgeExportFormat, At: plan.At, Rules: store.RetentionText(plan.Rules), Cases: len(ids), IDs: ids}); err != nil {
			return err
		}
		for from := 0; from < len(ids); from += exportBatch {
			recs, err := st.CaseRecordsOf(ctx, ids[from:min(from+exportBatch, len(ids))])
			if err != nil {
				return err
			}
			for _, r := range recs {
				if err := enc.Encode(r); err != nil {
					return err
				}
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return f.Sync()
	}
	if err := errors.Join(write(), f.Close()); err != nil {
		return store.PurgeRun{}, fmt.Errorf("export to %s: %w", path, err)
	}
	run := store.PurgeRun{ExportPath: path, ExportSHA256: hex.EncodeToString(h.Sum(nil)), Cases: len(ids), Rules: store.RetentionText(plan.Rules)}
	if err := verifyPurgeExport(path, run.ExportSHA256, ids); err != nil {
		return store.PurgeRun{}, fmt.Errorf("the export %s does not read back: %w; nothing was removed", path, err)
	}
	return run, nil
}

// verifyPurgeExport reads the export at path back: its SHA-256 must be sum, its
// header must name ids, and it must hold one line for each of them.
func verifyPurgeExport(path, sum string, ids []int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	sc := bufio.NewScanner(io.TeeReader(f, h))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	var head purgeExportHeader
	if !sc.Scan() {
		return errors.Join(errors.New("empty"), sc.Err())
	}
	if err := json.Unmarshal(sc.Bytes(), &head); err != nil || head.Format != purgeExportFormat {
		return fmt.Errorf("header: %v", err)
	}
	if head.Cases != len(ids) || !slices.Equal(head.IDs, ids) {
		return fmt.Errorf("header names %d cases, %d were written", head.Cases, len(ids))
	}
	var seen []int64
	for sc.Scan() {
		var rec struct {
			Case struct {
				ID int64 `json:"id"`
			} `json:"case"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("line %d: %w", len(seen)+2, err)
		}
		seen = append(seen, rec.Case.ID)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !slices.Equal(seen, ids) {
		return fmt.Errorf("it holds %d cases, %d were written", len(seen), len(ids))
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fmt.Errorf("SHA-256 %s, %s was written", got, sum)
	}
	return nil
}
