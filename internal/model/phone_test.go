package model

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		code string
	}{
		{"mobile", "13812345678", "13812345678", ""},
		{"mobile 19x", "19912345678", "19912345678", ""},
		{"mobile 16x", "16612345678", "16612345678", ""},
		{"mobile with spaces", " 138 1234 5678 ", "13812345678", ""},
		{"mobile with dashes", "138-1234-5678", "13812345678", ""},
		{"mobile +86", "+86 138 1234 5678", "13812345678", ""},
		{"mobile +86 full-width", "＋８６　１３８１２３４５６７８", "13812345678", ""},
		{"mobile 0086", "0086-13812345678", "13812345678", ""},
		{"mobile bare 86", "8613812345678", "13812345678", ""},
		{"landline 4-digit area, 7-digit local", "0931-8123456", "0931-8123456", ""},
		{"landline no dash", "09318123456", "0931-8123456", ""},
		{"landline 4+8", "0371-68123456", "0371-68123456", ""},
		{"landline Beijing", "010-65363526", "010-65363526", ""},
		{"landline Shanghai bracketed", "(021) 6321 4567", "021-63214567", ""},
		{"landline full-width brackets", "（０２１）６３２１４５６７", "021-63214567", ""},
		{"landline +86 without trunk 0", "+86 931 8123456", "0931-8123456", ""},
		{"landline +86 Beijing", "+86-10-65363526", "010-65363526", ""},

		{"empty", "", "", CodePhoneEmpty},
		{"only separators", " - ", "", CodePhoneEmpty},
		{"letters", "138abcd5678", "", CodePhoneChars},
		{"extension", "0931-8123456转123", "", CodePhoneChars},
		{"foreign country code", "+1 415 555 0100", "", CodePhoneChars},
		{"12345 hotline", "12345", "", CodePhoneService},
		{"110", "110", "", CodePhoneService},
		{"bank 95588", "95588", "", CodePhoneService},
		{"400 number", "400-810-8888", "", CodePhoneService},
		{"800 number", "800-810-8888", "", CodePhoneService},
		{"mobile second digit 2", "12812345678", "", CodePhoneFormat},
		{"mobile 10 digits", "1381234567", "", CodePhoneFormat},
		{"mobile 12 digits", "138123456789", "", CodePhoneFormat},
		{"local number alone", "8123456", "", CodePhoneFormat},
		{"local starts with 1", "0931-1234567", "", CodePhoneFormat},
		{"local 6 digits", "0931-812345", "", CodePhoneFormat},
		{"local 9 digits", "0931-812345678", "", CodePhoneFormat},
		{"area 00", "00931-8123456", "", CodePhoneFormat},
		{"area 011", "011-81234567", "", CodePhoneFormat},
		{"just 0", "0", "", CodePhoneFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if tt.code == "" {
				if err != nil || got != tt.want {
					t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Code != tt.code {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want code %s", tt.in, got, err, tt.code)
			}
			if !hasMessages(fe) || got != "" {
				t.Fatalf("NormalizePhone(%q): incomplete error %+v or value %q", tt.in, fe, got)
			}
		})
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"0931-8123456", "0931-***3456"},
		{"0371-68123456", "0371-****3456"},
		{"010 65363526", "010-****3526"},
		// Invalid values keep at most their last four characters.
		{"12345", "*****"},
		{"138123456789", "********6789"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPhoneLast4(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "5678"},
		{"+86 138-1234-5678", "5678"},
		{"0931-8123456", "3456"},
		{"１３８１２３４５６７８", "5678"},
		{"12", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PhoneLast4(tt.in); got != tt.want {
			t.Errorf("PhoneLast4(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"13812345678", "+86 138 1234 5678", "0931-8123456", "(021) 6321 4567", "+86 10 65363526",
		"12345", "400-810-8888", "", "+", "0", "８６１３８１２３４５６７８", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Code == "" || !hasMessages(fe) || p != "" {
				t.Fatalf("NormalizePhone(%q) = %q, %#v: want a complete *FieldError and no value", s, p, err)
			}
			return
		}
		if again, err := NormalizePhone(p); err != nil || again != p {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, p, again, err)
		}
		area, local, landline := strings.Cut(p, "-")
		switch {
		case landline:
			if area[0] != '0' || len(area) < 3 || len(area) > 4 || len(local) < 7 || len(local) > 8 {
				t.Fatalf("NormalizePhone(%q) = %q: malformed landline", s, p)
			}
		case len(p) != 11 || p[0] != '1' || p[1] < '3':
			t.Fatalf("NormalizePhone(%q) = %q: malformed mobile", s, p)
		}
		m := MaskPhone(p)
		if len(m) != len(p) || !strings.HasSuffix(m, p[len(p)-4:]) || strings.Count(m, "*") < 3 {
			t.Fatalf("MaskPhone(%q) = %q", p, m)
		}
		if PhoneLast4(s) != p[len(p)-4:] {
			t.Fatalf("PhoneLast4(%q) = %q, normalised %q", s, PhoneLast4(s), p)
		}
	})
}
