package risk

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// history is a case whose parties have three earlier cases: 11 (two police calls, two
// failed mediations), 12 and 13 (a visit each, 13 an injury); this case itself had one
// police call. It threatens, so with two failed mediations the red floor holds.
func history() Input {
	return Input{Kind: "dispute", Description: "当事人扬言要同归于尽。",
		PriorCases: 3, PoliceCalls: 3, Visits: 2, FailedMediations: 2,
		Others: []Source{
			{CaseID: 11, Prior: true, PoliceCalls: 2, FailedMediations: 2},
			{CaseID: 12, Prior: true, Visits: 1},
			{CaseID: 13, Prior: true, Visits: 1, Injuries: 1},
		}}
}

func seeing(ids ...int64) func(int64) bool {
	return func(id int64) bool { return slices.Contains(ids, id) }
}

func TestAssessKeepsItsHistory(t *testing.T) {
	res := Assess(DefaultRules(), history())
	h := res.History
	if h == nil || h.Window != 90 || h.PriorCases != 3 || h.PoliceCalls != 3 || len(h.Others) != 3 || h.Injured {
		t.Fatalf("history %+v", h)
	}
	if len(h.Floors) != 1 || h.Floors[0].Name != "扬言报复且90日内调解失败2次以上" || res.Level != LevelRed {
		t.Fatalf("floors %+v, level %s", h.Floors, res.Level)
	}
	// An injury on another case fires the indicator, as the caller counted it before.
	if _, ok := res.Value(Injury); !ok {
		t.Error("the other case's injury does not count")
	}
	// The record survives the round trip through the case's stored JSON.
	raw, _ := json.Marshal(res)
	var back Result
	if err := json.Unmarshal(raw, &back); err != nil || back.History == nil || len(back.History.Others) != 3 || len(back.History.Floors) != 1 {
		t.Fatalf("round trip: %v %+v", err, back.History)
	}
}

func TestResultFor(t *testing.T) {
	res := Assess(DefaultRules(), history())
	type want struct {
		details map[Indicator]string // "" for an indicator not shown
		values  map[Indicator]int64
		floors  int
	}
	tests := []struct {
		name string
		rd   Reader
		want want
	}{
		{"sees every case", Reader{Sees: seeing(11, 12, 13)}, want{
			details: map[Indicator]string{RepeatPolice: "90日内报警3次", RepeatVisits: "90日内来访/信访3次（来访2次，同一当事人既往案件3件）",
				FailedMediations: "90日内调解未果2次", Injury: "有人受伤"},
			values: map[Indicator]int64{RepeatPolice: 3, RepeatVisits: 3, FailedMediations: 2}, floors: 1}},
		{"sees 12 and 13, told", Reader{Sees: seeing(12, 13), Mention: FactOutsideScope}, want{
			details: map[Indicator]string{RepeatPolice: "90日内报警1次，辖区外另有记录", RepeatVisits: "90日内来访/信访2次（来访2次，同一当事人既往案件2件），辖区外另有记录",
				FailedMediations: "辖区外另有记录", Injury: "有人受伤"},
			values: map[Indicator]int64{RepeatPolice: 1, RepeatVisits: 2, FailedMediations: 0}, floors: 0}},
		{"sees 12 and 13, not told", Reader{Sees: seeing(12, 13)}, want{
			details: map[Indicator]string{RepeatPolice: "90日内报警1次", RepeatVisits: "90日内来访/信访2次（来访2次，同一当事人既往案件2件）",
				FailedMediations: "", Injury: "有人受伤"},
			values: map[Indicator]int64{RepeatPolice: 1, RepeatVisits: 2}, floors: 0}},
		{"sees 11 only, not told", Reader{Sees: seeing(11)}, want{
			details: map[Indicator]string{RepeatPolice: "90日内报警3次", RepeatVisits: "90日内来访/信访1次（来访0次，同一当事人既往案件1件）",
				FailedMediations: "90日内调解未果2次", Injury: ""},
			values: map[Indicator]int64{RepeatPolice: 3, RepeatVisits: 1, FailedMediations: 2}, floors: 1}},
		{"sees none, a notice", Reader{Mention: FactOtherCases}, want{
			details: map[Indicator]string{RepeatPolice: "90日内报警1次，其他案件另有记录", RepeatVisits: "其他案件另有记录",
				FailedMediations: "其他案件另有记录", Injury: "其他案件另有记录"},
			values: map[Indicator]int64{RepeatPolice: 1, RepeatVisits: 0}, floors: 0}},
		{"sees none, not told", Reader{}, want{
			details: map[Indicator]string{RepeatPolice: "90日内报警1次", RepeatVisits: "", FailedMediations: "", Injury: ""},
			values:  map[Indicator]int64{RepeatPolice: 1}, floors: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := res.For(tt.rd)
			if got.History != nil {
				t.Error("the history's record is shown")
			}
			if got.Level != res.Level || got.Score != res.Score || got.ScoreLevel != res.ScoreLevel {
				t.Errorf("level %s score %d, want the assessment's %s %d", got.Level, got.Score, res.Level, res.Score)
			}
			if f, ok := fired(got, Threat); !ok || f.Weight != 40 {
				t.Errorf("the case's own indicator changed: %+v", f)
			}
			for ind, wantDetail := range tt.want.details {
				f, ok := fired(got, ind)
				if wantDetail == "" {
					if ok {
						t.Errorf("%s shown: %+v", ind, f)
					}
					continue
				}
				orig, _ := fired(res, ind)
				if !ok || f.Detail != wantDetail || f.Weight != orig.Weight {
					t.Errorf("%s = %q (weight %d), want %q (weight %d)", ind, f.Detail, f.Weight, wantDetail, orig.Weight)
				}
				if v, ok := tt.want.values[ind]; ok && f.Value != v {
					t.Errorf("%s value %d, want %d", ind, f.Value, v)
				}
			}
			if len(got.Floors) != tt.want.floors {
				t.Errorf("floors %v, want %d", got.Floors, tt.want.floors)
			}
			if raw, _ := json.Marshal(got); strings.Contains(string(raw), `"history"`) || strings.Contains(string(raw), `"case_id"`) {
				t.Errorf("the JSON names the other cases: %s", raw)
			}
		})
	}
	// For does not change the result it words.
	if res.History == nil || len(res.Floors) != 1 {
		t.Error("For changed its receiver")
	}
}

// A skipped-level phrase in the description is the case's own, whoever reads it.
func TestResultForKeepsTheCasesOwnSkippedLevel(t *testing.T) {
	in := Input{Description: "他说要越级上访。", SkippedLevelPetitions: 2, Others: []Source{{CaseID: 5, SkippedLevel: 2}}}
	got := Assess(DefaultRules(), in).For(Reader{Mention: FactOutsideScope})
	if f, ok := fired(got, SkippedLevel); !ok || f.Detail != "描述中出现「越级上访」，辖区外另有记录" || f.Value != 1 {
		t.Errorf("skipped level: %+v", f)
	}
}

// A result kept before its history's sources were: only a reader who sees every case
// is shown its counts.
func TestResultForUnscoped(t *testing.T) {
	res := Assess(DefaultRules(), history())
	res.History = nil
	if got := res.For(Reader{All: true}); !slices.Equal(got.Floors, res.Floors) || len(got.Fired) != len(res.Fired) {
		t.Errorf("the deployment's root is not shown the result: %+v", got)
	}
	for _, rd := range []Reader{{Mention: FactOutsideScope}, {}, {Sees: seeing(11, 12, 13)}} {
		got := res.For(rd)
		if len(got.Floors) != 0 || got.Level != res.Level || got.Score != res.Score {
			t.Errorf("%+v: floors %v, level %s, score %d", rd, got.Floors, got.Level, got.Score)
		}
		for _, ind := range []Indicator{RepeatPolice, RepeatVisits, FailedMediations, Injury} {
			f, ok := fired(got, ind)
			switch {
			case rd.Mention == "" && ok:
				t.Errorf("%s shown to a reader not told: %+v", ind, f)
			case rd.Mention != "" && (!ok || f.Detail != "另有既往记录（重新评估后按辖区显示）" || f.Value != 0):
				t.Errorf("%s to a reader told: %+v", ind, f)
			}
		}
		if _, ok := fired(got, Threat); !ok {
			t.Error("the case's own indicator is gone")
		}
	}
}
