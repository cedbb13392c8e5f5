package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/onedoor/onedoor/internal/store"
)

// errStatsVerify is stats-verify's failure: the rollups differ from the cases.
var errStatsVerify = errors.New("stats-verify: the rollups differ from a recount of the cases")

// statsVerifyShown bounds the differences printed one by one.
const statsVerifyShown = 50

// statsVerifyCommand recounts the figures' rollups from the cases and names every
// difference (its key, its column, what the rollups hold and what the cases count);
// with -fix it rebuilds them from the cases, then verifies again.
func statsVerifyCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fix := false
	rest := args[:0:0]
	for _, a := range args {
		if a == "-fix" || a == "--fix" {
			fix = true
			continue
		}
		rest = append(rest, a)
	}
	cfg, err := commandSettings(rest, stderr)
	if err != nil {
		return err
	}
	var st *store.Store
	if fix {
		st, err = openAndMigrate(ctx, cfg, newLogger(cfg, stderr))
	} else {
		st, err = store.OpenWith(ctx, cfg.DB, store.Options{ReadOnly: true})
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if fix {
		if err := st.RebuildRollups(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "rollups: rebuilt from the cases")
	}
	return verifyRollupsOf(ctx, st, stderr)
}

// verifyRollupsOf prints what VerifyRollups finds; errStatsVerify when it differs.
func verifyRollupsOf(ctx context.Context, st *store.Store, out io.Writer) error {
	diffs, err := st.VerifyRollups(ctx)
	if err != nil {
		return err
	}
	if len(diffs) == 0 {
		fmt.Fprintln(out, "rollups: OK, equal to a recount of the cases")
		return nil
	}
	fmt.Fprintf(out, "rollups: BROKEN: %d differences from a recount of the cases (onedoor stats-verify -fix rebuilds them)\n", len(diffs))
	for i, d := range diffs {
		if i == statsVerifyShown {
			fmt.Fprintf(out, "  … and %d more\n", len(diffs)-i)
			break
		}
		fmt.Fprintf(out, "  %s\n", d)
	}
	return errStatsVerify
}
