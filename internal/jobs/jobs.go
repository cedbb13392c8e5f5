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

	mu   sync.Mutex
	jobs []job
	wg   sync.WaitGroup
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
				if _, err := r.RunOnce(ctx, j.name); err != nil && ctx.Err() == nil {
					r.Log.Error("job failed", "job", j.name, "err", err)
				}
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
	// Hold the lease for one interval, less a little, so the holder's next tick
	// renews it and a dead holder's lease lapses by then.
	ok, err := r.Store.AcquireLease(ctx, name, r.Holder, now, now.Add(j.interval-j.interval/10))
	if err != nil || !ok {
		return false, err
	}
	n, runErr := j.run(ctx, now)
	fin := r.Now()
	rec := store.JobRun{Name: name, Holder: r.Holder, StartedAt: now, FinishedAt: &fin, Items: n}
	if runErr != nil {
		rec.Error = runErr.Error()
	}
	if err := r.Store.RecordJobRun(context.WithoutCancel(ctx), rec); err != nil {
		return true, err
	}
	if n > 0 || runErr != nil {
		r.Log.Info("job ran", "job", name, "items", n, "ms", fin.Sub(now).Milliseconds(), "err", runErr)
	}
	return true, runErr
}
