package risk

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
)

// FuzzRulesJSON feeds arbitrary bytes to the path an administrator's rules take:
// decode, Validate, and, when they pass, assess cases with them. Valid rules must
// never make Assess panic or return nonsense, and must survive a JSON round trip.
func FuzzRulesJSON(f *testing.F) {
	def, err := json.Marshal(DefaultRules())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"thresholds":{"blue":1,"yellow":2,"orange":3,"red":4}}`))
	f.Add(bytes.Replace(def, []byte(`"red":90`), []byte(`"red":2147483647`), 1))
	f.Add(bytes.Replace(def, []byte(`"weight":40`), []byte(`"weight":9223372036854775807`), 1))
	f.Add(bytes.Replace(def, []byte(`"level":"red"`), []byte(`"level":"红"`), 1))
	f.Add(bytes.Replace(def, []byte(`"level":"orange"`), []byte(`"level":"purple"`), 1))
	f.Add(bytes.Replace(def, []byte(`"min":100000`), []byte(`"min":1000000000000000`), 1))
	f.Add(bytes.Replace(def, []byte(`"扬言报复"`), []byte(`"\u200b"`), 1))
	f.Add(bytes.Replace(def, []byte(`"floors":[`), []byte(`"floors":[{"name":"x","when":[{"indicator":"minor","min":9223372036854775807}],"level":"blue"},`), 1))
	f.Add([]byte("{\"window_days\":\"90\"}"))
	f.Add([]byte("\xff\xfe"))

	inputs := []Input{
		{Kind: model.KindDispute, Description: "他扬言要同归于尽，还说不会报复", CategoryCode: "dispute.marriage.dv",
			People: 40, AmountFen: 1 << 62, Minor: true, SevereMentalIllness: true, Injured: true,
			PoliceCalls: 1 << 30, Visits: 5, FailedMediations: 2, SkippedLevelPetitions: 3},
		{Kind: model.KindPetition, Title: "讨薪 越级上访", CategoryCode: "dispute.labour.wages", People: -1, AmountFen: -1},
		{},
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var r Rules
		if json.Unmarshal(raw, &r) != nil || r.Validate() != nil {
			return
		}
		for _, in := range inputs {
			res := Assess(r, in)
			if !res.Level.Valid() || !res.ScoreLevel.Valid() || res.Level < res.ScoreLevel {
				t.Fatalf("levels %d / %d from valid rules %s", res.Level, res.ScoreLevel, raw)
			}
			if res.ScoreLevel != r.Thresholds.Level(res.Score) {
				t.Fatalf("score %d is %s, thresholds say %s", res.Score, res.ScoreLevel, r.Thresholds.Level(res.Score))
			}
			for _, fr := range res.Fired {
				if fr.Weight <= 0 || !fr.Indicator.Valid() {
					t.Fatalf("bad fired %+v", fr)
				}
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("the result of valid rules does not encode: %v", err)
			}
		}
		// Valid rules are stored as JSON and read back: that must give the same rules.
		enc, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("valid rules do not encode: %v", err)
		}
		var back Rules
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("valid rules do not decode: %v\n%s", err, enc)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("valid rules are invalid after a round trip: %v", err)
		}
		if enc2, _ := json.Marshal(back); !bytes.Equal(enc, enc2) {
			t.Fatalf("round trip changed the rules:\n%s\n%s", enc, enc2)
		}
	})
}
