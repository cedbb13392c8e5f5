package model

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
)

// testNow is the "today" of the table below, so the future-birth rule does not drift.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, chinaTime)

// The valid numbers below were checked with an independent implementation of ISO 7064
// MOD 11-2; 11010519491231002X is the worked example of GB 11643-1999 itself.
func TestNormalizeIDNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		code string
	}{
		{"standard example", "11010519491231002X", "11010519491231002X", ""},
		{"lower-case x", "11010519491231002x", "11010519491231002X", ""},
		{"full-width digits and X", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", ""},
		{"spaces around and inside", "  620102 19900307 123X\t", "62010219900307123X", ""},
		{"ideographic space", "\u3000620102199003071248\u3000", "620102199003071248", ""},
		{"leap day 2000", "620102200002294568", "620102200002294568", ""},
		{"year 1900", "620102190001010010", "620102190001010010", ""},
		{"born today", "620102202603010013", "620102202603010013", ""},
		{"Hong Kong residence permit", "810000198510152344", "810000198510152344", ""},
		{"foreigner permanent residence", "910000198001010018", "910000198001010018", ""},
		{"old 15-digit", "620102900307123", "620102900307123", ""},

		{"empty", "", "", CodeIDNumberEmpty},
		{"only spaces", "   ", "", CodeIDNumberEmpty},
		{"letter inside", "62010219900307A23X", "", CodeIDNumberChars},
		{"X not last", "6201021990030712X3", "", CodeIDNumberChars},
		{"X in 15-digit", "62010290030712X", "", CodeIDNumberChars},
		{"dash", "620102-19900307-123X", "", CodeIDNumberChars},
		{"17 digits", "62010219900307123", "", CodeIDNumberLength},
		{"19 digits", "6201021990030712345", "", CodeIDNumberLength},
		{"16 digits", "6201021990030712", "", CodeIDNumberLength},
		{"province 00", "000102199003071230", "", CodeIDNumberRegion},
		{"province 16", "160102199003071230", "", CodeIDNumberRegion},
		{"province 84", "840102199003071230", "", CodeIDNumberRegion},
		{"province 99 in 15-digit", "990102900307123", "", CodeIDNumberRegion},
		{"born 1880 (GB 11643 example, before 1900)", "440524188001010014", "", CodeIDNumberBirthDate},
		{"29 February 2001", "620102200102291233", "", CodeIDNumberBirthDate},
		{"month 13", "620102199013071230", "", CodeIDNumberBirthDate},
		{"day 00", "620102199003001230", "", CodeIDNumberBirthDate},
		{"15-digit day 32", "620102900332123", "", CodeIDNumberBirthDate},
		{"born tomorrow", "620102202603020019", "", CodeIDNumberBirthDate},
		{"wrong check digit", "620102199003071249", "", CodeIDNumberChecksum},
		{"X where a digit belongs", "62010219900307124X", "", CodeIDNumberChecksum},
		{"digit where X belongs", "110105194912310020", "", CodeIDNumberChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeIDNumberAt(tt.in, testNow)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("NormalizeIDNumberAt(%q) error %v, want %q", tt.in, err, tt.want)
				}
				if got != tt.want {
					t.Fatalf("NormalizeIDNumberAt(%q) = %q, want %q", tt.in, got, tt.want)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("NormalizeIDNumberAt(%q) = %q, %v; want *FieldError %s", tt.in, got, err, tt.code)
			}
			if fe.Code != tt.code {
				t.Fatalf("NormalizeIDNumberAt(%q) code %s, want %s", tt.in, fe.Code, tt.code)
			}
			if !hasMessages(fe) || fe.Field != "" {
				t.Fatalf("error %+v: want both messages and no field", fe)
			}
			if got != "" {
				t.Fatalf("NormalizeIDNumberAt(%q) returned %q with an error", tt.in, got)
			}
		})
	}
}

func TestNormalizeIDNumberUsesChinaDate(t *testing.T) {
	// 2026-03-01 16:30 UTC is already 2 March in China: a baby born on 2 March can be
	// registered although it is still 1 March in UTC.
	now := time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)
	if _, err := NormalizeIDNumberAt("620102202603020019", now); err != nil {
		t.Fatalf("born on the China date of now: %v", err)
	}
}

func TestIDNumberBirthDateAndGender(t *testing.T) {
	tests := []struct {
		in     string
		birth  string
		gender string
	}{
		{"11010519491231002X", "1949-12-31", GenderFemale},
		{"62010219900307123X", "1990-03-07", GenderMale},
		{"620102199003071248", "1990-03-07", GenderFemale},
		{"620102900307123", "1990-03-07", GenderMale},
		{"620102900307124", "1990-03-07", GenderFemale},
	}
	for _, tt := range tests {
		b, ok := IDNumberBirthDate(tt.in)
		if !ok || b.Format("2006-01-02") != tt.birth || b.Location() != chinaTime || b.Hour() != 0 {
			t.Errorf("IDNumberBirthDate(%q) = %v, %v; want %s midnight CST", tt.in, b, ok, tt.birth)
		}
		g, ok := IDNumberGender(tt.in)
		if !ok || g != tt.gender {
			t.Errorf("IDNumberGender(%q) = %q, %v; want %q", tt.in, g, ok, tt.gender)
		}
	}
	for _, bad := range []string{"", "620102199003071249", "abc"} {
		if _, ok := IDNumberBirthDate(bad); ok {
			t.Errorf("IDNumberBirthDate(%q) ok, want false", bad)
		}
		if _, ok := IDNumberGender(bad); ok {
			t.Errorf("IDNumberGender(%q) ok, want false", bad)
		}
	}
}

func TestMaskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"620102199003071248", "620102********1248"},
		{"62010219900307123x", "620102********123X"},
		{" 620102 19900307 123X ", "620102********123X"},
		{"620102900307123", "620102******123"},
		// Malformed values keep only their last four characters, or nothing.
		{"6201021990030712", "************0712"},
		{"12345678", "********"},
		{"身份证号码不详无法核实", "*******无法核实"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMakeIDNumber(t *testing.T) {
	tests := []struct {
		region string
		birth  time.Time
		seq    int
		want   string
	}{
		{"110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 2, "11010519491231002X"},
		{"620102", time.Date(1990, 3, 7, 23, 0, 0, 0, chinaTime), 123, "62010219900307123X"},
		{"620102", time.Date(1990, 3, 7, 0, 0, 0, 0, chinaTime), 1124, "620102199003071248"},
		{"620102", time.Date(1990, 3, 7, 0, 0, 0, 0, chinaTime), -876, "620102199003071248"},
	}
	for _, tt := range tests {
		got := MakeIDNumber(tt.region, tt.birth, tt.seq)
		if got != tt.want {
			t.Errorf("MakeIDNumber(%s, %s, %d) = %s, want %s", tt.region, tt.birth.Format(time.DateOnly), tt.seq, got, tt.want)
		}
		if _, err := NormalizeIDNumberAt(got, testNow); err != nil {
			t.Errorf("MakeIDNumber result %s does not validate: %v", got, err)
		}
	}
}

func TestMakeIDNumberPanicsOnBadRegion(t *testing.T) {
	for _, region := range []string{"", "62010", "6201021", "62010a", "６２０１０２"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MakeIDNumber(%q, ...) did not panic", region)
				}
			}()
			MakeIDNumber(region, testNow, 1)
		}()
	}
}

func TestFieldErrorWithFieldAndIs(t *testing.T) {
	_, err := NormalizeIDNumberAt("620102199003071249", testNow)
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("want *FieldError, got %T", err)
	}
	named := fe.WithField("parties[0].id_number")
	if named.Field != "parties[0].id_number" || fe.Field != "" {
		t.Fatalf("WithField changed the original or did not set the copy: %+v %+v", fe, named)
	}
	if !errors.Is(named, &FieldError{Code: CodeIDNumberChecksum}) {
		t.Fatal("errors.Is should match by code")
	}
	if errors.Is(named, &FieldError{Code: CodeIDNumberRegion}) {
		t.Fatal("errors.Is matched a different code")
	}
	if named.Error() != fe.Message("zh-CN") || !strings.Contains(named.Error(), "校验位") {
		t.Fatalf("Error() = %q, want the Chinese message", named.Error())
	}
}

func FuzzNormalizeIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "620102900307123", "620102199003071249",
		"", "  ", "１１０１０５１９４９１２３１００２Ｘ", "62010219900307123", "\xff\xfe", "X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := NormalizeIDNumberAt(s, testNow)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Code == "" || !hasMessages(fe) {
				t.Fatalf("NormalizeIDNumberAt(%q): error %#v is not a complete *FieldError", s, err)
			}
			if id != "" {
				t.Fatalf("NormalizeIDNumberAt(%q) returned %q with an error", s, id)
			}
			return
		}
		if len(id) != 18 && len(id) != 15 {
			t.Fatalf("NormalizeIDNumberAt(%q) = %q: wrong length", s, id)
		}
		if again, err := NormalizeIDNumberAt(id, testNow); err != nil || again != id {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, id, again, err)
		}
		if len(id) == 18 && MakeIDNumber(id[:6], mustBirth(t, id), atoi(id[14:17])) != id {
			t.Fatalf("%q: MakeIDNumber disagrees on the check character", id)
		}
		// Whatever the length, the birth date (and for 18 characters the first two
		// sequence digits) must be starred and everything else kept.
		hidden := map[int]int{18: 14, 15: 12}[len(id)]
		masked := MaskIDNumber(id)
		if len(masked) != len(id) || masked[:6] != id[:6] || masked[hidden:] != id[hidden:] ||
			strings.Trim(masked[6:hidden], "*") != "" {
			t.Fatalf("MaskIDNumber(%q) = %q: wrong shape", id, masked)
		}
	})
}

func mustBirth(t *testing.T, id string) time.Time {
	t.Helper()
	b, ok := idBirthDate(id)
	if !ok {
		t.Fatalf("%q validated but has no birth date", id)
	}
	return b
}

func FuzzMakeIDNumber(f *testing.F) {
	f.Add(uint32(620102), int64(0), 1)
	f.Add(uint32(110105), int64(-2000000000), 999)
	f.Fuzz(func(t *testing.T, region uint32, unix int64, seq int) {
		r := region % 1000000
		region6 := string([]byte{
			byte('0' + r/100000%10), byte('0' + r/10000%10), byte('0' + r/1000%10),
			byte('0' + r/100%10), byte('0' + r/10%10), byte('0' + r%10),
		})
		birth := time.Unix(unix, 0).In(chinaTime)
		id := MakeIDNumber(region6, birth, seq)
		if len(id) != 18 || idCheckChar(id[:17]) != id[17] {
			t.Fatalf("MakeIDNumber(%s, %v, %d) = %q: bad shape or check character", region6, birth, seq, id)
		}
		y := birth.Year()
		if validProvinceCode(region6[:2]) && y >= 1900 && !birth.After(testNow) {
			if _, err := NormalizeIDNumberAt(id, testNow); err != nil {
				t.Fatalf("MakeIDNumber(%s, %v, %d) = %q does not validate: %v", region6, birth, seq, id, err)
			}
		}
	})
}

// hasMessages reports whether fe's message is in both catalogues, so that a reader in
// either language is told what is wrong.
func hasMessages(fe *FieldError) bool {
	_, zh := i18n.Lookup("zh-CN", fe.Key)
	_, en := i18n.Lookup("en", fe.Key)
	return zh && en
}
