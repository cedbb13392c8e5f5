package ui

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// caseUpload stores a file sent from the case page's upload form, an image redrawn
// without its metadata unless the clerk ticked 保留原件（证据）; a refused file (type,
// size, empty, too many pixels) shows the page again with the message next to the
// file input.
func (u *UI) caseUpload(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	name, data, err := httpx.ReadUpload(r, "file", cases.MaxAttachmentBytes)
	keep := false
	if err == nil {
		keep, err = httpx.KeepOriginal(r)
	}
	if err == nil {
		_, err = u.Cases.Attach(r.Context(), httpx.Principal(r), id, cases.AttachInput{Name: name, Data: data, KeepOriginal: keep})
	}
	if err != nil {
		ce := classify(r, err)
		if e := httpx.FromErr(r, err); ce == nil && e.Status == http.StatusRequestEntityTooLarge {
			ce = &caseError{Status: e.Status, Field: "file", Message: e.Message}
		}
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, "attach", ce)
		return
	}
	to := "/cases/" + strconv.FormatInt(id, 10)
	redirect(w, r, to, "case_attached")
}

// caseDownload serves a file of a case the user may see, always as a download, so a
// crafted file can never run as a page of ours.
func (u *UI) caseDownload(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	aid, err := httpx.PathID(r, "aid")
	if err != nil {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	att, data, err := u.Cases.AttachmentData(r.Context(), httpx.Principal(r), id, aid)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	httpx.ServeAttachment(w, att, data)
}
