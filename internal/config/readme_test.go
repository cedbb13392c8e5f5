package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// README.md reads right in a fresh clone: its links lead to files (and headings) in
// the repository, each table is one table, it names the Go version go.mod asks for,
// and it says what a headless browser without CJK fonts shows.
func TestREADMEReadsRightInAClone(t *testing.T) {
	root := "../.."
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	for _, m := range regexp.MustCompile(`\]\(([^)#\s]*)(#[^)\s]*)?\)`).FindAllStringSubmatch(text, -1) {
		target, anchor := m[1], strings.TrimPrefix(m[2], "#")
		if strings.Contains(target, "://") || target == "" && anchor == "" {
			continue
		}
		path := filepath.Join(root, target)
		if target == "" {
			path = filepath.Join(root, "README.md")
		}
		if rel, err := filepath.Rel(root, path); err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("the link %s leads outside the repository", m[0])
			continue
		}
		body, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("the link %s leads nowhere: %v", m[0], err)
			continue
		}
		if anchor != "" && !hasHeading(string(body), anchor) {
			t.Errorf("the link %s names no heading of %s", m[0], target)
		}
	}
	lines := strings.Split(text, "\n")
	for i := 1; i+2 < len(lines); i++ {
		// A row, a blank line, and a row that starts no table of its own (no
		// |---| line under it): one table split in two.
		if strings.HasPrefix(lines[i-1], "|") && strings.TrimSpace(lines[i]) == "" && strings.HasPrefix(lines[i+1], "|") &&
			!strings.HasPrefix(lines[i+2], "|---") {
			t.Errorf("README.md line %d: a blank line splits a table", i+1)
		}
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(string(mod))
	if goLine == nil || !strings.Contains(text, "Go "+goLine[1]) {
		t.Errorf("README.md does not name the Go version of go.mod (%v)", goLine)
	}
	if !strings.Contains(text, "fonts-noto-cjk") {
		t.Error("README.md does not say how to give a headless browser CJK fonts")
	}
}

// hasHeading tells whether markdown has a heading whose GitHub anchor is anchor.
func hasHeading(markdown, anchor string) bool {
	for _, line := range strings.Split(markdown, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		h = regexp.MustCompile(`[^\p{L}\p{N} _-]`).ReplaceAllString(h, "")
		if strings.ReplaceAll(h, " ", "-") == anchor {
			return true
		}
	}
	return false
}
