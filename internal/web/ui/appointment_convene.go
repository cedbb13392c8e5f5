package ui

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// appointmentInvite convenes departments to an upcoming booking, from the case page.
func (u *UI) appointmentInvite(w http.ResponseWriter, r *http.Request) {
	u.appointmentStep(w, r, inviteFormKey, "invited", func(id int64) (int64, error) {
		var ids []int64
		for _, v := range r.PostForm["department_ids"] {
			d, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, model.Invalid("department_ids", "not_a_number", "invalid.not_a_number")
			}
			ids = append(ids, d)
		}
		a, err := u.Cases.Invite(r.Context(), httpx.Principal(r), id, ids)
		return a.CaseID, err
	})
}

// appointmentResult records what a reception came to, from the case page.
func (u *UI) appointmentResult(w http.ResponseWriter, r *http.Request) {
	u.appointmentStep(w, r, resultFormKey, "recorded", func(id int64) (int64, error) {
		a, err := u.Cases.RecordResult(r.Context(), httpx.Principal(r), id, r.PostFormValue("result"))
		return a.CaseID, err
	})
}

// appointmentStep runs one step on booking {id} and goes back to its case's page with
// done's notice; refused, it shows the case the form came from (case_id, read in the
// user's scope like any case page) with the form and its error.
func (u *UI) appointmentStep(w http.ResponseWriter, r *http.Request, form, done string, step func(id int64) (int64, error)) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	from, err := httpx.FormInt(r, "case_id")
	var caseID int64
	if err == nil {
		caseID, err = step(id)
	}
	if err != nil {
		caseID = from
		ce := classify(r, err)
		if ce == nil || caseID == 0 {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, caseID, ce.Status, form, ce)
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(caseID, 10)+"?appointment="+done+"#appointments", "")
}
