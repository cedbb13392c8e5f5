package risk

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// Input is one case and its recent history, as plain values. History counts
// cover the last Rules.WindowDays days (90) and involve the same parties;
// the caller gathers them.
type Input struct {
	Kind         model.CaseKind // dispute, petition, hazard, service (rules apply to all kinds)
	CategoryCode string         // e.g. "dispute.marriage.dv"
	Title        string         // scanned for phrases together with Description
	Description  string
	People       int   // people involved; ≥ 5 is 群体性
	AmountFen    int64 // amount at stake, in fen (分)

	// Party attributes: any party of the case.
	Minor               bool
	SevereMentalIllness bool
	Injured             bool

	// History in the window: over this case and the same parties' other cases.
	PriorCases            int // the same parties' earlier cases
	PoliceCalls           int // police calls (110 警情)
	Visits                int // visits and petitions (来访/信访)
	FailedMediations      int // mediations that ended without agreement
	SkippedLevelPetitions int // petitions that skipped a level (越级上访)
	// Others are the other cases the counts above include, each with its share, and
	// the injuries recorded on them: Result.For words the explanation for a reader who
	// sees only some of them. Injured above is the case's own.
	Others []Source
}

// Fired is one indicator that fired, with the weight it added to the score.
type Fired struct {
	Indicator Indicator `json:"indicator"`
	Label     string    `json:"label"`  // Chinese name of the indicator
	Weight    int       `json:"weight"` // points added to the score
	Value     int64     `json:"value"`  // count, people, yuan, phrases matched, or 1
	Heavy     bool      `json:"heavy,omitempty"`
	Detail    string    `json:"detail"`          // Chinese explanation, e.g. 描述中出现「同归于尽」
	Facts     []Fact    `json:"facts,omitempty"` // the same, for a page to word in its language
}

// Fact is one reason an indicator fired, as a message key of the UI's catalogue
// ("risk_fact." + Key) and the values it takes in order. Detail is the facts worded
// in Chinese (FactWords), for the timeline's note and Explain, and all that results
// stored before facts were kept have.
type Fact struct {
	Key  string   `json:"key"`
	List []string `json:"list,omitempty"` // words quoted from the case, the first value as one
	Args []string `json:"args,omitempty"`
}

// ListSep joins a fact's List in Chinese: 「扬言」「跳楼」.
const ListSep = "」「"

// Values are the values of the fact's message, its List joined by listSep first.
func (f Fact) Values(listSep string) []any {
	var vals []any
	if f.List != nil {
		vals = append(vals, strings.Join(f.List, listSep))
	}
	for _, a := range f.Args {
		vals = append(vals, a)
	}
	return vals
}

// FactWords words each kind of fact in Chinese, as the zh-CN catalogue's risk_fact.*
// does (a test holds the two alike).
var FactWords = map[string]string{
	"phrases":               "描述中出现「%s」",
	"category":              "案件类别为%s",
	"police_calls":          "%s日内报警%s次",
	"visits":                "%s日内来访/信访%s次（来访%s次，同一当事人既往案件%s件）",
	"failed_mediations":     "%s日内调解未果%s次",
	"people":                "涉及%s人",
	"people_heavy":          "涉及%s人（%s人以上）",
	"amount":                "涉案金额%s元",
	"severe_mental_illness": "当事人为严重精神障碍患者",
	"minor":                 "当事人中有未成年人",
	"injury":                "有人受伤",
	"skipped_level":         "%s日内越级上访%s次",
	FactOutsideScope:        "辖区外另有记录",
	FactOtherCases:          "其他案件另有记录",
	FactUnscoped:            "另有既往记录（重新评估后按辖区显示）",
}

// detail words facts in Chinese.
func detail(facts []Fact) string {
	parts := make([]string, len(facts))
	for i, f := range facts {
		parts[i] = fmt.Sprintf(FactWords[f.Key], f.Values(ListSep)...)
	}
	return strings.Join(parts, "，")
}

// Result is the outcome of Assess.
type Result struct {
	Level      Level    `json:"level"`       // final level: the score's colour raised by floors
	Score      int      `json:"score"`       // sum of the fired weights
	ScoreLevel Level    `json:"score_level"` // the colour the score reaches alone
	Fired      []Fired  `json:"fired"`       // heaviest first, ties in indicator order
	Floors     []string `json:"floors"`      // names of the floors that held, in rule order
	// History is what the history's counts came from, for For; it is the assessment's
	// own record, never shown (For leaves it out), and absent from results assessed
	// before it was kept.
	History *History `json:"history,omitempty"`
}

// Explain returns a one-line Chinese explanation: the colour and the fired
// indicators with their weights.
func (r Result) Explain() string {
	if len(r.Fired) == 0 {
		return r.Level.Label() + "：无风险指标"
	}
	var b strings.Builder
	b.WriteString(r.Level.Label())
	b.WriteString("（")
	b.WriteString(strconv.Itoa(r.Score))
	b.WriteString("分）：")
	for i, f := range r.Fired {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s +%d（%s）", f.Label, f.Weight, f.Detail)
	}
	for _, name := range r.Floors {
		b.WriteString("；底线规则：")
		b.WriteString(name)
	}
	return b.String()
}

// Value returns the value of an indicator that fired, and whether it fired.
func (r Result) Value(i Indicator) (int64, bool) {
	for _, f := range r.Fired {
		if f.Indicator == i {
			return f.Value, true
		}
	}
	return 0, false
}

// Assess applies the rules to a case. The rules should have passed Validate;
// Assess does not fail on bad rules but skips what it cannot use. It is
// deterministic: the same rules and input give the same result.
func Assess(rules Rules, in Input) Result {
	text := normalize(in.Title) + "\n" + normalize(in.Description)
	m := matcher{text: text, negations: normList(rules.Negations), exceptions: normList(rules.NegationExceptions)}
	m.han.add(text)
	var fired []Fired
	add := func(f Fired) {
		if f.Weight <= 0 {
			return
		}
		f.Label, f.Detail = f.Indicator.Label(), detail(f.Facts)
		fired = append(fired, f)
	}
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	window := rules.WindowDays
	if window <= 0 {
		window = 90
	}

	// Phrase indicators.
	if found := m.find(rules.Threat.Phrases); len(found) > 0 {
		add(Fired{Indicator: Threat, Weight: rules.Threat.Weight, Value: int64(len(found)), Facts: []Fact{phraseFact(found)}})
	}
	if f, ok := domesticViolence(rules.DomesticViolence, in.CategoryCode, &m); ok {
		add(f)
	}
	if found := m.find(rules.SelfHarm.Phrases); len(found) > 0 {
		add(Fired{Indicator: SelfHarm, Weight: rules.SelfHarm.Weight, Value: int64(len(found)), Facts: []Fact{phraseFact(found)}})
	}
	{
		w := rules.WageArrears
		var facts []Fact
		var n int64
		if c, ok := inCategories(in.CategoryCode, w.Categories); ok {
			facts = append(facts, Fact{Key: "category", Args: []string{c}})
			n++
		}
		if found := m.find(w.Phrases); len(found) > 0 {
			facts = append(facts, phraseFact(found))
			n += int64(len(found))
		}
		if n > 0 {
			add(Fired{Indicator: WageArrears, Weight: w.Weight, Value: n, Facts: facts})
		}
	}

	// History counts.
	countFired := func(ind Indicator, rule CountRule, v int64, facts ...Fact) {
		if w, heavy, ok := rule.weigh(v); ok {
			add(Fired{Indicator: ind, Weight: w, Value: v, Heavy: heavy, Facts: facts})
		}
	}
	hist := newHistory(window, in)
	counted := hist.tally()
	for _, c := range []struct {
		ind  Indicator
		rule CountRule
	}{{RepeatPolice, rules.RepeatPolice}, {RepeatVisits, rules.RepeatVisits}, {FailedMediations, rules.FailedMediations}} {
		v, fact := counted.count(c.ind, window)
		countFired(c.ind, c.rule, v, fact)
	}

	// Size of the case.
	people := nonNeg(in.People)
	groupFact := Fact{Key: "people", Args: []string{itoa(people)}}
	if rules.Group.HeavyMin > 0 && people >= rules.Group.HeavyMin {
		groupFact = Fact{Key: "people_heavy", Args: []string{itoa(people), itoa(rules.Group.HeavyMin)}}
	}
	countFired(Group, rules.Group, people, groupFact)
	if in.AmountFen > 0 {
		countFired(Amount, rules.Amount, in.AmountFen/100, Fact{Key: "amount", Args: []string{formatYuan(in.AmountFen)}})
	}

	// Party attributes.
	if in.SevereMentalIllness {
		add(Fired{Indicator: SevereMentalIllness, Weight: rules.SevereMentalIllness.Weight, Value: 1, Facts: []Fact{{Key: "severe_mental_illness"}}})
	}
	if in.Minor {
		add(Fired{Indicator: Minor, Weight: rules.Minor.Weight, Value: 1, Facts: []Fact{{Key: "minor"}}})
	}
	if counted.injured {
		add(Fired{Indicator: Injury, Weight: rules.Injury.Weight, Value: 1, Facts: []Fact{{Key: "injury"}}})
	}

	// Skipped-level petitions: the count, or a phrase counting as one.
	{
		sl := rules.SkippedLevel
		v, fact := counted.count(SkippedLevel, window)
		var facts []Fact
		if v > 0 {
			facts = append(facts, fact)
		}
		if found := m.find(sl.Phrases); len(found) > 0 {
			facts = append(facts, phraseFact(found))
			if v == 0 {
				v = 1
			}
		}
		if len(facts) > 0 {
			countFired(SkippedLevel, sl.CountRule, v, facts...)
		}
	}

	sort.SliceStable(fired, func(i, j int) bool {
		if fired[i].Weight != fired[j].Weight {
			return fired[i].Weight > fired[j].Weight
		}
		return fired[i].Indicator.order() < fired[j].Indicator.order()
	})

	res := Result{Fired: fired, History: hist}
	for _, f := range fired {
		res.Score += f.Weight
	}
	res.ScoreLevel = rules.Thresholds.Level(res.Score)
	res.Level = res.ScoreLevel
	for _, fl := range rules.Floors {
		if fl.Level <= LevelNone || fl.Level > LevelRed || len(fl.When) == 0 {
			continue
		}
		if res.holds(fl.When) {
			res.Floors = append(res.Floors, fl.Name)
			res.Level = MaxLevel(res.Level, fl.Level)
			hist.Floors = append(hist.Floors, fl)
		}
	}
	if res.Fired == nil {
		res.Fired = []Fired{}
	}
	return res
}

func (r Result) holds(when []Condition) bool {
	for _, c := range when {
		v, ok := r.Value(c.Indicator)
		if !ok || v < c.Min {
			return false
		}
	}
	return true
}

// weigh returns the weight a value earns under the rule.
func (c CountRule) weigh(v int64) (weight int, heavy, ok bool) {
	if c.Min < 1 || v < c.Min {
		return 0, false, false
	}
	if c.HeavyMin > c.Min && v >= c.HeavyMin && c.HeavyWeight > 0 {
		return c.HeavyWeight, true, true
	}
	return c.Weight, false, c.Weight > 0
}

func domesticViolence(r DomesticViolenceRule, category string, m *matcher) (Fired, bool) {
	var facts []Fact
	var n int64
	if c, ok := inCategories(category, r.Categories); ok {
		facts = append(facts, Fact{Key: "category", Args: []string{c}})
		n++
	}
	var found []string
	found = append(found, m.find(r.Phrases)...)
	if _, ok := inCategories(category, r.FamilyCategories); ok {
		found = append(found, m.find(r.FamilyPhrases)...)
	}
	if len(found) > 0 {
		facts = append(facts, phraseFact(found))
		n += int64(len(found))
	}
	if n == 0 {
		return Fired{}, false
	}
	return Fired{Indicator: DomesticViolence, Weight: r.Weight, Value: n, Facts: facts}, true
}

// phraseFact is the fact of phrases found in the description.
func phraseFact(found []string) Fact {
	return Fact{Key: "phrases", List: found}
}

// inCategories reports whether code is one of list or a child of one
// ("dispute.marriage" covers "dispute.marriage.dv"), returning the entry.
func inCategories(code string, list []string) (string, bool) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "", false
	}
	for _, c := range list {
		c = strings.TrimSpace(c)
		if c != "" && (code == c || strings.HasPrefix(code, c+".")) {
			return c, true
		}
	}
	return "", false
}

func nonNeg(n int) int64 {
	if n < 0 {
		return 0
	}
	return int64(n)
}

// formatYuan renders fen as yuan: 12345678 → "123456.78", 500000 → "5000".
func formatYuan(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	if r := fen % 100; r != 0 {
		s += fmt.Sprintf(".%02d", r)
	}
	return s
}

// normalize prepares text for phrase matching: full-width ASCII (ＡＢ１２！)
// becomes half-width, letters are lower-cased, and all white space (including
// the ideographic space U+3000) and zero-width characters are removed, so
// "同 归 于 尽" matches 同归于尽. Punctuation is kept, so phrases do not match
// across sentence boundaries.
func normalize(s string) string {
	// Most text, and every phrase of the default rules, is already normal: returned
	// as it is, without a copy (Assess normalises every phrase of the rules anew).
	if isNormal(s) {
		return s
	}
	return rewrite(s)
}

// rewrite is normalize without its shortcut.
func rewrite(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
			continue
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isNormal tells whether normalize would return s unchanged.
func isNormal(s string) bool {
	for _, r := range s {
		// Han characters and ASCII, nearly all of what it reads, skip the Unicode
		// tables: a Han character has no case and is no space.
		if isHan(r) {
			continue
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' || unicode.IsSpace(r) {
				return false
			}
			continue
		}
		switch {
		case r >= 0xFF01 && r <= 0xFF5E, r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF,
			r == utf8.RuneError, unicode.IsSpace(r), unicode.ToLower(r) != r:
			return false
		}
	}
	return true
}

func normList(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if n := normalize(s); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// matcher finds phrases in normalised text.
//
// Negation: an occurrence immediately preceded by a negation (不会报复,
// 没有自杀, 不报复) does not count. Only the words right before the phrase are
// looked at — this is a simple guard against the obvious false positives, not
// a parser: "他说绝对不会去报复" still counts, because 去 stands between. An
// occurrence preceded by an exception that merely ends in a negation (不得不报复,
// 要不同归于尽) counts. A shorter phrase inside a negated longer one (报复 in
// 不会扬言报复) is negated with it.
type matcher struct {
	text       string
	negations  []string
	exceptions []string
	han        hanSet // the Han characters of text
}

// hanSet is a set of the CJK Unified Ideographs (U+4E00–U+9FFF). Every Han phrase's
// UTF-8 starts with one of three lead bytes, so strings.Index stops at nearly every
// character of Chinese text for nearly every phrase; a phrase with a character the
// text lacks is passed over without it (it was half of Assess's time).
type hanSet [(0x9FFF - 0x4E00 + 64) / 64]uint64

func isHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }

// hanBit is where Han character r stands in a hanSet: its word and bit.
func hanBit(r rune) (int, uint64) { return int(r-0x4E00) / 64, 1 << ((r - 0x4E00) % 64) }

func (h *hanSet) add(text string) {
	for _, r := range text {
		if isHan(r) {
			w, b := hanBit(r)
			h[w] |= b
		}
	}
}

// mayHold tells whether every Han character of phrase is in the set.
func (h *hanSet) mayHold(phrase string) bool {
	for _, r := range phrase {
		if isHan(r) {
			if w, b := hanBit(r); h[w]&b == 0 {
				return false
			}
		}
	}
	return true
}

type span struct{ start, end int }

// find returns the phrases of list (as written in the rules, in list order,
// without duplicates) that occur in the text at least once without negation.
func (m *matcher) find(list []string) []string {
	type occ struct {
		phrase int
		span
		negated bool
	}
	var occs []occ
	for i, p := range list {
		np := normalize(p)
		if np == "" || !m.han.mayHold(np) {
			continue
		}
		for from := 0; from < len(m.text); {
			k := strings.Index(m.text[from:], np)
			if k < 0 {
				break
			}
			s := from + k
			occs = append(occs, occ{phrase: i, span: span{s, s + len(np)}, negated: m.negatedAt(s)})
			from = s + len(np)
		}
	}
	// A phrase inside a negated occurrence of another phrase is negated too.
	for i := range occs {
		if occs[i].negated {
			continue
		}
		for j := range occs {
			if occs[j].negated && occs[j].start <= occs[i].start && occs[i].end <= occs[j].end {
				occs[i].negated = true
				break
			}
		}
	}
	hit := make([]bool, len(list))
	for _, o := range occs {
		if !o.negated {
			hit[o.phrase] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for i, p := range list {
		if hit[i] && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func (m *matcher) negatedAt(pos int) bool {
	before := m.text[:pos]
	for _, e := range m.exceptions {
		if strings.HasSuffix(before, e) {
			return false
		}
	}
	for _, n := range m.negations {
		if strings.HasSuffix(before, n) {
			return true
		}
	}
	return false
}
