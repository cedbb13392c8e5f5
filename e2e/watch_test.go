package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestWatchSeesPageErrors proves the watch every other test relies on is not blind:
// a page that breaks its CSP, throws and logs an error must be noticed.
func TestWatchSeesPageErrors(t *testing.T) {
	b := newBrowser(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>bad</title><p style="color:red">x</p>` +
			`<script>document.title = "inline ran"</script><script src="/bad.js"></script>`))
	})
	mux.HandleFunc("GET /bad.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`console.error("logged on purpose"); throw new Error("thrown on purpose");`))
	})
	// Chromium asks for a favicon on its own; a 404 for it is not one of the page's faults.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ts := httptest.NewServer(mux)
	defer ts.Close()

	tb := b.newTab(t, ts.URL)
	tb.open("/")
	want := []string{"CSP violation", "thrown on purpose", "logged on purpose"}
	var seen []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		seen = append(seen, tb.takeProblems()...)
		all := strings.Join(seen, "\n")
		missing := 0
		for _, w := range want {
			if !strings.Contains(all, w) {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watch saw %q, want all of %q", seen, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if title := eval[string](tb, `document.title`); title == "inline ran" {
		t.Error("the inline script ran despite the CSP")
	}
	t.Logf("the watch saw:\n%s", strings.Join(seen, "\n"))
}
