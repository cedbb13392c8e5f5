// Package jobs runs onedoor's background work: periodic sweeps that stop cleanly with
// their context. On several nodes sharing one database, a lease row in the database
// makes exactly one node run each job at a time; the others skip their turn.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/store"
)

// Func is one run of a job; it returns how many items it handled.
type Func func(ctx context.Context, now time.Time) (int, error)

type job struct {
	name     string
	interval time.Duration
	run      Func
}

// Runner runs registered jobs on their intervals.
type Runner struct {
	Store  *store.Store
	Log    *slog.Logger
	Now    func() time.Time
	Holder string // this node's name in leases; a random one by default

	// Ran, when set, is told of every run this node made (the metrics count them).
	Ran func(name string, took time.Duration, items int, err error)

	mu   sync.Mutex
	jobs []job
	held map[string]bool // the jobs whose lease this node took at its last turn
	wg   sync.WaitGroup
}

// maxLease bounds how long a lease outlives its holder: a node that dies holding the
// hourly session cleanup's lease keeps it from the others at most this long.
const maxLease = 5 * time.Minute

// leaseFor is how long a run's lease lasts: one interval, less a little, so the
// holder's next tick renews it and a dead holder's lease lapses by then; at most
// maxLease.
func leaseFor(interval time.Duration) time.Duration {
	return min(interval-interval/10, maxLease)
}

// New returns a runner over st with the real clock and a unique holder name.
func New(st *store.Store, log *slog.Logger) *Runner {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return &Runner{Store: st, Log: log, Now: time.Now, Holder: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Add registers a job to run every interval.
func (r *Runner) Add(name string, interval time.Duration, fn Func) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, job{name: name, interval: interval, run: fn})
}

// Start runs every job on its ticker until ctx ends; Wait then returns once all have
// stopped and their leases are released.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range r.jobs {
		r.wg.Add(1)
		go func(j job) {
			defer r.wg.Done()
			t := time.NewTicker(j.interval)
			defer t.Stop()
			for {
				// RunOnce logs every failure itself.
				_, _ = r.RunOnce(ctx, j.name)
				select {
				case <-ctx.Done():
					_ = r.Store.ReleaseLease(context.WithoutCancel(ctx), j.name, r.Holder)
					return
				case <-t.C:
				}
			}
		}(j)
	}
}

// Wait blocks until every job goroutine has stopped.
func (r *Runner) Wait() { r.wg.Wait() }

// RunOnce runs job name now if this node gets its lease, and records the run. It
// reports whether it ran.
func (r *Runner) RunOnce(ctx context.Context, name string) (bool, error) {
	var j *job
	r.mu.Lock()
	for i := range r.jobs {
		if r.jobs[i].name == name {
			j = &r.jobs[i]
		}
	}
	r.mu.Unlock()
	if j == nil {
		return false, fmt.Errorf("jobs: no job %q", name)
	}
	now := r.Now()
	r.mu.Lock()
	heldBefore := r.held[name]
	r.mu.Unlock()
	var prev store.Lease
	if !heldBefore {
		// Whose lease this node may take over: read only when it did not hold it, so
		// the holder's own turns cost nothing more.
		var err error
		if prev, err = r.Store.JobLease(ctx, name); err != nil {
			r.logFailure(ctx, name, "lease", err)
			return false, err
		}
	}
	ok, err := r.Store.AcquireLease(ctx, name, r.Holder, now, now.Add(leaseFor(j.interval)))
	r.mu.Lock()
	if r.held == nil {
		r.held = map[string]bool{}
	}
	r.held[name] = ok && err == nil
	r.mu.Unlock()
	if err != nil {
		r.logFailure(ctx, name, "lease", err)
		return false, err
	}
	if !ok {
		return false, nil
	}
	if !heldBefore && prev.Holder != "" && prev.Holder != r.Holder {
		r.Log.Warn("job taken over from another node", "job", name, "from", prev.Holder,
			"lease_ended", prev.Until.UTC().Format(time.RFC3339), "node", r.Holder)
	}
	n, runErr := j.run(ctx, now)
	fin := r.Now()
	if r.Ran != nil {
		r.Ran(name, fin.Sub(now), n, runErr)
	}
	rec := store.JobRun{Name: name, Holder: r.Holder, StartedAt: now, FinishedAt: &fin, Items: n}
	if runErr != nil {
		rec.Error = runErr.Error()
		r.logFailure(ctx, name, "run", runErr, "items", n, "ms", msSince(now, fin))
	} else if n > 0 {
		r.Log.Info("job ran", "job", name, "items", n, "ms", msSince(now, fin))
	}
	if err := r.Store.RecordJobRun(context.WithoutCancel(ctx), rec); err != nil {
		r.logFailure(ctx, name, "record", err)
		return true, err
	}
	return true, runErr
}

// logFailure logs a failure of job name at step (lease, run, record) — unless the
// runner is stopping, when a cancelled statement is no failure.
func (r *Runner) logFailure(ctx context.Context, name, step string, err error, attrs ...any) {
	if ctx.Err() != nil {
		return
	}
	r.Log.Error("job failed", append([]any{"job", name, "step", step, "err", err}, attrs...)...)
}

// msSince is the time from start to end in milliseconds, to the microsecond.
func msSince(start, end time.Time) float64 {
	return float64(end.Sub(start).Microseconds()) / 1000
}
