package open311

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Paging of GET requests (our extension of GeoReport v2, as the 2011 summit proposed).
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
	MaxPage         = 10000
	// MaxSpan is the widest window of requested_datetime one query may cover, and the
	// window a query without dates covers (GeoReport v2: the past 90 days).
	MaxSpan = 90 * 24 * time.Hour
	// MaxListed bounds a comma list (service_request_id, service_code, status).
	MaxListed = 200
)

// chinaTime reads a date without a time zone: the centres are all in China.
var chinaTime = time.FixedZone("CST", 8*3600)

// Error is a refusal in the specification's terms: an HTTP status and a description
// that names the parameter at fault.
type Error struct {
	Status      int
	Field       string
	Description string
}

func (e *Error) Error() string { return e.Description }

func badRequest(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Field: field, Description: field + ": " + fmt.Sprintf(format, args...)}
}

// Submission is a POST requests form as GeoReport v2 defines it, with onedoor's
// extensions: phone is required, and jurisdiction_id / address_id are region codes.
type Submission struct {
	APIKey         string
	ServiceCode    string
	Lat, Long      *float64
	AddressString  string
	AddressID      string // a region code (our reading of address_id)
	JurisdictionID string // a region code the place lies in (our reading of jurisdiction_id)
	Description    string
	Phone          string
	Name           string // last_name + first_name, Chinese order
	Email          string // accepted, not kept
}

// knownFields are the form fields of POST requests (GeoReport v2 and ours).
var knownFields = map[string]bool{"api_key": true, "jurisdiction_id": true, "service_code": true, "lat": true, "long": true,
	"address_string": true, "address_id": true, "email": true, "device_id": true, "account_id": true, "first_name": true,
	"last_name": true, "phone": true, "description": true, "media_url": true}

// isAttribute reports whether a form field is a service definition's attribute:
// attribute[code] or, for a multivaluelist, attribute[code][].
func isAttribute(k string) bool {
	rest, ok := strings.CutPrefix(k, "attribute[")
	return ok && len(rest) > 1 && (strings.HasSuffix(rest, "]") || strings.HasSuffix(rest, "][]"))
}

// maxField bounds any one form value before the case service checks it properly.
const maxField = 10000

// ParseSubmission reads a POST requests form. It checks the form's shape — only
// known fields, each once, in UTF-8; what is required, what must be a number — and
// leaves the content (a valid phone, a known region, the length of the description)
// to the case service. A service definition's attribute[code] is taken and ignored,
// as the specification allows (onedoor's services define none).
func ParseSubmission(v url.Values) (Submission, *Error) {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names) // the same answer for the same form
	for _, k := range names {
		field := clientName(k)
		if field == "" {
			field = "request"
		}
		if !utf8.ValidString(k) {
			return Submission{}, badRequest(field, "the field's name is not valid UTF-8")
		}
		if !knownFields[k] && !isAttribute(k) {
			return Submission{}, badRequest(field, "unknown field; see services/{service_code} and docs/open311.md")
		}
		if len(v[k]) > 1 && knownFields[k] {
			return Submission{}, badRequest(field, "is given more than once")
		}
		for _, s := range v[k] {
			if len(s) > maxField {
				return Submission{}, badRequest(field, "a value is too long")
			}
			if !utf8.ValidString(s) {
				return Submission{}, badRequest(field, "a value is not valid UTF-8")
			}
		}
	}
	s := Submission{
		APIKey: get("api_key"), ServiceCode: get("service_code"), AddressString: get("address_string"),
		AddressID: get("address_id"), JurisdictionID: get("jurisdiction_id"), Description: get("description"),
		Phone: get("phone"), Email: get("email"),
		Name: strings.TrimSpace(get("last_name") + get("first_name")),
	}
	if s.ServiceCode == "" {
		return s, badRequest("service_code", "is required (a code from services.json)")
	}
	lat, long := get("lat"), get("long")
	if (lat == "") != (long == "") {
		return s, badRequest("lat", "lat and long go together")
	}
	if lat != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(long, 64)
		switch {
		case err1 != nil || math.IsNaN(la) || math.IsInf(la, 0) || la < -90 || la > 90:
			return s, badRequest("lat", "must be a WGS-84 latitude in decimal degrees")
		case err2 != nil || math.IsNaN(lo) || math.IsInf(lo, 0) || lo < -180 || lo > 180:
			return s, badRequest("long", "must be a WGS-84 longitude in decimal degrees")
		}
		s.Lat, s.Long = &la, &lo
	}
	if s.Lat == nil && s.AddressString == "" && s.AddressID == "" && s.JurisdictionID == "" {
		return s, badRequest("address_id", "a location is required: address_id (a region code), address_string, or lat and long")
	}
	if s.Description == "" {
		return s, badRequest("description", "is required: say what happened and where (请描述发生了什么)")
	}
	if s.Phone == "" {
		return s, badRequest("phone", "is required by this centre: the centre calls back, and the citizen follows the case with its last four digits (请留下联系电话)")
	}
	return s, nil
}

// Query is a GET requests query.
type Query struct {
	IDs          []int64 // service_request_id: when given, every other parameter is ignored
	ServiceCodes []string
	Start, End   time.Time // requested_datetime in [Start, End)
	Statuses     []string  // open, closed
	Page         int       // from 1
	PageSize     int
}

// ParseQuery reads a GET requests query at time now.
func ParseQuery(v url.Values, now time.Time) (Query, *Error) {
	q := Query{Page: 1, PageSize: DefaultPageSize}
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	if ids := get("service_request_id"); ids != "" {
		parts, err := commaList("service_request_id", ids)
		if err != nil {
			return q, err
		}
		for _, p := range parts {
			id, perr := strconv.ParseInt(p, 10, 64)
			if perr != nil || id <= 0 {
				// An id that cannot exist matches nothing, as an unknown one does.
				continue
			}
			q.IDs = append(q.IDs, id)
		}
		if len(q.IDs) == 0 {
			q.IDs = []int64{0}
		}
		return q, nil
	}
	if codes := get("service_code"); codes != "" {
		parts, err := commaList("service_code", codes)
		if err != nil {
			return q, err
		}
		q.ServiceCodes = parts
	}
	if st := get("status"); st != "" {
		parts, err := commaList("status", st)
		if err != nil {
			return q, err
		}
		seen := map[string]bool{}
		for _, p := range parts {
			p = strings.ToLower(p)
			if p != "open" && p != "closed" {
				return q, badRequest("status", "must be open or closed (comma-separated), not %q", p)
			}
			if !seen[p] {
				seen[p] = true
				q.Statuses = append(q.Statuses, p)
			}
		}
	}
	var err *Error
	if s := get("start_date"); s != "" {
		if q.Start, err = parseW3C("start_date", s); err != nil {
			return q, err
		}
	}
	if s := get("end_date"); s != "" {
		if q.End, err = parseW3C("end_date", s); err != nil {
			return q, err
		}
	}
	switch {
	case q.Start.IsZero() && q.End.IsZero():
		q.Start = now.Add(-MaxSpan)
	case q.Start.IsZero():
		q.Start = q.End.Add(-MaxSpan)
	case q.End.IsZero():
		q.End = q.Start.Add(MaxSpan)
	}
	if !q.End.IsZero() {
		if !q.End.After(q.Start) {
			return q, badRequest("end_date", "must be after start_date")
		}
		if q.End.Sub(q.Start) > MaxSpan {
			return q, badRequest("end_date", "start_date and end_date may not span more than 90 days")
		}
	}
	if s := get("page"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > MaxPage {
			return q, badRequest("page", "must be a whole number from 1 to %d", MaxPage)
		}
		q.Page = n
	}
	if s := get("page_size"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 {
			return q, badRequest("page_size", "must be a whole number from 1 to %d", MaxPageSize)
		}
		q.PageSize = min(n, MaxPageSize)
	}
	return q, nil
}

// commaList splits a comma-delimited parameter, dropping empty items.
func commaList(field, s string) ([]string, *Error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) > MaxListed {
		return nil, badRequest(field, "at most %d values", MaxListed)
	}
	return out, nil
}

// w3cLayouts are the forms of the W3C note on date and time formats, most precise
// first; a time must carry its zone (Z or ±hh:mm).
var w3cLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

// parseW3C reads a W3C datetime. A date alone (YYYY-MM-DD, YYYY-MM or YYYY) is the
// start of that day in China. A '+' of the zone that arrived as a space (an unencoded
// query) is read as the '+' it was.
func parseW3C(field, s string) (time.Time, *Error) {
	if i := strings.LastIndexByte(s, ' '); i > 0 && strings.Contains(s, "T") {
		s = s[:i] + "+" + s[i+1:]
	}
	for _, l := range w3cLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.ParseInLocation(l, s, chinaTime); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, badRequest(field, "must be a W3C datetime such as 2026-03-01T08:00:00+08:00")
}
