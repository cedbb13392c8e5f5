package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecodeJSON: whatever a client sends, decoding answers with nil or an API error of
// the documented shape, never a panic or a bare error.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"username":"a","password":"b"}`, `{`, ``, `[]`, `{"username":1}`, `{"x":1}`, `{} {}`, "\x00", `{"username":"\ud800"}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1024)
		var dst struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		err := DecodeJSON(r, &dst)
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Code == "" || e.Message == "" || e.Status < 400 || e.Status > 499 {
			t.Fatalf("DecodeJSON(%q) = %v, want a 4xx API error", body, err)
		}
	})
}

// FuzzFieldLabel: any field name a validator produces renders to a label.
func FuzzFieldLabel(f *testing.F) {
	for _, seed := range []string{"parties[0].id_number", "then[1].lead_department_id", "code", "a[", "[]", "x[99999999999999999999]"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, field string) {
		if FieldLabel("zh-CN", field) == "" && field != "" {
			t.Fatalf("no label for %q", field)
		}
	})
}
