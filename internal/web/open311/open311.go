// Package open311 is onedoor's Open311 GeoReport v2 endpoint at /open311/v2/: service
// discovery, the service list (the category dictionary), service definitions, POST a
// service request with an API key, and the public listing of requests that came in
// through the public doors, in JSON and XML. See docs/open311.md.
package open311

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// Prefix is where the endpoint lives.
const Prefix = "/open311/v2/"

// Specification is the URL the discovery document names for this endpoint.
const Specification = "http://wiki.open311.org/GeoReport_v2"

// API serves GeoReport v2.
type API struct {
	Store *store.Store
	Auth  *auth.Service
	Cases *cases.Service
	Log   *slog.Logger
	Now   func() time.Time
}

// SubmissionsPerMinute is how many requests one API key may submit a minute: a
// runaway or stolen key must not flood a centre's desk.
const SubmissionsPerMinute = 60

// submissions counts each API key's submissions in the store, so that every node
// counts one limit.
var submissions = store.RateLimit{Name: "open311.submit", Max: SubmissionsPerMinute, Window: time.Minute}

// New returns the Open311 API over the store and the services.
func New(st *store.Store, au *auth.Service, cs *cases.Service) *API {
	a := &API{Store: st, Auth: au, Cases: cs, Log: slog.Default(), Now: time.Now}
	if cs != nil && cs.Now != nil {
		// One clock with the case service, so that tests moving it move ours.
		a.Now = func() time.Time { return cs.Now() }
	}
	return a
}

// Register adds the endpoint to mux. Everything under /open311/ goes through one
// router, so that every answer, a wrong path or method included, is in the
// specification's own format.
func (a *API) Register(mux httpx.Mux) {
	mux.HandleFunc("/open311/", a.route)
}

// format is a response format: the resource's extension.
type format string

const (
	formatJSON format = "json"
	formatXML  format = "xml"
)

// splitFormat cuts the format extension off a path segment. Without a known
// extension the segment is taken whole, in XML, the format GeoReport v2 requires.
func splitFormat(seg string) (string, format) {
	if s, ok := strings.CutSuffix(seg, ".json"); ok {
		return s, formatJSON
	}
	if s, ok := strings.CutSuffix(seg, ".xml"); ok {
		return s, formatXML
	}
	return seg, formatXML
}

func (a *API) route(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		_, f := splitFormat(r.URL.Path)
		writeError(w, f, &Error{Status: http.StatusNotFound, Description: "no such resource: the GeoReport v2 endpoint is " + Prefix})
		return
	}
	segs := strings.Split(rest, "/")
	last, f := splitFormat(segs[len(segs)-1])
	segs[len(segs)-1] = last
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	allow := "GET, HEAD"
	var h func(http.ResponseWriter, *http.Request, format, string) *Error
	// params are the query parameters of the resource, as the specification names
	// them (jurisdiction_id everywhere but discovery) with ours; a POST's query
	// string is part of its form, which ParseSubmission checks.
	var params []string
	switch {
	case len(segs) == 1 && segs[0] == "discovery":
		h = a.discovery
	case len(segs) == 1 && segs[0] == "services":
		h, params = a.services, []string{"jurisdiction_id"}
	case len(segs) == 2 && segs[0] == "services" && segs[1] != "":
		h, params = a.serviceDefinition, []string{"jurisdiction_id"}
	case len(segs) == 1 && segs[0] == "requests":
		allow = "GET, HEAD, POST"
		if r.Method == http.MethodPost {
			get, h, params = true, a.postRequest, nil
		} else {
			h, params = a.listRequests, listParams
		}
	case len(segs) == 2 && segs[0] == "requests" && segs[1] != "":
		h, params = a.getRequest, []string{"jurisdiction_id", "api_key"}
	case len(segs) == 2 && segs[0] == "tokens" && segs[1] != "":
		h, params = a.getToken, []string{"jurisdiction_id"}
	default:
		writeError(w, f, &Error{Status: http.StatusNotFound, Description: "no such resource: " + r.URL.Path})
		return
	}
	if !get {
		w.Header().Set("Allow", allow)
		writeError(w, f, &Error{Status: http.StatusMethodNotAllowed, Description: r.Method + " is not allowed here; allowed: " + allow})
		return
	}
	if r.Method != http.MethodPost {
		if err := checkQuery(r, params); err != nil {
			writeError(w, f, err)
			return
		}
	}
	arg := ""
	if len(segs) == 2 {
		arg = segs[1]
	}
	if err := h(w, r, f, arg); err != nil {
		writeError(w, f, err)
	}
}

// listParams are the query parameters of GET requests: the specification's, with
// paging and the api_key that shows more than hazards.
var listParams = []string{"jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status",
	"page", "page_size", "api_key"}

// checkQuery refuses, with 400 naming the parameter, a query string that does not
// parse or is not UTF-8, a parameter the resource does not take, and one given twice
// (every GeoReport parameter takes one value; lists are comma-separated).
func checkQuery(r *http.Request, params []string) *Error {
	q, err := httpx.ReadQuery(r, params...)
	var he *httpx.Error
	if errors.As(err, &he) {
		switch he.Code {
		case "unknown_parameter":
			takes := "no parameters"
			if len(params) > 0 {
				takes = strings.Join(params, ", ")
			}
			return badRequest(clientName(he.Field), "unknown parameter; this resource takes %s", takes)
		case "invalid_utf8":
			return badRequest(clientName(he.Field), "is not valid UTF-8")
		}
		return &Error{Status: http.StatusBadRequest, Description: "the query string cannot be read"}
	}
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Description: err.Error()}
	}
	values := q.Values()
	for _, name := range params {
		if len(values[name]) > 1 {
			return badRequest(name, "is given more than once; a list is comma-separated")
		}
	}
	return nil
}

// clientName is a parameter name a client made up, fit to be quoted back: valid
// UTF-8 and not longer than 40 characters.
func clientName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if r := []rune(name); len(r) > 40 {
		name = string(r[:40]) + "…"
	}
	return name
}

// internal turns an unexpected failure into a 500 that tells the client nothing of
// the cause, and logs it.
func (a *API) internal(r *http.Request, err error) *Error {
	a.Log.Error("open311", "method", r.Method, "path", r.URL.Path, "err", err)
	return &Error{Status: http.StatusInternalServerError, Description: "internal error; try again later"}
}

// write sends v in format f. XML gets its declaration, as the specification asks.
func write(w http.ResponseWriter, f format, status int, v any) {
	if f == formatJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(true)
		_ = enc.Encode(v)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	_ = enc.Encode(v)
	_, _ = w.Write([]byte("\n"))
}

// apiError is one error of GeoReport v2's error list: the HTTP status as its code,
// and a description.
type apiError struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

type errorList struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}

func writeError(w http.ResponseWriter, f format, e *Error) {
	list := []apiError{{Code: e.Status, Description: e.Description}}
	if f == formatJSON {
		write(w, f, e.Status, list)
		return
	}
	write(w, f, e.Status, errorList{Errors: list})
}

// asError maps what the services return onto the specification's errors.
func (a *API) asError(r *http.Request, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Description: "not found"}
	}
	return a.internal(r, err)
}
