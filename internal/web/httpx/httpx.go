// Package httpx holds what pages and the API share: the acting principal in the
// request context, JSON errors of one shape, and body decoding with limits.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Mux is what pages and the API register their routes on: an *http.ServeMux when
// serving, a list of patterns when a test holds every route to a scenario.
type Mux interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

type ctxKey int

const (
	principalKey ctxKey = iota
	csrfKey
	localeKey
	sessionErrKey
)

// WithPrincipal returns r's context carrying the signed-in principal and, for a
// browser session, its CSRF token.
func WithPrincipal(ctx context.Context, p *auth.Principal, csrf string) context.Context {
	ctx = context.WithValue(ctx, principalKey, p)
	return context.WithValue(ctx, csrfKey, csrf)
}

// Principal returns who is acting, or nil when nobody is signed in.
func Principal(r *http.Request) *auth.Principal { return PrincipalFrom(r.Context()) }

// PrincipalFrom is Principal for a context.
func PrincipalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey).(*auth.Principal)
	return p
}

// CSRFToken returns the token pages must send back with every state change.
func CSRFToken(r *http.Request) string {
	s, _ := r.Context().Value(csrfKey).(string)
	return s
}

// WithSessionError records why a presented session was not accepted (expired), so
// handlers can say so instead of a bare "sign in".
func WithSessionError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, sessionErrKey, err)
}

// SessionError returns the reason recorded by WithSessionError.
func SessionError(r *http.Request) error {
	err, _ := r.Context().Value(sessionErrKey).(error)
	return err
}

// WithLocale records the locale pages and errors should speak.
func WithLocale(ctx context.Context, loc string) context.Context {
	return context.WithValue(ctx, localeKey, loc)
}

// Locale returns the request's locale: the user's choice, else the browser's.
func Locale(r *http.Request) string {
	if s, ok := r.Context().Value(localeKey).(string); ok {
		return s
	}
	return i18n.Default
}

// Error is an API error: an HTTP status plus the body {"error":{code,message,field}}.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Detail is Message without the field's name in front, for a form that shows it
	// next to the field; Message when no field is named.
	Detail string `json:"-"`
	// A refused case action also says where the case stands and what may be done.
	State   string   `json:"state,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an Error whose message comes from the catalogue key "error.<code>".
func Errorf(r *http.Request, status int, code, field string, args ...any) *Error {
	return &Error{Status: status, Code: code, Field: field, Message: i18n.T(Locale(r), "error."+code, args...)}
}

// FromErr classifies err, for the API and pages alike: field errors are 422 naming
// the field, a refused case action 409 (422 when it is about input to fill in),
// missing or out-of-scope objects 404, forbidden 403, anything else 500 with nothing
// of the cause shown (it is logged instead). The message is in the request's locale
// (Locale: the user's choice, else the browser's), the API's as the pages'.
func FromErr(r *http.Request, err error) *Error {
	e := fromErr(r, err)
	if e.Detail == "" {
		c := *e // err's own *Error stays as it was made
		c.Detail = c.Message
		e = &c
	}
	return e
}

func fromErr(r *http.Request, err error) *Error {
	var e *Error
	var fe *model.FieldError
	var refusal *workflow.Refusal
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &refusal):
		msg := refusal.Message(Locale(r))
		if field := refusal.Field(); field != "" {
			// Missing or invalid input is a validation error naming the field, not a conflict.
			return &Error{Status: http.StatusUnprocessableEntity, Code: refusal.Code, Message: msg, Field: field}
		}
		allowed := make([]string, len(refusal.Allowed))
		for i, a := range refusal.Allowed {
			allowed[i] = string(a)
		}
		return &Error{Status: http.StatusConflict, Code: refusal.Code, Message: msg, State: string(refusal.State), Allowed: allowed}
	case errors.Is(err, store.ErrStale):
		return Errorf(r, http.StatusConflict, "stale", "")
	case errors.As(err, &fe):
		msg := fe.Message(Locale(r))
		if fe.Field != "" {
			label, _ := APIFields.Label(Locale(r), fe.Field)
			return &Error{Status: http.StatusUnprocessableEntity, Code: fe.Code, Field: fe.Field,
				Message: label + i18n.T(Locale(r), "error.field_sep") + msg, Detail: msg}
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: fe.Code, Message: msg}
	case errors.Is(err, store.ErrNotFound):
		return Errorf(r, http.StatusNotFound, "not_found", "")
	case errors.Is(err, auth.ErrForbidden):
		return Errorf(r, http.StatusForbidden, "forbidden", "")
	case errors.Is(err, context.Canceled):
		return &Error{Status: 499, Code: "canceled", Message: "canceled"}
	case errors.Is(err, store.ErrCommitUnknown):
		// Not "try again": the write may be saved, and sending it again could
		// register a case twice. The client looks first (no Retry-After).
		slog.WarnContext(r.Context(), "commit outcome unknown", "method", r.Method, "path", r.URL.Path, "err", err)
		return Errorf(r, http.StatusServiceUnavailable, "commit_unknown", "")
	case store.IsConnectionError(err):
		// The store retried what it could; what is left is the database's trouble
		// (a commit whose outcome the lost connection hides, or a second drop).
		slog.WarnContext(r.Context(), "database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		return Errorf(r, http.StatusServiceUnavailable, "db_unavailable", "")
	}
	slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return Errorf(r, http.StatusInternalServerError, "internal", "")
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// WriteError writes err as an API error body.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := FromErr(r, err)
	if e.Status == 499 {
		return
	}
	if e.Status == http.StatusServiceUnavailable && e.Code != "commit_unknown" {
		w.Header().Set("Retry-After", "2")
	}
	WriteJSON(w, e.Status, map[string]*Error{"error": e})
}

// WantsJSON reports whether a request is an API call rather than a page visit.
func WantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}
