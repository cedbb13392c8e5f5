package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type homeData struct {
	RegionPath []model.Region // from the deployment's root down to the user's region
}

// home shows a leader and a viewer their dashboard; anyone else who is signed in:
// name, region with its ancestors, department, roles.
func (u *UI) home(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	if readsStats(p) {
		u.dashboard(w, r)
		return
	}
	path, err := u.Store.RegionAncestors(r.Context(), p.Region)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "home.title")
	page.Active = "nav.home"
	page.Data = homeData{RegionPath: path}
	u.render(w, r, http.StatusOK, "home.html", page)
}
