package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// metrics are the server's Prometheus metrics (client_golang, the field's standard):
// counted in the process (requests, intake, job runs) or read from the store at
// scrape time (figuresCollector). Each server has its own registry: tests build many.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.HistogramVec
	intake    *prometheus.CounterVec
	jobRuns   *prometheus.CounterVec
	jobFailed *prometheus.CounterVec
	jobTook   *prometheus.HistogramVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "onedoor_http_request_duration_seconds",
		Help:    "Time to answer a request, by route pattern (as registered, e.g. GET /api/v1/cases/{id}), method and status code.",
		Buckets: []float64{.005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "code"})
	m.intake = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "onedoor_cases_registered_total",
		Help: "Cases registered by this node, by kind and channel.",
	}, []string{"kind", "channel"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "onedoor_job_runs_total",
		Help: "Runs of a background job made by this node.",
	}, []string{"job"})
	m.jobFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "onedoor_job_failures_total",
		Help: "Runs of a background job made by this node that failed.",
	}, []string{"job"})
	m.jobTook = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "onedoor_job_duration_seconds",
		Help:    "Time a run of a background job took on this node.",
		Buckets: []float64{.01, .05, .1, .2, .5, 1, 5, 30, 120},
	}, []string{"job"})
	m.reg.MustRegister(m.requests, m.intake, m.jobRuns, m.jobFailed, m.jobTook,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&figuresCollector{s: s})
	return m
}

// registered counts an intake (cases.Service.Registered).
func (m *metrics) registered(kind model.CaseKind, channel model.Channel) {
	m.intake.WithLabelValues(string(kind), string(channel)).Inc()
}

// ran counts a job's run (jobs.Runner.Ran).
func (m *metrics) ran(name string, took time.Duration, _ int, err error) {
	m.jobRuns.WithLabelValues(name).Inc()
	m.jobTook.WithLabelValues(name).Observe(took.Seconds())
	if err != nil {
		m.jobFailed.WithLabelValues(name).Inc()
	}
}

// observe records a request's answer.
func (m *metrics) observe(route, method string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched" // a 404 of no route, or refused before routing
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(took.Seconds())
}

// serveMetrics answers /metrics to the hosts -metrics-from allows, when they ask
// directly: a request relayed by a proxy (X-Forwarded-For) is not shown them, so a
// public proxy in front does not publish the node's figures.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !s.metricsAllowed(r) {
		http.NotFound(w, r)
		return
	}
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil, Timeout: 10 * time.Second}).ServeHTTP(w, r)
}

func (s *Server) metricsAllowed(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range s.cfg.MetricsFrom {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// figuresCollector reads the store's figures at scrape time, at most every
// figuresEvery (a scrape of each of several Prometheus servers would count the open
// cases again), and the connection pools every time.
type figuresCollector struct {
	s *Server

	mu   sync.Mutex
	at   time.Time
	last store.OpsFigures
	err  error
}

const figuresEvery = 15 * time.Second

var (
	descOpen        = prometheus.NewDesc("onedoor_cases_open", "Cases that still need work (registered to followed-up).", nil, nil)
	descOverdue     = prometheus.NewDesc("onedoor_cases_overdue", "Open cases past their deadline.", nil, nil)
	descOutbox      = prometheus.NewDesc("onedoor_outbox_pending", "Notices (SMS, email, webhook) waiting to be delivered.", nil, nil)
	descOutboxBad   = prometheus.NewDesc("onedoor_outbox_failed", "Notices given up on after their retries.", nil, nil)
	descAudit       = prometheus.NewDesc("onedoor_audit_pending", "Audit entries written but not yet sealed into the chain.", nil, nil)
	descJobLast     = prometheus.NewDesc("onedoor_job_last_run_timestamp_seconds", "When a job's last run (by any node) started.", []string{"job"}, nil)
	descJobTook     = prometheus.NewDesc("onedoor_job_last_duration_seconds", "How long a job's last run (by any node) took.", []string{"job"}, nil)
	descJobLag      = prometheus.NewDesc("onedoor_job_lag_seconds", "Time since a job's last run (by any node) started: above its interval, the job is late.", []string{"job"}, nil)
	descJobErr      = prometheus.NewDesc("onedoor_job_last_failed", "1 when a job's last run (by any node) failed.", []string{"job"}, nil)
	descFigErr      = prometheus.NewDesc("onedoor_store_figures_up", "1 when the store's figures could be read at this scrape.", nil, nil)
	descSchema      = prometheus.NewDesc("onedoor_schema_version", "Schema version of the database, and the highest this binary knows.", []string{"of"}, nil)
	descRetries     = prometheus.NewDesc("onedoor_db_retries_total", "Statements and transactions run again on a fresh connection after the database dropped theirs.", nil, nil)
	descPoolOpen    = prometheus.NewDesc("onedoor_db_pool_open_connections", "Connections a pool holds open.", []string{"pool"}, nil)
	descPoolUse     = prometheus.NewDesc("onedoor_db_pool_in_use_connections", "Connections of a pool in use.", []string{"pool"}, nil)
	descPoolIdle    = prometheus.NewDesc("onedoor_db_pool_idle_connections", "Idle connections of a pool.", []string{"pool"}, nil)
	descPoolMax     = prometheus.NewDesc("onedoor_db_pool_max_connections", "Most connections a pool opens (-db-max-conns split).", []string{"pool"}, nil)
	descPoolWait    = prometheus.NewDesc("onedoor_db_pool_waits_total", "Times a request waited for a connection of a pool.", []string{"pool"}, nil)
	descReplicaUp   = prometheus.NewDesc("onedoor_db_replica_up", "1 while a replica (-db-replica) takes reports: it answers and is within -db-replica-max-lag of the primary.", []string{"replica"}, nil)
	descReplicaLag  = prometheus.NewDesc("onedoor_db_replica_lag_seconds", "How far behind the primary a replica was at its last check (an upper bound, to the check's interval).", []string{"replica"}, nil)
	descReplicaFall = prometheus.NewDesc("onedoor_db_replica_fallbacks_total", "Reads of a replica that failed (connection lost, recovery conflict) and ran on the primary.", nil, nil)
	descPoolWaitS   = prometheus.NewDesc("onedoor_db_pool_wait_seconds_total", "Time requests waited for a connection of a pool.", []string{"pool"}, nil)
)

func (c *figuresCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOpen, descOverdue, descOutbox, descOutboxBad, descAudit, descJobLast, descJobTook,
		descJobLag, descJobErr, descFigErr, descSchema, descRetries, descPoolOpen, descPoolUse, descPoolIdle, descPoolMax, descPoolWait, descPoolWaitS,
		descReplicaUp, descReplicaLag, descReplicaFall} {
		ch <- d
	}
}

func (c *figuresCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.st
	now := time.Now()
	c.mu.Lock()
	if now.Sub(c.at) >= figuresEvery {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c.last, c.err = st.OpsFigures(ctx, now)
		cancel()
		if c.err != nil {
			c.s.log.Warn("metrics: the store's figures could not be read", "err", c.err)
		}
		c.at = now
	}
	f, err := c.last, c.err
	c.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	if err != nil {
		gauge(descFigErr, 0)
	} else {
		gauge(descFigErr, 1)
		gauge(descOpen, float64(f.OpenCases))
		gauge(descOverdue, float64(f.OverdueCases))
		gauge(descOutbox, float64(f.OutboxPending))
		gauge(descOutboxBad, float64(f.OutboxFailed))
		gauge(descAudit, float64(f.AuditPending))
		for _, j := range f.Jobs {
			gauge(descJobLast, float64(j.StartedAt.UnixMilli())/1000, j.Name)
			gauge(descJobLag, now.Sub(j.StartedAt).Seconds(), j.Name)
			if j.FinishedAt != nil {
				gauge(descJobTook, j.FinishedAt.Sub(j.StartedAt).Seconds(), j.Name)
			}
			failed := 0.0
			if j.Error != "" {
				failed = 1
			}
			gauge(descJobErr, failed, j.Name)
		}
	}
	if s := c.s.schema.Load(); s != nil {
		gauge(descSchema, float64(s.Database), "database")
		gauge(descSchema, float64(s.Binary), "binary")
	}
	counter(descRetries, float64(st.Retries()))
	if replicas := st.Replicas(); replicas != nil {
		for _, r := range replicas {
			up := 0.0
			if r.Up {
				up = 1
			}
			gauge(descReplicaUp, up, r.Name)
			if r.Answers {
				gauge(descReplicaLag, r.Lag.Seconds(), r.Name)
			}
		}
		counter(descReplicaFall, float64(st.ReplicaFallbacks()))
	}
	for _, p := range st.Pools() {
		gauge(descPoolOpen, float64(p.OpenConnections), p.Name)
		gauge(descPoolUse, float64(p.InUse), p.Name)
		gauge(descPoolIdle, float64(p.Idle), p.Name)
		gauge(descPoolMax, float64(p.MaxOpenConnections), p.Name)
		counter(descPoolWait, float64(p.WaitCount), p.Name)
		counter(descPoolWaitS, p.WaitDuration.Seconds(), p.Name)
	}
}

// routeOf gives the request's information record its route pattern once the mux has
// matched it (the mux sets Request.Pattern on the request it serves, which the outer
// middleware does not see: they hold a copy).
func routeOf(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info := httpx.RequestInfoFrom(r.Context()); info != nil {
			info.SetRoute(r.Pattern)
		}
	})
}
