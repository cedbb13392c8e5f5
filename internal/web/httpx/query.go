package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/i18n"

	"github.com/onedoor/onedoor/internal/model"
)

// Query is a request's query string, read strictly. An endpoint names the
// parameters it accepts (ReadQuery), so a misspelt or unsupported one is refused
// rather than silently ignored; the getters parse what they read strictly and keep
// the first problem for Err.
type Query struct {
	r        *http.Request
	values   url.Values
	accepted map[string]bool // nil for a page, which ignores what it does not read
	err      error
}

// ReadQuery reads r's query string for an endpoint that accepts the parameters
// named. It refuses with 400, naming the parameter: a query string that does not
// parse (malformed_query), a name or value that is not UTF-8 (invalid_utf8), and a
// parameter the endpoint does not accept (unknown_parameter).
func ReadQuery(r *http.Request, accepted ...string) (*Query, error) {
	if err := declareQuery(r, accepted); err != nil {
		return nil, err
	}
	q := &Query{r: r, accepted: map[string]bool{}}
	for _, name := range accepted {
		q.accepted[name] = true
	}
	values, err := parseQuery(r)
	if err != nil {
		return nil, err
	}
	q.values = values
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names) // the same answer for the same query, whatever the map's order
	for _, name := range names {
		if !q.accepted[name] {
			return nil, Errorf(r, http.StatusBadRequest, "unknown_parameter", name, name)
		}
	}
	return q, nil
}

// PageQuery reads the query string of a page. A page ignores the parameters it does
// not read: links into the portal are shared through WeChat, which adds its own
// (from=singlemessage). What it reads is parsed as strictly as ReadQuery's, and a
// query string that does not parse or is not UTF-8 is refused through Err.
func PageQuery(r *http.Request) *Query {
	q := &Query{r: r}
	q.values, q.err = parseQuery(r)
	if q.values == nil {
		q.values = url.Values{}
	}
	return q
}

// FormQuery reads a parsed form's fields as PageQuery reads a query: strictly what
// is read, the rest ignored.
func FormQuery(r *http.Request, form url.Values) *Query {
	return &Query{r: r, values: form}
}

// parseQuery parses the query string, refusing what url.ParseQuery would only skip
// and text that is not UTF-8.
func parseQuery(r *http.Request) (url.Values, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, Errorf(r, http.StatusBadRequest, "malformed_query", "")
	}
	for name, vs := range values {
		field := strings.ToValidUTF8(name, "\uFFFD")
		if !utf8.ValidString(name) {
			return nil, Errorf(r, http.StatusBadRequest, "invalid_utf8", field, field)
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, Errorf(r, http.StatusBadRequest, "invalid_utf8", field, field)
			}
		}
	}
	return values, nil
}

// fail keeps the first problem.
func (q *Query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

// one returns the single value of name, "" when it is absent. A parameter given
// twice is refused: which of the two was meant is a guess (duplicate_parameter).
func (q *Query) one(name string) string {
	if q.accepted != nil && !q.accepted[name] {
		// A programming error: the endpoint reads a parameter it does not declare.
		q.fail(fmt.Errorf("httpx: query parameter %q is read but not accepted", name))
		return ""
	}
	vs := q.values[name]
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	q.fail(Errorf(q.r, http.StatusBadRequest, "duplicate_parameter", name, name))
	return ""
}

// String returns the parameter's value, "" when it is absent.
func (q *Query) String(name string) string { return q.one(name) }

// List returns every value of a parameter that may be repeated (state=a&state=b).
func (q *Query) List(name string) []string {
	if q.accepted != nil && !q.accepted[name] {
		q.fail(fmt.Errorf("httpx: query parameter %q is read but not accepted", name))
		return nil
	}
	return q.values[name]
}

// Bool reads a true/false parameter; absent or empty is false. Anything else —
// 1, yes, zz — is refused, as a guess could show what the caller did not ask for.
func (q *Query) Bool(name string) bool {
	switch q.one(name) {
	case "", "false":
		return false
	case "true":
		return true
	}
	q.fail(model.Invalid(name, "invalid", "invalid.bool"))
	return false
}

// Int reads a whole number in [min, max]; absent or empty is 0.
func (q *Query) Int(name string, min, max int64) int64 {
	v := q.one(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		q.fail(model.Invalid(name, "invalid", "invalid.int_range", min, max))
		return 0
	}
	return n
}

// OneOf reads a parameter that takes one of the given values; absent or empty is "".
func (q *Query) OneOf(name string, allowed ...string) string {
	v := q.one(name)
	if v == "" || slices.Contains(allowed, v) {
		return v
	}
	q.fail(model.Invalid(name, "invalid", "invalid.one_of", i18n.List(allowed)))
	return ""
}

// Values returns a copy of the query, to build a link from (the next page).
func (q *Query) Values() url.Values {
	out := make(url.Values, len(q.values))
	for k, v := range q.values {
		out[k] = slices.Clone(v)
	}
	return out
}

// Err returns the first problem the reads met, nil when there was none.
func (q *Query) Err() error { return q.err }
