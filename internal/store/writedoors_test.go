package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
	"testing"
)

// writerDoors are the functions of the store that may use the writer pool (s.w)
// directly, and why. Every other write goes through one of the doors that take an
// audit entry (InTx, exec, RegisterCase): a new function writing on s.w fails
// TestWritesGoThroughTheAuditedDoors until it is a door, or is listed here with its
// reason.
var writerDoors = map[string]string{
	"exec":               "the audited single statement",
	"commitBatch":        "the group commit (RegisterCase), writing each caller's entry",
	"insertSharedOnce":   "the shared insert (RegisterCase), writing each case's entry",
	"AuditHead":          "reads the audit chain's head",
	"AuditKeyInUse":      "reads the audit chain's key",
	"UseAuditKeys":       "reads the head; the adoption itself goes through InTx with its entry",
	"settleAudit":        "reads audit_pending",
	"SealAudit":          "vacuums audit_pending after sealing",
	"sealOnce":           "the sealer: moves entries into the audit log",
	"bulkLoadSQLite":     "bulk load: generated cases for the demo and the bench",
	"reservePostgresIDs": "bulk load: generated cases for the demo and the bench",
	"bulkPostgresPart":   "bulk load: generated cases for the demo and the bench",
	"MeasureRawCommits":  "the bench's scratch table",
	"Migrate":            "the schema",
	"Analyze":            "the planner's statistics",
	"RebuildRollups":     "stats-verify -fix: recounts the rollups, derived from the cases; no record changes",
	"Ping":               "a health check",
	"BackupTo":           "VACUUM INTO: copies a snapshot into a new file, writes no row of the store",
	"Pools":              "reads the pools' statistics (metrics)",
}

// The rule that every write states its audit entry holds only if writes take the
// doors that ask for one; this reads the store's source for uses of the writer pool.
func TestWritesGoThroughTheAuditedDoors(t *testing.T) {
	fset := token.NewFileSet()
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	var strays []string
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pool, ok := sel.X.(*ast.SelectorExpr)
				if !ok || pool.Sel.Name != "w" {
					return true
				}
				if _, door := writerDoors[fn.Name.Name]; door {
					used[fn.Name.Name] = true
					return true
				}
				strays = append(strays, fset.Position(sel.Pos()).String()+" in "+fn.Name.Name+": ."+sel.Sel.Name)
				return true
			})
		}
	}
	sort.Strings(strays)
	for _, s := range strays {
		t.Errorf("%s uses the writer pool outside the audited doors (InTx, exec, RegisterCase)", s)
	}
	for name := range writerDoors {
		if !used[name] {
			t.Errorf("writerDoors lists %s, which no longer uses the writer pool: take it off", name)
		}
	}
}
