package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

const (
	SessionCookie = httpx.SessionCookie
	LocaleCookie  = httpx.LocaleCookie
)

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one access-log line per request (with its id and user: the
// request's context carries them, httpx.LogHandler writes them), records its latency
// by route in the metrics, and turns a panic into a 500 that shows the client nothing
// of the cause.
func (s *Server) logRequests(next http.Handler) http.Handler {
	log := s.log
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		ctx := r.Context()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(ctx, "panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if rec.status == 0 {
					httpx.WriteError(rec, r, errors.New("panic"))
				}
			}
			took := time.Since(start)
			route := ""
			if info := httpx.RequestInfoFrom(ctx); info != nil {
				route = info.Route()
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			s.metrics.observe(route, r.Method, status, took)
			log.InfoContext(ctx, "request", "method", r.Method, "path", r.URL.Path, "route", route, "status", status,
				"ms", float64(took.Microseconds())/1000, "ip", clientIP(r))
		}()
		next.ServeHTTP(rec, r)
	})
}

// securityHeaders sets the headers every response carries. The CSP allows no inline
// script or style: everything comes from /static.
//
// With hsts set, a request that reached us over HTTPS (here, or at a trusted proxy)
// is answered with Strict-Transport-Security: the browser then never asks over plain
// HTTP again, for hsts.
func securityHeaders(hsts time.Duration, next http.Handler) http.Handler {
	hstsValue := fmt.Sprintf("max-age=%d", int64(hsts.Seconds()))
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts > 0 && httpx.IsHTTPS(r) {
			h.Set("Strict-Transport-Security", hstsValue)
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages hold personal data: no shared or back-button caches.
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body; decoders report the overflow as 413. Uploads get
// the larger upload limit, applied here too, before anything (the CSRF check) reads
// the body.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := limit
		if httpx.IsLedgerUpload(r) {
			max = httpx.MaxLedgerBytes
		} else if httpx.IsUpload(r) {
			max = httpx.MaxUploadBytes
		}
		if r.ContentLength > max {
			httpx.WriteError(w, r, httpx.Errorf(r, http.StatusRequestEntityTooLarge, "body_too_large", "", max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// authenticate recognises the caller — a bearer token for other systems, a session
// cookie for browsers — and records the locale to speak. It never refuses by itself:
// handlers decide who may do what.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		loc := ""
		if c, err := r.Cookie(LocaleCookie); err == nil && i18n.Has(c.Value) {
			loc = c.Value
		}
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			p, err := s.auth.Token(ctx, strings.TrimSpace(tok))
			if !ok || err != nil {
				if err != nil && !errors.Is(err, auth.ErrBadToken) {
					httpx.WriteError(w, r, err)
					return
				}
				httpx.WriteError(w, r, httpx.Errorf(r, http.StatusUnauthorized, "invalid_token", ""))
				return
			}
			ctx = httpx.WithPrincipal(ctx, p, "")
			loc = p.User.Locale
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			p, sess, err := s.auth.Session(ctx, c.Value)
			switch {
			case err == nil:
				ctx = httpx.WithPrincipal(ctx, p, sess.CSRFToken)
				loc = p.User.Locale
			case errors.Is(err, auth.ErrSessionExpired):
				ctx = httpx.WithSessionError(ctx, err)
				http.SetCookie(w, s.expiredCookie(SessionCookie))
			default:
				httpx.WriteError(w, r, err)
				return
			}
		}
		if loc == "" {
			loc = i18n.Negotiate(r.Header.Get("Accept-Language"))
		}
		ctx = httpx.WithLocale(ctx, loc)
		actor := store.Actor{IP: clientIP(r)}
		if p := httpx.PrincipalFrom(ctx); p != nil {
			actor.ID, actor.Name = p.User.ID, p.User.Username
		}
		ctx = store.WithActor(ctx, actor)
		if info := httpx.RequestInfoFrom(ctx); info != nil && actor.Name != "" {
			info.SetUser(actor.Name)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// checkForms refuses a form whose text is not UTF-8 before any handler stores it
// (httpx.CheckForm). It runs after authenticate, to speak the user's language, and
// before the CSRF check, which reads the form too. Open311 checks its forms itself,
// to answer in the specification's format.
func (s *Server) checkForms(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isSafeMethod(r.Method) || strings.HasPrefix(r.URL.Path, "/open311/") {
			next.ServeHTTP(w, r)
			return
		}
		if err := httpx.CheckForm(r); err != nil {
			if httpx.WantsJSON(r) {
				httpx.WriteError(w, r, err)
			} else {
				s.pages.RenderError(w, r, err)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF guards every state-changing request a browser can be tricked into
// sending. A cookie-authenticated request must carry the session's token in the
// X-CSRF-Token header or the csrf_token form field; a request without any session
// is refused when the browser marks it cross-site. Bearer-token calls carry no
// ambient credentials and need no token.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isSafeMethod(r.Method) || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		if crossSite(r, s.publicHost) {
			s.refuseCSRF(w, r, "csrf_cross_site")
			return
		}
		want := httpx.CSRFToken(r)
		if want == "" {
			// No live session, so nothing ambient to abuse: the login form checks its
			// own token, and a request on an expired session is told "expired".
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" && isForm(r) {
			got = r.PostFormValue("csrf_token")
		}
		if got == "" {
			s.refuseCSRF(w, r, "csrf_missing")
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.refuseCSRF(w, r, "csrf_invalid")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// crossSite reports whether a browser says the request comes from another site:
// Sec-Fetch-Site where the browser sends it, else an Origin that is not ours — the
// request's Host (a trusted proxy's X-Forwarded-Host: httpx.FromProxy), or
// publicHost, the host of -public-url, for a proxy that passes neither.
func crossSite(r *http.Request, publicHost string) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "cross-site", "same-site":
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return origin == "null"
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host && (publicHost == "" || u.Host != publicHost)
}

func (s *Server) refuseCSRF(w http.ResponseWriter, r *http.Request, code string) {
	s.log.WarnContext(r.Context(), "csrf refused", "code", code, "path", r.URL.Path, "ip", clientIP(r))
	err := httpx.Errorf(r, http.StatusForbidden, code, "csrf_token")
	if httpx.WantsJSON(r) {
		httpx.WriteError(w, r, err)
		return
	}
	s.pages.RenderError(w, r, err)
}

func clientIP(r *http.Request) string { return httpx.ClientIP(r) }

func (s *Server) expiredCookie(name string) *http.Cookie {
	return httpx.ClearCookie(name, s.cfg.SecureCookies)
}
