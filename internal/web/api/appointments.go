package api

import (
	"errors"
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// appointmentError names the fields of the reception forms for a reader ("接访日期：…"),
// from the reception.field.* keys; other errors pass unchanged.
func appointmentError(r *http.Request, err error) error {
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field == "" {
		return err
	}
	loc := httpx.Locale(r)
	if _, ok := httpx.ReceptionFields.Label(loc, fe.Field); !ok {
		return err
	}
	e := httpx.FromErr(r, err)
	e.Message = httpx.ReceptionFields.Prefixed(loc, fe.Field, e.Detail)
	return e
}

// receptionSessions is GET /api/v1/reception/sessions: the caller's own reception
// calendar (a leader's), each session with its slots and their bookings.
func (a *API) receptionSessions(r *http.Request, p *auth.Principal) (int, any, error) {
	sessions, err := a.Cases.ReceptionCalendar(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list(sessions), nil
}

// publishSession is POST /api/v1/reception/sessions {date, start, end, slot_minutes, place}.
func (a *API) publishSession(r *http.Request, p *auth.Principal) (int, any, error) {
	var in cases.SessionInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	sess, err := a.Cases.PublishSession(r.Context(), p, in)
	if err != nil {
		return 0, nil, appointmentError(r, err)
	}
	return http.StatusCreated, sess, nil
}

// withdrawSession is DELETE /api/v1/reception/sessions/{id}[?note=…]: its upcoming
// bookings are cancelled and their desks told.
func (a *API) withdrawSession(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	note := q.String("note")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	sess, n, err := a.Cases.WithdrawSession(r.Context(), p, id, note)
	if err != nil {
		return 0, nil, appointmentError(r, err)
	}
	return http.StatusOK, sessionWithdrawn{Session: sess, Cancelled: n}, nil
}

// caseAppointments is GET /api/v1/cases/{id}/appointments: the case's bookings, and
// the free slots it may book.
func (a *API) caseAppointments(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	items, err := a.Cases.CaseAppointments(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	if items == nil {
		items = []store.Appointment{}
	}
	body := map[string]any{"items": items}
	if p.Can(auth.PermAppointments) {
		c, err := a.Cases.Get(r.Context(), p, id)
		if err != nil {
			return 0, nil, err
		}
		free, err := a.Cases.FreeSlots(r.Context(), &c)
		if err != nil {
			return 0, nil, err
		}
		if free == nil {
			free = []store.FreeSlot{}
		}
		body["free_slots"] = free
	}
	return http.StatusOK, body, nil
}

// bookAppointment is POST /api/v1/cases/{id}/appointments {slot_id}.
// bookAppointmentIn is the body of POST /api/v1/cases/{id}/appointments.
type bookAppointmentIn struct {
	SlotID int64 `json:"slot_id"`
}

func (a *API) bookAppointment(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in bookAppointmentIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	ap, err := a.Cases.Book(r.Context(), p, id, in.SlotID)
	if err != nil {
		return 0, nil, appointmentError(r, err)
	}
	return http.StatusCreated, ap, nil
}

// cancelAppointment is DELETE /api/v1/appointments/{id}[?note=…].
func (a *API) cancelAppointment(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, store.ErrNotFound
	}
	note := q.String("note")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	ap, err := a.Cases.CancelAppointment(r.Context(), p, id, note)
	if err != nil {
		return 0, nil, appointmentError(r, err)
	}
	return http.StatusOK, ap, nil
}
