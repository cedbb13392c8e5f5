package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// issuedToken is the answer to issuing: the token itself appears here and nowhere else.
type issuedToken struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Token string `json:"token"`
}

type tokenJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	UserID     int64  `json:"user_id"`
	Prefix     string `json:"prefix"`
	CreatedBy  int64  `json:"created_by"`
	CreatedAt  string `json:"created_at"`
	Revoked    bool   `json:"revoked"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

func toTokenJSON(t store.APIToken) tokenJSON {
	j := tokenJSON{ID: t.ID, Name: t.Name, UserID: t.UserID, Prefix: t.Prefix, CreatedBy: t.CreatedBy,
		CreatedAt: t.CreatedAt.Format("2006-01-02T15:04:05Z07:00"), Revoked: t.RevokedAt != nil}
	if t.LastUsedAt != nil {
		j.LastUsedAt = t.LastUsedAt.Format("2006-01-02T15:04:05Z07:00")
	}
	return j
}

func (a *API) listTokens(r *http.Request, p *auth.Principal) (int, any, error) {
	toks, err := a.Org.Tokens(r.Context(), p)
	out := make([]tokenJSON, len(toks))
	for i, t := range toks {
		out[i] = toTokenJSON(t)
	}
	return http.StatusOK, list(out), err
}

func (a *API) createToken(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusCreated, func(in org.TokenInput) (issuedToken, error) {
		tok, t, err := a.Org.IssueToken(r.Context(), p, a.Auth, in)
		return issuedToken{ID: t.ID, Name: t.Name, Token: tok}, err
	})
}

func (a *API) revokeToken(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.Org.RevokeToken(r.Context(), p, id)
}
