package risk

import (
	"errors"
	"fmt"
	"strings"
)

// Indicator is the code of one risk indicator.
type Indicator string

// The indicators, in the order the rules and the UI list them.
const (
	Threat              Indicator = "threat"                // 扬言报复/同归于尽
	DomesticViolence    Indicator = "domestic_violence"     // 家暴
	SelfHarm            Indicator = "self_harm"             // 跳楼/自杀/喝农药
	WageArrears         Indicator = "wage_arrears"          // 讨薪/拖欠工资
	RepeatPolice        Indicator = "repeat_police"         // police calls in the window
	RepeatVisits        Indicator = "repeat_visits"         // visits/petitions in the window
	FailedMediations    Indicator = "failed_mediations"     // failed mediations in the window
	Group               Indicator = "group"                 // people involved, 群体性
	Amount              Indicator = "amount"                // amount at stake, yuan
	SevereMentalIllness Indicator = "severe_mental_illness" // 严重精神障碍患者
	Minor               Indicator = "minor"                 // 未成年人
	Injury              Indicator = "injury"                // 有人受伤
	SkippedLevel        Indicator = "skipped_level"         // 越级上访
)

// AllIndicators in their fixed order (used to break ties deterministically).
var AllIndicators = []Indicator{
	Threat, DomesticViolence, SelfHarm, WageArrears,
	RepeatPolice, RepeatVisits, FailedMediations,
	Group, Amount, SevereMentalIllness, Minor, Injury, SkippedLevel,
}

var indicatorLabels = map[Indicator]string{
	Threat:              "扬言报复",
	DomesticViolence:    "家庭暴力",
	SelfHarm:            "自伤自杀倾向",
	WageArrears:         "讨薪",
	RepeatPolice:        "反复报警",
	RepeatVisits:        "反复来访",
	FailedMediations:    "多次调解未果",
	Group:               "群体性",
	Amount:              "涉案金额大",
	SevereMentalIllness: "严重精神障碍患者",
	Minor:               "涉及未成年人",
	Injury:              "有人受伤",
	SkippedLevel:        "越级上访",
}

// Valid reports whether i is a known indicator.
func (i Indicator) Valid() bool { _, ok := indicatorLabels[i]; return ok }

// Label returns the Chinese name of the indicator.
func (i Indicator) Label() string {
	if l, ok := indicatorLabels[i]; ok {
		return l
	}
	return string(i)
}

func (i Indicator) order() int {
	for n, x := range AllIndicators {
		if x == i {
			return n
		}
	}
	return len(AllIndicators)
}

// Thresholds are the minimum scores of each colour; they must satisfy
// 0 < Blue < Yellow < Orange < Red. A score below Blue is no warning.
type Thresholds struct {
	Blue   int `json:"blue"`
	Yellow int `json:"yellow"`
	Orange int `json:"orange"`
	Red    int `json:"red"`
}

// Level returns the colour a score reaches on its own.
func (t Thresholds) Level(score int) Level {
	switch {
	case score >= t.Red:
		return LevelRed
	case score >= t.Orange:
		return LevelOrange
	case score >= t.Yellow:
		return LevelYellow
	case score >= t.Blue:
		return LevelBlue
	}
	return LevelNone
}

// PhraseRule fires when any phrase occurs (not negated) in the title or
// description. A zero weight switches the indicator off.
type PhraseRule struct {
	Weight  int      `json:"weight"`
	Phrases []string `json:"phrases"`
}

// DomesticViolenceRule fires when the case's category is one of Categories
// (e.g. dispute.marriage.dv), when one of Phrases occurs anywhere (家暴), or
// when one of FamilyPhrases (殴打, 打骂) occurs in a case whose category is
// under one of FamilyCategories (dispute.marriage, 婚姻家庭): a beating in a
// neighbour quarrel is not domestic violence. Categories match a code and its
// children ("dispute.marriage" matches "dispute.marriage.divorce").
type DomesticViolenceRule struct {
	Weight           int      `json:"weight"`
	Phrases          []string `json:"phrases"`
	FamilyPhrases    []string `json:"family_phrases"`
	Categories       []string `json:"categories"`
	FamilyCategories []string `json:"family_categories"`
}

// CategoryPhraseRule fires on a phrase or on a category (and its children).
type CategoryPhraseRule struct {
	Weight     int      `json:"weight"`
	Phrases    []string `json:"phrases"`
	Categories []string `json:"categories"`
}

// CountRule fires when a count reaches Min with Weight, and with HeavyWeight
// instead when it reaches HeavyMin (HeavyMin 0: no heavy tier). For Amount the
// counts are yuan, for Group people, otherwise events in the window.
type CountRule struct {
	Weight      int   `json:"weight"`
	Min         int64 `json:"min"`
	HeavyWeight int   `json:"heavy_weight,omitempty"`
	HeavyMin    int64 `json:"heavy_min,omitempty"`
}

// SkippedLevelRule is a CountRule over skipped-level petitions in the window;
// a phrase in the description (越级上访, 进京上访) counts as one.
type SkippedLevelRule struct {
	CountRule
	Phrases []string `json:"phrases"`
}

// FlagRule fires when a party attribute is set.
type FlagRule struct {
	Weight int `json:"weight"`
}

// Condition of a floor: Indicator fired and its Value is at least Min (Min 0:
// fired at all). Values: the count for count indicators, yuan for amount,
// people for group, the number of distinct phrases for phrase indicators, 1
// for flags.
type Condition struct {
	Indicator Indicator `json:"indicator"`
	Min       int64     `json:"min,omitempty"`
}

// Floor raises the level to at least Level when all its conditions hold,
// whatever the score: some combinations are dangerous beyond their sum.
type Floor struct {
	Name  string      `json:"name"`
	When  []Condition `json:"when"`
	Level Level       `json:"level"`
}

// Rules are the editable data behind the warning. They serialise to JSON; an
// admin edits them and Validate checks them before they are used.
type Rules struct {
	// WindowDays is the history window the caller counts over (90).
	WindowDays int        `json:"window_days"`
	Thresholds Thresholds `json:"thresholds"`
	// Negations written immediately before a phrase cancel that occurrence
	// (不会报复, 没有自杀); NegationExceptions end in a negation but are not
	// one (不得不报复).
	Negations          []string `json:"negations"`
	NegationExceptions []string `json:"negation_exceptions"`

	Threat              PhraseRule           `json:"threat"`
	DomesticViolence    DomesticViolenceRule `json:"domestic_violence"`
	SelfHarm            PhraseRule           `json:"self_harm"`
	WageArrears         CategoryPhraseRule   `json:"wage_arrears"`
	RepeatPolice        CountRule            `json:"repeat_police"`
	RepeatVisits        CountRule            `json:"repeat_visits"`
	FailedMediations    CountRule            `json:"failed_mediations"`
	Group               CountRule            `json:"group"`
	Amount              CountRule            `json:"amount"`
	SevereMentalIllness FlagRule             `json:"severe_mental_illness"`
	Minor               FlagRule             `json:"minor"`
	Injury              FlagRule             `json:"injury"`
	SkippedLevel        SkippedLevelRule     `json:"skipped_level"`

	Floors []Floor `json:"floors"`

	Response ResponseRule `json:"response"`
	StepDown StepDownRule `json:"step_down"`
}

// DefaultRules returns the shipped rules. Scores: blue ≥ 10, yellow ≥ 30,
// orange ≥ 60, red ≥ 90.
func DefaultRules() Rules {
	return Rules{
		WindowDays:         90,
		Thresholds:         Thresholds{Blue: 10, Yellow: 30, Orange: 60, Red: 90},
		Negations:          []string{"不会", "不想", "不要", "不再", "不曾", "并未", "并没有", "没有", "没", "未曾", "未", "无", "不"},
		NegationExceptions: []string{"不得不", "不能不", "不会不", "不可能不", "要不"},
		Threat: PhraseRule{Weight: 40, Phrases: []string{
			"扬言报复", "扬言", "报复", "同归于尽", "鱼死网破", "血债血偿", "以命相搏",
			"弄死", "杀了他", "杀了你", "杀了她", "杀人", "砍死", "捅死", "拿刀", "放火", "炸了",
		}},
		DomesticViolence: DomesticViolenceRule{
			Weight:           30,
			Phrases:          []string{"家暴", "家庭暴力"},
			FamilyPhrases:    []string{"殴打", "打骂", "毒打", "打伤", "动手打"},
			Categories:       []string{"dispute.marriage.dv"},
			FamilyCategories: []string{"dispute.marriage"},
		},
		SelfHarm: PhraseRule{Weight: 40, Phrases: []string{
			"跳楼", "自杀", "喝农药", "服毒", "割腕", "上吊", "跳河", "自焚", "轻生", "寻死", "不想活",
		}},
		WageArrears: CategoryPhraseRule{
			Weight:     15,
			Phrases:    []string{"讨薪", "欠薪", "拖欠工资", "拖欠工钱", "拖欠薪资", "讨要工资", "讨工钱"},
			Categories: []string{"dispute.labour.wages"},
		},
		RepeatPolice:        CountRule{Weight: 10, Min: 2, HeavyWeight: 20, HeavyMin: 4},
		RepeatVisits:        CountRule{Weight: 10, Min: 2, HeavyWeight: 20, HeavyMin: 5},
		FailedMediations:    CountRule{Weight: 10, Min: 1, HeavyWeight: 25, HeavyMin: 2},
		Group:               CountRule{Weight: 15, Min: 5, HeavyWeight: 35, HeavyMin: 30},
		Amount:              CountRule{Weight: 10, Min: 100_000, HeavyWeight: 20, HeavyMin: 1_000_000},
		SevereMentalIllness: FlagRule{Weight: 25},
		Minor:               FlagRule{Weight: 10},
		Injury:              FlagRule{Weight: 20},
		SkippedLevel: SkippedLevelRule{
			CountRule: CountRule{Weight: 15, Min: 1, HeavyWeight: 25, HeavyMin: 3},
			Phrases:   []string{"越级上访", "越级信访", "进京上访", "赴京上访", "进京信访"},
		},
		Floors: []Floor{
			{Name: "扬言报复且90日内调解失败2次以上", When: []Condition{{Indicator: Threat}, {Indicator: FailedMediations, Min: 2}}, Level: LevelRed},
			{Name: "家庭暴力且有人受伤", When: []Condition{{Indicator: DomesticViolence}, {Indicator: Injury}}, Level: LevelOrange},
			{Name: "扬言报复的严重精神障碍患者", When: []Condition{{Indicator: Threat}, {Indicator: SevereMentalIllness}}, Level: LevelOrange},
			{Name: "30人以上群体性且涉案金额10万元以上", When: []Condition{{Indicator: Group, Min: 30}, {Indicator: Amount, Min: 100_000}}, Level: LevelOrange},
			{Name: "30人以上群体性讨薪", When: []Condition{{Indicator: Group, Min: 30}, {Indicator: WageArrears}}, Level: LevelOrange},
			{Name: "有自伤自杀倾向", When: []Condition{{Indicator: SelfHarm}}, Level: LevelYellow},
		},
		Response: ResponseRule{RedHolderHours: 24, OrangeSameDay: true, RedReportDays: 7},
		StepDown: StepDownRule{QuietDays: 30, Visits: 1},
	}
}

// maxAmountYuan bounds amount thresholds so that yuan×100 fits in int64.
const maxAmountYuan = 1_000_000_000_000_000

// Problem is one thing wrong with the rules: the JSON path of what it concerns
// ("thresholds", "repeat_police.heavy_min", "threat.phrases", "floors"), a code for
// the rule it breaks, the bounds when the code is "between", and an English text.
// Problem codes: between, order, positive, negative, heavy_min, heavy_weight,
// heavy_without_min, family_categories, no_phrases, empty_phrase, category, floor.
type Problem struct {
	Field    string
	Code     string
	Min, Max int64
	Text     string
}

func (p Problem) Error() string { return p.Text }

// Validate reports every problem with the rules in one error, or nil.
func (r Rules) Validate() error {
	ps := r.Problems()
	if len(ps) == 0 {
		return nil
	}
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return fmt.Errorf("risk: invalid rules: %w", errors.Join(errs...))
}

// Problems lists every problem with the rules, in the order of their JSON.
func (r Rules) Problems() []Problem {
	var out []Problem
	bad := func(field, code string, format string, a ...any) {
		out = append(out, Problem{Field: field, Code: code, Text: fmt.Sprintf(format, a...)})
	}
	between := func(field string, v, lo, hi int64, format string, a ...any) {
		if v < lo || v > hi {
			out = append(out, Problem{Field: field, Code: "between", Min: lo, Max: hi, Text: fmt.Sprintf(format, a...)})
		}
	}

	if r.WindowDays <= 0 {
		bad("window_days", "positive", "window_days must be positive, got %d", r.WindowDays)
	}
	t := r.Thresholds
	if t.Blue <= 0 {
		bad("thresholds", "positive", "thresholds: blue must be positive, got %d", t.Blue)
	}
	if !(t.Blue < t.Yellow && t.Yellow < t.Orange && t.Orange < t.Red) {
		bad("thresholds", "order", "thresholds out of order: need blue < yellow < orange < red, got %d, %d, %d, %d", t.Blue, t.Yellow, t.Orange, t.Red)
	}
	phrases := func(field, name string, list []string, required bool) {
		if required && len(list) == 0 {
			bad(field, "no_phrases", "%s: no phrases", name)
		}
		for i, p := range list {
			if normalize(p) == "" {
				bad(field, "empty_phrase", "%s: phrase %d is empty", name, i+1)
			}
		}
	}
	categories := func(field, name string, list []string) {
		for i, c := range list {
			if strings.TrimSpace(c) == "" || strings.HasSuffix(c, ".") {
				bad(field, "category", "%s: category %d (%q) is not a category code", name, i+1, c)
			}
		}
	}
	weight := func(name string, w int) {
		if w < 0 {
			bad(name+".weight", "negative", "%s: weight must not be negative, got %d", name, w)
		}
	}
	count := func(name string, c CountRule, maxMin int64) {
		weight(name, c.Weight)
		if c.HeavyWeight < 0 {
			bad(name+".heavy_weight", "negative", "%s: heavy_weight must not be negative, got %d", name, c.HeavyWeight)
		}
		between(name+".min", c.Min, 1, maxMin, "%s: min must be between 1 and %d, got %d", name, maxMin, c.Min)
		if c.HeavyMin != 0 {
			if c.HeavyMin <= c.Min || c.HeavyMin > maxMin {
				bad(name+".heavy_min", "heavy_min", "%s: heavy_min (%d) must be above min (%d) and at most %d, or 0", name, c.HeavyMin, c.Min, maxMin)
			}
			if c.HeavyWeight < c.Weight {
				bad(name+".heavy_weight", "heavy_weight", "%s: heavy_weight (%d) must not be below weight (%d)", name, c.HeavyWeight, c.Weight)
			}
		} else if c.HeavyWeight != 0 {
			bad(name+".heavy_weight", "heavy_without_min", "%s: heavy_weight %d set without heavy_min", name, c.HeavyWeight)
		}
	}

	phrases("negations", "negations", r.Negations, false)
	phrases("negation_exceptions", "negation_exceptions", r.NegationExceptions, false)

	weight("threat", r.Threat.Weight)
	phrases("threat.phrases", "threat", r.Threat.Phrases, r.Threat.Weight > 0)

	dv := r.DomesticViolence
	weight("domestic_violence", dv.Weight)
	phrases("domestic_violence.phrases", "domestic_violence", dv.Phrases, false)
	phrases("domestic_violence.family_phrases", "domestic_violence family_phrases", dv.FamilyPhrases, false)
	categories("domestic_violence.categories", "domestic_violence", dv.Categories)
	categories("domestic_violence.family_categories", "domestic_violence family_categories", dv.FamilyCategories)
	if len(dv.FamilyPhrases) > 0 && len(dv.FamilyCategories) == 0 {
		bad("domestic_violence.family_phrases", "family_categories", "domestic_violence: family_phrases need family_categories")
	}
	if dv.Weight > 0 && len(dv.Phrases) == 0 && len(dv.Categories) == 0 && len(dv.FamilyPhrases) == 0 {
		bad("domestic_violence.phrases", "no_phrases", "domestic_violence: no phrases or categories")
	}

	weight("self_harm", r.SelfHarm.Weight)
	phrases("self_harm.phrases", "self_harm", r.SelfHarm.Phrases, r.SelfHarm.Weight > 0)

	weight("wage_arrears", r.WageArrears.Weight)
	phrases("wage_arrears.phrases", "wage_arrears", r.WageArrears.Phrases, false)
	categories("wage_arrears.categories", "wage_arrears", r.WageArrears.Categories)
	if r.WageArrears.Weight > 0 && len(r.WageArrears.Phrases) == 0 && len(r.WageArrears.Categories) == 0 {
		bad("wage_arrears.phrases", "no_phrases", "wage_arrears: no phrases or categories")
	}

	const maxCount = 1 << 31
	count("repeat_police", r.RepeatPolice, maxCount)
	count("repeat_visits", r.RepeatVisits, maxCount)
	count("failed_mediations", r.FailedMediations, maxCount)
	count("group", r.Group, maxCount)
	count("amount", r.Amount, maxAmountYuan)
	count("skipped_level", r.SkippedLevel.CountRule, maxCount)
	phrases("skipped_level.phrases", "skipped_level", r.SkippedLevel.Phrases, false)

	weight("severe_mental_illness", r.SevereMentalIllness.Weight)
	weight("minor", r.Minor.Weight)
	weight("injury", r.Injury.Weight)

	for i, f := range r.Floors {
		name := fmt.Sprintf("floor %d (%s)", i+1, f.Name)
		if strings.TrimSpace(f.Name) == "" {
			bad("floors", "floor", "floor %d: no name", i+1)
		}
		if f.Level <= LevelNone || f.Level > LevelRed {
			bad("floors", "floor", "%s: level must be blue, yellow, orange or red, got %s", name, f.Level)
		}
		if len(f.When) == 0 {
			bad("floors", "floor", "%s: no conditions", name)
		}
		for _, c := range f.When {
			if !c.Indicator.Valid() {
				bad("floors", "floor", "%s: unknown indicator %q", name, c.Indicator)
			}
			if c.Min < 0 {
				bad("floors", "floor", "%s: %s min must not be negative, got %d", name, c.Indicator, c.Min)
			}
		}
	}
	between("response.red_holder_hours", int64(r.Response.RedHolderHours), 1, 24*30, "response: red_holder_hours must be between 1 and 720, got %d", r.Response.RedHolderHours)
	between("response.red_report_days", int64(r.Response.RedReportDays), 1, 90, "response: red_report_days must be between 1 and 90, got %d", r.Response.RedReportDays)
	between("step_down.quiet_days", int64(r.StepDown.QuietDays), 1, 365, "step_down: quiet_days must be between 1 and 365, got %d", r.StepDown.QuietDays)
	between("step_down.visits", int64(r.StepDown.Visits), 0, 50, "step_down: visits must be between 0 and 50, got %d", r.StepDown.Visits)
	return out
}
