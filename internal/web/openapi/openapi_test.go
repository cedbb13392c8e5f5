package openapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type colour string

type inner struct {
	Note string `json:"note"`
}

type sample struct {
	Name    string            `json:"name"`
	Count   int64             `json:"count,omitempty"`
	Ratio   *float64          `json:"ratio"`
	On      bool              `json:"on"`
	When    time.Time         `json:"when"`
	Colour  colour            `json:"colour"`
	Tags    []string          `json:"tags"`
	Raw     []byte            `json:"raw"`
	Extra   map[string]int    `json:"extra"`
	Any     json.RawMessage   `json:"any"`
	Hidden  string            `json:"-"`
	private string            // not exported: not in the JSON
	Kids    []sample          `json:"kids"`
	Sub     inner             `json:"sub"`
	Labels  map[string]colour `json:"labels"`
	inner
}

func TestSchemaOf(t *testing.T) {
	rf := &Reflector{Schemas: map[string]*Schema{}, Enums: map[reflect.Type][]string{reflect.TypeFor[colour](): {"red", "blue"}},
		Field: func(owner reflect.Type, name string, s *Schema) bool {
			if owner == reflect.TypeFor[sample]() && name == "name" {
				s.MaxLength = Ptr(5)
				return true
			}
			return false
		}}
	got := rf.SchemaOf(reflect.TypeFor[sample]())
	if got.Ref != RefPrefix+"openapi.sample" {
		t.Fatalf("ref %q", got.Ref)
	}
	s := rf.Schemas["openapi.sample"]
	want := map[string]string{"name": "string", "count": "integer", "ratio": "number", "on": "boolean", "when": "string",
		"colour": "string", "tags": "array", "raw": "string", "extra": "object", "any": "", "kids": "array", "sub": "", "labels": "object", "note": "string"}
	if len(s.Properties) != len(want) {
		t.Errorf("properties %v", keys(s.Properties))
	}
	for name, typ := range want {
		p, ok := s.Properties[name]
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		if p.Type != typ {
			t.Errorf("%s: type %q, want %q", name, p.Type, typ)
		}
	}
	if s.Properties["when"].Format != "date-time" || s.Properties["raw"].Format != "byte" {
		t.Error("formats of time and bytes")
	}
	if e := s.Properties["colour"].Enum; len(e) != 2 || e[0] != "red" {
		t.Errorf("colour enum %v", e)
	}
	if e := s.Properties["labels"].AdditionalProperties.Enum; len(e) != 2 {
		t.Errorf("labels' values enum %v", e)
	}
	if s.Properties["kids"].Items.Ref != RefPrefix+"openapi.sample" {
		t.Errorf("a type holding itself: %+v", s.Properties["kids"].Items)
	}
	if s.Properties["sub"].Ref != RefPrefix+"openapi.inner" || rf.Schemas["openapi.inner"] == nil {
		t.Errorf("a named field struct: %+v", s.Properties["sub"])
	}
	if len(s.Required) != 1 || s.Required[0] != "name" || *s.Properties["name"].MaxLength != 5 {
		t.Errorf("the field hook: required %v", s.Required)
	}
	if _, ok := s.Properties["Hidden"]; ok {
		t.Error(`json:"-" described`)
	}
}

func TestTypeName(t *testing.T) {
	for _, c := range []struct {
		s         *Schema
		name, ref string
	}{
		{&Schema{Type: "string"}, "string", ""},
		{&Schema{Type: "string", Format: "date"}, "string (date)", ""},
		{&Schema{Ref: RefPrefix + "cases.PartyInput"}, "cases.PartyInput", "cases.PartyInput"},
		{&Schema{Type: "array", Items: &Schema{Ref: RefPrefix + "x.Y"}}, "[]x.Y", "x.Y"},
		{&Schema{Type: "object", AdditionalProperties: &Schema{Type: "integer"}}, "map[string]integer", ""},
		{&Schema{}, "any", ""},
	} {
		if name, ref := TypeName(c.s); name != c.name || ref != c.ref {
			t.Errorf("%+v: %q %q, want %q %q", c.s, name, ref, c.name, c.ref)
		}
	}
}

func keys(m map[string]*Schema) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
