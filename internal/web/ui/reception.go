package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// receptionSession is one session on the leader's calendar.
type receptionSession struct {
	cases.CalendarSession
	Day         string
	From, To    string
	Booked      int
	CanWithdraw bool // open and not over
	Slots       []receptionSlot
}

type receptionSlot struct {
	From, To string
	Past     bool
	Booking  *appointmentView
}

type receptionData struct {
	Sessions []receptionSession
}

// receptionNotices are what ?done= may announce on the calendar.
var receptionNotices = map[string]string{
	"published": "reception.notice.published",
	"withdrawn": "reception.notice.withdrawn",
	"cancelled": "appointment.notice.cancelled",
}

// receptionPage is the leader's reception calendar (领导接访): their sessions, each slot
// with the case booked in it, the form to publish a session, and withdrawal.
func (u *UI) receptionPage(w http.ResponseWriter, r *http.Request) {
	u.renderReception(w, r, http.StatusOK, nil)
}

// renderReception shows the calendar; a refused publish form comes back with ferr.
func (u *UI) renderReception(w http.ResponseWriter, r *http.Request, status int, ferr *caseError) {
	p := httpx.Principal(r)
	list, err := u.Cases.ReceptionCalendar(r.Context(), p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	now := u.Cases.Now()
	d := &receptionData{}
	for _, s := range list {
		v := receptionSession{CalendarSession: s, Day: s.StartsAt.In(cst).Format(time.DateOnly), From: s.StartsAt.In(cst).Format("15:04"),
			To: s.EndsAt.In(cst).Format("15:04"), CanWithdraw: s.Status == "open" && s.EndsAt.After(now)}
		for _, sl := range s.Slots {
			rs := receptionSlot{From: sl.StartsAt.In(cst).Format("15:04"), To: sl.EndsAt.In(cst).Format("15:04"), Past: !sl.StartsAt.After(now)}
			if sl.Booking != nil {
				b := viewAppointment(*sl.Booking, now)
				b.CanCancel = b.Upcoming
				rs.Booking = &b
				v.Booked++
			}
			v.Slots = append(v.Slots, rs)
		}
		d.Sessions = append(d.Sessions, v)
	}
	page := u.newPage(r, "reception.title")
	page.Active = "nav.reception"
	page.Data = d
	page.Notice = receptionNotices[httpx.PageQuery(r).String("done")] // a notice only: an odd one shows none
	if ferr != nil {
		page.Form = r.PostForm
		page.Errors = map[string]string{ferr.Field: ferr.Message}
		page.Error = ferr.Message
		if ferr.Field != "session" { // the session's message says which on its own
			page.Error = httpx.ReceptionFields.Prefixed(page.Locale, ferr.Field, ferr.Message)
		}
	} else {
		tomorrow := now.In(cst).AddDate(0, 0, 1)
		page.Form = url.Values{"date": {tomorrow.Format(time.DateOnly)}, "start": {"09:00"}, "end": {"11:30"},
			"slot_minutes": {strconv.Itoa(cases.DefaultSlotMinutes)}, "place": {i18n.T(page.Locale, "reception.default_place", p.Region.Name)}}
	}
	u.render(w, r, status, "reception.html", page)
}

// receptionPublish publishes a session from the calendar's form.
func (u *UI) receptionPublish(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	in := cases.SessionInput{Date: r.PostFormValue("date"), Start: r.PostFormValue("start"), End: r.PostFormValue("end"),
		Place: r.PostFormValue("place")}
	minutes, err := httpx.FormInt(r, "slot_minutes")
	in.SlotMinutes = int(minutes)
	if err == nil {
		_, err = u.Cases.PublishSession(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderReception(w, r, ce.Status, ce)
		return
	}
	redirect(w, r, "/reception?done=published", "")
}

// receptionWithdraw withdraws a session; its bookings are cancelled and their desks told.
func (u *UI) receptionWithdraw(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if _, _, err := u.Cases.WithdrawSession(r.Context(), httpx.Principal(r), id, r.PostFormValue("note")); err != nil {
		var fe *model.FieldError
		if ce := classify(r, err); ce != nil && errors.As(err, &fe) {
			u.renderReception(w, r, ce.Status, ce)
			return
		}
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/reception?done=withdrawn", "")
}
