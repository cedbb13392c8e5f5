// Package web is onedoor's HTTP face: the router, the middleware every request passes,
// the staff pages (ui), the JSON API (api) and the embedded assets.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/api"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/static"
	"github.com/onedoor/onedoor/internal/web/ui"
)

// Server wires the store, the services and the handlers together.
type Server struct {
	cfg   *config.Config
	log   *slog.Logger
	st    *store.Store
	auth  *auth.Service
	cases *cases.Service
}

// New returns a server over st.
func New(cfg *config.Config, log *slog.Logger, st *store.Store) *Server {
	return &Server{cfg: cfg, log: log, st: st, auth: auth.NewService(st, cfg.IdleTimeout, cfg.AbsoluteTimeout), cases: cases.New(st)}
}

// Auth exposes the sign-in service (tests move its clock).
func (s *Server) Auth() *auth.Service { return s.auth }

// Cases exposes the case service (tests move its clock).
func (s *Server) Cases() *cases.Service { return s.cases }

// Handler returns the whole application as one http.Handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	orgs := &org.Service{Store: s.st}
	mux.Handle("GET /static/", static.Handler())
	mux.HandleFunc("GET /healthz", s.health)
	(&ui.UI{Store: s.st, Auth: s.auth, Org: orgs, Cases: s.cases, SecureCookies: s.cfg.SecureCookies}).Register(mux)
	(&api.API{Store: s.st, Auth: s.auth, Org: orgs, Cases: s.cases, SecureCookies: s.cfg.SecureCookies}).Register(mux)

	var h http.Handler = mux
	h = s.checkCSRF(h)
	h = s.authenticate(h)
	h = limitBody(s.cfg.MaxBodyBytes, h)
	h = securityHeaders(h)
	return logRequests(s.log, h)
}

// health answers 200 while the store answers, 503 otherwise.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.st.Ping(ctx); err != nil {
		s.log.Warn("health: store does not answer", "err", err)
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": string(s.st.Dialect())})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": string(s.st.Dialect())})
}
