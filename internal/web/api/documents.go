package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// caseDocuments is GET /api/v1/cases/{id}/documents: which documents may be issued
// now (and why not), and those issued, oldest first.
func (a *API) caseDocuments(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Get(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	issued, err := a.Cases.CaseDocuments(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	if issued == nil {
		issued = []store.IssuedDocument{}
	}
	return http.StatusOK, caseDocumentsAnswer{Offers: a.Cases.DocumentOffers(r.Context(), p, &c), Issued: issued}, nil
}

// issueDocument is POST /api/v1/cases/{id}/documents {"kind","ref"}: issues and
// numbers a document; 201 with it.
// issueDocumentIn is the body of POST /api/v1/cases/{id}/documents.
type issueDocumentIn struct {
	Kind string `json:"kind"`
	Ref  int64  `json:"ref"`
}

// documentTemplateIn is the body of PUT /api/v1/document-templates/{kind}.
type documentTemplateIn struct {
	Title   string `json:"title"`
	Prefix  string `json:"prefix"`
	Body    string `json:"body"`
	Closing string `json:"closing"`
	Note    string `json:"note"`
}

func (a *API) issueDocument(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in issueDocumentIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Get(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	d, err := a.Cases.IssueDocument(r.Context(), p, id, cases.IssueInput{Kind: documents.Kind(in.Kind), Ref: in.Ref,
		TrackURL: httpx.PublicURL(r, a.SecureCookies, "/p/track?code="+c.TrackingCode)})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, d, nil
}

// getDocument is GET /api/v1/documents/{id}: an issued document as it was issued.
func (a *API) getDocument(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	d, err := a.Cases.IssuedDocument(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d, nil
}

// documentDOCX is GET /api/v1/documents/{id}/docx: the issued document as a .docx.
func (a *API) documentDOCX(w http.ResponseWriter, r *http.Request) {
	p := fileCaller(w, r)
	if p == nil {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d, err := a.Cases.IssuedDocument(r.Context(), p, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if !d.Kind.Editable() {
		httpx.WriteError(w, r, store.ErrNotFound)
		return
	}
	httpx.ServeDOCX(w, r, d.Content)
}

// documentTemplate is GET /api/v1/document-templates/{kind}: the wording in force,
// its placeholders and its saved versions.
func (a *API) documentTemplate(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermDocumentTemplates); err != nil {
		return 0, nil, err
	}
	kind := documents.Kind(r.PathValue("kind"))
	if !kind.Valid() {
		return 0, nil, store.ErrNotFound
	}
	t, err := a.Cases.DocumentTemplate(r.Context(), kind)
	if err != nil {
		return 0, nil, err
	}
	versions, err := a.Store.DocumentTemplateVersions(r.Context(), kind, 0)
	if err != nil {
		return 0, nil, err
	}
	if versions == nil {
		versions = []documents.Template{}
	}
	return http.StatusOK, documentTemplateAnswer{Template: t, Placeholders: documents.Placeholders(kind), Versions: versions}, nil
}

// saveDocumentTemplate is PUT /api/v1/document-templates/{kind} {"title","prefix",
// "body","closing","note"}: the next version of the wording; an unknown placeholder
// is refused naming it.
func (a *API) saveDocumentTemplate(r *http.Request, p *auth.Principal) (int, any, error) {
	if err := p.Require(auth.PermDocumentTemplates); err != nil {
		return 0, nil, err
	}
	kind := documents.Kind(r.PathValue("kind"))
	if !kind.Valid() {
		return 0, nil, store.ErrNotFound
	}
	var in documentTemplateIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	t, err := a.Cases.SaveDocumentTemplate(r.Context(), p, documents.Template{Kind: kind, Title: in.Title, Prefix: in.Prefix, Body: in.Body,
		Closing: in.Closing, Note: in.Note})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t, nil
}
