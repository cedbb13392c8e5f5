package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/risk"
)

// riskRulesBody is the warning rules in force and whether an administrator set them.
type riskRulesBody struct {
	Rules  risk.Rules `json:"rules"`
	Custom bool       `json:"custom"`
}

// getRiskRules returns the four-colour warning rules in force: {"rules", "custom"}.
// Like their editing, reading them is for those who keep the dictionaries.
func (a *API) getRiskRules(r *http.Request, p *auth.Principal) (int, any, error) {
	if !p.Can(auth.PermDictionary) {
		return 0, nil, auth.ErrForbidden
	}
	rules, custom, err := a.Cases.RiskRules(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, riskRulesBody{Rules: rules, Custom: custom}, nil
}

// putRiskRules replaces the warning rules with the whole rules in the body; they
// apply to the next assessment at once. Invalid rules are 422 with the field "rules".
func (a *API) putRiskRules(r *http.Request, p *auth.Principal) (int, any, error) {
	if !p.Can(auth.PermDictionary) {
		return 0, nil, auth.ErrForbidden // before reading a body the caller may not send
	}
	return decodeAndCall(r, http.StatusOK, func(in risk.Rules) (riskRulesBody, error) {
		if err := a.Cases.SetRiskRules(r.Context(), p, in); err != nil {
			return riskRulesBody{}, err
		}
		return riskRulesBody{Rules: in, Custom: true}, nil
	})
}
