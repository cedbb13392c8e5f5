package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// rootOnly admits only users of the deployment's root region.
func (u *UI) rootOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !atRoot(httpx.Principal(r)) {
			u.renderError(w, r, auth.ErrForbidden)
			return
		}
		h(w, r)
	}
}

// atRoot reports whether p belongs to the deployment's root region.
func atRoot(p *auth.Principal) bool { return p != nil && p.Region.ParentID == 0 }

// platformRow is a platform as its list shows it: the secret only as a hint.
type platformRow struct {
	store.Platform
	SecretHint string
	Parked     int
}

// platformList lists the platforms whose work orders come in, with how many of each
// wait for a mapping (待映射).
func (u *UI) platformList(w http.ResponseWriter, r *http.Request) {
	ps, err := u.Store.Platforms(r.Context())
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	parked, err := u.Store.ParkedCounts(r.Context())
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	rows := make([]platformRow, len(ps))
	for i, p := range ps {
		rows[i] = platformRow{Platform: p, SecretHint: adapterjob.SecretHint(p.Secret), Parked: parked[p.ID]}
	}
	page := u.newPage(r, "platforms.title")
	page.Active = "nav.platforms"
	page.Data = rows
	u.render(w, r, http.StatusOK, "admin_platforms.html", page)
}
