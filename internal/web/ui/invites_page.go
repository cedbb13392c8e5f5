package ui

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// inviteRow is one invite as the department's page shows it, in China time.
type inviteRow struct {
	store.DepartmentInvite
	Day, From, To string
}

type invitesData struct {
	Rows   []inviteRow
	Failed int64 // the invite whose confirmation was refused
}

// invitesPage lists the receptions a handler's department is convened to (约访邀请),
// each to confirm with who will attend.
func (u *UI) invitesPage(w http.ResponseWriter, r *http.Request) {
	u.renderInvites(w, r, http.StatusOK, 0, nil)
}

func (u *UI) renderInvites(w http.ResponseWriter, r *http.Request, status int, failed int64, ce *caseError) {
	list, err := u.Cases.DepartmentInvites(r.Context(), httpx.Principal(r))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d := &invitesData{Failed: failed}
	for _, v := range list {
		d.Rows = append(d.Rows, inviteRow{DepartmentInvite: v, Day: v.StartsAt.In(cst).Format(time.DateOnly),
			From: v.StartsAt.In(cst).Format("15:04"), To: v.EndsAt.In(cst).Format("15:04")})
	}
	page := u.newPage(r, "invites.title")
	page.Active = "nav.invites"
	page.Data = d
	if ce != nil {
		page.Form = r.PostForm
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = caseFields.Prefixed(page.Locale, ce.Field, ce.Message)
	}
	u.render(w, r, status, "invites.html", page)
}

// inviteConfirm confirms an invite of the handler's department.
func (u *UI) inviteConfirm(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if _, err := u.Cases.ConfirmInvite(r.Context(), httpx.Principal(r), id, r.PostFormValue("attendee")); err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderInvites(w, r, ce.Status, id, ce)
		return
	}
	redirect(w, r, "/invites", "invite_confirmed")
}
