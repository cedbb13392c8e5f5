package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
	note, err := cleanText("note", in.Note, MaxNote, false)
	if err != nil {
		return c, err
	}
	facts, err := s.facts(ctx, p, &c)
	if err != nil {
		return c, err
	}
	facts.Reason = note
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return c, err
	}
	if _, err := workflow.Decide(workflow.State(c.State), workflow.ActionSupervise, rolesOn(p, &c, centre.Path), facts); err != nil {
		return c, err
	}
	if in.Level == "" {
		in.Level = "normal"
	}
	if !slices.Contains(supervisionLevels, in.Level) {
		return c, model.Invalid("level", "invalid", "invalid.supervision_level.invalid")
	}
	if in.ReplyDays == 0 {
		in.ReplyDays = s.policy().ReplyWorkdays
	}
	if in.ReplyDays < 1 || in.ReplyDays > 30 {
		return c, model.Invalid("reply_days", "range", "invalid.reply_days.range")
	}
	if in.DepartmentID != 0 && !livePart(&c, in.DepartmentID) {
		return c, model.Invalid("department_id", "not_working", "invalid.supervise_department.not_working")
	}
	if err := s.supervise(ctx, &p.User, id, in.Level, note, in.ReplyDays, s.Now().UTC(), 0, in.DepartmentID); err != nil {
		return c, err
	}
	return s.Store.Case(ctx, id, store.CaseScope{All: true})
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
