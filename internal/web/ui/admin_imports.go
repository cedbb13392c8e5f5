package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// importRunner holds the imports this node runs in the background, by run id: the
// page offers to resume a run only when no one here is running it (its progress, in
// the store, is read by every node).
type importRunner struct {
	mu      sync.Mutex
	running map[int64]bool
}

func (ir *importRunner) start(id int64) bool {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if ir.running == nil {
		ir.running = map[int64]bool{}
	}
	if ir.running[id] {
		return false
	}
	ir.running[id] = true
	return true
}

func (ir *importRunner) done(id int64) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	delete(ir.running, id)
}

func (ir *importRunner) isRunning(id int64) bool {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	return ir.running[id]
}

type importRunRow struct {
	store.ImportRun
	Source  string
	Percent int
	Live    bool // running on this node now
	Stalled bool // left unfinished: killed, or failed; the same file imported again resumes it
}

type importsData struct {
	Sources []store.ImportSource
	Runs    []importRunRow
	Live    bool
}

// importsPage is the import's first page (GET /admin/imports): the upload form, the
// sources with their mappings, and the latest runs with their progress.
func (u *UI) importsPage(w http.ResponseWriter, r *http.Request) {
	u.renderImports(w, r, http.StatusOK, nil)
}

func (u *UI) renderImports(w http.ResponseWriter, r *http.Request, status int, err error) {
	ctx := r.Context()
	srcs, lerr := u.Store.ImportSources(ctx)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	runs, lerr := u.Store.ImportRuns(ctx, 0, 20)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	names := map[int64]string{}
	for _, s := range srcs {
		names[s.ID] = s.Name
	}
	data := importsData{Sources: srcs}
	for _, run := range runs {
		row := importRunRow{ImportRun: run, Source: names[run.SourceID], Live: u.importRuns.isRunning(run.ID)}
		if run.Total > 0 {
			row.Percent = run.Position * 100 / run.Total
		}
		row.Stalled = run.State != store.ImportDone && !row.Live
		data.Live = data.Live || row.Live
		data.Runs = append(data.Runs, row)
	}
	page := u.newPage(r, "imports.title")
	page.Active = "nav.imports"
	page.Data = data
	if err != nil {
		u.formError(w, r, "admin_imports.html", page, err)
		return
	}
	u.render(w, r, status, "admin_imports.html", page)
}

// importUpload takes a ledger (POST /admin/imports, multipart): it is kept by its
// hash, its source made when the name is new, and the browser sent on to its mapping
// and dry run.
func (u *UI) importUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		u.renderImports(w, r, http.StatusUnprocessableEntity, model.Invalid("file", "required", "invalid.import.file_required"))
		return
	}
	fh, hdr, err := r.FormFile("file")
	if err != nil {
		u.renderImports(w, r, http.StatusUnprocessableEntity, model.Invalid("file", "required", "invalid.import.file_required"))
		return
	}
	defer fh.Close()
	data, err := io.ReadAll(fh)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	f, err := importjob.ReadFile(hdr.Filename, data)
	if err != nil {
		u.renderImports(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	var src store.ImportSource
	if id, ierr := httpx.FormInt(r, "source_id"); ierr == nil && id != 0 {
		src, err = u.Store.ImportSource(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			err = model.Invalid("source_id", "unknown", "invalid.import.source_unknown")
		}
	} else {
		name := strings.TrimSpace(r.PostFormValue("source_name"))
		if name == "" {
			err = model.Invalid("source_name", "required", "invalid.import.source_required")
		} else {
			src, _, err = u.Imports.Source(ctx, name, f.Head)
			if fe := new(model.FieldError); errors.As(err, &fe) {
				err = fe.WithField("source_name")
			}
		}
	}
	if err == nil {
		err = u.Store.SaveImportFile(ctx, &store.ImportFile{SHA256: f.SHA256, Name: f.Name, Data: data, UploadedBy: httpx.Principal(r).User.ID})
	}
	if err != nil {
		u.renderImports(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	redirect(w, r, importFileURL(f.SHA256, src.ID), "")
}

// runImport goes on with a started run in the background, as the signed-in user,
// until it is done, fails or the process ends (the run then waits to be resumed).
func (u *UI) runImport(r *http.Request, rep *importjob.Report, run store.ImportRun) {
	if !u.importRuns.start(run.ID) {
		return
	}
	by := httpx.Principal(r).User.ID
	ctx := context.WithoutCancel(r.Context())
	go func() {
		defer u.importRuns.done(run.ID)
		if _, err := u.Imports.Continue(ctx, rep, run, by, nil); err != nil {
			slog.ErrorContext(ctx, "import", "run", run.ID, "err", err)
		}
	}()
}
