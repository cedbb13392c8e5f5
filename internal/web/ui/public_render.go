package ui

// The public pages (/p/...): what a citizen opens from a QR code in a WeChat
// browser, without an account. They have their own small layout (no staff
// navigation), their own abuse limits per address, and never show a case's id.

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// Abuse limits of the public pages, per client address (auth.AddressSubject).
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
	// PublicCodeFailures failed lookups of one case within PublicCodeFailureWindow,
	// from any address and on any page that looks a case up (tracking, rating,
	// booking), stop its lookups for a while: the 10,000 endings of a known code's
	// phone cannot be walked from many addresses, nor page by page. Failures count
	// whether or not the code exists, so this tells nothing either.
	PublicCodeFailures      = 5
	PublicCodeFailureWindow = 15 * time.Minute
)

// The limits' counts are kept in the store, so that every node behind one proxy
// counts the same and a restart forgets nothing.
var (
	publicSubmits  = store.RateLimit{Name: "portal.submit", Max: PublicSubmitLimit, Window: PublicSubmitWindow}
	publicLookups  = store.RateLimit{Name: "portal.lookup", Max: PublicTrackLimit, Window: PublicTrackWindow}
	publicAccepted = store.RateLimit{Name: "portal.accepted", Max: 50, Window: PublicChallengeWindow}
	// publicAnswered holds the questions already answered, each for as long as it
	// could be: a question answers once.
	publicAnswered = store.RateLimit{Name: "portal.answered", Max: 1, Window: PublicChallengeTTL}
	// citizenCodeFailures counts a case's failed lookups by its code as the lookup
	// reads it (lookupKey), one count for tracking, rating and booking.
	citizenCodeFailures = store.RateLimit{Name: "citizen.code_failures", Max: PublicCodeFailures, Window: PublicCodeFailureWindow}
)

// publicChallengeKey names the challenge's HMAC key among the store's shared keys:
// a question asked on one node is answered on another, or after a restart.
const publicChallengeKey = "portal.challenge"

// publicGuard asks and checks the public form's challenge, on the store's counts and
// its shared key.
type publicGuard struct {
	st  *store.Store
	key []byte
	now func() time.Time
}

func (u *UI) guard(ctx context.Context) (*publicGuard, error) {
	return newPublicGuard(ctx, u.Store, time.Now)
}

// newPublicGuard returns the guard of st's database on the clock now.
func newPublicGuard(ctx context.Context, st *store.Store, now func() time.Time) (*publicGuard, error) {
	key, err := st.SharedKey(ctx, publicChallengeKey)
	if err != nil {
		return nil, err
	}
	return &publicGuard{st: st, key: key, now: now}, nil
}

// codeBlocked reports whether the case code names has failed its lookups too often
// lately, and for how long yet.
func (u *UI) codeBlocked(ctx context.Context, code string) (bool, time.Duration, error) {
	n, retry, err := u.Store.RateCount(ctx, citizenCodeFailures, lookupKey(code), time.Now())
	return n >= citizenCodeFailures.Max, retry, err
}

// codeFailed counts a failed lookup of the case code names.
func (u *UI) codeFailed(ctx context.Context, code string) error {
	return u.Store.RateRecord(ctx, citizenCodeFailures, lookupKey(code), time.Now())
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
	page := u.newPage(r, "public.error.title")
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
	secs := setRetryAfter(w, retry)
	u.publicError(w, r, http.StatusTooManyRequests, i18n.T(httpx.Locale(r), "public.too_many", (secs+59)/60))
}

// setRetryAfter says in Retry-After when to try again, in whole seconds (at least 1),
// and returns them.
func setRetryAfter(w http.ResponseWriter, retry time.Duration) int {
	secs := max(int(math.Ceil(retry.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return secs
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
