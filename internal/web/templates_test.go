package web

import (
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/web/templates"
	"github.com/onedoor/onedoor/internal/web/ui"
)

// A broken template stops the server from being built, with the file named, instead
// of failing the first visitor of its page: one that does not parse, one that cannot
// be escaped, one that names an asset that is not there, a layout that defines no
// layout. The embedded templates build.
func TestBrokenTemplateFailsServerConstruction(t *testing.T) {
	cfg, _, err := config.Load(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	build := func(file, text string) error {
		t.Helper()
		fsys := fstest.MapFS{}
		names, err := fs.Glob(templates.FS, "*.html")
		if err != nil || len(names) == 0 {
			t.Fatalf("embedded templates: %v %v", names, err)
		}
		for _, n := range names {
			raw, err := fs.ReadFile(templates.FS, n)
			if err != nil {
				t.Fatal(err)
			}
			fsys[n] = &fstest.MapFile{Data: raw}
		}
		if file != "" {
			fsys[file] = &fstest.MapFile{Data: []byte(text)}
		}
		_, err = newServer(cfg, log, nil, func() (*ui.Templates, error) { return ui.ParseTemplates(fsys) })
		return err
	}
	if err := build("", ""); err != nil {
		t.Fatalf("the embedded templates: %v", err)
	}
	for _, tc := range []struct {
		name, file, text string
		says             string // besides the file's name
	}{
		{"does not parse", "case_page.html", `{{define "content"}}{{if .Data}}<p>{{end}`, "bad character"},
		{"unknown function", "inbox.html", `{{define "content"}}{{nosuch .Data}}{{end}}`, `"nosuch" not defined`},
		{"no content", "home.html", `{{define "contents"}}<p>{{.Title}}</p>{{end}}`, `no such template "content"`},
		{"branches end in different contexts", "admin_users.html",
			`{{define "content"}}<p {{if .Error}}class="a"{{else}}title="{{end}}>x</p>{{end}}`, "branches end in different contexts"},
		{"unknown asset", "grid_report.html", `{{define "content"}}<script src="{{asset "gird.js"}}"></script>{{end}}`, `no static file "gird.js"`},
		{"a public page does not parse", "public_track.html", `{{define "content"}}{{.T "x"}{{end}}`, "public_track.html:1"},
		{"staff layout defines no layout", "layout.html", `{{define "layuot"}}<!doctype html>{{template "content" .}}{{end}}`, `defines no template "layout"`},
		{"public layout names an unknown asset", "public_layout.html",
			`{{define "public_layout"}}<link rel="stylesheet" href="{{asset "public2.css"}}">{{template "content" .}}{{end}}`, `no static file "public2.css"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := build(tc.file, tc.text)
			if err == nil {
				t.Fatalf("the server was built with a broken %s", tc.file)
			}
			if !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %q does not name %s and say %q", err, tc.file, tc.says)
			}
		})
	}
}
