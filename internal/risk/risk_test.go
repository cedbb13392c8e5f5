package risk

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
)

func fired(r Result, i Indicator) (Fired, bool) {
	for _, f := range r.Fired {
		if f.Indicator == i {
			return f, true
		}
	}
	return Fired{}, false
}

func TestDefaultRulesValid(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLevel(t *testing.T) {
	wantDown := map[Level]Level{LevelRed: LevelOrange, LevelOrange: LevelYellow, LevelYellow: LevelBlue, LevelBlue: LevelNone, LevelNone: LevelNone}
	for l, w := range wantDown {
		if got := l.StepDown(); got != w {
			t.Errorf("%s.StepDown() = %s, want %s", l, got, w)
		}
	}
	// Stepping down from red reaches none in four steps and stays there.
	l, steps := LevelRed, 0
	for l != LevelNone {
		l = l.StepDown()
		steps++
	}
	if steps != 4 || l.StepDown() != LevelNone {
		t.Errorf("red → none took %d steps", steps)
	}
	if LevelRed.StepUp() != LevelRed || LevelNone.StepUp() != LevelBlue {
		t.Error("StepUp")
	}
	labels := []string{"无", "蓝", "黄", "橙", "红"}
	codes := []string{"none", "blue", "yellow", "orange", "red"}
	for i, l := range AllLevels {
		if l.Label() != labels[i] || l.String() != codes[i] {
			t.Errorf("level %d: %s %s", i, l, l.Label())
		}
		if i > 0 && !(AllLevels[i-1] < l) {
			t.Errorf("levels not ordered at %d", i)
		}
		for _, s := range []string{codes[i], labels[i]} {
			if p, err := ParseLevel(s); err != nil || p != l {
				t.Errorf("ParseLevel(%q) = %v, %v", s, p, err)
			}
		}
		b, err := json.Marshal(l)
		if err != nil || string(b) != `"`+codes[i]+`"` {
			t.Errorf("json %s: %s %v", l, b, err)
		}
		var back Level
		if err := json.Unmarshal(b, &back); err != nil || back != l {
			t.Errorf("json round trip %s: %v %v", l, back, err)
		}
	}
	if _, err := ParseLevel("purple"); err == nil {
		t.Error("ParseLevel(purple) succeeded")
	}
	if Level(9).Valid() || Level(-1).Valid() {
		t.Error("invalid levels reported valid")
	}
	if Level(9).StepDown() != LevelRed || Level(-3).StepDown() != LevelNone {
		t.Error("StepDown of out-of-range levels")
	}
}

// TestIndicators has a firing and a non-firing case for each indicator.
func TestIndicators(t *testing.T) {
	tests := []struct {
		name   string
		in     Input
		ind    Indicator
		fires  bool
		weight int    // when fires; 0: do not check
		detail string // substring of Detail, when fires
	}{
		// threat
		{"threat 同归于尽", Input{Description: "他扬言要和对方同归于尽"}, Threat, true, 40, "「同归于尽」"},
		{"threat 报复", Input{Description: "被拆迁户声称要报复村干部"}, Threat, true, 40, "「报复」"},
		{"threat spaced full-width", Input{Description: "他说：同 归　于 尽！"}, Threat, true, 40, "同归于尽"},
		{"threat in title", Input{Title: "扬言报复", Description: "邻里纠纷"}, Threat, true, 40, "「扬言报复」"},
		{"threat negated 不会", Input{Description: "当事人表示不会报复对方"}, Threat, false, 0, ""},
		{"threat negated 没有", Input{Description: "经了解，没有扬言报复"}, Threat, false, 0, ""},
		{"threat negated spaced", Input{Description: "他 不 会 报 复"}, Threat, false, 0, ""},
		{"threat 不得不 is not negation", Input{Description: "说逼急了不得不报复"}, Threat, true, 40, "报复"},
		{"threat negated once, stated once", Input{Description: "起初说不会报复，后来又说要报复"}, Threat, true, 40, "报复"},
		{"threat none", Input{Description: "因宅基地边界发生争执"}, Threat, false, 0, ""},
		// domestic violence
		{"dv phrase", Input{Description: "女方称长期遭受家暴", CategoryCode: "dispute.marriage.divorce"}, DomesticViolence, true, 30, "「家暴」"},
		{"dv phrase other category", Input{Description: "邻居反映隔壁有家暴", CategoryCode: "dispute.neighbour"}, DomesticViolence, true, 30, "家暴"},
		{"dv category", Input{Description: "夫妻矛盾", CategoryCode: "dispute.marriage.dv"}, DomesticViolence, true, 30, "dispute.marriage.dv"},
		{"dv 殴打 in marriage", Input{Description: "丈夫酒后殴打妻子", CategoryCode: "dispute.marriage"}, DomesticViolence, true, 30, "「殴打」"},
		{"dv 殴打 in neighbour dispute", Input{Description: "两家争地互相殴打", CategoryCode: "dispute.neighbour"}, DomesticViolence, false, 0, ""},
		{"dv 殴打 with no category", Input{Description: "酒后殴打"}, DomesticViolence, false, 0, ""},
		{"dv prefix is not a child", Input{Description: "殴打", CategoryCode: "dispute.marriagex"}, DomesticViolence, false, 0, ""},
		{"dv negated", Input{Description: "双方均称没有家暴", CategoryCode: "dispute.marriage.divorce"}, DomesticViolence, false, 0, ""},
		// self harm
		{"self harm 跳楼", Input{Description: "讨薪不成扬言跳楼"}, SelfHarm, true, 40, "「跳楼」"},
		{"self harm 喝农药", Input{Description: "老人称要喝农药"}, SelfHarm, true, 40, "喝农药"},
		{"self harm negated", Input{Description: "经心理评估，没有自杀倾向"}, SelfHarm, false, 0, ""},
		{"self harm none", Input{Description: "楼上漏水"}, SelfHarm, false, 0, ""},
		// wage arrears
		{"wages phrase", Input{Description: "农民工讨薪"}, WageArrears, true, 15, "「讨薪」"},
		{"wages 拖欠工资", Input{Description: "包工头拖欠工资三个月"}, WageArrears, true, 15, "「拖欠工资」"},
		{"wages category", Input{Description: "工钱没结", CategoryCode: "dispute.labour.wages"}, WageArrears, true, 15, "dispute.labour.wages"},
		{"wages negated", Input{Description: "公司从不拖欠工资", CategoryCode: "dispute.labour.contract"}, WageArrears, false, 0, ""},
		// repeat police
		{"police 1", Input{PoliceCalls: 1}, RepeatPolice, false, 0, ""},
		{"police 2", Input{PoliceCalls: 2}, RepeatPolice, true, 10, "90日内报警2次"},
		{"police 3", Input{PoliceCalls: 3}, RepeatPolice, true, 10, ""},
		{"police 4 heavy", Input{PoliceCalls: 4}, RepeatPolice, true, 20, "报警4次"},
		{"police negative", Input{PoliceCalls: -5}, RepeatPolice, false, 0, ""},
		// repeat visits
		{"visits 1", Input{Visits: 1}, RepeatVisits, false, 0, ""},
		{"visits 2", Input{Visits: 2}, RepeatVisits, true, 10, "来访/信访2次"},
		{"visits 5 heavy", Input{Visits: 5}, RepeatVisits, true, 20, ""},
		{"prior cases count as visits", Input{PriorCases: 3}, RepeatVisits, true, 10, "既往案件3件"},
		{"visits and prior cases are not summed", Input{Visits: 3, PriorCases: 2}, RepeatVisits, true, 10, "来访/信访3次"},
		// failed mediations
		{"mediations 0", Input{}, FailedMediations, false, 0, ""},
		{"mediations 1", Input{FailedMediations: 1}, FailedMediations, true, 10, "调解未果1次"},
		{"mediations 2 heavy", Input{FailedMediations: 2}, FailedMediations, true, 25, "调解未果2次"},
		// group
		{"group 4", Input{People: 4}, Group, false, 0, ""},
		{"group 5", Input{People: 5}, Group, true, 15, "涉及5人"},
		{"group 29", Input{People: 29}, Group, true, 15, ""},
		{"group 30 heavy", Input{People: 30}, Group, true, 35, "30人以上"},
		// amount
		{"amount below", Input{AmountFen: 100_000*100 - 1}, Amount, false, 0, ""},
		{"amount 10万", Input{AmountFen: 100_000 * 100}, Amount, true, 10, "涉案金额100000元"},
		{"amount with fen", Input{AmountFen: 123_456_78}, Amount, true, 10, "123456.78元"},
		{"amount 100万 heavy", Input{AmountFen: 1_000_000 * 100}, Amount, true, 20, ""},
		{"amount negative", Input{AmountFen: -1_000_000_000}, Amount, false, 0, ""},
		// party attributes
		{"mental illness", Input{SevereMentalIllness: true}, SevereMentalIllness, true, 25, "严重精神障碍"},
		{"mental illness no", Input{}, SevereMentalIllness, false, 0, ""},
		{"minor", Input{Minor: true}, Minor, true, 10, "未成年人"},
		{"minor no", Input{Injured: true}, Minor, false, 0, ""},
		{"injury", Input{Injured: true}, Injury, true, 20, "受伤"},
		{"injury no", Input{Minor: true}, Injury, false, 0, ""},
		// skipped level
		{"skipped 1", Input{SkippedLevelPetitions: 1}, SkippedLevel, true, 15, "越级上访1次"},
		{"skipped 3 heavy", Input{SkippedLevelPetitions: 3}, SkippedLevel, true, 25, ""},
		{"skipped phrase", Input{Description: "曾多次进京上访"}, SkippedLevel, true, 15, "「进京上访」"},
		{"skipped none", Input{Kind: model.KindPetition, Description: "到乡里反映"}, SkippedLevel, false, 0, ""},
	}
	rules := DefaultRules()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Assess(rules, tt.in)
			f, ok := fired(res, tt.ind)
			if ok != tt.fires {
				t.Fatalf("%s fired = %v, want %v; result %+v", tt.ind, ok, tt.fires, res)
			}
			if !ok {
				return
			}
			if tt.weight != 0 && f.Weight != tt.weight {
				t.Errorf("weight = %d, want %d", f.Weight, tt.weight)
			}
			if !strings.Contains(f.Detail, tt.detail) {
				t.Errorf("detail %q does not contain %q", f.Detail, tt.detail)
			}
			if f.Label == "" || f.Label != tt.ind.Label() {
				t.Errorf("label %q", f.Label)
			}
		})
	}
}

func TestCombinations(t *testing.T) {
	tests := []struct {
		name   string
		in     Input
		want   Level
		floors []string // substrings of floor names that must hold
	}{
		{"nothing", Input{Description: "咨询低保政策"}, LevelNone, nil},
		{"threat alone is yellow", Input{Description: "扬言报复"}, LevelYellow, nil},
		{"threat + 1 failed mediation is yellow (50)", Input{Description: "扬言报复", FailedMediations: 1}, LevelYellow, nil},
		{"threat + 2 failed mediations → red", Input{Description: "调解不成，扬言要同归于尽", FailedMediations: 2}, LevelRed, []string{"调解失败2次"}},
		{"negated threat + 2 failed mediations is not red", Input{Description: "表示不会报复", FailedMediations: 2}, LevelBlue, nil},
		{"dv + injury → orange", Input{Description: "长期家暴", CategoryCode: "dispute.marriage.divorce", Injured: true}, LevelOrange, []string{"家庭暴力且有人受伤"}},
		{"dv category + injury → orange", Input{CategoryCode: "dispute.marriage.dv", Injured: true}, LevelOrange, []string{"家庭暴力"}},
		{"dv alone is yellow", Input{CategoryCode: "dispute.marriage.dv"}, LevelYellow, nil},
		{"group 30 + amount 10万 → orange", Input{People: 30, AmountFen: 100_000 * 100}, LevelOrange, []string{"群体性且涉案金额"}},
		{"group 29 + amount 10万 is blue (25)", Input{People: 29, AmountFen: 100_000 * 100}, LevelBlue, nil},
		{"group 40 wage arrears → orange", Input{People: 40, Description: "农民工集体讨薪"}, LevelOrange, []string{"群体性讨薪"}},
		{"threat + mental illness → orange", Input{Description: "扬言报复", SevereMentalIllness: true}, LevelOrange, []string{"严重精神障碍"}},
		{"self harm → yellow", Input{Description: "要跳楼"}, LevelYellow, nil},
		{"threat + self harm → orange by score", Input{Description: "扬言报复然后跳楼"}, LevelOrange, nil},
		{"many → red by score", Input{Description: "扬言报复", PoliceCalls: 4, Visits: 5, SkippedLevelPetitions: 3}, LevelRed, nil},
		{"blue by history", Input{PoliceCalls: 2}, LevelBlue, nil},
	}
	rules := DefaultRules()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Assess(rules, tt.in)
			if res.Level != tt.want {
				t.Fatalf("level %s, want %s: %s", res.Level, tt.want, res.Explain())
			}
			for _, f := range tt.floors {
				found := false
				for _, name := range res.Floors {
					found = found || strings.Contains(name, f)
				}
				if !found {
					t.Errorf("floor %q did not hold: %v", f, res.Floors)
				}
			}
		})
	}
}

func TestScoreBoundaries(t *testing.T) {
	r := DefaultRules()
	th := r.Thresholds
	for _, c := range []struct {
		score int
		want  Level
	}{
		{0, LevelNone}, {th.Blue - 1, LevelNone}, {th.Blue, LevelBlue},
		{th.Yellow - 1, LevelBlue}, {th.Yellow, LevelYellow},
		{th.Orange - 1, LevelYellow}, {th.Orange, LevelOrange},
		{th.Red - 1, LevelOrange}, {th.Red, LevelRed}, {1000, LevelRed}, {-5, LevelNone},
	} {
		if got := th.Level(c.score); got != c.want {
			t.Errorf("Level(%d) = %s, want %s", c.score, got, c.want)
		}
	}

	// Exact boundaries through Assess, using flag weights set to the thresholds.
	for _, lv := range []Level{LevelBlue, LevelYellow, LevelOrange, LevelRed} {
		min := map[Level]int{LevelBlue: th.Blue, LevelYellow: th.Yellow, LevelOrange: th.Orange, LevelRed: th.Red}[lv]
		rr := DefaultRules()
		rr.Floors = nil
		rr.Minor.Weight = min
		if got := Assess(rr, Input{Minor: true}); got.Level != lv || got.Score != min {
			t.Errorf("score %d: %s, want %s", min, got.Level, lv)
		}
		rr.Minor.Weight = min - 1
		if got := Assess(rr, Input{Minor: true}); got.Level != lv.StepDown() {
			t.Errorf("score %d: %s, want %s", min-1, got.Level, lv.StepDown())
		}
	}
}

func TestFiredOrderAndDeterminism(t *testing.T) {
	in := Input{
		Description: "扬言报复，要跳楼，讨薪，进京上访", People: 31, AmountFen: 2_000_000_00,
		Minor: true, Injured: true, SevereMentalIllness: true,
		PoliceCalls: 2, Visits: 2, FailedMediations: 1, SkippedLevelPetitions: 1,
	}
	a := Assess(DefaultRules(), in)
	if len(a.Fired) != 12 { // all but domestic violence
		t.Fatalf("fired %d: %s", len(a.Fired), a.Explain())
	}
	sum := 0
	for i, f := range a.Fired {
		sum += f.Weight
		if i > 0 {
			p := a.Fired[i-1]
			if p.Weight < f.Weight || (p.Weight == f.Weight && p.Indicator.order() > f.Indicator.order()) {
				t.Errorf("not sorted at %d: %v then %v", i, p, f)
			}
		}
	}
	if sum != a.Score {
		t.Errorf("score %d, sum %d", a.Score, sum)
	}
	if a.Fired[0].Indicator != Threat || a.Fired[1].Indicator != SelfHarm {
		t.Errorf("heaviest first, ties by indicator order: %v", a.Fired[:2])
	}
	for range 20 {
		if b := Assess(DefaultRules(), in); !reflect.DeepEqual(a, b) {
			t.Fatal("Assess is not deterministic")
		}
	}
	if !strings.HasPrefix(a.Explain(), "红") {
		t.Errorf("explain: %s", a.Explain())
	}
}

func TestRulesAreData(t *testing.T) {
	r := DefaultRules()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"level":"red"`) {
		t.Errorf("floor levels should serialise as codes: %s", b)
	}
	var back Rules
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, back) {
		t.Error("rules do not survive a JSON round trip")
	}

	// An admin adds a phrase and changes a weight.
	back.Threat.Phrases = append(back.Threat.Phrases, "让他好看")
	back.Minor.Weight = 0 // switched off
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	res := Assess(back, Input{Description: "我要让 他 好看", Minor: true})
	if _, ok := fired(res, Threat); !ok {
		t.Error("added phrase did not fire")
	}
	if _, ok := fired(res, Minor); ok {
		t.Error("weight 0 should switch the indicator off")
	}
	// Full-width phrases in the rules match half-width text.
	back.Threat.Phrases = []string{"ＫＯ他"}
	if _, ok := fired(Assess(back, Input{Description: "要ko他"}), Threat); !ok {
		t.Error("full-width rule phrase did not match")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Rules)
		errHas string // "" means valid
	}{
		{"default", func(*Rules) {}, ""},
		{"negative weight", func(r *Rules) { r.Threat.Weight = -1 }, "threat: weight must not be negative"},
		{"negative flag weight", func(r *Rules) { r.Injury.Weight = -3 }, "injury: weight"},
		{"negative heavy weight", func(r *Rules) { r.Group.HeavyWeight = -1 }, "group: heavy_weight must not be negative"},
		{"thresholds out of order", func(r *Rules) { r.Thresholds.Orange = 20 }, "thresholds out of order"},
		{"thresholds equal", func(r *Rules) { r.Thresholds.Red = r.Thresholds.Orange }, "thresholds out of order"},
		{"blue zero", func(r *Rules) { r.Thresholds.Blue = 0 }, "blue must be positive"},
		{"window", func(r *Rules) { r.WindowDays = 0 }, "window_days"},
		{"min zero", func(r *Rules) { r.RepeatPolice.Min = 0 }, "repeat_police: min"},
		{"heavy below min", func(r *Rules) { r.Group.HeavyMin = 5 }, "group: heavy_min (5) must be above min (5)"},
		{"heavy weight below weight", func(r *Rules) { r.Amount.HeavyWeight = 5 }, "amount: heavy_weight (5) must not be below weight (10)"},
		{"heavy weight without heavy min", func(r *Rules) { r.RepeatVisits.HeavyMin = 0 }, "heavy_weight 20 set without heavy_min"},
		{"amount too large", func(r *Rules) { r.Amount.HeavyMin = maxAmountYuan + 1 }, "amount: heavy_min"},
		{"empty phrase", func(r *Rules) { r.SelfHarm.Phrases = append(r.SelfHarm.Phrases, " 　") }, "self_harm: phrase 12 is empty"},
		{"no phrases", func(r *Rules) { r.Threat.Phrases = nil }, "threat: no phrases"},
		{"no phrases but off", func(r *Rules) { r.Threat.Phrases = nil; r.Threat.Weight = 0; r.Floors = nil }, ""},
		{"bad category", func(r *Rules) { r.WageArrears.Categories = []string{"dispute."} }, "wage_arrears: category 1"},
		{"family phrases need categories", func(r *Rules) { r.DomesticViolence.FamilyCategories = nil }, "family_phrases need family_categories"},
		{"floor unknown indicator", func(r *Rules) { r.Floors[0].When[0].Indicator = "anger" }, `unknown indicator "anger"`},
		{"floor level none", func(r *Rules) { r.Floors[1].Level = LevelNone }, "floor 2 (家庭暴力且有人受伤): level must be"},
		{"floor no conditions", func(r *Rules) { r.Floors[0].When = nil }, "no conditions"},
		{"floor negative min", func(r *Rules) { r.Floors[0].When[1].Min = -2 }, "min must not be negative"},
		{"floor no name", func(r *Rules) { r.Floors[0].Name = "" }, "floor 1: no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			tt.edit(&r)
			err := r.Validate()
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %v, want it to contain %q", err, tt.errHas)
			}
		})
	}
	// All problems are reported at once.
	r := DefaultRules()
	r.Threat.Weight = -1
	r.Thresholds.Red = 1
	err := r.Validate()
	if err == nil || !strings.Contains(err.Error(), "threat") || !strings.Contains(err.Error(), "thresholds") {
		t.Errorf("want both problems: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"同 归　于\t尽":   "同归于尽",
		"ＡＢＣ！１２３":    "abc!123",
		"扬\u200b言":   "扬言",
		"报复，报复":      "报复,报复",
		"\xff\xfe报复": "\ufffd\ufffd报复",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzAssess: random text and counts never panic, and the level is the
// score's colour raised by exactly the floors that hold.
func FuzzAssess(f *testing.F) {
	f.Add("他扬言要同归于尽", "dispute.marriage.dv", 3, 2, 1, 30, int64(12345600), true, false, true)
	f.Add("不会报复", "", 0, 0, 0, 0, int64(0), false, false, false)
	f.Add("讨薪 跳 楼\xff", "dispute.labour.wages", -1, 9, 100, 1<<30, int64(-5), false, true, false)
	rules := DefaultRules()
	th := rules.Thresholds
	f.Fuzz(func(t *testing.T, desc, cat string, police, visits, failed, people int, fen int64, minor, smi, injured bool) {
		in := Input{
			Kind: model.KindDispute, CategoryCode: cat, Description: desc, Title: desc,
			People: people, AmountFen: fen, Minor: minor, SevereMentalIllness: smi, Injured: injured,
			PoliceCalls: police, Visits: visits, FailedMediations: failed, PriorCases: visits / 2,
			SkippedLevelPetitions: failed - 1,
			// Another case holds part of the history, and an injury.
			Others: []Source{{CaseID: 1, Prior: visits > 1, PoliceCalls: police / 2, Visits: visits / 3, FailedMediations: failed / 2, Injuries: people % 2}},
		}
		res := Assess(rules, in)
		// Whoever reads it, the level and score stay; what is shown is less or the same.
		for _, rd := range []Reader{{}, {Mention: FactOutsideScope}, {Sees: func(int64) bool { return true }}} {
			got := res.For(rd)
			if got.Level != res.Level || got.Score != res.Score || got.History != nil || len(got.Floors) > len(res.Floors) {
				t.Fatalf("For(%+v): %+v from %+v", rd, got, res)
			}
			for _, fr := range got.Fired {
				v, _ := res.Value(fr.Indicator)
				if fr.Detail == "" || fr.Value > v {
					t.Fatalf("For(%+v) shows %+v, assessed %d", rd, fr, v)
				}
			}
		}
		if !res.Level.Valid() {
			t.Fatalf("invalid level %d", res.Level)
		}
		sum := 0
		for _, fr := range res.Fired {
			if fr.Weight <= 0 || !fr.Indicator.Valid() || fr.Detail == "" {
				t.Fatalf("bad fired %+v", fr)
			}
			sum += fr.Weight
		}
		if sum != res.Score {
			t.Fatalf("score %d, sum of weights %d", res.Score, sum)
		}
		if res.ScoreLevel != th.Level(res.Score) {
			t.Fatalf("score level %s for score %d", res.ScoreLevel, res.Score)
		}
		want := res.ScoreLevel
		var held []string
		for _, fl := range rules.Floors {
			if res.holds(fl.When) {
				held = append(held, fl.Name)
				want = MaxLevel(want, fl.Level)
			}
		}
		if res.Level != want || res.Level < res.ScoreLevel {
			t.Fatalf("level %s, want %s (score %d, floors %v)", res.Level, want, res.Score, held)
		}
		if !reflect.DeepEqual(held, res.Floors) && !(len(held) == 0 && len(res.Floors) == 0) {
			t.Fatalf("floors %v, want %v", res.Floors, held)
		}
		// Red from a threat plus two failed mediations is a floor.
		if _, ok := fired(res, Threat); ok && failed >= 2 && res.Level != LevelRed {
			t.Fatalf("threat + %d failed mediations is %s", failed, res.Level)
		}
		if _, ok := fired(res, DomesticViolence); ok && injured && res.Level < LevelOrange {
			t.Fatalf("dv + injury is %s", res.Level)
		}
	})
}

// normalize's shortcut for text that is already normal gives what rewriting it would.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"扬言报复", "他说要同归于尽", "ＡＢＣ　报复", "Tom 打人", "零\u200b宽", "\xff\xfe坏", "已经\ufffd正常", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), rewrite(s); got != want {
			t.Fatalf("normalize(%q) = %q, rewriting gives %q", s, got, want)
		}
	})
}

// The Han set passes over a phrase only when the text cannot hold it: whatever the
// text holds, the set lets through.
func FuzzHanSet(f *testing.F) {
	for _, s := range [][2]string{{"他扬言要同归于尽", "同归于尽"}, {"拖欠工资", "工资"}, {"打人", "打"}, {"abc报复", "c报"}, {"\xe4\xb8", "\xe4"}, {"", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, phrase string) {
		var h hanSet
		h.add(text)
		if strings.Contains(text, phrase) && !h.mayHold(phrase) {
			t.Fatalf("%q holds %q, the set says it cannot", text, phrase)
		}
		if i := len(phrase) / 2; strings.Contains(text, phrase[:i]) && !h.mayHold(phrase[:i]) {
			t.Fatalf("%q holds %q, the set says it cannot", text, phrase[:i])
		}
	})
}

// BenchmarkAssess is the warning's share of an intake: a typical description under the
// default rules, a first-time applicant.
func BenchmarkAssess(b *testing.B) {
	rules := DefaultRules()
	in := Input{Title: "拖欠工资纠纷", Description: "申请人马某反映，其在某建筑工地务工期间，工地负责人以资金未到位为由拖欠其及工友八人工资共计四万三千元，多次讨要未果，请求协调解决。",
		CategoryCode: "dispute.labour", People: 8, AmountFen: 4300000}
	b.ReportAllocs()
	for b.Loop() {
		Assess(rules, in)
	}
}
