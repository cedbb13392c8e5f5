package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Supervise is a leader's supervision order (督办) on a case: a level, a requirement,
// and the working days the addressee has to reply.
func (s *Service) Supervise(ctx context.Context, p *auth.Principal, id int64, in ActInput) (model.Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return c, err
	}
	if in.Version != 0 && in.Version != c.Version {
		return c, store.ErrStale
	}
	note, err := s.checkSupervise(ctx, p, &c, &in)
	if err != nil {
		return c, err
	}
	if err := s.supervise(ctx, &p.User, id, in.Level, note, in.ReplyDays, s.Now().UTC(), 0, in.DepartmentID); err != nil {
		return c, err
	}
	return s.Store.Case(ctx, id, store.CaseScope{All: true})
}

// checkSupervise checks that p may supervise c as in asks, filling in the defaults
// (level normal, the policy's reply days); it gives the requirement's text.
func (s *Service) checkSupervise(ctx context.Context, p *auth.Principal, c *model.Case, in *ActInput) (string, error) {
	note, err := cleanText("note", in.Note, MaxNote, false)
	if err != nil {
		return "", err
	}
	facts, err := s.facts(ctx, p, c)
	if err != nil {
		return "", err
	}
	facts.Reason = note
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return "", err
	}
	if _, err := workflow.Decide(workflow.State(c.State), workflow.ActionSupervise, rolesOn(p, c, centre.Path), facts); err != nil {
		return "", err
	}
	if in.Level == "" {
		in.Level = "normal"
	}
	if !slices.Contains(supervisionLevels, in.Level) {
		return "", model.Invalid("level", "invalid", "invalid.supervision_level.invalid")
	}
	if in.ReplyDays == 0 {
		in.ReplyDays = s.policy().ReplyWorkdays
	}
	if in.ReplyDays < 1 || in.ReplyDays > 30 {
		return "", model.Invalid("reply_days", "range", "invalid.reply_days.range")
	}
	if in.DepartmentID != 0 && !livePart(c, in.DepartmentID) {
		return "", model.Invalid("department_id", "not_working", "invalid.supervise_department.not_working")
	}
	return note, nil
}

// actIn takes action a on c, read for update in tx, for p: the case's own action, or
// a supervision order; in.Basis goes on its event. It gives the event's id.
func (s *Service) actIn(ctx context.Context, tx *store.Tx, p *auth.Principal, c *model.Case, a workflow.Action, in ActInput, now time.Time) (int64, error) {
	if a == workflow.ActionSupervise {
		note, err := s.checkSupervise(ctx, p, c, &in)
		if err != nil {
			return 0, err
		}
		o, err := s.planOrder(ctx, c, &p.User, in.Level, note, in.ReplyDays, now, "", in.DepartmentID)
		if err != nil {
			return 0, err
		}
		o.basis = in.Basis
		if err := s.issueOrder(ctx, tx, c, o, 0, now); err != nil {
			return 0, err
		}
	} else if err := s.act(ctx, tx, p, c, a, in, now); err != nil {
		return 0, err
	}
	return tx.LastEventID(ctx, c.ID, string(a))
}

// MayReply: the order's addressee answers it — the department working the case, or
// the centre holding it (its clerks and leaders) — but not whoever issued it
// (workflow.AnswerOrder). Pages ask it to offer the form.
func MayReply(p *auth.Principal, v store.Supervision) bool {
	if workflow.AnswerOrder("", v.IssuedBy, p.User.ID) != nil {
		return false
	}
	return addressee(p, v)
}

// addressee tells whether p is among those an order is addressed to.
func addressee(p *auth.Principal, v store.Supervision) bool {
	if v.DepartmentID != 0 {
		return p.Has(model.RoleHandler) && p.Department != nil && p.Department.ID == v.DepartmentID
	}
	return (p.Has(model.RoleClerk) || p.Has(model.RoleLeader)) && p.Region.ID == v.CentreID
}

// ReplySupervision records the addressee's answer to an order.
func (s *Service) ReplySupervision(ctx context.Context, p *auth.Principal, id int64, reply string) (store.Supervision, error) {
	reply, err := cleanText("reply", reply, MaxNote, true)
	if err != nil {
		return store.Supervision{}, err
	}
	var v store.Supervision
	now := s.Now().UTC()
	audit := store.Audited("case.supervise_reply", fmt.Sprintf("supervision:%d", id), summarise(reply, 80))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var err error
		if v, err = tx.SupervisionForUpdate(ctx, id); err != nil {
			return err
		}
		c, err := tx.CaseForUpdate(ctx, v.CaseID)
		if err != nil {
			return err
		}
		if !visible(p, &c) {
			return store.ErrNotFound
		}
		if !addressee(p, v) {
			return auth.ErrForbidden
		}
		if err := workflow.AnswerOrder(workflow.State(c.State), v.IssuedBy, p.User.ID); err != nil {
			return err
		}
		if v.Status != "open" {
			return model.Invalid("reply", "closed", "invalid.supervision_reply.closed")
		}
		v.Status, v.Reply, v.RepliedBy, v.RepliedAt = "replied", reply, p.User.ID, &now
		if err := tx.UpdateSupervision(ctx, &v); err != nil {
			return err
		}
		if v.Source == "risk" {
			// With the warning's last open order answered, its next report comes due.
			if open, err := tx.OpenRiskOrders(ctx, c.ID); err != nil {
				return err
			} else if open == 0 {
				c.RiskReportAt = &now
			}
		}
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, &c); err != nil {
			return err
		}
		ev := model.CaseEvent{CaseID: c.ID, ActorID: p.User.ID, At: now, Action: "supervise_reply", FromState: c.State, ToState: c.State,
			Note: reply, Payload: []byte(fmt.Sprintf(`{"supervision_id":%d}`, v.ID))}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return err
		}
		if v.IssuedBy == 0 {
			return nil
		}
		issuer, err := s.Store.User(ctx, v.IssuedBy)
		if err != nil {
			return err
		}
		return s.Notifier.Send(ctx, tx, []model.User{issuer}, notify.Message{Kind: "supervision_reply", CaseID: c.ID,
			Title: "督办已回复", Body: fmt.Sprintf("%s：%s", noticeSubject(&c), summarise(reply, 60))}, now)
	})
	return v, err
}

// Board lists supervision orders on cases p may see: open ones by default, oldest
// first, optionally of one level.
func (s *Service) Board(ctx context.Context, p *auth.Principal, status, level string) ([]store.Supervision, error) {
	if status == "" {
		status = "open"
	}
	if level != "" && !slices.Contains(supervisionLevels, level) {
		return nil, model.Invalid("level", "invalid", "invalid.supervision_level.unknown")
	}
	if !slices.Contains([]string{"open", "replied", "escalated"}, strings.TrimSpace(status)) {
		return nil, model.Invalid("status", "invalid", "invalid.supervision_status.unknown")
	}
	return s.Store.Supervisions(ctx, store.SupervisionFilter{Status: status, Level: level}, ScopeOf(p))
}
