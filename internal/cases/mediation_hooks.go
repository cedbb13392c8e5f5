package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// This file is what the mediation service (internal/mediation) needs of a case inside
// its own transactions: an event on the timeline, notices, and the judicial
// confirmation clock, which is the case's deadline.

// RecordEvent writes an event that changes no state on c's timeline, inside tx.
func (s *Service) RecordEvent(ctx context.Context, tx *store.Tx, c *model.Case, actorID int64, action, note string, payload any, now time.Time) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return caseNote(ctx, tx, c, actorID, action, note, raw, now)
}

// Tell notifies users about c inside tx; the body follows the case's name (its title
// masked, and its number).
func (s *Service) Tell(ctx context.Context, tx *store.Tx, to []model.User, c *model.Case, kind, title, body string, now time.Time) error {
	return s.Notifier.Send(ctx, tx, to, notify.Message{Kind: kind, CaseID: c.ID, Title: title, Body: noticeSubject(c) + "：" + body}, now)
}

// Text tells people without an account about c by text message inside tx (the SMS
// channel, masked as every notice), worded as Tell words it.
func (s *Service) Text(ctx context.Context, tx *store.Tx, phones []string, c *model.Case, kind, title, body string, now time.Time) error {
	return s.Notifier.Text(ctx, tx, phones, notify.Message{Kind: kind, CaseID: c.ID, Title: title, Body: noticeSubject(c) + "：" + body}, now)
}

// ConfirmWindowDays is how long after an agreement takes effect the parties may apply
// for its judicial confirmation (人民调解法 第三十三条: 30 calendar days), when no
// deadline rule of stage confirm applies to the case.
const ConfirmWindowDays = 30

// ConfirmDue is the last moment to apply for the judicial confirmation of an
// agreement that took effect on day effective (YYYY-MM-DD): the end of the 30th
// calendar day after it, or as the confirm rule in force for c says.
func (s *Service) ConfirmDue(ctx context.Context, c *model.Case, effective string) (time.Time, error) {
	day, err := time.ParseInLocation(time.DateOnly, effective, workflow.ChinaTime)
	if err != nil {
		return time.Time{}, err
	}
	rules, cal, err := s.deadlines(ctx)
	if err != nil {
		return time.Time{}, err
	}
	r, ok := workflow.ResolveRule(rules, c.Kind, c.CategoryCode, workflow.Urgency(c.Urgency), workflow.StageConfirm)
	if !ok {
		r = workflow.DeadlineRule{Stage: workflow.StageConfirm, Days: ConfirmWindowDays}
	}
	return r.Due(cal, day).UTC(), nil
}

// SyncConfirmClock sets c's deadline (not yet written) as its agreements stand, inside
// tx: a case that ended with a written agreement (outcome mediated_agreement) and has
// a signed one nobody has applied to confirm or waived runs the 30-day window from its
// effect (stage confirm); once applied for or waived, the deadline goes back to the
// return visit's (due from the resolution) while the case waits for one, else none.
func (s *Service) SyncConfirmClock(ctx context.Context, tx *store.Tx, c *model.Case) error {
	st := workflow.State(c.State)
	ended := st == workflow.StateResolved || st == workflow.StateVerified || st == workflow.StateFollowedUp
	if ended && workflow.Outcome(c.Outcome) == workflow.OutcomeMediatedAgreement {
		a, err := tx.AgreementAwaitingConfirmation(ctx, c.ID)
		if err == nil {
			due, err := s.ConfirmDue(ctx, c, a.SignedOn)
			if err != nil {
				return err
			}
			if c.DueStage != string(workflow.StageConfirm) || c.DueAt == nil || !c.DueAt.Equal(due) {
				c.DueStage, c.DueAt, c.DueFlag, c.SupervisionLevel = string(workflow.StageConfirm), &due, "", ""
			}
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if c.DueStage != string(workflow.StageConfirm) {
		return nil
	}
	// The window closed for the case: back to the deadline its state has.
	c.DueStage, c.DueAt, c.DueFlag, c.SupervisionLevel = "", nil, "", ""
	if (st == workflow.StateResolved || st == workflow.StateVerified) && c.ResolvedAt != nil {
		due, err := s.due(ctx, c, workflow.StageVisit, *c.ResolvedAt)
		if err != nil {
			return err
		}
		if due != nil {
			c.DueStage, c.DueAt = string(workflow.StageVisit), due
		}
	}
	return nil
}

// ActionAgreementTerm is the timeline's entry when an agreement's performance term
// has come: the committee follows up whether it was performed (人民调解法 第三十一条).
const ActionAgreementTerm = "agreement_term"

// SweepAgreementTerms tells, on the day a signed agreement's performance term (履行
// 期限) comes, the case's team and its centre's mediators and clerks to follow up its
// performance, once, with an event on the case; recording the performance answers it.
// It returns how many agreements it reminded of.
func (s *Service) SweepAgreementTerms(ctx context.Context, now time.Time) (int, error) {
	ctx = store.WithActor(ctx, systemActor)
	day := now.In(workflow.ChinaTime).Format(time.DateOnly)
	return sweepBatches(ctx, s.Store, store.NotAudited("the agreement-term sweep's reminders, on each case's timeline"),
		func() ([]store.Agreement, error) { return s.Store.AgreementTermsDue(ctx, day, 200) },
		func(tx *store.Tx, due store.Agreement) error {
			a, err := tx.AgreementForUpdate(ctx, due.ID)
			if err != nil {
				return err
			}
			c, err := tx.CaseForUpdate(ctx, a.CaseID)
			if err != nil {
				return err
			}
			a.PerformReminded, a.UpdatedAt = true, now
			if err := tx.UpdateAgreement(ctx, &a); err != nil {
				return err
			}
			text := "调解协议书 " + a.Number + " 履行期限 " + a.PerformBy + " 已到，请回访履行情况"
			if err := s.RecordEvent(ctx, tx, &c, 0, ActionAgreementTerm, text, map[string]any{"agreement_id": a.ID, "perform_by": a.PerformBy}, now); err != nil {
				return err
			}
			to, err := s.mediationFollowers(ctx, c)
			if err != nil {
				return err
			}
			return s.Tell(ctx, tx, to, &c, "agreement_term", "协议履行回访", text, now)
		})
}

// ReferralWarnDays is how many days before a referral's time limit (法院委派/委托调解
// 的期限) the responsible people are reminded: the limit's day and the three before it.
const ReferralWarnDays = 3

// Timeline actions of the referral-limit sweep.
const (
	ActionReferralLimit  = "referral_limit"  // the limit comes soon
	ActionReferralLapsed = "referral_lapsed" // it passed with the referral open
)

// SweepReferralLimits follows the time limits of open referrals: within
// ReferralWarnDays of its last day (that day included) it tells the case's team and
// its centre's mediators and clerks, once; the day after, still open, it marks the
// referral lapsed — flagged on the case, its timeline, and told again. A referral
// first seen after its limit is marked lapsed at once. It returns how many
// referrals it reminded of or marked.
func (s *Service) SweepReferralLimits(ctx context.Context, now time.Time) (int, error) {
	ctx = store.WithActor(ctx, systemActor)
	day := now.In(workflow.ChinaTime)
	today := day.Format(time.DateOnly)
	remindBy := day.AddDate(0, 0, ReferralWarnDays).Format(time.DateOnly)
	return sweepBatches(ctx, s.Store, store.NotAudited("the referral-limit sweep's reminders, on each case's timeline"),
		func() ([]store.Referral, error) { return s.Store.ReferralLimitsDue(ctx, remindBy, today, 200) },
		func(tx *store.Tx, f store.Referral) error {
			c, err := tx.CaseForUpdate(ctx, f.CaseID)
			if err != nil {
				return err
			}
			lapsed := f.TimeLimit < today
			if err := tx.MarkReferralLimit(ctx, f.ID, true, lapsed); err != nil {
				return err
			}
			what := referralWords(f)
			action, title, text := ActionReferralLimit, "对接期限将到", fmt.Sprintf("%s期限 %s 将到，请按期办结并反馈结果", what, f.TimeLimit)
			if lapsed {
				action, title, text = ActionReferralLapsed, "对接期限已过", fmt.Sprintf("%s期限 %s 已过，尚未办结，请尽快反馈结果或说明情况", what, f.TimeLimit)
			}
			if err := s.RecordEvent(ctx, tx, &c, 0, action, text, map[string]any{"referral_id": f.ID, "time_limit": f.TimeLimit}, now); err != nil {
				return err
			}
			to, err := s.mediationFollowers(ctx, c)
			if err != nil {
				return err
			}
			return s.Tell(ctx, tx, to, &c, action, title, text, now)
		})
}

// referralWords names a referral in a reminder: 法院委派调解（县人民法院，案号 …）.
func referralWords(f store.Referral) string {
	kind := map[string]string{"delegated": "法院委派调解", "entrusted": "法院委托调解"}[f.Kind]
	if kind == "" {
		kind = "对接"
	}
	w := kind + "（" + f.Body
	if f.ExternalNo != "" {
		w += "，案号 " + f.ExternalNo
	}
	return w + "）"
}

// mediationFollowers are who follow a case's mediation up: its team's accounts and
// the centre's mediators and clerks.
func (s *Service) mediationFollowers(ctx context.Context, c model.Case) ([]model.User, error) {
	to, err := s.teamAccounts(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, role := range []model.Role{model.RoleMediator, model.RoleClerk} {
		us, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: c.CentreID, Role: role})
		if err != nil {
			return nil, err
		}
		to = append(to, us...)
	}
	return to, nil
}

// teamAccounts are the active accounts of a case's live team members.
func (s *Service) teamAccounts(ctx context.Context, caseID int64) ([]model.User, error) {
	team, err := s.Store.CaseTeam(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []model.User
	for _, m := range team {
		if m.LeftAt != nil || m.AccountID == 0 {
			continue
		}
		u, err := s.Store.User(ctx, m.AccountID)
		if err != nil {
			return nil, err
		}
		if u.Active {
			out = append(out, u)
		}
	}
	return out, nil
}

// LookupPublic finds the case a citizen names by its tracking code and the last four
// digits of a party's phone, as the tracking page does; ErrNoMatch otherwise.
func (s *Service) LookupPublic(ctx context.Context, code, last4 string) (model.Case, error) {
	return s.lookupPublic(ctx, code, last4)
}
