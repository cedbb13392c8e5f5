package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// caseFollowUp is GET /api/v1/cases/{id}/follow-up: the case's latest plan (null when
// none) and its visits, newest first.
func (a *API) caseFollowUp(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Get(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	plan, visits, err := a.Cases.CasePlan(r.Context(), p, &c)
	if err != nil {
		return 0, nil, err
	}
	if visits == nil {
		visits = []store.FollowUpVisit{}
	}
	return http.StatusOK, followUpAnswer{Plan: plan, Visits: visits}, nil
}

// startFollowUp is POST /api/v1/cases/{id}/follow-up {"every_days","note"}.
// startFollowUpIn is the body of POST /api/v1/cases/{id}/follow-up.
type startFollowUpIn struct {
	EveryDays int    `json:"every_days"`
	Note      string `json:"note"`
}

// endFollowUpIn is the body of POST /api/v1/cases/{id}/follow-up/end.
type endFollowUpIn struct {
	Note string `json:"note"`
}

func (a *API) startFollowUp(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in startFollowUpIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	plan, first, err := a.Cases.StartPlan(r.Context(), p, id, in.EveryDays, in.Note)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, followUpAnswer{Plan: &plan, Visits: []store.FollowUpVisit{first}}, nil
}

// endFollowUp is POST /api/v1/cases/{id}/follow-up/end {"note"}.
func (a *API) endFollowUp(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in endFollowUpIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if err := a.Cases.EndPlan(r.Context(), p, id, in.Note); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
