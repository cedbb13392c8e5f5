package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// An export job (导出任务) writes a long list's 台账 to a file in the background,
// counting its rows as it goes, so that the page shows the progress of an export that
// takes a minute and the clerk downloads the file when it is ready, instead of
// watching a download that seems to hang. The file is kept for exportKeep after it is
// ready and only its requester may fetch it; the audit entry (filter and row count)
// is written when the file is complete, as for a direct export.
//
// Jobs live in the memory of the node that runs them, their files in its temporary
// folder: behind several nodes the status and the file are asked of the node that
// took the job (a sticky session); a restart forgets them and the page says so.

// exportKeep is how long a finished export's file is kept for its download.
const exportKeep = time.Hour

// exportsRunning is how many exports write at once on a node; more wait their turn.
// An export keeps about one core busy.
const exportsRunning = 2

// exportsPerUser is how many unfinished exports a user may have at once.
const exportsPerUser = 2

// The states of an export job.
const (
	exportQueued  = "queued"
	exportRunning = "running"
	exportDone    = "done"
	exportFailed  = "failed"
)

type exportJob struct {
	ID       string
	Owner    int64
	e        ledgerExport
	Created  time.Time
	ctype    string
	name     string // the file name the download is given
	path     string
	rows     atomic.Int64
	total    atomic.Int64 // the list's size, counted when the job starts (-1 until then)
	mu       sync.Mutex
	state    string
	finished time.Time
	failure  string
}

// exportJobs holds a node's export jobs.
type exportJobs struct {
	mu    sync.Mutex
	jobs  map[string]*exportJob
	dir   string
	slots chan struct{}
	keep  time.Duration
}

func newExportJobs() *exportJobs {
	return &exportJobs{jobs: map[string]*exportJob{}, slots: make(chan struct{}, exportsRunning), keep: exportKeep}
}

// folder is the temporary folder of the node's export files, made at the first job.
func (x *exportJobs) folder() (string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dir == "" {
		dir, err := os.MkdirTemp("", "onedoor-exports-")
		if err != nil {
			return "", err
		}
		x.dir = dir
	}
	return x.dir, nil
}

// exportJobView is an export job as GET /api/v1/exports/{id} shows it.
type exportJobView struct {
	ID        string     `json:"id"`
	State     string     `json:"state"` // queued, running, done, failed
	Format    string     `json:"format"`
	Rows      int64      `json:"rows"`  // written so far
	Total     int64      `json:"total"` // the list's size; -1 until counted
	Filter    string     `json:"filter"`
	Created   time.Time  `json:"created_at"`
	Finished  *time.Time `json:"finished_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"` // when the file is removed
	FileURL   string     `json:"file_url,omitempty"`   // once done
	Error     string     `json:"error,omitempty"`
	StatusURL string     `json:"status_url"`
}

func (x *exportJobs) view(j *exportJob) exportJobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := exportJobView{ID: j.ID, State: j.state, Format: j.e.kind, Rows: j.rows.Load(), Total: j.total.Load(), Filter: j.e.filter,
		Created: j.Created, Error: j.failure, StatusURL: "/api/v1/exports/" + j.ID}
	if !j.finished.IsZero() {
		fin, exp := j.finished, j.finished.Add(x.keep)
		v.Finished = &fin
		if j.state == exportDone {
			v.ExpiresAt, v.FileURL = &exp, "/api/v1/exports/"+j.ID+"/file"
		}
	}
	return v
}

// ownJob is the caller's job id; another user's, or one expired, is not found.
func (x *exportJobs) ownJob(p *auth.Principal, id string) (*exportJob, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	j := x.jobs[id]
	if j == nil || j.Owner != p.User.ID {
		return nil, errExportNotFound
	}
	return j, nil
}

var errExportNotFound = errors.New("export job not found")

// startExport is POST /api/v1/exports?format=…&<the list's filters>: starts an export
// job of the list GET /api/v1/cases/export would stream, and answers 202 with where
// to follow it.
func (a *API) startExport(w http.ResponseWriter, r *http.Request) {
	e, err := a.readExport(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	x := a.exports
	dir, err := x.folder()
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	now := a.Cases.Now()
	j := &exportJob{ID: hex.EncodeToString(id), Owner: e.p.User.ID, e: e, Created: now, state: exportQueued}
	j.ctype, j.name = e.file(now)
	j.path = filepath.Join(dir, j.ID)
	j.total.Store(-1)
	x.mu.Lock()
	unfinished := 0
	for _, o := range x.jobs {
		o.mu.Lock()
		if o.Owner == j.Owner && (o.state == exportQueued || o.state == exportRunning) {
			unfinished++
		}
		o.mu.Unlock()
	}
	if unfinished >= exportsPerUser {
		x.mu.Unlock()
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusTooManyRequests, "exports_running", "", exportsPerUser))
		return
	}
	x.jobs[j.ID] = j
	x.mu.Unlock()
	// The job outlives the request, and keeps its actor for the audit entry.
	go a.runExport(context.WithoutCancel(r.Context()), j)
	httpx.WriteJSON(w, http.StatusAccepted, x.view(j))
}

// runExport writes job j's file, then keeps it for x.keep.
func (a *API) runExport(ctx context.Context, j *exportJob) {
	x := a.exports
	x.slots <- struct{}{}
	j.mu.Lock()
	j.state = exportRunning
	j.mu.Unlock()
	err := func() error {
		defer func() { <-x.slots }()
		// The total the page shows progress against: the list counted once, as far as
		// an export goes.
		if n, _, err := a.Store.CountListed(ctx, j.e.list.Filter, cases.ScopeOf(j.e.p), maxExportCount); err == nil {
			j.total.Store(int64(n))
		}
		f, err := os.OpenFile(j.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = a.writeLedger(ctx, j.e, f, func(rows int) { j.rows.Store(int64(rows)) })
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}()
	j.mu.Lock()
	j.finished = a.Cases.Now()
	j.state = exportDone
	if err != nil {
		j.state, j.failure = exportFailed, i18n.T(j.e.loc, "error.export_failed")
		_ = os.Remove(j.path)
		slog.ErrorContext(ctx, "export failed", "job", j.ID, "err", err)
	}
	j.mu.Unlock()
	time.AfterFunc(x.keep, func() {
		x.mu.Lock()
		delete(x.jobs, j.ID)
		x.mu.Unlock()
		_ = os.Remove(j.path)
	})
}

// maxExportCount bounds the count an export job makes of its list for its progress.
const maxExportCount = 10_000_000

// exportStatus is GET /api/v1/exports/{id}: the job's state and rows written.
func (a *API) exportStatus(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return 0, nil, err
	}
	j, err := a.exports.ownJob(p, r.PathValue("id"))
	if err != nil {
		return 0, nil, httpx.Errorf(r, http.StatusNotFound, "export_gone", "")
	}
	return http.StatusOK, a.exports.view(j), nil
}

// exportFile is GET /api/v1/exports/{id}/file: the finished file, to its requester.
func (a *API) exportFile(w http.ResponseWriter, r *http.Request) {
	p := fileCaller(w, r)
	if p == nil {
		return
	}
	if err := p.Require(auth.PermCasesRead); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	j, err := a.exports.ownJob(p, r.PathValue("id"))
	if err != nil {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusNotFound, "export_gone", ""))
		return
	}
	j.mu.Lock()
	state := j.state
	j.mu.Unlock()
	if state != exportDone {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusConflict, "export_not_ready", ""))
		return
	}
	f, err := os.Open(j.path)
	if err != nil {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusNotFound, "export_gone", ""))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", j.ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", j.name))
	http.ServeContent(w, r, j.name, j.Created, f)
}
