// Package web is onedoor's HTTP face: the router, the middleware every request passes,
// the staff pages (ui), the JSON API (api) and the embedded assets.
package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/jobs"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/api"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/open311"
	"github.com/onedoor/onedoor/internal/web/static"
	"github.com/onedoor/onedoor/internal/web/templates"
	"github.com/onedoor/onedoor/internal/web/ui"
)

// Server wires the store, the services and the handlers together.
type Server struct {
	cfg   *config.Config
	log   *slog.Logger
	st    *store.Store
	auth  *auth.Service
	cases *cases.Service
	orgs  *org.Service
	pages *ui.UI

	mediation *mediation.Service
	adapters  *adapterjob.Service

	schema     atomic.Pointer[store.SchemaState] // SetSchema
	metrics    *metrics
	publicHost string // the host of -public-url, "" when unset
}

// New returns a server over st, with the page templates checked: a broken template
// is an error naming its file, so that the server does not start rather than fail
// its first visitor.
func New(cfg *config.Config, log *slog.Logger, st *store.Store) (*Server, error) {
	return newServer(cfg, log, st, embeddedTemplates)
}

// embeddedTemplates parses the embedded templates once a process, for every server
// of it: parsing and escaping every page is not cheap, and tests build hundreds.
var embeddedTemplates = sync.OnceValues(func() (*ui.Templates, error) { return ui.ParseTemplates(templates.FS) })

// newServer is New with the page templates from parse.
func newServer(cfg *config.Config, log *slog.Logger, st *store.Store, parse func() (*ui.Templates, error)) (*Server, error) {
	pages, err := parse()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, st: st, auth: auth.NewService(st, cfg.IdleTimeout, cfg.AbsoluteTimeout),
		cases: newCases(cfg, log, st), orgs: &org.Service{Store: st}}
	s.pages = ui.New(st, s.auth, s.orgs, s.cases, cfg.SecureCookies, pages)
	s.mediation = &mediation.Service{Store: st, Cases: s.cases, Now: func() time.Time { return s.cases.Now() }}
	s.pages.Mediation = s.mediation
	s.pages.Imports = importjob.New(st)
	s.adapters = adapterjob.New(st, s.cases, log)
	s.adapters.Now = func() time.Time { return s.cases.Now() }
	s.cases.Acted = s.adapters.Acted
	s.pages.Adapters = s.adapters
	s.metrics = newMetrics(s)
	if u, err := url.Parse(cfg.PublicURL); err == nil {
		s.publicHost = u.Host
	}
	s.cases.Registered = s.metrics.registered
	return s, nil
}

// newCases is the case service with the escalation policy and notices cfg sets.
func newCases(cfg *config.Config, log *slog.Logger, st *store.Store) *cases.Service {
	cs := cases.New(st)
	cs.Policy = cases.Policy{DueSoonWindow: cfg.DueSoonWindow, YellowAfter: cfg.YellowAfter, RedAfter: cfg.RedAfter, ReplyWorkdays: cases.DefaultPolicy.ReplyWorkdays}
	tpl, err := template.New("sms").Parse(cfg.SMSTemplate)
	if err != nil {
		log.Warn("sms-template does not parse; using the default", "err", err)
		tpl = template.Must(template.New("sms").Parse(notify.DefaultSMSTemplate))
	}
	cs.Notifier = &notify.Notifier{Config: notify.Config{SMS: true, SMSTemplate: tpl, Webhook: cfg.WebhookURL != "", Email: cfg.SMTPAddr != ""}}
	return cs
}

// Jobs returns the background jobs of this server: the deadline and supervision
// sweeps, outbox delivery, and session cleanup. The caller starts and stops them.
func (s *Server) Jobs() *jobs.Runner {
	r := jobs.New(s.st, s.log)
	r.Ran = s.metrics.ran
	channels := map[string]notify.Channel{"sms": notify.LogSink{Log: s.log}}
	if s.cfg.SMSGateway != "" {
		channels["sms"] = notify.SMSGateway{URL: s.cfg.SMSGateway, Token: s.cfg.SMSToken}
	}
	if s.cfg.SMTPAddr != "" {
		channels["email"] = notify.SMTP{Addr: s.cfg.SMTPAddr, From: s.cfg.SMTPFrom, User: s.cfg.SMTPUser, Password: s.cfg.SMTPPassword}
	}
	if s.cfg.WebhookURL != "" {
		channels["webhook"] = notify.Webhook{URL: s.cfg.WebhookURL, Secret: s.cfg.WebhookSecret}
	}
	channels[adapterjob.OutboxChannel] = adapterjob.PushChannel{Service: s.adapters}
	deliver := &notify.Deliverer{Store: s.st, Channels: channels, Now: time.Now}
	for _, sw := range sweeps(s.cases) {
		r.Add(sw.name, s.cfg.SweepInterval, sw.run)
	}
	r.Add("outbox", 10*time.Second, func(ctx context.Context, _ time.Time) (int, error) { return deliver.Deliver(ctx) })
	r.Add("platform-poll", adapterjob.PollInterval, s.adapters.Poll)
	// Every ten minutes: the lease of a node that died holding it lapses within the
	// interval (jobs.leaseFor), and sessions past their time go soon after.
	r.Add("session-cleanup", 10*time.Minute, func(ctx context.Context, now time.Time) (int, error) {
		n, err := s.st.DeleteExpiredSessions(ctx, now, now.Add(-s.cfg.IdleTimeout))
		return int(n), err
	})
	r.Add("job-runs-prune", time.Hour, func(ctx context.Context, now time.Time) (int, error) {
		n, err := s.st.PruneJobRuns(ctx, now.Add(-s.cfg.JobRunsKeep))
		return int(n), err
	})
	return r
}

// sweep is one of the server's periodic passes over the cases.
type sweep struct {
	name string // the job's name
	run  func(context.Context, time.Time) (int, error)
}

// sweeps are the deadline, supervision, follow-up and warning sweeps of cs, in the
// order they run: a visit missed is marked before the warnings look for quiet cases.
func sweeps(cs *cases.Service) []sweep {
	return []sweep{{"deadline-sweep", cs.SweepDeadlines}, {"supervision-sweep", cs.SweepSupervision}, {"follow-up-sweep", cs.SweepFollowUps},
		{"agreement-term-sweep", cs.SweepAgreementTerms}, {"referral-limit-sweep", cs.SweepReferralLimits}, {"warning-sweep", cs.SweepRisk}}
}

// SweepOnce runs the sweeps of a server with the default settings once over st, at
// now, and counts what they did. `onedoor demo` and the bench run it over the cases
// they generate, so that the store is as a live system leaves it: its overdue cases
// under the supervision orders the sweep would have issued as they fell due. Left to
// the server's first sweep, those orders were issued during the first bench run's
// intake, and slowed it (docs/benchmarks.md, "Data").
func SweepOnce(ctx context.Context, st *store.Store, log *slog.Logger, now time.Time) (int, error) {
	cfg, _, err := config.Load(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		return 0, err
	}
	return SweepAt(ctx, cfg, st, log, now, nil)
}

// SweepAt runs every sweep once over st as of now, with the escalation settings of
// cfg (`onedoor sweep -at`), tells each, when not nil, what each sweep did, and
// counts it all.
func SweepAt(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger, now time.Time, each func(sweep string, items int)) (int, error) {
	total := 0
	for _, sw := range sweeps(newCases(cfg, log, st)) {
		n, err := sw.run(ctx, now)
		if err != nil {
			return total, fmt.Errorf("%s: %w", sw.name, err)
		}
		if each != nil {
			each(sw.name, n)
		}
		total += n
	}
	return total, nil
}

// Auth exposes the sign-in service (tests move its clock).
func (s *Server) Auth() *auth.Service { return s.auth }

// Adapters exposes the platform service (tests poll and deliver with it).
func (s *Server) Adapters() *adapterjob.Service { return s.adapters }

// Cases exposes the case service (tests move its clock).
func (s *Server) Cases() *cases.Service { return s.cases }

// Handler returns the whole application as one http.Handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.register(mux)

	var h http.Handler = routeOf(mux)
	h = s.checkCSRF(h)
	h = s.checkForms(h)
	h = s.authenticate(h)
	h = s.schemaGuard(h)
	h = limitBody(s.cfg.MaxBodyBytes, h)
	h = securityHeaders(s.cfg.HSTS, h)
	h = s.logRequests(h)
	trusted := s.cfg.TrustedProxies
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			// Outside the application: no session, no request log of every scrape.
			s.serveMetrics(w, r)
			return
		}
		fromProxy := httpx.PeerTrusted(r, trusted)
		info := &httpx.RequestInfo{ID: httpx.RequestID(r, fromProxy)}
		w.Header().Set("X-Request-Id", info.ID)
		r = httpx.FromProxy(r, fromProxy)
		r = r.WithContext(httpx.WithRequestInfo(r.Context(), info))
		h.ServeHTTP(w, httpx.WithClientIP(r, trusted))
	})
}

// register adds every route: the assets, the health check, the pages, the API and
// Open311.
func (s *Server) register(mux httpx.Mux) {
	mux.Handle("GET /static/", static.Handler())
	mux.HandleFunc("GET /healthz", s.health)
	s.pages.Register(mux)
	(&api.API{Store: s.st, Auth: s.auth, Org: s.orgs, Cases: s.cases, Mediation: s.mediation, Adapters: s.adapters, SecureCookies: s.cfg.SecureCookies}).Register(mux)
	o311 := open311.New(s.st, s.auth, s.cases)
	o311.Log = s.log
	o311.Register(mux)
}

// Routes lists the patterns Handler serves, in the order they are registered, so a
// test can hold every route to a scenario of the permission matrix.
func (s *Server) Routes() []string {
	var rec routeList
	s.register(&rec)
	return rec
}

// routeList is a Mux that only records the patterns registered on it.
type routeList []string

func (l *routeList) Handle(pattern string, _ http.Handler) { *l = append(*l, pattern) }
func (l *routeList) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	*l = append(*l, pattern)
}

// health answers 200 "ok" while the store answers and this binary runs on its
// schema; 503 "down" when the store does not answer, 503 "schema_mismatch" when the
// schema is one this binary does not run on. Before the server is up, its Gate
// answers "starting".
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h := health{Status: "ok", Store: string(s.st.Dialect())}
	for _, r := range s.st.Replicas() {
		rh := replicaHealth{Name: r.Name, Status: "skipped", LagSeconds: r.Lag.Seconds(), Problem: r.Problem}
		if r.Up {
			rh.Status = "in_use"
		}
		if !r.CheckedAt.IsZero() {
			rh.CheckedAt = r.CheckedAt.UTC().Format(time.RFC3339)
		}
		h.Replicas = append(h.Replicas, rh)
	}
	err := s.st.Ping(ctx)
	if err == nil {
		// Read afresh: a probe learns of another node's migration at once.
		var st store.SchemaState
		if st, err = s.st.SchemaStatus(ctx); err == nil {
			s.SetSchema(st)
			h.Schema = &schemaState{Database: st.Database, Binary: st.Binary, Requires: st.Requires}
		}
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "health: store does not answer", "err", err)
		h.Status = "down"
		httpx.WriteJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	if st := s.schema.Load(); st != nil && !st.Serves() {
		h.Status = "schema_mismatch"
		httpx.WriteJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, h)
}
