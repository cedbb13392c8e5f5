package httpx

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
)

func TestFieldsLabel(t *testing.T) {
	caseFields := Fields{Prefix: "case.f.", Sep: " · ",
		Lists: map[string]ListFields{"parties": {Item: "case.party_n", Prefix: "case.f.party_"}}}
	tests := []struct {
		fields    Fields
		loc, in   string
		want      string
		wantNamed bool
	}{
		{APIFields, "zh-CN", "parties[1].id_number", "当事人2 证件号码", true},
		{APIFields, "en", "code", "Code", true},
		{APIFields, "zh-CN", "no_such_field", "no_such_field", false},
		{APIFields, "zh-CN", "x[99999999999999999999]", "x", false},
		{caseFields, "zh-CN", "parties[1].id_number", "当事人2 · 身份证号码", true},
		{caseFields, "en", "parties[0].role", "Party 1 · Role", true},
		{caseFields, "zh-CN", "people_count", "涉及人数", true},
		{caseFields, "zh-CN", "csrf_token", "csrf_token", false},
		{ReceptionFields, "zh-CN", "slot_id", "接访时段", true},
	}
	for _, tc := range tests {
		got, named := tc.fields.Label(tc.loc, tc.in)
		if got != tc.want || named != tc.wantNamed {
			t.Errorf("%s %s: %q %v, want %q %v", tc.fields.Prefix, tc.in, got, named, tc.want, tc.wantNamed)
		}
	}
	if got := caseFields.Prefixed("zh-CN", "csrf_token", "坏"); got != "坏" {
		t.Errorf("an unnamed field is prefixed: %q", got)
	}
	if got := caseFields.Prefixed("zh-CN", "people_count", "坏"); got != "涉及人数：坏" {
		t.Errorf("Prefixed: %q", got)
	}
}

// One classification serves the API and the pages: the API's message names the field,
// the page's Detail stands next to it.
func TestFromErrDetail(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	e := FromErr(r, model.Invalid("people_count", "range", "invalid.people_count.range"))
	if e.Status != 422 || e.Field != "people_count" || e.Message != "涉及人数：涉及人数须在 1–100000 之间" || e.Detail != "涉及人数须在 1–100000 之间" {
		t.Errorf("field error: %+v", e)
	}
	own := &Error{Status: 400, Code: "x", Message: "m"}
	if e := FromErr(r, own); e.Detail != "m" || own.Detail != "" {
		t.Errorf("an Error as made: %+v, and the original %+v", e, own)
	}
	if e := FromErr(r, errors.New("boom")); e.Status != 500 || e.Detail != e.Message {
		t.Errorf("internal: %+v", e)
	}
}
