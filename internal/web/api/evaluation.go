package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// evaluationSchemes lists the evaluation schemes (考评方案) in force: the shipped ones,
// as an administrator may have edited them, and those added.
func (a *API) evaluationSchemes(r *http.Request, p *auth.Principal) (int, any, error) {
	if !p.Can(auth.PermDictionary) && !p.Can(auth.PermStatsRead) {
		return 0, nil, auth.ErrForbidden
	}
	all, err := a.Cases.EvaluationSchemes(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]evaluationSchemeView, len(all))
	for i, s := range all {
		out[i] = evaluationSchemeView{s.Scheme, s.Custom}
	}
	return http.StatusOK, evaluationSchemesAnswer{Schemes: out}, nil
}

// putEvaluationScheme saves the whole scheme in the body under the code in the path
// (a new code adds a scheme). An invalid scheme is 422 naming its field
// (items.2.full). A computed ranking follows it at once; a published one does not.
func (a *API) putEvaluationScheme(r *http.Request, p *auth.Principal) (int, any, error) {
	if !p.Can(auth.PermDictionary) {
		return 0, nil, auth.ErrForbidden
	}
	code := r.PathValue("code")
	return decodeAndCall(r, http.StatusOK, func(in evaluation.Scheme) (evaluation.Scheme, error) {
		if in.Code == "" {
			in.Code = code
		}
		if in.Code != code {
			return in, model.Invalid("code", "mismatch", "invalid.evaluation.code_mismatch")
		}
		if err := a.Cases.SaveEvaluationScheme(r.Context(), p, in); err != nil {
			return in, err
		}
		return in, nil
	})
}

// evaluationRanking is a scheme's scores and ranking for a period (scheme, period,
// date), with the change against the period before; every figure links to its cases.
// A published period answers its frozen snapshot, with "published".
func (a *API) evaluationRanking(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	scheme, unit, date := q.String("scheme"), q.String("period"), q.String("date")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	res, err := a.Cases.Ranking(r.Context(), p, schemeOrDefault(scheme), unit, date)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, res, nil
}

// publishRankingIn is the body of POST /api/v1/evaluation/ranking/publish.
type publishRankingIn struct {
	Scheme string `json:"scheme"`
	Period string `json:"period"`
	Date   string `json:"date"`
}

// publishRanking publishes (定稿) a period's ranking: {"scheme", "period", "date"}.
func (a *API) publishRanking(r *http.Request, p *auth.Principal) (int, any, error) {
	if !p.Can(auth.PermEvalPublish) {
		return 0, nil, auth.ErrForbidden
	}
	return decodeAndCall(r, http.StatusCreated, func(in publishRankingIn) (evaluation.Ranking, error) {
		return a.Cases.PublishRanking(r.Context(), p, schemeOrDefault(in.Scheme), in.Period, in.Date)
	})
}

// schemeOrDefault is the scheme asked for, or the first shipped one.
func schemeOrDefault(code string) string {
	if code == "" {
		return evaluation.Defaults()[0].Code
	}
	return code
}
