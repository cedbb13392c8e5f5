package httpx

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
)

// A write whose commit's outcome is unknown is answered 503 commit_unknown without
// Retry-After: the client checks before sending it again. A connection that failed
// before anything was committed is 503 db_unavailable with Retry-After: sending it
// again is safe.
func TestDatabaseTroubleAnswers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		code       string
		retryAfter string
	}{
		{"commit outcome unknown", fmt.Errorf("register: %w", fmt.Errorf("%w: %w", store.ErrCommitUnknown, io.ErrUnexpectedEOF)), "commit_unknown", ""},
		{"connection lost before commit", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), "db_unavailable", "2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/cases", nil)
			w := httptest.NewRecorder()
			WriteError(w, r, tc.err)
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if w.Code != 503 || body.Error.Code != tc.code || body.Error.Message == "" || body.Error.Message == "error."+tc.code {
				t.Errorf("%d %+v, want 503 %s with its message", w.Code, body.Error, tc.code)
			}
			if got := w.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
			}
		})
	}
}
