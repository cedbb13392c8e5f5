package ui

// The public pages (/p/...): what a citizen opens from a QR code in a WeChat
// browser, without an account. They have their own small layout (no staff
// navigation), their own abuse limits per address, and never show a case's id.

import (
	"crypto/rand"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/ratelimit"
)

// Abuse limits of the public pages, per client address.
const (
	PublicSubmitLimit  = 5                // submissions (attempts) …
	PublicSubmitWindow = 10 * time.Minute // … per this long
	PublicTrackLimit   = 20               // tracking lookups and ratings …
	PublicTrackWindow  = 10 * time.Minute // … per this long
	// PublicChallengeAfter accepted submissions within PublicChallengeWindow, the
	// next one must answer an arithmetic question.
	PublicChallengeAfter  = 2
	PublicChallengeWindow = time.Hour
	// PublicChallengeTTL is how long a question may be answered.
	PublicChallengeTTL = 15 * time.Minute
	// PublicCodeFailures failed lookups of one tracking code within
	// PublicCodeFailureWindow, from any address, stop its lookups for a while: the
	// 10,000 endings of a known code's phone cannot be walked from many addresses.
	// Failures count whether or not the code exists, so this tells nothing either.
	PublicCodeFailures      = 5
	PublicCodeFailureWindow = 15 * time.Minute
)

// publicGuard holds one server's abuse counters and its challenge key.
type publicGuard struct {
	submit   *ratelimit.Limiter
	track    *ratelimit.Limiter
	accepted *ratelimit.Limiter // accepted submissions, for the challenge
	used     *ratelimit.Limiter // challenge nonces already answered
	codeFail *ratelimit.Limiter // failed lookups per tracking code
	key      []byte
	now      func() time.Time
}

// guards keeps a guard per UI: the counters belong to one server, not to the process
// (tests run many servers side by side).
var guards sync.Map // *UI -> *publicGuard

func (u *UI) guard() *publicGuard {
	if g, ok := guards.Load(u); ok {
		return g.(*publicGuard)
	}
	actual, _ := guards.LoadOrStore(u, newPublicGuard(time.Now))
	return actual.(*publicGuard)
}

// newPublicGuard returns fresh counters and a fresh challenge key, on the clock now.
func newPublicGuard(now func() time.Time) *publicGuard {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	g := &publicGuard{
		submit:   ratelimit.New(PublicSubmitLimit, PublicSubmitWindow),
		track:    ratelimit.New(PublicTrackLimit, PublicTrackWindow),
		accepted: ratelimit.New(50, PublicChallengeWindow),
		used:     ratelimit.New(1, PublicChallengeTTL),
		codeFail: ratelimit.New(PublicCodeFailures, PublicCodeFailureWindow),
		key:      key,
		now:      now,
	}
	for _, l := range []*ratelimit.Limiter{g.submit, g.track, g.accepted, g.used, g.codeFail} {
		l.Now = now
	}
	return g
}

// renderPublic writes page through the named public template with status.
func (u *UI) renderPublic(w http.ResponseWriter, r *http.Request, status int, name string, page *Page) {
	t, ok := u.pages.public[name]
	if !ok {
		panic("ui: no public template " + name)
	}
	execute(w, r, status, t, "public_layout", name, page)
}

// publicError shows a message on the public layout.
func (u *UI) publicError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	page := newPage(r, "public.error.title")
	page.Error = msg
	u.renderPublic(w, r, status, "public_error.html", page)
}

// publicFail shows err on the public layout: what a citizen may be told of it, and
// nothing of a cause inside the server.
func (u *UI) publicFail(w http.ResponseWriter, r *http.Request, err error) {
	e := httpx.FromErr(r, err)
	if e.Status == 499 {
		return
	}
	if e.Status >= 500 {
		slog.ErrorContext(r.Context(), "public page", "path", r.URL.Path, "err", err)
	}
	u.publicError(w, r, e.Status, e.Message)
}

// tooMany answers 429 with Retry-After, in the citizen's language.
func (u *UI) tooMany(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	secs := int(math.Ceil(retry.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	u.publicError(w, r, http.StatusTooManyRequests, i18n.T(httpx.Locale(r), "public.too_many", (secs+59)/60))
}

// publicURL is the absolute URL of path on this server, for a QR code a phone scans.
func (u *UI) publicURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || u.SecureCookies {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\@ ") {
		host = "localhost"
	}
	return scheme + "://" + host + path
}
