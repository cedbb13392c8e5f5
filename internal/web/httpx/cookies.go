package httpx

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
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
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok && ip != "" {
		return ip
	}
	return peerIP(r)
}

type clientIPKey struct{}

// ClientSubject is the client as the per-address limits count it
// (auth.AddressSubject).
func ClientSubject(r *http.Request) string { return auth.AddressSubject(ClientIP(r)) }

// peerIP is the address the connection comes from.
func peerIP(r *http.Request) string {
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
	return r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/attachments") || r.URL.Path == "/grid/report" || r.URL.Path == "/p/" ||
		IsLedgerUpload(r))
}

// IsLedgerUpload tells a 台账 uploaded for import, which may be far larger than a
// photo: MaxLedgerBytes.
func IsLedgerUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/admin/imports"
}

// MaxLedgerBytes bounds an uploaded ledger: a million rows of xlsx are some 60 MB.
const MaxLedgerBytes = 128 << 20

// WithClientIP records the client's address as trusted proxies tell it: when the peer
// is one of trusted, the rightmost address of X-Forwarded-For that is not itself a
// trusted proxy (the leftmost ones are the client's to forge). Otherwise, and for a
// malformed header, the peer's address stands.
func WithClientIP(r *http.Request, trusted []netip.Prefix) *http.Request {
	if len(trusted) == 0 {
		return r
	}
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !isTrusted(peerIP(r)) {
		return r
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" || isTrusted(hop) {
			continue
		}
		a, err := netip.ParseAddr(hop)
		if err != nil {
			return r
		}
		return r.WithContext(context.WithValue(r.Context(), clientIPKey{}, a.Unmap().String()))
	}
	return r
}
