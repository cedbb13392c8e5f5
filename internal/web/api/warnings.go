package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// warningsPage is the warnings board: the cases under a warning that match the level
// filter, and the counts by colour of every warning the caller sees.
type warningsPage struct {
	Items  []store.Warning   `json:"items"`
	Counts cases.LevelCounts `json:"counts"`
	Total  int               `json:"total"`
}

// warningsBoard lists the cases under a warning that the caller sees, the most
// serious first (?level=red|orange|yellow|blue narrows to one colour), with the
// counts by colour.
func (a *API) warningsBoard(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	level := q.String("level")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	items, err := a.Cases.Warnings(r.Context(), p, level)
	if err != nil {
		return 0, nil, err
	}
	counts, err := a.Cases.WarningTotals(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []store.Warning{}
	}
	return http.StatusOK, warningsPage{Items: items, Counts: counts, Total: counts.Total()}, nil
}
