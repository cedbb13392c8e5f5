package ui

import (
	"bytes"
	"net/http"

	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/static"
)

// documentTemplatesData is the template editor: the kinds, the one being edited,
// its placeholders and its saved versions.
type documentTemplatesData struct {
	Kinds        []documents.Kind
	Kind         documents.Kind
	Template     documents.Template
	Placeholders []documents.Placeholder
	Versions     []documents.Template
}

// documentTemplates shows the wording of one kind of document (文书模板) to edit.
func (u *UI) documentTemplates(w http.ResponseWriter, r *http.Request) {
	kind := documents.KindReceipt
	if k := r.PathValue("kind"); k != "" {
		kind = documents.Kind(k)
	}
	if !kind.Valid() {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	u.renderDocumentTemplates(w, r, kind, http.StatusOK, nil, nil)
}

func (u *UI) renderDocumentTemplates(w http.ResponseWriter, r *http.Request, kind documents.Kind, status int, posted *documents.Template, err error) {
	ctx := r.Context()
	t, terr := u.Cases.DocumentTemplate(ctx, kind)
	if terr != nil {
		u.renderError(w, r, terr)
		return
	}
	versions, verr := u.Store.DocumentTemplateVersions(ctx, kind, 0)
	if verr != nil {
		u.renderError(w, r, verr)
		return
	}
	if posted != nil {
		t = *posted
	}
	page := u.newPage(r, "documents.templates.title")
	page.Active = "nav.document_templates"
	page.Data = documentTemplatesData{Kinds: documents.Kinds, Kind: kind, Template: t, Placeholders: documents.Placeholders(kind), Versions: versions}
	if err != nil {
		u.formError(w, r, "admin_documents.html", page, err)
		return
	}
	u.render(w, r, status, "admin_documents.html", page)
}

// postedTemplate reads the editor's form.
func postedTemplate(r *http.Request, kind documents.Kind) documents.Template {
	return documents.Template{Kind: kind, Title: r.PostFormValue("title"), Prefix: r.PostFormValue("prefix"), Body: r.PostFormValue("body"),
		Closing: r.PostFormValue("closing"), Note: r.PostFormValue("note")}
}

// documentTemplateSave keeps the posted wording as the kind's next version.
func (u *UI) documentTemplateSave(w http.ResponseWriter, r *http.Request) {
	kind := documents.Kind(r.PathValue("kind"))
	if !kind.Valid() {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	t := postedTemplate(r, kind)
	if _, err := u.Cases.SaveDocumentTemplate(r.Context(), httpx.Principal(r), t); err != nil {
		u.renderDocumentTemplates(w, r, kind, http.StatusUnprocessableEntity, &t, err)
		return
	}
	redirect(w, r, "/admin/documents/"+string(kind), "document_template_saved")
}

// documentTemplatePreview shows the posted wording, unsaved, filled with an invented
// case, as it would print.
func (u *UI) documentTemplatePreview(w http.ResponseWriter, r *http.Request) {
	kind := documents.Kind(r.PathValue("kind"))
	if !kind.Valid() {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	t := postedTemplate(r, kind)
	if err := documents.Validate(t); err != nil {
		u.renderDocumentTemplates(w, r, kind, http.StatusUnprocessableEntity, &t, err)
		return
	}
	facts := documents.Sample()
	at := u.Cases.Now()
	number := ""
	if kind.Numbered() {
		number = documents.Number(documents.Fill(t.Prefix, facts.Values(kind, at)), documents.Year(at), 1)
	}
	d := documents.Compose(t, facts, number, at)
	page := u.newPage(r, "documents.templates.title")
	var b bytes.Buffer
	if err := documents.RenderHTML(&b, d, documents.HTMLOptions{Stylesheet: static.URL("document.css"), Script: static.URL("document.js"), Icon: static.URL("favicon.svg"),
		Toolbar: []documents.ToolLink{{Label: page.T("documents.preview_note")}, {Label: page.T("documents.print"), Print: true}}}); err != nil {
		u.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b.Bytes())
}
