package api

import (
	"net/http"
	"net/url"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// savedFilterView is a saved filter as the API shows it: its list's URL on the pages
// and in the API, and whether the list still takes it (Problem says why not).
type savedFilterView struct {
	model.SavedFilter
	URL     string       `json:"url"`     // the case list page
	APIURL  string       `json:"api_url"` // GET /api/v1/cases with the same filters
	Valid   bool         `json:"valid"`   // the list takes the filter as saved
	Problem *httpx.Error `json:"problem,omitempty"`
}

// savedFilterIn is the body of POST /api/v1/saved-filters and PATCH …/{id}.
type savedFilterIn struct {
	Name  string `json:"name"`
	Query string `json:"query"` // POST only: the list's query string, e.g. "kind=dispute&q=宅基地"
}

// caseListEnv is how the API reads a case list for p (ParseCaseList).
func (a *API) caseListEnv(r *http.Request, p *auth.Principal) httpx.CaseListEnv {
	return httpx.CaseListEnv{Now: a.Cases.Now(), DefaultQueue: "all",
		QueueFor: func() *store.Queue { return cases.QueueFor(p) },
		RegionPath: func(id int64) (string, error) {
			// As the list page reads it: a region of the user's subtree.
			g, err := a.Org.Region(r.Context(), p, id)
			return g.Path, err
		}}
}

func (a *API) savedFilterView(r *http.Request, p *auth.Principal, f model.SavedFilter) savedFilterView {
	v := savedFilterView{SavedFilter: f, URL: "/cases?" + f.Query, APIURL: "/api/v1/cases?" + f.Query, Valid: true}
	values, err := url.ParseQuery(f.Query)
	if err == nil {
		err = httpx.CheckSavedValues(r, values, a.caseListEnv(r, p))
	}
	if err != nil {
		v.Valid, v.Problem = false, httpx.FromErr(r, err)
	}
	return v
}

// savedFilters is GET /api/v1/saved-filters: the caller's own saved filters, by name.
func (a *API) savedFilters(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return 0, nil, err
	}
	list, err := a.Store.SavedFilters(r.Context(), p.User.ID)
	if err != nil {
		return 0, nil, err
	}
	out := make([]savedFilterView, len(list))
	for i, f := range list {
		out[i] = a.savedFilterView(r, p, f)
	}
	return http.StatusOK, map[string]any{"items": out}, nil
}

// saveFilter is POST /api/v1/saved-filters: keeps a case list's query under a name,
// checked by the list's own parser.
func (a *API) saveFilter(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return 0, nil, err
	}
	var in savedFilterIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	name, err := model.CleanSavedFilterName(in.Name)
	if err != nil {
		return 0, nil, err
	}
	query, err := httpx.SavedFilterQuery(r, in.Query, a.caseListEnv(r, p))
	if err != nil {
		return 0, nil, err
	}
	f := model.SavedFilter{UserID: p.User.ID, Name: name, Query: query}
	if err := a.Store.InsertSavedFilter(r.Context(), &f); err != nil {
		return 0, nil, httpx.SavedFilterErr(err)
	}
	return http.StatusCreated, a.savedFilterView(r, p, f), nil
}

// renameFilter is PATCH /api/v1/saved-filters/{id}: a new name for one of the
// caller's filters.
func (a *API) renameFilter(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return 0, nil, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in savedFilterIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Query != "" {
		return 0, nil, model.Invalid("query", "read_only", "invalid.saved_filter.query_fixed")
	}
	name, err := model.CleanSavedFilterName(in.Name)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Store.RenameSavedFilter(r.Context(), p.User.ID, id, name); err != nil {
		return 0, nil, httpx.SavedFilterErr(err)
	}
	f, err := a.Store.SavedFilter(r.Context(), p.User.ID, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.savedFilterView(r, p, f), nil
}

// deleteFilter is DELETE /api/v1/saved-filters/{id}.
func (a *API) deleteFilter(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return 0, nil, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	if err := a.Store.DeleteSavedFilter(r.Context(), p.User.ID, id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
