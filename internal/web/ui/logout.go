package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/web/httpx"
)

// logout ends the session and returns to the login page.
func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		if err := u.Auth.Logout(r.Context(), c.Value); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	http.SetCookie(w, httpx.ClearCookie(httpx.SessionCookie, u.SecureCookies))
	redirect(w, r, "/login", "signed_out")
}
