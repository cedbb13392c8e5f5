package ui

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

type deadlineData struct {
	Rules     []store.DeadlineRuleRow
	Kinds     []model.CaseKind
	Urgencies []workflow.Urgency
	Stages    []workflow.Stage
	// Categories offer the new rule's category by name; CategoryName names a rule's.
	Categories   []model.Category
	CategoryName map[string]string
	EditID       int64 // the rule whose form came back refused, 0 for the new-rule form
}

func (u *UI) renderDeadlines(w http.ResponseWriter, r *http.Request, editID int64, err error) {
	rules, lerr := u.Cases.DeadlineRules(r.Context(), httpx.Principal(r))
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	cats, lerr := u.Store.Categories(r.Context(), store.CategoryFilter{})
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	page := u.newPage(r, "deadlines.title")
	page.Active = "nav.deadlines"
	data := deadlineData{Rules: rules, Kinds: model.AllKinds, Urgencies: []workflow.Urgency{workflow.UrgencyNormal, workflow.UrgencyUrgent, workflow.UrgencyCritical},
		Stages: cases.Stages(), EditID: editID, CategoryName: map[string]string{}}
	parents := map[int64]string{}
	for _, c := range cats {
		if c.ParentID == 0 {
			parents[c.ID] = c.Name
		}
	}
	for _, c := range cats {
		if c.ParentID != 0 {
			c.Name = parents[c.ParentID] + " · " + c.Name
		}
		data.CategoryName[c.Code] = c.Name
		if c.Active {
			data.Categories = append(data.Categories, c)
		}
	}
	page.Data = data
	if err != nil {
		u.formError(w, r, "admin_deadlines.html", page, err)
		return
	}
	u.render(w, r, http.StatusOK, "admin_deadlines.html", page)
}

// deadlineList shows the deadline rules with the legal basis of each, editable in place.
func (u *UI) deadlineList(w http.ResponseWriter, r *http.Request) { u.renderDeadlines(w, r, 0, nil) }

// deadlineSave creates a rule (POST /admin/deadlines) or changes one (…/{id}).
func (u *UI) deadlineSave(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r, "id"); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = 0
	}
	in := cases.DeadlineRuleInput{Kind: r.PostFormValue("kind"), CategoryCode: r.PostFormValue("category_code"), Urgency: r.PostFormValue("urgency"),
		Stage: r.PostFormValue("stage"), Days: days, Workdays: r.PostFormValue("workdays") == "on", Basis: r.PostFormValue("basis")}
	if _, err := u.Cases.SaveDeadlineRule(r.Context(), httpx.Principal(r), id, in); err != nil {
		u.renderDeadlines(w, r, id, err)
		return
	}
	redirect(w, r, "/admin/deadlines", "saved")
}

func (u *UI) deadlineDelete(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = u.Cases.DeleteDeadlineRule(r.Context(), httpx.Principal(r), id)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/deadlines", "deleted")
}
