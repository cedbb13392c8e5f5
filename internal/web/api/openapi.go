package api

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/openapi"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Route is one endpoint of the API as its description needs it: what the router
// and the handler declare (the pattern, the query parameters it accepts), and what
// routeDocs adds.
type Route struct {
	Method, Path string
	Pattern      string   // "GET /api/v1/cases/{id}"
	PathParams   []string // the wildcards of Path, in order
	QueryRead    bool     // the handler read its query string through ReadQuery
	Query        []string // the query parameters the handler accepts
}

// Routes lists every /api/v1 route Register adds, in its order, each with the query
// parameters its handler accepts, as the handler itself declares them when it reads
// its query string (httpx.Describe): the description cannot drift from the
// strict-input check.
func Routes() []Route {
	var rec handlerList
	(&API{}).Register(&rec)
	var out []Route
	for _, h := range rec {
		method, path, ok := strings.Cut(h.pattern, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			continue // the catch-all that answers no_endpoint
		}
		rt := Route{Method: method, Path: path, Pattern: h.pattern, PathParams: wildcards(path)}
		values := map[string]string{}
		for _, w := range rt.PathParams {
			values[w] = "1"
		}
		c := httpx.Describe(h.handler, values)
		rt.QueryRead, rt.Query = c.QueryRead, c.Query
		out = append(out, rt)
	}
	return out
}

// handlerList is a Mux that keeps what is registered on it.
type handlerList []registered

type registered struct {
	pattern string
	handler http.Handler
}

func (l *handlerList) Handle(pattern string, h http.Handler) {
	*l = append(*l, registered{pattern, h})
}
func (l *handlerList) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	*l = append(*l, registered{pattern, http.HandlerFunc(h)})
}

// wildcards are the names of a path's {wildcards}, in order.
func wildcards(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.TrimSuffix(strings.TrimSuffix(seg[1:], "}"), "..."))
		}
	}
	return out
}

// OperationID names a route in the description: its method and path, lower case,
// joined by underscores ("get_cases_id_events").
func OperationID(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	parts := []string{strings.ToLower(method)}
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		seg = strings.Trim(seg, "{}")
		parts = append(parts, strings.NewReplacer("-", "_", ".", "_").Replace(seg))
	}
	return strings.Join(parts, "_")
}

// Tag groups a route with the others on its first segment ("cases", "regions").
func Tag(path string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/api/v1/"), "/")
	if strings.HasPrefix(seg, "{") {
		return "org"
	}
	return strings.TrimSuffix(seg, ".json")
}

// Document is the OpenAPI description of the API, worded in loc.
func Document(loc string) *openapi.Document {
	rf := newReflector(loc)
	doc := &openapi.Document{
		OpenAPI: openapi.Version,
		Info: openapi.Info{Title: i18n.T(loc, "apidoc.title"), Version: "v1",
			Description: i18n.T(loc, "apidoc.description")},
		Servers: []openapi.Server{{URL: "/"}},
		Paths:   map[string]map[string]*openapi.Operation{},
		Components: openapi.Components{Schemas: rf.Schemas, SecuritySchemes: map[string]*openapi.SecurityScheme{
			"bearerToken": {Type: "http", Scheme: "bearer", Description: i18n.T(loc, "apidoc.security.bearer")},
			"sessionCookie": {Type: "apiKey", In: "cookie", Name: httpx.SessionCookie,
				Description: i18n.T(loc, "apidoc.security.cookie")},
		}},
		Security: []map[string][]string{{"bearerToken": {}}, {"sessionCookie": {}}},
	}
	errRef := errorSchema(rf)
	doc.Components.Responses = map[string]*openapi.Response{}
	for _, status := range errorStatuses {
		doc.Components.Responses[errorResponseName(status)] = &openapi.Response{
			Description: i18n.T(loc, "apidoc.error."+statusKey(status)),
			Content: map[string]*openapi.MediaType{"application/json": {Schema: errRef,
				Example: map[string]any{"error": errorExamples[status]}}},
		}
	}
	tags := map[string]bool{}
	for _, rt := range Routes() {
		d := routeDocs[rt.Pattern]
		op := &openapi.Operation{OperationID: OperationID(rt.Pattern), Summary: i18n.T(loc, "apidoc.op."+OperationID(rt.Pattern)),
			Tags: []string{Tag(rt.Path)}, Responses: map[string]*openapi.Response{}}
		tags[Tag(rt.Path)] = true
		if d.Public {
			op.Security = &[]map[string][]string{}
		}
		for _, w := range rt.PathParams {
			op.Parameters = append(op.Parameters, &openapi.Parameter{Name: w, In: "path", Required: true,
				Description: i18n.T(loc, "apidoc.path."+w), Schema: pathParamSchema(w), Example: pathExamples[w]})
		}
		for _, name := range rt.Query {
			op.Parameters = append(op.Parameters, &openapi.Parameter{Name: name, In: "query",
				Description: i18n.T(loc, "apidoc.param."+name), Schema: queryParamSchema(name)})
		}
		switch {
		case d.Upload:
			op.RequestBody = &openapi.RequestBody{Required: true, Content: map[string]*openapi.MediaType{
				"multipart/form-data": {Schema: uploadSchema(loc)}}}
		case d.Body != nil:
			mt := &openapi.MediaType{Schema: rf.SchemaOf(d.Body)}
			if d.Example != "" {
				mt.Example = d.example()
			}
			op.RequestBody = &openapi.RequestBody{Required: !d.BodyOptional, Content: map[string]*openapi.MediaType{"application/json": mt}}
		}
		ok := &openapi.Response{Description: i18n.T(loc, "apidoc.ok."+statusKey(d.Status))}
		switch {
		case d.File != "":
			ok.Content = map[string]*openapi.MediaType{d.File: {Schema: &openapi.Schema{Type: "string", Format: "binary"}}}
		case d.Status != http.StatusNoContent:
			ok.Content = map[string]*openapi.MediaType{"application/json": {Schema: answerSchema(rf, d)}}
		}
		op.Responses[statusCode(d.Status)] = ok
		for _, status := range errorsOf(rt, d) {
			op.Responses[statusCode(status)] = &openapi.Response{Ref: "#/components/responses/" + errorResponseName(status)}
		}
		if doc.Paths[rt.Path] == nil {
			doc.Paths[rt.Path] = map[string]*openapi.Operation{}
		}
		doc.Paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	for tag := range tags {
		doc.Tags = append(doc.Tags, openapi.Tag{Name: tag})
	}
	slices.SortFunc(doc.Tags, func(a, b openapi.Tag) int { return strings.Compare(a.Name, b.Name) })
	return doc
}

// openAPI is GET /api/v1/openapi.json: the description, to anyone — it holds no
// data — in the caller's language.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	if _, err := httpx.ReadQuery(r); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, Document(httpx.Locale(r)))
}

// newReflector describes Go types in loc: a field is described by its name in the
// API's messages (field.<name>), or, for a field only answers hold, by the
// description's own words (fieldLabel); bodyRules add what validation holds.
func newReflector(loc string) *openapi.Reflector {
	return &openapi.Reflector{Schemas: map[string]*openapi.Schema{}, Enums: enumTypes(),
		Field: func(owner reflect.Type, name string, s *openapi.Schema) bool {
			if s.Ref == "" {
				if label, ok := fieldLabel(loc, owner, name); ok {
					s.Description = label
				}
			}
			rule, ok := bodyRules[openapi.ComponentName(owner)+"."+name]
			if !ok {
				return false
			}
			if s.Ref == "" {
				rule.apply(s)
			}
			return rule.Required
		}}
}

// fieldLabel is what a field of owner named name is called in loc, if anything: its
// name in the API's messages, else the description's word for it in owner (where one
// name means different things in different answers), else for any field so named.
func fieldLabel(loc string, owner reflect.Type, name string) (string, bool) {
	if label, ok := i18n.Lookup(loc, "field."+name); ok {
		return label, true
	}
	if label, ok := i18n.Lookup(loc, "apidoc.field."+openapi.ComponentName(owner)+"."+name); ok {
		return label, true
	}
	return i18n.Lookup(loc, "apidoc.field."+name)
}

// enumTypes are the named string types whose values their packages list.
func enumTypes() map[reflect.Type][]string {
	return map[reflect.Type][]string{
		reflect.TypeFor[model.CaseKind]():  strs(model.AllKinds),
		reflect.TypeFor[model.Channel]():   strs(model.AllChannels),
		reflect.TypeFor[model.Role]():      strs(model.AllRoles),
		reflect.TypeFor[workflow.Action](): strs(workflow.AllActions),
	}
}

func strs[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// pathParamSchema is a wildcard's schema: an id is a positive whole number.
func pathParamSchema(name string) *openapi.Schema {
	switch name {
	case "id", "aid", "pid", "lid", "mid", "rid":
		return &openapi.Schema{Type: "integer", Minimum: openapi.Ptr(1.0)}
	case "action":
		s := &openapi.Schema{Type: "string"}
		for _, a := range workflow.AllActions {
			if a != workflow.ActionRegister {
				s.Enum = append(s.Enum, string(a))
			}
		}
		return s
	case "kind":
		return &openapi.Schema{Type: "string"}
	case "switch":
		return &openapi.Schema{Type: "string", Enum: []any{"activate", "deactivate"}}
	case "day":
		return &openapi.Schema{Type: "string", Format: "date"}
	}
	return &openapi.Schema{Type: "string"}
}

// pathExamples are example values of the wildcards.
var pathExamples = map[string]any{"id": 1, "aid": 1, "pid": 1, "lid": 1, "mid": 1, "rid": 1,
	"action": "accept", "switch": "deactivate", "day": "2026-10-01"}

// queryParamSchema is a query parameter's schema, by what its name says it is.
func queryParamSchema(name string) *openapi.Schema {
	switch {
	case name == "kind":
		return &openapi.Schema{Type: "string", Enum: anys(strs(model.AllKinds))}
	case name == "channel":
		return &openapi.Schema{Type: "string", Enum: anys(strs(model.AllChannels))}
	case name == "role":
		return &openapi.Schema{Type: "string", Enum: anys(strs(model.AllRoles))}
	case slices.Contains(boolParams, name):
		return &openapi.Schema{Type: "boolean"}
	case strings.HasSuffix(name, "_id") || slices.Contains(intParams, name):
		return &openapi.Schema{Type: "integer"}
	}
	return &openapi.Schema{Type: "string"}
}

// boolParams and intParams are the query parameters read with Query.Bool and
// Query.Int (and _id, an id); the others are text.
var (
	boolParams = []string{"active", "unread", "overdue", "region_only"}
	intParams  = []string{"page", "limit", "year"}
)

func anys(list []string) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}

// uploadSchema is the form an attachment is uploaded with.
func uploadSchema(loc string) *openapi.Schema {
	return &openapi.Schema{Type: "object", Required: []string{"file"}, Properties: map[string]*openapi.Schema{
		"file":          {Type: "string", Format: "binary", Description: i18n.T(loc, "apidoc.upload.file")},
		"keep_original": {Type: "string", Enum: []any{"1"}, Description: i18n.T(loc, "apidoc.upload.keep_original")},
	}}
}

// answerSchema is the schema of a route's JSON answer: the type it answers with
// when routeDocs names it, wrapped in {"items": [...]} for a list; else any object.
func answerSchema(rf *openapi.Reflector, d routeDoc) *openapi.Schema {
	if d.Answer == nil {
		return &openapi.Schema{Type: "object"}
	}
	s := rf.SchemaOf(d.Answer)
	if d.List {
		return &openapi.Schema{Type: "object", Required: []string{"items"}, Properties: map[string]*openapi.Schema{
			"items": {Type: "array", Items: s}}}
	}
	return s
}

// errorSchema is the shape of every error: {"error": {"code", "message", "field"}}.
func errorSchema(rf *openapi.Reflector) *openapi.Schema {
	inner := rf.SchemaOf(reflect.TypeFor[httpx.Error]())
	rf.Schemas["httpx.ErrorBody"] = &openapi.Schema{Type: "object", Required: []string{"error"},
		Properties: map[string]*openapi.Schema{"error": inner}}
	return &openapi.Schema{Ref: openapi.RefPrefix + "httpx.ErrorBody"}
}

// errorStatuses are the error answers the description names.
var errorStatuses = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
	http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}

// errorExamples are an example error of each status, as the API words them.
var errorExamples = map[int]map[string]any{
	http.StatusBadRequest:            {"code": "unknown_parameter", "message": "unknown query parameter: zz", "field": "zz"},
	http.StatusUnauthorized:          {"code": "unauthenticated", "message": "sign in first"},
	http.StatusForbidden:             {"code": "forbidden", "message": "you may not do this"},
	http.StatusNotFound:              {"code": "not_found", "message": "not found"},
	http.StatusConflict:              {"code": "invalid_transition", "message": "not allowed in this state", "state": "registered", "allowed": []any{"accept", "reject"}},
	http.StatusRequestEntityTooLarge: {"code": "body_too_large", "message": "the body is too large"},
	http.StatusUnprocessableEntity:   {"code": "required", "message": "title: required", "field": "title"},
}

// errorsOf are the errors a route may answer: a query it refuses (every route);
// sign-in and permission for one that needs them, not found where the path names
// something, conflict where it changes something, and a body refused where it takes
// one.
func errorsOf(rt Route, d routeDoc) []int {
	out := []int{http.StatusBadRequest}
	if !d.Public {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
		if len(rt.PathParams) > 0 {
			out = append(out, http.StatusNotFound)
		}
		if rt.Method != http.MethodGet {
			out = append(out, http.StatusConflict)
		}
	}
	if d.Body != nil || d.Upload {
		out = append(out, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity)
	}
	return out
}

func statusCode(status int) string { return strconv.Itoa(status) }

// statusKey names a status in the catalogue: apidoc.ok.201, apidoc.error.404.
func statusKey(status int) string { return strconv.Itoa(status) }

func errorResponseName(status int) string { return "Error" + strconv.Itoa(status) }

// Rules words the limits of a schema in loc: its length, its items, its range, its
// values.
func Rules(s *openapi.Schema, loc string) []string {
	if s == nil {
		return nil
	}
	var out []string
	if s.MaxLength != nil {
		out = append(out, i18n.T(loc, "apidoc.page.max_length", *s.MaxLength))
	}
	if s.MaxItems != nil {
		out = append(out, i18n.T(loc, "apidoc.page.max_items", *s.MaxItems))
	}
	if s.Minimum != nil || s.Maximum != nil {
		out = append(out, i18n.T(loc, "apidoc.page.range", bound(s.Minimum), bound(s.Maximum)))
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = fmt.Sprint(v)
		}
		out = append(out, i18n.T(loc, "apidoc.page.one_of", strings.Join(vals, ", ")))
	}
	return out
}

func bound(v *float64) string {
	if v == nil {
		return "…"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
