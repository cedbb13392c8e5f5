// Package openapi is the shape of an OpenAPI 3.1 document, as far as onedoor's
// description of its API uses it, and the schema of a Go type as the JSON it takes.
// What the API has is described by the api package; this one only knows the format.
package openapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Version is the OpenAPI version the documents follow.
const Version = "3.1.0"

// Document is an OpenAPI document.
type Document struct {
	OpenAPI    string                           `json:"openapi"`
	Info       Info                             `json:"info"`
	Servers    []Server                         `json:"servers,omitempty"`
	Paths      map[string]map[string]*Operation `json:"paths"` // path → lower-case method → operation
	Components Components                       `json:"components"`
	Security   []map[string][]string            `json:"security,omitempty"`
	Tags       []Tag                            `json:"tags,omitempty"`
}

// Info names the API.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// Server is where the API is served, relative to the document.
type Server struct {
	URL string `json:"url"`
}

// Tag groups operations.
type Tag struct {
	Name string `json:"name"`
}

// Components are the schemas and security schemes operations refer to.
type Components struct {
	Schemas         map[string]*Schema         `json:"schemas"`
	SecuritySchemes map[string]*SecurityScheme `json:"securitySchemes"`
	Responses       map[string]*Response       `json:"responses,omitempty"`
}

// SecurityScheme is one way to prove who is calling.
type SecurityScheme struct {
	Type         string `json:"type"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
	In           string `json:"in,omitempty"`
	Name         string `json:"name,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Operation is one method on one path.
type Operation struct {
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary,omitempty"`
	Tags        []string               `json:"tags,omitempty"`
	Parameters  []*Parameter           `json:"parameters,omitempty"`
	RequestBody *RequestBody           `json:"requestBody,omitempty"`
	Responses   map[string]*Response   `json:"responses"`
	Security    *[]map[string][]string `json:"security,omitempty"` // nil: the document's; empty: none needed
}

// Parameter is a path or query parameter.
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"` // path, query
	Required    bool    `json:"required,omitempty"`
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema"`
	Example     any     `json:"example,omitempty"`
}

// RequestBody is what an operation takes in its body.
type RequestBody struct {
	Required bool                  `json:"required,omitempty"`
	Content  map[string]*MediaType `json:"content"`
}

// Response is one answer of an operation, or a $ref to a shared one.
type Response struct {
	Ref         string                `json:"$ref,omitempty"`
	Description string                `json:"description,omitempty"`
	Content     map[string]*MediaType `json:"content,omitempty"`
}

// MediaType is a body of one content type.
type MediaType struct {
	Schema  *Schema `json:"schema,omitempty"`
	Example any     `json:"example,omitempty"`
}

// Schema is the JSON Schema subset the documents use.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Description          string             `json:"description,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	Enum                 []any              `json:"enum,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	MaxLength            *int               `json:"maxLength,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Example              any                `json:"example,omitempty"`
}

// RefPrefix is where a document's $ref to a component schema points.
const RefPrefix = "#/components/schemas/"

// Reflector turns Go types into schemas as encoding/json reads them. A named struct
// becomes a component schema, referred to by its package-qualified name
// (cases.RegisterInput), so that one type is described once.
type Reflector struct {
	Schemas map[string]*Schema
	// Enums are the values a named string type takes (model.CaseKind), from the
	// lists its package keeps.
	Enums map[reflect.Type][]string
	// Field, when set, adjusts the schema of a struct's field, and says whether the
	// field is required: the rules a type's validation holds that its Go type cannot.
	Field func(owner reflect.Type, name string, s *Schema) (required bool)
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)

// SchemaOf is the schema of the JSON a value of t decodes from.
func (rf *Reflector) SchemaOf(t reflect.Type) *Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if vals, ok := rf.Enums[t]; ok {
		s := &Schema{Type: "string"}
		for _, v := range vals {
			s.Enum = append(s.Enum, v)
		}
		return s
	}
	switch {
	case t == timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case t == rawMessageType:
		return &Schema{}
	case t.Kind() != reflect.String && reflect.PointerTo(t).Implements(textUnmarshaler):
		return &Schema{Type: "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: "string", Format: "byte"}
		}
		return &Schema{Type: "array", Items: rf.SchemaOf(t.Elem())}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: rf.SchemaOf(t.Elem())}
	case reflect.Struct:
		return rf.structSchema(t)
	}
	return &Schema{} // an interface: any value
}

// ComponentName is the name a named struct type has among the component schemas.
func ComponentName(t reflect.Type) string {
	pkg := t.PkgPath()
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

func (rf *Reflector) structSchema(t reflect.Type) *Schema {
	name := ""
	if t.Name() != "" {
		name = ComponentName(t)
		if _, done := rf.Schemas[name]; done {
			return &Schema{Ref: RefPrefix + name}
		}
	}
	s := &Schema{Type: "object", Properties: map[string]*Schema{}}
	if name != "" {
		rf.Schemas[name] = s // before the fields: a type that holds itself refers to itself
	}
	rf.addFields(t, t, s)
	slices.Sort(s.Required)
	if name != "" {
		return &Schema{Ref: RefPrefix + name}
	}
	return s
}

// addFields adds the fields of t to s, those of an embedded struct as its own, as
// encoding/json reads them.
func (rf *Reflector) addFields(owner, t reflect.Type, s *Schema) {
	for f := range fieldsOf(t) {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				rf.addFields(owner, ft, s)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs := rf.SchemaOf(ft)
		if rf.Field != nil && fs.Ref == "" {
			if rf.Field(owner, name, fs) {
				s.Required = append(s.Required, name)
			}
		} else if rf.Field != nil && rf.Field(owner, name, &Schema{}) {
			s.Required = append(s.Required, name)
		}
		s.Properties[name] = fs
	}
}

func fieldsOf(t reflect.Type) func(func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if !yield(t.Field(i)) {
				return
			}
		}
	}
}

// Ptr is a pointer to v, for a schema's optional limits.
func Ptr[T any](v T) *T { return &v }

// TypeName says what a schema holds, as a reader writes it: string, integer,
// []cases.PartyInput; ref is the component it names, for a link.
func TypeName(s *Schema) (name, ref string) {
	switch {
	case s == nil:
		return "", ""
	case s.Ref != "":
		ref = strings.TrimPrefix(s.Ref, RefPrefix)
		return ref, ref
	case s.Type == "array":
		inner, ref := TypeName(s.Items)
		return "[]" + inner, ref
	case s.Type == "object" && s.AdditionalProperties != nil:
		inner, ref := TypeName(s.AdditionalProperties)
		return "map[string]" + inner, ref
	case s.Format != "":
		return s.Type + " (" + s.Format + ")", ""
	case s.Type == "":
		return "any", ""
	}
	return s.Type, ""
}
