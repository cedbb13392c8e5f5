package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// actInput reads an action form: each action's form sends only the fields it needs,
// and the state the page showed, so that an action taken on a page whose case has
// since moved on is refused (another department's step in the same state is not).
func (u *UI) actInput(r *http.Request) (cases.ActInput, error) {
	f := r.PostForm
	in := cases.ActInput{Note: f.Get("note"), Outcome: f.Get("outcome"), Satisfaction: f.Get("satisfaction")}
	var err error
	if in.LeadDepartmentID, err = httpx.FormInt(r, "lead_department_id"); err != nil {
		return in, err
	}
	coIDs, err := httpx.FormIDs(r, "co_department_ids")
	if err != nil {
		return in, err
	}
	for _, id := range coIDs {
		if id != in.LeadDepartmentID {
			in.CoDepartmentIDs = append(in.CoDepartmentIDs, id)
		}
	}
	if in.ToRegionID, err = httpx.FormInt(r, "to_region_id"); err != nil {
		return in, err
	}
	days, err := httpx.FormInt(r, "days")
	if err != nil {
		return in, err
	}
	if days < 0 || days > 3650 {
		return in, model.Invalid("days", "range", "invalid.extension_days.invalid")
	}
	in.Days = int(days)
	// The supervise form: a level, and the working days to reply. A blank or absurd
	// number of days sent by that form is refused by the service's range check rather
	// than taken for "the default".
	in.Level = strings.TrimSpace(f.Get("level"))
	if f.Has("reply_days") {
		n, err := httpx.FormInt(r, "reply_days")
		if err != nil {
			return in, err
		}
		in.ReplyDays = -1
		if n >= 1 && n <= 1000 {
			in.ReplyDays = int(n)
		}
	}
	// The whistle's own deadline for the co-handlers, in working days; blank for the rule.
	coDays, err := httpx.FormInt(r, "co_due_days")
	if err != nil {
		return in, err
	}
	if coDays < 0 || coDays > 1000 {
		coDays = -1 // refused by the service's range check, naming the field
	}
	in.CoDueDays = int(coDays)
	// The supervise form's addressee: blank for the lead department.
	if in.DepartmentID, err = httpx.FormInt(r, "department_id"); err != nil {
		return in, err
	}
	in.Incident, in.WarningLevel = strings.TrimSpace(f.Get("incident")), strings.TrimSpace(f.Get("warning_level"))
	if in.HolderID, err = httpx.FormInt(r, "holder_id"); err != nil {
		return in, err
	}
	in.SeenState = r.PostFormValue("state")
	if in.MergeInto, err = u.mergeTarget(r); err != nil {
		return in, err
	}
	return in, nil
}

// mergeTarget reads the case to merge into: its number, or its tracking code as the
// desk reads it off the earlier case's slip.
func (u *UI) mergeTarget(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue("merge_into"))
	if v == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	notFound := model.Invalid("merge_into", "not_found", "invalid.merge_into.not_found")
	code := strings.ToUpper(v)
	if len(code) != cases.TrackingCodeLen {
		return 0, notFound
	}
	list, err := u.Cases.List(r.Context(), httpx.Principal(r), store.CaseFilter{TrackingCode: code, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, notFound
	}
	return list[0].ID, nil
}

// caseAct takes one action on a case from its page. A refusal (409) or a missing or
// invalid input (422) shows the case page again with the message, next to the field
// when there is one.
func (u *UI) caseAct(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	action := workflow.Action(r.PathValue("action"))
	if !action.Valid() || action == workflow.ActionRegister || action == workflow.ActionAttach {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	in, err := u.actInput(r)
	if err == nil {
		_, err = u.Cases.Act(r.Context(), httpx.Principal(r), id, action, in)
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, string(action), ce)
		return
	}
	to := "/cases/" + strconv.FormatInt(id, 10)
	if _, err := u.Cases.Get(r.Context(), httpx.Principal(r), id); errors.Is(err, store.ErrNotFound) {
		// The action took the case out of the user's sight (their department returned
		// it): back to their queue.
		to = "/cases"
	}
	redirect(w, r, to, "case_acted")
}
