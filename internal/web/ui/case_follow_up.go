package ui

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// followUpFormKey names the plan form when the case page shows it refused.
const followUpFormKey = "follow_up"

// followUpSection is the case page's 回访计划 section.
type followUpSection struct {
	Plan     *store.FollowUpPlan
	Visits   []visitRow
	CanStart bool // the user may set a plan, and the case has none active
	CanEnd   bool
	Failed   bool
}

// visitRow is one planned visit, its day in China time.
type visitRow struct {
	store.FollowUpVisit
	Day string
}

func visitRows(vs []store.FollowUpVisit) []visitRow {
	out := make([]visitRow, 0, len(vs))
	for _, v := range vs {
		out = append(out, visitRow{FollowUpVisit: v, Day: v.DueAt.In(cst).Format(time.DateOnly)})
	}
	return out
}

// caseFollowUp builds the 回访计划 section of case c for p; nil when there is nothing
// to show or do.
func (u *UI) caseFollowUp(ctx context.Context, p *auth.Principal, c *model.Case, failed string) (*followUpSection, error) {
	plan, visits, err := u.Cases.CasePlan(ctx, p, c)
	if err != nil {
		return nil, err
	}
	may := p.Can(auth.PermFollowUp)
	active := plan != nil && plan.Status == "active"
	sec := &followUpSection{Plan: plan, Visits: visitRows(visits), Failed: failed == followUpFormKey,
		CanStart: may && !active && c.State != string(workflow.StateArchived), CanEnd: may && active}
	if plan == nil && !sec.CanStart {
		return nil, nil
	}
	return sec, nil
}

// caseFollowUpStart sets the case on a follow-up plan.
func (u *UI) caseFollowUpStart(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	every, err := httpx.FormInt(r, "every_days")
	if err == nil {
		_, _, err = u.Cases.StartPlan(r.Context(), httpx.Principal(r), id, int(every), r.PostFormValue("follow_up_note"))
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		if ce.Field == "note" {
			ce.Field = "follow_up_note"
		}
		u.renderCase(w, r, id, ce.Status, followUpFormKey, ce)
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), "follow_up_started")
}

// caseFollowUpEnd ends the case's plan: it is stable.
func (u *UI) caseFollowUpEnd(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if err := u.Cases.EndPlan(r.Context(), httpx.Principal(r), id, r.PostFormValue("follow_up_note")); err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, followUpFormKey, ce)
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), "follow_up_ended")
}
