package httpx

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// formMemory is how much of a multipart form is held in memory; the rest of its files
// wait in temporary files.
const formMemory = 1 << 20

// CheckForm parses a form body (URL-encoded or multipart) and refuses, with 400
// naming the field, a field whose name, value or file name is not UTF-8: a browser
// sends forms in UTF-8, and anything else would be stored as U+FFFD, not as sent. A
// URL-encoded body that does not parse is refused here too (413 past the limit, 400
// otherwise); a multipart one is left to its handler, which parses it again, meets
// the same error and says it in its own words. Other bodies pass untouched.
func CheckForm(r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return Errorf(r, http.StatusRequestEntityTooLarge, "body_too_large", "", tooBig.Limit)
			}
			return Errorf(r, http.StatusBadRequest, "malformed_form", "")
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(formMemory); err != nil {
			return nil
		}
	default:
		return nil
	}
	if field, ok := invalidFormField(r); ok {
		if r.MultipartForm != nil {
			_ = r.MultipartForm.RemoveAll()
		}
		return Errorf(r, http.StatusBadRequest, "invalid_utf8", field, field)
	}
	return nil
}

// invalidFormField names the first field, in name order, whose name, values or file
// names are not UTF-8.
func invalidFormField(r *http.Request) (string, bool) {
	bad := map[string]bool{}
	for name, values := range r.PostForm {
		if !utf8.ValidString(name) || slices.ContainsFunc(values, func(v string) bool { return !utf8.ValidString(v) }) {
			bad[name] = true
		}
	}
	if r.MultipartForm != nil {
		for name, files := range r.MultipartForm.File {
			for _, f := range files {
				if !utf8.ValidString(name) || !utf8.ValidString(f.Filename) {
					bad[name] = true
				}
			}
		}
	}
	if len(bad) == 0 {
		return "", false
	}
	names := make([]string, 0, len(bad))
	for name := range bad {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.ToValidUTF8(names[0], "\uFFFD"), true
}

// FormInt reads an optional whole-number field of a posted form (an id from a
// <select>, a count): blank is 0, anything else that is not a whole number is a
// field error (not_a_number). Ranges are the service's to check.
func FormInt(r *http.Request, field string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, model.Invalid(field, "not_a_number", "invalid.not_a_number")
	}
	return n, nil
}

// FormIDs reads a field of a posted form that may be given many times (a multiple
// <select>, checkboxes) as ids: blanks are skipped, a value that is not a whole
// number is a field error (not_a_number).
func FormIDs(r *http.Request, field string) ([]int64, error) {
	var ids []int64
	for _, v := range r.PostForm[field] {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, model.Invalid(field, "not_a_number", "invalid.not_a_number")
		}
		ids = append(ids, id)
	}
	return ids, nil
}
