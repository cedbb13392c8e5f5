package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// RequestInfo is what the log lines of one request carry: its id, and the user once
// known, and its route once matched. The outermost middleware makes it; authenticate
// and the router fill it in.
type RequestInfo struct {
	ID string

	mu    sync.Mutex
	user  string
	route string
}

type requestInfoKey struct{}

// WithRequestInfo is ctx carrying info.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom is the request's information, nil outside a request.
func RequestInfoFrom(ctx context.Context) *RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*RequestInfo)
	return info
}

// SetUser records who the request is from (a user name).
func (i *RequestInfo) SetUser(u string) { i.mu.Lock(); i.user = u; i.mu.Unlock() }

// User is who the request is from, "" for nobody signed in.
func (i *RequestInfo) User() string { i.mu.Lock(); defer i.mu.Unlock(); return i.user }

// SetRoute records the route pattern the request matched.
func (i *RequestInfo) SetRoute(p string) { i.mu.Lock(); i.route = p; i.mu.Unlock() }

// Route is the route pattern the request matched, "" before or without a match.
func (i *RequestInfo) Route() string { i.mu.Lock(); defer i.mu.Unlock(); return i.route }

// PeerTrusted reports whether the connection comes from one of the trusted proxies.
func PeerTrusted(r *http.Request, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(peerIP(r))
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

// RequestID is the id of r: the X-Request-Id a trusted proxy gave it (a proxy's own
// id ties its log to ours), else a fresh random one. An id that is not a short token
// of letters, digits and -_.: is not taken: it goes into every log line.
func RequestID(r *http.Request, fromTrustedProxy bool) string {
	if fromTrustedProxy {
		if id := r.Header.Get("X-Request-Id"); validRequestID(id) {
			return id
		}
	}
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:", c)) {
			return false
		}
	}
	return true
}

type httpsKey struct{}

// FromProxy applies what a trusted proxy says of the request: the scheme the client
// used (X-Forwarded-Proto: IsHTTPS) and the host it asked for (X-Forwarded-Host, so
// that the CSRF check and the links we build see the public name even when the proxy
// passes its upstream's Host). From anyone else the headers are ignored.
func FromProxy(r *http.Request, trusted bool) *http.Request {
	https := r.TLS != nil
	if trusted {
		if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
			https = strings.EqualFold(strings.TrimSpace(strings.Split(proto, ",")[0]), "https")
		}
		if host := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Host"), ",")[0]); host != "" && validHost(host) {
			r.Host = host
		}
	}
	if !https {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), httpsKey{}, true))
}

// validHost accepts a host[:port] of the characters a host name or address has.
func validHost(h string) bool {
	if len(h) > 255 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-.:[]", c)) {
			return false
		}
	}
	return true
}

// IsHTTPS reports whether the client reached us over HTTPS: TLS here, or a trusted
// proxy's X-Forwarded-Proto (FromProxy).
func IsHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	v, _ := r.Context().Value(httpsKey{}).(bool)
	return v
}

// LogHandler wraps h so that every line logged with a request's context carries the
// request's id and user, and durations are written in milliseconds (key_ms), not in
// nanoseconds: one format for every line, text or JSON.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ inner slog.Handler }

func (l logHandler) Enabled(ctx context.Context, lv slog.Level) bool { return l.inner.Enabled(ctx, lv) }

func (l logHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, rec.Message, rec.PC)
	if info := RequestInfoFrom(ctx); info != nil {
		out.AddAttrs(slog.String("request_id", info.ID))
		if u := info.User(); u != "" {
			out.AddAttrs(slog.String("user", u))
		}
	}
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(msAttr(a))
		return true
	})
	return l.inner.Handle(ctx, out)
}

func (l logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	for i := range attrs {
		attrs[i] = msAttr(attrs[i])
	}
	return logHandler{l.inner.WithAttrs(attrs)}
}

func (l logHandler) WithGroup(name string) slog.Handler { return logHandler{l.inner.WithGroup(name)} }

// msAttr writes a duration as milliseconds, its key ending in _ms.
func msAttr(a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	key := a.Key
	if !strings.HasSuffix(key, "ms") {
		key += "_ms"
	}
	return slog.Float64(key, float64(a.Value.Duration())/float64(time.Millisecond))
}
