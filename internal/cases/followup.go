package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Timeline actions of a follow-up plan (回访计划).
const (
	ActionFollowUpPlan   = "follow_up_plan"
	ActionFollowUpEnd    = "follow_up_end"
	ActionFollowUpMissed = "follow_up_missed"
)

// StartPlan sets a case p sees on a follow-up plan: a return visit every `every`
// days, the first one `every` days from now, each set when the one before is done or
// missed, until someone ends the plan (稳定) or the case is archived.
func (s *Service) StartPlan(ctx context.Context, p *auth.Principal, caseID int64, every int, note string) (store.FollowUpPlan, store.FollowUpVisit, error) {
	var plan store.FollowUpPlan
	var first store.FollowUpVisit
	if err := p.Require(auth.PermFollowUp); err != nil {
		return plan, first, err
	}
	if _, err := s.Get(ctx, p, caseID); err != nil {
		return plan, first, err
	}
	if every < risk.PlanEveryMin || every > risk.PlanEveryMax {
		return plan, first, model.Invalid("every_days", "range", "invalid.follow_up.every_days", risk.PlanEveryMin, risk.PlanEveryMax)
	}
	note, err := cleanText("note", note, MaxNote, false)
	if err != nil {
		return plan, first, err
	}
	now := s.Now().UTC()
	audit := store.Audited("case.follow_up_plan", fmt.Sprintf("case:%d", caseID), fmt.Sprintf("回访计划：每 %d 天一次", every))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, caseID)
		if err != nil {
			return err
		}
		if c.State == string(workflow.StateArchived) {
			return model.Invalid("every_days", "archived", "invalid.follow_up.archived")
		}
		plan = store.FollowUpPlan{CaseID: c.ID, EveryDays: every, Note: note, CreatedBy: p.User.ID, CreatedAt: now}
		first, err = tx.InsertPlan(ctx, &plan, risk.NextVisit(now, every))
		if errors.Is(err, store.ErrConflict) {
			return model.Invalid("every_days", "exists", "invalid.follow_up.exists")
		}
		if err != nil {
			return err
		}
		text := fmt.Sprintf("回访计划：每 %d 天回访一次，直至稳定；首次回访 %s 前", every, dayText(first.DueAt))
		if note != "" {
			text += "。" + note
		}
		payload, _ := json.Marshal(map[string]any{"plan_id": plan.ID, "every_days": every, "first_due": first.DueAt})
		if err := caseNote(ctx, tx, &c, p.User.ID, ActionFollowUpPlan, text, payload, now); err != nil {
			return err
		}
		return s.tellGrid(ctx, tx, &c, "follow_up_plan", "回访计划", text, now)
	})
	return plan, first, err
}

// EndPlan ends the case's active plan: the case is stable. Its planned visit is
// called off.
func (s *Service) EndPlan(ctx context.Context, p *auth.Principal, caseID int64, note string) error {
	if err := p.Require(auth.PermFollowUp); err != nil {
		return err
	}
	if _, err := s.Get(ctx, p, caseID); err != nil {
		return err
	}
	note, err := cleanText("note", note, MaxNote, false)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	audit := store.Audited("case.follow_up_end", fmt.Sprintf("case:%d", caseID), summarise("结束回访计划 "+note, 80))
	return s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, caseID)
		if err != nil {
			return err
		}
		plan, err := tx.ActivePlan(ctx, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			return model.Invalid("note", "no_plan", "invalid.follow_up.no_plan")
		}
		if err != nil {
			return err
		}
		if err := endPlan(ctx, tx, plan, p.User.ID, now); err != nil {
			return err
		}
		text := "回访计划结束：案件已稳定"
		if note != "" {
			text += "。" + note
		}
		payload, _ := json.Marshal(map[string]any{"plan_id": plan.ID})
		return caseNote(ctx, tx, &c, p.User.ID, ActionFollowUpEnd, text, payload, now)
	})
}

// endPlan calls off the plan's planned visit and ends it.
func endPlan(ctx context.Context, tx *store.Tx, plan store.FollowUpPlan, by int64, now time.Time) error {
	if v, err := tx.PlannedVisit(ctx, plan.ID); err == nil {
		if err := tx.CloseVisit(ctx, v.ID, store.VisitCancelled, 0, nil); err != nil {
			return err
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return tx.EndPlan(ctx, plan.ID, by, now)
}

// visitDone makes the case's planned visit done by actorID, and sets the next one a
// full interval later.
func visitDone(ctx context.Context, tx *store.Tx, caseID, actorID int64, now time.Time) error {
	plan, err := tx.ActivePlan(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	v, err := tx.PlannedVisit(ctx, plan.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err == nil {
		if err := tx.CloseVisit(ctx, v.ID, store.VisitDone, actorID, &now); err != nil {
			return err
		}
	}
	_, err = tx.InsertVisit(ctx, &plan, risk.NextVisit(now, plan.EveryDays))
	return err
}

// SweepFollowUps marks the planned visits whose day has passed as missed, each with
// an event on its case and word to the grid worker and the desk, and sets the next
// one; the plans of archived cases end. It returns the visits it closed.
func (s *Service) SweepFollowUps(ctx context.Context, now time.Time) (int, error) {
	ctx = store.WithActor(ctx, systemActor)
	total := 0
	for {
		due, err := s.Store.OverdueVisits(ctx, now.AddDate(0, 0, -risk.MissGraceDays), 200)
		if err != nil || len(due) == 0 {
			return total, err
		}
		for _, v := range due {
			audit := store.Audited("case.follow_up_missed", fmt.Sprintf("case:%d", v.CaseID), "回访逾期未做")
			err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
				c, err := tx.CaseForUpdate(ctx, v.CaseID)
				if err != nil {
					return err
				}
				plan, err := tx.ActivePlan(ctx, c.ID)
				if err != nil {
					return err
				}
				if c.State == string(workflow.StateArchived) {
					return endPlan(ctx, tx, plan, 0, now)
				}
				if err := tx.CloseVisit(ctx, v.ID, store.VisitMissed, 0, nil); err != nil {
					return err
				}
				next := risk.NextVisit(v.DueAt, plan.EveryDays)
				for risk.VisitMissed(next, now) {
					next = risk.NextVisit(next, plan.EveryDays)
				}
				if _, err := tx.InsertVisit(ctx, &plan, next); err != nil {
					return err
				}
				text := fmt.Sprintf("计划 %s 前的回访未做；下次回访 %s 前", dayText(v.DueAt), dayText(next))
				payload, _ := json.Marshal(map[string]any{"plan_id": plan.ID, "visit_id": v.ID, "due_at": v.DueAt, "next_due": next})
				if err := caseNote(ctx, tx, &c, 0, ActionFollowUpMissed, text, payload, now); err != nil {
					return err
				}
				return s.tellGrid(ctx, tx, &c, "follow_up_missed", "回访逾期", text, now)
			})
			if err != nil {
				return total, err
			}
			total++
		}
	}
}

// tellGrid notifies the grid workers of c's grid (or, without one, of its region) and
// its centre's clerks.
func (s *Service) tellGrid(ctx context.Context, tx *store.Tx, c *model.Case, kind, title, body string, now time.Time) error {
	region := c.GridID
	if region == 0 {
		region = c.RegionID
	}
	to, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: region, Role: model.RoleGrid})
	if err != nil {
		return err
	}
	clerks, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: c.CentreID, Role: model.RoleClerk})
	if err != nil {
		return err
	}
	return s.Notifier.Send(ctx, tx, append(to, clerks...), notify.Message{Kind: kind, CaseID: c.ID, Title: title,
		Body: noticeSubject(c) + "：" + body}, now)
}

// dayText is a date as the centre writes it, in China time.
func dayText(t time.Time) string {
	t = t.In(workflow.ChinaTime)
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// CasePlan reads the follow-up plan of a case p sees, with its visits, newest first.
func (s *Service) CasePlan(ctx context.Context, p *auth.Principal, c *model.Case) (*store.FollowUpPlan, []store.FollowUpVisit, error) {
	return s.Store.CasePlan(ctx, c.ID)
}

// AreaVisits lists the planned and missed visits in p's area, soonest first.
func (s *Service) AreaVisits(ctx context.Context, p *auth.Principal) ([]store.FollowUpVisit, error) {
	return s.Store.AreaVisits(ctx, ScopeOf(p), 50)
}
