package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/importer/ledgertest"
)

// A real deployment from the command line: setup at 康乐县, its townships and villages
// from the national division codes, then a messy 台账 tried, mapped and imported twice.
func TestImportAndRegionsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kangle.db")
	var log bytes.Buffer
	var out bytes.Buffer
	stdout = &out
	t.Cleanup(func() { stdout = os.Stdout })
	cmd := func(args ...string) string {
		t.Helper()
		out.Reset()
		if err := run(context.Background(), args, &log); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, log.String())
		}
		return out.String()
	}
	cmd("setup", "-db", db, "-region-code", "622922", "-region-name", "康乐县", "-level", "county", "-admin", "kl.admin", "-password", "Strong#2026")
	if got := cmd("regions", "import", "-db", db, "-code", "622922"); !strings.Contains(got, "171 regions added, 0 renamed, 1 unchanged") {
		t.Fatalf("regions import: %s", got)
	}
	if got := cmd("regions", "import", "-db", db, "-code", "622922"); !strings.Contains(got, "0 regions added, 0 renamed, 172 unchanged") {
		t.Fatalf("regions import again: %s", got)
	}

	xlsx, _ := ledgertest.MessyXLSX()
	file := filepath.Join(dir, "台账.xlsx")
	os.WriteFile(file, xlsx, 0o644)
	report := filepath.Join(dir, "报告.xlsx")
	got := cmd("import", "-db", db, "-source", "县中心", "-file", file, "-dry-run", "-report", report)
	for _, want := range []string{"header at row 3", "0 to add", "5 refused", "row 6\t身份证号", "row 8\t乡镇\t付城", "to map: 纠纷类型 \"土地纠纷\""} {
		if !strings.Contains(got, want) {
			t.Errorf("dry run lacks %q:\n%s", want, got)
		}
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("no report: %v", err)
	}
	mapping := filepath.Join(dir, "mapping.json")
	raw := cmd("import", "-db", db, "-source", "县中心", "-show-mapping")
	raw = strings.Replace(raw, `"values": {`, `"values": {"category": {"土地纠纷": "dispute.land", "劳资纠纷": "dispute.labour"},`, 1)
	os.WriteFile(mapping, []byte(raw), 0o644)
	if got := cmd("import", "-db", db, "-source", "县中心", "-file", file, "-mapping", mapping); !strings.Contains(got, "2 added, 0 imported before, 3 refused") {
		t.Fatalf("import: %s", got)
	}
	if got := cmd("import", "-db", db, "-source", "县中心", "-file", file); !strings.Contains(got, "0 added, 2 imported before") {
		t.Fatalf("import again: %s", got)
	}
}
