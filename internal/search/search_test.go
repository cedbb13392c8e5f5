package search

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"土地", []string{"土地", "地"}},
		{"土", []string{"土"}},
		{"土地纠纷", []string{"土地", "地纠", "纠纷", "纷"}},
		{"3号楼", []string{"3", "号楼", "楼"}},
		{"G312国道", []string{"g312", "国道", "道"}},
		{"Ｇ３１２国道", []string{"g312", "国道", "道"}}, // full-width folds to half-width
		{"郭家庄，宅基地。", []string{"郭家", "家庄", "庄", "宅基", "基地", "地"}},
		{"Room 12B 欠薪", []string{"room", "12b", "欠薪", "薪"}},
		{"ｈｅｌｌｏ　ＷＯＲＬＤ", []string{"hello", "world"}}, // and the ideographic space
		{"①号", []string{"1", "号"}},                  // NFKC: circled digits
		{"a-b_c", []string{"a", "b", "c"}},
		{"カタカナ", []string{"カタ", "タカ", "カナ", "ナ"}},
		{strings.Repeat("x", 50), []string{strings.Repeat("x", maxWord)}},
	} {
		if got := Tokens(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		q     string
		fts5  string
		tsq   string
		empty bool
	}{
		{"土地", `"土地"`, `('土地')`, false},
		{"土", `"土"*`, `('土':*)`, false},
		{"欠薪 郭家庄", `"欠薪" AND "郭家 家庄"`, `('欠薪') & ('郭家' <-> '家庄')`, false},
		{"3号楼", `"3 号楼"`, `('3' <-> '号楼')`, false},
		{"3号", `"3 号"*`, `('3' <-> '号':*)`, false},
		{"Ｇ３１２国道", `"g312 国道"`, `('g312' <-> '国道')`, false},
		{`"土地 纠纷"`, `"土地 地 纠纷"`, `('土地' <-> '地' <-> '纠纷')`, false},
		{`“宅基地”  护栏`, `"宅基 基地" AND "护栏"`, `('宅基' <-> '基地') & ('护栏')`, false},
		{`"未闭合 引号`, `"未闭 闭合" AND "引号"`, `('未闭' <-> '闭合') & ('引号')`, false},
		{"，。！", "", "", true},
		{"", "", "", true},
		{`"" ''`, "", "", true},
	} {
		q := Parse(tc.q)
		if q.Empty() != tc.empty || q.FTS5() != tc.fts5 || q.TSQuery() != tc.tsq {
			t.Errorf("Parse(%q): empty %v, FTS5 %s, tsquery %s; want %v, %s, %s", tc.q, q.Empty(), q.FTS5(), q.TSQuery(), tc.empty, tc.fts5, tc.tsq)
		}
	}
	// A query is bounded however much is pasted into the box.
	q := Parse(strings.Repeat("甲乙 ", 100))
	if len(q.Terms) > maxTerms {
		t.Errorf("%d terms", len(q.Terms))
	}
}

// matches says whether doc (Document's text) holds every term of q, as FTS5 and a
// tsquery would decide: each term's tokens adjacent, in order, the last one a prefix
// when Prefix.
func matches(doc string, q Query) bool {
	toks := strings.Fields(doc)
	for _, t := range q.Terms {
		found := false
		for i := 0; i+len(t.Tokens) <= len(toks) && !found; i++ {
			ok := true
			for j, want := range t.Tokens {
				got := toks[i+j]
				if got != want && !(t.Prefix && j == len(t.Tokens)-1 && strings.HasPrefix(got, want)) {
					ok = false
					break
				}
			}
			found = ok
		}
		if !found {
			return false
		}
	}
	return true
}

// What a clerk types finds the text it was typed from, and what is not there finds
// nothing.
func TestQueriesFindTheirText(t *testing.T) {
	doc := Document("郭家庄宅基地纠纷", "村民反映3号楼楼顶漏水，G312国道护栏损坏；欠薪三个月。", "张三")
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"宅基地", true}, {"郭家庄", true}, {"土地", false}, {"护栏", true}, {"欠薪", true},
		{"3号楼", true}, {"G312", true}, {"g312国道", true}, {"国道 护栏", true}, {`"国道护栏"`, true},
		{"漏水 欠薪", true}, {"漏水 工资", false}, {"宅", true}, {"纷", true}, {"张三", true}, {"张", true},
		{"4号楼", false}, {`"护栏国道"`, false}, {"312", false},
	} {
		if got := matches(doc, Parse(tc.q)); got != tc.want {
			t.Errorf("%q in %q: %v, want %v", tc.q, doc, got, tc.want)
		}
	}
}

func TestTSVector(t *testing.T) {
	if got, want := TSVector("土地 地 纠纷 土地"), "'土地':1,4 '地':2 '纠纷':3"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	long := strings.Repeat("a ", 20000)
	v := TSVector(long)
	if n := strings.Count(v, ","); n != maxPositions-1 {
		t.Errorf("%d positions kept of one term", n+1)
	}
}

func TestPassage(t *testing.T) {
	text := "村民反映：郭家庄的宅基地边界被邻居占用，多次协商未果。Ｇ３１２国道旁护栏也损坏了。"
	show := func(segs []Segment) string {
		var b strings.Builder
		for _, s := range segs {
			if s.Match {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	for _, tc := range []struct {
		q     string
		width int
		want  string
	}{
		{"宅基地", 100, "村民反映：郭家庄的[宅基地]边界被邻居占用，多次协商未果。Ｇ３１２国道旁护栏也损坏了。"},
		{"宅基地 邻居", 100, "村民反映：郭家庄的[宅基地]边界被[邻居]占用，多次协商未果。Ｇ３１２国道旁护栏也损坏了。"},
		{"g312", 12, "…未果。[Ｇ３１２]国道旁护栏…"},
		{"护栏", 8, "…道旁[护栏]也损坏了…"},
		{"欠薪", 100, ""},
	} {
		if got := show(Passage(text, Parse(tc.q), tc.width)); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
}

// FuzzTokens: whatever is typed or stored, the terms are folded, non-empty, free of
// spaces and quotes (which the stores' query syntax would read), bounded, and a
// text's own words, quoted, find it.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"郭家庄宅基地", "3号楼 G312国道", `"护栏" 'x'`, "Ｇ３１２", "\xff\xfe", "a\u0301b", "ﬁ", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := Document(s)
		for _, tok := range strings.Fields(doc) {
			if !utf8.ValidString(tok) || strings.ContainsAny(tok, `"'\:*&|!()<>`) || utf8.RuneCountInString(tok) > maxWord {
				t.Fatalf("token %q of %q", tok, s)
			}
		}
		if strings.Join(strings.Fields(doc), " ") != doc {
			t.Fatalf("document %q of %q has empty tokens", doc, s)
		}
		q := Parse(s)
		if q.Empty() != (doc == "") && len(Tokens(s)) <= maxTokens {
			t.Fatalf("query of %q empty %v, document %q", s, q.Empty(), doc)
		}
		if !q.Empty() && len(Tokens(s)) <= maxTokens && !strings.Contains(s, `"`) && !matches(doc, q) {
			t.Fatalf("%q does not find itself: %s in %q", s, q.FTS5(), doc)
		}
		_ = Passage(s, q, 20)
		_ = TSVector(doc)
	})
}

// A likeness query asks for any of a text's terms, and counts how many another
// text shares.
func TestSimilar(t *testing.T) {
	q := Similar("郭家庄宅基地纠纷，郭家庄")
	if got := q.FTS5(); got != `"郭家" OR "家庄" OR "庄宅" OR "宅基" OR "基地" OR "地纠" OR "纠纷"` {
		t.Errorf("FTS5: %s", got)
	}
	if got := q.TSQuery(); !strings.HasPrefix(got, "('郭家') | ('家庄')") {
		t.Errorf("tsquery: %s", got)
	}
	if n := Shared(q, "郭家庄的宅基地"); n != 4 { // 郭家 家庄 宅基 基地
		t.Errorf("shared %d", n)
	}
	if n := Shared(q, "欠薪"); n != 0 {
		t.Errorf("shared %d", n)
	}
	if len(Similar(strings.Repeat("甲乙丙丁戊己庚辛壬癸", 5)).Terms) > maxSimilar {
		t.Error("too many terms")
	}
}
