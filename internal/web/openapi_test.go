package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web"
)

// fetchOpenAPI reads the description as anyone may: without signing in.
func fetchOpenAPI(t *testing.T, srv *testutil.Server, query string) map[string]any {
	t.Helper()
	resp, raw := srv.NewClient(t).Do("GET", "/api/v1/openapi.json"+query, nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// The description equals the router: every /api/v1 route the server serves is
// described, and nothing is described that it does not serve.
func TestOpenAPIDocumentEqualsRouter(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, false)
	doc := fetchOpenAPI(t, srv, "")
	var routed, described []string
	for _, pattern := range srv.App.Routes() {
		if method, path, ok := strings.Cut(pattern, " "); ok && strings.HasPrefix(path, "/api/v1/") {
			routed = append(routed, method+" "+path)
		}
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			described = append(described, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(routed)
	sort.Strings(described)
	if len(routed) < 100 || !slices.Equal(routed, described) {
		t.Fatalf("routed %d, described %d\nrouted:    %v\ndescribed: %v", len(routed), len(described), routed, described)
	}
}

// The description is a valid OpenAPI 3.1 document, in both languages, and every
// example in it is valid against its schema.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, false)
	for _, loc := range []string{"zh-CN", "en"} {
		c := srv.NewClient(t)
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/openapi.json", nil)
		req.AddCookie(&http.Cookie{Name: web.LocaleCookie, Value: loc})
		resp, raw := c.Send(req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", loc, resp.StatusCode)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if title := doc["info"].(map[string]any)["title"]; title != i18n.T(loc, "apidoc.title") {
			t.Errorf("%s: title %q", loc, title)
		}
		problems := checkOpenAPI(doc)
		for _, p := range problems {
			t.Errorf("%s: %s", loc, p)
		}
		examples := 0
		forEachExample(doc, func(where string, schema, example any) {
			examples++
			if err := validateJSON(doc, schema, example, "example"); err != nil {
				t.Errorf("%s: %s: %v", loc, where, err)
			}
		})
		if examples < 40 {
			t.Errorf("%s: only %d examples", loc, examples)
		}
	}
}

// checkOpenAPI lists what makes doc not a valid OpenAPI 3.1 document, as far as
// onedoor's description uses the format.
func checkOpenAPI(doc map[string]any) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		bad("openapi: %q, want 3.1.x", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		bad("info.title missing")
	}
	if s, _ := info["version"].(string); s == "" {
		bad("info.version missing")
	}
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		return append(out, "paths missing")
	}
	comps, _ := doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	checkSecurity := func(where string, reqs any) {
		list, ok := reqs.([]any)
		if !ok {
			bad("%s: security is not a list", where)
			return
		}
		for _, req := range list {
			for name := range req.(map[string]any) {
				if schemes[name] == nil {
					bad("%s: security scheme %q is not declared", where, name)
				}
			}
		}
	}
	if s, ok := doc["security"]; ok {
		checkSecurity("document", s)
	}
	ids := map[string]string{}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	for path, item := range paths {
		if !strings.HasPrefix(path, "/") {
			bad("path %q does not start with /", path)
		}
		var inPath []string
		for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		for method, o := range item.(map[string]any) {
			where := strings.ToUpper(method) + " " + path
			if !slices.Contains(methods, method) {
				bad("%s: not an HTTP method", where)
				continue
			}
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				bad("%s: no operationId", where)
			} else if other, dup := ids[id]; dup {
				bad("%s: operationId %q is also %s's", where, id, other)
			}
			ids[id] = where
			if s, ok := op["security"]; ok {
				checkSecurity(where, s)
			}
			declared := map[string]bool{}
			seen := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				param := p.(map[string]any)
				name, _ := param["name"].(string)
				in, _ := param["in"].(string)
				if !slices.Contains([]string{"path", "query", "header", "cookie"}, in) {
					bad("%s: parameter %q in %q", where, name, in)
				}
				if seen[in+" "+name] {
					bad("%s: parameter %q declared twice", where, name)
				}
				seen[in+" "+name] = true
				if _, ok := param["schema"].(map[string]any); !ok {
					bad("%s: parameter %q has no schema", where, name)
				}
				if in == "path" {
					declared[name] = true
					if param["required"] != true {
						bad("%s: path parameter %q is not required", where, name)
					}
					if !slices.Contains(inPath, name) {
						bad("%s: path parameter %q is not in the path", where, name)
					}
				}
			}
			for _, w := range inPath {
				if !declared[w] {
					bad("%s: path parameter %q not declared", where, w)
				}
			}
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				bad("%s: no responses", where)
			}
			for code, r := range responses {
				if code != "default" && !regexp.MustCompile(`^[1-5][0-9X]{2}$`).MatchString(code) {
					bad("%s: response code %q", where, code)
				}
				resp := r.(map[string]any)
				if _, isRef := resp["$ref"]; !isRef {
					if d, _ := resp["description"].(string); d == "" {
						bad("%s: response %s has no description", where, code)
					}
				}
			}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				if content, _ := rb["content"].(map[string]any); len(content) == 0 {
					bad("%s: a request body without content", where)
				}
			}
		}
	}
	walkRefs(doc, "#", func(where, ref string) {
		if _, err := resolvePointer(doc, ref); err != nil {
			bad("%s: $ref %s: %v", where, ref, err)
		}
	})
	return out
}

// walkRefs calls fn with every $ref in v.
func walkRefs(v any, where string, fn func(where, ref string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "$ref" {
				s, _ := x.(string)
				fn(where, s)
				continue
			}
			walkRefs(x, where+"/"+k, fn)
		}
	case []any:
		for i, x := range v {
			walkRefs(x, fmt.Sprintf("%s/%d", where, i), fn)
		}
	}
}

// resolvePointer follows a local JSON pointer (#/components/schemas/x).
func resolvePointer(doc map[string]any, ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("not a local reference")
	}
	var cur any = doc
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok || m[tok] == nil {
			return nil, fmt.Errorf("%q does not resolve", tok)
		}
		cur = m[tok]
	}
	return cur, nil
}

// forEachExample calls fn with every example of doc and the schema it exemplifies:
// of the parameters, the request bodies, the responses and the shared responses.
func forEachExample(doc map[string]any, fn func(where string, schema, example any)) {
	media := func(where string, content any) {
		c, _ := content.(map[string]any)
		for ct, m := range c {
			mt := m.(map[string]any)
			if ex, ok := mt["example"]; ok {
				fn(where+" "+ct, mt["schema"], ex)
			}
		}
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				param := p.(map[string]any)
				if ex, ok := param["example"]; ok {
					fn(fmt.Sprintf("%s parameter %s", where, param["name"]), param["schema"], ex)
				}
			}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				media(where+" body", rb["content"])
			}
			responses, _ := op["responses"].(map[string]any)
			for code, r := range responses {
				media(where+" "+code, r.(map[string]any)["content"])
			}
		}
	}
	comps, _ := doc["components"].(map[string]any)
	shared, _ := comps["responses"].(map[string]any)
	for name, r := range shared {
		media("components.responses."+name, r.(map[string]any)["content"])
	}
}

// validateJSON checks v against schema, for the subset of JSON Schema the
// description uses: $ref, type, enum, required, properties (no other member taken:
// the API refuses an unknown field), additionalProperties, items, and the limits.
func validateJSON(doc map[string]any, schema, v any, at string) error {
	s, ok := schema.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: no schema", at)
	}
	if ref, ok := s["$ref"].(string); ok {
		target, err := resolvePointer(doc, ref)
		if err != nil {
			return fmt.Errorf("%s: %v", at, err)
		}
		return validateJSON(doc, target, v, at)
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
	}
	switch typ, _ := s["type"].(string); typ {
	case "":
		return nil // any value
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: %v is not a string", at, v)
		}
		if max, ok := s["maxLength"].(float64); ok && float64(utf8.RuneCountInString(str)) > max {
			return fmt.Errorf("%s: longer than %v", at, max)
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			return fmt.Errorf("%s: %v is not a number", at, v)
		}
		if typ == "integer" && n != math.Trunc(n) {
			return fmt.Errorf("%s: %v is not a whole number", at, v)
		}
		if min, ok := s["minimum"].(float64); ok && n < min {
			return fmt.Errorf("%s: %v is below %v", at, n, min)
		}
		if max, ok := s["maximum"].(float64); ok && n > max {
			return fmt.Errorf("%s: %v is above %v", at, n, max)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: %v is not a boolean", at, v)
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: %v is not an array", at, v)
		}
		if max, ok := s["maxItems"].(float64); ok && float64(len(list)) > max {
			return fmt.Errorf("%s: more than %v items", at, max)
		}
		for i, x := range list {
			if err := validateJSON(doc, s["items"], x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %v is not an object", at, v)
		}
		req, _ := s["required"].([]any)
		for _, name := range req {
			if _, ok := obj[name.(string)]; !ok {
				return fmt.Errorf("%s: %s is required", at, name)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for name, x := range obj {
			ps, known := props[name]
			if !known {
				if extra, ok := s["additionalProperties"]; ok {
					ps = extra
				} else if props != nil {
					return fmt.Errorf("%s: unknown member %s", at, name)
				} else {
					continue
				}
			}
			if err := validateJSON(doc, ps, x, at+"."+name); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s: unknown type %q", at, typ)
	}
	return nil
}

// The validators refuse what they are there to refuse: each rule flipped here
// fails a case.
func TestOpenAPIValidators(t *testing.T) {
	doc := map[string]any{"components": map[string]any{"schemas": map[string]any{
		"P": map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{
			"name": map[string]any{"type": "string", "maxLength": 3.0},
			"kind": map[string]any{"type": "string", "enum": []any{"a", "b"}},
			"n":    map[string]any{"type": "integer", "minimum": 0.0, "maximum": 9.0},
			"tags": map[string]any{"type": "array", "maxItems": 2.0, "items": map[string]any{"type": "string"}},
			"ok":   map[string]any{"type": "boolean"},
			"m":    map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
		}},
	}}}
	ref := map[string]any{"$ref": "#/components/schemas/P"}
	for _, c := range []struct {
		value string
		ok    bool
	}{
		{`{"name":"张三"}`, true},
		{`{"name":"张三","kind":"a","n":3,"tags":["x","y"],"ok":true,"m":{"z":1}}`, true},
		{`{}`, false},
		{`{"name":"张三四五"}`, false},
		{`{"name":3}`, false},
		{`{"name":"x","kind":"c"}`, false},
		{`{"name":"x","n":1.5}`, false},
		{`{"name":"x","n":-1}`, false},
		{`{"name":"x","n":10}`, false},
		{`{"name":"x","tags":["a","b","c"]}`, false},
		{`{"name":"x","tags":[1]}`, false},
		{`{"name":"x","ok":"true"}`, false},
		{`{"name":"x","m":{"z":"1"}}`, false},
		{`{"name":"x","zz":1}`, false},
		{`[]`, false},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Fatal(err)
		}
		if err := validateJSON(doc, ref, v, "v"); (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok %v", c.value, err, c.ok)
		}
	}
	if err := validateJSON(doc, map[string]any{"$ref": "#/components/schemas/Q"}, "x", "v"); err == nil {
		t.Error("a $ref that does not resolve was taken")
	}

	good := func() map[string]any {
		return map[string]any{"openapi": "3.1.0", "info": map[string]any{"title": "t", "version": "1"},
			"components": map[string]any{"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http"}}, "schemas": map[string]any{}},
			"paths": map[string]any{"/a/{id}": map[string]any{"get": map[string]any{"operationId": "a",
				"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}},
				"responses":  map[string]any{"200": map[string]any{"description": "ok"}}}},
				"/b": map[string]any{"post": map[string]any{"operationId": "b", "security": []any{map[string]any{"bearer": []any{}}},
					"responses": map[string]any{"204": map[string]any{"description": "ok"}}}}}}
	}
	if p := checkOpenAPI(good()); len(p) > 0 {
		t.Fatalf("a good document refused: %v", p)
	}
	op := func(d map[string]any, path, method string) map[string]any {
		return d["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
	}
	for name, spoil := range map[string]func(d map[string]any){
		"version 3.0":         func(d map[string]any) { d["openapi"] = "3.0.3" },
		"no title":            func(d map[string]any) { delete(d["info"].(map[string]any), "title") },
		"duplicate id":        func(d map[string]any) { op(d, "/b", "post")["operationId"] = "a" },
		"no id":               func(d map[string]any) { delete(op(d, "/b", "post"), "operationId") },
		"undeclared wildcard": func(d map[string]any) { delete(op(d, "/a/{id}", "get"), "parameters") },
		"optional path param": func(d map[string]any) {
			op(d, "/a/{id}", "get")["parameters"].([]any)[0].(map[string]any)["required"] = false
		},
		"unknown scheme": func(d map[string]any) { op(d, "/b", "post")["security"] = []any{map[string]any{"cookie": []any{}}} },
		"dangling ref": func(d map[string]any) {
			op(d, "/b", "post")["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/X"}}}}
		},
		"no responses": func(d map[string]any) { op(d, "/b", "post")["responses"] = map[string]any{} },
		"bad method": func(d map[string]any) {
			d["paths"].(map[string]any)["/b"].(map[string]any)["fetch"] = op(d, "/b", "post")
		},
	} {
		d := good()
		spoil(d)
		if len(checkOpenAPI(d)) == 0 {
			t.Errorf("%s: taken", name)
		}
	}
}

// The reference page lists every operation of the description, with its
// parameters, body fields and answers, worded in the reader's language, to anyone.
func TestAPIReferencePage(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, false)
	for _, loc := range []string{"zh-CN", "en"} {
		req, _ := http.NewRequest("GET", srv.URL+"/help/api", nil)
		req.AddCookie(&http.Cookie{Name: web.LocaleCookie, Value: loc})
		resp, raw := srv.NewClient(t).Send(req)
		page := string(raw)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", loc, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		doc := fetchOpenAPI(t, srv, "")
		ops := 0
		for _, item := range doc["paths"].(map[string]any) {
			for _, o := range item.(map[string]any) {
				id := o.(map[string]any)["operationId"].(string)
				ops++
				if !strings.Contains(page, `id="`+id+`"`) {
					t.Errorf("%s: operation %s not on the page", loc, id)
				}
			}
		}
		for _, want := range []string{
			"<h1>" + i18n.T(loc, "apidoc.page.title") + "</h1>",
			i18n.T(loc, "apidoc.op.post_cases"),
			i18n.T(loc, "apidoc.page.body"),
			`id="schema-cases.RegisterInput"`,
			`<td class="mono apiref-name">category_id</td>`, // a field of a body
			`<td class="mono apiref-name">region_only</td>`, // a query parameter of the case list
			i18n.T(loc, "apidoc.page.max_length", 60),
			i18n.T(loc, "apidoc.error.422"),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %q", loc, want)
			}
		}
		if ops < 100 {
			t.Errorf("%d operations", ops)
		}
	}
}
