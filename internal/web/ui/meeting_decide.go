package ui

import (
	"fmt"
	"net/http"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// meetingDecide records a decision on a case of the agenda and carries it out.
func (u *UI) meetingDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	in := cases.DecisionInput{Action: r.PostFormValue("action"), Level: r.PostFormValue("level"), Note: r.PostFormValue("note")}
	var err error
	if in.CaseID, err = httpx.FormInt(r, "case_id"); err == nil {
		if in.DepartmentID, err = httpx.FormInt(r, "department_id"); err == nil {
			_, err = u.Cases.Decide(r.Context(), httpx.Principal(r), id, in)
		}
	}
	if err != nil {
		u.renderMeeting(w, r, id, 0, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/meetings/%d#decisions", id), http.StatusSeeOther)
}
