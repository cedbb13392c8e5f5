// Package adapters reads the work orders of other platforms — the 12345 hotline and
// the 信访 information system — as an administrator has described them: which JSON
// member holds what (the field mapping) and which of their codes means which of our
// categories and regions (the value mappings). It also signs and checks the HMAC
// signatures both directions carry. It does no I/O; internal/adapterjob does.
package adapters

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// Platform kinds: which channel their orders come in on.
const (
	KindHotline = "12345"
	KindXinfang = "xinfang"
)

// Kinds lists the platform kinds in the order the admin page offers them.
var Kinds = []string{KindHotline, KindXinfang}

// Channel is the channel a platform kind's orders come in on.
func Channel(kind string) model.Channel {
	if kind == KindXinfang {
		return model.ChannelXinfang
	}
	return model.ChannelHotline
}

// Order fields: what onedoor reads of a work order, each from the member the mapping
// names.
const (
	FieldExternalID  = "external_id"  // 工单编号
	FieldTitle       = "title"        // 标题
	FieldDescription = "description"  // 诉求内容
	FieldCallerName  = "caller_name"  // 来电人/信访人姓名
	FieldCallerPhone = "caller_phone" // 联系电话
	FieldAddress     = "address"      // 事发地址
	FieldCategory    = "category"     // 诉求分类代码
	FieldRegion      = "region"       // 所属区划代码或名称
	FieldReceivedAt  = "received_at"  // 受理/登记时间
	FieldAppealType  = "appeal_type"  // 诉求类型 (投诉、求助、咨询、建议、举报…)
)

// OrderFields lists every field a mapping may name, in the order the admin page shows
// them; RequiredFields those it must name.
var (
	OrderFields    = []string{FieldExternalID, FieldTitle, FieldDescription, FieldCallerName, FieldCallerPhone, FieldAddress, FieldCategory, FieldRegion, FieldReceivedAt, FieldAppealType}
	RequiredFields = []string{FieldExternalID, FieldDescription, FieldCategory, FieldRegion}
)

// Mapping is how one platform's orders read, as the administrator saved it (JSON).
type Mapping struct {
	// Fields maps an order field (OrderFields) to the member of the platform's JSON
	// that holds it; a dotted path ("caller.phone") reaches into nested objects.
	Fields map[string]string `json:"fields"`
	// Categories maps the platform's category codes to our category codes.
	Categories map[string]string `json:"categories"`
	// Regions maps the platform's region codes or names to our region codes.
	Regions map[string]string `json:"regions"`
	// List and NextCursor are where a page of the poll endpoint's answer holds its
	// orders and the cursor of the next page (dotted paths); "orders" and
	// "next_cursor" when left out.
	List       string `json:"list,omitempty"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Bounds of a mapping: generous for a real platform's code tables (a province's
// 12345 has a few hundred categories and every township of a county), small enough
// that a mapping stays a document an administrator can read.
const (
	MaxValueMappings = 5000
	maxPathRunes     = 100
	maxValueRunes    = 100
)

// ParseMapping reads a mapping's JSON and validates it (Validate). Unknown members are
// refused: a misspelt "categroies" would otherwise map nothing, silently.
func ParseMapping(raw string) (Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, model.Invalid("mapping", "malformed", "invalid.platform.mapping_json", err.Error())
	}
	if dec.More() {
		return m, model.Invalid("mapping", "malformed", "invalid.platform.mapping_json", "trailing data")
	}
	return m, m.Validate()
}

// Validate checks that every required field is mapped, that every field named is one
// onedoor knows, and that paths and values are sensible; the error names the field
// as "mapping.fields.<field>", "mapping.categories.<code>" or "mapping.regions.<code>".
func (m Mapping) Validate() error {
	for _, f := range sortedKeys(m.Fields) {
		if !slices.Contains(OrderFields, f) {
			return model.Invalid("mapping.fields."+f, "unknown_field", "invalid.platform.unknown_field", strings.Join(OrderFields, ", "))
		}
		if err := checkPath("mapping.fields."+f, m.Fields[f]); err != nil {
			return err
		}
	}
	for _, f := range RequiredFields {
		if strings.TrimSpace(m.Fields[f]) == "" {
			return model.Invalid("mapping.fields."+f, "required", "invalid.platform.field_required")
		}
	}
	if len(m.Categories)+len(m.Regions) > MaxValueMappings {
		return model.Invalid("mapping", "too_many", "invalid.platform.too_many_values", MaxValueMappings)
	}
	for name, values := range map[string]map[string]string{"categories": m.Categories, "regions": m.Regions} {
		for _, k := range sortedKeys(values) {
			field := "mapping." + name + "." + k
			if err := checkValue(field, k); err != nil {
				return err
			}
			if err := checkValue(field, values[k]); err != nil {
				return err
			}
		}
	}
	if m.List != "" {
		if err := checkPath("mapping.list", m.List); err != nil {
			return err
		}
	}
	if m.NextCursor != "" {
		if err := checkPath("mapping.next_cursor", m.NextCursor); err != nil {
			return err
		}
	}
	return nil
}

// checkPath refuses a member path that is empty, too long, not UTF-8, or has an empty
// step ("a..b", ".a").
func checkPath(field, path string) error {
	if !utf8.ValidString(path) || utf8.RuneCountInString(path) > maxPathRunes {
		return model.Invalid(field, "invalid", "invalid.platform.path", maxPathRunes)
	}
	for _, step := range strings.Split(path, ".") {
		if strings.TrimSpace(step) == "" || strings.TrimSpace(step) != step {
			return model.Invalid(field, "invalid", "invalid.platform.path", maxPathRunes)
		}
	}
	return nil
}

// checkValue refuses an empty, overlong or non-UTF-8 code on either side of a value
// mapping.
func checkValue(field, v string) error {
	if strings.TrimSpace(v) == "" || !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxValueRunes {
		return model.Invalid(field, "invalid", "invalid.platform.value", maxValueRunes)
	}
	return nil
}

// Marshal is the mapping as saved: JSON with its keys in order, so that saving it
// unchanged writes the same bytes.
func (m Mapping) Marshal() string {
	b, _ := json.MarshalIndent(m, "", "  ")
	return string(b)
}

// WithValue returns m with one more value mapping (kind "category" or "region"),
// leaving m untouched.
func (m Mapping) WithValue(kind, theirs, ours string) (Mapping, error) {
	out := m
	switch kind {
	case FieldCategory:
		out.Categories = cloneWith(m.Categories, theirs, ours)
	case FieldRegion:
		out.Regions = cloneWith(m.Regions, theirs, ours)
	default:
		return m, fmt.Errorf("adapters: no value mapping for %q", kind)
	}
	return out, out.Validate()
}

func cloneWith(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
