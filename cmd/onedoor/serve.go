package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web"
)

// schemaCheckEvery is how often a serving node reads the database's schema version,
// to stop serving once another node migrated it to a schema this binary does not run
// on (and to serve again once it is back).
const schemaCheckEvery = 10 * time.Second

// serve runs the server until ctx ends, then lets in-flight requests finish before
// closing the store. ready, when not nil, receives the bound address once the
// application serves.
//
// The port is bound first: a port in use fails at once, before any migration, and
// from then on the node answers — /healthz "starting" while it waits for its database
// and migrates (web.Gate).
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, ready chan<- string) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %w", cfg.Addr, err)
	}
	dialect := string(store.SQLite)
	if cfg.IsPostgres() {
		dialect = string(store.Postgres)
	}
	gate := web.NewGate(dialect)
	srv := &http.Server{
		Handler:           gate,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", dialect, "status", "starting")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	err = serveApp(ctx, cfg, log, gate, srv, errc, func() {
		if ready != nil {
			ready <- ln.Addr().String()
		}
	})
	if errors.Is(err, http.ErrServerClosed) || ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// serveApp opens the store (waiting for it), migrates or checks its schema, starts
// the background work, opens the gate, and serves until ctx ends or the server
// fails. Deferred calls run last-in first-out: the HTTP server is drained first (in
// the body), then the jobs, the anchoring and the store stop, in that order.
func serveApp(ctx context.Context, cfg *config.Config, log *slog.Logger, gate *web.Gate, srv *http.Server, errc <-chan error, ready func()) error {
	drain := func() {
		log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout)
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("shutdown", "err", err)
		}
	}
	st, err := openForServe(ctx, cfg, log)
	if err != nil {
		drain()
		return err
	}
	defer st.Close()
	// The server's background work starts here, in sight: the audit sealer (PostgreSQL)
	// now, the anchoring and the jobs below.
	st.StartAuditSealer()
	app, err := web.New(cfg, log, st)
	if err != nil {
		drain()
		return err
	}
	if err := seedDemo(ctx, cfg, log, st); err != nil {
		drain()
		return err
	}
	if pending, err := st.ReindexPending(ctx); err != nil {
		drain()
		return err
	} else if pending {
		// A store upgraded to the search index: its cases are indexed while the server
		// already serves (a case is found once its batch is done).
		indexed := make(chan struct{})
		defer func() { <-indexed }() // before the store closes
		go func() {
			defer close(indexed)
			log.Info("search index: indexing the stored cases")
			n, err := st.Reindex(ctx, log)
			if err != nil {
				log.Error("search index", "err", err)
				return
			}
			log.Info("search index built", "cases", n)
		}()
	}
	anchors := newAnchorer(cfg, st, log)
	anchors.WarnIfBehind(ctx)
	if _, err := anchors.Anchor(ctx, "start"); err != nil {
		drain()
		return err
	}
	// The shutdown anchor is written after the HTTP server has drained and the jobs
	// and the interval's anchoring have stopped, and before the store closes, so it
	// holds the head this server leaves.
	defer func() {
		actx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if _, err := anchors.Anchor(actx, "shutdown"); err != nil {
			log.Error("audit anchor at shutdown", "err", err)
		}
	}()
	tick := time.NewTicker(cfg.AuditAnchorEvery)
	actx, stopAnchoring := context.WithCancel(context.WithoutCancel(ctx))
	anchoring := make(chan struct{})
	go func() { defer close(anchoring); anchors.Run(actx, tick.C) }()
	defer func() { stopAnchoring(); tick.Stop(); <-anchoring }()
	if cfg.Jobs {
		runner := app.Jobs()
		jctx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
		runner.Start(jctx)
		// Jobs stop (and release their leases) after the HTTP server has drained and
		// before the store closes.
		defer func() { stopJobs(); runner.Wait() }()
	}
	// The schema as of now, then every schemaCheckEvery: another node's migration to a
	// schema this binary does not run on stops this one serving (docs/operations.md).
	watchCtx, stopWatching := context.WithCancel(ctx)
	watching := make(chan struct{})
	defer func() { stopWatching(); <-watching }()
	state, err := st.SchemaStatus(ctx)
	if err != nil {
		drain()
		return err
	}
	app.SetSchema(state)
	go func() {
		defer close(watching)
		watchSchema(watchCtx, st, app, log, state)
	}()

	// The replicas are checked until the store closes: a lagging or lost one is
	// skipped for the primary (store/replicas.go).
	replicaCtx, stopReplicaChecks := context.WithCancel(context.WithoutCancel(ctx))
	replicaChecks := make(chan struct{})
	go func() { defer close(replicaChecks); st.WatchReplicas(replicaCtx) }()
	defer func() { stopReplicaChecks(); <-replicaChecks }()

	gate.Open(app.Handler())
	log.Info("serving", "store", st.Dialect(), "schema_version", state.Database)
	ready()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	drain()
	log.Info("stopped")
	return nil
}

// watchSchema reads the schema every schemaCheckEvery until ctx ends, tells app, and
// logs every change of whether this binary runs on it.
func watchSchema(ctx context.Context, st *store.Store, app *web.Server, log *slog.Logger, last store.SchemaState) {
	t := time.NewTicker(schemaCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now, err := st.SchemaStatus(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("schema check: the database does not answer", "err", err)
			}
			continue
		}
		app.SetSchema(now)
		switch {
		case now.Serves() != last.Serves() && !now.Serves():
			log.Error("this binary does not run on the database's schema: requests are refused until it is upgraded",
				"schema_version", now.Database, "requires", now.Requires, "binary_knows", now.Binary, "err", now.Err())
		case now.Serves() != last.Serves():
			log.Info("the database's schema is one this binary runs on again: serving", "schema_version", now.Database)
		case now.Database != last.Database:
			log.Info("the database's schema changed", "schema_version", now.Database, "requires", now.Requires, "binary_knows", now.Binary)
		}
		last = now
	}
}

// openForServe opens the store, waiting for a database it cannot reach yet, and
// migrates it — or, with -migrate=false, checks that this binary runs on its schema
// — and gives it its audit key.
func openForServe(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := openWaiting(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if cfg.Migrate {
		n, err := st.Migrate(ctx, log)
		if err != nil {
			st.Close()
			return nil, err
		}
		v, _ := st.SchemaVersion(ctx)
		log.Info("store ready", "store", st.Dialect(), "schema_version", v, "applied", n)
	} else {
		state, err := st.SchemaStatus(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		if !state.Serves() {
			st.Close()
			return nil, fmt.Errorf("-migrate=false: %w", state.Err())
		}
		log.Info("store ready (not migrated: -migrate=false)", "store", st.Dialect(), "schema_version", state.Database)
	}
	if err := audit.UseKeys(ctx, st, auditKeySource(cfg), log); err != nil {
		st.Close()
		return nil, err
	}
	if err := st.AddReplicas(ctx, cfg.DBReplicas.URLs, store.ReplicaOptions{
		MaxLag: cfg.DBReplicaMaxLag, MaxConns: cfg.DBReplicaMaxConns, Log: log}); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// openWaiting opens the store; a database that does not answer yet (not started, or
// restarting) is tried again with a growing pause, up to -db-wait, each wait logged.
// Anything else (a wrong password, a missing database) fails at once.
func openWaiting(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	deadline := time.Now().Add(cfg.DBWait)
	pause := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		st, err := store.OpenWith(ctx, cfg.DB, store.Options{MaxConns: cfg.DBMaxConns, PgBouncer: cfg.DBPgBouncer})
		if err == nil {
			if attempt > 1 {
				log.Info("database reachable", "attempts", attempt)
			}
			return st, nil
		}
		if !store.IsConnectionError(err) || ctx.Err() != nil || time.Now().Add(pause).After(deadline) {
			if attempt > 1 {
				return nil, fmt.Errorf("database still unreachable after %d attempts (-db-wait %s): %w", attempt, cfg.DBWait, err)
			}
			return nil, err
		}
		log.Warn("waiting for the database", "attempt", attempt, "retry_in_ms", pause.Milliseconds(), "err", err)
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		pause = min(pause*2, 10*time.Second)
	}
}

// seedDemo fills an empty database with the demo county when -demo is set.
func seedDemo(ctx context.Context, cfg *config.Config, log *slog.Logger, st *store.Store) error {
	if !cfg.Demo {
		return nil
	}
	switch err := demo.SeedCounty(ctx, st); {
	case err == nil:
		// A few hundred cases of the last years as the archive, then the work in hand
		// this morning, so a newcomer finds queues, deadlines, warnings, orders,
		// reception bookings and notices to look at.
		if err := demo.GenerateCases(ctx, st, demoCases, 1); err != nil {
			return fmt.Errorf("demo cases: %w", err)
		}
		if err := demo.Live(ctx, st, time.Now()); err != nil {
			return err
		}
		log.Info("demo county created", "cases", demoCases, "password", demo.Password, "try", "county.admin, county.clerk, county.leader …")
	case errors.Is(err, demo.ErrNotEmpty):
		log.Info("demo skipped: the database already has users")
	default:
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}
