package httpx

import (
	"context"
	"net/http"
	"reflect"
	"slices"

	"github.com/onedoor/onedoor/internal/auth"
)

// Contract is what a handler declares of its input as it reads it: the query
// parameters it accepts (ReadQuery) and the Go type it decodes its JSON body into
// (DecodeJSON). The API's description (GET /api/v1/openapi.json) is built from the
// contracts the handlers declare, so that it cannot list a parameter the endpoint
// refuses or miss one it takes.
type Contract struct {
	QueryRead bool         // the handler read its query string, strictly
	Query     []string     // the parameters it accepts, in the order it named them
	Body      reflect.Type // the type its JSON body is decoded into; nil when it decoded none
	// Answer is the type of the JSON it answered with on success; Items, when that
	// is the list envelope {"items": [...]}, the type of an item.
	Answer, Items reflect.Type
}

type contractKey struct{}

// contractProbe is a Contract being filled, and whether the request exists only to
// fill it (Describe) or is served as any other (Observe).
type contractProbe struct {
	c          *Contract
	describing bool
}

// errDescribed ends a describing request once its handler has named its query
// parameters. Status 499 is what WriteError leaves unwritten: nobody reads the answer.
var errDescribed = &Error{Status: 499, Code: "described"}

// Describe asks handler for its contract without serving anything: it runs the
// handler on a GET request for path, by a principal of no role, up to the point the
// handler reads its query string — which every API handler does before it does
// anything else (TestEveryAPIRouteRefusesUnknownParameters) — and stops it there.
// values fill the path's wildcards. QueryRead is false when the handler never read
// its query.
func Describe(handler http.Handler, values map[string]string) Contract {
	var c Contract
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	for name, v := range values {
		r.SetPathValue(name, v)
	}
	ctx := WithPrincipal(r.Context(), &auth.Principal{}, "")
	ctx = context.WithValue(ctx, contractKey{}, &contractProbe{c: &c, describing: true})
	handler.ServeHTTP(discard{}, r.WithContext(ctx))
	return c
}

// Observe returns ctx for a request that is served as any other while c records
// what its handler reads: a test holds the described bodies to what the handlers
// decode.
func Observe(ctx context.Context, c *Contract) context.Context {
	return context.WithValue(ctx, contractKey{}, &contractProbe{c: c})
}

func probeOf(r *http.Request) *contractProbe {
	p, _ := r.Context().Value(contractKey{}).(*contractProbe)
	return p
}

// declareQuery records the parameters a handler accepts; it answers errDescribed
// when the request exists only for that.
func declareQuery(r *http.Request, accepted []string) error {
	p := probeOf(r)
	if p == nil {
		return nil
	}
	p.c.QueryRead = true
	p.c.Query = slices.Clone(accepted)
	if p.describing {
		return errDescribed
	}
	return nil
}

// declareBody records the type a handler decodes its body into.
func declareBody(r *http.Request, dst any) {
	if p := probeOf(r); p != nil {
		t := reflect.TypeOf(dst)
		if t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		p.c.Body = t
	}
}

// DeclareAnswer records the value a handler answers with on success, when the
// request is observed.
func DeclareAnswer(r *http.Request, body any) {
	p := probeOf(r)
	if p == nil || body == nil {
		return
	}
	p.c.Answer = reflect.TypeOf(body)
	if m, ok := body.(map[string]any); ok && m["items"] != nil {
		if t := reflect.TypeOf(m["items"]); t.Kind() == reflect.Slice {
			p.c.Items = t.Elem()
		}
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
