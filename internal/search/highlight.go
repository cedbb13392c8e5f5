package search

import "strings"

// Segment is a piece of a passage; Match marks what the query found.
type Segment struct {
	Text  string
	Match bool
}

// Passage returns the part of text around the first place q matches, at most width
// characters (with … where it is cut), its matches marked. It returns nil when q
// finds nothing in text (the case matched by another of its texts).
func Passage(text string, q Query, width int) []Segment {
	runes := []rune(text)
	folded := make([]string, len(runes)) // each character of text as the index sees it
	for i, r := range runes {
		folded[i] = Fold(string(r))
	}
	marked := make([]bool, len(runes))
	first := -1
	for _, t := range q.Terms {
		needle := []rune(strings.ReplaceAll(t.Text, " ", ""))
		for i := 0; i < len(runes); i++ {
			n := matchAt(folded, i, needle)
			if n == 0 {
				continue
			}
			for j := i; j < i+n; j++ {
				marked[j] = true
			}
			if first < 0 || i < first {
				first = i
			}
			i += n - 1
		}
	}
	if first < 0 {
		return nil
	}
	start := max(0, first-width/4)
	end := min(len(runes), start+width)
	start = max(0, min(start, end-width))
	var out []Segment
	if start > 0 {
		out = append(out, Segment{Text: "…"})
	}
	for i := start; i < end; {
		j := i
		for j < end && marked[j] == marked[i] {
			j++
		}
		out = append(out, Segment{Text: string(runes[i:j]), Match: marked[i]})
		i = j
	}
	if end < len(runes) {
		out = append(out, Segment{Text: "…"})
	}
	return out
}

// matchAt tells how many characters of text, from i, spell needle as folded (a
// full-width Ｇ matches g), skipping spaces in the text; 0 when they do not.
func matchAt(folded []string, i int, needle []rune) int {
	k := 0
	j := i
	for ; j < len(folded) && k < len(needle); j++ {
		f := folded[j]
		if strings.TrimSpace(f) == "" && j > i {
			continue
		}
		for _, r := range f {
			if k >= len(needle) || r != needle[k] {
				return 0
			}
			k++
		}
	}
	if k < len(needle) {
		return 0
	}
	return j - i
}
