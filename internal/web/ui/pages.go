package ui

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"text/template/parse"

	"github.com/onedoor/onedoor/internal/web/static"
)

// Templates holds every page's template set, parsed, checked and escaped before the
// server is built: a template that is broken stops the start, with its file named,
// instead of failing the first visitor who opens its page. Once built it is only read,
// so the servers of a process may share it.
type Templates struct {
	staff  map[string]*template.Template // page file -> layout.html plus that page
	public map[string]*template.Template // page file -> public_layout.html plus that page
}

// The layouts: each file defines the template of its own name without ".html".
const (
	staffLayout  = "layout.html"
	publicLayout = "public_layout.html"
)

// ParseTemplates builds the public pages' sets (public_*.html, each on
// public_layout.html) and the staff pages' (every other file, each on layout.html
// plus the shared partial_*.html) from fsys, templates.FS but in tests.
// A partial holds defines that more than one staff page renders (the meeting
// form, the figure table), so that each is written once.
func ParseTemplates(fsys fs.FS) (*Templates, error) {
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	var staff, public, partials []string
	for _, n := range names {
		switch {
		case n == staffLayout || n == publicLayout:
		case strings.HasPrefix(n, "partial_"):
			partials = append(partials, n)
		case strings.HasPrefix(n, "public_"):
			public = append(public, n)
		default:
			staff = append(staff, n)
		}
	}
	p := &Templates{}
	if p.staff, err = parseSets(fsys, staffLayout, partials, staff); err != nil {
		return nil, err
	}
	if p.public, err = parseSets(fsys, publicLayout, nil, public); err != nil {
		return nil, err
	}
	return p, nil
}

// parseSets builds, for every page, one set of the layout file, the partials and
// that page, ready to execute; an error names the file at fault.
func parseSets(fsys fs.FS, layout string, partials, pages []string) (map[string]*template.Template, error) {
	base, err := template.New(layout).Funcs(funcs).ParseFS(fsys, append([]string{layout}, partials...)...)
	if err == nil && base.Lookup(strings.TrimSuffix(layout, ".html")) == nil {
		err = fmt.Errorf("defines no template %q", strings.TrimSuffix(layout, ".html"))
	}
	if err == nil {
		err = checkAssets(base)
	}
	if err != nil {
		return nil, fmt.Errorf("page template %s: %w", layout, err)
	}
	sets := map[string]*template.Template{}
	for _, name := range pages {
		set, err := base.Clone()
		if err == nil {
			_, err = set.ParseFS(fsys, name)
		}
		if err == nil {
			err = checkAssets(set)
		}
		if err == nil {
			err = escapeNow(set, strings.TrimSuffix(layout, ".html"))
		}
		if err != nil {
			return nil, fmt.Errorf("page template %s: %w", name, err)
		}
		sets[name] = set
	}
	return sets, nil
}

// errStopAtFirstByte ends escapeNow's execution before it does any work.
var errStopAtFirstByte = errors.New("stop at the first byte")

type stopAtFirstByte struct{}

func (stopAtFirstByte) Write([]byte) (int, error) { return 0, errStopAtFirstByte }

// escapeNow makes html/template escape set from its layout down, which it otherwise
// does at the set's first execution: a page that defines no "content", calls a
// template that does not exist or leaves an action in an ambiguous place (an unclosed
// attribute, a branch ending inside a tag) is refused here. Its writer refuses the
// first byte: the set is escaped, not rendered.
func escapeNow(set *template.Template, layout string) error {
	err := set.ExecuteTemplate(stopAtFirstByte{}, layout, nil)
	var escapeErr *template.Error
	if errors.As(err, &escapeErr) {
		return err
	}
	return nil
}

// checkAssets refuses an {{asset "name"}} of set that names no embedded static file:
// static.URL would panic on it while the page renders.
func checkAssets(set *template.Template) error {
	var missing []string
	for _, t := range set.Templates() {
		if t.Tree == nil {
			continue
		}
		eachCommand(t.Tree.Root, func(c *parse.CommandNode) {
			if len(c.Args) != 2 {
				return
			}
			fn, ok := c.Args[0].(*parse.IdentifierNode)
			name, literal := c.Args[1].(*parse.StringNode)
			if ok && fn.Ident == "asset" && literal && !static.Has(name.Text) {
				at, _ := t.Tree.ErrorContext(c)
				missing = append(missing, fmt.Sprintf("%s: no static file %q", at, name.Text))
			}
		})
	}
	if len(missing) > 0 {
		return errors.New(strings.Join(missing, "; "))
	}
	return nil
}

// eachCommand calls f on every command of the tree under n, in pipelines nested
// inside others too.
func eachCommand(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				eachCommand(c, f)
			}
		}
	case *parse.ActionNode:
		eachCommand(n.Pipe, f)
	case *parse.IfNode:
		eachBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		eachBranch(&n.BranchNode, f)
	case *parse.WithNode:
		eachBranch(&n.BranchNode, f)
	case *parse.TemplateNode:
		eachCommand(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				eachCommand(c, f)
			}
		}
	case *parse.CommandNode:
		f(n)
		for _, a := range n.Args {
			eachCommand(a, f)
		}
	}
}

func eachBranch(b *parse.BranchNode, f func(*parse.CommandNode)) {
	eachCommand(b.Pipe, f)
	eachCommand(b.List, f)
	eachCommand(b.ElseList, f)
}
