// Package importjob imports historical 台账 into the store: a source's mapping
// saved and edited, a dry run's report row by row, and the import itself, in
// batches, each committed with the source keys of its rows (so a second import of a
// row adds nothing) and its position recorded (so a killed import resumes where it
// stopped). The reading of the files is internal/importer's, which does no I/O.
package importjob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/export"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// Service imports ledgers into one store.
type Service struct {
	st  *store.Store
	now func() time.Time
	// Batch is how many records a transaction writes (BatchSize of the dialect when 0).
	Batch int

	// checked keeps the latest dry runs' reports (without the files' bytes), which the
	// import of the same file through the same mapping and dictionary starts from
	// instead of reading the whole file once more: on the admin pages the dry run is
	// what the administrator looked at before pressing import.
	mu      sync.Mutex
	checked []checkedReport
}

// checkedReport is a dry run's report kept for its import, by what it depends on.
type checkedReport struct {
	key checkKey
	at  time.Time
	rep *Report
}

// checkKey is what a dry run's report follows from: the file, the source and its
// mapping as saved, and the dictionary (regions and categories) it was read with.
type checkKey struct {
	sourceID     int64
	sha, mapping string
	dictionary   [sha256.Size]byte
}

// Kept dry runs: how many, and for how long one stands for the file's reading.
const (
	keptReports = 4
	reportTTL   = 30 * time.Minute
)

// New returns the import service of st.
func New(st *store.Store) *Service { return &Service{st: st, now: time.Now} }

// MaxNameRunes bounds a source's name.
const MaxNameRunes = 60

// Mapping decodes a source's saved mapping.
func Mapping(src store.ImportSource) (importer.Mapping, error) {
	var m importer.Mapping
	if err := json.Unmarshal([]byte(src.Mapping), &m); err != nil {
		return m, fmt.Errorf("import source %s: mapping: %w", src.Name, err)
	}
	return m, nil
}

// Source reads the source of that name, creating it when it does not exist, with
// the mapping a new source starts with for the file's headers (importer.NewMapping).
func (s *Service) Source(ctx context.Context, name string, sheets []importer.Sheet) (store.ImportSource, importer.Mapping, error) {
	if err := model.CheckName("source", name, MaxNameRunes); err != nil {
		return store.ImportSource{}, importer.Mapping{}, err
	}
	src, err := s.st.ImportSourceByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		m := importer.NewMapping(importer.Headers(sheets, importer.NewMapping(nil)))
		raw, _ := json.Marshal(m)
		src = store.ImportSource{Name: name, Mapping: string(raw)}
		err = s.st.CreateImportSource(ctx, store.Audited("import.source_create", "", "新建导入来源："+name), &src)
		if errors.Is(err, store.ErrConflict) { // created meanwhile
			src, err = s.st.ImportSourceByName(ctx, name)
		}
	}
	if err != nil {
		return src, importer.Mapping{}, err
	}
	m, err := Mapping(src)
	return src, m, err
}

// SaveMapping saves a source's edited mapping, after checking every code in it
// names something that exists (a category, a region, a state, an outcome, a role).
func (s *Service) SaveMapping(ctx context.Context, src store.ImportSource, m importer.Mapping) error {
	d, err := s.Dictionary(ctx)
	if err != nil {
		return err
	}
	if err := CheckMapping(m, d); err != nil {
		return err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.st.UpdateImportMapping(ctx, store.Audited("import.mapping", "import_source:"+strconv.FormatInt(src.ID, 10),
		"修改导入来源的对应关系："+src.Name), src.ID, string(raw))
}

// Dictionary is what a ledger's words are matched against: the active regions and
// categories.
func (s *Service) Dictionary(ctx context.Context) (importer.Dictionary, error) {
	regions, err := s.st.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		return importer.Dictionary{}, err
	}
	cats, err := s.st.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return importer.Dictionary{}, err
	}
	return importer.Dictionary{Regions: regions, Categories: cats, Now: s.now()}, nil
}

// File is an uploaded ledger: its name, bytes and hash, and the first rows of its
// sheets (Head), which its header is found in. The rest is read as it is imported,
// a row at a time.
type File struct {
	Name   string
	SHA256 string
	Data   []byte
	Head   []importer.Sheet
}

// ReadFile reads a ledger file's bytes: tells its format and reads its first rows.
func ReadFile(name string, data []byte) (File, error) {
	head, err := importer.ReadHead(data)
	if err != nil {
		return File{}, model.Invalid("file", "format", "invalid.import.file_format")
	}
	sum := sha256.Sum256(data)
	return File{Name: name, SHA256: hex.EncodeToString(sum[:]), Data: data, Head: head}, nil
}

// keyCheck is how many keys a dry run asks the store about at a time.
const keyCheck = 5000

// DryRun reads the file through the source's mapping and says what an import would
// do: how many records it would add, which rows it refuses and why, and how many of
// the good ones are imported already (Existing). It reads the file a row at a time,
// and keeps the refused records only.
func (s *Service) DryRun(ctx context.Context, src store.ImportSource, f File) (*Report, error) {
	m, err := Mapping(src)
	if err != nil {
		return nil, err
	}
	d, err := s.Dictionary(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{File: f, Source: src, mapping: m, dict: d}
	keys := make([]string, 0, keyCheck)
	check := func() error {
		done, err := s.st.ImportedKeys(ctx, src.ID, keys)
		rep.Existing += len(done)
		keys = keys[:0]
		return err
	}
	l, err := importer.Scan(f.Data, m, d, false, func(r *importer.Record) error {
		if !r.OK() {
			return nil
		}
		keys = append(keys, r.Key)
		if len(keys) == keyCheck {
			return check()
		}
		return ctx.Err()
	})
	if err == nil {
		err = check()
	}
	switch {
	case errors.Is(err, importer.ErrNoHeader):
		return nil, model.Invalid("file", "no_header", "invalid.import.no_header")
	case errors.Is(err, importer.ErrFormat):
		return nil, model.Invalid("file", "format", "invalid.import.file_format")
	case err != nil:
		return nil, err
	}
	rep.Ledger = l
	rep.Good = l.Good() - rep.Existing
	s.keep(rep)
	return rep, nil
}

// Checked is the report an import of the file starts from: the dry run of the same
// file through the same saved mapping and dictionary made in the last reportTTL (its
// Good and Existing as they were then; the import checks each batch's keys again as
// it writes), or else a fresh DryRun.
func (s *Service) Checked(ctx context.Context, src store.ImportSource, f File) (*Report, error) {
	d, err := s.Dictionary(ctx)
	if err != nil {
		return nil, err
	}
	key := checkKeyOf(src, f, d)
	s.mu.Lock()
	var kept *Report
	for _, c := range s.checked {
		if c.key == key && s.now().Sub(c.at) < reportTTL {
			r := *c.rep
			r.File = f
			kept = &r
		}
	}
	s.mu.Unlock()
	if kept != nil {
		return kept, nil
	}
	return s.DryRun(ctx, src, f)
}

// keep keeps a dry run's report for Checked, the file's bytes left out.
func (s *Service) keep(rep *Report) {
	r := *rep
	r.File.Data = nil
	c := checkedReport{key: checkKeyOf(rep.Source, rep.File, rep.dict), at: s.now(), rep: &r}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked = slices.DeleteFunc(s.checked, func(o checkedReport) bool { return o.key == c.key })
	if len(s.checked) == keptReports {
		s.checked = s.checked[1:]
	}
	s.checked = append(s.checked, c)
}

// checkKeyOf is what a dry run of f from src with d depends on. The dictionary's
// time (which dates are in the future) is left out: a kept report is at most
// reportTTL old.
func checkKeyOf(src store.ImportSource, f File, d importer.Dictionary) checkKey {
	d.Now = time.Time{}
	raw, _ := json.Marshal(d)
	return checkKey{sourceID: src.ID, sha: f.SHA256, mapping: src.Mapping, dictionary: sha256.Sum256(raw)}
}

// Report is a dry run's answer.
type Report struct {
	Source   store.ImportSource
	File     File
	Ledger   *importer.Ledger // its Records are the refused ones
	Good     int              // records an import would add
	Existing int              // good records imported before

	// The mapping and dictionary the dry run read the file with, which its import
	// reads it with again.
	mapping importer.Mapping
	dict    importer.Dictionary
}

// Refused is how many records have issues.
func (r *Report) Refused() int { return r.Ledger.Cases - r.Good - r.Existing }

// IssueText words an issue's reason in loc.
func IssueText(loc string, is importer.Issue) string {
	msg := i18n.T(loc, "import.issue."+is.Code)
	if is.Ref != 0 {
		msg += i18n.T(loc, "import.issue.ref", is.Ref)
	}
	return msg
}

// FieldText names a field in loc.
func FieldText(loc string, f importer.Field) string {
	if f == importer.FieldNone {
		return ""
	}
	return i18n.T(loc, "import.field."+string(f))
}

// WriteReportXLSX writes the report's issues, row by row, as an xlsx workbook.
func WriteReportXLSX(w io.Writer, loc string, r *Report) error {
	t, err := export.New(w, export.XLSX, "", i18n.T(loc, "import.report.sheet"), []string{
		i18n.T(loc, "import.report.row"), i18n.T(loc, "import.report.field"), i18n.T(loc, "import.report.column"),
		i18n.T(loc, "import.report.value"), i18n.T(loc, "import.report.why")})
	if err != nil {
		return err
	}
	for _, is := range r.Ledger.Issues() {
		if err := t.Row([]any{is.Row, FieldText(loc, is.Field), is.Column, maskValue(is), IssueText(loc, is)}); err != nil {
			return err
		}
	}
	return t.Close()
}

// maskValue is an issue's value as a report shows it: an ID number or a phone masked
// (the report leaves the server), anything else as written.
func maskValue(is importer.Issue) string {
	switch is.Field {
	case importer.FieldIDNumber:
		return model.MaskIDNumber(importer.Clean(is.Value))
	case importer.FieldPhone:
		return model.MaskPhone(importer.Clean(is.Value))
	}
	return is.Value
}

// MaskedValue is maskValue for the pages.
func MaskedValue(is importer.Issue) string { return maskValue(is) }

// BatchSize is how many records an import writes in one transaction: progress is
// recorded after each, and a killed import resumes after the last one committed.
// Larger batches (50,000 on SQLite, 20,000 on PostgreSQL) showed no gain at 100k rows
// and held twice the memory (1.56 GB at 1M rows on SQLite), which an import run from
// the admin pages takes from the server.
func BatchSize(d store.Dialect) int {
	if d == store.SQLite {
		return 20000
	}
	return 10000
}

// Run imports the file's good records that the source has not imported before, in
// batches, reporting progress after each. An unfinished run of the same file from the
// same source (killed, or failed) is resumed from its position; otherwise a new run
// starts, with its one audit entry naming the file's hash. A cancelled ctx stops it
// after the batch in hand commits or rolls back, the run left to resume.
func (s *Service) Run(ctx context.Context, src store.ImportSource, f File, by int64, progress func(store.ImportRun)) (store.ImportRun, error) {
	rep, err := s.DryRun(ctx, src, f)
	if err != nil {
		return store.ImportRun{}, err
	}
	return s.RunReport(ctx, rep, by, progress)
}

// Start records the run of a dry run's file (or finds the unfinished one to resume),
// so a caller that goes on in the background has its id at once.
func (s *Service) Start(ctx context.Context, rep *Report, by int64) (store.ImportRun, error) {
	l := rep.Ledger
	run, err := s.st.UnfinishedImportRun(ctx, rep.Source.ID, rep.File.SHA256)
	if errors.Is(err, store.ErrNotFound) {
		run = store.ImportRun{SourceID: rep.Source.ID, FileName: rep.File.Name, FileSHA256: rep.File.SHA256,
			Total: l.Cases, StartedBy: by}
		summary := fmt.Sprintf("导入台账：来源 %s，文件 %s（SHA-256 %s），%d 条", rep.Source.Name, rep.File.Name, rep.File.SHA256, l.Cases)
		err = s.st.StartImportRun(ctx, store.Audited("import.run", "", summary), &run)
	}
	return run, err
}

// RunReport is Run of a dry run's report.
func (s *Service) RunReport(ctx context.Context, rep *Report, by int64, progress func(store.ImportRun)) (store.ImportRun, error) {
	run, err := s.Start(ctx, rep, by)
	if err != nil {
		return run, err
	}
	return s.Continue(ctx, rep, run, by, progress)
}

// Continue imports a started run's records from its position on. The file is read
// again, a row at a time, by a goroutine that turns its records into batches (the
// cases, their timelines, keys and search entries worked out) while the batch before
// is written: reading and writing each take a core.
func (s *Service) Continue(ctx context.Context, rep *Report, run store.ImportRun, by int64, progress func(store.ImportRun)) (store.ImportRun, error) {
	if run.State == store.ImportFailed {
		run.State, run.Error = store.ImportRunning, ""
	}
	size := s.Batch
	if size <= 0 {
		size = BatchSize(s.st.Dialect())
	}
	readCtx, stopReading := context.WithCancel(ctx)
	batches := make(chan *batch, 1)
	var readErr error
	go func() {
		defer close(batches)
		readErr = s.read(readCtx, rep, run.Position, size, by, batches)
	}()
	// stop ends the reading and waits for it: nothing is left behind.
	stop := func() {
		stopReading()
		for range batches {
		}
	}
	fail := func(err error) (store.ImportRun, error) {
		stop()
		if ctx.Err() != nil {
			return run, ctx.Err() // left running: the next import of the file resumes it
		}
		run.State, run.Error = store.ImportFailed, err.Error()
		if serr := s.st.SaveImportProgress(context.WithoutCancel(ctx), &run); serr != nil {
			return run, errors.Join(err, serr)
		}
		return run, err
	}
	for b := range batches {
		if err := ctx.Err(); err != nil {
			stop()
			return run, err
		}
		added, existing, err := s.write(ctx, rep, run.ID, b)
		if err != nil {
			return fail(err)
		}
		run.Position, run.Added, run.Existing, run.Refused = run.Position+b.records, run.Added+added, run.Existing+existing, run.Refused+b.refused
		if err := s.st.SaveImportProgress(ctx, &run); err != nil {
			stop()
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
			return run, err
		}
		if progress != nil {
			progress(run)
		}
	}
	stopReading()
	if readErr != nil {
		return fail(readErr)
	}
	run.State = store.ImportDone
	if err := s.st.SaveImportProgress(ctx, &run); err != nil {
		return run, err
	}
	if progress != nil {
		progress(run)
	}
	return run, nil
}

// batch is the records of one transaction: how many the file's position moves on by,
// how many of them are refused, and the good ones' cases ready to write.
type batch struct {
	records, refused int
	store.ImportBatch
}

// read reads the report's file from record from on, as batches of size records, each
// sent to out once whole.
func (s *Service) read(ctx context.Context, rep *Report, from, size int, by int64, out chan<- *batch) error {
	pos := 0
	b := &batch{}
	send := func() error {
		select {
		case out <- b:
			b = &batch{}
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	_, err := importer.Scan(rep.File.Data, rep.mapping, rep.dict, false, func(r *importer.Record) error {
		if pos++; pos <= from {
			return ctx.Err() // committed before the run was stopped
		}
		b.records++
		if r.OK() {
			b.add(s.st, rep, r, by)
		} else {
			b.refused++
		}
		if b.records == size {
			return send()
		}
		return nil
	})
	if err == nil && b.records > 0 {
		err = send()
	}
	return err
}

// add readies a good record's case, as imported by by, its one event, its key and
// its search entry.
func (b *batch) add(st *store.Store, rep *Report, r *importer.Record, by int64) {
	c := r.Case
	c.Parties = append([]model.Party(nil), r.Case.Parties...)
	c.RegisteredBy = by
	c.TrackingCode = cases.NewTrackingCode()
	payload, _ := json.Marshal(map[string]any{"source": rep.Source.Name, "file": rep.File.Name, "row": r.Row, "key": r.Key})
	events := []model.CaseEvent{{ActorID: by, At: c.CreatedAt, Action: "import", ToState: c.State, Note: "", Payload: payload}}
	b.Cases = append(b.Cases, c)
	b.Events = append(b.Events, events)
	b.Keys = append(b.Keys, r.Key)
	b.Docs = append(b.Docs, st.ImportSearchDoc(&c, events))
}

// write writes a batch's cases that the source has not imported yet, and says how
// many it added and how many it found imported before.
func (s *Service) write(ctx context.Context, rep *Report, runID int64, b *batch) (added, existing int, err error) {
	done, err := s.st.ImportedKeys(ctx, rep.Source.ID, b.Keys)
	if err != nil {
		return 0, 0, err
	}
	w := b.ImportBatch
	if len(done) > 0 {
		w = store.ImportBatch{}
		for i, k := range b.Keys {
			if !done[k] {
				w.Cases, w.Events, w.Keys, w.Docs = append(w.Cases, b.Cases[i]), append(w.Events, b.Events[i]), append(w.Keys, k), append(w.Docs, b.Docs[i])
			}
		}
	}
	if len(w.Cases) == 0 {
		return 0, len(done), nil
	}
	// Tracking codes are random; a clash (next to impossible) fails the batch with
	// ErrConflict, and it is tried again with fresh ones.
	for attempt := 0; ; attempt++ {
		for i := range w.Cases {
			w.Cases[i].ID = 0
			if attempt > 0 {
				w.Cases[i].TrackingCode = cases.NewTrackingCode()
			}
		}
		err = s.st.ImportCases(ctx, rep.Source.ID, runID, w)
		if !errors.Is(err, store.ErrConflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return 0, 0, err
	}
	return len(w.Cases), len(done), nil
}

// CheckMapping refuses a mapping that names a field or code that does not exist.
func CheckMapping(m importer.Mapping, d importer.Dictionary) error {
	for h, f := range m.Columns {
		if !f.Valid() {
			return model.Invalid("column", "unknown_field", "invalid.import.unknown_field", h)
		}
	}
	regions := map[string]bool{}
	for _, g := range d.Regions {
		regions[g.Code] = true
	}
	cats := map[string]bool{}
	for _, c := range d.Categories {
		cats[c.Code] = true
	}
	for f, vals := range m.Values {
		for w, code := range vals {
			ok := false
			switch f {
			case importer.FieldCategory:
				ok = cats[code]
			case importer.FieldTownship, importer.FieldVillage:
				ok = regions[code]
			case importer.FieldState:
				ok = importer.ImportableState(code)
			case importer.FieldOutcome:
				ok = importer.ValidOutcome(code)
			case importer.FieldPartyRole:
				ok = model.PartyRole(code).Valid() && !model.PartyRole(code).ActsForAnother()
			}
			if !ok {
				return model.Invalid("value", "unknown_code", "invalid.import.unknown_code", w, code).WithField("value." + string(f))
			}
		}
	}
	if m.State != "" && !importer.ImportableState(m.State) {
		return model.Invalid("state", "unknown_code", "invalid.import.unknown_code", "", m.State)
	}
	return nil
}

// Store is the store the service imports into.
func (s *Service) Store() *store.Store { return s.st }
