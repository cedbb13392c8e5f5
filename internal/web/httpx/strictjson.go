package httpx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxJSONDepth bounds how deeply a body may nest objects and arrays. No input of
// onedoor nests more than a few levels; the bound keeps a body of a million brackets
// from walking the stack.
const MaxJSONDepth = 64

// DecodeJSON reads one JSON value from r's body into dst, strictly: it refuses a body
// that is not JSON or is malformed (400), that names a member twice anywhere in the
// document (400 duplicate_field), that holds text that is not UTF-8 or a lone UTF-16
// surrogate (400 invalid_utf8), that has trailing data (400), that has a member dst
// does not know, spelt in any other case too (422 unknown_field), or a value of the
// wrong type (422 wrong_type) — each naming the field by its path, such as
// parties[1].name — or that exceeds the body limit (413; the middleware wraps the
// body in http.MaxBytesReader). Nothing is decoded into dst unless all of it is good.
func DecodeJSON(r *http.Request, dst any) error {
	declareBody(r, dst)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return Errorf(r, http.StatusUnsupportedMediaType, "unsupported_media_type", "")
		}
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Errorf(r, http.StatusRequestEntityTooLarge, "body_too_large", "", tooBig.Limit)
		}
		return Errorf(r, http.StatusBadRequest, "malformed_json", "", "unreadable body")
	}
	return DecodeJSONBytes(r, data, dst)
}

// DecodeJSONBytes is DecodeJSON for JSON that came some other way (a form field);
// r gives the language of the error.
func DecodeJSONBytes(r *http.Request, data []byte, dst any) error {
	if p := decodeStrict(data, dst); p != nil {
		return Errorf(r, p.status, p.code, p.field, p.args...)
	}
	return nil
}

// jsonProblem is what is wrong with a JSON document, before it is worded for a
// reader: the status, the catalogue code, the field's path and the message's
// arguments.
type jsonProblem struct {
	status int
	code   string
	field  string
	args   []any
}

func malformed(detail string) *jsonProblem {
	return &jsonProblem{status: http.StatusBadRequest, code: "malformed_json", args: []any{detail}}
}

func fieldProblem(status int, code, field string) *jsonProblem {
	return &jsonProblem{status: status, code: code, field: field, args: []any{field}}
}

// decodeStrict checks data against the rules of DecodeJSON and the shape of dst,
// then decodes it into dst.
func decodeStrict(data []byte, dst any) *jsonProblem {
	if len(bytes.TrimSpace(data)) == 0 {
		return &jsonProblem{status: http.StatusBadRequest, code: "empty_body"}
	}
	w := jsonWalker{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	t := reflect.TypeOf(dst)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p := w.value("", t, 0); p != nil {
		return p
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return malformed("trailing data")
	}
	// The walk has seen every member and every value; what is left can only be a
	// value out of its type's range (a number too large for an int8).
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fieldProblem(http.StatusUnprocessableEntity, "wrong_type", typeErr.Field)
		}
		return malformed(err.Error())
	}
	return nil
}

// jsonWalker walks a document token by token, knowing at each step the Go type the
// value will land in (nil where any value is taken as it is).
type jsonWalker struct {
	data []byte
	dec  *json.Decoder
}

// token reads the next token and the raw bytes it came from, separators included
// (they are ASCII, and change nothing of what is checked).
func (w *jsonWalker) token() (json.Token, []byte, *jsonProblem) {
	from := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			return nil, nil, malformed(fmt.Sprintf("offset %d", syntax.Offset))
		case err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF):
			return nil, nil, malformed("unexpected end")
		}
		return nil, nil, malformed(err.Error())
	}
	return tok, w.data[from:w.dec.InputOffset()], nil
}

func (w *jsonWalker) value(path string, t reflect.Type, depth int) *jsonProblem {
	tok, raw, p := w.token()
	if p != nil {
		return p
	}
	t = target(t)
	switch v := tok.(type) {
	case json.Delim:
		if depth >= MaxJSONDepth {
			return malformed(fmt.Sprintf("nested deeper than %d", MaxJSONDepth))
		}
		if v == '{' {
			return w.object(path, t, depth+1)
		}
		return w.array(path, t, depth+1)
	case string:
		if !validJSONText(raw) {
			return fieldProblem(http.StatusBadRequest, "invalid_utf8", pathOrBody(path))
		}
		if t != nil && t.Kind() != reflect.String && !isTextUnmarshaler(t) && !isBytes(t) {
			return fieldProblem(http.StatusUnprocessableEntity, "wrong_type", pathOrBody(path))
		}
	case json.Number:
		if t != nil && (isTextUnmarshaler(t) || !numberFits(string(v), t)) {
			return fieldProblem(http.StatusUnprocessableEntity, "wrong_type", pathOrBody(path))
		}
	case bool:
		if t != nil && t.Kind() != reflect.Bool {
			return fieldProblem(http.StatusUnprocessableEntity, "wrong_type", pathOrBody(path))
		}
	}
	return nil
}

func (w *jsonWalker) object(path string, t reflect.Type, depth int) *jsonProblem {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = jsonFields(t)
	case t.Kind() == reflect.Map:
		elem = t.Elem()
	default:
		return fieldProblem(http.StatusUnprocessableEntity, "wrong_type", pathOrBody(path))
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, raw, p := w.token()
		if p != nil {
			return p
		}
		key, _ := tok.(string)
		field := join(path, strings.ToValidUTF8(key, "\uFFFD"))
		if !validJSONText(raw) {
			return fieldProblem(http.StatusBadRequest, "invalid_utf8", field)
		}
		if seen[key] {
			return fieldProblem(http.StatusBadRequest, "duplicate_field", field)
		}
		seen[key] = true
		child := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				return fieldProblem(http.StatusUnprocessableEntity, "unknown_field", field)
			}
			child = ft
		}
		if p := w.value(field, child, depth); p != nil {
			return p
		}
	}
	_, _, p := w.token() // the closing brace
	return p
}

func (w *jsonWalker) array(path string, t reflect.Type, depth int) *jsonProblem {
	var elem reflect.Type
	if t != nil {
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return fieldProblem(http.StatusUnprocessableEntity, "wrong_type", pathOrBody(path))
		}
		elem = t.Elem()
	}
	for i := 0; w.dec.More(); i++ {
		if p := w.value(path+"["+strconv.Itoa(i)+"]", elem, depth); p != nil {
			return p
		}
	}
	_, _, p := w.token() // the closing bracket
	return p
}

// join appends a member's name to a path: parties[1] and name make parties[1].name.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// pathOrBody names the whole document when the problem is at its top.
func pathOrBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// target is the type a value lands in, through pointers; nil where any value is
// taken as it is (an interface, a json.RawMessage, a type that decodes itself).
func target(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return nil
	}
	return t
}

// isTextUnmarshaler reports whether t decodes itself from a JSON string.
func isTextUnmarshaler(t reflect.Type) bool { return reflect.PointerTo(t).Implements(textUnmarshaler) }

// isBytes reports whether t is a byte slice, which encoding/json reads from base64 text.
func isBytes(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}

// numberFits reports whether the number n can land in t as encoding/json would put it.
func numberFits(n string, t reflect.Type) bool {
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(n, 10, t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		_, err = strconv.ParseUint(n, 10, t.Bits())
	case reflect.Float32, reflect.Float64:
		_, err = strconv.ParseFloat(n, t.Bits())
	case reflect.String:
		return t == reflect.TypeFor[json.Number]()
	default:
		return false
	}
	return err == nil
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields lists the members a struct decodes, by their exact JSON name, as
// encoding/json finds them: tagged names, untagged exported fields by their Go name,
// the members of embedded structs promoted unless a shallower field has the name.
// encoding/json would also take a name in any other case; a strict body spells it as
// the API documents it.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	depthOf := map[string]int{}
	var collect func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	collect = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					collect(ft, depth+1, seen)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if d, ok := depthOf[name]; !ok || depth < d {
				out[name], depthOf[name] = ft, depth
			}
		}
	}
	collect(t, 0, map[reflect.Type]bool{})
	fieldCache.Store(t, out)
	return out
}

// validJSONText reports whether the raw bytes of a JSON string (with what stood
// before it) hold only UTF-8 and no lone UTF-16 surrogate escape: encoding/json would
// silently turn either into U+FFFD, and the text stored would not be the text sent.
func validJSONText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if i >= len(raw) || raw[i] != 'u' {
			continue // an escape of one character; the loop steps over it
		}
		r, ok := hex4(raw[i+1:])
		if !ok {
			return false
		}
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return false // a low surrogate with no high one before it
		case r >= 0xD800 && r <= 0xDBFF:
			if i+2 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
				return false
			}
			low, ok := hex4(raw[i+3:])
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return false
			}
			i += 6
		}
	}
	return true
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return rune(n), err == nil
}
