package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// caseMediation is GET /api/v1/cases/{id}/mediation: the case's team, sessions,
// agreements (particulars masked), referrals and the help its citizen asked for.
func (a *API) caseMediation(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	recs, err := a.Mediation.Records(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, recs, nil
}

// caseBody reads the case id of the path and a JSON body into in.
func caseBody(r *http.Request, in any) (int64, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, httpx.DecodeJSON(r, in)
}

// addTeamMember is POST /api/v1/cases/{id}/team {"role","user_id"|"talent_id","note"}.
func (a *API) addTeamMember(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.TeamInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	m, err := a.Mediation.AddTeamMember(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, m, nil
}

// removeTeamMember is DELETE /api/v1/cases/{id}/team/{mid}?note=.
func (a *API) removeTeamMember(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	mid, err := httpx.PathID(r, "mid")
	if err != nil {
		return 0, nil, err
	}
	note := q.String("note")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	if err := a.Mediation.RemoveTeamMember(r.Context(), p, id, mid, note); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, teamMemberRemoved{Removed: mid}, nil
}

// recordSession is POST /api/v1/cases/{id}/sessions (mediation.SessionInput).
func (a *API) recordSession(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.SessionInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	m, err := a.Mediation.RecordSession(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, m, nil
}

// draftAgreement is POST /api/v1/cases/{id}/agreements (mediation.AgreementInput):
// the draft, numbered.
func (a *API) draftAgreement(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.AgreementInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	ag, err := a.Mediation.DraftAgreement(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ag, nil
}

// editAgreement is PUT /api/v1/agreements/{id} (mediation.AgreementInput; org_id is
// the numbering organisation's and stays).
func (a *API) editAgreement(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.AgreementInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	ag, err := a.Mediation.EditAgreement(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ag, nil
}

// signAgreement is POST /api/v1/agreements/{id}/sign {"signed_on","attachment_id"}.
func (a *API) signAgreement(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.SignInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	ag, err := a.Mediation.SignAgreement(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ag, nil
}

// agreementPerformance is POST /api/v1/agreements/{id}/performance {"performed","on","note"}.
func (a *API) agreementPerformance(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.PerformanceInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	ag, err := a.Mediation.RecordPerformance(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ag, nil
}

// agreementConfirmation is POST /api/v1/agreements/{id}/confirmation
// {"step":"apply"|"ruling"|"waive", …} (司法确认).
func (a *API) agreementConfirmation(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.ConfirmInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	ag, err := a.Mediation.Confirm(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ag, nil
}

// addReferral is POST /api/v1/cases/{id}/referrals (mediation.ReferralInput).
func (a *API) addReferral(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.ReferralInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	f, err := a.Mediation.AddReferral(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, f, nil
}

// referralResult is POST /api/v1/cases/{id}/referrals/{rid}/result {"result","on","external_no","note"}.
func (a *API) referralResult(r *http.Request, p *auth.Principal) (int, any, error) {
	var in mediation.ReferralResultInput
	id, err := caseBody(r, &in)
	if err != nil {
		return 0, nil, err
	}
	rid, err := httpx.PathID(r, "rid")
	if err != nil {
		return 0, nil, err
	}
	f, err := a.Mediation.CloseReferral(r.Context(), p, id, rid, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, f, nil
}
