package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
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
	First     string // the first page's URL, when this is a later one

	Bookings []appointmentView // upcoming 约访 bookings at the clerk's desk
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
	defaultQueue := "all"
	if hasAny(p, queueRoles) {
		defaultQueue = "mine"
	}
	l, ferr := httpx.ParseCaseList(httpx.PageQuery(r), httpx.CaseListEnv{Now: now, DefaultQueue: defaultQueue, Limit: queuePageSize,
		QueueFor: func() *store.Queue { return cases.QueueFor(p) },
		RegionPath: func(id int64) (string, error) {
			g, err := u.Org.Region(ctx, p, id)
			return g.Path, err
		}})
	f, queue := l.Filter, l.Queue
	title := "cases.queue.mine"
	active := "nav.cases_mine"
	if queue == "all" {
		title = "cases.queue.all"
		active = "nav.cases_all"
	}
	page := newPage(r, title)
	page.Active = active
	page.Form = httpx.PageQuery(r).Values()
	data := queueData{Queue: queue, Mine: hasAny(p, queueRoles), States: workflow.AllStates, Kinds: model.AllKinds, Groups: groupCategories(cats),
		Regions: treeRows(regions, p.Region), Urgencies: workflow.AllUrgencies}
	page.Data = &data
	if ferr != nil {
		ce := classify(r, ferr)
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = withLabel(page.Locale, ce.Field, ce.Message)
		u.render(w, r, ce.Status, "case_queue.html", page)
		return
	}
	list, err := u.Cases.List(ctx, p, f)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data.Bookings = u.deskAppointments(ctx, p)
	data.Rows = make([]queueRow, len(list))
	for i, c := range list {
		data.Rows[i] = queueRow{Case: c, Due: u.Cases.DueStatus(&c, now), Category: catIdx.Name(c.CategoryID),
			Place: names.place(ctx, c.RegionPath, p.Region)}
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
