package risk

import (
	"slices"
	"strconv"
)

// The assessment counts the parties' history across every case, wherever it lies:
// the colour must not depend on who registers the case. What a person is shown of it
// must: a township clerk whose earlier-case lookup rightly shows nothing of another
// township's cases is not told by the explanation that there are three. So the result
// keeps where its counts came from (History), and For words it for one reader.

// Source is one other case of the same parties that the history counted, with its
// share of the counts.
type Source struct {
	CaseID           int64 `json:"case_id"`
	Prior            bool  `json:"prior,omitempty"` // counted among the earlier cases (registered in the window)
	PoliceCalls      int   `json:"police_calls,omitempty"`
	Visits           int   `json:"visits,omitempty"`
	FailedMediations int   `json:"failed_mediations,omitempty"`
	SkippedLevel     int   `json:"skipped_level,omitempty"`
	Injuries         int   `json:"injuries,omitempty"`
}

// History is what an assessment counted: the totals as Input had them (this case's
// own share among them), the other cases they include, and the floors that held, with
// their conditions, so that For can tell which still hold on what a reader sees.
type History struct {
	Window           int      `json:"window_days"`
	PriorCases       int      `json:"prior_cases,omitempty"`
	PoliceCalls      int      `json:"police_calls,omitempty"`
	Visits           int      `json:"visits,omitempty"`
	FailedMediations int      `json:"failed_mediations,omitempty"`
	SkippedLevel     int      `json:"skipped_level,omitempty"`
	Injured          bool     `json:"injured,omitempty"` // the case's own injury
	Others           []Source `json:"others,omitempty"`
	Floors           []Floor  `json:"floors,omitempty"`
}

func newHistory(window int, in Input) *History {
	return &History{Window: window, PriorCases: in.PriorCases, PoliceCalls: in.PoliceCalls, Visits: in.Visits,
		FailedMediations: in.FailedMediations, SkippedLevel: in.SkippedLevelPetitions, Injured: in.Injured,
		Others: slices.Clone(in.Others)}
}

// tally is the history's counts, over all of it or over what one reader sees.
type tally struct {
	prior, police, visits, failed, skipped int64
	injured                                bool
}

// tally is the whole history's counts.
func (h *History) tally() tally {
	t := tally{prior: nonNeg(h.PriorCases), police: nonNeg(h.PoliceCalls), visits: nonNeg(h.Visits),
		failed: nonNeg(h.FailedMediations), skipped: nonNeg(h.SkippedLevel), injured: h.Injured}
	for _, o := range h.Others {
		t.injured = t.injured || o.Injuries > 0
	}
	return t
}

// without is the history's counts less the shares of the other cases hidden picks
// out; it reports whether any of those had a share.
func (h *History) without(hidden func(Source) bool) (tally, bool) {
	t := h.tally()
	t.injured = h.Injured
	less := false
	for _, o := range h.Others {
		if !hidden(o) {
			t.injured = t.injured || o.Injuries > 0
			continue
		}
		if o.Prior {
			t.prior--
		}
		t.police -= nonNeg(o.PoliceCalls)
		t.visits -= nonNeg(o.Visits)
		t.failed -= nonNeg(o.FailedMediations)
		t.skipped -= nonNeg(o.SkippedLevel)
		less = less || o.Prior || o.PoliceCalls > 0 || o.Visits > 0 || o.FailedMediations > 0 || o.SkippedLevel > 0 || o.Injuries > 0
	}
	t.prior, t.police, t.visits, t.failed, t.skipped = max(t.prior, 0), max(t.police, 0), max(t.visits, 0), max(t.failed, 0), max(t.skipped, 0)
	return t, less
}

// count is the value of a history count indicator and the fact that words it.
func (t tally) count(ind Indicator, window int) (int64, Fact) {
	win := strconv.Itoa(window)
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	switch ind {
	case RepeatPolice:
		return t.police, Fact{Key: "police_calls", Args: []string{win, itoa(t.police)}}
	case RepeatVisits:
		// An earlier case of the same parties is itself a visit; the caller may
		// count one contact both ways, so the larger count is taken, not the sum.
		v := max(t.visits, t.prior)
		return v, Fact{Key: "visits", Args: []string{win, itoa(v), itoa(t.visits), itoa(t.prior)}}
	case FailedMediations:
		return t.failed, Fact{Key: "failed_mediations", Args: []string{win, itoa(t.failed)}}
	case SkippedLevel:
		return t.skipped, Fact{Key: "skipped_level", Args: []string{win, itoa(t.skipped)}}
	}
	return 0, Fact{}
}

// Reader is whom an explanation is worded for.
type Reader struct {
	All  bool                    // sees every case of the deployment (for results kept before their sources were)
	Sees func(caseID int64) bool // which of the other cases they may see
	// Mention is the fact that tells the reader the history holds records they are
	// not shown, without a count: FactOutsideScope for those entitled to know,
	// FactOtherCases for a notice (shown to readers of different scopes alike), ""
	// for everyone else, who learns nothing of them.
	Mention string
}

// Keys of the facts For adds.
const (
	FactOutsideScope = "outside_scope" // 辖区外另有记录
	FactOtherCases   = "other_cases"   // 其他案件另有记录
	FactUnscoped     = "unscoped"      // a result kept before its history's sources were: counts withheld
)

// historyIndicators are the indicators the history's counts fire.
var historyIndicators = []Indicator{RepeatPolice, RepeatVisits, FailedMediations, SkippedLevel, Injury}

// For is the result as rd may be shown it. The level, score, weights and score level
// stay as assessed; the history's indicators count only the cases rd sees — an
// indicator nothing visible supports is left out, or kept saying only that there are
// more records (rd.Mention) — and a floor is named only when it
// holds on what rd is shown. History, the assessment's own record, is left out.
func (r Result) For(rd Reader) Result {
	out := r
	out.History = nil
	out.Fired = slices.Clone(r.Fired)
	out.Floors = slices.Clone(r.Floors)
	if !r.firedFromHistory() {
		return out
	}
	if r.History == nil {
		if rd.All {
			return out
		}
		return r.forUnscoped(rd)
	}
	seen, less := r.History.without(func(s Source) bool { return rd.Sees == nil || !rd.Sees(s.CaseID) })
	if !less {
		return out
	}
	all := r.History.tally()
	out.Fired = out.Fired[:0]
	for _, f := range r.Fired {
		if !slices.Contains(historyIndicators, f.Indicator) || !differs(f.Indicator, all, seen) {
			out.Fired = append(out.Fired, f)
			continue
		}
		f.Facts, f.Value = seenFacts(f, seen, r.History.Window)
		f.Heavy = false
		if rd.Mention != "" {
			f.Facts = append(f.Facts, Fact{Key: rd.Mention})
		}
		if len(f.Facts) == 0 {
			continue
		}
		f.Detail = detail(f.Facts)
		out.Fired = append(out.Fired, f)
	}
	out.Floors = nil
	for _, fl := range r.History.Floors {
		if out.holds(fl.When) {
			out.Floors = append(out.Floors, fl.Name)
		}
	}
	return out
}

// seenFacts are the facts and value of a history indicator f over the counts seen:
// the count's fact when it is above zero, and a phrase that counts as a skipped-level
// petition whatever the count.
func seenFacts(f Fired, seen tally, window int) ([]Fact, int64) {
	var facts []Fact
	if f.Indicator == Injury {
		if seen.injured {
			return []Fact{{Key: "injury"}}, 1
		}
		return nil, 0
	}
	v, fact := seen.count(f.Indicator, window)
	if v > 0 {
		facts = append(facts, fact)
	}
	if f.Indicator == SkippedLevel {
		for _, old := range f.Facts {
			if old.Key == "phrases" {
				facts = append(facts, old)
				if v == 0 {
					v = 1
				}
			}
		}
	}
	return facts, v
}

// differs tells whether a history indicator's facts change when seen counts only part
// of all.
func differs(i Indicator, all, seen tally) bool {
	switch i {
	case RepeatPolice:
		return all.police != seen.police
	case RepeatVisits:
		return all.visits != seen.visits || all.prior != seen.prior
	case FailedMediations:
		return all.failed != seen.failed
	case SkippedLevel:
		return all.skipped != seen.skipped
	case Injury:
		return all.injured != seen.injured
	}
	return false
}

// firedFromHistory tells whether an indicator the history fires fired.
func (r Result) firedFromHistory() bool {
	for _, f := range r.Fired {
		if slices.Contains(historyIndicators, f.Indicator) {
			return true
		}
	}
	return false
}

// forUnscoped is For of a result kept before its history's sources were: which cases
// its counts came from is unknown, so a reader who does not see every case is shown
// none of them — one with a Mention that there are records, without a count — and no
// floor, which may rest on them.
func (r Result) forUnscoped(rd Reader) Result {
	out := r
	out.History, out.Floors, out.Fired = nil, nil, nil
	for _, f := range r.Fired {
		if slices.Contains(historyIndicators, f.Indicator) {
			var kept []Fact
			for _, fact := range f.Facts {
				if fact.Key == "phrases" {
					kept = append(kept, fact)
				}
			}
			if rd.Mention != "" {
				kept = append(kept, Fact{Key: FactUnscoped})
			}
			if len(kept) == 0 {
				continue
			}
			f.Facts, f.Detail, f.Value, f.Heavy = kept, detail(kept), 0, false
		}
		out.Fired = append(out.Fired, f)
	}
	if out.Fired == nil {
		out.Fired = []Fired{}
	}
	return out
}
