package ui

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// appointmentView is one booking as pages show it, in China time.
type appointmentView struct {
	store.Appointment
	Day       string // 2006-01-02
	From, To  string // 15:04
	Upcoming  bool   // booked and not yet begun
	CanCancel bool
	CanInvite bool // the user may convene departments to it (upcoming)
	CanRecord bool // the user may record its result (begun, booked, none yet)
}

func viewAppointment(a store.Appointment, now time.Time) appointmentView {
	v := appointmentView{Appointment: a, Day: a.StartsAt.In(cst).Format(time.DateOnly), From: a.StartsAt.In(cst).Format("15:04"),
		To: a.EndsAt.In(cst).Format("15:04")}
	v.Upcoming = a.Status == "booked" && a.StartsAt.After(now)
	return v
}

// slotGroup is the free slots of one session, for an <optgroup> or a list.
type slotGroup struct {
	SessionID  int64
	Leader     string
	Centre     string
	Place      string
	Day        string
	Slots      []slotOption
	FirstStart time.Time
}

type slotOption struct {
	ID       int64
	From, To string
}

// groupFreeSlots groups free slots by session, in the order they come (earliest first).
func groupFreeSlots(free []store.FreeSlot) []slotGroup {
	var out []slotGroup
	idx := map[int64]int{}
	for _, f := range free {
		i, ok := idx[f.SessionID]
		if !ok {
			i = len(out)
			idx[f.SessionID] = i
			out = append(out, slotGroup{SessionID: f.SessionID, Leader: f.LeaderName, Centre: f.CentreName, Place: f.Place,
				Day: f.StartsAt.In(cst).Format(time.DateOnly), FirstStart: f.StartsAt})
		}
		out[i].Slots = append(out[i].Slots, slotOption{ID: f.ID, From: f.StartsAt.In(cst).Format("15:04"), To: f.EndsAt.In(cst).Format("15:04")})
	}
	return out
}

// appointmentSection is the case page's 约访 section.
type appointmentSection struct {
	Bookings []appointmentView // every booking of the case, earliest first
	Upcoming *appointmentView  // the one upcoming booking, if any
	CanBook  bool              // the user may book, and the case has no upcoming booking
	Groups   []slotGroup       // the free slots offered to the case
	Failed   bool              // the booking form was refused
	Done     string            // catalogue key of what just happened

	Departments  []departmentOption // whom the upcoming booking may convene, not asked yet
	InviteFailed bool               // the convene form was refused
	ResultFailed bool               // the result form was refused
}

// Form keys of the convene and result forms, when the case page shows them refused.
const (
	inviteFormKey = "invite"
	resultFormKey = "result"
)

// appointmentFormKey names the booking form when the case page shows it refused.
const appointmentFormKey = "appointment"

// caseAppointments builds the case page's 约访 section for case c, which p sees.
func (u *UI) caseAppointments(ctx context.Context, r *http.Request, c *model.Case, failed string) (*appointmentSection, error) {
	p := httpx.Principal(r)
	list, err := u.Cases.AppointmentsOf(ctx, p, c)
	if err != nil {
		return nil, err
	}
	now := u.Cases.Now()
	sec := &appointmentSection{Failed: failed == appointmentFormKey, InviteFailed: failed == inviteFormKey, ResultFailed: failed == resultFormKey}
	switch httpx.PageQuery(r).String("appointment") { // a notice only: an odd one shows none
	case "booked":
		sec.Done = "appointment.notice.booked"
	case "cancelled":
		sec.Done = "appointment.notice.cancelled"
	case "invited":
		sec.Done = "appointment.notice.invited"
	case "recorded":
		sec.Done = "appointment.notice.recorded"
	}
	mayBook := p.Can(auth.PermAppointments)
	for _, a := range list {
		v := viewAppointment(a, now)
		v.CanCancel = v.Upcoming && (mayBook || a.LeaderID == p.User.ID)
		v.CanInvite = v.CanCancel
		v.CanRecord = a.Status == "booked" && !a.StartsAt.After(now) && a.Result == "" && (mayBook || a.LeaderID == p.User.ID)
		sec.Bookings = append(sec.Bookings, v)
		if v.Upcoming {
			up := v
			sec.Upcoming = &up
		}
	}
	if up := sec.Upcoming; up != nil && up.CanInvite {
		centre, err := u.Store.Region(ctx, c.CentreID)
		if err != nil {
			return nil, err
		}
		all, err := u.reachableDepartments(ctx, centre)
		if err != nil {
			return nil, err
		}
		asked := map[int64]bool{}
		for _, v := range up.Invites {
			asked[v.DepartmentID] = true
		}
		for _, d := range all {
			if !asked[d.ID] {
				sec.Departments = append(sec.Departments, d)
			}
		}
	}
	if mayBook && sec.Upcoming == nil && workflow.State(c.State).Open() {
		free, err := u.Cases.FreeSlots(ctx, c)
		if err != nil {
			return nil, err
		}
		sec.Groups = groupFreeSlots(free)
		sec.CanBook = true
	}
	return sec, nil
}

// caseBook books a slot for the case from the case page.
func (u *UI) caseBook(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	slot, err := httpx.FormInt(r, "slot_id")
	if err == nil {
		_, err = u.Cases.Book(r.Context(), httpx.Principal(r), id, slot)
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, appointmentFormKey, ce)
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"?appointment=booked#appointments", "")
}

// appointmentCancel cancels a booking from the case page or the reception calendar,
// and goes back to where it was sent from.
func (u *UI) appointmentCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	a, err := u.Cases.CancelAppointment(r.Context(), httpx.Principal(r), id, r.PostFormValue("note"))
	if err != nil {
		ce := classify(r, err)
		if ce != nil && strings.HasPrefix(r.PostFormValue("from"), "case") {
			caseID, _ := strconv.ParseInt(strings.TrimPrefix(r.PostFormValue("from"), "case:"), 10, 64)
			if caseID > 0 {
				u.renderCase(w, r, caseID, ce.Status, appointmentFormKey, ce)
				return
			}
		}
		u.renderError(w, r, err)
		return
	}
	if r.PostFormValue("from") == "reception" {
		redirect(w, r, "/reception?done=cancelled", "")
		return
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(a.CaseID, 10)+"?appointment=cancelled#appointments", "")
}

// deskAppointments are the upcoming bookings the clerk's queue lists above its table;
// a failure only leaves the list out.
func (u *UI) deskAppointments(ctx context.Context, p *auth.Principal) []appointmentView {
	list, err := u.Cases.DeskAppointments(ctx, p)
	if err != nil {
		slog.WarnContext(ctx, "desk appointments", "err", err)
		return nil
	}
	now := u.Cases.Now()
	out := make([]appointmentView, 0, len(list))
	for _, a := range list {
		out = append(out, viewAppointment(a, now))
	}
	return out
}
