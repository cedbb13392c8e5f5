package ui

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/web/api"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/openapi"
)

// apiRefData is the API reference page: the description of GET
// /api/v1/openapi.json, laid out for a reader. Like the document, it holds no data
// and needs no sign-in: an integrator reads it before they have an account.
type apiRefData struct {
	JSONURL string
	Groups  []apiRefGroup
	Objects []apiRefObject
}

type apiRefGroup struct {
	Tag string
	Ops []apiRefOp
}

type apiRefOp struct {
	ID, Method, Path, Summary string
	Public                    bool
	Params                    []apiRefField
	BodyType                  string // the body's content type; "" for none
	BodyRef                   string // the component the body is, "" when inline
	Body                      []apiRefField
	Example                   string
	Responses                 []apiRefResponse
}

type apiRefField struct {
	Name, In, Type, Ref, Description string
	Required                         bool
	Rules                            []string
}

type apiRefResponse struct {
	Status, Description, ContentType, Ref string
}

type apiRefObject struct {
	Name   string
	Fields []apiRefField
}

// apiReference is GET /help/api.
func (u *UI) apiReference(w http.ResponseWriter, r *http.Request) {
	q := httpx.PageQuery(r)
	if err := q.Err(); err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "apidoc.page.title")
	page.Data = apiReferenceData(api.Document(page.Locale), page.Locale)
	u.render(w, r, http.StatusOK, "help_api.html", page)
}

// apiReferenceData lays doc out by tag, operations in path order.
func apiReferenceData(doc *openapi.Document, loc string) apiRefData {
	data := apiRefData{JSONURL: "/api/v1/openapi.json"}
	byTag := map[string]*apiRefGroup{}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			op := doc.Paths[path][method]
			if op == nil {
				continue
			}
			ref := apiRefOp{ID: op.OperationID, Method: strings.ToUpper(method), Path: path, Summary: op.Summary,
				Public: op.Security != nil && len(*op.Security) == 0}
			for _, p := range op.Parameters {
				ref.Params = append(ref.Params, field(p.Name, p.Schema, p.Required, p.Description, loc, i18n.T(loc, "apidoc.page.in."+p.In)))
			}
			if rb := op.RequestBody; rb != nil {
				for ct, mt := range rb.Content {
					ref.BodyType = ct
					s := mt.Schema
					if s.Ref != "" {
						ref.BodyRef = strings.TrimPrefix(s.Ref, openapi.RefPrefix)
						s = doc.Components.Schemas[ref.BodyRef]
					}
					ref.Body = fields(s, loc)
					if mt.Example != nil {
						b, _ := json.MarshalIndent(mt.Example, "", "  ")
						ref.Example = string(b)
					}
				}
			}
			codes := make([]string, 0, len(op.Responses))
			for code := range op.Responses {
				codes = append(codes, code)
			}
			slices.Sort(codes)
			for _, code := range codes {
				resp := op.Responses[code]
				if resp.Ref != "" {
					resp = doc.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")]
				}
				out := apiRefResponse{Status: code, Description: resp.Description}
				for ct, mt := range resp.Content {
					out.ContentType = ct
					if mt.Schema != nil && mt.Schema.Ref != "" {
						out.Ref = strings.TrimPrefix(mt.Schema.Ref, openapi.RefPrefix)
					}
				}
				ref.Responses = append(ref.Responses, out)
			}
			tag := op.Tags[0]
			if byTag[tag] == nil {
				byTag[tag] = &apiRefGroup{Tag: tag}
			}
			byTag[tag].Ops = append(byTag[tag].Ops, ref)
		}
	}
	for _, t := range doc.Tags {
		if g := byTag[t.Name]; g != nil {
			data.Groups = append(data.Groups, *g)
		}
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for name := range doc.Components.Schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		data.Objects = append(data.Objects, apiRefObject{Name: name, Fields: fields(doc.Components.Schemas[name], loc)})
	}
	return data
}

// fields are the members of an object schema, in name order.
func fields(s *openapi.Schema, loc string) []apiRefField {
	if s == nil {
		return nil
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]apiRefField, 0, len(names))
	for _, name := range names {
		p := s.Properties[name]
		out = append(out, field(name, p, slices.Contains(s.Required, name), p.Description, loc, ""))
	}
	return out
}

// field is one row of a table of fields or parameters.
func field(name string, s *openapi.Schema, required bool, description, loc, in string) apiRefField {
	f := apiRefField{Name: name, In: in, Required: required, Description: description}
	f.Type, f.Ref = openapi.TypeName(s)
	f.Rules = api.Rules(s, loc)
	return f
}
