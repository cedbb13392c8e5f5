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
	"path/filepath"
	"time"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// importCommand imports a historical 台账 (xlsx or CSV) from a source: with -dry-run
// it prints the report row by row (and writes it as xlsx with -report) and writes
// nothing; without, it imports the good rows the source has not imported before,
// resuming an unfinished import of the same file.
func importCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("onedoor import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", os.Getenv("ONEDOOR_DB"), "SQLite file path, or a postgres:// URL")
	source := fs.String("source", "", "the source's name (an office whose ledgers read alike); made with a new mapping when it does not exist")
	file := fs.String("file", "", "the ledger: .xlsx, or .csv in UTF-8 or GBK")
	dry := fs.Bool("dry-run", false, "report what the import would do, row by row, and write nothing")
	report := fs.String("report", "", "write the dry run's report to this .xlsx file")
	mapping := fs.String("mapping", "", "save this JSON file (importer.Mapping) as the source's mapping first")
	showMapping := fs.Bool("show-mapping", false, "print the source's mapping as JSON and exit")
	user := fs.String("user", "", "the user the import is done as (default: the root region's first administrator)")
	cfg := &config.Config{}
	config.AuditFlags(fs, cfg, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		*db = "data/onedoor.db"
	}
	if *source == "" || *file == "" && !*showMapping {
		return fmt.Errorf("-source and -file are required")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.DB = *db
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := importjob.New(st)

	var f importjob.File
	if *file != "" {
		data, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		if f, err = importjob.ReadFile(filepath.Base(*file), data); err != nil {
			return fmt.Errorf("%s: %s", *file, localized(err))
		}
	}
	by, err := importUser(ctx, st, *user)
	if err != nil {
		return err
	}
	ctx = store.WithActor(ctx, store.Actor{ID: by.ID, Name: by.Username, IP: "cli"})
	src, m, err := svc.Source(ctx, *source, f.Head)
	if err != nil {
		return fmt.Errorf("-source: %s", localized(err))
	}
	if *mapping != "" {
		raw, err := os.ReadFile(*mapping)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("-mapping: %w", err)
		}
		if err := svc.SaveMapping(ctx, src, m); err != nil {
			return fmt.Errorf("-mapping: %s", localized(err))
		}
		if src, err = st.ImportSource(ctx, src.ID); err != nil {
			return err
		}
	}
	if *showMapping {
		b, _ := json.MarshalIndent(m, "", "  ")
		_, err := fmt.Fprintln(stdout, string(b))
		return err
	}

	start := time.Now()
	rep, err := svc.DryRun(ctx, src, f)
	if err != nil {
		return fmt.Errorf("%s: %s", *file, localized(err))
	}
	l := rep.Ledger
	fmt.Fprintf(stdout, "%s: sheet %q, header at row %d, %d rows, %d cases: %d to add, %d imported before, %d refused (read in %s)\n",
		*file, l.Sheet, l.HeaderRow, l.Rows, l.Cases, rep.Good, rep.Existing, rep.Refused(), time.Since(start).Round(time.Millisecond))
	if *report != "" {
		out, err := os.Create(*report)
		if err != nil {
			return err
		}
		if err := importjob.WriteReportXLSX(out, "zh-CN", rep); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	if *dry {
		for _, is := range l.Issues() {
			fmt.Fprintf(stdout, "row %d\t%s\t%s\t%s\n", is.Row, importjob.FieldText("zh-CN", is.Field), importjob.MaskedValue(is),
				importjob.IssueText("zh-CN", is))
		}
		for _, f := range importer.Fields {
			for w, n := range l.Unknown[f] {
				fmt.Fprintf(stdout, "to map: %s %q (%d rows)\n", importjob.FieldText("zh-CN", f), w, n)
			}
		}
		return nil
	}
	run, err := svc.RunReport(ctx, rep, by.ID, func(r store.ImportRun) {
		el := time.Since(start).Seconds()
		log.Info("importing", "run", r.ID, "position", r.Position, "of", r.Total, "added", r.Added, "per_second", int(float64(r.Position)/el))
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("import stopped at %d of %d; run the same command again to resume: %w", run.Position, run.Total, err)
		}
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "imported run %d: %d added, %d imported before, %d refused, in %s (%d rows/s)\n",
		run.ID, run.Added, run.Existing, run.Refused, el.Round(time.Millisecond), int(float64(l.Rows)/el.Seconds()))
	return nil
}

// importUser is the user named, or the root region's first active administrator.
func importUser(ctx context.Context, st *store.Store, name string) (model.User, error) {
	if name != "" {
		u, _, err := st.UserCredentials(ctx, name)
		if err != nil {
			return u, fmt.Errorf("-user %s: %w", name, err)
		}
		return u, nil
	}
	root, err := st.RootRegion(ctx)
	if err != nil {
		return model.User{}, fmt.Errorf("no root region: run setup first: %w", err)
	}
	users, err := st.Users(ctx, store.UserFilter{RegionID: root.ID, Role: model.RoleAdmin, ActiveOnly: true})
	if err != nil {
		return model.User{}, err
	}
	if len(users) == 0 {
		return model.User{}, fmt.Errorf("no administrator at %s: name one with -user", root.Name)
	}
	return users[0], nil
}

// localized says a field error in Chinese, anything else as it is.
func localized(err error) string {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.Message("zh-CN")
	}
	return err.Error()
}
