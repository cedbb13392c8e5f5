package httpx

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeJSON: whatever a client sends, decoding answers with nil or an API error
// of the documented shape, never a panic or a bare error; what is accepted decodes to
// the same value again once re-encoded; and a member named twice is always refused.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"name":"a","count":1}`, `{`, ``, `[]`, `{"name":1}`, `{"x":1}`, `{} {}`, "\x00",
		`{"name":"\ud800"}`, `{"name":"\ud83d\ude00"}`, `{"parties":[{"name":"a"},{"phone":"1"}]}`, `{"weights":{"a":1,"b":2}}`,
		`{"any":{"x":[1,"y",{"z":null}]},"lat":1e-7}`, `{"then":[{"action":"a","note":"b"}]}`, "{\"name\":\"\xff\"}",
		`{"name":"a","name":"b"}`, `{"weights":{"a":1,"a":1}}`, `{"level":"red","flag":false}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var dst strictTarget
		err := decode(body, &dst)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" || e.Status < 400 || e.Status > 499 {
				t.Fatalf("DecodeJSON(%q) = %v, want a 4xx API error", body, err)
			}
			return
		}
		// Accepted: the value survives a round trip.
		again, merr := json.Marshal(dst)
		if merr != nil {
			t.Fatalf("accepted %q, but it does not encode: %v", body, merr)
		}
		var back strictTarget
		if err := decode(string(again), &back); err != nil {
			t.Fatalf("accepted %q, but not its own encoding %s: %v", body, again, err)
		}
		if !reflect.DeepEqual(dst, back) {
			t.Fatalf("round trip of %q: %+v, then %+v", body, dst, back)
		}
		// Accepted with members: naming the first of them once more is refused.
		var members map[string]json.RawMessage
		if json.Unmarshal([]byte(body), &members) != nil || len(members) == 0 {
			return
		}
		for name := range members {
			key, _ := json.Marshal(name)
			start := strings.IndexByte(body, '{')
			dup := body[:start+1] + string(key) + ":null," + body[start+1:]
			var e *Error
			if err := decode(dup, &strictTarget{}); !errors.As(err, &e) || e.Code != "duplicate_field" || e.Field != name {
				t.Fatalf("%q names %q twice, yet: %v", dup, name, err)
			}
			break
		}
	})
}

// FuzzDecodeJSONDuplicates: a member named twice is refused at any depth, in objects
// of any kind, naming its path.
func FuzzDecodeJSONDuplicates(f *testing.F) {
	f.Add("name", uint8(0), false)
	f.Add("a", uint8(3), true)
	f.Add("\u00e9", uint8(1), false)
	f.Fuzz(func(t *testing.T, name string, depth uint8, inList bool) {
		if !utf8.ValidString(name) {
			return
		}
		key, _ := json.Marshal(name)
		doc := "{" + string(key) + ":1," + string(key) + ":2}"
		// The path is built from the inside out; index tells whether it starts with
		// a list index, which joins its outer part without a dot.
		path, index := name, false
		under := func(outer string) string {
			if index {
				return outer + path
			}
			return outer + "." + path
		}
		for range depth % 8 {
			if inList {
				doc, path, index = "[0,"+doc+"]", under("[1]"), true
			}
			doc, path, index = `{"k":`+doc+"}", under("k"), false
		}
		var e *Error
		err := decode(doc, &map[string]any{})
		if !errors.As(err, &e) || e.Code != "duplicate_field" || e.Status != 400 {
			t.Fatalf("%s: %v", doc, err)
		}
		if e.Field != path {
			t.Fatalf("%s: names %q, want %q", doc, e.Field, path)
		}
	})
}

func decode(body string, dst any) error {
	r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<16)
	return DecodeJSON(r, dst)
}

// FuzzFieldLabel: any field name a validator produces renders to a label.
func FuzzFieldLabel(f *testing.F) {
	for _, seed := range []string{"parties[0].id_number", "then[1].lead_department_id", "code", "a[", "[]", "x[99999999999999999999]"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, field string) {
		if l, _ := APIFields.Label("zh-CN", field); l == "" && field != "" {
			t.Fatalf("no label for %q", field)
		}
	})
}
