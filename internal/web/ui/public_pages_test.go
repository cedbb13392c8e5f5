package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/web/templates"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Every word the public pages show is in every catalogue: the keys their files name
// literally, and those they build from a code (public.state.<state>,
// public.step.<step>, public.kind_hint.<kind>).
func TestPublicPagesUseOnlyCataloguedWords(t *testing.T) {
	files := []string{"public_render.go", "public_portal.go", "public_track.go", "public_challenge.go"}
	for _, n := range []string{"layout", "form", "submitted", "track", "error"} {
		files = append(files, filepath.Join("..", "templates", "public_"+n+".html"))
	}
	literal := regexp.MustCompile(`"(public\.[a-z0-9_.]+)"`)
	var keys []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if k := m[1]; k != "public.css" && k != "public.js" && k[len(k)-1] != '.' {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; the pattern has gone stale", len(keys))
	}
	for _, s := range workflow.AllStates {
		keys = append(keys, "public.state."+string(s))
	}
	for _, c := range cases.PublicStepCodes {
		keys = append(keys, "public.step."+c)
	}
	for _, k := range publicKinds {
		keys = append(keys, "public.kind_hint."+string(k))
	}
	for _, loc := range i18n.Locales() {
		for _, k := range keys {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s catalogue lacks %q", loc, k)
			}
		}
	}
	sets, err := ParseTemplates(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"public_form.html", "public_submitted.html", "public_track.html", "public_error.html"} {
		if sets.public[n] == nil {
			t.Errorf("no public page %s", n)
		}
	}
}
