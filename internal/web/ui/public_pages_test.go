package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

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

// The challenge's answer is checked against the token's HMAC: the right answer passes
// once, for the address it was asked of, until it expires; nothing else passes.
func TestPublicChallenge(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	g := newPublicGuard(func() time.Time { return now })
	sum := func(c challenge) string { return itoa(c.A + c.B) }

	c := g.newChallenge("1.2.3.4")
	if g.checkChallenge("1.2.3.4", c.Token, itoa(c.A+c.B+1)) {
		t.Error("a wrong answer passed")
	}
	if g.checkChallenge("5.6.7.8", c.Token, sum(c)) {
		t.Error("another address's question passed")
	}
	if !g.checkChallenge("1.2.3.4", c.Token, " "+sum(c)+" ") {
		t.Fatal("the right answer was refused")
	}
	if g.checkChallenge("1.2.3.4", c.Token, sum(c)) {
		t.Error("one answered question passed twice")
	}
	c = g.newChallenge("1.2.3.4")
	for _, tok := range []string{"", "x", c.Token + "A", "AAAA." + c.Token[len(c.Token)-10:]} {
		if g.checkChallenge("1.2.3.4", tok, sum(c)) {
			t.Errorf("a forged token %q passed", tok)
		}
	}
	if other := newPublicGuard(func() time.Time { return now }); other.checkChallenge("1.2.3.4", c.Token, sum(c)) {
		t.Error("another server's key passed")
	}
	now = now.Add(PublicChallengeTTL + time.Second)
	if g.checkChallenge("1.2.3.4", c.Token, sum(c)) {
		t.Error("an expired question passed")
	}

	if g.needsChallenge("9.9.9.9") {
		t.Error("a new address is challenged")
	}
	for i := 0; i < PublicChallengeAfter; i++ {
		g.accepted.Record("9.9.9.9")
	}
	if !g.needsChallenge("9.9.9.9") {
		t.Error("not challenged after repeated submissions")
	}
	now = now.Add(PublicChallengeWindow)
	if g.needsChallenge("9.9.9.9") {
		t.Error("still challenged an hour later")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
