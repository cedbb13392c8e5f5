package model

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TextMask stands in a free text for what MaskText takes out of it. It says that
// something was there and nothing of what it was: on a public page even a phone's last
// four digits would be half of what the tracking page asks for.
const TextMask = "***"

// Private is what identifies the people of one case in its free texts: the parties'
// names, phones and ID numbers, and the tracking code, which is the citizen's key to
// the case and belongs to them alone.
type Private struct {
	Parties      []Party
	TrackingCode string
}

// Private returns what identifies c's people; c.Parties must have been read.
func (c *Case) Private() Private {
	return Private{Parties: c.Parties, TrackingCode: c.TrackingCode}
}

// MaskText is the one rule for a free text (a title, a description, a note, a
// notification) that leaves the hands of the staff who handle its case — public
// pages, Open311, notifications, SMS, e-mail, webhooks. It replaces with TextMask:
//
//   - every phone number: a mobile (also inside a longer run of digits, with +86 or
//     0086) and a landline with its area code;
//   - every ID number: 18 characters (and any longer run of digits), or 15 digits whose
//     province and birth date are those of an old number;
//   - the names, phones (a landline's local number too) and ID numbers of priv's
//     parties, and seven digits or more of one of those numbers (a title is cut short
//     where it may), and priv's tracking code;
//   - seven digits or more that end where the text was cut short ("…").
//
// Numbers are found as Chinese input methods and people write them: each character is
// read in NFKC (full-width ０-９ and Ｘ, circled or bold digits are digits), and
// spaces, dashes, dots, brackets and invisible characters between the digits are
// ignored, so "１３９ 1234-5678" is one mobile and is masked whole, separators and all.
// Everything else is kept as it was written. MaskText(MaskText(s)) is MaskText(s).
func MaskText(s string, priv Private) string {
	return newTextRule(priv).mask(s)
}

// MaskParticulars is the one rule for the particulars a paper states of its parties
// (an agreement's 当事人基本情况: sex, age, ID number, phone, address in one text),
// shown beyond the hands that keep them whole: what MaskText finds is masked, and a
// phone or an ID number it finds is shown as every list shows one — MaskIDNumber
// (620102********1234), MaskPhone (138****5678) — so a reader can still tell the
// parties apart. Anything else MaskText would take out stays TextMask.
// MaskParticulars(MaskParticulars(s)) is MaskParticulars(s).
func MaskParticulars(s string) string {
	rule := newTextRule(Private{})
	rule.listForm = true
	return rule.mask(s)
}

// mask applies the rule until the text stands.
func (rule textRule) mask(s string) string {
	for {
		out, spilled := rule.apply(s)
		// A character that NFKC spreads over a masked number and its neighbour (½ is
		// "1⁄2") is masked whole; the neighbour, now shorter, is read once more.
		if !spilled || out == s {
			return out
		}
		s = out
	}
}

// textRule is MaskText's rule for one case, its needles prepared once.
type textRule struct {
	needles [][]rune        // names and tracking code as the text view reads them
	numbers map[string]bool // the parties' phones and ID numbers, as digits
	// listForm shows a masked phone or ID number as a list does (MaskParticulars).
	listForm bool
}

func newTextRule(priv Private) textRule {
	var r textRule
	addNeedle := func(s string, min int) {
		v := textView(s)
		if len(v) < min {
			return
		}
		n := make([]rune, len(v))
		for i, c := range v {
			if c.r == '*' {
				return // a needle of stars would find the masks themselves
			}
			n[i] = c.r
		}
		r.needles = append(r.needles, n)
	}
	addNumber := func(digits string) {
		if len(digits) >= 7 { // shorter would mask dates and amounts
			if r.numbers == nil {
				r.numbers = map[string]bool{}
			}
			r.numbers[digits] = true
		}
	}
	for _, p := range priv.Parties {
		// A party left unnamed is 群众 ("the public"): a word, not a name.
		if name := strings.TrimSpace(p.Name); name != "群众" {
			addNeedle(name, 2)
		}
		if p.Phone != "" {
			if ph, err := NormalizePhone(p.Phone); err == nil {
				area, local, landline := strings.Cut(ph, "-")
				addNumber(area + local)
				if landline {
					addNumber(local)
				}
			} else {
				addNumber(asciiDigits(foldPhoneInput(p.Phone)))
			}
		}
		if p.IDNumber != "" {
			addNumber(foldIDInput(p.IDNumber))
		}
	}
	if priv.TrackingCode != "" {
		addNeedle(priv.TrackingCode, 6)
	}
	return r
}

// viewRune is one character of a text as the rule reads it, and the bytes of the
// text it was read from.
type viewRune struct {
	r          rune
	start, end int
}

// textView reads s as the rule does: each character in NFKC and upper case, without
// the separators people put between digits. A character NFKC makes several of
// (⑽ is "(10)") gives each of them the same bytes.
func textView(s string) []viewRune {
	v := make([]viewRune, 0, utf8.RuneCountInString(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		end := i + size
		if r < utf8.RuneSelf {
			if !isTextSeparator(r) {
				v = append(v, viewRune{unicode.ToUpper(r), i, end})
			}
		} else if m, ok := singleNFKC(s[i:end], r); ok {
			if !isTextSeparator(m) {
				v = append(v, viewRune{unicode.ToUpper(m), i, end})
			}
		} else {
			for _, m := range norm.NFKC.String(s[i:end]) {
				if !isTextSeparator(m) {
					v = append(v, viewRune{unicode.ToUpper(m), i, end})
				}
			}
		}
		i = end
	}
	return v
}

// singleNFKC is the one character r is in NFKC, when it is one: most characters, the
// Chinese ones among them, are their own; full-width forms are one ASCII character.
// Reading them without norm.NFKC.String spares an allocation each.
func singleNFKC(c string, r rune) (rune, bool) {
	d := norm.NFKC.PropertiesString(c).Decomposition()
	if d == nil {
		return r, true
	}
	// A decomposition to one character is a starter that composes with nothing alone.
	if m, size := utf8.DecodeRune(d); size == len(d) {
		return m, true
	}
	return 0, false
}

// isTextSeparator reports whether r may stand between the digits of one number in a
// free text: what a phone may be typed with (isPhoneSeparator), any other space or
// dash, and the invisible characters (zero-width spaces, combining marks).
func isTextSeparator(r rune) bool {
	return isPhoneSeparator(r) || unicode.IsSpace(r) || unicode.In(r, unicode.Pd, unicode.Mn, unicode.Me, unicode.Cf)
}

// span is a run of bytes to mask, and what stands for it when not TextMask.
type span struct {
	start, end int
	with       string
}

// listFormOf is a masked number (the view characters of its run) as a list shows
// it: an ID number by MaskIDNumber, a phone by MaskPhone; "" for anything else.
func listFormOf(run []viewRune) string {
	b := make([]rune, len(run))
	for i, c := range run {
		b[i] = c.r
	}
	d := string(b)
	switch {
	case len(d) == 18 && isASCIIDigit(b[0]), len(d) == 15 && oldIDNumber(d):
		return MaskIDNumber(d)
	}
	if _, err := NormalizePhone(d); err == nil {
		return MaskPhone(d)
	}
	return ""
}

// apply masks s once. spilled says a masked character also gave characters that were
// kept, so the result may read differently from s.
func (rule textRule) apply(s string) (string, bool) {
	v := textView(s)
	hidden := make([]bool, len(v)) // taken by a name or the tracking code
	var spans []span
	mark := func(from, to int, number bool) { // view positions [from, to)
		for i := from; i < to; i++ {
			hidden[i] = true
		}
		sp := span{start: v[from].start, end: v[to-1].end}
		if number && rule.listForm {
			sp.with = listFormOf(v[from:to])
		}
		spans = append(spans, sp)
	}
	for _, n := range rule.needles {
		for i := 0; i+len(n) <= len(v); i++ {
			if runesAt(v, i, n) {
				mark(i, i+len(n), false)
			}
		}
	}
	for i := 0; i < len(v); {
		if hidden[i] || !isASCIIDigit(v[i].r) {
			i++
			continue
		}
		j := i
		for j < len(v) && !hidden[j] && isASCIIDigit(v[j].r) {
			j++
		}
		// The check character of an 18-character ID number.
		if j-i == 17 && j < len(v) && !hidden[j] && v[j].r == 'X' {
			j++
		}
		if rule.masksNumber(v[i:j]) || j-i >= 7 && cutShort(s[v[j-1].end:]) {
			from := i
			if from > 0 && !hidden[from-1] && v[from-1].r == '+' { // +86 goes with its number
				from--
			}
			mark(from, j, true)
		}
		i = j
	}
	if len(spans) == 0 {
		return s, false
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	spilled := false
	for k := 0; k < len(spans); {
		sp := spans[k]
		for k++; k < len(spans) && spans[k].start <= sp.end; k++ {
			sp.end, sp.with = max(sp.end, spans[k].end), "" // overlapping: masked whole
		}
		b.WriteString(s[at:sp.start])
		if sp.with != "" {
			b.WriteString(sp.with)
		} else if !strings.HasSuffix(s[:sp.start], TextMask) { // one mask says it as well as two
			b.WriteString(TextMask)
		}
		at = sp.end
		spilled = spilled || spills(v, hidden, sp)
	}
	b.WriteString(s[at:])
	return b.String(), spilled
}

// spills reports whether a character of sp also gave a view character outside every
// mask, which masking sp takes away from its neighbour.
func spills(v []viewRune, masked []bool, sp span) bool {
	lo := sort.Search(len(v), func(i int) bool { return v[i].end > sp.start })
	for i := lo; i < len(v) && v[i].start < sp.end; i++ {
		if !masked[i] {
			return true
		}
	}
	return false
}

func runesAt(v []viewRune, i int, n []rune) bool {
	for k, r := range n {
		if v[i+k].r != r {
			return false
		}
	}
	return true
}

// masksNumber decides whether a run of digits (and an ID number's X) is a phone or an
// ID number, or holds one of the parties'.
func (rule textRule) masksNumber(run []viewRune) bool {
	b := make([]byte, len(run))
	for i, c := range run {
		b[i] = byte(c.r)
	}
	d := string(b)
	if len(d) >= 18 {
		return true
	}
	for i := 0; i+11 <= len(d); i++ {
		if _, ok := mobileNumber(d[i : i+11]); ok {
			return true
		}
	}
	for i := 0; i+15 <= len(d); i++ {
		if oldIDNumber(d[i : i+15]) {
			return true
		}
	}
	if _, err := NormalizePhone(d); err == nil {
		return true
	}
	if strings.HasPrefix(d, "86") {
		if _, err := NormalizePhone("+" + d); err == nil {
			return true
		}
	}
	for n := range rule.numbers {
		// A title cut at 30 characters may end inside a party's number.
		if strings.Contains(d, n) || len(d) >= 7 && strings.Contains(n, d) {
			return true
		}
	}
	return false
}

// cutShort reports whether the text after a number says it was cut there ("…"), as a
// title made of a description's first words may be: what is left of a phone or an ID
// number cannot be told from a count of things.
func cutShort(rest string) bool {
	rest = strings.TrimLeft(rest, " \u3000")
	return strings.HasPrefix(rest, "…") || strings.HasPrefix(rest, "...")
}

// oldIDNumber reports whether 15 digits read as a pre-1999 ID number: a province and a
// birth date. The check is loose on purpose: a mistyped number is still someone's.
func oldIDNumber(d string) bool {
	if !validProvinceCode(d[:2]) {
		return false
	}
	_, ok := idBirthDate(d)
	return ok
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func asciiDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
