package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
)

// Timeline actions of a convened reception (约访召集).
const (
	ActionAppointmentInvite  = "appointment_invite"
	ActionAppointmentConfirm = "appointment_confirm"
	ActionAppointmentResult  = "appointment_result"
)

// MaxInvites is how many departments one reception may convene.
const MaxInvites = 10

// MaxAttendee bounds who a department says will attend.
const MaxAttendee = 60

// canConvene reports whether p may invite departments to booking a and record its
// result: those who book (appointments.book) and the leader who receives.
func canConvene(p *auth.Principal, a *store.Appointment) bool {
	return p.Can(auth.PermAppointments) || a.LeaderID == p.User.ID
}

// Invite asks departments to a booked reception of a case p sees, before it begins:
// each department's handlers are told when and where, and the case's timeline says
// who was asked. It returns the booking with the invites just made.
func (s *Service) Invite(ctx context.Context, p *auth.Principal, appointmentID int64, departmentIDs []int64) (store.Appointment, error) {
	var a store.Appointment
	if len(departmentIDs) == 0 {
		return a, model.Invalid("department_ids", "required", "invalid.invite.departments_required")
	}
	if len(departmentIDs) > MaxInvites {
		return a, model.Invalid("department_ids", "too_many", "invalid.invite.too_many", MaxInvites)
	}
	now := s.Now().UTC()
	audit := store.Audited("appointment.invite", fmt.Sprintf("appointment:%d", appointmentID), fmt.Sprintf("约访邀请 %d 个部门", len(departmentIDs)))
	err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var err error
		if a, err = tx.AppointmentForUpdate(ctx, appointmentID); err != nil {
			return err
		}
		if _, err := s.Store.Case(ctx, a.CaseID, ScopeOf(p)); err != nil {
			return err
		}
		if !canConvene(p, &a) {
			return auth.ErrForbidden
		}
		if a.Status != "booked" {
			return model.Invalid("appointment", "cancelled", "invalid.appointment.cancelled")
		}
		if !a.StartsAt.After(now) {
			return model.Invalid("appointment", "past", "invalid.invite.begun")
		}
		c, err := tx.CaseForUpdate(ctx, a.CaseID)
		if err != nil {
			return err
		}
		var names []string
		for _, id := range departmentIDs {
			d, err := s.department(ctx, "department_ids", id, &c)
			if err != nil {
				return err
			}
			v := store.Invite{AppointmentID: a.ID, DepartmentID: d.ID, Department: d.Name, Status: store.InviteInvited, InvitedBy: p.User.ID, InvitedAt: now}
			if err := tx.InsertInvite(ctx, &v); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return model.Invalid("department_ids", "duplicate", "invalid.invite.duplicate", d.Name)
				}
				return err
			}
			a.Invites = append(a.Invites, v)
			names = append(names, d.Name)
			handlers, err := s.Store.ActiveUsers(ctx, store.UserFilter{DepartmentID: d.ID, Role: model.RoleHandler})
			if err != nil {
				return err
			}
			// The department may not see the case: the notice names it by number only.
			if err := s.Notifier.Send(ctx, tx, handlers, notify.Message{Kind: "appointment_invite", Title: "约访邀请",
				Body: fmt.Sprintf("%s邀请贵单位参加%s接访（%s，案件编号 %d），请在“约访邀请”中确认参加人员", a.LeaderName, whenText(a.StartsAt), a.Place, c.ID)}, now); err != nil {
				return err
			}
		}
		payload, _ := json.Marshal(map[string]any{"appointment_id": a.ID, "department_ids": departmentIDs})
		return caseNote(ctx, tx, &c, p.User.ID, ActionAppointmentInvite, "约访邀请："+strings.Join(names, "、"), payload, now)
	})
	return a, err
}

// ConfirmInvite is a handler of the invited department confirming that it attends,
// naming who will (attendee); the leader who receives is told.
func (s *Service) ConfirmInvite(ctx context.Context, p *auth.Principal, inviteID int64, attendee string) (store.Invite, error) {
	attendee, err := cleanText("attendee", attendee, MaxAttendee, true)
	if err != nil {
		return store.Invite{}, err
	}
	if !p.Has(model.RoleHandler) || p.Department == nil {
		return store.Invite{}, auth.ErrForbidden
	}
	now := s.Now().UTC()
	audit := store.Audited("appointment.confirm", fmt.Sprintf("invite:%d", inviteID), "确认参加约访："+attendee)
	var v store.Invite
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		if v, err = tx.InviteForUpdate(ctx, inviteID); err != nil {
			return err
		}
		if v.DepartmentID != p.Department.ID {
			return store.ErrNotFound // another department's invite is none of theirs
		}
		a, err := tx.AppointmentForUpdate(ctx, v.AppointmentID)
		if err != nil {
			return err
		}
		if a.Status != "booked" {
			return model.Invalid("attendee", "cancelled", "invalid.invite.cancelled")
		}
		if !a.EndsAt.After(now) {
			return model.Invalid("attendee", "past", "invalid.invite.over")
		}
		if v.Status == store.InviteConfirmed {
			return model.Invalid("attendee", "confirmed", "invalid.invite.confirmed")
		}
		v.ConfirmedBy, v.ConfirmedAt, v.Attendee = p.User.ID, &now, attendee
		if err := tx.ConfirmInvite(ctx, &v); err != nil {
			return err
		}
		c, err := tx.CaseForUpdate(ctx, a.CaseID)
		if err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]any{"appointment_id": a.ID, "invite_id": v.ID, "department_id": v.DepartmentID})
		if err := caseNote(ctx, tx, &c, p.User.ID, ActionAppointmentConfirm, fmt.Sprintf("%s确认参加约访（%s）", v.Department, attendee), payload, now); err != nil {
			return err
		}
		leader, err := s.Store.User(ctx, a.LeaderID)
		if err != nil {
			return err
		}
		return s.Notifier.Send(ctx, tx, []model.User{leader}, notify.Message{Kind: "appointment_confirm", CaseID: c.ID, Title: "部门确认参加约访",
			Body: fmt.Sprintf("%s：%s确认参加%s接访（%s）", noticeSubject(&c), v.Department, whenText(a.StartsAt), attendee)}, now)
	})
	return v, err
}

// RecordResult records what a reception that has begun came to, on the booking and as
// an event of the case: by the leader who received or the desk.
func (s *Service) RecordResult(ctx context.Context, p *auth.Principal, appointmentID int64, result string) (store.Appointment, error) {
	result, err := cleanText("result", result, MaxNote, true)
	if err != nil {
		return store.Appointment{}, err
	}
	now := s.Now().UTC()
	audit := store.Audited("appointment.result", fmt.Sprintf("appointment:%d", appointmentID), summarise("约访结果："+result, 80))
	var a store.Appointment
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		if a, err = tx.AppointmentForUpdate(ctx, appointmentID); err != nil {
			return err
		}
		if _, err := s.Store.Case(ctx, a.CaseID, ScopeOf(p)); err != nil {
			return err
		}
		if !canConvene(p, &a) {
			return auth.ErrForbidden
		}
		if a.Status != "booked" {
			return model.Invalid("result", "cancelled", "invalid.appointment.cancelled")
		}
		if a.StartsAt.After(now) {
			return model.Invalid("result", "not_begun", "invalid.appointment.not_begun")
		}
		if a.Result != "" {
			return model.Invalid("result", "recorded", "invalid.appointment.recorded")
		}
		a.Result, a.ResultBy, a.ResultAt = result, p.User.ID, &now
		if err := tx.SetAppointmentResult(ctx, &a); err != nil {
			return err
		}
		c, err := tx.CaseForUpdate(ctx, a.CaseID)
		if err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]any{"appointment_id": a.ID, "leader": a.LeaderName, "starts_at": a.StartsAt})
		return caseNote(ctx, tx, &c, p.User.ID, ActionAppointmentResult, result, payload, now)
	})
	return a, err
}

// caseNote appends an event that changes no state to c, locked, by actorID.
func caseNote(ctx context.Context, tx *store.Tx, c *model.Case, actorID int64, action, note string, payload []byte, now time.Time) error {
	ev := model.CaseEvent{CaseID: c.ID, ActorID: actorID, At: now, Action: action, FromState: c.State, ToState: c.State, Note: note, Payload: payload}
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return err
	}
	c.UpdatedAt = now
	return tx.UpdateCase(ctx, c)
}

// Invites lists the departments asked to bookings of a case p sees, by booking.
func (s *Service) Invites(ctx context.Context, appointmentIDs []int64) (map[int64][]store.Invite, error) {
	list, err := s.Store.Invites(ctx, appointmentIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64][]store.Invite{}
	for _, v := range list {
		out[v.AppointmentID] = append(out[v.AppointmentID], v)
	}
	return out, nil
}

// DepartmentInvites lists the standing invites of p's department, for its handlers.
func (s *Service) DepartmentInvites(ctx context.Context, p *auth.Principal) ([]store.DepartmentInvite, error) {
	if !p.Has(model.RoleHandler) || p.Department == nil {
		return nil, auth.ErrForbidden
	}
	return s.Store.DepartmentInvites(ctx, p.Department.ID, s.Now())
}
