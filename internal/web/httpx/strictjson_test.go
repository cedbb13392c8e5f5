package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// strictTarget has the shapes the API's inputs have: nested structs in a list, an
// embedded struct, a map, a pointer, a self-decoding type.
type strictTarget struct {
	Name     string         `json:"name"`
	Count    int8           `json:"count"`
	Flag     bool           `json:"flag"`
	Lat      *float64       `json:"lat"`
	Parties  []strictParty  `json:"parties"`
	Then     []strictStep   `json:"then"`
	Weights  map[string]int `json:"weights"`
	Any      any            `json:"any"`
	Level    textLevel      `json:"level"`
	Skipped  string         `json:"-"`
	Untagged string
}

type strictParty struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type strictStep struct {
	Action string `json:"action"`
	strictNote
}

type strictNote struct {
	Note string `json:"note"`
}

// textLevel is text in JSON, as risk.Level is.
type textLevel int

func (l *textLevel) UnmarshalText(b []byte) error {
	switch string(b) {
	case "none":
		*l = 0
	case "red":
		*l = 4
	default:
		return errors.New("not a level")
	}
	return nil
}

func (l textLevel) MarshalText() ([]byte, error) {
	if l == 4 {
		return []byte("red"), nil
	}
	return []byte("none"), nil
}

func decodeBody(body string, dst any) error {
	r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return DecodeJSON(r, dst)
}

// Each rule of the strict decoder, and the field each refusal names.
func TestDecodeJSONStrict(t *testing.T) {
	for _, tc := range []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"valid", `{"name":"张三","count":3,"flag":true,"lat":35.5,"parties":[{"name":"a","phone":"1"}],"then":[{"action":"accept","note":"n"}],"weights":{"a":1,"A":2},"any":{"x":[1,{"y":2}]},"level":"red","Untagged":"u"}`, 0, "", ""},
		{"surrogate pair", `{"name":"\ud83d\ude00"}`, 0, "", ""},
		{"escaped backslash before u", `{"name":"\\ud800"}`, 0, "", ""},
		{"literal replacement character", `{"name":"\ufffd�"}`, 0, "", ""},
		{"null everywhere", `{"name":null,"lat":null,"parties":null,"weights":null,"level":null}`, 0, "", ""},
		{"duplicate at the top", `{"name":"a","name":"b"}`, 400, "duplicate_field", "name"},
		{"duplicate spelt with an escape", `{"name":"a","\u006eame":"b"}`, 400, "duplicate_field", "name"},
		{"duplicate in a list's object", `{"parties":[{"name":"a"},{"name":"b","phone":"1","phone":"2"}]}`, 400, "duplicate_field", "parties[1].phone"},
		{"duplicate in a map", `{"weights":{"a":1,"a":2}}`, 400, "duplicate_field", "weights.a"},
		{"duplicate inside any", `{"any":{"x":[{"y":1,"y":2}]}}`, 400, "duplicate_field", "any.x[0].y"},
		{"duplicate of an embedded member", `{"then":[{"note":"a","note":"b"}]}`, 400, "duplicate_field", "then[0].note"},
		{"invalid UTF-8 in a value", "{\"name\":\"\xff\"}", 400, "invalid_utf8", "name"},
		{"invalid UTF-8 deep", "{\"parties\":[{},{\"name\":\"ab\xc3\"}]}", 400, "invalid_utf8", "parties[1].name"},
		{"invalid UTF-8 in a key", "{\"weights\":{\"\xfe\":1}}", 400, "invalid_utf8", "weights.\uFFFD"},
		{"lone high surrogate", `{"name":"\ud800"}`, 400, "invalid_utf8", "name"},
		{"lone low surrogate", `{"name":"x\udc00"}`, 400, "invalid_utf8", "name"},
		{"high surrogate then a letter", `{"name":"\ud800\u0041"}`, 400, "invalid_utf8", "name"},
		{"unknown member", `{"nmae":"a"}`, 422, "unknown_field", "nmae"},
		{"unknown member deep", `{"parties":[{"name":"a","id":"x"}]}`, 422, "unknown_field", "parties[0].id"},
		{"member in another case", `{"NAME":"a"}`, 422, "unknown_field", "NAME"},
		{"ignored member", `{"Skipped":"a"}`, 422, "unknown_field", "Skipped"},
		{"wrong type", `{"flag":"yes"}`, 422, "wrong_type", "flag"},
		{"wrong type deep", `{"parties":[{"name":1}]}`, 422, "wrong_type", "parties[0].name"},
		{"fraction into an int", `{"count":1.5}`, 422, "wrong_type", "count"},
		{"out of range", `{"count":300}`, 422, "wrong_type", "count"},
		{"object for a list", `{"parties":{}}`, 422, "wrong_type", "parties"},
		{"number for a text type", `{"level":4}`, 422, "wrong_type", "level"},
		{"not an object", `[1]`, 422, "wrong_type", "body"},
		{"trailing object", `{} {}`, 400, "malformed_json", ""},
		{"trailing garbage", `{"name":"a"}x`, 400, "malformed_json", ""},
		{"syntax", `{"name":}`, 400, "malformed_json", ""},
		{"cut short", `{"name":"a"`, 400, "malformed_json", ""},
		{"empty", ``, 400, "empty_body", ""},
		{"as deep as allowed", `{"any":` + strings.Repeat("[", MaxJSONDepth-1) + strings.Repeat("]", MaxJSONDepth-1) + `}`, 0, "", ""},
		{"too deep", `{"any":` + strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth) + `}`, 400, "malformed_json", ""},
	} {
		var dst strictTarget
		err := decodeBody(tc.body, &dst)
		if tc.status == 0 {
			if err != nil {
				t.Errorf("%s: refused: %v", tc.name, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Status != tc.status || e.Code != tc.code || e.Field != tc.field || e.Message == "" {
			t.Errorf("%s: %+v, want %d %s naming %q", tc.name, err, tc.status, tc.code, tc.field)
			continue
		}
		if tc.field != "" && !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s: the message %q does not name %s", tc.name, e.Message, tc.field)
		}
		if dst.Name != "" || dst.Parties != nil {
			t.Errorf("%s: refused, yet decoded into %+v", tc.name, dst)
		}
	}
}

// A valid body decodes as encoding/json decodes it, embedded members included.
func TestDecodeJSONDecodes(t *testing.T) {
	var dst strictTarget
	if err := decodeBody(`{"name":"张三","parties":[{"name":"李四"}],"then":[{"action":"accept","note":"好"}],"weights":{"a":1},"level":"red"}`, &dst); err != nil {
		t.Fatal(err)
	}
	if dst.Name != "张三" || len(dst.Parties) != 1 || dst.Parties[0].Name != "李四" || dst.Then[0].Note != "好" || dst.Weights["a"] != 1 || dst.Level != 4 {
		t.Fatalf("%+v", dst)
	}
}

// The body's limit and its media type are kept.
func TestDecodeJSONLimits(t *testing.T) {
	r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(`{"name":"`+strings.Repeat("a", 100)+`"}`))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 50)
	var e *Error
	if err := DecodeJSON(r, &strictTarget{}); !errors.As(err, &e) || e.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("past the limit: %v", err)
	}
	r = httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(`{}`))
	r.Header.Set("Content-Type", "text/plain")
	if err := DecodeJSON(r, &strictTarget{}); !errors.As(err, &e) || e.Status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %v", err)
	}
}
