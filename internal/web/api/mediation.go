package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// mediationOrgs lists the mediation organisations of the caller's subtree with members.
func (a *API) mediationOrgs(r *http.Request, p *auth.Principal) (int, any, error) {
	orgs, err := a.Mediation.Orgs(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, mediationOrgsAnswer{Organisations: orgs}, nil
}

// talentPool lists the talent pool of the caller's subtree, phones masked, with each
// person's load.
func (a *API) talentPool(r *http.Request, p *auth.Principal) (int, any, error) {
	pool, err := a.Mediation.Pool(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, talentAnswer{People: pool}, nil
}

// recommendationView is a recommendation with its reasons said in the caller's language.
type recommendationView struct {
	mediation.Recommendation
	Why []string `json:"why"`
}

// caseRecommendations recommends people of the pool for a case the caller may read.
func (a *API) caseRecommendations(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Get(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	recs, err := a.Mediation.Recommend(r.Context(), p, c, 10)
	if err != nil {
		return 0, nil, err
	}
	loc := httpx.Locale(r)
	out := make([]recommendationView, len(recs))
	for i, rec := range recs {
		out[i] = recommendationView{Recommendation: rec, Why: mediation.Why(loc, rec)}
	}
	return http.StatusOK, recommendationsAnswer{Recommendations: out}, nil
}
