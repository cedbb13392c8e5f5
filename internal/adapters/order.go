package adapters

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Order is a work order as onedoor reads it, before its codes are mapped.
type Order struct {
	ExternalID  string     `json:"external_id"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description"`
	CallerName  string     `json:"caller_name,omitempty"`
	CallerPhone string     `json:"caller_phone,omitempty"`
	Address     string     `json:"address,omitempty"`
	Category    string     `json:"category"` // theirs
	Region      string     `json:"region"`   // theirs
	ReceivedAt  *time.Time `json:"received_at,omitempty"`
	AppealType  string     `json:"appeal_type,omitempty"`
}

// MaxExternalID bounds an order's id: platforms number orders with 20-odd characters.
const MaxExternalID = 64

// ParseOrder reads one order, a JSON object, as m says. A required field that is
// missing, empty or not a string or number is an error naming the platform's member
// ("order.gdbh"), so the platform's people can find it in what they sent.
func ParseOrder(raw []byte, m Mapping) (Order, error) {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return Order{}, model.Invalid("order", "malformed", "invalid.platform.order_json")
	}
	if dec.More() {
		return Order{}, model.Invalid("order", "malformed", "invalid.platform.order_json")
	}
	return OrderFrom(obj, m)
}

// OrderFrom reads one order from its decoded object (decoded with UseNumber, so that
// a long numeric id keeps its digits).
func OrderFrom(obj map[string]any, m Mapping) (Order, error) {
	var o Order
	read := func(field string, dst *string) error {
		path := m.Fields[field]
		if path == "" {
			return nil
		}
		v, ok := lookup(obj, path)
		if !ok || v == nil {
			return nil
		}
		s, ok := scalar(v)
		if !ok || !utf8.ValidString(s) {
			return model.Invalid("order."+path, "wrong_type", "invalid.platform.order_value")
		}
		*dst = strings.TrimSpace(s)
		return nil
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{FieldExternalID, &o.ExternalID}, {FieldTitle, &o.Title}, {FieldDescription, &o.Description}, {FieldCallerName, &o.CallerName},
		{FieldCallerPhone, &o.CallerPhone}, {FieldAddress, &o.Address}, {FieldCategory, &o.Category}, {FieldRegion, &o.Region},
		{FieldAppealType, &o.AppealType}} {
		if err := read(f.name, f.dst); err != nil {
			return o, err
		}
	}
	for _, f := range RequiredFields {
		var v string
		switch f {
		case FieldExternalID:
			v = o.ExternalID
		case FieldDescription:
			v = o.Description
		case FieldCategory:
			v = o.Category
		case FieldRegion:
			v = o.Region
		}
		if v == "" {
			return o, model.Invalid("order."+m.Fields[f], "required", "invalid.platform.order_required")
		}
	}
	if utf8.RuneCountInString(o.ExternalID) > MaxExternalID {
		return o, model.Invalid("order."+m.Fields[FieldExternalID], "too_long", "invalid.platform.external_id", MaxExternalID)
	}
	var at string
	if err := read(FieldReceivedAt, &at); err != nil {
		return o, err
	}
	if at != "" {
		t, ok := parseTime(at)
		if !ok {
			return o, model.Invalid("order."+m.Fields[FieldReceivedAt], "invalid", "invalid.platform.order_time")
		}
		o.ReceivedAt = &t
	}
	return o, nil
}

// Unmapped is one of an order's codes that its platform's mapping does not know.
type Unmapped struct {
	Field string `json:"field"` // category or region
	Value string `json:"value"`
}

// Resolve maps the order's category and region codes to ours. A code the mapping
// does not know is never guessed at: it is reported, and the order waits (待映射).
func (m Mapping) Resolve(o Order) (category, region string, missing []Unmapped) {
	category, ok := m.Categories[o.Category]
	if !ok {
		missing = append(missing, Unmapped{Field: FieldCategory, Value: o.Category})
	}
	region, ok = m.Regions[o.Region]
	if !ok {
		missing = append(missing, Unmapped{Field: FieldRegion, Value: o.Region})
	}
	return category, region, missing
}

// lookup follows a dotted path through nested objects.
func lookup(obj map[string]any, path string) (any, bool) {
	var cur any = obj
	for _, step := range strings.Split(path, ".") {
		o, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = o[step]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// scalar is a string or a number as text.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// timeLayouts are how platforms write times; a time without a zone is China time.
var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"}

// parseTime reads a time as a platform writes it, or a Unix time in seconds or
// milliseconds.
func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, workflow.ChinaTime); err == nil {
			return t.UTC(), true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e12 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

// Page is one page of a poll endpoint's answer: its orders, raw, and the cursor of
// the next page ("" when this is the last).
type Page struct {
	Orders     []json.RawMessage
	NextCursor string
}

// ParsePage reads a poll endpoint's answer as m says where its list and cursor are.
func ParsePage(raw []byte, m Mapping) (Page, error) {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return Page{}, model.Invalid("page", "malformed", "invalid.platform.order_json")
	}
	listPath, cursorPath := m.List, m.NextCursor
	if listPath == "" {
		listPath = "orders"
	}
	if cursorPath == "" {
		cursorPath = "next_cursor"
	}
	var p Page
	if v, ok := lookup(obj, listPath); ok && v != nil {
		items, ok := v.([]any)
		if !ok {
			return p, model.Invalid("page."+listPath, "wrong_type", "invalid.platform.order_value")
		}
		for _, it := range items {
			b, err := json.Marshal(it)
			if err != nil {
				return p, err
			}
			p.Orders = append(p.Orders, b)
		}
	}
	if v, ok := lookup(obj, cursorPath); ok && v != nil {
		s, ok := scalar(v)
		if !ok {
			return p, model.Invalid("page."+cursorPath, "wrong_type", "invalid.platform.order_value")
		}
		p.NextCursor = s
	}
	return p, nil
}
