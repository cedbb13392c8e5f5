// Package analysis holds the rules of 研判 (the analysis page): which categories and
// places are rising against their own past, by a stated test over weekly counts, and
// how the store's counts fold into places. It does no I/O: the store counts, the
// cases service asks, and this package says what is a finding.
package analysis

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
)

// The rising test (上升): this week's count is compared with the same count in each
// of the PastWeeks weeks before it. It rises when it is above their mean by more than
// Sigmas standard deviations (of those weeks, population), and is at least MinCount
// — so that one case where there were none is not a trend.
const (
	PastWeeks = 8
	Sigmas    = 2.0
	MinCount  = 3
)

// Window is a span [From, To).
type Window struct{ From, To time.Time }

// Weeks are the PastWeeks+1 seven-day windows ending at end, the oldest first; the
// last is "this week".
func Weeks(end time.Time) []Window {
	out := make([]Window, PastWeeks+1)
	for i := range out {
		back := PastWeeks - i
		out[i] = Window{end.AddDate(0, 0, -7*(back+1)), end.AddDate(0, 0, -7*back)}
	}
	return out
}

// Trend is one series' test: the weekly counts (oldest first, this week last) and
// the figures the test compares.
type Trend struct {
	Counts    []int64 `json:"counts"`
	This      int64   `json:"this"`
	Mean      float64 `json:"mean"`      // of the past weeks
	SD        float64 `json:"sd"`        // of the past weeks
	Threshold float64 `json:"threshold"` // Mean + Sigmas × SD: this week must be above it
	Rising    bool    `json:"rising"`
}

// Rise applies the test to counts: PastWeeks past weeks then this week.
func Rise(counts []int64) Trend {
	t := Trend{Counts: counts}
	if len(counts) == 0 {
		return t
	}
	past := counts[:len(counts)-1]
	t.This = counts[len(counts)-1]
	if len(past) > 0 {
		var sum float64
		for _, n := range past {
			sum += float64(n)
		}
		t.Mean = sum / float64(len(past))
		var sq float64
		for _, n := range past {
			d := float64(n) - t.Mean
			sq += d * d
		}
		t.SD = math.Sqrt(sq / float64(len(past)))
	}
	t.Threshold = t.Mean + Sigmas*t.SD
	t.Rising = t.This >= MinCount && float64(t.This) > t.Threshold
	t.Mean, t.SD, t.Threshold = round1(t.Mean), round1(t.SD), round1(t.Threshold)
	return t
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// Group is the store's weekly counts for the cases of one leaf region and category:
// one count per week of Weeks.
type Group struct {
	RegionPath string
	CategoryID int64
	Counts     []int64
}

// Series is a named series of weekly counts with its test.
type Series struct {
	ID    int64
	Name  string
	Level model.RegionLevel // a place's level; "" for a category
	Path  string            // a place's path
	Trend Trend
}

// ByCategory adds the groups up by category (the case's own, a leaf of the
// dictionary), tested each.
func ByCategory(groups []Group, cats []model.Category) []Series {
	sum := map[int64][]int64{}
	for _, g := range groups {
		addInto(sum, g.CategoryID, g.Counts)
	}
	var out []Series
	for _, c := range cats {
		if counts, ok := sum[c.ID]; ok {
			out = append(out, Series{ID: c.ID, Name: c.Name, Trend: Rise(counts)})
		}
	}
	return out
}

// ByPlace adds the groups up by village and grid: a village counts its own cases and
// its grids'. places are the villages and grids to test.
func ByPlace(groups []Group, places []model.Region) []Series {
	sum := map[int64][]int64{}
	for _, g := range groups {
		for _, p := range places {
			if strings.HasPrefix(g.RegionPath, p.Path) {
				addInto(sum, p.ID, g.Counts)
			}
		}
	}
	var out []Series
	for _, p := range places {
		if counts, ok := sum[p.ID]; ok {
			out = append(out, Series{ID: p.ID, Name: p.Name, Level: p.Level, Path: p.Path, Trend: Rise(counts)})
		}
	}
	return out
}

func addInto(sum map[int64][]int64, k int64, counts []int64) {
	s := sum[k]
	if s == nil {
		s = make([]int64, len(counts))
		sum[k] = s
	}
	for i, n := range counts {
		s[i] += n
	}
}

// Rising keeps the series that rise, the most above their threshold first.
func Rising(all []Series) []Series {
	var out []Series
	for _, s := range all {
		if s.Trend.Rising {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return float64(out[i].Trend.This)-out[i].Trend.Threshold > float64(out[j].Trend.This)-out[j].Trend.Threshold
	})
	return out
}

// MaskName keeps a person's surname and masks the rest (张**): the analysis page and
// a meeting's printed material name the people who keep coming back to staff who
// may not handle their cases.
func MaskName(name string) string {
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return ""
	}
	r, size := utf8.DecodeRuneInString(name)
	_ = r
	return name[:size] + strings.Repeat("*", max(n-1, 1))
}
