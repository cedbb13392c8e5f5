package httpx

import (
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
)

// Fields is how a set of forms names its fields in the catalogue, so that a message
// about a field can say which: "parties[1].id_number" is "当事人2 证件号码" in the API
// and "当事人2 · 身份证号码" on the intake page. A field is a path of segments, each a
// name and perhaps an index into a list.
type Fields struct {
	Prefix string // a segment named name is the catalogue's Prefix+name
	Sep    string // joins the names of the segments
	// Lists name the items of a list field and their fields: for "parties",
	// the key of "party n" ("%d") and the prefix of an item's fields. A list not
	// here is named as its field, then field.nth: "步骤2".
	Lists map[string]ListFields
}

// ListFields names the items of one list field; see Fields.
type ListFields struct {
	Item   string // the key of the n-th item, over n: "case.party_n" is "当事人%d"
	Prefix string // the prefix of an item's fields: "case.f.party_"
}

// APIFields names fields in the API's messages: field.<name>, "当事人2 证件号码".
var APIFields = Fields{Prefix: "field.", Sep: " "}

// ReceptionFields names the fields of the reception calendar and its bookings.
var ReceptionFields = Fields{Prefix: "reception.field.", Sep: " "}

// Label names field in loc. ok is false when a segment has no name in the catalogue;
// it is then named by its code, so that the label still says something.
func (fs Fields) Label(loc, field string) (label string, ok bool) {
	ok = true
	prefix := fs.Prefix
	var parts []string
	for _, seg := range strings.Split(field, ".") {
		name, index, hasIndex := strings.Cut(seg, "[")
		n, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
		if hasIndex && err == nil {
			if list, isList := fs.Lists[name]; isList {
				parts = append(parts, i18n.T(loc, list.Item, n+1))
				prefix = list.Prefix
				continue
			}
		}
		l, found := i18n.Lookup(loc, prefix+name)
		if !found {
			l, ok = name, false
		}
		if l == "" {
			l = seg
		}
		if hasIndex && err == nil {
			l = i18n.T(loc, "field.nth", l, n+1)
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, fs.Sep), ok
}

// Prefixed returns msg after the field's name, as the message at the top of a form
// or in the API says it ("证件号码：校验位不正确"); msg alone when the field has no
// name in the catalogue.
func (fs Fields) Prefixed(loc, field, msg string) string {
	if field == "" {
		return msg
	}
	if l, ok := fs.Label(loc, field); ok {
		return l + i18n.T(loc, "error.field_sep") + msg
	}
	return msg
}
