package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/onedoor/onedoor/internal/i18n"
)

// The words the grid pages build in Go (the preset notes, the notices after a
// redirect) are in every catalogue: the catalogue test sees only the templates'
// literals and the page titles.
func TestGridWordsAreCatalogued(t *testing.T) {
	files, err := filepath.Glob("grid_*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"nav.grid"}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"(grid\.[a-z_.]+)"`).FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1])
		}
	}
	if len(keys) < 8 {
		t.Fatalf("found only %d keys in grid_*.go", len(keys))
	}
	for _, loc := range i18n.Locales() {
		for _, k := range keys {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s catalogue lacks %q", loc, k)
			}
		}
	}
	for _, k := range gridPresets {
		if zh, en := i18n.T("zh-CN", k), i18n.T("en", k); zh == en {
			t.Errorf("the preset %s reads the same in both languages: %q", k, zh)
		}
	}
}
