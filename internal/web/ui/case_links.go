package ui

import (
	"context"
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// linkFormKey names the link form when the case page shows it refused.
const linkFormKey = "link"

// linkSection is the case page's 关联案件 section.
type linkSection struct {
	Links   []cases.LinkView
	CanLink bool // the user may link this case and take its links back
	Kinds   []model.LinkKind
	Failed  bool // the link form was refused
}

// caseLinks builds the 关联案件 section of case c for p.
func (u *UI) caseLinks(ctx context.Context, p *auth.Principal, c *model.Case, failed string) (*linkSection, error) {
	links, err := u.Cases.Links(ctx, p, c)
	if err != nil {
		return nil, err
	}
	return &linkSection{Links: links, CanLink: p.Can(auth.PermCasesLink), Kinds: model.AllLinkKinds, Failed: failed == linkFormKey}, nil
}

// caseLink links the case to the one named by its tracking code.
func (u *UI) caseLink(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	in := cases.LinkInput{TrackingCode: f.Get("tracking_code"), Kind: model.LinkKind(f.Get("link_kind")), Note: f.Get("link_note")}
	if _, err := u.Cases.Link(r.Context(), httpx.Principal(r), id, in); err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		// The case page has other forms' kind and note: the link form's are named apart.
		if ce.Field == "kind" || ce.Field == "note" {
			ce.Field = "link_" + ce.Field
		}
		u.renderCase(w, r, id, ce.Status, linkFormKey, ce)
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), "case_linked")
}

// caseUnlink takes a link of the case back.
func (u *UI) caseUnlink(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	linkID, err := strconv.ParseInt(r.PathValue("lid"), 10, 64)
	if err != nil || linkID <= 0 {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if err := u.Cases.Unlink(r.Context(), httpx.Principal(r), id, linkID); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), "case_unlinked")
}
