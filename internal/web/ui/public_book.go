package ui

import (
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/ratelimit"
	"github.com/onedoor/onedoor/internal/web/templates"
)

// The citizen's booking page (约访), /p/book?code=<tracking code>: no account; the
// tracking code and the last 4 digits of the applicant's phone open the case's free
// slots and its booking, with a cancel button. Each form carries both again: the page
// keeps no session.

// Limits of failed lookups on the booking page: per address, and per tracking code so
// that the 10,000 possible digits of a known code cannot be walked from many addresses.
const (
	bookFailuresPerIP   = 10
	bookFailuresPerCode = 5
	bookFailureWindow   = 15 * time.Minute
)

type bookGuard struct {
	ip, code *ratelimit.Limiter
}

var bookGuards sync.Map // *UI -> *bookGuard: counters belong to one server

func (u *UI) bookGuard() *bookGuard {
	if g, ok := bookGuards.Load(u); ok {
		return g.(*bookGuard)
	}
	g, _ := bookGuards.LoadOrStore(u, &bookGuard{ip: ratelimit.New(bookFailuresPerIP, bookFailureWindow),
		code: ratelimit.New(bookFailuresPerCode, bookFailureWindow)})
	return g.(*bookGuard)
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
	page := newPage(r, "appointment.public.title")
	page.Data = &publicBookData{Code: bookCode(httpx.PageQuery(r).String("code"))}
	renderBook(w, r, http.StatusOK, page)
}

// publicBookPost verifies the code and digits, then books (op=book), cancels
// (op=cancel) or only shows the slots and the booking (op=verify).
func (u *UI) publicBookPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	code := bookCode(r.PostFormValue("code"))
	last4 := strings.TrimSpace(r.PostFormValue("last4"))
	page := newPage(r, "appointment.public.title")
	d := &publicBookData{Code: code, Last4: last4}
	page.Data = d
	page.Form = r.PostForm
	g := u.bookGuard()
	ip := httpx.ClientIP(r)
	// Only failed lookups count: a citizen who got in may book and cancel freely.
	if g.ip.Count(ip) >= bookFailuresPerIP || g.code.Count(code) >= bookFailuresPerCode {
		tooManyBook(w, r, page)
		return
	}
	ctx := r.Context()
	c, err := u.Cases.CitizenCase(ctx, code, last4)
	if err != nil {
		var fe *model.FieldError
		if errors.As(err, &fe) {
			g.ip.Record(ip)
			g.code.Record(code)
		}
		u.bookFailed(w, r, page, err)
		return
	}
	var opErr error
	switch r.PostFormValue("op") {
	case "book":
		slot, err := formInt(r, "slot_id")
		if err == nil {
			_, err = u.Cases.BookPublic(ctx, code, last4, slot)
		}
		if opErr = err; err == nil {
			d.Done = "appointment.notice.booked"
		}
	case "cancel":
		id, err := formInt(r, "appointment_id")
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
		renderBook(w, r, ce.Status, page)
		return
	}
	renderBook(w, r, http.StatusOK, page)
}

// fillBook reads the case's bookings and, without an upcoming one, its free slots.
func (u *UI) fillBook(r *http.Request, d *publicBookData, c *model.Case) error {
	ctx := r.Context()
	list, err := u.Cases.PublicAppointments(ctx, c)
	if err != nil {
		return err
	}
	now := u.Cases.Now()
	d.Verified, d.Title = true, c.Title
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
		renderBook(w, r, e.Status, page)
		return
	}
	page.Errors = map[string]string{ce.Field: ce.Message}
	page.Error = ce.Message
	renderBook(w, r, ce.Status, page)
}

// bookCode is a tracking code as typed, tidied: no spaces, upper case.
func bookCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func tooManyBook(w http.ResponseWriter, r *http.Request, page *Page) {
	page.Error = page.T("appointment.public.too_many")
	w.Header().Set("Retry-After", "900")
	renderBook(w, r, http.StatusTooManyRequests, page)
}

// renderBook writes the booking page in the public layout once the portal has one,
// else in the staff layout (which shows no navigation to a visitor).
func renderBook(w http.ResponseWriter, r *http.Request, status int, page *Page) {
	if _, err := fs.Stat(templates.FS, "public_layout.html"); err == nil {
		renderPublic(w, r, status, "public_book.html", page)
		return
	}
	render(w, r, status, "public_book.html", page)
}
