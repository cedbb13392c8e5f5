package ui

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
)

func TestRiskIndicatorsCoverEveryIndicator(t *testing.T) {
	r := risk.DefaultRules()
	var got []risk.Indicator
	for _, ind := range riskIndicators(&r) {
		got = append(got, ind.code)
	}
	if !reflect.DeepEqual(got, risk.AllIndicators) {
		t.Fatalf("the page lists %v, the rules have %v", got, risk.AllIndicators)
	}
}

// The keys the rules page builds in Go, which the template test cannot see.
func TestRiskRulesKeysAreCatalogued(t *testing.T) {
	keys := []string{"risk_rules.unit.times", "risk_rules.unit.people", "risk_rules.unit.yuan", "risk_rules.unit.phrases",
		"risk_rules.phrases", "risk_rules.family_phrases", "risk_rules.negations", "risk_rules.negation_exceptions",
		"risk_rules.err.number", "risk_rules.err.order", "risk_rules.err.positive", "risk_rules.err.negative",
		"risk_rules.err.heavy_min", "risk_rules.err.heavy_weight", "risk_rules.err.heavy_without_min",
		"risk_rules.err.family_categories", "risk_rules.err.no_phrases", "risk_rules.err.empty_phrase",
		"risk_rules.err.category", "risk_rules.err.between", "risk_rules.err.other", "risk_rules.err.json",
		"risk_rules.err.sep", "risk_rules.refused", "notice.saved", "error.field_sep"}
	for _, l := range risk.AllLevels[1:] {
		keys = append(keys, "risk_rules.level."+l.String())
	}
	for _, i := range risk.AllIndicators {
		keys = append(keys, indicatorKey(i))
	}
	for _, loc := range i18n.Locales() {
		for _, k := range keys {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s catalogue lacks %q", loc, k)
			}
		}
	}
	if zh, _ := i18n.Lookup(i18n.Default, indicatorKey(risk.Threat)); zh != risk.Threat.Label() {
		t.Errorf("the page calls %s %q, the warnings %q", risk.Threat, zh, risk.Threat.Label())
	}
}

func TestRiskFormRoundTrip(t *testing.T) {
	want := risk.DefaultRules()
	var got risk.Rules
	if err := json.Unmarshal([]byte(`{"floors":[{"name":"x"}]}`), &got); err != nil { // what the form does not show stays
		t.Fatal(err)
	}
	got.Floors = want.Floors
	got.DomesticViolence.Categories = want.DomesticViolence.Categories
	got.DomesticViolence.FamilyCategories = want.DomesticViolence.FamilyCategories
	got.WageArrears.Categories = want.WageArrears.Categories
	form := riskForm(want)
	if errs := applyRiskForm(&got, form, i18n.Default); errs != nil {
		t.Fatal(errs)
	}
	if !sameRules(got, want) {
		t.Fatalf("form round trip:\n got %+v\nwant %+v", got, want)
	}
	var fromJSON risk.Rules
	if err := json.Unmarshal([]byte(form.Get("rules_json")), &fromJSON); err != nil || !sameRules(fromJSON, want) {
		t.Fatalf("the JSON editor's text: %v", err)
	}
	if got := phraseLines(" 扬言报复 \r\n\n同归于尽\n扬言报复\n"); !reflect.DeepEqual(got, []string{"扬言报复", "同归于尽"}) {
		t.Fatalf("phraseLines: %q", got)
	}
}

// Every problem Validate can find with what the form edits lands by its field, so a
// change to Validate's wording that would put messages at the bottom of the page
// fails here.
func TestRiskProblemsLandByTheirField(t *testing.T) {
	for _, tt := range []struct {
		field string
		edit  func(*risk.Rules)
		zh    string
	}{
		{"window_days", func(r *risk.Rules) { r.WindowDays = 0 }, "须大于 0"},
		{"thresholds", func(r *risk.Rules) { r.Thresholds.Red = 50 }, "蓝 < 黄 < 橙 < 红"},
		{"threat.weight", func(r *risk.Rules) { r.Threat.Weight = -1 }, "不能为负数"},
		{"threat.phrases", func(r *risk.Rules) { r.Threat.Phrases = nil }, "至少填写一个词语"},
		{"self_harm.phrases", func(r *risk.Rules) { r.SelfHarm.Phrases = []string{"\u200b"} }, "有空的词语"},
		{"domestic_violence.family_phrases", func(r *risk.Rules) { r.DomesticViolence.FamilyPhrases = []string{" "} }, "有空的词语"},
		{"wage_arrears.phrases", func(r *risk.Rules) { r.WageArrears.Phrases, r.WageArrears.Categories = nil, nil }, "至少填写一个词语"},
		{"repeat_police.min", func(r *risk.Rules) { r.RepeatPolice.Min = 0 }, "须在 1 到"},
		{"group.heavy_min", func(r *risk.Rules) { r.Group.HeavyMin = 3 }, "加重起点须高于起点"},
		{"amount.heavy_weight", func(r *risk.Rules) { r.Amount.HeavyWeight = 1 }, "加重权重不能低于权重"},
		{"failed_mediations.heavy_weight", func(r *risk.Rules) { r.FailedMediations.HeavyMin = 0 }, "须同时设加重起点"},
		{"skipped_level.weight", func(r *risk.Rules) { r.SkippedLevel.Weight = -3 }, "不能为负数"},
		{"minor.weight", func(r *risk.Rules) { r.Minor.Weight = -3 }, "不能为负数"},
		{"negations", func(r *risk.Rules) { r.Negations = []string{""} }, "有空的词语"},
		{"response.red_holder_hours", func(r *risk.Rules) { r.Response.RedHolderHours = 0 }, "须在 1 到 720 之间"},
		{"response.red_report_days", func(r *risk.Rules) { r.Response.RedReportDays = 91 }, "须在 1 到 90 之间"},
		{"step_down.quiet_days", func(r *risk.Rules) { r.StepDown.QuietDays = 0 }, "须在 1 到 365 之间"},
		{"step_down.visits", func(r *risk.Rules) { r.StepDown.Visits = -1 }, "须在 0 到 50 之间"},
		{"rules", func(r *risk.Rules) { r.WageArrears.Categories = []string{"dispute."} }, "分类编码无效"},
		{"floors", func(r *risk.Rules) { r.Floors[0].When = nil }, "no conditions"},
	} {
		r := risk.DefaultRules()
		tt.edit(&r)
		refusal := model.Invalid("rules", "invalid", "invalid.risk_rules", "预警规则有误")
		errs := riskProblems(r, i18n.Default, false, refusal)
		if len(errs) != 1 || !strings.Contains(errs[tt.field], tt.zh) {
			t.Errorf("%s: %v, want %q by %s", tt.field, errs, tt.zh, tt.field)
		}
		// The JSON editor's save puts every problem by the JSON, saying what it is about.
		errs = riskProblems(r, i18n.Default, true, refusal)
		if len(errs) != 1 || !strings.Contains(errs["rules"], tt.zh) {
			t.Errorf("%s as JSON: %v", tt.field, errs)
		}
	}
	if errs := riskProblems(risk.DefaultRules(), "en", false, model.Invalid("rules", "invalid", "invalid.risk_rules", "bad")); errs["rules"] != "bad" {
		t.Errorf("a refusal valid rules do not explain: %v", errs)
	}
	r := risk.DefaultRules()
	r.Thresholds.Red, r.Threat.Weight = 50, -1
	errs := riskProblems(r, "en", false, &model.FieldError{})
	if errs["thresholds"] != "must rise: blue < yellow < orange < red" || errs["threat.weight"] != "must not be negative" {
		t.Errorf("English problems: %v", errs)
	}
}

// sameRules reports whether a and b say the same thing.
func sameRules(a, b risk.Rules) bool {
	ra, erra := json.Marshal(a)
	rb, errb := json.Marshal(b)
	return erra == nil && errb == nil && bytes.Equal(ra, rb)
}
