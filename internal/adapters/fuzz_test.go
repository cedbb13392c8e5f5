package adapters

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// FuzzParseOrder feeds the order parser and the mapping validator any mapping and any
// order: neither panics; a mapping is accepted only when it validates, names every
// required field and survives its own encoding unchanged; an order is accepted only
// with every required field present, trimmed and UTF-8, and its codes map or are
// reported, never guessed; every refusal is a field error naming a field.
func FuzzParseOrder(f *testing.F) {
	f.Add(goodMapping, `{"gdbh": "GD1", "sqnr": "工资", "lbdm": "0301", "qydm": "附城镇", "ldr": {"dh": "13912345678"}, "slsj": "2026-03-05 09:30:00"}`)
	f.Add(goodMapping, `{"gdbh": 1e400, "sqnr": "x", "lbdm": "0301", "qydm": "附城镇"}`)
	f.Add(goodMapping, `{"gdbh": "\ud800", "sqnr": "x", "lbdm": 1, "qydm": 2, "slsj": 99999999999999999}`)
	f.Add(`{"fields": {"external_id": "a.b.c", "description": "d", "category": "c", "region": "r"}, "list": "x", "next_cursor": "y"}`, `{"a": {"b": {"c": "1"}}, "d": "x", "c": "", "r": "1"}`)
	f.Add(`{"fields": {"external_id": "", "description": "d"}}`, `{}`)
	f.Fuzz(func(t *testing.T, mapping, order string) {
		m, err := ParseMapping(mapping)
		if err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("mapping refused without naming a field: %v", err)
			}
			return
		}
		for _, f := range RequiredFields {
			if m.Fields[f] == "" {
				t.Fatalf("a mapping without %s accepted", f)
			}
		}
		again, err := ParseMapping(m.Marshal())
		if err != nil || again.Marshal() != m.Marshal() {
			t.Fatalf("a mapping does not survive its encoding: %v", err)
		}
		o, err := ParseOrder([]byte(order), m)
		if err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("order refused without naming a field: %v", err)
			}
			return
		}
		for _, v := range []string{o.ExternalID, o.Description, o.Category, o.Region} {
			if v == "" || !utf8.ValidString(v) {
				t.Fatalf("order accepted with a required field %q", v)
			}
		}
		if utf8.RuneCountInString(o.ExternalID) > MaxExternalID {
			t.Fatalf("order accepted with an id of %d characters", utf8.RuneCountInString(o.ExternalID))
		}
		cat, reg, missing := m.Resolve(o)
		_, catOK := m.Categories[o.Category]
		_, regOK := m.Regions[o.Region]
		if len(missing) != btoi(!catOK)+btoi(!regOK) || catOK && cat != m.Categories[o.Category] || regOK && reg != m.Regions[o.Region] {
			t.Fatalf("resolve %q/%q: %q %q %v", o.Category, o.Region, cat, reg, missing)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
