package httpx

import (
	"net/http"
	"strings"
	"time"
)

// Cookie names. The session cookie is HttpOnly; the login CSRF cookie guards the one
// form a browser posts before it has a session.
const (
	SessionCookie = "od_session"
	LoginCSRF     = "od_login_csrf"
	LocaleCookie  = "od_lang"
)

// SessionCookieFor returns the cookie that carries a session token. It lives no longer
// than the session's absolute limit; SameSite=Lax keeps it off cross-site posts.
func SessionCookieFor(token string, expires time.Time, secure bool) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// ClearCookie returns a cookie that deletes name.
func ClearCookie(name string, secure bool) *http.Cookie {
	return &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// ClientIP is the peer address. A deployment behind a proxy will configure a trusted
// header; until then the socket peer is the only honest answer.
func ClientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// MaxUploadBytes caps an upload request: one 10 MB file plus its form.
const MaxUploadBytes = 11 << 20

// IsUpload reports whether r posts files to a case (or a grid worker's report, or a
// citizen's submission, with its photos), which may exceed the general body limit;
// the upload handlers cap it themselves (MaxUploadBytes, or the portal's own limit).
func IsUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/attachments") || r.URL.Path == "/grid/report" || r.URL.Path == "/p/")
}
