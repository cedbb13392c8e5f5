package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The messages code gives users are catalogue keys, said in the reader's language
// where they are shown; these tests read the module's Go sources (tests excluded) to
// hold that.

// sourceFiles parses every non-test Go file of the module's internal/ and cmd/.
func sourceFiles(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, dir := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			files[p] = f
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 50 {
		t.Fatalf("read %d source files; the walk lost its way", len(files))
	}
	return fset, files
}

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

// inEveryCatalogue reports the locales whose catalogue lacks key.
func missingIn(key string) []string {
	var out []string
	for _, loc := range Locales() {
		if _, ok := Lookup(loc, key); !ok {
			out = append(out, loc)
		}
	}
	return out
}

// messageKey is what a message key of the code looks like: field errors "invalid.*",
// refusals "refusal.*", the workflow's words "workflow.*".
var messageKey = regexp.MustCompile(`^(invalid|refusal|workflow)\.[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// Every key a field error or a refusal is made with is in every catalogue: the key
// given to model.Invalid (or, when a helper passes its own parameter on, the keys its
// callers give it), and every "invalid.*", "refusal.*" or "workflow.*" literal.
func TestMessageKeysAreCatalogued(t *testing.T) {
	fset, files := sourceFiles(t)
	checked := 0
	check := func(pos token.Pos, key string) {
		checked++
		if missing := missingIn(key); len(missing) > 0 {
			t.Errorf("%s: key %q is missing from the catalogue of %v", fset.Position(pos), key, missing)
		}
	}
	for _, f := range files {
		// helpers maps a function that passes its parameter number i on as the key
		// of model.Invalid to i, so that its calls are checked instead.
		helpers := map[string]int{}
		var invalidCalls []*ast.CallExpr
		ast.Inspect(f, func(n ast.Node) bool {
			var name string
			var ft *ast.FuncType
			var body ast.Node
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := stringLit(n); ok && messageKey.MatchString(s) {
					check(n.Pos(), s)
				}
			case *ast.CallExpr:
				if callee(n) == "Invalid" && len(n.Args) >= 3 {
					invalidCalls = append(invalidCalls, n)
				}
			case *ast.FuncDecl:
				name, ft, body = n.Name.Name, n.Type, n.Body
			case *ast.AssignStmt:
				if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
					id, ok1 := n.Lhs[0].(*ast.Ident)
					lit, ok2 := n.Rhs[0].(*ast.FuncLit)
					if ok1 && ok2 {
						name, ft, body = id.Name, lit.Type, lit.Body
					}
				}
			}
			if body != nil {
				ast.Inspect(body, func(m ast.Node) bool {
					if call, ok := m.(*ast.CallExpr); ok && callee(call) == "Invalid" && len(call.Args) >= 3 {
						if id, ok := call.Args[2].(*ast.Ident); ok {
							if idx := paramIndex(ft, id.Name); idx >= 0 {
								helpers[name] = idx
							}
						}
					}
					return true
				})
			}
			return true
		})
		for _, call := range invalidCalls {
			switch key := call.Args[2].(type) {
			case *ast.BasicLit:
				s, _ := stringLit(key)
				check(key.Pos(), s)
			case *ast.Ident:
				// A helper's parameter: its callers' keys are checked below.
			default:
				t.Errorf("%s: model.Invalid's key is built, not written: a test cannot check it is catalogued", fset.Position(key.Pos()))
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			idx, ok := helpers[callee(call)]
			if !ok || idx >= len(call.Args) {
				return true
			}
			if s, ok := stringLit(call.Args[idx]); ok {
				check(call.Args[idx].Pos(), s)
			} else if _, param := call.Args[idx].(*ast.Ident); !param {
				t.Errorf("%s: the key given to %s is built, not written", fset.Position(call.Pos()), callee(call))
			}
			return true
		})
	}
	if checked < 150 {
		t.Errorf("checked %d keys; the scan missed the validators", checked)
	}
}

// callee names the function a call calls: "Invalid" for model.Invalid(...).
func callee(call *ast.CallExpr) string {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		return fn.Sel.Name
	}
	return ""
}

// paramIndex is the position of the parameter name in ft, -1 when it has none.
func paramIndex(ft *ast.FuncType, name string) int {
	i := 0
	for _, field := range ft.Params.List {
		for _, n := range field.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// No message is written in Go as a Chinese text beside its English one — fe(field,
// code, "必填", "is required"), {"登记", "register"}: a call's arguments or a
// literal's elements where a Chinese string literal (or fmt.Sprintf format) is
// followed by an English one. English here is two words or more of Latin letters and
// no Han; a text/template ("{{") is not a message.
func TestNoInlineMessagePairs(t *testing.T) {
	fset, files := sourceFiles(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			var list []ast.Expr
			switch n := n.(type) {
			case *ast.CallExpr:
				list = n.Args
			case *ast.CompositeLit:
				list = n.Elts
			}
			for i := 0; i+1 < len(list); i++ {
				zh, ok1 := textOf(list[i])
				en, ok2 := textOf(list[i+1])
				if ok1 && ok2 && hasHan(zh) && !strings.Contains(zh, "{{") && isEnglish(en) {
					t.Errorf("%s: %q beside %q: put the message in the catalogue (internal/i18n/catalog) and pass its key",
						fset.Position(list[i].Pos()), zh, en)
				}
			}
			return true
		})
	}
}

// textOf is the text of a string literal, a field of a composite literal or the
// format of a fmt.Sprintf.
func textOf(e ast.Expr) (string, bool) {
	if kv, ok := e.(*ast.KeyValueExpr); ok {
		e = kv.Value
	}
	if call, ok := e.(*ast.CallExpr); ok && callee(call) == "Sprintf" && len(call.Args) > 0 {
		e = call.Args[0]
	}
	return stringLit(e)
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

func isEnglish(s string) bool {
	return !hasHan(s) && !strings.Contains(s, "{{") && len(latinWord.FindAllString(s, 3)) >= 2
}

// The scan above would miss pairs if it read nothing: it must flag a planted one.
func TestInlinePairScanFlagsAPair(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", `package x
var _ = fe("field", "required", "必填", "is required")`, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			zh, _ := textOf(call.Args[2])
			en, _ := textOf(call.Args[3])
			found = found || hasHan(zh) && isEnglish(en)
		}
		return true
	})
	if !found {
		t.Error("the scan does not see fe(field, code, zh, en)")
	}
}
