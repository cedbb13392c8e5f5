package model

import (
	"strings"
)

// Codes of the errors NormalizePhone returns.
const (
	CodePhoneEmpty   = "phone_empty"
	CodePhoneChars   = "phone_chars"
	CodePhoneService = "phone_service"
	CodePhoneFormat  = "phone_format"
)

// NormalizePhone validates the phone number of a party or a user and returns its
// stored form: a mainland mobile as 11 digits ("13812345678"), a landline as area code,
// dash, local number ("0931-8123456"). Spaces, dashes, dots and brackets are ignored,
// full-width digits are folded, and the country prefix +86, 0086 or 86 is dropped.
//
// Short service numbers (110, 12345, 95588) and 400/800 numbers are refused: they
// reach an organisation, not the person the centre must call back. Errors are
// *FieldError values with the CodePhone* codes.
func NormalizePhone(s string) (string, error) {
	p := foldPhoneInput(s)
	if p == "" {
		return "", Invalid("", CodePhoneEmpty, "invalid.phone.empty")
	}
	p, intl := stripCountryCode(p)
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return "", Invalid("", CodePhoneChars, "invalid.phone.chars")
		}
	}
	if mobile, ok := mobileNumber(p); ok {
		return mobile, nil
	}
	// From abroad a landline is dialled without its trunk 0: +86 931 8123456,
	// +86 10 12345678.
	if intl && p != "" && p[0] != '0' {
		p = "0" + p
	}
	if area, local, ok := landlineParts(p); ok {
		return area + "-" + local, nil
	}
	if isServiceNumber(p) {
		return "", Invalid("", CodePhoneService, "invalid.phone.service")
	}
	return "", Invalid("", CodePhoneFormat, "invalid.phone.format")
}

// foldPhoneInput drops the separators people type inside phone numbers and folds the
// full-width characters of Chinese input methods to ASCII.
func foldPhoneInput(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case isPhoneSeparator(r):
			continue
		case r == '＋':
			r = '+'
		default:
			r = foldFullWidthDigit(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isPhoneSeparator reports whether r is one of what people type between the digits of
// a phone number: spaces, dashes, dots and brackets, half- or full-width.
func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\u3000', '\u00a0', '-', '－', '—', '–', '.', '(', ')', '（', '）':
		return true
	}
	return false
}

// stripCountryCode removes China's country code and reports whether one was there. A
// bare "86" is taken as the country code only before a mobile number, where the length
// makes it unambiguous.
func stripCountryCode(p string) (string, bool) {
	switch {
	case strings.HasPrefix(p, "+86"):
		return p[3:], true
	case strings.HasPrefix(p, "0086"):
		return p[4:], true
	case len(p) == 13 && strings.HasPrefix(p, "861"):
		return p[2:], true
	}
	return p, false
}

// mobileNumber accepts the 11-digit mainland mobile numbers, whose second digit is 3–9
// in every segment the MIIT has allocated.
func mobileNumber(p string) (string, bool) {
	if len(p) == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' {
		return p, true
	}
	return "", false
}

// landlineParts splits a landline into area code and local number. Area codes are 010
// (Beijing) and 02X (the large cities) with three digits, every other one with four;
// local numbers have 7 or 8 digits and never start with 0 or 1, which are the trunk and
// service prefixes.
func landlineParts(p string) (area, local string, ok bool) {
	if len(p) < 3 || p[0] != '0' {
		return "", "", false
	}
	switch {
	case p[1] == '1' && p[2] == '0', p[1] == '2':
		area = p[:3]
	case p[1] >= '3' && p[1] <= '9':
		if len(p) < 4 {
			return "", "", false
		}
		area = p[:4]
	default:
		return "", "", false
	}
	local = p[len(area):]
	if len(local) < 7 || len(local) > 8 || local[0] < '2' {
		return "", "", false
	}
	return area, local, true
}

// isServiceNumber recognises the numbers of public services and companies: 1XX–1XXXX
// and 9XXXX short codes, and the nationwide 400/800 numbers.
func isServiceNumber(p string) bool {
	switch {
	case len(p) >= 3 && len(p) <= 8 && (p[0] == '1' || p[0] == '9'):
		return true
	case len(p) == 10 && (strings.HasPrefix(p, "400") || strings.HasPrefix(p, "800")):
		return true
	}
	return false
}

// MaskPhone hides the middle of a phone number for lists: "138****5678" for a mobile,
// "0931-***3456" for a landline, whose area code says only where the phone is. A value
// that is not a valid phone keeps at most its last four characters.
func MaskPhone(s string) string {
	p, err := NormalizePhone(s)
	if err != nil {
		return maskKeepLast(foldPhoneInput(s), 4)
	}
	if area, local, ok := strings.Cut(p, "-"); ok {
		return area + "-" + strings.Repeat("*", len(local)-4) + local[len(local)-4:]
	}
	return p[:3] + "****" + p[7:]
}

// PhoneLast4 returns the last four digits of a phone number, which the public portal
// asks for together with a tracking code to prove a citizen's claim to a case. It
// returns "" when the value has fewer than four digits.
func PhoneLast4(s string) string {
	var digits []byte
	for _, r := range foldPhoneInput(s) {
		if r >= '0' && r <= '9' {
			digits = append(digits, byte(r))
		}
	}
	if len(digits) < 4 {
		return ""
	}
	return string(digits[len(digits)-4:])
}
