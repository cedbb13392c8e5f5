package ui

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// retentionData is the retention page: the periods by kind and what a purge would
// remove if it ran now (the dry run's counts; the page never purges).
type retentionData struct {
	Rules   []store.RetentionRule
	Kinds   []model.CaseKind
	Plan    *store.PurgePlan
	Summary store.PurgeSummary
}

func (u *UI) renderRetention(w http.ResponseWriter, r *http.Request, err error) {
	rules, lerr := u.Store.RetentionRules(r.Context())
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	plan, lerr := u.Store.PlanPurge(r.Context(), time.Now())
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	page := u.newPage(r, "retention.title")
	page.Active = "nav.retention"
	page.Data = retentionData{Rules: rules, Kinds: model.AllKinds, Plan: plan, Summary: plan.Summary()}
	if err != nil {
		u.formError(w, r, "admin_retention.html", page, err)
		return
	}
	u.render(w, r, http.StatusOK, "admin_retention.html", page)
}

// retentionPage shows the retention periods by case kind and the purge's dry run now.
func (u *UI) retentionPage(w http.ResponseWriter, r *http.Request) { u.renderRetention(w, r, nil) }

// retentionSave sets a kind's period with its grounds: the rules and the audit entry
// (retention.save) are those of `onedoor retention`.
func (u *UI) retentionSave(w http.ResponseWriter, r *http.Request) {
	rule, err := store.ParseRetentionRule(r.PostFormValue("kind"), r.PostFormValue("years"), r.PostFormValue("basis"))
	if err == nil {
		err = u.Store.SaveRetentionRule(r.Context(), rule)
	}
	if err != nil {
		u.renderRetention(w, r, err)
		return
	}
	redirect(w, r, "/admin/retention", "saved")
}
