package api

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// approvals is a leader's 待审批: what waits on them, counted, and the items.
func (a *API) approvals(r *http.Request, p *auth.Principal) (int, any, error) {
	list, err := a.Cases.Approvals(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	n, err := a.Cases.ApprovalCounts(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	views := func(cs []model.Case) []caseView {
		out := make([]caseView, len(cs))
		for i, c := range cs {
			out[i] = a.view(r, c)
		}
		return out
	}
	replies := list.Replies
	if replies == nil {
		replies = []store.Supervision{}
	}
	return http.StatusOK, approvalsAnswer{
		Counts:     approvalCounts{Extensions: n.Extensions, Replies: n.Replies, Warnings: n.Warnings, Total: n.Total()},
		Extensions: views(list.Extensions), Replies: replies, Warnings: views(list.Warnings),
	}, nil
}

// reviewReply marks the answer to a supervision order read (阅知).
func (a *API) reviewReply(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.Cases.ReviewReply(r.Context(), p, id)
}

// roster is who is at a centre on a day (今日在岗): ?centre_id= (the caller's own by
// default), ?day=YYYY-MM-DD (today by default).
func (a *API) roster(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	centre := q.Int("centre_id", 0, 1<<62)
	dayText := q.String("day")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	day := a.Cases.Now()
	if dayText != "" {
		d, err := time.ParseInLocation(time.DateOnly, dayText, workflow.ChinaTime)
		if err != nil {
			return 0, nil, model.Invalid("day", "invalid", "invalid.date.invalid")
		}
		day = d.Add(12 * time.Hour)
	}
	cal, err := a.Cases.Calendar(r.Context())
	if err != nil {
		return 0, nil, err
	}
	ro, err := a.Org.Roster(r.Context(), p, centre, day, cal)
	if err != nil {
		return 0, nil, err
	}
	orEmpty := func(s []store.Station) []store.Station {
		if s == nil {
			return []store.Station{}
		}
		return s
	}
	leaders := ro.Leaders
	if leaders == nil {
		leaders = []store.Shift{}
	}
	return http.StatusOK, rosterAnswer{
		CentreID: ro.Centre.ID, Centre: ro.Centre.Name, Day: day.In(workflow.ChinaTime).Format(time.DateOnly), Workday: ro.Workday,
		Present: orEmpty(ro.Present), Away: orEmpty(ro.Away), OnCall: orEmpty(ro.OnCall), Leaders: leaders,
	}, nil
}
