package ui

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// importReportLines is how many lines of the report the page shows; the xlsx holds all.
const importReportLines = 500

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

func importFileURL(sha string, source int64) string {
	return "/admin/imports/" + sha + "?source=" + strconv.FormatInt(source, 10)
}

// importColumn is a header of the file and the field it is mapped to.
type importColumn struct {
	Index  int
	Header string
	Field  importer.Field
}

// importWord is a word of the file, or of the mapping, and the code it stands for.
type importWord struct {
	Field importer.Field
	Word  string
	Rows  int    // rows that use it, 0 for a mapping's word the file does not use
	Code  string // "" when unmapped: the page asks
}

// importChoice is one code a word may be mapped to.
type importChoice struct {
	Code, Label string
}

type importIssueLine struct {
	Row                       int
	Field, Column, Value, Why string
	Skipped                   bool
}

type importFileData struct {
	Source   store.ImportSource
	File     store.ImportFile
	Report   *importjob.Report
	Columns  []importColumn
	Fields   []importer.Field
	Words    []importWord
	Choices  map[importer.Field][]importChoice
	State    string
	States   []importChoice
	Lines    []importIssueLine
	More     int // report lines not shown
	Unfinish *store.ImportRun
}

// importFilePage shows a file's mapping and its dry run (GET /admin/imports/{file}?source=).
func (u *UI) importFilePage(w http.ResponseWriter, r *http.Request) {
	u.renderImportFile(w, r, http.StatusOK, nil)
}

// importTarget reads the file and source a request names; on failure it has shown
// the error page.
func (u *UI) importTarget(w http.ResponseWriter, r *http.Request) (store.ImportSource, store.ImportFile, importjob.File, bool) {
	ctx := r.Context()
	sha := r.PathValue("file")
	var src store.ImportSource
	var f store.ImportFile
	if !shaPattern.MatchString(sha) {
		u.renderError(w, r, store.ErrNotFound)
		return src, f, importjob.File{}, false
	}
	v := r.URL.Query().Get("source")
	if r.Method == http.MethodPost {
		v = r.PostFormValue("source")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		u.renderError(w, r, model.Invalid("source", "required", "invalid.import.source_unknown"))
		return src, f, importjob.File{}, false
	}
	if src, err = u.Store.ImportSource(ctx, id); err == nil {
		f, err = u.Store.ImportFileBySHA(ctx, sha)
	}
	if err != nil {
		u.renderError(w, r, err)
		return src, f, importjob.File{}, false
	}
	jf, err := importjob.ReadFile(f.Name, f.Data)
	if err != nil {
		u.renderError(w, r, err)
		return src, f, jf, false
	}
	return src, f, jf, true
}

func (u *UI) renderImportFile(w http.ResponseWriter, r *http.Request, status int, ferr error) {
	ctx := r.Context()
	src, stored, f, ok := u.importTarget(w, r)
	if !ok {
		return
	}
	page := u.newPage(r, "imports.file_title")
	page.Active = "nav.imports"
	data := importFileData{Source: src, File: stored, Fields: importer.Fields}
	m, err := importjob.Mapping(src)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	for i, h := range importer.Headers(f.Head, m) {
		if strings.TrimSpace(h) != "" {
			data.Columns = append(data.Columns, importColumn{Index: i, Header: h, Field: m.Column(h)})
		}
	}
	rep, err := u.Imports.DryRun(ctx, src, f)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		var fe *model.FieldError
		if !errors.As(err, &fe) {
			u.renderError(w, r, err)
			return
		}
		ferr = err
	}
	data.Report = rep
	if rep != nil {
		for _, is := range rep.Ledger.Issues() {
			if len(data.Lines) == importReportLines {
				data.More++
				continue
			}
			data.Lines = append(data.Lines, importIssueLine{Row: is.Row, Field: importjob.FieldText(page.Locale, is.Field),
				Column: is.Column, Value: importjob.MaskedValue(is), Why: importjob.IssueText(page.Locale, is), Skipped: is.Skipped})
		}
		data.Words = importWords(rep.Ledger, m)
	}
	if run, err := u.Store.UnfinishedImportRun(ctx, src.ID, f.SHA256); err == nil {
		data.Unfinish = &run
	}
	d, err := u.Imports.Dictionary(ctx)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data.Choices = importChoices(d, page.Locale)
	data.State = m.State
	data.States = data.Choices[importer.FieldState]
	page.Data = data
	if ferr != nil {
		u.formError(w, r, "admin_import_file.html", page, ferr)
		return
	}
	u.render(w, r, status, "admin_import_file.html", page)
}

// importWords are the words the page maps: those of the file that nothing matched
// (first, to be answered), then those the mapping holds for categories and places.
func importWords(l *importer.Ledger, m importer.Mapping) []importWord {
	var out []importWord
	for _, f := range importer.Fields {
		var words []string
		for w := range l.Unknown[f] {
			words = append(words, w)
		}
		sort.Strings(words)
		for _, w := range words {
			out = append(out, importWord{Field: f, Word: w, Rows: l.Unknown[f][w]})
		}
	}
	for _, f := range []importer.Field{importer.FieldCategory, importer.FieldTownship, importer.FieldVillage} {
		var words []string
		for w := range m.Values[f] {
			words = append(words, w)
		}
		sort.Strings(words)
		for _, w := range words {
			out = append(out, importWord{Field: f, Word: w, Code: m.Values[f][w]})
		}
	}
	return out
}

// importChoices are the codes each mapped field's words may stand for.
func importChoices(d importer.Dictionary, loc string) map[importer.Field][]importChoice {
	out := map[importer.Field][]importChoice{}
	for _, c := range d.Categories {
		label := c.Name
		if c.ParentID != 0 {
			label = "\u3000" + label
		}
		out[importer.FieldCategory] = append(out[importer.FieldCategory], importChoice{c.Code, c.Kind.Label() + " · " + label})
	}
	names := map[int64]string{}
	for _, g := range d.Regions {
		names[g.ID] = g.Name
	}
	for _, g := range d.Regions {
		switch g.Level {
		case model.LevelTownship:
			out[importer.FieldTownship] = append(out[importer.FieldTownship], importChoice{g.Code, g.Name})
		case model.LevelVillage:
			out[importer.FieldVillage] = append(out[importer.FieldVillage], importChoice{g.Code, names[g.ParentID] + " · " + g.Name})
		}
	}
	for _, s := range workflow.AllStates {
		if importer.ImportableState(string(s)) {
			out[importer.FieldState] = append(out[importer.FieldState], importChoice{string(s), s.Label()})
		}
	}
	for _, o := range workflow.AllOutcomes {
		out[importer.FieldOutcome] = append(out[importer.FieldOutcome], importChoice{string(o), o.Label()})
	}
	for _, p := range model.AllPartyRoles {
		if !p.ActsForAnother() {
			out[importer.FieldPartyRole] = append(out[importer.FieldPartyRole], importChoice{string(p), i18n.T(loc, "party_role."+string(p))})
		}
	}
	return out
}

// importMappingSave saves the mapping as the page edits it (POST
// /admin/imports/{file}/mapping): each column's field (col.<index>), each word's code
// (word.<n> = field|word, code.<n>), the state of rows that name none.
func (u *UI) importMappingSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	src, _, f, ok := u.importTarget(w, r)
	if !ok {
		return
	}
	m, err := importjob.Mapping(src)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	headers := importer.Headers(f.Head, m)
	for i, h := range headers {
		if v, ok := r.PostForm["col."+strconv.Itoa(i)]; ok && strings.TrimSpace(h) != "" {
			m.SetColumn(h, importer.Field(v[0]))
		}
	}
	for key, vals := range r.PostForm {
		n, ok := strings.CutPrefix(key, "word.")
		if !ok {
			continue
		}
		field, word, ok := strings.Cut(vals[0], "|")
		if !ok || !importer.Field(field).Mapped() {
			continue
		}
		m.SetValue(importer.Field(field), word, r.PostFormValue("code."+n))
	}
	m.State = r.PostFormValue("state")
	if err := u.Imports.SaveMapping(r.Context(), src, m); err != nil {
		u.renderImportFile(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	redirect(w, r, importFileURL(f.SHA256, src.ID), "import_mapping_saved")
}

// importReportXLSX sends the dry run's report as a workbook (GET /admin/imports/{file}/report.xlsx?source=).
func (u *UI) importReportXLSX(w http.ResponseWriter, r *http.Request) {
	src, _, f, ok := u.importTarget(w, r)
	if !ok {
		return
	}
	rep, err := u.Imports.Checked(r.Context(), src, f)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(strings.TrimSuffix(f.Name, ".xlsx")+"-试导入报告.xlsx"))
	if err := importjob.WriteReportXLSX(w, httpx.Locale(r), rep); err != nil {
		httpx.FromErr(r, err)
	}
}

// importRun starts the import of a file's good rows (POST /admin/imports/{file}/run),
// or resumes its unfinished run, in the background; the imports page follows it.
func (u *UI) importRun(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	src, _, f, ok := u.importTarget(w, r)
	if !ok {
		return
	}
	rep, err := u.Imports.Checked(r.Context(), src, f)
	if err == nil {
		var run store.ImportRun
		if run, err = u.Imports.Start(r.Context(), rep, httpx.Principal(r).User.ID); err == nil {
			u.runImport(r, rep, run)
		}
	}
	if err != nil {
		u.renderImportFile(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	redirect(w, r, "/admin/imports", "import_started")
}
