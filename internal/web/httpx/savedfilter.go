package httpx

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// maxSavedQuery bounds a saved filter's query string, in bytes: a list's every filter
// and a 200-character search, escaped, fit well inside it.
const maxSavedQuery = 4000

// notSaved are the list's parameters a saved filter drops: where the list was paged
// to, and a page's one-off notice. A saved filter opens on its first page.
var notSaved = []string{"page", "before", "notice"}

// SavedFilterQuery reads raw — a case list's query string, as its URL holds it, with
// or without the "/cases?" before it — as a filter to keep, through the list's own
// parser (ParseCaseList) with env: what the list would refuse is refused, naming the
// list's parameter. It returns the query in its kept form: paging dropped, the
// parameters in order.
func SavedFilterQuery(r *http.Request, raw string, env CaseListEnv) (string, error) {
	raw = strings.TrimSpace(raw)
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[i+1:]
	}
	if len(raw) > maxSavedQuery {
		return "", model.Invalid("query", "too_long", "invalid.saved_filter.query_too_long")
	}
	values, err := url.ParseQuery(raw)
	if err != nil || !utf8.ValidString(raw) {
		return "", model.Invalid("query", "invalid", "invalid.saved_filter.query")
	}
	for _, k := range notSaved {
		values.Del(k)
	}
	if err := CheckSavedValues(r, values, env); err != nil {
		return "", err
	}
	return values.Encode(), nil
}

// CheckSavedValues checks a saved filter's parameters as the list reads them: nil
// when the list would show them, else the list's error (a parameter the list does
// not know is an error of the query as a whole). A filter saved once is checked again
// each time it is shown: a region moved out of the user's reach, a parameter a later
// version reads differently, makes it say so rather than open on an error.
func CheckSavedValues(r *http.Request, values url.Values, env CaseListEnv) error {
	q := &Query{r: r, values: values, accepted: map[string]bool{}}
	for _, name := range CaseListParams {
		q.accepted[name] = true
	}
	for name, vs := range values {
		if !q.accepted[name] || !utf8.ValidString(name) {
			return model.Invalid("query", "unknown_parameter", "invalid.saved_filter.param", name)
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return model.Invalid("query", "invalid", "invalid.saved_filter.query")
			}
		}
	}
	if _, err := ParseCaseList(q, env); err != nil {
		return err
	}
	return q.Err()
}

// SavedFilterErr words the store's refusals of a saved filter as field errors of its
// name: a name the user has used, one filter too many.
func SavedFilterErr(err error) error {
	switch {
	case errors.Is(err, store.ErrConflict):
		return model.Invalid("name", "taken", "invalid.saved_filter.name_taken")
	case errors.Is(err, store.ErrTooManySavedFilters):
		return model.Invalid("name", "too_many", "invalid.saved_filter.too_many", model.MaxSavedFilters)
	}
	return err
}
