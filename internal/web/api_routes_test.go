package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// examplePathValues fill a route's wildcards; the parameter is refused before any of
// them is looked at.
var examplePathValues = map[string]string{"{id}": "1", "{aid}": "1", "{pid}": "1", "{lid}": "1", "{mid}": "1", "{rid}": "1", "{kind}": "regions",
	"{switch}": "activate", "{action}": "accept", "{day}": "2026-10-01", "{code}": "township",
	"{platform}": "ls12345"}

// Every route of the API, as its router has them — a route added later included —
// refuses a query parameter it does not take, with 400 naming it, before it does
// anything else.
func TestEveryAPIRouteRefusesUnknownParameters(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		tested := 0
		for _, pattern := range srv.App.Routes() {
			method, path, ok := strings.Cut(pattern, " ")
			if !ok || !strings.HasPrefix(path, "/api/v1/") {
				continue // the API's catch-all that answers no_endpoint, and what is not the API
			}
			for wildcard, value := range examplePathValues {
				path = strings.ReplaceAll(path, wildcard, value)
			}
			if strings.Contains(path, "{") {
				t.Fatalf("%s: a wildcard without an example value", pattern)
			}
			// Each route gets a fresh session: one of them (DELETE /session) ends it.
			c := srv.Login(t, "county.admin", demo.Password)
			resp, raw := c.Do(method, path+"?zz_unknown=1", []byte(`{}`))
			wantRefusal(t, pattern, resp, raw, http.StatusBadRequest, "unknown_parameter", "zz_unknown")
			tested++
		}
		if tested < 50 {
			t.Fatalf("only %d routes found", tested)
		}
	})
}
