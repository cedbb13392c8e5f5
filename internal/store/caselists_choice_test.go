package store

import (
	"testing"
	"time"
)

// The driver of a list is its rarest filter's index; a common filter whose index is
// not in the list's order (several states, a subtree) gives way to the rarest one
// that is, or to the walk of the list's order; the overdue list is read only through
// the indexes that carry the deadline.
func TestListDriverChoice(t *testing.T) {
	kind := listCandidate{driver: listDriver{index: "cases_kind_registered", ordered: true}}
	urgency := listCandidate{driver: listDriver{index: "cases_urgency_registered", ordered: true}}
	states := listCandidate{driver: listDriver{index: "cases_state_registered"}}
	region := listCandidate{driver: listDriver{index: "cases_region_registered", region: true}}
	for _, tc := range []struct {
		name        string
		cands       []listCandidate
		counts      []int
		page, count string
	}{
		{"the rarer of two", []listCandidate{kind, urgency}, []int{listDriverCap, 900}, "cases_urgency_registered", "cases_urgency_registered"},
		{"the rarer of two, reversed", []listCandidate{kind, urgency}, []int{900, listDriverCap}, "cases_kind_registered", "cases_kind_registered"},
		{"a sorted rare one", []listCandidate{kind, states}, []int{listDriverCap, listDriverCap - 1}, "cases_state_registered", "cases_state_registered"},
		{"a sorted common one walks the ordered", []listCandidate{kind, states}, []int{listDriverCap, listDriverCap}, "cases_kind_registered", "cases_kind_registered"},
		{"a sorted rarer one counts, an ordered common one pages", []listCandidate{region, kind}, []int{listDriverCap, listDriverCap}, "cases_kind_registered", "cases_region_registered"},
		{"a common subtree alone walks the order", []listCandidate{region}, []int{listDriverCap}, "cases_registered", "cases_region_registered"},
		{"no filter walks the order", nil, nil, "cases_registered", ""},
	} {
		page, count := chooseListDrivers(tc.cands, tc.counts)
		got := ""
		if count != nil {
			got = count.index
		}
		if page.index != tc.page || got != tc.count {
			t.Errorf("%s: page %s, count %s; want %s, %s", tc.name, page.index, got, tc.page, tc.count)
		}
	}

	f := CaseFilter{Kind: "dispute", Urgency: "urgent", Channel: "hotline", States: []string{"registered"}, categoryIDs: []int64{6}, OverdueAt: time.Now()}
	for _, c := range listCandidates(f, CaseScope{RegionPath: "/1/2/"}) {
		if c.driver.index != "cases_open_due" && c.driver.index != "cases_region_registered" {
			t.Errorf("the overdue list may be read through %s, which holds no deadline", c.driver.index)
		}
	}
	f.OverdueAt = time.Time{}
	if n := len(listCandidates(f, CaseScope{All: true})); n != 5 {
		t.Errorf("%d candidates for five filters", n)
	}
}
