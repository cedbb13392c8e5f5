package ui

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/static"
)

// documentsFormKey names the issue form when the case page shows it refused.
const documentsFormKey = "documents"

// documentSection is the case page's 文书 section: what may be issued now, and what
// was issued, each to print or download.
type documentSection struct {
	Offers   []cases.DocumentOffer
	Issued   []store.IssuedDocument
	CanIssue bool
	Failed   bool
}

// caseDocuments builds the 文书 section of c for p.
func (u *UI) caseDocuments(ctx context.Context, p *auth.Principal, c *model.Case, failed string) (*documentSection, error) {
	issued, err := u.Store.IssuedDocuments(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sec := &documentSection{Issued: issued, CanIssue: p.Can(auth.PermDocumentsIssue), Failed: failed == documentsFormKey}
	if sec.CanIssue {
		sec.Offers = u.Cases.DocumentOffers(ctx, p, c)
	}
	return sec, nil
}

// caseIssueDocument issues a document on the case and opens it to print.
func (u *UI) caseIssueDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	p := httpx.Principal(r)
	c, err := u.Cases.Get(r.Context(), p, id)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	var ref int64
	if r.PostFormValue("ref") != "" {
		if ref, err = httpx.FormInt(r, "ref"); err != nil {
			u.renderCase(w, r, id, http.StatusUnprocessableEntity, documentsFormKey, classify(r, err))
			return
		}
	}
	d, err := u.Cases.IssueDocument(r.Context(), p, id, cases.IssueInput{Kind: documents.Kind(r.PostFormValue("kind")), Ref: ref,
		TrackURL: httpx.PublicURL(r, u.SecureCookies, "/p/track?code="+c.TrackingCode)})
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, documentsFormKey, ce)
		return
	}
	http.Redirect(w, r, "/documents/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
}

// documentPage shows an issued document as it prints on A4, with buttons to print it
// and download it as .docx; the same page whenever it is opened again (reprint).
func (u *UI) documentPage(w http.ResponseWriter, r *http.Request) {
	d, ok := u.issuedDocument(w, r)
	if !ok {
		return
	}
	page := u.newPage(r, "documents.title")
	tools := []documents.ToolLink{{Label: page.T("documents.print"), Print: true}}
	if d.Kind.Editable() {
		tools = append(tools, documents.ToolLink{Label: page.T("documents.download_docx"), Href: "/documents/" + strconv.FormatInt(d.ID, 10) + "/docx", Download: true})
	}
	tools = append(tools, documents.ToolLink{Label: page.T("documents.back_to_case"), Href: "/cases/" + strconv.FormatInt(d.CaseID, 10)})
	var b bytes.Buffer
	if err := documents.RenderHTML(&b, d.Content, documents.HTMLOptions{Stylesheet: static.URL("document.css"), Script: static.URL("document.js"), Icon: static.URL("favicon.svg"), Toolbar: tools}); err != nil {
		u.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b.Bytes())
}

// documentDOCX downloads an issued document as .docx.
func (u *UI) documentDOCX(w http.ResponseWriter, r *http.Request) {
	d, ok := u.issuedDocument(w, r)
	if !ok {
		return
	}
	if !d.Kind.Editable() {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	httpx.ServeDOCX(w, r, d.Content)
}

func (u *UI) issuedDocument(w http.ResponseWriter, r *http.Request) (store.IssuedDocument, bool) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return store.IssuedDocument{}, false
	}
	d, err := u.Cases.IssuedDocument(r.Context(), httpx.Principal(r), id)
	if err != nil {
		u.renderError(w, r, err)
		return d, false
	}
	return d, true
}
