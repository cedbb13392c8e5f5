package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/divisions"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
)

// regionsCommand is `onedoor regions import -code C [-file F]`: the region tree of a
// province, city or county built from the national division codes, the vendored
// ones (甘肃省) or the file given.
func regionsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage: onedoor regions import -code 622922 [-file divisions.csv]")
	}
	fs := flag.NewFlagSet("onedoor regions import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", os.Getenv("ONEDOOR_DB"), "SQLite file path, or a postgres:// URL")
	code := fs.String("code", "", "the division to import with everything under it: a province (62), city (6229), county (622922) or township")
	file := fs.String("file", "", `division codes as "code,name" lines (CSV, optionally gzipped); default: the vendored 甘肃省 codes`)
	cfg := &config.Config{}
	config.AuditFlags(fs, cfg, os.Getenv)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *db == "" {
		*db = "data/onedoor.db"
	}
	if *code == "" {
		return fmt.Errorf("-code is required")
	}
	var all []divisions.Division
	var err error
	if *file != "" {
		data, rerr := os.ReadFile(*file)
		if rerr != nil {
			return rerr
		}
		all, err = divisions.Parse(data)
	} else {
		all, err = divisions.Bundled()
	}
	if err != nil {
		return err
	}
	sub := divisions.Subtree(all, *code)
	if sub == nil {
		return fmt.Errorf("-code %s is not in the division codes", *code)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.DB = *db
	st, err := openAudited(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = store.WithActor(ctx, store.Actor{Name: "regions import", IP: "cli"})
	res, err := org.ImportDivisions(ctx, st, sub)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s %s: %d regions added, %d renamed, %d unchanged\n", res.Root.Code, res.Root.Name, res.Added, res.Renamed, res.Unchanged)
	return err
}
