package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
)

// ImportSource is an office whose 台账 are imported alike, with its mapping
// (importer.Mapping as JSON, which the store keeps as it is given).
type ImportSource struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Mapping   string    `json:"mapping"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ImportRun is one file imported from a source: how far it got and what it did.
type ImportRun struct {
	ID         int64      `json:"id"`
	SourceID   int64      `json:"source_id"`
	FileName   string     `json:"file_name"`
	FileSHA256 string     `json:"file_sha256"`
	State      string     `json:"state"` // running, done, failed
	Total      int        `json:"total"`
	Position   int        `json:"position"`
	Added      int        `json:"added"`
	Existing   int        `json:"existing"`
	Refused    int        `json:"refused"`
	Error      string     `json:"error,omitempty"`
	StartedBy  int64      `json:"started_by"`
	StartedAt  time.Time  `json:"started_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Import run states.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

const importSourceCols = "id, name, mapping, created_at, updated_at"

func scanImportSource(r interface{ Scan(...any) error }) (ImportSource, error) {
	var s ImportSource
	err := r.Scan(&s.ID, &s.Name, &s.Mapping, &s.CreatedAt, &s.UpdatedAt)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// CreateImportSource saves a new source; a name taken already is ErrConflict.
func (s *Store) CreateImportSource(ctx context.Context, e AuditEntry, src *ImportSource) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		src.CreatedAt, src.UpdatedAt = now(), now()
		id, err := tx.insertID(ctx, "INSERT INTO import_sources (name, mapping, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
			src.Name, src.Mapping, src.CreatedAt, src.UpdatedAt)
		if isUniqueViolation(err) {
			return fmt.Errorf("import source %s: %w", src.Name, ErrConflict)
		}
		src.ID = id
		tx.SetAuditObject(fmt.Sprintf("import_source:%d", id))
		return err
	})
}

// UpdateImportMapping saves a source's edited mapping.
func (s *Store) UpdateImportMapping(ctx context.Context, e AuditEntry, id int64, mapping string) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE import_sources SET mapping = ?, updated_at = ? WHERE id = ?", mapping, now(), id)
		return affectedOne(res, err, "import source")
	})
}

// ImportSource reads one source.
func (s *Store) ImportSource(ctx context.Context, id int64) (ImportSource, error) {
	src, err := scanImportSource(s.queryRow(ctx, "SELECT "+importSourceCols+" FROM import_sources WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return src, ErrNotFound
	}
	return src, err
}

// ImportSourceByName reads the source of that name.
func (s *Store) ImportSourceByName(ctx context.Context, name string) (ImportSource, error) {
	src, err := scanImportSource(s.queryRow(ctx, "SELECT "+importSourceCols+" FROM import_sources WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return src, ErrNotFound
	}
	return src, err
}

// ImportSources lists the sources by name.
func (s *Store) ImportSources(ctx context.Context) ([]ImportSource, error) {
	rows, err := s.query(ctx, "SELECT "+importSourceCols+" FROM import_sources ORDER BY name")
	return scanAll(rows, err, func(r *sql.Rows) (ImportSource, error) { return scanImportSource(r) })
}

const importRunCols = `id, source_id, file_name, file_sha256, state, total, position, added, existing, refused, error,
	COALESCE(started_by, 0), started_at, updated_at, finished_at`

func scanImportRun(r interface{ Scan(...any) error }) (ImportRun, error) {
	var x ImportRun
	var fin sql.NullTime
	err := r.Scan(&x.ID, &x.SourceID, &x.FileName, &x.FileSHA256, &x.State, &x.Total, &x.Position, &x.Added, &x.Existing,
		&x.Refused, &x.Error, &x.StartedBy, &x.StartedAt, &x.UpdatedAt, &fin)
	x.StartedAt, x.UpdatedAt = x.StartedAt.UTC(), x.UpdatedAt.UTC()
	if fin.Valid {
		t := fin.Time.UTC()
		x.FinishedAt = &t
	}
	return x, err
}

// StartImportRun records a run about to import a file, with its audit entry (the
// batch's one: e names the file's hash), and fills in its id.
func (s *Store) StartImportRun(ctx context.Context, e AuditEntry, run *ImportRun) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		run.State, run.StartedAt, run.UpdatedAt = ImportRunning, now(), now()
		id, err := tx.insertID(ctx, `INSERT INTO import_runs (source_id, file_name, file_sha256, state, total, started_by, started_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, run.SourceID, run.FileName, run.FileSHA256, run.State, run.Total,
			nullInt64(run.StartedBy), run.StartedAt, run.UpdatedAt)
		run.ID = id
		tx.SetAuditObject(fmt.Sprintf("import_run:%d", id))
		return err
	})
}

// SaveImportProgress records how far a run got; with a final state (done, failed)
// it records the end too. Progress is bookkeeping of a run whose start is audited.
func (s *Store) SaveImportProgress(ctx context.Context, run *ImportRun) error {
	run.UpdatedAt = now()
	var fin any
	if run.State != ImportRunning {
		t := run.UpdatedAt
		run.FinishedAt, fin = &t, t
	}
	return s.InTx(ctx, NotAudited("the progress of an import run, whose start is audited"), func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE import_runs SET state = ?, total = ?, position = ?, added = ?, existing = ?, refused = ?,
			error = ?, updated_at = ?, finished_at = ? WHERE id = ?`, run.State, run.Total, run.Position, run.Added, run.Existing,
			run.Refused, run.Error, run.UpdatedAt, fin, run.ID)
		return affectedOne(res, err, "import run")
	})
}

// ImportRun reads one run.
func (s *Store) ImportRun(ctx context.Context, id int64) (ImportRun, error) {
	r, err := scanImportRun(s.queryRow(ctx, "SELECT "+importRunCols+" FROM import_runs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// UnfinishedImportRun is the last run of this file from the source that did not
// finish (killed, or failed), which an import of the same file resumes; ErrNotFound
// when there is none.
func (s *Store) UnfinishedImportRun(ctx context.Context, sourceID int64, sha string) (ImportRun, error) {
	r, err := scanImportRun(s.queryRow(ctx, "SELECT "+importRunCols+` FROM import_runs
		WHERE source_id = ? AND file_sha256 = ? AND state <> ? ORDER BY id DESC LIMIT 1`, sourceID, sha, ImportDone))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// ImportRuns lists a source's runs, newest first (sourceID 0: every source's).
func (s *Store) ImportRuns(ctx context.Context, sourceID int64, limit int) ([]ImportRun, error) {
	q, args := "SELECT "+importRunCols+" FROM import_runs", []any{}
	if sourceID != 0 {
		q += " WHERE source_id = ?"
		args = append(args, sourceID)
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (ImportRun, error) { return scanImportRun(r) })
}

// ImportedKeys tells which of keys the source has imported already.
func (s *Store) ImportedKeys(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 500)]
		keys = keys[len(chunk):]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, sourceID)
		for _, k := range chunk {
			args = append(args, k)
		}
		q := "SELECT row_key FROM import_rows WHERE source_id = ? AND row_key IN (" + strings.Repeat("?, ", len(chunk)-1) + "?)"
		rows, err := s.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ImportedCase is the case a source's row became, ErrNotFound if none.
func (s *Store) ImportedCase(ctx context.Context, sourceID int64, key string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT case_id FROM import_rows WHERE source_id = ? AND row_key = ?", sourceID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// ImportBatch is a batch of imported cases: Events[i], Keys[i] (the source's key of
// the row) and Docs[i] (its search index entry, from ImportSearchDoc) are Cases[i]'s.
type ImportBatch struct {
	Cases  []model.Case
	Events [][]model.CaseEvent
	Keys   []string
	Docs   []string
}

// ImportSearchDoc is an imported case's search index entry as this store keeps it,
// which a caller works out before the batch's transaction, beside the one before
// (the text's terms on SQLite, their tsvector on PostgreSQL).
func (s *Store) ImportSearchDoc(c *model.Case, events []model.CaseEvent) string {
	evs := make([]*model.CaseEvent, len(events))
	for i := range events {
		evs[i] = &events[i]
	}
	doc := caseDocument(c, evs)
	if s.dialect == Postgres {
		return search.TSVector(doc)
	}
	return doc
}

// ImportCases writes a batch of imported cases, each with its timeline, the source's
// key of each and their search index rows, through the bulk loader: all of it or
// none. A key imported already fails the batch with ErrConflict (the caller leaves
// those out first, with ImportedKeys). Unlike a generated load, it may run beside a
// live server: the loader holds the writer (on SQLite) or the tables' id ranges (on
// PostgreSQL) for the batch.
func (s *Store) ImportCases(ctx context.Context, sourceID, runID int64, b ImportBatch) error {
	if len(b.Keys) != len(b.Cases) || len(b.Docs) != len(b.Cases) {
		return fmt.Errorf("import: %d keys and %d index entries for %d cases", len(b.Keys), len(b.Docs), len(b.Cases))
	}
	return s.bulkLoad(ctx, bulkBatch{cases: b.Cases, events: b.Events, imp: &bulkImport{sourceID: sourceID, runID: runID, keys: b.Keys, docs: b.Docs}})
}

// ImportFile is an uploaded ledger.
type ImportFile struct {
	SHA256     string
	Name       string
	Size       int64
	Data       []byte
	UploadedBy int64
	UploadedAt time.Time
}

// SaveImportFile keeps an uploaded ledger under its hash; the same bytes uploaded
// again keep the first upload's row.
func (s *Store) SaveImportFile(ctx context.Context, f *ImportFile) error {
	f.UploadedAt = now()
	return s.InTx(ctx, NotAudited("an uploaded ledger, audited when it is imported"), func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM import_files WHERE sha256 = ?", f.SHA256).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.exec(ctx, "INSERT INTO import_files (sha256, name, size, data, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)",
			f.SHA256, f.Name, int64(len(f.Data)), f.Data, nullInt64(f.UploadedBy), f.UploadedAt)
		return err
	})
}

// ImportFileBySHA reads an uploaded ledger, ErrNotFound if none has that hash.
func (s *Store) ImportFileBySHA(ctx context.Context, sha string) (ImportFile, error) {
	var f ImportFile
	err := s.queryRow(ctx, "SELECT sha256, name, size, data, COALESCE(uploaded_by, 0), uploaded_at FROM import_files WHERE sha256 = ?", sha).
		Scan(&f.SHA256, &f.Name, &f.Size, &f.Data, &f.UploadedBy, &f.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}
