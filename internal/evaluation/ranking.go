package evaluation

import "time"

// Ranking is a scheme's scores and ranking for one period over the units of a
// region (its township centres, or its county departments): what the page shows, and
// what publishing freezes.
type Ranking struct {
	Scheme     Scheme  `json:"scheme"` // as it stood when computed
	Unit       string  `json:"unit"`
	From       string  `json:"from"` // the period's first and last day, YYYY-MM-DD
	To         string  `json:"to"`
	Label      string  `json:"label"`                 // 2026年11月
	PrevLabel  string  `json:"prev_label"`            // the period compared with
	PrevFrozen bool    `json:"prev_frozen,omitempty"` // the comparison is with the published ranking of the period before
	RegionID   int64   `json:"region_id"`
	RegionName string  `json:"region_name"`
	Entries    []Entry `json:"entries"`
	// Team is the team work (包案) of the period on the cases of the region, one row
	// a person: frozen with the rest when the ranking is published.
	Team       []TeamWork `json:"team,omitempty"`
	ComputedAt time.Time  `json:"computed_at"`

	// Published is set on a ranking read back from its snapshot (定稿).
	Published *Publication `json:"published,omitempty"`
}

// Publication says who published a ranking and when.
type Publication struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}
