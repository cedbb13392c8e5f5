package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/onedoor/onedoor/internal/web/openapi"
)

// ReferenceMarkdown is the generated part of docs/api.md: every operation with its
// query parameters and success status, then every request body's fields, then the
// objects inside those bodies — from the same description as GET
// /api/v1/openapi.json, in English.
func ReferenceMarkdown() string {
	const loc = "en"
	doc := Document(loc)
	var b strings.Builder
	b.WriteString("### Every operation\n\n")
	b.WriteString("Path parameters are the `{names}` of the path; ids are positive whole numbers. ")
	b.WriteString("A query parameter not listed is refused (400 `unknown_parameter`).\n\n")
	b.WriteString("The success column names the answer's type; /api/v1/openapi.json and the page /help/api give its fields.\n\n")
	b.WriteString("| operation | query parameters | body | success |\n|---|---|---|---|\n")
	var bodies []string         // the operations with a body, in order
	nested := map[string]bool{} // the objects the bodies hold
	for _, rt := range Routes() {
		op := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		var query []string
		for _, p := range op.Parameters {
			if p.In == "query" {
				query = append(query, "`"+p.Name+"`")
			}
		}
		body := ""
		if rb := op.RequestBody; rb != nil {
			for ct, mt := range rb.Content {
				name, _ := openapi.TypeName(mt.Schema)
				body = fmt.Sprintf("[`%s`](#%s)", name, anchor(rt.Pattern))
				if ct != "application/json" {
					body = fmt.Sprintf("%s [form](#%s)", ct, anchor(rt.Pattern))
				}
			}
			bodies = append(bodies, rt.Pattern)
		}
		fmt.Fprintf(&b, "| `%s` %s | %s | %s | %d%s |\n", rt.Pattern, op.Summary, strings.Join(query, " "), body, routeDocs[rt.Pattern].Status, answerName(routeDocs[rt.Pattern]))
	}
	b.WriteString("\n### Request bodies\n\n")
	b.WriteString("A member not listed is refused (422 `unknown_field`); a field that breaks a rule is named (422).\n")
	for _, pattern := range bodies {
		method, path, _ := strings.Cut(pattern, " ")
		op := doc.Paths[path][strings.ToLower(method)]
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n#### `%s`\n\n%s.", anchor(pattern), pattern, op.Summary)
		for ct, mt := range op.RequestBody.Content {
			s := mt.Schema
			if s.Ref != "" {
				name := strings.TrimPrefix(s.Ref, openapi.RefPrefix)
				fmt.Fprintf(&b, " `%s` (%s)", name, ct)
				s = doc.Components.Schemas[name]
			} else {
				fmt.Fprintf(&b, " %s", ct)
			}
			if op.RequestBody.Required {
				b.WriteString("\n\n")
			} else {
				b.WriteString(", may be left out.\n\n")
			}
			fieldTable(&b, s, loc)
			collectRefs(doc, s, nested)
			if mt.Example != nil {
				fmt.Fprintf(&b, "\n```json\n%s\n```\n", exampleJSON(mt.Example))
			}
		}
	}
	b.WriteString("\n### Objects inside bodies\n")
	names := make([]string, 0, len(nested))
	for n := range nested {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n#### `%s`\n\n", anchor(name), name)
		fieldTable(&b, doc.Components.Schemas[name], loc)
	}
	return b.String()
}

// answerName is the success answer's type as the operations table shows it after
// the status: a component, {"items": []component} for a list, a file's content type.
func answerName(d routeDoc) string {
	switch {
	case d.File != "":
		return " " + d.File
	case d.Answer == nil:
		return ""
	}
	name := d.Answer.String()
	if d.Answer.Kind() == reflect.Struct {
		name = openapi.ComponentName(d.Answer)
	}
	if d.List {
		return " `{\"items\": []" + name + "}`"
	}
	return " `" + name + "`"
}

// collectRefs adds to seen the components s's fields refer to, and theirs.
func collectRefs(doc *openapi.Document, s *openapi.Schema, seen map[string]bool) {
	for _, p := range s.Properties {
		if _, ref := openapi.TypeName(p); ref != "" && !seen[ref] {
			seen[ref] = true
			collectRefs(doc, doc.Components.Schemas[ref], seen)
		}
	}
}

// fieldTable writes the fields of an object schema.
func fieldTable(b *strings.Builder, s *openapi.Schema, loc string) {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) == 0 {
		b.WriteString("(no fields)\n")
		return
	}
	b.WriteString("| field | type | required | rules | meaning |\n|---|---|---|---|---|\n")
	for _, n := range names {
		p := s.Properties[n]
		typ, ref := openapi.TypeName(p)
		if ref != "" {
			typ = fmt.Sprintf("[`%s`](#%s)", typ, anchor(ref))
		} else {
			typ = "`" + typ + "`"
		}
		req := ""
		if slices.Contains(s.Required, n) {
			req = "yes"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", n, typ, req, strings.ReplaceAll(strings.Join(Rules(p, loc), "; "), "|", "\\|"), p.Description)
	}
}

// anchor is a Markdown anchor for a pattern or a component name.
func anchor(s string) string {
	r := strings.NewReplacer(" ", "-", "/", "-", "{", "", "}", "", ".", "-", "_", "-")
	return "body-" + strings.Trim(strings.ToLower(r.Replace(s)), "-")
}

// exampleJSON is an example as the docs show it: one line.
func exampleJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a saved filter's query keeps its &
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
