package risk

import (
	"strings"
	"testing"
	"time"
)

func TestReconcile(t *testing.T) {
	cases := []struct {
		name                        string
		inForce, previous, computed Level
		want                        Level
	}{
		{"first assessment", LevelNone, LevelNone, LevelRed, LevelRed},
		{"same facts after a step-down", LevelOrange, LevelRed, LevelRed, LevelOrange},
		{"same facts after a leader lowered it", LevelBlue, LevelYellow, LevelYellow, LevelBlue},
		{"new facts raise a lowered level", LevelBlue, LevelYellow, LevelOrange, LevelOrange},
		{"new facts below a leader's raise keep the raise", LevelRed, LevelBlue, LevelYellow, LevelRed},
		{"history ageing out lowers nothing", LevelOrange, LevelOrange, LevelBlue, LevelOrange},
		{"nothing at all", LevelNone, LevelNone, LevelNone, LevelNone},
	}
	for _, c := range cases {
		if got := Reconcile(c.inForce, c.previous, c.computed); got != c.want {
			t.Errorf("%s: Reconcile(%s, %s, %s) = %s, want %s", c.name, c.inForce, c.previous, c.computed, got, c.want)
		}
	}
}

func TestResponseDue(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	r := DefaultRules()
	at := time.Date(2026, 12, 7, 21, 30, 0, 0, cst)
	if got, ok := r.ResponseDue(LevelRed, at, cst); !ok || !got.Equal(at.Add(24*time.Hour)) {
		t.Errorf("red: %v %v", got, ok)
	}
	if got, ok := r.ResponseDue(LevelOrange, at, cst); !ok || !got.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, cst)) {
		t.Errorf("orange: %v %v, want midnight the same day", got, ok)
	}
	// 23:30 UTC is already the next morning in China: the day is China's.
	utc := time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC)
	if got, _ := r.ResponseDue(LevelOrange, utc, cst); !got.Equal(time.Date(2026, 12, 9, 0, 0, 0, 0, cst)) {
		t.Errorf("orange at 07:30 CST on the 8th: %v", got)
	}
	for _, l := range []Level{LevelNone, LevelBlue, LevelYellow} {
		if _, ok := r.ResponseDue(l, at, cst); ok {
			t.Errorf("%s demands a response", l)
		}
	}
	r.Response.OrangeSameDay = false
	if _, ok := r.ResponseDue(LevelOrange, at, cst); ok {
		t.Error("orange demands a response with OrangeSameDay off")
	}
}

func TestStepDownDue(t *testing.T) {
	r := DefaultRules() // 30 quiet days, 1 visit
	set := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return set.AddDate(0, 0, n) }
	cases := []struct {
		name  string
		level Level
		q     Quiet
		now   time.Time
		want  bool
	}{
		{"quiet and visited", LevelRed, Quiet{Since: set, Visits: 1}, day(30), true},
		{"a day short", LevelRed, Quiet{Since: set, Visits: 1}, day(29), false},
		{"no visit recorded", LevelRed, Quiet{Since: set}, day(90), false},
		{"an incident restarts the quiet period", LevelOrange, Quiet{Since: set, LastIncident: day(20), Visits: 2}, day(40), false},
		{"quiet again after the incident", LevelOrange, Quiet{Since: set, LastIncident: day(20), Visits: 2}, day(50), true},
		{"an incident before the level was set does not count", LevelYellow, Quiet{Since: set, LastIncident: day(-5), Visits: 1}, day(30), true},
		{"cleared stays cleared", LevelNone, Quiet{Since: set, Visits: 3}, day(300), false},
		{"no start", LevelBlue, Quiet{Visits: 3}, day(300), false},
		{"a planned visit missed holds it", LevelOrange, Quiet{Since: set, Visits: 4, MissedVisit: true}, day(60), false},
	}
	for _, c := range cases {
		if got := r.StepDownDue(c.level, c.q, c.now); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	r.StepDown.Visits = 0
	if !r.StepDownDue(LevelBlue, Quiet{Since: set}, day(30)) {
		t.Error("with no visits required, quiet alone steps down")
	}
}

func TestLifecycleRulesValidate(t *testing.T) {
	for name, edit := range map[string]func(*Rules){
		"red_holder_hours": func(r *Rules) { r.Response.RedHolderHours = 0 },
		"red_report_days":  func(r *Rules) { r.Response.RedReportDays = 400 },
		"quiet_days":       func(r *Rules) { r.StepDown.QuietDays = 0 },
		"visits":           func(r *Rules) { r.StepDown.Visits = -1 },
	} {
		r := DefaultRules()
		edit(&r)
		err := r.Validate()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Each problem names the JSON path of what it concerns and the rule it breaks, so a
// form can show it next to its field.
func TestProblemsNameFieldAndCode(t *testing.T) {
	cases := []struct {
		edit        func(*Rules)
		field, code string
		min, max    int64
	}{
		{func(r *Rules) { r.Thresholds.Orange = 5 }, "thresholds", "order", 0, 0},
		{func(r *Rules) { r.Threat.Weight = -1 }, "threat.weight", "negative", 0, 0},
		{func(r *Rules) { r.Group.HeavyMin = 3 }, "group.heavy_min", "heavy_min", 0, 0},
		{func(r *Rules) { r.RepeatPolice.Min = 0 }, "repeat_police.min", "between", 1, 1 << 31},
		{func(r *Rules) { r.SelfHarm.Phrases = []string{" "} }, "self_harm.phrases", "empty_phrase", 0, 0},
		{func(r *Rules) { r.StepDown.QuietDays = 400 }, "step_down.quiet_days", "between", 1, 365},
		{func(r *Rules) { r.Floors[0].Name = "" }, "floors", "floor", 0, 0},
		{func(r *Rules) { r.WageArrears.Categories = []string{"x."} }, "wage_arrears.categories", "category", 0, 0},
	}
	for _, c := range cases {
		r := DefaultRules()
		c.edit(&r)
		ps := r.Problems()
		if len(ps) != 1 {
			t.Errorf("%s: %d problems %+v, want 1", c.field, len(ps), ps)
			continue
		}
		p := ps[0]
		if p.Field != c.field || p.Code != c.code || p.Min != c.min || p.Max != c.max || p.Text == "" {
			t.Errorf("problem %+v, want %s %s [%d, %d]", p, c.field, c.code, c.min, c.max)
		}
	}
	if len(DefaultRules().Problems()) != 0 {
		t.Error("the defaults have problems")
	}
}
