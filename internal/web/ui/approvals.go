package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// approvalCase is a case on the 待审批 page.
type approvalCase struct {
	model.Case
	Centre string
	Due    workflow.Status
	Late   bool // a warning's response is past due
}

type approvalsData struct {
	Counts     store.ApprovalCounts
	Extensions []approvalCase
	Replies    []supervisionRow
	Warnings   []approvalCase
}

// approvals is 待审批: what waits on a leader, counted, each with its way to act —
// extension requests (decided on the spot or on the case), answers to supervision
// orders (read here, 阅知), orange and red warnings still to respond to.
func (u *UI) approvals(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	ctx := r.Context()
	list, err := u.Cases.Approvals(ctx, p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	counts, err := u.Cases.ApprovalCounts(ctx, p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	now := u.Cases.Now()
	names := u.newSupervisionNames()
	d := &approvalsData{Counts: counts}
	for _, c := range list.Extensions {
		d.Extensions = append(d.Extensions, approvalCase{Case: c, Centre: names.regions.name(ctx, c.CentreID), Due: u.Cases.DueStatus(&c, now)})
	}
	for _, v := range list.Replies {
		d.Replies = append(d.Replies, names.row(ctx, v, now))
	}
	for _, c := range list.Warnings {
		d.Warnings = append(d.Warnings, approvalCase{Case: c, Centre: names.regions.name(ctx, c.CentreID),
			Late: c.RiskResponseBy != nil && now.After(*c.RiskResponseBy)})
	}
	page := u.newPage(r, "approvals.title")
	page.Active = "nav.approvals"
	page.Data = d
	u.render(w, r, http.StatusOK, "approvals.html", page)
}

// approvalReview marks an answer to a supervision order read (阅知) and goes back to
// the queue.
func (u *UI) approvalReview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if err := u.Cases.ReviewReply(r.Context(), httpx.Principal(r), id); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/approvals", "reply_reviewed")
}
