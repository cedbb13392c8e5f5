package ui

import (
	"context"
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// setActive deactivates or reactivates a region, department, user or category. Nothing
// that records refer to is ever deleted.
func (u *UI) setActive(w http.ResponseWriter, r *http.Request) {
	setters := map[string]func(context.Context, *auth.Principal, int64, bool) error{
		"regions":     u.Org.SetRegionActive,
		"departments": u.Org.SetDepartmentActive,
		"users":       u.Org.SetUserActive,
		"categories":  u.Org.SetCategoryActive,
	}
	set, ok := setters[r.PathValue("kind")]
	sw := r.PathValue("switch")
	if !ok || (sw != "activate" && sw != "deactivate") {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = set(r.Context(), httpx.Principal(r), id, sw == "activate")
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/"+r.PathValue("kind"), sw+"d")
}
