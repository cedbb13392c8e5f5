package ui

import (
	"net/http"
	"net/url"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// setLocale switches the UI language: stored on the user when signed in, and in a
// cookie for the login page.
func (u *UI) setLocale(w http.ResponseWriter, r *http.Request) {
	loc := r.PostFormValue("locale")
	if !i18n.Has(loc) {
		u.renderError(w, r, httpx.Errorf(r, http.StatusUnprocessableEntity, "invalid_locale", "locale"))
		return
	}
	if p := httpx.Principal(r); p != nil {
		if err := u.Store.SetUserLocale(r.Context(), p.User.ID, loc); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.LocaleCookie, Value: loc, Path: "/", Expires: time.Now().AddDate(1, 0, 0), SameSite: http.SameSiteLaxMode, Secure: u.SecureCookies})
	back := "/"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
		back = safeNext(ref.RequestURI())
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
