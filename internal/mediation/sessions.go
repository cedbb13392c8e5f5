package mediation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Timeline actions of a case's mediation (they change no state).
const (
	ActionTeamAdd        = "team_add"
	ActionTeamRemove     = "team_remove"
	ActionSession        = "mediation_session"
	ActionAgreementDraft = "agreement_draft"
	ActionAgreementEdit  = "agreement_edit"
	ActionAgreementSign  = "agreement_sign"
	ActionPerformance    = "agreement_performance"
	ActionConfirmApply   = "confirm_apply"
	ActionConfirmRuling  = "confirm_ruling"
	ActionConfirmWaive   = "confirm_waive"
	ActionReferral       = "referral"
	ActionReferralResult = "referral_result"
	ActionHelpRequest    = "help_request"
)

// TimelineActions are the actions above, for the timeline's labels.
var TimelineActions = []string{ActionTeamAdd, ActionTeamRemove, ActionSession, ActionAgreementDraft, ActionAgreementEdit, ActionAgreementSign,
	ActionPerformance, ActionConfirmApply, ActionConfirmRuling, ActionConfirmWaive, ActionReferral, ActionReferralResult, ActionHelpRequest}

// Venues are where a session is held: the centre's mediation room, on site, a
// circuit court (巡回法庭), by video.
var Venues = []string{"centre", "on_site", "circuit_court", "video"}

// SessionResults are how a session ended: agreement reached, part of it, failed
// (人民调解法 第二十六条: the parties are told their other routes), adjourned.
var SessionResults = []string{"agreed", "partial", "failed", "adjourned"}

// SessionInput is a session as the mediator records it.
type SessionInput struct {
	OrgID      int64             `json:"org_id"`
	HeldAt     time.Time         `json:"held_at"`
	Venue      string            `json:"venue"`
	Place      string            `json:"place"`
	Mediators  string            `json:"mediators"`
	Attendees  string            `json:"attendees"`
	Statements []store.Statement `json:"statements"`
	Result     string            `json:"result"`
	Agreed     string            `json:"agreed"`
	WhyNot     string            `json:"why_not"`
}

// MaxStatements bounds the statements of one session.
const MaxStatements = 20

// RecordSession records a mediation session of case caseID (调解记录, 人民调解法
// 第二十七条): when and where, who mediated and attended, what each side said, and
// what was agreed or why not.
func (s *Service) RecordSession(ctx context.Context, p *auth.Principal, caseID int64, in SessionInput) (store.MediationSession, error) {
	m := store.MediationSession{CaseID: caseID}
	c, err := s.caseFor(ctx, p, auth.PermMediationRecord, caseID)
	if err != nil {
		return m, err
	}
	now := s.nowUTC()
	if in.HeldAt.IsZero() {
		return m, model.Invalid("held_at", "required", "invalid.required")
	}
	if in.HeldAt.After(now.Add(time.Hour)) {
		return m, model.Invalid("held_at", "future", "invalid.session.future")
	}
	if in.HeldAt.Before(c.CreatedAt.Add(-24 * time.Hour)) {
		return m, model.Invalid("held_at", "before_case", "invalid.session.before_case")
	}
	m.HeldAt = in.HeldAt.UTC()
	if !slices.Contains(Venues, in.Venue) {
		return m, model.Invalid("venue", "invalid", "invalid.session.venue")
	}
	m.Venue = in.Venue
	if in.OrgID != 0 {
		o, err := s.orgServing(ctx, in.OrgID, &c)
		if err != nil {
			return m, err
		}
		m.OrgID, m.OrgName = o.ID, o.Name
	}
	for _, f := range []struct {
		field string
		in    string
		out   *string
		max   int
		req   bool
	}{{"place", in.Place, &m.Place, 100, in.Venue == "on_site" || in.Venue == "circuit_court"}, {"mediators", in.Mediators, &m.Mediators, 100, true},
		{"attendees", in.Attendees, &m.Attendees, 500, false}, {"agreed", in.Agreed, &m.Agreed, 4000, in.Result == "agreed" || in.Result == "partial"},
		{"why_not", in.WhyNot, &m.WhyNot, 2000, in.Result == "failed"}} {
		if *f.out, err = cleanText(f.field, f.in, f.max, f.req); err != nil {
			return m, err
		}
	}
	if !slices.Contains(SessionResults, in.Result) {
		return m, model.Invalid("result", "invalid", "invalid.session.result")
	}
	m.Result = in.Result
	if len(in.Statements) > MaxStatements {
		return m, model.Invalid("statements", "too_many", "invalid.session.too_many", MaxStatements)
	}
	for i, st := range in.Statements {
		side, err := cleanText(fmt.Sprintf("statements.%d.side", i), st.Side, 20, false)
		if err != nil {
			return m, err
		}
		said, err := cleanText(fmt.Sprintf("statements.%d.said", i), st.Said, 4000, false)
		if err != nil {
			return m, err
		}
		if side == "" && said == "" {
			continue
		}
		if side == "" || said == "" {
			field := fmt.Sprintf("statements.%d.side", i)
			if said == "" {
				field = fmt.Sprintf("statements.%d.said", i)
			}
			return m, model.Invalid(field, "required", "invalid.required")
		}
		m.Statements = append(m.Statements, store.Statement{Side: side, Said: said})
	}
	m.RecordedBy, m.RecordedAt, m.Recorder = p.User.ID, now, p.User.DisplayName
	audit := store.Audited("case.mediation_session", fmt.Sprintf("case:%d", c.ID), fmt.Sprintf("调解记录：%s %s", m.HeldAt.In(workflow.ChinaTime).Format("2006-01-02 15:04"), m.Result))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := tx.InsertMediationSession(ctx, &m); err != nil {
			return err
		}
		text := fmt.Sprintf("%s %s，调解员 %s：%s", m.HeldAt.In(workflow.ChinaTime).Format("1月2日 15:04"), venueLabel(m.Venue), m.Mediators, resultLabel(m.Result))
		return s.Cases.RecordEvent(ctx, tx, &cc, p.User.ID, ActionSession, text, map[string]any{"session_id": m.ID, "venue": m.Venue, "result": m.Result}, now)
	})
	return m, err
}

// orgServing loads an active organisation that may mediate case c: at a region on
// the case's path or below it.
func (s *Service) orgServing(ctx context.Context, id int64, c *model.Case) (store.MediationOrg, error) {
	o, err := s.Store.MediationOrg(ctx, id)
	if err == nil && (!o.Active || !strings.HasPrefix(c.RegionPath, o.RegionPath) && !strings.HasPrefix(o.RegionPath, c.RegionPath)) {
		err = store.ErrNotFound
	}
	if err != nil {
		if err == store.ErrNotFound {
			return o, model.Invalid("org_id", "not_found", "invalid.mediation_org.not_found")
		}
		return o, err
	}
	return o, nil
}

func venueLabel(v string) string {
	return map[string]string{"centre": "中心调解室", "on_site": "现场", "circuit_court": "巡回法庭", "video": "视频"}[v]
}

func resultLabel(r string) string {
	return map[string]string{"agreed": "达成协议", "partial": "部分达成", "failed": "调解不成", "adjourned": "择期再调"}[r]
}
