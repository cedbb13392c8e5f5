package evaluation

import (
	"testing"

	"github.com/onedoor/onedoor/internal/report"
)

func rate(num, den int64) report.Value {
	if den == 0 {
		return report.Value{Empty: true}
	}
	v := float64(int64(float64(num)*1000/float64(den)+0.5)) / 10
	return report.Value{Value: v, Num: num, Den: den}
}

func count(n int64) report.Value { return report.Value{Value: float64(n), Num: n} }

// Each method at its edges: exactly at full marks, just below, at and past zero,
// the direction of a deduction rate, a zero denominator.
func TestItemPoints(t *testing.T) {
	onTime := Item{Figure: "on_time_rate", Weight: 20, Method: Linear, Full: 95, Zero: 60}
	reopen := Item{Figure: "reopen_rate", Weight: 10, Method: Linear, Full: 2, Zero: 10}
	red := Item{Figure: "supervised_red", Weight: 10, Method: PerItem, Per: 2}
	for _, tc := range []struct {
		name   string
		item   Item
		v      report.Value
		points float64
		noData bool
	}{
		{"exactly 95% is full marks", onTime, rate(19, 20), 20, false},
		{"above full marks caps", onTime, rate(20, 20), 20, false},
		{"94.9% is just below", onTime, rate(949, 1000), 19.94, false},
		{"half way between zero and full", onTime, rate(775, 1000), 10, false},
		{"exactly zero mark", onTime, rate(3, 5), 0, false},
		{"below zero mark is nothing, not negative", onTime, rate(1, 5), 0, false},
		{"zero denominator is no data, not 0", onTime, rate(0, 0), 0, true},
		{"no cases ended is no data, not 100", onTime, report.Value{Empty: true, Num: 0}, 0, true},
		{"deduction rate at or below full is full", reopen, rate(2, 100), 10, false},
		{"deduction rate of nothing reopened is full", reopen, rate(0, 40), 10, false},
		{"deduction rate half way", reopen, rate(6, 100), 5, false},
		{"deduction rate at zero mark", reopen, rate(10, 100), 0, false},
		{"deduction rate past zero mark", reopen, rate(50, 100), 0, false},
		{"no red card is full marks", red, count(0), 10, false},
		{"each red card takes 2", red, count(3), 4, false},
		{"red cards never go below nothing", red, count(9), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, nd := tc.item.Points(tc.v)
			if p != tc.points || nd != tc.noData {
				t.Errorf("Points(%+v) = %v, noData %v; want %v, %v", tc.v, p, nd, tc.points, tc.noData)
			}
		})
	}
}

func TestScoreScalesOverItemsWithData(t *testing.T) {
	s := Scheme{Items: []Item{
		{Figure: "on_time_rate", Weight: 60, Method: Linear, Full: 95, Zero: 60},
		{Figure: "supervision_reply_rate", Weight: 30, Method: Linear, Full: 100, Zero: 50},
		{Figure: "supervised_red", Weight: 10, Method: PerItem, Per: 2},
	}}
	for _, tc := range []struct {
		name   string
		values map[string]report.Value
		total  float64
		noData bool
	}{
		{"everything well", map[string]report.Value{"on_time_rate": rate(20, 20), "supervision_reply_rate": rate(3, 3), "supervised_red": count(0)}, 100, false},
		// No order fell due: its 30 points are neither given nor taken; what the other 70 earned scales to 100 (30+8 of 70 is 54.29).
		{"no order due is left out", map[string]report.Value{"on_time_rate": rate(20, 20), "supervision_reply_rate": rate(0, 0), "supervised_red": count(0)}, 100, false},
		{"left out, the rest scaled", map[string]report.Value{"on_time_rate": rate(775, 1000), "supervision_reply_rate": rate(0, 0), "supervised_red": count(1)}, 54.29, false},
		{"half", map[string]report.Value{"on_time_rate": rate(775, 1000), "supervision_reply_rate": rate(3, 4), "supervised_red": count(5)}, 45, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := s.Score(tc.values)
			if sc.Total != tc.total || sc.NoData != tc.noData {
				t.Errorf("total %v noData %v, want %v %v (%+v)", sc.Total, sc.NoData, tc.total, tc.noData, sc.Items)
			}
		})
	}
	// No rate measured, only deductions: no cases is not full marks, it is no score.
	if sc := s.Score(map[string]report.Value{"on_time_rate": rate(0, 0), "supervision_reply_rate": rate(0, 0), "supervised_red": count(0)}); !sc.NoData || sc.Total != 0 {
		t.Errorf("a unit with nothing measured but its deductions scored %+v", sc)
	}
	// Only rates, none with data: the unit has no score at all, and is said so.
	rates := Scheme{Items: s.Items[:2]}
	if sc := rates.Score(map[string]report.Value{"on_time_rate": rate(0, 0), "supervision_reply_rate": rate(0, 0)}); !sc.NoData || sc.Total != 0 {
		t.Errorf("no data anywhere scored %+v", sc)
	}
}

func TestRankAndCompare(t *testing.T) {
	e := func(id int64, total float64, noData bool) Entry {
		return Entry{ID: id, Score: Score{Total: total, NoData: noData}}
	}
	cur := []Entry{e(1, 80, false), e(2, 90, false), e(3, 0, true), e(4, 80, false), e(5, 70, false)}
	Rank(cur)
	wantOrder := []int64{2, 1, 4, 5, 3}
	wantRank := []int{1, 2, 2, 4, 0}
	for i := range cur {
		if cur[i].ID != wantOrder[i] || cur[i].Rank != wantRank[i] {
			t.Fatalf("position %d: id %d rank %d, want id %d rank %d", i, cur[i].ID, cur[i].Rank, wantOrder[i], wantRank[i])
		}
	}
	prev := []Entry{e(1, 85, false), e(2, 60, false), e(3, 50, false), e(5, 0, true)}
	Rank(prev)
	Compare(cur, prev)
	byID := map[int64]Entry{}
	for _, x := range cur {
		byID[x.ID] = x
	}
	if x := byID[2]; x.Change == nil || *x.Change != 30 || *x.RankChange != 1 {
		t.Errorf("unit 2 went 60 (rank 2) to 90 (rank 1): %+v", x)
	}
	if x := byID[1]; x.Change == nil || *x.Change != -5 || *x.RankChange != -1 {
		t.Errorf("unit 1 went 85 (rank 1) to 80 (rank 2): %+v", x)
	}
	if x := byID[4]; x.Change != nil || x.PrevTotal != nil {
		t.Errorf("unit 4 was not in the period before: %+v", x)
	}
	if x := byID[5]; x.Change != nil {
		t.Errorf("unit 5 had no data before, no change can be said: %+v", x)
	}
	if x := byID[3]; x.Change != nil || x.PrevTotal == nil {
		t.Errorf("unit 3 has no data now: its earlier total is shown, no change: %+v", x)
	}
}

func TestDefaultsAreValid(t *testing.T) {
	for _, s := range Defaults() {
		if ps := s.Problems(); len(ps) > 0 {
			t.Errorf("%s: %+v", s.Code, ps)
		}
		for _, it := range s.Items {
			f, _ := report.ByID(it.Figure)
			if f.Kind == report.Count && f.Better >= 0 {
				t.Errorf("%s scores the activity count %s", s.Code, it.Figure)
			}
		}
	}
}

// Each rule of a scheme refuses on the field it concerns.
func TestSchemeProblems(t *testing.T) {
	ok := func() Scheme { return Defaults()[0] }
	for _, tc := range []struct {
		name  string
		edit  func(s *Scheme)
		field string
		code  string
	}{
		{"bad code", func(s *Scheme) { s.Code = "Town ship" }, "code", "invalid"},
		{"no name", func(s *Scheme) { s.Name = "" }, "name", "required"},
		{"unknown targets", func(s *Scheme) { s.Targets = "village" }, "targets", "invalid"},
		{"no period", func(s *Scheme) { s.Units = nil }, "units", "required"},
		{"a week is not a period of evaluation", func(s *Scheme) { s.Units = []report.Unit{report.Week} }, "units", "invalid"},
		{"no items", func(s *Scheme) { s.Items = nil }, "items", "required"},
		{"unknown figure", func(s *Scheme) { s.Items[1].Figure = "nope" }, "items.1.figure", "invalid"},
		{"intake is activity", func(s *Scheme) { s.Items[1].Figure = "intake" }, "items.1.figure", "not_scorable"},
		{"endings are activity", func(s *Scheme) { s.Items[1].Figure = "ended" }, "items.1.figure", "not_scorable"},
		{"a moment's figure", func(s *Scheme) { s.Items[1].Figure = "overdue" }, "items.1.figure", "not_scorable"},
		{"a department figure for townships", func(s *Scheme) { s.Items[1].Figure = "dept_on_time_rate" }, "items.1.figure", "not_scorable"},
		{"a figure twice", func(s *Scheme) { s.Items[1].Figure = s.Items[0].Figure }, "items.1.figure", "duplicate"},
		{"zero weight", func(s *Scheme) { s.Items[2].Weight = 0 }, "items.2.weight", "between"},
		{"weight over 100", func(s *Scheme) { s.Items[2].Weight = 101 }, "items.2.weight", "between"},
		{"unknown method", func(s *Scheme) { s.Items[0].Method = "log" }, "items.0.method", "invalid"},
		{"linear on a count", func(s *Scheme) { s.Items[5].Method = Linear; s.Items[5].Full, s.Items[5].Zero = 0, 5 }, "items.5.method", "rate_only"},
		{"per item on a rate", func(s *Scheme) { s.Items[0].Method = PerItem; s.Items[0].Per = 1 }, "items.0.method", "count_only"},
		{"full equals zero", func(s *Scheme) { s.Items[0].Zero = 95 }, "items.0.zero", "equal"},
		{"percent over 100", func(s *Scheme) { s.Items[0].Full = 120 }, "items.0.full", "between"},
		{"rewarding a lower on-time rate", func(s *Scheme) { s.Items[0].Full, s.Items[0].Zero = 60, 95 }, "items.0.full", "direction"},
		{"rewarding more reopening", func(s *Scheme) { s.Items[4].Full, s.Items[4].Zero = 10, 2 }, "items.4.full", "direction"},
		{"no deduction per item", func(s *Scheme) { s.Items[5].Per = 0 }, "items.5.per", "between"},
		{"deduction above the weight", func(s *Scheme) { s.Items[5].Per = 11 }, "items.5.per", "between"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ok()
			tc.edit(&s)
			ps := s.Problems()
			for _, p := range ps {
				if p.Field == tc.field && p.Code == tc.code {
					return
				}
			}
			t.Errorf("want %s/%s, got %+v", tc.field, tc.code, ps)
		})
	}
}
