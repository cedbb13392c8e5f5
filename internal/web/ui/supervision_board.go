package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// supervisionLevelCodes are the levels of a supervision order, lowest first, for
// "supervision_level.<code>".
var supervisionLevelCodes = []string{"normal", "yellow", "red"}

// supervisionStatusCodes are the states of an order, for "supervision_status.<code>".
var supervisionStatusCodes = []string{"open", "replied", "escalated"}

// supervisionRow is one order as the board and the case page show it.
type supervisionRow struct {
	store.Supervision        // with the case's title and tracking code
	Centre            string // the centre holding the case
	Department        string // the addressee department, "" when the centre itself must reply
	Issuer            string // who issued it, "" for the deadline sweep
	Replier           string
	AgeDays           int  // days it has waited: until the reply, else until now
	Overdue           bool // still open after its reply-by time
	LateReply         bool // answered after its reply-by time
	CanReply          bool // the viewer is its addressee and it is open
	Failed            bool // the reply the viewer just sent and the page refused
}

// supervisionNames looks up and remembers the names the rows show.
type supervisionNames struct {
	u       *UI
	regions *namer
	deps    map[int64]string
	users   map[int64]string
}

func (u *UI) newSupervisionNames() *supervisionNames {
	return &supervisionNames{u: u, regions: newNamer(u.Store, nil), deps: map[int64]string{}, users: map[int64]string{}}
}

func (n *supervisionNames) department(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	if s, ok := n.deps[id]; ok {
		return s
	}
	s := strconv.FormatInt(id, 10)
	if d, err := n.u.Store.Department(ctx, id); err == nil {
		s = d.Name
	}
	n.deps[id] = s
	return s
}

func (n *supervisionNames) user(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	if s, ok := n.users[id]; ok {
		return s
	}
	s := strconv.FormatInt(id, 10)
	if usr, err := n.u.Store.User(ctx, id); err == nil {
		s = usr.DisplayName
	}
	n.users[id] = s
	return s
}

// row dresses one order for a page at time now.
func (n *supervisionNames) row(ctx context.Context, v store.Supervision, now time.Time) supervisionRow {
	row := supervisionRow{Supervision: v, Centre: n.regions.name(ctx, v.CentreID), Department: n.department(ctx, v.DepartmentID),
		Issuer: n.user(ctx, v.IssuedBy), Replier: n.user(ctx, v.RepliedBy)}
	end := now
	if v.RepliedAt != nil {
		end = *v.RepliedAt
		row.LateReply = v.RepliedAt.After(v.ReplyBy)
	}
	if end.After(v.IssuedAt) {
		row.AgeDays = int(end.Sub(v.IssuedAt) / (24 * time.Hour))
	}
	row.Overdue = v.Status == "open" && now.After(v.ReplyBy)
	return row
}

// caseSupervisions lists the orders on case c (which p sees), oldest first, with the
// reply form offered to their addressee; failed names the order whose reply was refused.
func (u *UI) caseSupervisions(ctx context.Context, p *auth.Principal, c *model.Case, failed string) ([]supervisionRow, error) {
	list, err := u.Store.Supervisions(ctx, store.SupervisionFilter{CaseID: c.ID}, cases.ScopeOf(p))
	if err != nil {
		return nil, err
	}
	names := u.newSupervisionNames()
	now := u.Cases.Now()
	var rows []supervisionRow
	for _, v := range list {
		row := names.row(ctx, v, now)
		row.CanReply = v.Status == "open" && cases.MayReply(p, v)
		row.Failed = failed == supervisionFormKey(v.ID)
		rows = append(rows, row)
	}
	return rows, nil
}

// supervisionFormKey names an order's reply form when the case page shows it refused.
func supervisionFormKey(id int64) string { return fmt.Sprintf("supervision:%d", id) }

// supervisionReply records the addressee's answer to an order from the case page.
func (u *UI) supervisionReply(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	sid, err := httpx.PathID(r, "sid")
	if err != nil {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	p := httpx.Principal(r)
	// The order must be one of this case's, on a case the user sees.
	list, err := u.Store.Supervisions(r.Context(), store.SupervisionFilter{CaseID: id}, cases.ScopeOf(p))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if !slices.ContainsFunc(list, func(v store.Supervision) bool { return v.ID == sid }) {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if _, err := u.Cases.ReplySupervision(r.Context(), p, sid, r.PostFormValue("reply")); err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, supervisionFormKey(sid), ce)
		return
	}
	to := "/cases/" + strconv.FormatInt(id, 10)
	redirect(w, r, to, "supervision_replied")
}

// boardGroup is the board's orders of one level.
type boardGroup struct {
	Level string
	Rows  []supervisionRow
}

type boardData struct {
	Groups   []boardGroup // red first
	Total    int
	Level    string // the level filter, "" for all
	Status   string // the status filter
	Levels   []string
	Statuses []string
}

// supervisionBoard is 督办看板: the orders on cases the user sees, open ones unless
// asked otherwise, grouped by level (red first), the longest waiting first in each.
func (u *UI) supervisionBoard(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	ctx := r.Context()
	q := httpx.PageQuery(r)
	d := &boardData{Level: q.String("level"), Status: q.String("status"), Levels: supervisionLevelCodes, Statuses: supervisionStatusCodes}
	if err := q.Err(); err != nil {
		u.renderError(w, r, err)
		return
	}
	if !slices.Contains(supervisionLevelCodes, d.Level) {
		d.Level = ""
	}
	if !slices.Contains(supervisionStatusCodes, d.Status) {
		d.Status = "open"
	}
	list, err := u.Cases.Board(ctx, p, d.Status, d.Level)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	names := u.newSupervisionNames()
	now := u.Cases.Now()
	byLevel := map[string][]supervisionRow{}
	for _, v := range list {
		row := names.row(ctx, v, now)
		byLevel[v.Level] = append(byLevel[v.Level], row)
		d.Total++
	}
	for i := len(supervisionLevelCodes) - 1; i >= 0; i-- {
		l := supervisionLevelCodes[i]
		if rows := byLevel[l]; len(rows) > 0 {
			d.Groups = append(d.Groups, boardGroup{Level: l, Rows: rows})
		}
	}
	page := u.newPage(r, "supervision.title")
	page.Active = "nav.supervision"
	page.Form = q.Values()
	page.Data = d
	u.render(w, r, http.StatusOK, "supervision_board.html", page)
}
