package model

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Codes of the errors NormalizeIDNumber returns.
const (
	CodeIDNumberEmpty     = "id_number_empty"
	CodeIDNumberChars     = "id_number_chars"
	CodeIDNumberLength    = "id_number_length"
	CodeIDNumberRegion    = "id_number_region"
	CodeIDNumberBirthDate = "id_number_birthdate"
	CodeIDNumberChecksum  = "id_number_checksum"
)

// Genders an ID number encodes in its sequence code: odd for men, even for women.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)

// chinaTime is UTC+8 without tzdata: China has had no daylight saving since 1991, and
// a fixed zone keeps the binary independent of the host's zoneinfo files.
var chinaTime = time.FixedZone("CST", 8*3600)

// idWeights and idCheckChars are the ISO 7064 MOD 11-2 parameters of GB 11643-1999.
var (
	idWeights    = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheckChars = "10X98765432"
)

// NormalizeIDNumber validates a resident identity number (居民身份证号码) and returns it
// in its stored form: no spaces, ASCII digits, an upper-case X. It accepts the
// 18-character numbers of GB 11643-1999 and the 15-digit numbers issued before 1999,
// which some elderly parties still carry. Errors are *FieldError values with the
// CodeIDNumber* codes.
func NormalizeIDNumber(s string) (string, error) {
	return NormalizeIDNumberAt(s, time.Now())
}

// NormalizeIDNumberAt is NormalizeIDNumber with the current time passed in, so that
// "born in the future" is decided against a known day.
func NormalizeIDNumberAt(s string, now time.Time) (string, error) {
	id := foldIDInput(s)
	if id == "" {
		return "", Invalid("", CodeIDNumberEmpty, "invalid.id_number.empty")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= '0' && c <= '9' || c == 'X' && i == len(id)-1 && len(id) != 15 {
			continue
		}
		return "", Invalid("", CodeIDNumberChars, "invalid.id_number.chars")
	}
	if len(id) != 18 && len(id) != 15 {
		return "", Invalid("", CodeIDNumberLength, "invalid.id_number.length")
	}
	if !validProvinceCode(id[:2]) {
		return "", Invalid("", CodeIDNumberRegion, "invalid.id_number.region")
	}
	birth, ok := idBirthDate(id)
	if !ok {
		return "", Invalid("", CodeIDNumberBirthDate, "invalid.id_number.birth_date")
	}
	y, m, d := now.In(chinaTime).Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, chinaTime)) {
		return "", Invalid("", CodeIDNumberBirthDate, "invalid.id_number.birth_future")
	}
	if len(id) == 18 && idCheckChar(id[:17]) != id[17] {
		return "", Invalid("", CodeIDNumberChecksum, "invalid.id_number.checksum")
	}
	return id, nil
}

// foldIDInput removes every space and turns full-width digits and X into ASCII: Chinese
// input methods often type ０-９ and Ｘ, and numbers copied from documents come with
// spaces between the groups.
func foldIDInput(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r == 'x' || r == 'ｘ' || r == 'Ｘ':
			r = 'X'
		default:
			r = foldFullWidthDigit(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func foldFullWidthDigit(r rune) rune {
	if r >= '０' && r <= '９' {
		return r - '０' + '0'
	}
	return r
}

// validProvinceCode reports whether the first two digits name a province-level
// division of GB/T 2260, or one of the codes the Ministry of Public Security uses for
// residence permits of Hong Kong (81), Macao (82) and Taiwan (83) residents and for
// foreigners' permanent residence cards (91).
func validProvinceCode(p string) bool {
	n := int(p[0]-'0')*10 + int(p[1]-'0')
	switch {
	case n >= 11 && n <= 15, n >= 21 && n <= 23, n >= 31 && n <= 37, n >= 41 && n <= 46,
		n >= 50 && n <= 54, n >= 61 && n <= 65:
		return true
	case n == 71, n == 81, n == 82, n == 83, n == 91:
		return true
	}
	return false
}

// idBirthDate reads the birth date of a number whose characters are already checked.
// The old 15-digit numbers carry a two-digit year that always means 19YY: they were
// replaced before anyone born in 2000 needed one.
func idBirthDate(id string) (time.Time, bool) {
	var digits string
	switch len(id) {
	case 18:
		digits = id[6:14]
	case 15:
		digits = "19" + id[6:12]
	default:
		return time.Time{}, false
	}
	y := atoi(digits[0:4])
	m := atoi(digits[4:6])
	d := atoi(digits[6:8])
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, chinaTime)
	// time.Date normalises 02-30 into March; a real date survives the round trip.
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, false
	}
	return t, true
}

func atoi(digits string) int {
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n
}

// idCheckChar computes the GB 11643-1999 check character of the first 17 digits.
func idCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// IDNumberBirthDate returns the birth date an ID number encodes, at midnight China
// time, or false when the number is not valid.
func IDNumberBirthDate(s string) (time.Time, bool) {
	id, err := NormalizeIDNumber(s)
	if err != nil {
		return time.Time{}, false
	}
	return idBirthDate(id)
}

// IDNumberGender returns GenderMale or GenderFemale as the sequence code of a valid ID
// number says, or false when the number is not valid.
func IDNumberGender(s string) (string, bool) {
	id, err := NormalizeIDNumber(s)
	if err != nil {
		return "", false
	}
	// The gender digit is the last of the three sequence digits: position 17 of the
	// 18-character form, the final digit of the 15-digit form.
	g := id[len(id)-1]
	if len(id) == 18 {
		g = id[16]
	}
	if (g-'0')%2 == 1 {
		return GenderMale, true
	}
	return GenderFemale, true
}

// MaskIDNumber hides the birth date and most of the sequence of an ID number for lists
// and exports (个人信息保护法 Art 28): "620102********1234" for 18 characters,
// "620102******123" for 15 digits, whose last four would still reveal a digit of the
// birth date. Anything else, being unrecognised, keeps at most its last four
// characters so a malformed value never leaks more than a valid one would.
func MaskIDNumber(s string) string {
	id := foldIDInput(s)
	switch n := len(id); {
	case n == 18 && isASCII(id):
		return id[:6] + "********" + id[14:]
	case n == 15 && isASCII(id):
		return id[:6] + "******" + id[12:]
	}
	return maskKeepLast(id, 4)
}

// maskKeepLast stars every rune but the last keep ones, and every rune of a value too
// short for that to hide anything.
func maskKeepLast(s string, keep int) string {
	r := []rune(s)
	if len(r) <= 2*keep {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-keep) + string(r[len(r)-keep:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// MakeIDNumber builds a valid 18-character ID number for demo and test data from a
// 6-digit region code, a birth date (its calendar day as written in birth's own
// location) and a sequence number, of which the last three decimal digits are used; an
// odd sequence makes a man, an even one a woman. The result passes NormalizeIDNumber
// whenever the region's province code is valid and the birth date lies between
// 1900-01-01 and today. It panics when region6 is not six ASCII digits, since that is a
// mistake in the calling code rather than in data.
func MakeIDNumber(region6 string, birth time.Time, seq int) string {
	if len(region6) != 6 || strings.IndexFunc(region6, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		panic(fmt.Sprintf("model.MakeIDNumber: region code %q is not six digits", region6))
	}
	seq %= 1000
	if seq < 0 {
		seq += 1000
	}
	y, m, d := birth.Date()
	// Years outside 0–9999 cannot be written in four digits; wrapping them keeps every
	// later field in place, and the result fails validation as it should.
	y = (y%10000 + 10000) % 10000
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region6, y, int(m), d, seq)
	return first17 + string(idCheckChar(first17))
}
