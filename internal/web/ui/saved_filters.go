package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// savedFilterRow is one of the user's saved filters on a list page.
type savedFilterRow struct {
	ID      int64
	Name    string
	Href    string // the list it keeps
	Current bool   // the list shown is this filter's
	Problem string // why the list no longer takes it, in the reader's language; "" when it does
}

// savedQueryOf is a list's query as a saved filter keeps it (paging and notices
// dropped, parameters in order), to compare and to post.
func savedQueryOf(q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		switch k {
		case "page", "before", "notice":
		default:
			v[k] = vs
		}
	}
	return v.Encode()
}

// savedFilterRows reads p's saved filters and checks each through the list's parser,
// as it would read them now.
func (u *UI) savedFilterRows(r *http.Request, p *auth.Principal) ([]savedFilterRow, error) {
	list, err := u.Store.SavedFilters(r.Context(), p.User.ID)
	if err != nil {
		return nil, err
	}
	current := savedQueryOf(httpx.PageQuery(r).Values())
	env := u.caseListEnv(r.Context(), p, "all")
	out := make([]savedFilterRow, len(list))
	for i, f := range list {
		out[i] = savedFilterRow{ID: f.ID, Name: f.Name, Href: "/cases?" + f.Query, Current: f.Query == current}
		values, err := url.ParseQuery(f.Query)
		if err == nil {
			err = httpx.CheckSavedValues(r, values, env)
		}
		if err != nil {
			e := httpx.FromErr(r, err)
			out[i].Problem = e.Message
		}
	}
	return out, nil
}

// savedFilterSave keeps the list the user is looking at under a name (保存筛选). A
// refusal shows the same list again with the name's error.
func (u *UI) savedFilterSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	p := httpx.Principal(r)
	raw := r.PostForm.Get("query")
	name, err := model.CleanSavedFilterName(r.PostForm.Get("name"))
	var query string
	if err == nil {
		query, err = httpx.SavedFilterQuery(r, raw, u.caseListEnv(r.Context(), p, "all"))
	}
	if err == nil {
		f := model.SavedFilter{UserID: p.User.ID, Name: name, Query: query}
		err = httpx.SavedFilterErr(u.Store.InsertSavedFilter(r.Context(), &f))
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		// The list the filter was to keep, shown again with the refusal.
		again := r.Clone(r.Context())
		again.URL.RawQuery = savedQueryOf(parsedOrEmpty(raw))
		u.showQueue(w, again, ce.Status, ce)
		return
	}
	redirect(w, r, "/cases?"+query, "filter_saved")
}

// parsedOrEmpty is raw's parameters, none when it does not parse.
func parsedOrEmpty(raw string) url.Values {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return url.Values{}
	}
	return v
}

// backTo is the list the user acted from (a posted "back" query), to return to.
func backTo(r *http.Request) string {
	return "/cases?" + savedQueryOf(parsedOrEmpty(r.PostForm.Get("back")))
}

// savedFilterRename gives one of the user's filters a new name.
func (u *UI) savedFilterRename(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	p := httpx.Principal(r)
	name, err := model.CleanSavedFilterName(r.PostForm.Get("name"))
	if err == nil {
		err = httpx.SavedFilterErr(u.Store.RenameSavedFilter(r.Context(), p.User.ID, id, name))
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		again := r.Clone(r.Context())
		again.URL.RawQuery = savedQueryOf(parsedOrEmpty(r.PostForm.Get("back")))
		ce.Field = "rename_" + strconv.FormatInt(id, 10) // shown beside that filter's form
		u.showQueue(w, again, ce.Status, ce)
		return
	}
	redirect(w, r, backTo(r), "filter_renamed")
}

// savedFilterDelete removes one of the user's filters.
func (u *UI) savedFilterDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if err := u.Store.DeleteSavedFilter(r.Context(), httpx.Principal(r).User.ID, id); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, backTo(r), "filter_deleted")
}
