package httpx

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
)

// A form field whose name, value or file name is not UTF-8 is refused naming the
// field; a good form passes with its values parsed.
func TestCheckForm(t *testing.T) {
	urlencoded := func(body string) *http.Request {
		r := httptest.NewRequest("POST", "/cases", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	multi := func(field, value, fileField, fileName string) *http.Request {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField(field, value)
		if fileField != "" {
			fw, _ := mw.CreateFormFile(fileField, fileName)
			fw.Write([]byte("data"))
		}
		mw.Close()
		r := httptest.NewRequest("POST", "/p/", &b)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		return r
	}
	for _, tc := range []struct {
		name  string
		r     *http.Request
		field string // "" when the form passes
	}{
		{"good form", urlencoded("description=%E5%A5%BD&phone=1"), ""},
		{"value", urlencoded("phone=1&description=%FF%FE"), "description"},
		{"one of two values", urlencoded("roles=clerk&roles=%C3"), "roles"},
		{"name", urlencoded("%FF=1"), "\uFFFD"},
		{"good multipart", multi("description", "好", "photos", "a.jpg"), ""},
		{"multipart value", multi("description", "\xff", "", ""), "description"},
		{"file name", multi("description", "好", "photos", "\xffa.jpg"), "photos"},
		{"not a form", httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader("\xff")), ""},
	} {
		err := CheckForm(tc.r)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tc.name, err)
			}
			continue
		}
		e := FromErr(tc.r, err)
		if e.Status != http.StatusBadRequest || e.Code != "invalid_utf8" || e.Field != tc.field {
			t.Errorf("%s: %+v, want invalid_utf8 naming %q", tc.name, e, tc.field)
		}
	}
	r := urlencoded("description=" + strings.Repeat("a", 100))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 10)
	if e := FromErr(r, CheckForm(r)); e.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("past the limit: %+v", e)
	}
}

func TestFormIntAndIDs(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader("n=+7&blank=+&bad=x&ids=3&ids=&ids=5&badids=1&badids=z"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if n, err := FormInt(r, "n"); n != 7 || err != nil {
		t.Errorf("n: %d %v", n, err)
	}
	if n, err := FormInt(r, "blank"); n != 0 || err != nil {
		t.Errorf("blank: %d %v", n, err)
	}
	var fe *model.FieldError
	if _, err := FormInt(r, "bad"); !errors.As(err, &fe) || fe.Field != "bad" || fe.Code != "not_a_number" {
		t.Errorf("bad: %v", err)
	}
	if ids, err := FormIDs(r, "ids"); !slices.Equal(ids, []int64{3, 5}) || err != nil {
		t.Errorf("ids: %v %v", ids, err)
	}
	if _, err := FormIDs(r, "badids"); !errors.As(err, &fe) || fe.Field != "badids" {
		t.Errorf("badids: %v", err)
	}
}
