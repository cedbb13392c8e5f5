package mediation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// referralKind is what one kind of referral is: its direction, the body it goes to or
// comes from, what it must carry, and the results it may end in.
type referralKind struct {
	direction string
	partners  []string // the first is the default
	needNo    bool     // the other body's case number (案号)
	needLimit bool     // a time limit (委派/委托调解)
	needAt    bool     // a sitting (巡回审判)
	needCase  bool     // a linked case of its own (legal aid)
	results   []string
}

// referralKinds: 诉调对接 in (the court's 委派 before filing, 委托 after), 警调/检调/
// 访调 in (transfer_in), and out: 网上立案 with its 案号, 诉前调解 by the court's
// mediators, a 巡回审判 sitting, a transfer to another body, and legal aid (法律援助)
// with a case of its own.
var referralKinds = map[string]referralKind{
	"delegated":      {direction: "in", partners: []string{"court"}, needNo: true, needLimit: true, results: []string{"mediated", "failed", "withdrawn"}},
	"entrusted":      {direction: "in", partners: []string{"court"}, needNo: true, needLimit: true, results: []string{"mediated", "failed", "withdrawn"}},
	"transfer_in":    {direction: "in", partners: []string{"police", "procuratorate", "petition", "other"}, results: []string{"mediated", "failed", "withdrawn"}},
	"online_filing":  {direction: "out", partners: []string{"court"}, results: []string{"filed", "mediated", "judged", "withdrawn", "rejected"}},
	"pre_litigation": {direction: "out", partners: []string{"court"}, results: []string{"mediated", "failed", "withdrawn"}},
	"circuit_trial":  {direction: "out", partners: []string{"court"}, needAt: true, results: []string{"mediated", "judged", "withdrawn"}},
	"transfer_out":   {direction: "out", partners: []string{"police", "procuratorate", "petition", "arbitration", "other"}, results: []string{"handled", "returned"}},
	"legal_aid":      {direction: "out", partners: []string{"legal_aid"}, needCase: true, results: []string{"granted", "refused"}},
}

// ReferralKinds lists the kinds in the order a form offers them.
var ReferralKinds = []string{"delegated", "entrusted", "transfer_in", "online_filing", "pre_litigation", "circuit_trial", "transfer_out", "legal_aid"}

// ReferralPartners are the bodies a referral goes to or comes from.
var ReferralPartners = []string{"court", "police", "procuratorate", "petition", "arbitration", "legal_aid", "other"}

// ReferralResults are every result a referral may end in.
var ReferralResults = []string{"mediated", "failed", "withdrawn", "filed", "judged", "rejected", "handled", "returned", "granted", "refused"}

// ResultsOf lists the results a referral of kind may end in.
func ResultsOf(kind string) []string { return referralKinds[kind].results }

// ReferralInput is a referral as the clerk records it.
type ReferralInput struct {
	Kind       string     `json:"kind"`
	Partner    string     `json:"partner"`
	Body       string     `json:"body"`        // the court's or office's name
	ExternalNo string     `json:"external_no"` // its case number (案号)
	TimeLimit  string     `json:"time_limit"`  // YYYY-MM-DD
	SessionAt  *time.Time `json:"session_at"`  // 巡回审判
	// LinkedCode is the tracking code of the legal-aid case, which is linked to this
	// one (关联案件, kind legal_aid).
	LinkedCode string `json:"linked_tracking_code"`
	Note       string `json:"note"`
}

// AddReferral records a referral of case caseID in or out, to be tracked to its result.
// A legal-aid referral names its own case, which is linked to this one.
func (s *Service) AddReferral(ctx context.Context, p *auth.Principal, caseID int64, in ReferralInput) (store.Referral, error) {
	f := store.Referral{CaseID: caseID, Kind: in.Kind}
	c, err := s.caseFor(ctx, p, auth.PermMediationRecord, caseID)
	if err != nil {
		return f, err
	}
	k, ok := referralKinds[in.Kind]
	if !ok {
		return f, model.Invalid("kind", "invalid", "invalid.referral.kind")
	}
	f.Direction, f.Partner = k.direction, k.partners[0]
	if in.Partner != "" {
		if !slices.Contains(k.partners, in.Partner) {
			return f, model.Invalid("partner", "invalid", "invalid.referral.partner")
		}
		f.Partner = in.Partner
	}
	if f.Body, err = cleanText("body", in.Body, 60, true); err != nil {
		return f, err
	}
	if f.ExternalNo, err = cleanText("external_no", in.ExternalNo, 60, k.needNo); err != nil {
		return f, err
	}
	if f.Note, err = cleanText("note", in.Note, 1000, false); err != nil {
		return f, err
	}
	f.TimeLimit = strings.TrimSpace(in.TimeLimit)
	if k.needLimit && f.TimeLimit == "" {
		return f, model.Invalid("time_limit", "required", "invalid.required")
	}
	if f.TimeLimit != "" {
		if _, err := time.Parse(time.DateOnly, f.TimeLimit); err != nil {
			return f, model.Invalid("time_limit", "date", "invalid.date_format")
		}
	}
	if in.SessionAt != nil && !in.SessionAt.IsZero() {
		at := in.SessionAt.UTC()
		f.SessionAt = &at
	} else if k.needAt {
		return f, model.Invalid("session_at", "required", "invalid.required")
	}
	now := s.nowUTC()
	if k.needCase {
		code := strings.ToUpper(strings.TrimSpace(in.LinkedCode))
		if code == "" {
			return f, model.Invalid("linked_tracking_code", "required", "invalid.required")
		}
		found, err := s.Store.Cases(ctx, store.CaseFilter{TrackingCode: code, Limit: 1}, cases.ScopeOf(p))
		if err != nil {
			return f, err
		}
		if len(found) == 0 || found[0].ID == c.ID {
			return f, model.Invalid("linked_tracking_code", "not_found", "invalid.link.not_found")
		}
		f.LinkedCaseID = found[0].ID
		// The two cases are linked as legal aid (a link made already stands).
		if _, err := s.Cases.Link(ctx, p, c.ID, cases.LinkInput{TrackingCode: code, Kind: model.LinkLegalAid}); err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Code != "linked" {
				return f, withField(err, "linked_tracking_code")
			}
		}
	}
	f.Status, f.CreatedBy, f.CreatedAt = "open", p.User.ID, now
	audit := store.Audited("case.referral", fmt.Sprintf("case:%d", c.ID), fmt.Sprintf("对接：%s %s %s", referralLabel(f.Kind), f.Body, f.ExternalNo))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := tx.InsertReferral(ctx, &f); err != nil {
			return err
		}
		text := fmt.Sprintf("%s：%s", referralLabel(f.Kind), f.Body)
		if f.ExternalNo != "" {
			text += "，案号 " + f.ExternalNo
		}
		if f.TimeLimit != "" {
			text += "，期限 " + f.TimeLimit
		}
		if f.SessionAt != nil {
			text += "，开庭 " + f.SessionAt.In(workflow.ChinaTime).Format("2006-01-02 15:04")
		}
		if err := s.Cases.RecordEvent(ctx, tx, &cc, p.User.ID, ActionReferral, text, map[string]any{"referral_id": f.ID, "kind": f.Kind, "direction": f.Direction}, now); err != nil {
			return err
		}
		if f.SessionAt == nil {
			return nil
		}
		// A sitting the team attends: each member is told, by text those without an account.
		users, phones, err := s.teamReach(ctx, cc.ID)
		if err != nil {
			return err
		}
		sitting := fmt.Sprintf("%s定于 %s 在%s开庭", referralLabel(f.Kind), f.SessionAt.In(workflow.ChinaTime).Format("2006-01-02 15:04"), f.Body)
		if err := s.Cases.Text(ctx, tx, phones, &cc, "session_scheduled", "调解开庭通知", sitting+"，请准时参加", now); err != nil {
			return err
		}
		return s.Cases.Tell(ctx, tx, users, &cc, "session_scheduled", "调解开庭通知", sitting, now)
	})
	return f, err
}

// withField moves a field error of another form onto field.
func withField(err error, field string) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.WithField(field)
	}
	return err
}

// ReferralResultInput is a referral's result.
type ReferralResultInput struct {
	Result     string `json:"result"`
	On         string `json:"on"`
	ExternalNo string `json:"external_no"` // the 案号 when it came with the result (立案)
	Note       string `json:"note"`
}

// CloseReferral records the result of referral refID of case caseID.
func (s *Service) CloseReferral(ctx context.Context, p *auth.Principal, caseID, refID int64, in ReferralResultInput) (store.Referral, error) {
	var f store.Referral
	c, err := s.caseFor(ctx, p, auth.PermMediationRecord, caseID)
	if err != nil {
		return f, err
	}
	now := s.nowUTC()
	day, err := s.pastDay("on", in.On, now)
	if err != nil {
		return f, err
	}
	note, err := cleanText("note", in.Note, 1000, false)
	if err != nil {
		return f, err
	}
	no, err := cleanText("external_no", in.ExternalNo, 60, false)
	if err != nil {
		return f, err
	}
	audit := store.Audited("case.referral_result", fmt.Sprintf("case:%d", c.ID), fmt.Sprintf("对接结果：%d %s", refID, in.Result))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		if f, err = tx.ReferralOf(ctx, c.ID, refID); err != nil {
			return err
		}
		if f.Status != "open" {
			return model.Invalid("result", "closed", "invalid.referral.closed")
		}
		if !slices.Contains(ResultsOf(f.Kind), in.Result) {
			return model.Invalid("result", "invalid", "invalid.referral.result")
		}
		if no != "" {
			f.ExternalNo = no
		}
		if in.Result == "filed" && f.ExternalNo == "" {
			return model.Invalid("external_no", "required", "invalid.referral.filed_needs_no")
		}
		if day < f.CreatedAt.In(workflow.ChinaTime).Format(time.DateOnly) {
			return model.Invalid("on", "before_referral", "invalid.referral.before_referral")
		}
		f.Result, f.ResultOn, f.ResultNote, f.ClosedBy = in.Result, day, note, p.User.ID
		if err := tx.CloseReferral(ctx, &f); err != nil {
			return err
		}
		text := fmt.Sprintf("%s（%s）结果：%s", referralLabel(f.Kind), f.Body, referralResultLabel(f.Result))
		if f.ExternalNo != "" {
			text += "，案号 " + f.ExternalNo
		}
		if note != "" {
			text += "。" + note
		}
		return s.Cases.RecordEvent(ctx, tx, &cc, p.User.ID, ActionReferralResult, text, map[string]any{"referral_id": f.ID, "result": f.Result}, now)
	})
	return f, err
}

func referralLabel(k string) string {
	return map[string]string{"delegated": "法院委派调解", "entrusted": "法院委托调解", "transfer_in": "移交调解", "online_filing": "网上立案",
		"pre_litigation": "诉前调解", "circuit_trial": "巡回审判", "transfer_out": "移交", "legal_aid": "法律援助"}[k]
}

func referralResultLabel(r string) string {
	return map[string]string{"mediated": "调解成功", "failed": "调解不成", "withdrawn": "撤回", "filed": "已立案", "judged": "已判决", "rejected": "不予受理",
		"handled": "已办理", "returned": "退回", "granted": "给予援助", "refused": "不予援助"}[r]
}

// HelpKinds are the kinds of help a citizen may ask for (点菜式).
var HelpKinds = []string{"mediator", "lawyer", "legal_aid", "psychologist", "specialist"}

// RequestHelp records a kind of help the citizen asked for on case c (from the portal,
// with the case's tracking code and phone checked by the caller, or at the desk).
// Each kind is asked once while it is not met.
func (s *Service) RequestHelp(ctx context.Context, c *model.Case, kinds []string, note, source string) ([]store.HelpRequest, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	note, err := cleanText("help_note", note, 200, false)
	if err != nil {
		return nil, err
	}
	have, err := s.Store.CaseHelpRequests(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []store.HelpRequest
	now := s.nowUTC()
	for _, k := range kinds {
		if !slices.Contains(HelpKinds, k) {
			return nil, model.Invalid("help", "invalid", "invalid.help.kind")
		}
		if slices.ContainsFunc(have, func(h store.HelpRequest) bool { return h.Kind == k && h.MetAt == nil }) ||
			slices.ContainsFunc(out, func(h store.HelpRequest) bool { return h.Kind == k }) {
			continue
		}
		out = append(out, store.HelpRequest{CaseID: c.ID, Kind: k, Note: note, Source: source, CreatedAt: now})
	}
	if len(out) == 0 {
		return nil, nil
	}
	words := make([]string, len(out))
	for i, h := range out {
		words[i] = helpLabel(h.Kind)
	}
	audit := store.Audited("case.help_request", fmt.Sprintf("case:%d", c.ID), "群众点单："+strings.Join(words, "、"))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		for i := range out {
			if err := tx.InsertHelpRequest(ctx, &out[i]); err != nil {
				return err
			}
		}
		text := "群众点单，请求：" + strings.Join(words, "、")
		if note != "" {
			text += "。" + note
		}
		if err := s.Cases.RecordEvent(ctx, tx, &cc, 0, ActionHelpRequest, text, map[string]any{"kinds": kinds, "source": source}, now); err != nil {
			return err
		}
		clerks, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: cc.CentreID, Role: model.RoleClerk})
		if err != nil {
			return err
		}
		return s.Cases.Tell(ctx, tx, clerks, &cc, "help_request", "群众点单", text, now)
	})
	return out, err
}

func helpLabel(k string) string {
	return map[string]string{"mediator": "调解员", "lawyer": "律师", "legal_aid": "法律援助", "psychologist": "心理咨询师", "specialist": "专家"}[k]
}

// Records is everything of a case's mediation, as a reader of the case sees it.
type Records struct {
	Team       []store.CaseTeamMember   `json:"team"`
	Sessions   []store.MediationSession `json:"sessions"`
	Agreements []store.Agreement        `json:"agreements"`
	Referrals  []store.Referral         `json:"referrals"`
	Help       []store.HelpRequest      `json:"help_requests"`
	// ConfirmDue is the last moment to apply for the judicial confirmation of the
	// agreement awaiting it, when the case runs that clock.
	ConfirmDue *time.Time `json:"confirm_due,omitempty"`
}

// CaseRecords reads the mediation of case c, which p has read.
func (s *Service) CaseRecords(ctx context.Context, p *auth.Principal, c *model.Case) (Records, error) {
	var r Records
	var err error
	if r.Team, err = s.Store.CaseTeam(ctx, c.ID); err != nil {
		return r, err
	}
	if r.Sessions, err = s.Store.CaseSessions(ctx, c.ID); err != nil {
		return r, err
	}
	if r.Agreements, err = s.Store.CaseAgreements(ctx, c.ID); err != nil {
		return r, err
	}
	for i := range r.Agreements {
		r.Agreements[i] = readable(r.Agreements[i])
	}
	if r.Referrals, err = s.Store.CaseReferrals(ctx, c.ID); err != nil {
		return r, err
	}
	if r.Help, err = s.Store.CaseHelpRequests(ctx, c.ID); err != nil {
		return r, err
	}
	if c.DueStage == string(workflow.StageConfirm) {
		r.ConfirmDue = c.DueAt
	}
	return r, nil
}

// Records reads the mediation of case caseID for p.
func (s *Service) Records(ctx context.Context, p *auth.Principal, caseID int64) (Records, error) {
	c, err := s.Cases.Get(ctx, p, caseID)
	if err != nil {
		return Records{}, err
	}
	return s.CaseRecords(ctx, p, &c)
}
