package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// A retention period the form accepts is 0 (永久) to 100 years with grounds of 1–200
// characters, trimmed; anything else is a field error naming years or basis.
func FuzzRetentionInput(f *testing.F) {
	for _, s := range [][2]string{{"10", "依据"}, {"0", "永久"}, {"100", "x"}, {"101", "x"}, {"-1", "x"}, {" 7 ", " 县档案馆 "}, {"1e3", "x"}, {"10", ""}, {"+5", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, years, basis string) {
		r, err := retentionInput("dispute", years, basis)
		if err != nil {
			fe, ok := err.(*model.FieldError)
			if !ok || (fe.Field != "retention_years" && fe.Field != "retention_basis") {
				t.Fatalf("%q %q: %v is not a field error of the form", years, basis, err)
			}
			return
		}
		if r.Years < 0 || r.Years > store.MaxRetentionYears || r.Basis == "" || r.Basis != strings.TrimSpace(r.Basis) ||
			utf8.RuneCountInString(r.Basis) > maxRetentionBasis || r.Kind != "dispute" {
			t.Fatalf("%q %q accepted as %+v", years, basis, r)
		}
	})
}
