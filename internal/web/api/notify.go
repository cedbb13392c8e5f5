package api

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type inbox struct {
	Items  []store.Notification `json:"items"`
	Unread int                  `json:"unread"`
}

// listNotifications is the caller's inbox, newest first (unread=true for unread only).
func (a *API) listNotifications(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	before, unreadOnly := q.Int("before", 0, 1<<62), q.Bool("unread")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	items, err := a.Store.Notifications(r.Context(), p.User.ID, unreadOnly, before, 50)
	if err != nil {
		return 0, nil, err
	}
	unread, err := a.Store.UnreadCount(r.Context(), p.User.ID)
	if items == nil {
		items = []store.Notification{}
	}
	return http.StatusOK, inbox{Items: items, Unread: unread}, err
}

// readNotification marks one notification read; /read-all marks all.
func (a *API) readNotification(r *http.Request, p *auth.Principal) (int, any, error) {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r, "id"); err != nil {
			return 0, nil, err
		}
	}
	return http.StatusNoContent, nil, a.Store.MarkRead(r.Context(), p.User.ID, id, time.Now())
}

// supervisionBoard lists supervision orders on cases the caller sees.
func (a *API) supervisionBoard(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	status, level := q.String("status"), q.String("level")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	list, err := a.Cases.Board(r.Context(), p, status, level)
	if list == nil {
		list = []store.Supervision{}
	}
	return http.StatusOK, map[string]any{"items": list}, err
}

type replyRequest struct {
	Reply string `json:"reply"`
}

func (a *API) replySupervision(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in replyRequest
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	v, err := a.Cases.ReplySupervision(r.Context(), p, id, in.Reply)
	return http.StatusOK, v, err
}
