package api

import (
	"errors"
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// meResponse is who the caller is, with the CSRF token a browser script must send.
type meResponse struct {
	User       model.User        `json:"user"`
	Region     model.Region      `json:"region"`
	Department *model.Department `json:"department,omitempty"`
	CSRFToken  string            `json:"csrf_token,omitempty"`
}

func meOf(p *auth.Principal, csrf string) meResponse {
	return meResponse{User: p.User, Region: p.Region, Department: p.Department, CSRFToken: csrf}
}

// login opens a session: JSON in, session cookie out.
func (a *API) login(w http.ResponseWriter, r *http.Request) {
	if _, err := httpx.ReadQuery(r); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var in loginRequest
	if err := httpx.DecodeJSON(r, &in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if in.Username == "" {
		httpx.WriteError(w, r, model.Invalid("username", "required", "invalid.required"))
		return
	}
	if in.Password == "" {
		httpx.WriteError(w, r, model.Invalid("password", "required", "invalid.required"))
		return
	}
	if len(in.Password) > 4*auth.MaxPasswordLen {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusUnauthorized, "invalid_credentials", ""))
		return
	}
	p, token, sess, err := a.Auth.Login(r.Context(), in.Username, in.Password, httpx.ClientIP(r), r.UserAgent())
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusUnauthorized, "invalid_credentials", ""))
		return
	case errors.Is(err, auth.ErrAccountDisabled):
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusForbidden, "account_disabled", ""))
		return
	case errors.Is(err, auth.ErrThrottled), errors.As(err, new(*auth.LockedError)):
		httpx.WriteError(w, r, httpx.LoginRefusal(w, r, err))
		return
	case err != nil:
		httpx.WriteError(w, r, err)
		return
	}
	http.SetCookie(w, httpx.SessionCookieFor(token, sess.ExpiresAt, a.SecureCookies))
	httpx.WriteJSON(w, http.StatusCreated, meOf(p, sess.CSRFToken))
}

// logout ends the caller's session; without one it is a no-op.
func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	if _, err := httpx.ReadQuery(r); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		if err := a.Auth.Logout(r.Context(), c.Value); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
	}
	http.SetCookie(w, httpx.ClearCookie(httpx.SessionCookie, a.SecureCookies))
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) me(r *http.Request, p *auth.Principal) (int, any, error) {
	return http.StatusOK, meOf(p, httpx.CSRFToken(r)), nil
}
