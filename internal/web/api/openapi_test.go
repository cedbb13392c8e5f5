package api

import (
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/web/openapi"
)

// The table of what the router cannot say holds exactly the routes Register adds: a
// route added without its description, or a description left after its route went,
// fails here.
func TestRouteDocsCoverEveryRoute(t *testing.T) {
	routes := Routes()
	if len(routes) < 100 {
		t.Fatalf("only %d routes described", len(routes))
	}
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt.Pattern] = true
		d, ok := routeDocs[rt.Pattern]
		if !ok {
			t.Errorf("%s: not in routeDocs", rt.Pattern)
			continue
		}
		if http.StatusText(d.Status) == "" || d.Status >= 300 {
			t.Errorf("%s: success status %d", rt.Pattern, d.Status)
		}
		if !rt.QueryRead {
			t.Errorf("%s: the handler did not declare its query parameters (httpx.ReadQuery) before anything else", rt.Pattern)
		}
		if d.Body != nil && d.Upload {
			t.Errorf("%s: both a JSON body and an upload", rt.Pattern)
		}
		if d.Example != "" && d.Body == nil {
			t.Errorf("%s: an example without a body", rt.Pattern)
		}
	}
	for pattern := range routeDocs {
		if !seen[pattern] {
			t.Errorf("routeDocs describes %s, which Register does not add", pattern)
		}
	}
}

// Every word of the description is in both catalogues: each operation's summary,
// each parameter's description.
func TestDescriptionIsCatalogued(t *testing.T) {
	keys := []string{"apidoc.title", "apidoc.description", "apidoc.security.bearer", "apidoc.security.cookie"}
	for _, s := range errorStatuses {
		keys = append(keys, "apidoc.error."+statusKey(s))
	}
	for _, rt := range Routes() {
		keys = append(keys, "apidoc.op."+OperationID(rt.Pattern), "apidoc.ok."+statusKey(routeDocs[rt.Pattern].Status))
		for _, w := range rt.PathParams {
			keys = append(keys, "apidoc.path."+w)
		}
		for _, q := range rt.Query {
			keys = append(keys, "apidoc.param."+q)
		}
	}
	for _, loc := range []string{"zh-CN", "en"} {
		for _, k := range keys {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s: no %s", loc, k)
			}
		}
	}
}

// A handler's declared query parameters are the ones it accepts: Describe stops it
// before it serves, and yet reports what it would let through.
func TestRoutesDeclareTheAcceptedParameters(t *testing.T) {
	want := map[string][]string{
		"GET /api/v1/regions":            {"active"},
		"GET /api/v1/users":              {"role", "active"},
		"GET /api/v1/evaluation/ranking": {"scheme", "period", "date"},
		"GET /api/v1/cases/{id}":         nil,
		"POST /api/v1/session":           nil,
		"GET /api/v1/cases/export":       exportParams,
	}
	found := 0
	for _, rt := range Routes() {
		if w, ok := want[rt.Pattern]; ok {
			found++
			if !slices.Equal(rt.Query, w) {
				t.Errorf("%s: declares %v, want %v", rt.Pattern, rt.Query, w)
			}
		}
	}
	if found != len(want) {
		t.Fatalf("found %d of %d routes", found, len(want))
	}
}

func TestOperationIDs(t *testing.T) {
	for pattern, want := range map[string]string{
		"GET /api/v1/cases/{id}/events":         "get_cases_id_events",
		"POST /api/v1/notifications/read-all":   "post_notifications_read_all",
		"POST /api/v1/{kind}/{id}/{switch}":     "post_kind_id_switch",
		"GET /api/v1/openapi.json":              "get_openapi_json",
		"DELETE /api/v1/cases/{id}/links/{lid}": "delete_cases_id_links_lid",
	} {
		if got := OperationID(pattern); got != want {
			t.Errorf("%s: %s, want %s", pattern, got, want)
		}
	}
}

// docs/api.md holds the generated reference between its markers, as generated.
func TestReferenceDocMatchesCode(t *testing.T) {
	const path = "../../../docs/api.md"
	const begin, end = "<!-- BEGIN generated: ONEDOOR_WRITE_DOCS=1 go test ./internal/web/api -run ReferenceDoc -->\n", "<!-- END generated -->\n"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	before, rest, ok1 := strings.Cut(text, begin)
	_, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("docs/api.md lacks the markers %q and %q", begin, end)
	}
	want := before + begin + ReferenceMarkdown() + end + after
	if text != want {
		if os.Getenv("ONEDOOR_WRITE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatal("docs/api.md differs from the description; regenerate it with ONEDOOR_WRITE_DOCS=1 go test ./internal/web/api -run ReferenceDoc")
	}
}

// Every JSON answer says what it holds: a route that answers JSON names its type in
// routeDocs, so the description gives its fields rather than "an object". The
// description itself is the one exception: its shape is the OpenAPI format's.
func TestEveryJSONAnswerIsDescribed(t *testing.T) {
	for _, rt := range Routes() {
		d := routeDocs[rt.Pattern]
		if d.Status == http.StatusNoContent || d.File != "" || rt.Pattern == "GET /api/v1/openapi.json" {
			continue
		}
		if d.Answer == nil {
			t.Errorf("%s answers JSON, but routeDocs does not name its type", rt.Pattern)
		}
	}
}

// The objects handlers build for their answers have every field described, in both
// languages: by the API's field names, or else the description's own words
// (apidoc.field.*).
func TestAnswerObjectsDescribeTheirFields(t *testing.T) {
	answers := []reflect.Type{typ[approvalsAnswer](), typ[approvalCounts](), typ[rosterAnswer](), typ[sessionWithdrawn](),
		typ[teamMemberRemoved](), typ[caseDocumentsAnswer](), typ[documentTemplateAnswer](), typ[followUpAnswer](),
		typ[evaluationSchemesAnswer](), typ[mediationOrgsAnswer](), typ[talentAnswer](), typ[recommendationsAnswer]()}
	for _, loc := range []string{"zh-CN", "en"} {
		doc := Document(loc)
		for _, a := range answers {
			s := doc.Components.Schemas[openapi.ComponentName(a)]
			if s == nil {
				t.Errorf("%s: %s is no answer of the description", loc, openapi.ComponentName(a))
				continue
			}
			for name, p := range s.Properties {
				if p.Ref == "" && p.Description == "" {
					t.Errorf("%s: %s.%s has no description", loc, openapi.ComponentName(a), name)
				}
			}
		}
	}
}
