package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// queuePageSize is how many cases one page of a list shows.
const queuePageSize = 50

type queueRow struct {
	model.Case
	Due      workflow.Status
	Category string
	Place    string
	// The viewer's department's own part, when it co-handles the case (吹哨报到): its
	// deadline is the one the department answers for.
	PartDueAt *time.Time
	PartDue   workflow.Status
}

type queueData struct {
	Queue     string // mine or all
	Mine      bool   // something can wait on the user (a viewer only reads)
	Rows      []queueRow
	States    []workflow.State
	Kinds     []model.CaseKind
	Groups    []categoryGroup
	Regions   []regionRow
	Urgencies []workflow.Urgency
	Next      string // the next page's URL, when there may be one
	Figure    string // the figure the list holds the cases of (its name), if any
	Total     int64  // with Figure: how many cases it counts, all pages together
	Channels  []model.Channel
	First     string // the first page's URL, when this is a later one

	Bookings []appointmentView // upcoming 约访 bookings at the clerk's desk
}

// queueFilter reads the list filters from the query string, as the API does; a
// malformed value is a field error naming it.
func queueFilter(r *http.Request, p *auth.Principal, regionPath func(int64) (string, error), now time.Time) (store.CaseFilter, string, error) {
	q := httpx.PageQuery(r)
	f := store.CaseFilter{Limit: queuePageSize}
	bad := func(field string) error {
		return model.Invalid(field, "invalid", "invalid.filter")
	}
	queue := q.String("queue")
	switch queue {
	case "":
		queue = "all"
		if hasAny(p, queueRoles) {
			queue = "mine"
		}
	case "mine", "all":
	default:
		return f, "all", bad("queue")
	}
	if queue == "mine" {
		f.Queue = cases.QueueFor(p)
	}
	for _, st := range q.List("state") {
		if st == "" {
			continue
		}
		if !workflow.State(st).Valid() {
			return f, queue, bad("state")
		}
		f.States = append(f.States, st)
	}
	if k := q.String("kind"); k != "" {
		if !model.CaseKind(k).Valid() {
			return f, queue, bad("kind")
		}
		f.Kind = model.CaseKind(k)
	}
	if v := q.String("urgency"); v != "" {
		if !workflow.Urgency(v).Valid() {
			return f, queue, bad("urgency")
		}
		f.Urgency = v
	}
	f.CategoryID = q.Int("category_id", 0, 1<<62)
	f.Before = q.Int("before", 0, 1<<62)
	regionID := q.Int("region_id", 0, 1<<62) // 0: the form's "any region"
	switch q.String("overdue") {
	case "", "false":
	case "true", "on": // on: the filter form's checkbox
		f.OverdueAt = now
	default:
		return f, queue, bad("overdue")
	}
	f.TrackingCode = strings.ToUpper(strings.TrimSpace(q.String("code")))
	if ch := q.String("channel"); ch != "" {
		if !model.Channel(ch).Valid() {
			return f, queue, bad("channel")
		}
		f.Channel = model.Channel(ch)
	}
	stat, part, from, to := q.String("stat"), q.String("part"), q.String("from"), q.String("to")
	if err := q.Err(); err != nil {
		return f, queue, err
	}
	cond, err := report.ListCond(stat, part, from, to, now)
	if err != nil {
		return f, queue, err
	}
	f.Cond = cond
	if regionID != 0 {
		path, err := regionPath(regionID)
		if err != nil {
			return f, queue, bad("region_id")
		}
		f.Within = path
	}
	return f, queue, nil
}

// departmentParts reads the handler's department's parts of the listed cases; none
// for anyone else.
func (u *UI) departmentParts(ctx context.Context, p *auth.Principal, list []model.Case) (map[int64]model.Assignment, error) {
	if !p.Has(model.RoleHandler) || p.Department == nil {
		return nil, nil
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return u.Store.DepartmentParts(ctx, p.Department.ID, ids)
}

// caseQueue lists the cases waiting on the user (待我处理, the default) or every case
// they may see (全部案件, queue=all), newest first, a page at a time.
func (u *UI) caseQueue(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	ctx := r.Context()
	regions, err := u.Org.Regions(ctx, p, true)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	names := newNamer(u.Store, regions)
	cats, catIdx, err := u.categories(ctx, false)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	now := u.Cases.Now()
	f, queue, ferr := queueFilter(r, p, func(id int64) (string, error) {
		g, err := u.Org.Region(ctx, p, id)
		return g.Path, err
	}, now)
	title := "cases.queue.mine"
	active := "nav.cases_mine"
	if queue == "all" {
		title = "cases.queue.all"
		active = "nav.cases_all"
	}
	page := u.newPage(r, title)
	page.Active = active
	page.Form = httpx.PageQuery(r).Values()
	data := queueData{Queue: queue, Mine: hasAny(p, queueRoles), States: workflow.AllStates, Kinds: model.AllKinds, Groups: groupCategories(cats),
		Regions: treeRows(regions, p.Region), Urgencies: workflow.AllUrgencies, Channels: model.AllChannels}
	page.Data = &data
	if ferr != nil {
		ce := classify(r, ferr)
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = caseFields.Prefixed(page.Locale, ce.Field, ce.Message)
		u.render(w, r, ce.Status, "case_queue.html", page)
		return
	}
	list, err := u.Cases.List(ctx, p, f)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if f.Cond != nil {
		if data.Total, err = u.Cases.Count(ctx, p, f); err != nil {
			u.renderError(w, r, err)
			return
		}
		fig, _ := report.ByID(httpx.PageQuery(r).String("stat"))
		data.Figure, _ = fig.Local(page.Locale)
	}
	data.Bookings = u.deskAppointments(ctx, p)
	parts, err := u.departmentParts(ctx, p, list)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data.Rows = make([]queueRow, len(list))
	for i, c := range list {
		data.Rows[i] = queueRow{Case: c, Due: u.Cases.DueStatus(&c, now), Category: catIdx.Name(c.CategoryID),
			Place: names.place(ctx, c.RegionPath, p.Region)}
		if a, ok := parts[c.ID]; ok && !a.IsLead && a.DueAt != nil {
			data.Rows[i].PartDueAt, data.Rows[i].PartDue = a.DueAt, u.Cases.PartStatus(&c, a, now)
		}
	}
	q := httpx.PageQuery(r).Values()
	q.Del("notice")
	if f.Before != 0 {
		q.Del("before")
		data.First = (&url.URL{Path: "/cases", RawQuery: q.Encode()}).String()
	}
	if len(list) == queuePageSize {
		q.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		data.Next = (&url.URL{Path: "/cases", RawQuery: q.Encode()}).String()
	}
	u.render(w, r, http.StatusOK, "case_queue.html", page)
}
