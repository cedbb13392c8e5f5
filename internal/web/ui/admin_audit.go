package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type auditData struct {
	Rows      []store.AuditRow
	Query     url.Values
	NextURL   string
	ExportURL string
}

// auditList shows the audit log, newest first, filtered and paged.
func (u *UI) auditList(w http.ResponseWriter, r *http.Request) {
	q := httpx.PageQuery(r)
	f, err := audit.FilterFrom(q)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	rows, err := audit.List(r.Context(), u.Store, httpx.Principal(r), f)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data := auditData{Rows: rows, Query: q.Values()}
	if len(rows) == f.Limit {
		next := q.Values()
		next.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		data.NextURL = "/admin/audit?" + next.Encode()
	}
	exp := url.Values{}
	for k, v := range data.Query {
		if k != "before" && k != "notice" {
			exp[k] = v
		}
	}
	data.ExportURL = "/admin/audit.csv?" + exp.Encode()
	page := u.newPage(r, "audit.title")
	page.Active = "nav.audit"
	page.Data = data
	u.render(w, r, http.StatusOK, "admin_audit.html", page)
}

// auditExport downloads the filtered log as CSV; the export is audited.
func (u *UI) auditExport(w http.ResponseWriter, r *http.Request) {
	f, err := audit.FilterFrom(httpx.PageQuery(r))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-log.csv"`)
	if err := audit.ExportCSV(r.Context(), u.Store, httpx.Principal(r), f, w); err != nil {
		u.renderError(w, r, err)
	}
}

// userUnlock lifts the lock that repeated wrong passwords put on an account.
func (u *UI) userUnlock(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = u.Org.Unlock(r.Context(), httpx.Principal(r), u.Auth, id)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/users", "unlocked")
}
