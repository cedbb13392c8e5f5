package model

import (
	"errors"
	"net/url"
	"testing"
)

func TestQueryInt(t *testing.T) {
	tests := []struct {
		raw  string
		want int64
		ok   bool
	}{
		{"", 0, true}, {"limit=5", 5, true}, {"limit=200", 200, true}, {"limit=0", 0, false},
		{"limit=201", 0, false}, {"limit=-3", 0, false}, {"limit=abc", 0, false}, {"limit=9999999999999999999999", 0, false},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.raw)
		got, err := QueryInt(q, "limit", 1, 200)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q: %d, %v", tc.raw, got, err)
		}
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || fe.Field != "limit") {
			t.Errorf("%q: error %v does not name the field", tc.raw, err)
		}
	}
}

func FuzzQueryInt(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "200", "1e3", " 5", "0x10", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := QueryInt(url.Values{"n": {v}}, "n", 1, 200)
		if err == nil && v != "" && (n < 1 || n > 200) {
			t.Fatalf("%q gave %d outside the range", v, n)
		}
	})
}
