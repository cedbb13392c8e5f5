package web

import (
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// Gate is what the listening socket serves from the moment it is bound: while the
// node waits for its database and migrates, /healthz answers 503 "starting" and every
// other request 503 with a Retry-After, so that a load balancer keeps the node out
// and a user is told to come back, rather than refused a connection. Open lets the
// application in.
type Gate struct {
	app   atomic.Pointer[http.Handler]
	store string
}

// NewGate is a gate in the starting state, for a store of the named dialect.
func NewGate(storeName string) *Gate { return &Gate{store: storeName} }

// Open sends every request from now on to h.
func (g *Gate) Open(h http.Handler) { g.app.Store(&h) }

func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := g.app.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	w.Header().Set("Retry-After", "5")
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Path == "/healthz" {
		httpx.WriteJSON(w, http.StatusServiceUnavailable, health{Status: "starting", Store: g.store})
		return
	}
	httpx.WriteError(w, r, httpx.Errorf(r, http.StatusServiceUnavailable, "starting", ""))
}

// health is the answer of /healthz.
type health struct {
	// Status is ok, starting (waiting for the database or migrating), down (the
	// database does not answer) or schema_mismatch (this binary does not run on the
	// database's schema: an upgrade is under way).
	Status string       `json:"status"`
	Store  string       `json:"store"`
	Schema *schemaState `json:"schema,omitempty"`
	// Replicas are the -db-replica replicas as last checked. One that is down does
	// not make the node unhealthy: its reads go to the primary.
	Replicas []replicaHealth `json:"replicas,omitempty"`
}

type replicaHealth struct {
	Name       string  `json:"name"`   // host:port/database
	Status     string  `json:"status"` // in_use, or skipped (problem says why)
	LagSeconds float64 `json:"lag_seconds"`
	Problem    string  `json:"problem,omitempty"`
	CheckedAt  string  `json:"checked_at,omitempty"`
}

type schemaState struct {
	Database int `json:"database"` // highest migration applied
	Binary   int `json:"binary"`   // highest migration this binary knows
	Requires int `json:"requires"` // lowest version a binary must know to run on the database
}

// SetSchema records the database's schema as last read (the server reads it at start
// and every few seconds): on a schema this binary does not run on, every request but
// /healthz, /metrics and the assets is refused 503 schema_mismatch.
func (s *Server) SetSchema(st store.SchemaState) { s.schema.Store(&st) }

// schemaGuard refuses requests while the schema is one this binary does not run on.
func (s *Server) schemaGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := s.schema.Load(); st != nil && !st.Serves() && r.URL.Path != "/healthz" && r.URL.Path != "/metrics" &&
			!strings.HasPrefix(r.URL.Path, "/static/") {
			w.Header().Set("Retry-After", "30")
			err := httpx.Errorf(r, http.StatusServiceUnavailable, "schema_mismatch", "")
			if httpx.WantsJSON(r) {
				httpx.WriteError(w, r, err)
			} else {
				s.pages.RenderError(w, r, err)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}
