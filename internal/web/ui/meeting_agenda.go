package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// meetingAgenda puts a case (by its number) or a finding on the agenda.
func (u *UI) meetingAgenda(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	var err error
	if finding := strings.TrimSpace(r.PostFormValue("finding")); finding != "" {
		err = u.Cases.AddAgendaFinding(r.Context(), httpx.Principal(r), id, finding, r.PostFormValue("link"))
	} else {
		var caseID int64
		if caseID, err = httpx.FormInt(r, "case_id"); err == nil {
			err = u.Cases.AddAgendaCase(r.Context(), httpx.Principal(r), id, caseID)
		}
	}
	if err != nil {
		u.renderMeeting(w, r, id, 0, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/meetings/%d#agenda", id), http.StatusSeeOther)
}

// analysisAgenda puts a finding of the analysis page on a meeting's agenda and
// opens the meeting.
func (u *UI) analysisAgenda(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	id, err := httpx.FormInt(r, "meeting_id")
	if err == nil && id == 0 {
		err = model.Invalid("meeting_id", "required", "invalid.meeting.meeting_required")
	}
	if err == nil {
		err = u.Cases.AddAgendaFinding(r.Context(), httpx.Principal(r), id, r.PostFormValue("finding"), r.PostFormValue("link"))
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/meetings/%d#agenda", id), http.StatusSeeOther)
}
