package api

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// caseLinks is GET /api/v1/cases/{id}/links: the case's links as the caller sees
// them (cases.LinkView).
func (a *API) caseLinks(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Get(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	links, err := a.Cases.Links(r.Context(), p, &c)
	if err != nil {
		return 0, nil, err
	}
	if links == nil {
		links = []cases.LinkView{}
	}
	return http.StatusOK, map[string]any{"items": links}, nil
}

// linkCase is POST /api/v1/cases/{id}/links {"tracking_code","kind","note"}.
func (a *API) linkCase(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in cases.LinkInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	l, err := a.Cases.Link(r.Context(), p, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, l, nil
}

// unlinkCase is DELETE /api/v1/cases/{id}/links/{lid}.
func (a *API) unlinkCase(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	linkID, err := strconv.ParseInt(r.PathValue("lid"), 10, 64)
	if err != nil || linkID <= 0 {
		return 0, nil, store.ErrNotFound
	}
	if err := a.Cases.Unlink(r.Context(), p, id, linkID); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
