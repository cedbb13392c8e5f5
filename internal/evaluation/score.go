package evaluation

import (
	"math"
	"sort"

	"github.com/onedoor/onedoor/internal/report"
)

// ItemScore is one item's figure and the points it earned.
type ItemScore struct {
	Figure string       `json:"figure"`
	Value  report.Value `json:"value"`  // the figure, with the case lists behind it
	Max    float64      `json:"max"`    // the item's weight
	Points float64      `json:"points"` // what it earned; 0 and NoData when there was nothing to measure
	NoData bool         `json:"no_data,omitempty"`
}

// Score is a unit's score under a scheme.
type Score struct {
	Items []ItemScore `json:"items"`
	// Total is the points earned, over the items with data, scaled to the scheme's
	// full points: an item with nothing to measure (no order fell due, no case was
	// visited) neither gives nor takes marks (按有数据项目折算).
	Total  float64 `json:"total"`
	NoData bool    `json:"no_data,omitempty"` // no rate (or no item) had data: the unit is not ranked
}

// round2 rounds to two decimals, as the 通报 prints points.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Points is what item it earns with figure value v (as the pages show it: a rate in
// per cent to one decimal); noData when a rate has nothing to measure.
func (it Item) Points(v report.Value) (points float64, noData bool) {
	switch it.Method {
	case Linear:
		if v.Empty {
			return 0, true
		}
		x := v.Value
		// The share of the way from Zero to Full, whichever way is better.
		share := (x - it.Zero) / (it.Full - it.Zero)
		share = math.Max(0, math.Min(1, share))
		return round2(it.Weight * share), false
	case PerItem:
		return round2(math.Max(0, it.Weight-it.Per*float64(v.Num))), false
	}
	return 0, true
}

// Score scores one unit whose figures are values (by figure id).
func (s Scheme) Score(values map[string]report.Value) Score {
	var sc Score
	earned, measured := 0.0, 0.0
	rates, ratesMeasured := 0, 0
	for _, it := range s.Items {
		v := values[it.Figure]
		p, noData := it.Points(v)
		sc.Items = append(sc.Items, ItemScore{Figure: it.Figure, Value: v, Max: it.Weight, Points: p, NoData: noData})
		if it.Method == Linear {
			rates++
		}
		if !noData {
			earned += p
			measured += it.Weight
			if it.Method == Linear {
				ratesMeasured++
			}
		}
	}
	// A unit none of whose rates could be measured (nothing ended, nothing visited,
	// no order due) did nothing the scheme can judge: its deductions alone would give
	// it full marks for having no cases. It is not ranked.
	if measured == 0 || (rates > 0 && ratesMeasured == 0) {
		sc.NoData = true
		return sc
	}
	sc.Total = round2(earned * s.MaxPoints() / measured)
	return sc
}

// Entry is one unit of a ranking: a township centre or a department.
type Entry struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Score Score  `json:"score"`
	Rank  int    `json:"rank,omitempty"` // 1 the best; equal totals share a rank; 0 not ranked (no data)
	// Against the period before: its total and rank then, and the changes (a rank
	// change is positive when the unit moved up). Nil when it was not ranked then.
	PrevTotal  *float64 `json:"prev_total,omitempty"`
	PrevRank   int      `json:"prev_rank,omitempty"`
	Change     *float64 `json:"change,omitempty"`
	RankChange *int     `json:"rank_change,omitempty"`
}

// Rank orders entries best first and numbers them: equal totals share a rank and
// the next rank skips (1, 2, 2, 4); units with no data come last, unranked, in the
// order given.
func Rank(entries []Entry) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i].Score, entries[j].Score
		if a.NoData != b.NoData {
			return !a.NoData
		}
		return !a.NoData && a.Total > b.Total
	})
	for i := range entries {
		switch {
		case entries[i].Score.NoData:
			entries[i].Rank = 0
		case i > 0 && !entries[i-1].Score.NoData && entries[i-1].Score.Total == entries[i].Score.Total:
			entries[i].Rank = entries[i-1].Rank
		default:
			entries[i].Rank = i + 1
		}
	}
}

// Compare sets on each ranked entry of cur its total and rank in prev (the same
// unit, by id) and the changes since.
func Compare(cur, prev []Entry) {
	before := map[int64]Entry{}
	for _, e := range prev {
		if e.Rank > 0 {
			before[e.ID] = e
		}
	}
	for i := range cur {
		e := &cur[i]
		p, ok := before[e.ID]
		e.PrevTotal, e.PrevRank, e.Change, e.RankChange = nil, 0, nil, nil
		if !ok {
			continue
		}
		total := p.Score.Total
		e.PrevTotal, e.PrevRank = &total, p.Rank
		if e.Rank == 0 {
			continue
		}
		d := round2(e.Score.Total - total)
		r := p.Rank - e.Rank
		e.Change, e.RankChange = &d, &r
	}
}
