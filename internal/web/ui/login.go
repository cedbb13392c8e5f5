package ui

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type loginData struct {
	Next string
}

// loginPage shows the sign-in form. The form carries a token that must match a
// cookie set here, so another site cannot sign a browser in to an account of its
// choosing (login CSRF).
func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	if p := httpx.Principal(r); p != nil {
		http.Redirect(w, r, landing(p), http.StatusSeeOther)
		return
	}
	u.renderLogin(w, r, http.StatusOK, "")
}

func (u *UI) renderLogin(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	token := auth.NewToken()
	http.SetCookie(w, &http.Cookie{Name: httpx.LoginCSRF, Value: token, Path: "/login", MaxAge: 3600,
		HttpOnly: true, Secure: u.SecureCookies, SameSite: http.SameSiteStrictMode})
	page := u.newPage(r, "login.title")
	page.CSRF = token
	page.Error = errMsg
	if errMsg != "" {
		page.Form = r.PostForm
	}
	if page.Notice == "" && errors.Is(httpx.SessionError(r), auth.ErrSessionExpired) {
		page.Notice = "notice.session_expired"
	}
	next := r.PostFormValue("next") // a refused sign-in keeps where it was going
	if next == "" {
		next = httpx.PageQuery(r).String("next")
	}
	page.Data = loginData{Next: safeNext(next)}
	u.render(w, r, status, "login.html", page)
}

func (u *UI) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	c, err := r.Cookie(httpx.LoginCSRF)
	got := r.PostFormValue("csrf_token")
	if got == "" {
		u.renderLogin(w, r, http.StatusForbidden, httpx.Errorf(r, http.StatusForbidden, "csrf_missing", "").Message)
		return
	}
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) != 1 {
		u.renderLogin(w, r, http.StatusForbidden, httpx.Errorf(r, http.StatusForbidden, "csrf_invalid", "").Message)
		return
	}
	p, token, sess, err := u.Auth.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), httpx.ClientIP(r), r.UserAgent())
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		u.renderLogin(w, r, http.StatusUnauthorized, httpx.Errorf(r, http.StatusUnauthorized, "invalid_credentials", "").Message)
		return
	case errors.Is(err, auth.ErrAccountDisabled):
		u.renderLogin(w, r, http.StatusForbidden, httpx.Errorf(r, http.StatusForbidden, "account_disabled", "").Message)
		return
	case errors.Is(err, auth.ErrThrottled), errors.As(err, new(*auth.LockedError)):
		e := httpx.LoginRefusal(w, r, err)
		u.renderLogin(w, r, e.Status, e.Message)
		return
	case err != nil:
		u.renderError(w, r, err)
		return
	}
	// A fresh session token is minted on every login, so a token planted before
	// sign-in (session fixation) is worthless.
	http.SetCookie(w, httpx.SessionCookieFor(token, sess.ExpiresAt, u.SecureCookies))
	http.SetCookie(w, &http.Cookie{Name: httpx.LoginCSRF, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: httpx.LocaleCookie, Value: p.User.Locale, Path: "/", Expires: time.Now().AddDate(1, 0, 0), SameSite: http.SameSiteLaxMode, Secure: u.SecureCookies})
	dest := safeNext(r.PostFormValue("next"))
	if dest == "/" {
		dest = landing(p)
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// landing is where a sign-in with nowhere else to go takes the user: a grid worker to
// their phone pages (/grid), everyone else to the home page.
func landing(p *auth.Principal) string {
	if len(p.User.Roles) > 0 && !slices.ContainsFunc(p.User.Roles, func(r model.Role) bool { return r != model.RoleGrid }) {
		return "/grid"
	}
	return "/"
}
