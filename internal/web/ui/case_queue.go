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
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// exportJobFrom is the length of a list from which its export runs as a job with its
// progress shown: a few thousand rows leave in a second or two, more take longer than
// a clerk waits on a download that shows nothing.
const exportJobFrom = 2000

// queuePageSize is how many cases one page of a list shows.
const queuePageSize = 50

type queueRow struct {
	model.Case
	Due      workflow.Status
	Category string
	Place    string
	Passage  []search.Segment // for a search: the text that matched, marked
	// The viewer's department's own part, when it co-handles the case (吹哨报到): its
	// deadline is the one the department answers for.
	PartDueAt *time.Time
	PartDue   workflow.Status
}

type queueData struct {
	Queue string // mine or all
	// The export links: the list as shown (its queue named, its paging dropped) as a
	// workbook, a CSV and a GBK CSV — every page of what the clerk sees.
	ExportXLSX, ExportCSV, ExportGBK string
	// ExportJob: the list is long enough that the page runs its export as a job and
	// shows its progress (the links still download directly without script).
	ExportJob bool
	Mine      bool // something can wait on the user (a viewer only reads)
	Rows      []queueRow
	States    []workflow.State
	Kinds     []model.CaseKind
	Groups    []categoryGroup
	Regions   []regionRow
	Urgencies []workflow.Urgency
	Channels  []model.Channel
	Search    bool   // the list is a search's result
	Figure    string // the figure the list holds the cases of (its name), if any
	Total     int    // the cases the list holds, counted up to cases.MaxTotal (a figure's exactly)
	TotalOver bool   // more than that
	Ranked    int    // a search by relevance ranks only its newest Ranked matches (cases.Listing)
	Pager     pager
	Sort      string // the list's order (store.Sort*)
	// The column headers' links: 登记时间 turns the order over, 办理期限 sorts by it.
	SortCreated, SortDue string

	Bookings []appointmentView // upcoming 约访 bookings at the clerk's desk
	Team     []store.TeamCase  // 待我处理: the open cases the user is on the team of (包案)

	Saved     []savedFilterRow // the user's saved filters (我的筛选)
	SaveQuery string           // the list's query as a filter saved now keeps it
	SaveOpen  bool             // the save form was refused: shown open, with its error
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
	u.showQueue(w, r, http.StatusOK, nil)
}

// caseListEnv is how the list pages read a case list's query for p (ParseCaseList).
func (u *UI) caseListEnv(ctx context.Context, p *auth.Principal, defaultQueue string) httpx.CaseListEnv {
	return httpx.CaseListEnv{Now: u.Cases.Now(), DefaultQueue: defaultQueue, Limit: queuePageSize,
		QueueFor: func() *store.Queue { return cases.QueueFor(p) },
		RegionPath: func(id int64) (string, error) {
			g, err := u.Org.Region(ctx, p, id)
			return g.Path, err
		}}
}

// showQueue renders the list of r's query; saveErr, when set, is the refusal of a
// filter the user tried to save from it (status is then its status).
func (u *UI) showQueue(w http.ResponseWriter, r *http.Request, status int, saveErr *caseError) {
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
	l, ferr := httpx.ParseCaseList(httpx.PageQuery(r), u.caseListEnv(ctx, p, defaultQueue))
	f, queue := l.Filter, l.Queue
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
	if data.Saved, err = u.savedFilterRows(r, p); err != nil {
		u.renderError(w, r, err)
		return
	}
	data.SaveQuery = savedQueryOf(httpx.PageQuery(r).Values())
	if saveErr != nil {
		// The save form's error, or a filter's rename form's (field rename_<id>); a
		// list filter the saved query holds is named before its message.
		key, msg := "filter_save", saveErr.Message
		switch f := saveErr.Field; {
		case strings.HasPrefix(f, "rename_"):
			key = "filter_" + f
		case f != "name" && f != "query" && f != "":
			msg = caseFields.Prefixed(page.Locale, f, msg)
		}
		page.Errors = map[string]string{key: msg}
		data.SaveOpen = key == "filter_save"
	}
	if ferr != nil {
		ce := classify(r, ferr)
		if ce == nil {
			u.renderError(w, r, ferr)
			return
		}
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = caseFields.Prefixed(page.Locale, ce.Field, ce.Message)
		u.render(w, r, ce.Status, "case_queue.html", page)
		return
	}
	found, err := u.Cases.Find(ctx, p, f, l.Code)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if found.Direct {
		// A tracking code typed whole: its case, not a list of one.
		http.Redirect(w, r, "/cases/"+strconv.FormatInt(found.Cases[0].ID, 10), http.StatusSeeOther)
		return
	}
	if f.Cond != nil {
		fig, _ := report.ByID(httpx.PageQuery(r).String("stat"))
		data.Figure, _ = fig.Local(page.Locale)
	}
	data.Bookings = u.deskAppointments(ctx, p)
	if data.Queue == "mine" && u.Mediation != nil {
		if data.Team, err = u.Mediation.TeamCases(ctx, p.User.ID, true, time.Time{}, time.Time{}); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	parts, err := u.departmentParts(ctx, p, found.Cases)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data.Rows = make([]queueRow, len(found.Cases))
	for i, c := range found.Cases {
		data.Rows[i] = queueRow{Case: c, Due: u.Cases.DueStatus(&c, now), Category: catIdx.Name(c.CategoryID),
			Place: names.place(ctx, c.RegionPath, p.Region), Passage: cases.Passage(&c, f.Text)}
		if a, ok := parts[c.ID]; ok && !a.IsLead && a.DueAt != nil {
			data.Rows[i].PartDueAt, data.Rows[i].PartDue = a.DueAt, u.Cases.PartStatus(&c, a, now)
		}
	}
	data.Search = !f.Text.Empty() || f.PartyPhone != "" || f.PartyIDNumber != ""
	data.Total, data.TotalOver, data.Ranked = found.Total, found.Over, found.Ranked
	q := httpx.PageQuery(r).Values()
	q.Del("notice")
	exp := url.Values{}
	for k, v := range q {
		exp[k] = v
	}
	exp.Set("queue", queue)
	for _, k := range []string{"page", "limit", "before"} {
		exp.Del(k)
	}
	data.ExportXLSX = "/api/v1/cases/export?format=xlsx&" + exp.Encode()
	data.ExportCSV = "/api/v1/cases/export?format=csv&" + exp.Encode()
	data.ExportGBK = "/api/v1/cases/export?format=csv&encoding=gbk&" + exp.Encode()
	data.ExportJob = found.Over || found.Total >= exportJobFrom
	data.Pager = newPager(q, l.Page, queuePageSize, len(found.Cases), found.Total, found.Over)
	data.Sort = f.Sort
	data.SortCreated = sortHref(q, store.SortOldest, f.Sort == store.SortNewest)
	data.SortDue = sortHref(q, store.SortDue, f.Sort != store.SortDue)
	u.render(w, r, status, "case_queue.html", page)
}
