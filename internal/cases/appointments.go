package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Appointments (约访): a leader publishes reception sessions (领导接访日) — a date,
// hours and a place, divided into slots — and a clerk or the citizen books one slot
// for a case. A slot holds one booking (a unique index decides between concurrent
// bookings); a case holds at most one upcoming booking; every booking and
// cancellation is an event in the case's timeline.

// Event actions of the case timeline.
const (
	ActionAppointmentBook   = "appointment_book"
	ActionAppointmentCancel = "appointment_cancel"
)

// Limits of a reception session.
const (
	MinSlotMinutes     = 10
	MaxSlotMinutes     = 240
	DefaultSlotMinutes = 30
	MaxSessionSlots    = 48
	MaxPlace           = 100
	MaxSessionAheadDay = 366
)

// SessionInput is a session as a leader publishes it: a date and hours in China time.
type SessionInput struct {
	Date        string `json:"date"`  // 2006-01-02
	Start       string `json:"start"` // 15:04
	End         string `json:"end"`   // 15:04
	SlotMinutes int    `json:"slot_minutes"`
	Place       string `json:"place"`
}

// CalendarSession is a session with its slots and who booked them, as the leader's
// calendar shows it.
type CalendarSession struct {
	store.ReceptionSession
	Slots []CalendarSlot `json:"slots"`
}

// CalendarSlot is one slot and its booking, nil when free.
type CalendarSlot struct {
	store.ReceptionSlot
	Booking *store.Appointment `json:"booking,omitempty"`
}

// refuseSlotTaken is the answer to a booking of a slot someone else holds.
func refuseSlotTaken(state string) error {
	return &workflow.Refusal{Code: "slot_taken", Key: "refusal.slot_taken", State: workflow.State(state)}
}

// PublishSession publishes a reception session of p (a leader) at their centre, cut
// into slots of in.SlotMinutes.
func (s *Service) PublishSession(ctx context.Context, p *auth.Principal, in SessionInput) (CalendarSession, error) {
	var out CalendarSession
	if err := p.Require(auth.PermReception); err != nil {
		return out, err
	}
	day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.Date), workflow.ChinaTime)
	if err != nil {
		return out, model.Invalid("date", "invalid", "invalid.date.invalid")
	}
	start, err := clockOn(day, in.Start)
	if err != nil {
		return out, model.Invalid("start", "invalid", "invalid.start.invalid")
	}
	end, err := clockOn(day, in.End)
	if err != nil {
		return out, model.Invalid("end", "invalid", "invalid.end.invalid")
	}
	if !end.After(start) {
		return out, model.Invalid("end", "range", "invalid.end.range")
	}
	if in.SlotMinutes == 0 {
		in.SlotMinutes = DefaultSlotMinutes
	}
	if in.SlotMinutes < MinSlotMinutes || in.SlotMinutes > MaxSlotMinutes {
		return out, model.Invalid("slot_minutes", "range", "invalid.slot_minutes.range", MinSlotMinutes, MaxSlotMinutes)
	}
	slotLen := time.Duration(in.SlotMinutes) * time.Minute
	n := int(end.Sub(start) / slotLen)
	if n < 1 {
		return out, model.Invalid("slot_minutes", "too_long", "invalid.slot_minutes.too_long")
	}
	if n > MaxSessionSlots {
		return out, model.Invalid("slot_minutes", "too_many", "invalid.slot_minutes.too_many", MaxSessionSlots)
	}
	place, err := cleanText("place", in.Place, MaxPlace, true)
	if err != nil {
		return out, err
	}
	now := s.Now().UTC()
	if !start.After(now) {
		return out, model.Invalid("date", "past", "invalid.date.past")
	}
	if start.After(now.AddDate(0, 0, MaxSessionAheadDay)) {
		return out, model.Invalid("date", "range", "invalid.date.range")
	}
	sess := store.ReceptionSession{LeaderID: p.User.ID, CentreID: p.Region.ID, StartsAt: start.UTC(), EndsAt: start.Add(time.Duration(n) * slotLen).UTC(),
		SlotMinutes: in.SlotMinutes, Place: place, Status: "open", CreatedAt: now, LeaderName: p.User.DisplayName, CentreName: p.Region.Name}
	slots := make([]store.ReceptionSlot, n)
	for i := range slots {
		at := start.Add(time.Duration(i) * slotLen).UTC()
		slots[i] = store.ReceptionSlot{StartsAt: at, EndsAt: at.Add(slotLen)}
	}
	audit := store.Audited("reception.publish", "reception_session:new", fmt.Sprintf("发布接访安排：%s %s", whenText(start), place))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		overlap, err := tx.OverlappingSessions(ctx, p.User.ID, sess.StartsAt, sess.EndsAt)
		if err != nil {
			return err
		}
		if overlap > 0 {
			return model.Invalid("start", "overlap", "invalid.start.overlap")
		}
		if err := tx.InsertSession(ctx, &sess, slots); err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("reception_session:%d", sess.ID))
		return nil
	})
	if err != nil {
		return out, err
	}
	out.ReceptionSession = sess
	for _, sl := range slots {
		out.Slots = append(out.Slots, CalendarSlot{ReceptionSlot: sl})
	}
	return out, nil
}

// clockOn is the time hh:mm on day (China time).
func clockOn(day time.Time, hhmm string) (time.Time, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmm))
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, workflow.ChinaTime), nil
}

// whenText is a slot's time as people say it: 12月8日 09:30.
func whenText(t time.Time) string {
	t = t.In(workflow.ChinaTime)
	return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), t.Format("15:04"))
}

// ReceptionCalendar is p's own reception calendar: their sessions that have not
// ended before today, each slot with its booking.
func (s *Service) ReceptionCalendar(ctx context.Context, p *auth.Principal) ([]CalendarSession, error) {
	if err := p.Require(auth.PermReception); err != nil {
		return nil, err
	}
	y, m, d := s.Now().In(workflow.ChinaTime).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, workflow.ChinaTime)
	sessions, err := s.Store.Sessions(ctx, store.SessionFilter{LeaderID: p.User.ID, EndsFrom: today})
	if err != nil {
		return nil, err
	}
	return s.receptionCalendar(ctx, p, sessions)
}

func (s *Service) receptionCalendar(ctx context.Context, p *auth.Principal, sessions []store.ReceptionSession) ([]CalendarSession, error) {
	if len(sessions) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(sessions))
	for i, x := range sessions {
		ids[i] = x.ID
	}
	slots, err := s.Store.Slots(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The leader sees the bookings of cases in their scope: every case whose place
	// lies under their centre, which is every case their slots are offered to.
	booked, err := s.Store.Appointments(ctx, store.AppointmentFilter{SessionIDs: ids, Status: "booked", Limit: 1000}, ScopeOf(p))
	if err != nil {
		return nil, err
	}
	bySlot := map[int64]*store.Appointment{}
	for i := range booked {
		bySlot[booked[i].SlotID] = &booked[i]
	}
	idx := map[int64]int{}
	out := make([]CalendarSession, len(sessions))
	for i, x := range sessions {
		out[i].ReceptionSession = x
		idx[x.ID] = i
	}
	for _, sl := range slots {
		i := idx[sl.SessionID]
		out[i].Slots = append(out[i].Slots, CalendarSlot{ReceptionSlot: sl, Booking: bySlot[sl.ID]})
	}
	return out, nil
}

// WithdrawSession withdraws a session of p's that has not ended: its upcoming
// bookings are cancelled, each with an event on its case, and the clerks of each
// case's centre (and whoever booked it) are told.
func (s *Service) WithdrawSession(ctx context.Context, p *auth.Principal, id int64, note string) (store.ReceptionSession, int, error) {
	var sess store.ReceptionSession
	if err := p.Require(auth.PermReception); err != nil {
		return sess, 0, err
	}
	note, err := cleanText("note", note, MaxNote, false)
	if err != nil {
		return sess, 0, err
	}
	now := s.Now().UTC()
	cancelled := 0
	audit := store.Audited("reception.withdraw", fmt.Sprintf("reception_session:%d", id), "撤回接访安排")
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var err error
		if sess, err = tx.SessionForUpdate(ctx, id); err != nil {
			return err
		}
		if sess.LeaderID != p.User.ID {
			return store.ErrNotFound // another leader's calendar is not theirs to see
		}
		if sess.Status != "open" {
			return model.Invalid("session", "withdrawn", "invalid.session.withdrawn")
		}
		if !sess.EndsAt.After(now) {
			return model.Invalid("session", "ended", "invalid.session.ended")
		}
		if err := tx.WithdrawSession(ctx, id, now); err != nil {
			return err
		}
		sess.Status, sess.WithdrawnAt = "withdrawn", &now
		booked, err := tx.Appointments(ctx, store.AppointmentFilter{SessionIDs: []int64{id}, Status: "booked", StartsFrom: now})
		if err != nil {
			return err
		}
		reason := "领导撤回接访安排"
		if note != "" {
			reason += "：" + note
		}
		for _, a := range booked {
			if err := s.cancelIn(ctx, tx, p, &a, reason, "withdrawn", now); err != nil {
				return err
			}
			cancelled++
		}
		return nil
	})
	return sess, cancelled, err
}

// centresOnPath are the region ids of a region path, root first.
func centresOnPath(path string) []int64 {
	var out []int64
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// FreeSlots lists the free upcoming slots offered to case c: those of leaders whose
// centre lies on the case's region path (its village's, township's, county's).
func (s *Service) FreeSlots(ctx context.Context, c *model.Case) ([]store.FreeSlot, error) {
	return s.Store.FreeSlots(ctx, centresOnPath(c.RegionPath), s.Now().UTC(), 200)
}

// CaseAppointments lists the bookings of a case p may see, newest slot last.
func (s *Service) CaseAppointments(ctx context.Context, p *auth.Principal, caseID int64) ([]store.Appointment, error) {
	c, err := s.Get(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return s.AppointmentsOf(ctx, p, &c)
}

// AppointmentsOf is CaseAppointments for a case p has already read through Get (the
// case page, which would otherwise read the case, its parties and its assignments a
// second time).
// Each booking comes with the departments convened to it.
func (s *Service) AppointmentsOf(ctx context.Context, p *auth.Principal, c *model.Case) ([]store.Appointment, error) {
	list, err := s.Store.Appointments(ctx, store.AppointmentFilter{CaseID: c.ID}, ScopeOf(p))
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	invites, err := s.Invites(ctx, ids)
	for i := range list {
		list[i].Invites = invites[list[i].ID]
	}
	return list, err
}

// DeskAppointments are the upcoming bookings a clerk's queue shows: of cases held at
// their centre, or booked by them, in their scope.
func (s *Service) DeskAppointments(ctx context.Context, p *auth.Principal) ([]store.Appointment, error) {
	if !p.Can(auth.PermAppointments) {
		return nil, nil
	}
	return s.Store.Appointments(ctx, store.AppointmentFilter{Status: "booked", StartsFrom: s.Now().UTC(), CentreID: p.Region.ID,
		BookedBy: p.User.ID, Limit: 50}, ScopeOf(p))
}

// Book books slotID for case caseID on behalf of p (a clerk), who must see the case.
func (s *Service) Book(ctx context.Context, p *auth.Principal, caseID, slotID int64) (store.Appointment, error) {
	if err := p.Require(auth.PermAppointments); err != nil {
		return store.Appointment{}, err
	}
	if _, err := s.Get(ctx, p, caseID); err != nil {
		return store.Appointment{}, err
	}
	audit := store.Audited("appointment.book", fmt.Sprintf("case:%d", caseID), fmt.Sprintf("预约领导接访（时段 %d）", slotID))
	return s.book(ctx, audit, p, caseID, slotID)
}

// BookPublic books slotID for the case the citizen names by its tracking code and the
// last 4 digits of the applicant's phone.
func (s *Service) BookPublic(ctx context.Context, code, last4 string, slotID int64) (store.Appointment, error) {
	c, err := s.CitizenCase(ctx, code, last4)
	if err != nil {
		return store.Appointment{}, err
	}
	ctx = store.WithActor(ctx, store.Actor{Name: "群众（约访）", IP: store.ActorFrom(ctx).IP})
	audit := store.Audited("appointment.book_public", fmt.Sprintf("case:%d", c.ID), fmt.Sprintf("群众预约领导接访（时段 %d）", slotID))
	return s.book(ctx, audit, nil, c.ID, slotID)
}

// book books a slot for a case in one transaction with its event; p is nil for the
// citizen.
func (s *Service) book(ctx context.Context, audit store.AuditEntry, p *auth.Principal, caseID, slotID int64) (store.Appointment, error) {
	if slotID <= 0 {
		return store.Appointment{}, model.Invalid("slot_id", "required", "invalid.slot_id.required")
	}
	now := s.Now().UTC()
	var a store.Appointment
	err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		// The session first, then the case: the order a withdrawal takes them in.
		sl, sess, err := tx.Slot(ctx, slotID)
		if errors.Is(err, store.ErrNotFound) {
			return model.Invalid("slot_id", "not_found", "invalid.slot_id.not_found")
		}
		if err != nil {
			return err
		}
		c, err := tx.CaseForUpdate(ctx, caseID)
		if err != nil {
			return err
		}
		if p != nil && !visible(p, &c) {
			return store.ErrNotFound
		}
		if !workflow.State(c.State).Open() {
			return &workflow.Refusal{Code: "case_closed", Key: "refusal.case_closed", Args: []any{workflow.State(c.State).Label()},
				State: workflow.State(c.State)}
		}
		offered := false
		for _, id := range centresOnPath(c.RegionPath) {
			offered = offered || id == sess.CentreID
		}
		if !offered {
			return model.Invalid("slot_id", "not_offered", "invalid.slot_id.not_offered")
		}
		if sess.Status != "open" {
			return model.Invalid("slot_id", "withdrawn", "invalid.slot_id.withdrawn")
		}
		if !sl.StartsAt.After(now) {
			return model.Invalid("slot_id", "past", "invalid.slot_id.past")
		}
		upcoming, err := tx.Appointments(ctx, store.AppointmentFilter{CaseID: c.ID, Status: "booked", StartsFrom: now})
		if err != nil {
			return err
		}
		if len(upcoming) > 0 {
			u := upcoming[0]
			return &workflow.Refusal{Code: "appointment_exists", Key: "refusal.appointment_exists",
				Args: []any{u.LeaderName, whenText(u.StartsAt)}, State: workflow.State(c.State)}
		}
		if taken, err := tx.SlotBooked(ctx, sl.ID); err != nil {
			return err
		} else if taken {
			return refuseSlotTaken(c.State)
		}
		a = store.Appointment{SlotID: sl.ID, CaseID: c.ID, StartsAt: sl.StartsAt, EndsAt: sl.EndsAt, Status: "booked", BookedAt: now,
			SessionID: sess.ID, LeaderID: sess.LeaderID, LeaderName: sess.LeaderName, Place: sess.Place, CaseTitle: c.Title,
			TrackingCode: c.TrackingCode, CaseCentreID: c.CentreID}
		by := "citizen"
		if p != nil {
			a.BookedBy, by = p.User.ID, "staff"
		}
		if err := tx.InsertAppointment(ctx, &a); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return refuseSlotTaken(c.State)
			}
			return err
		}
		payload, _ := json.Marshal(map[string]any{"appointment_id": a.ID, "slot_id": sl.ID, "session_id": sess.ID, "leader_id": sess.LeaderID,
			"leader": sess.LeaderName, "starts_at": sl.StartsAt, "place": sess.Place, "by": by})
		ev := model.CaseEvent{CaseID: c.ID, At: now, Action: ActionAppointmentBook, FromState: c.State, ToState: c.State,
			Note: fmt.Sprintf("预约领导接访：%s %s（%s）", sess.LeaderName, whenText(sl.StartsAt), sess.Place), Payload: payload}
		if p != nil {
			ev.ActorID = p.User.ID
		}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, &c); err != nil {
			return err
		}
		// The leader learns of every booking; the desk of one the citizen made.
		var to []model.User
		if leader, err := s.Store.User(ctx, sess.LeaderID); err == nil {
			to = append(to, leader)
		}
		if p == nil {
			clerks, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: c.CentreID, Role: model.RoleClerk})
			if err != nil {
				return err
			}
			to = append(to, clerks...)
		}
		return s.Notifier.Send(ctx, tx, to, notify.Message{Kind: "appointment_booked", CaseID: c.ID, Title: "新的接访预约",
			Body: fmt.Sprintf("%s：%s %s，%s", noticeSubject(&c), sess.LeaderName, whenText(sl.StartsAt), sess.Place)}, now)
	})
	return a, err
}

// CancelAppointment cancels a booking: a clerk for a case they see, or the leader
// whose session it is.
func (s *Service) CancelAppointment(ctx context.Context, p *auth.Principal, id int64, note string) (store.Appointment, error) {
	note, err := cleanText("note", note, MaxNote, false)
	if err != nil {
		return store.Appointment{}, err
	}
	audit := store.Audited("appointment.cancel", fmt.Sprintf("appointment:%d", id), summarise("取消接访预约 "+note, 80))
	return s.cancel(ctx, audit, p, id, nil, note)
}

// CancelPublic cancels a booking of the citizen's case from the public page.
func (s *Service) CancelPublic(ctx context.Context, code, last4 string, id int64) (store.Appointment, error) {
	c, err := s.CitizenCase(ctx, code, last4)
	if err != nil {
		return store.Appointment{}, err
	}
	ctx = store.WithActor(ctx, store.Actor{Name: "群众（约访）", IP: store.ActorFrom(ctx).IP})
	audit := store.Audited("appointment.cancel_public", fmt.Sprintf("appointment:%d", id), "群众取消接访预约")
	return s.cancel(ctx, audit, nil, id, &c, "")
}

// cancel cancels booking id; p is nil for the citizen, whose case is citizen.
func (s *Service) cancel(ctx context.Context, audit store.AuditEntry, p *auth.Principal, id int64, citizen *model.Case, note string) (store.Appointment, error) {
	now := s.Now().UTC()
	var a store.Appointment
	err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var err error
		if a, err = tx.AppointmentForUpdate(ctx, id); err != nil {
			return err
		}
		if citizen != nil && a.CaseID != citizen.ID {
			return store.ErrNotFound
		}
		if p != nil {
			if _, err := s.Store.Case(ctx, a.CaseID, ScopeOf(p)); err != nil {
				return err
			}
			if !p.Can(auth.PermAppointments) && a.LeaderID != p.User.ID {
				return auth.ErrForbidden
			}
		}
		if a.Status != "booked" {
			return model.Invalid("appointment", "cancelled", "invalid.appointment.cancelled")
		}
		if !a.StartsAt.After(now) {
			return model.Invalid("appointment", "past", "invalid.appointment.past")
		}
		by := "staff"
		if p == nil {
			by = "citizen"
		}
		return s.cancelIn(ctx, tx, p, &a, note, by, now)
	})
	return a, err
}

// cancelIn cancels a booking inside tx: the row, the case's event, and word to those
// who must know (the leader, the desk, whoever booked it), but never to the canceller.
func (s *Service) cancelIn(ctx context.Context, tx *store.Tx, p *auth.Principal, a *store.Appointment, note, by string, now time.Time) error {
	c, err := tx.CaseForUpdate(ctx, a.CaseID)
	if err != nil {
		return err
	}
	a.CancelledAt, a.CancelNote = &now, note
	if p != nil {
		a.CancelledBy = p.User.ID
	}
	if err := tx.CancelAppointment(ctx, a); err != nil {
		return err
	}
	payload, _ := json.Marshal(map[string]any{"appointment_id": a.ID, "slot_id": a.SlotID, "session_id": a.SessionID, "leader_id": a.LeaderID,
		"leader": a.LeaderName, "starts_at": a.StartsAt, "by": by})
	text := fmt.Sprintf("取消领导接访预约：%s %s", a.LeaderName, whenText(a.StartsAt))
	if note != "" {
		text += "。" + note
	}
	ev := model.CaseEvent{CaseID: c.ID, At: now, Action: ActionAppointmentCancel, FromState: c.State, ToState: c.State, Note: text, Payload: payload}
	if p != nil {
		ev.ActorID = p.User.ID
	}
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return err
	}
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, &c); err != nil {
		return err
	}
	var to []model.User
	clerks, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: c.CentreID, Role: model.RoleClerk})
	if err != nil {
		return err
	}
	to = append(to, clerks...)
	for _, id := range []int64{a.LeaderID, a.BookedBy} {
		if id == 0 {
			continue
		}
		if u, err := s.Store.User(ctx, id); err == nil {
			to = append(to, u)
		}
	}
	var rest []model.User
	for _, u := range to {
		if p == nil || u.ID != p.User.ID {
			rest = append(rest, u)
		}
	}
	kind, title := "appointment_cancelled", "接访预约已取消"
	if by == "withdrawn" {
		kind, title = "reception_withdrawn", "领导接访已撤回，预约已取消"
	}
	body := fmt.Sprintf("%s：%s %s", noticeSubject(&c), a.LeaderName, whenText(a.StartsAt))
	if note != "" {
		body += "。" + note
	}
	return s.Notifier.Send(ctx, tx, rest, notify.Message{Kind: kind, CaseID: c.ID, Title: title, Body: body}, now)
}

// errCitizenMismatch is the one answer to a wrong tracking code or wrong digits: the
// caller cannot tell which was wrong.
var errCitizenMismatch = model.Invalid("last4", "no_match", "invalid.last4.no_match")

// CitizenCase finds the case a citizen names by its tracking code and the last 4
// digits of the applicant's phone, both compared in constant time; a wrong code and
// wrong digits are refused alike.
func (s *Service) CitizenCase(ctx context.Context, code, last4 string) (model.Case, error) {
	last4 = strings.TrimSpace(last4)
	if len(last4) != 4 || strings.Trim(last4, "0123456789") != "" {
		return model.Case{}, model.Invalid("last4", "invalid", "invalid.last4.invalid")
	}
	c, err := s.lookupPublic(ctx, code, last4) // the tracking page's own constant-time check
	if errors.Is(err, ErrNoMatch) {
		return model.Case{}, errCitizenMismatch
	}
	return c, err
}

// PublicAppointments lists a citizen's case's bookings, for the public page.
func (s *Service) PublicAppointments(ctx context.Context, c *model.Case) ([]store.Appointment, error) {
	return s.Store.Appointments(ctx, store.AppointmentFilter{CaseID: c.ID}, store.CaseScope{All: true})
}
