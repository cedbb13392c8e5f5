package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// The citizen's booking page (约访), /p/book?code=<tracking code>: no account; the
// tracking code and the last 4 digits of the applicant's phone open the case's free
// slots and its booking, with a cancel button. Each form carries both again: the page
// keeps no session.

// Limits of failed lookups on the booking page: per address here, and per case the
// one count tracking keeps too (citizenCodeFailures), so that the 10,000 possible
// digits of a known code can be walked neither from many addresses nor page by page.
const (
	bookFailuresPerIP = 10
	bookFailureWindow = 15 * time.Minute
)

var bookFailures = store.RateLimit{Name: "book.failures", Max: bookFailuresPerIP, Window: bookFailureWindow}

// bookBlocked reports whether the address ip or the case code names has failed its
// lookups too often lately, and for how long yet.
func (u *UI) bookBlocked(ctx context.Context, ip, code string) (bool, time.Duration, error) {
	n, retry, err := u.Store.RateCount(ctx, bookFailures, ip, time.Now())
	if err != nil || n >= bookFailures.Max {
		return err == nil, retry, err
	}
	return u.codeBlocked(ctx, code)
}

type publicBookData struct {
	Code     string
	Last4    string
	Verified bool
	Title    string
	Bookings []appointmentView
	Upcoming *appointmentView
	Groups   []slotGroup
	Done     string // catalogue key of what just happened
}

// publicBook shows the booking page's first step: the code (from the link) and the
// last 4 digits of the phone.
func (u *UI) publicBook(w http.ResponseWriter, r *http.Request) {
	page := u.newPage(r, "appointment.public.title")
	page.Data = &publicBookData{Code: bookCode(httpx.PageQuery(r).String("code"))}
	u.renderBook(w, r, http.StatusOK, page)
}

// publicBookPost verifies the code and digits, then books (op=book), cancels
// (op=cancel) or only shows the slots and the booking (op=verify).
func (u *UI) publicBookPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	code := bookCode(r.PostFormValue("code"))
	last4 := strings.TrimSpace(r.PostFormValue("last4"))
	page := u.newPage(r, "appointment.public.title")
	d := &publicBookData{Code: code, Last4: last4}
	page.Data = d
	page.Form = r.PostForm
	ctx := r.Context()
	ip := httpx.ClientSubject(r)
	// Only failed lookups count: a citizen who got in may book and cancel freely.
	blocked, retry, err := u.bookBlocked(ctx, ip, code)
	if err != nil {
		u.bookFailed(w, r, page, err)
		return
	}
	if blocked {
		u.tooManyBook(w, r, page, retry)
		return
	}
	c, err := u.Cases.CitizenCase(ctx, code, last4)
	if err != nil {
		var fe *model.FieldError
		if errors.As(err, &fe) {
			if cerr := errors.Join(u.Store.RateRecord(ctx, bookFailures, ip, time.Now()), u.codeFailed(ctx, code)); cerr != nil {
				err = cerr
			}
		}
		u.bookFailed(w, r, page, err)
		return
	}
	var opErr error
	switch r.PostFormValue("op") {
	case "book":
		slot, err := httpx.FormInt(r, "slot_id")
		if err == nil {
			_, err = u.Cases.BookPublic(ctx, code, last4, slot)
		}
		if opErr = err; err == nil {
			d.Done = "appointment.notice.booked"
		}
	case "cancel":
		id, err := httpx.FormInt(r, "appointment_id")
		if err == nil {
			_, err = u.Cases.CancelPublic(ctx, code, last4, id)
		}
		if opErr = err; err == nil {
			d.Done = "appointment.notice.cancelled"
		}
	}
	if err := u.fillBook(r, d, &c); err != nil {
		u.bookFailed(w, r, page, err)
		return
	}
	if opErr != nil {
		ce := classify(r, opErr)
		if ce == nil {
			u.bookFailed(w, r, page, opErr)
			return
		}
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = ce.Message
		u.renderBook(w, r, ce.Status, page)
		return
	}
	u.renderBook(w, r, http.StatusOK, page)
}

// fillBook reads the case's bookings and, without an upcoming one, its free slots.
func (u *UI) fillBook(r *http.Request, d *publicBookData, c *model.Case) error {
	ctx := r.Context()
	list, err := u.Cases.PublicAppointments(ctx, c)
	if err != nil {
		return err
	}
	now := u.Cases.Now()
	d.Verified, d.Title = true, model.MaskText(c.Title, c.Private())
	for _, a := range list {
		v := viewAppointment(a, now)
		v.CanCancel = v.Upcoming
		d.Bookings = append(d.Bookings, v)
		if v.Upcoming {
			up := v
			d.Upcoming = &up
		}
	}
	if d.Upcoming == nil {
		free, err := u.Cases.FreeSlots(ctx, c)
		if err != nil {
			return err
		}
		d.Groups = groupFreeSlots(free)
	}
	return nil
}

// bookFailed shows a refused lookup (422) next to its field, anything else as the
// page's message.
func (u *UI) bookFailed(w http.ResponseWriter, r *http.Request, page *Page, err error) {
	ce := classify(r, err)
	if ce == nil {
		e := httpx.FromErr(r, err)
		if e.Status == 499 {
			return
		}
		if errors.Is(err, store.ErrNotFound) {
			e.Status = http.StatusNotFound
		}
		page.Error = e.Message
		u.renderBook(w, r, e.Status, page)
		return
	}
	page.Errors = map[string]string{ce.Field: ce.Message}
	page.Error = ce.Message
	u.renderBook(w, r, ce.Status, page)
}

// bookCode is a tracking code as typed, tidied: no spaces, upper case.
func bookCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func (u *UI) tooManyBook(w http.ResponseWriter, r *http.Request, page *Page, retry time.Duration) {
	page.Error = page.T("appointment.public.too_many")
	setRetryAfter(w, retry)
	u.renderBook(w, r, http.StatusTooManyRequests, page)
}

// renderBook writes the booking page in the public layout.
func (u *UI) renderBook(w http.ResponseWriter, r *http.Request, status int, page *Page) {
	u.renderPublic(w, r, status, "public_book.html", page)
}
