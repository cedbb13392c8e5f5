// Package search turns Chinese and mixed text into index terms, and what a user
// types into a query over them. It does no I/O: the index itself lives in each
// store (SQLite FTS5, PostgreSQL tsvector), which is given the terms this package
// makes, so both stores find exactly the same cases.
//
// Chinese needs no spaces, and a dictionary would miss the names of villages and
// people that clerks search for most, so a run of CJK characters is indexed as its
// overlapping bigrams (土地纠纷 → 土地 地纠 纠纷) and its last character alone (纷),
// so that a single character can be found as a prefix. Letters and digits run
// together into one word (G312, 3, room12). Text is first folded: NFKC (full-width
// Ｇ３１２ is G312), then lower case.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is text as it is indexed and searched: NFKC, then lower case. Invalid UTF-8
// becomes U+FFFD first: NFKC passes an invalid sequence through with the character
// after it unnormalised, and lower-casing then replaces the bytes, so a second Fold
// (a query's words are folded, then tokenised) would normalise what the first left,
// and a text would not find itself.
func Fold(text string) string {
	return strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(text, "\uFFFD")))
}

// isCJK tells whether r is written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// isWord tells whether r belongs to a latin, digit or other spaced word.
func isWord(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) && !isCJK(r)
}

// maxWord bounds one word's length: a longer run (a pasted hash, a base64 blob) is
// cut, as nobody types it to search.
const maxWord = 40

// Tokens returns the index terms of text, in their order; adjacent terms are
// adjacent in the text, which phrase queries rely on.
func Tokens(text string) []string {
	text = Fold(text)
	var out []string
	var cjk []rune
	wordStart := -1
	flushCJK := func() {
		for i := 0; i+1 < len(cjk); i++ {
			out = append(out, string(cjk[i:i+2]))
		}
		if len(cjk) > 0 {
			out = append(out, string(cjk[len(cjk)-1]))
		}
		cjk = cjk[:0]
	}
	flushWord := func(end int) {
		if wordStart >= 0 {
			w := text[wordStart:end]
			if utf8.RuneCountInString(w) > maxWord {
				w = string([]rune(w)[:maxWord])
			}
			out = append(out, w)
			wordStart = -1
		}
	}
	for i, r := range text {
		switch {
		case isCJK(r):
			flushWord(i)
			cjk = append(cjk, r)
		case isWord(r):
			flushCJK()
			if wordStart < 0 {
				wordStart = i
			}
		default:
			flushWord(i)
			flushCJK()
		}
	}
	flushWord(len(text))
	flushCJK()
	return out
}

// Document is the index text of a case's texts: their terms, space-separated, a
// piece's last term never adjacent to the next piece's first in a phrase's sense
// (the stores see pieces as one sequence, which is harmless: a phrase across two
// pieces is as likely as one across two sentences).
func Document(pieces ...string) string {
	var b strings.Builder
	for _, p := range pieces {
		for _, t := range Tokens(p) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// Term is one thing a query asks for: its tokens, adjacent and in order; when
// Prefix, the last one is a prefix (a single CJK character at the end).
type Term struct {
	Text   string // the folded text the user typed, for highlighting
	Tokens []string
	Prefix bool
}

// Query is a parsed search: every term must match, or with Any at least one.
type Query struct {
	Terms []Term
	Any   bool
}

// Limits of a query: more is never typed by hand.
const (
	maxTerms  = 8
	maxTokens = 32
)

// Parse reads what a user typed: words separated by spaces each must match, a
// text in double quotes (ASCII or Chinese quotes) must match as a phrase. A word
// of Chinese and digits is itself a phrase of its terms (3号楼, G312国道), since
// Chinese is written without spaces. A query with no term (only punctuation) is
// empty.
func Parse(q string) Query {
	q = Fold(q)
	// NFKC leaves Chinese quotes alone; they mean what ASCII ones do.
	q = strings.NewReplacer("“", `"`, "”", `"`, "「", `"`, "」", `"`).Replace(q)
	var out Query
	tokens := 0
	add := func(text string) {
		text = strings.Join(strings.Fields(text), " ")
		t := termOf(text)
		if len(t.Tokens) == 0 || len(out.Terms) == maxTerms || tokens+len(t.Tokens) > maxTokens {
			return
		}
		tokens += len(t.Tokens)
		out.Terms = append(out.Terms, t)
	}
	parts := strings.Split(q, `"`)
	if len(parts)%2 == 0 {
		// An unmatched quote (still being typed) quotes nothing.
		parts[len(parts)-2] += " " + parts[len(parts)-1]
		parts = parts[:len(parts)-1]
	}
	for i, part := range parts {
		if i%2 == 1 { // inside quotes
			add(part)
			continue
		}
		for _, w := range strings.Fields(part) {
			add(w)
		}
	}
	return out
}

// termOf is the phrase of text's tokens as a query needs them: a CJK run's trailing
// single character, indexed so that one character can be found, is dropped at the
// phrase's end, where the text may go on (土地 must find 土地纠纷, whose tokens
// there are 土地 地纠); a phrase ending in one lone CJK character asks for it as a
// prefix.
func termOf(text string) Term {
	toks := Tokens(text)
	t := Term{Text: text}
	if len(toks) == 0 {
		return t
	}
	last := toks[len(toks)-1]
	if r, _ := utf8.DecodeRuneInString(last); isCJK(r) && utf8.RuneCountInString(last) == 1 {
		if len(toks) >= 2 && isCJKPair(toks[len(toks)-2], last) {
			toks = toks[:len(toks)-1] // the bigram before already ends with it
		} else {
			t.Prefix = true
		}
	}
	t.Tokens = toks
	return t
}

// isCJKPair tells whether bigram ends with the character single.
func isCJKPair(bigram, single string) bool {
	return utf8.RuneCountInString(bigram) == 2 && strings.HasSuffix(bigram, single)
}

// Empty tells whether q asks for nothing.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// FTS5 is q as an SQLite FTS5 MATCH expression over a column of Document text
// (tokenize='ascii': terms are split on spaces only). Tokens hold no quotes, so
// each phrase is quoted as it is.
func (q Query) FTS5() string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		parts[i] = `"` + strings.Join(t.Tokens, " ") + `"`
		if t.Prefix {
			parts[i] += "*"
		}
	}
	if q.Any {
		return strings.Join(parts, " OR ")
	}
	return strings.Join(parts, " AND ")
}

// TSQuery is q as a PostgreSQL tsquery literal over a tsvector of Document's terms
// with their positions (TSVector).
func (q Query) TSQuery() string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		toks := make([]string, len(t.Tokens))
		for j, tok := range t.Tokens {
			toks[j] = "'" + tok + "'"
		}
		if t.Prefix {
			toks[len(toks)-1] += ":*"
		}
		parts[i] = "(" + strings.Join(toks, " <-> ") + ")"
	}
	if q.Any {
		return strings.Join(parts, " | ")
	}
	return strings.Join(parts, " & ")
}

// maxPosition is the largest position a PostgreSQL tsvector keeps, maxPositions the
// most positions it keeps of one term.
const (
	maxPosition  = 16383
	maxPositions = 256
)

// TSVector is a Document as a PostgreSQL tsvector literal, each term with its
// position, so that phrases (<->) match as in FTS5. It is built here rather than
// by to_tsvector, whose parser would split and stem by the database's settings.
func TSVector(doc string) string {
	pos := map[string][]int{}
	var order []string
	for i, t := range strings.Fields(doc) {
		p := min(i+1, maxPosition)
		if _, ok := pos[t]; !ok {
			order = append(order, t)
		}
		if l := pos[t]; len(l) < maxPositions && (len(l) == 0 || l[len(l)-1] != p) {
			pos[t] = append(l, p)
		}
	}
	var b strings.Builder
	for _, t := range order {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("'" + t + "':")
		for j, p := range pos[t] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(itoa(p))
		}
	}
	return b.String()
}

func itoa(n int) string {
	var buf [8]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(buf[i:])
		}
	}
}

// maxSimilar is how many of a text's terms a likeness search asks for.
const maxSimilar = 16

// Similar is a query for the texts that share terms with text (a case being
// registered, to find the same complaint registered before): any of its first
// distinct terms of two or more characters, the stores ranking those that share
// more, and rarer ones, first. Shared judges how alike a found text is.
func Similar(text string) Query {
	q := Query{Any: true}
	seen := map[string]bool{}
	for _, t := range Tokens(text) {
		if utf8.RuneCountInString(t) < 2 || seen[t] {
			continue
		}
		seen[t] = true
		q.Terms = append(q.Terms, Term{Text: t, Tokens: []string{t}})
		if len(q.Terms) == maxSimilar {
			break
		}
	}
	return q
}

// Shared tells how many of q's terms text holds.
func Shared(q Query, text string) int {
	have := map[string]bool{}
	for _, t := range Tokens(text) {
		have[t] = true
	}
	n := 0
	for _, t := range q.Terms {
		if len(t.Tokens) == 1 && have[t.Tokens[0]] {
			n++
		}
	}
	return n
}
