package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// inboxPageSize is how many notifications one page of the inbox shows.
const inboxPageSize = 50

// notificationKinds are the kinds a notification's label is known for, for
// "notif_kind.<code>"; any other kind shows as "other".
var notificationKinds = []string{"due_soon", "overdue", "part_due_soon", "part_overdue", "supervision", "supervision_reply", "supervision_late",
	"warning_red", "warning_orange", "warning_escalate", "public_case",
	"appointment_booked", "appointment_cancelled", "reception_withdrawn", "appointment_invite", "appointment_confirm", "follow_up_plan", "follow_up_missed",
	"team_add", "help_request", "agreement_term", "session_scheduled", "referral_limit", "referral_lapsed", "other"}

type inboxRow struct {
	store.Notification
	KindCode string // the kind's catalogue code
}

type inboxData struct {
	Rows       []inboxRow
	UnreadOnly bool
	Before     int64  // this page's cursor, 0 on the first page
	Next       string // the next page's URL, when there may be one
	First      string // the first page's URL, when this is a later one
}

// inboxURL is the inbox listing the given page.
func inboxURL(unreadOnly bool, before int64) string {
	q := url.Values{}
	if unreadOnly {
		q.Set("unread", "true")
	}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if len(q) == 0 {
		return "/inbox"
	}
	return "/inbox?" + q.Encode()
}

// inboxCursor reads the listing's filter and cursor from a query or a form.
func inboxCursor(q *httpx.Query) (bool, int64, error) {
	unread, before := q.Bool("unread"), q.Int("before", 0, 1<<62)
	return unread, before, q.Err()
}

// inbox lists the user's notifications, newest first, a page at a time.
func (u *UI) inbox(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	unreadOnly, before, err := inboxCursor(httpx.PageQuery(r))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	items, err := u.Store.Notifications(r.Context(), p.User.ID, unreadOnly, before, inboxPageSize)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d := &inboxData{UnreadOnly: unreadOnly, Before: before}
	for _, n := range items {
		kind := n.Kind
		if !slices.Contains(notificationKinds, kind) {
			kind = "other"
		}
		d.Rows = append(d.Rows, inboxRow{Notification: n, KindCode: kind})
	}
	if len(items) == inboxPageSize {
		d.Next = inboxURL(unreadOnly, items[len(items)-1].ID)
	}
	if before > 0 {
		d.First = inboxURL(unreadOnly, 0)
	}
	page := u.newPage(r, "inbox.title")
	page.Active = "nav.inbox"
	page.Data = d
	u.render(w, r, http.StatusOK, "inbox.html", page)
}

// inboxRead marks one notification read and goes back to the page it was on.
func (u *UI) inboxRead(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	unreadOnly, before, err := inboxCursor(httpx.FormQuery(r, r.PostForm))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if err := u.Store.MarkRead(r.Context(), httpx.Principal(r).User.ID, id, time.Now()); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, inboxURL(unreadOnly, before), "inbox_read")
}

// inboxReadAll marks every notification of the user read.
func (u *UI) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	if err := u.Store.MarkRead(r.Context(), httpx.Principal(r).User.ID, 0, time.Now()); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/inbox", "inbox_read_all")
}
