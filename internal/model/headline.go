package model

import (
	"strings"
	"unicode"
)

// Headline is text's first line, whole when it fits in limit characters (runes), else
// cut where a reader expects a pause and marked with "…", the result never longer
// than limit: at the last clause mark (，。；：！？、 and their ASCII forms) or space in
// the last two thirds of the room; failing that, before a run of Latin letters or
// digits; failing that, at the room's end, but never inside such a run ("86万元" and
// "Open311" stay whole). Titles made from a description, the lists that show a
// title in a narrow cell, and the summaries of notes in the audit log and notices
// all cut text by it, so that nothing reads as cut mid-phrase.
func Headline(text string, limit int) string {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	rs := []rune(line)
	if len(rs) <= limit {
		return line
	}
	if limit < 2 {
		return string(rs[:limit])
	}
	room := limit - 1 // the ellipsis takes one
	least := max(1, limit/3)
	cut := -1
	for i := room; i >= least && cut < 0; i-- {
		if strings.ContainsRune(clauseMarks, rs[i]) || unicode.IsSpace(rs[i]) {
			cut = i
		}
	}
	for i := room; i >= least && cut < 0; i-- {
		if isWordRune(rs[i]) && !isWordRune(rs[i-1]) {
			cut = i
		}
	}
	if cut < 0 {
		cut = room
		for cut > least && isWordRune(rs[cut]) && isWordRune(rs[cut-1]) {
			cut--
		}
		if isWordRune(rs[cut]) && isWordRune(rs[cut-1]) {
			cut = room // one run fills the room: cut it rather than leave nothing
		}
	}
	head := strings.TrimRightFunc(string(rs[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(clauseMarks, r)
	})
	return head + "…"
}

// clauseMarks end a clause or a list item; a headline may stop before one.
const clauseMarks = "，。；：！？、,.;:!?…"

// isWordRune tells a letter or digit of a Latin-script run (a number, a code, an
// English word), which a headline never splits.
func isWordRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
