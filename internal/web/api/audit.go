package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

func (a *API) unlockUser(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.Org.Unlock(r.Context(), p, a.Auth, id)
}

// listAudit is the audit log for an admin, filtered like the admin page.
func (a *API) listAudit(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	f, err := audit.FilterFrom(q)
	if err != nil {
		return 0, nil, err
	}
	rows, err := audit.List(r.Context(), a.Store, p, f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list(rows), nil
}
