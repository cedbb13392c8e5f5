package mediation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// AgreementInput is an agreement's text as the mediator drafts it (人民调解法 第二十九条):
// the parties and their particulars, the dispute's main facts and items, each side's
// responsibility, what they agreed, how and by when it is performed, the mediator.
type AgreementInput struct {
	OrgID            int64                  `json:"org_id"`
	Parties          []store.AgreementParty `json:"parties"`
	Facts            string                 `json:"facts"`
	Items            string                 `json:"items"`
	Responsibilities string                 `json:"responsibilities"`
	Content          string                 `json:"content"`
	PerformWay       string                 `json:"perform_way"`
	PerformBy        string                 `json:"perform_by"`
	Mediator         string                 `json:"mediator"`
	Version          int                    `json:"version"` // editing: the version read, 0 for any
}

// MaxAgreementParties bounds an agreement's parties (a group case of dozens of
// households names them, or their representatives).
const MaxAgreementParties = 100

// AgreementNumber is an agreement's number as it is printed: 康调字〔2026〕第12号.
func AgreementNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕第%d号", prefix, year, seq)
}

// numberPrefix is an organisation's 机关代字: its own, or the first character of its
// region's name and 调字 (康乐县 → 康调字).
func numberPrefix(o store.MediationOrg) string {
	if o.NumberPrefix != "" {
		return o.NumberPrefix
	}
	r, _ := utf8.DecodeRuneInString(o.RegionName)
	if r == utf8.RuneError {
		return "调字"
	}
	return string(r) + "调字"
}

// checkAgreement validates in into a, keeping the particulars of a party that come
// back as masked as they were shown (readers only ever see them masked).
func checkAgreement(in AgreementInput, a *store.Agreement, c *model.Case) error {
	if len(in.Parties) == 0 && len(a.Parties) == 0 {
		in.Parties = partiesOf(c)
	}
	if len(in.Parties) > MaxAgreementParties {
		return model.Invalid("parties", "too_many", "invalid.agreement.too_many_parties", MaxAgreementParties)
	}
	old := a.Parties
	var parties []store.AgreementParty
	for i, pt := range in.Parties {
		var err error
		var q store.AgreementParty
		if q.Role, err = cleanText(fmt.Sprintf("parties.%d.role", i), pt.Role, 20, false); err != nil {
			return err
		}
		if q.Name, err = cleanText(fmt.Sprintf("parties.%d.name", i), pt.Name, 60, false); err != nil {
			return err
		}
		if q.Particulars, err = cleanText(fmt.Sprintf("parties.%d.particulars", i), pt.Particulars, 300, false); err != nil {
			return err
		}
		if q.Name == "" && q.Particulars == "" {
			continue
		}
		if q.Name == "" {
			return model.Invalid(fmt.Sprintf("parties.%d.name", i), "required", "invalid.required")
		}
		if i < len(old) && q.Particulars == maskParticulars(old[i].Particulars) {
			q.Particulars = old[i].Particulars
		}
		parties = append(parties, q)
	}
	a.Parties = parties
	var err error
	for _, f := range []struct {
		field, in string
		out       *string
		max       int
	}{{"facts", in.Facts, &a.Facts, 4000}, {"items", in.Items, &a.Items, 2000}, {"responsibilities", in.Responsibilities, &a.Responsibilities, 2000},
		{"content", in.Content, &a.Content, 4000}, {"perform_way", in.PerformWay, &a.PerformWay, 1000}, {"mediator", in.Mediator, &a.Mediator, 60}} {
		if *f.out, err = cleanText(f.field, f.in, f.max, false); err != nil {
			return err
		}
	}
	a.PerformBy = strings.TrimSpace(in.PerformBy)
	if a.PerformBy != "" {
		if _, err := time.Parse(time.DateOnly, a.PerformBy); err != nil {
			return model.Invalid("perform_by", "date", "invalid.date_format")
		}
	}
	return nil
}

// partiesOf is the parties of c as an agreement first names them: role, name and
// particulars from the case (ID number, phone, address).
func partiesOf(c *model.Case) []store.AgreementParty {
	var out []store.AgreementParty
	for _, pt := range c.Parties {
		var bits []string
		if pt.IDNumber != "" {
			bits = append(bits, "身份证号 "+pt.IDNumber)
		}
		if pt.Phone != "" {
			bits = append(bits, "电话 "+pt.Phone)
		}
		if pt.Address != "" {
			bits = append(bits, "住址 "+pt.Address)
		}
		out = append(out, store.AgreementParty{Role: partyRoleLabel(string(pt.Role)), Name: pt.Name, Particulars: strings.Join(bits, "，")})
	}
	return out
}

func partyRoleLabel(r string) string {
	if l, ok := map[string]string{"applicant": "申请人", "respondent": "被申请人", "other": "第三人"}[r]; ok {
		return l
	}
	return "当事人"
}

// maskParticulars is a party's particulars as readers see them: phones and ID numbers
// masked as every list masks them (model.MaskParticulars, the one rule).
func maskParticulars(s string) string { return model.MaskParticulars(s) }

// readable is a as a reader sees it: particulars masked.
func readable(a store.Agreement) store.Agreement {
	parties := slices.Clone(a.Parties)
	for i := range parties {
		parties[i].Particulars = maskParticulars(parties[i].Particulars)
	}
	a.Parties = parties
	return a
}

// DraftAgreement makes case caseID's agreement as a draft, numbered at once by its
// organisation for the year (no gaps, no repeats: the number is taken in the same
// transaction). Left empty, the parties come from the case.
func (s *Service) DraftAgreement(ctx context.Context, p *auth.Principal, caseID int64, in AgreementInput) (store.Agreement, error) {
	var a store.Agreement
	c, err := s.caseFor(ctx, p, auth.PermMediationRecord, caseID)
	if err != nil {
		return a, err
	}
	if in.OrgID == 0 {
		return a, model.Invalid("org_id", "required", "invalid.required")
	}
	o, err := s.orgServing(ctx, in.OrgID, &c)
	if err != nil {
		return a, err
	}
	if err := checkAgreement(in, &a, &c); err != nil {
		return a, err
	}
	now := s.nowUTC()
	a.CaseID, a.OrgID, a.OrgName, a.Status, a.CreatedBy, a.CreatedAt, a.UpdatedAt = c.ID, o.ID, o.Name, "draft", p.User.ID, now, now
	a.Year = now.In(workflow.ChinaTime).Year()
	audit := store.Audited("case.agreement_draft", fmt.Sprintf("case:%d", c.ID), "调解协议书（草稿） "+o.Name)
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		if a.Seq, err = tx.NextAgreementSeq(ctx, o.ID, a.Year); err != nil {
			return err
		}
		a.Number = AgreementNumber(numberPrefix(o), a.Year, a.Seq)
		if err := tx.InsertAgreement(ctx, &a); err != nil {
			return err
		}
		return s.Cases.RecordEvent(ctx, tx, &cc, p.User.ID, ActionAgreementDraft, "调解协议书 "+a.Number+"（草稿）",
			map[string]any{"agreement_id": a.ID, "number": a.Number}, now)
	})
	return readable(a), err
}

// agreementFor loads agreement id of a case p may see with perm, inside tx, and the
// case locked.
func (s *Service) agreementFor(ctx context.Context, tx *store.Tx, p *auth.Principal, id int64) (store.Agreement, model.Case, error) {
	a, err := tx.AgreementForUpdate(ctx, id)
	if err != nil {
		return a, model.Case{}, err
	}
	if _, err := s.caseFor(ctx, p, auth.PermMediationRecord, a.CaseID); err != nil {
		return a, model.Case{}, err
	}
	c, err := tx.CaseForUpdate(ctx, a.CaseID)
	return a, c, err
}

// EditAgreement changes a draft agreement; once signed it is what the parties signed
// and no longer changes.
func (s *Service) EditAgreement(ctx context.Context, p *auth.Principal, id int64, in AgreementInput) (store.Agreement, error) {
	if err := p.Require(auth.PermMediationRecord); err != nil {
		return store.Agreement{}, err
	}
	var a store.Agreement
	now := s.nowUTC()
	audit := store.Audited("case.agreement_edit", fmt.Sprintf("agreement:%d", id), "修改调解协议书草稿")
	err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var c model.Case
		var err error
		if a, c, err = s.agreementFor(ctx, tx, p, id); err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("case:%d", c.ID))
		if a.Status != "draft" {
			return model.Invalid("content", "signed", "invalid.agreement.signed")
		}
		if in.Version != 0 && in.Version != a.Version {
			return store.ErrStale
		}
		if err := checkAgreement(in, &a, &c); err != nil {
			return err
		}
		a.UpdatedAt = now
		if err := tx.UpdateAgreement(ctx, &a); err != nil {
			return err
		}
		return s.Cases.RecordEvent(ctx, tx, &c, p.User.ID, ActionAgreementEdit, "修改调解协议书 "+a.Number, map[string]any{"agreement_id": a.ID}, now)
	})
	return readable(a), err
}

// SignInput records an agreement's signing.
type SignInput struct {
	SignedOn     string `json:"signed_on"`     // YYYY-MM-DD: the day the last party, the mediator and the seal signed
	AttachmentID int64  `json:"attachment_id"` // the scanned signed copy, attached to the case
}

// SignAgreement records that every party signed (or sealed, or fingerprinted), the
// mediator signed and the committee sealed: the agreement takes effect on that day
// (第二十九条) and can no longer change. Its text must be complete. On a case that
// ended with a written agreement, the 30-day confirmation window starts (第三十三条).
func (s *Service) SignAgreement(ctx context.Context, p *auth.Principal, id int64, in SignInput) (store.Agreement, error) {
	if err := p.Require(auth.PermMediationRecord); err != nil {
		return store.Agreement{}, err
	}
	var a store.Agreement
	now := s.nowUTC()
	day, err := s.pastDay("signed_on", in.SignedOn, now)
	if err != nil {
		return a, err
	}
	audit := store.Audited("case.agreement_sign", fmt.Sprintf("agreement:%d", id), "调解协议书签署 "+day)
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var c model.Case
		var err error
		if a, c, err = s.agreementFor(ctx, tx, p, id); err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("case:%d", c.ID))
		if a.Status != "draft" {
			return model.Invalid("signed_on", "signed", "invalid.agreement.signed")
		}
		if day < a.CreatedAt.In(workflow.ChinaTime).Format(time.DateOnly) {
			return model.Invalid("signed_on", "before_draft", "invalid.agreement.before_draft")
		}
		if err := complete(a); err != nil {
			return err
		}
		if in.AttachmentID == 0 {
			return model.Invalid("attachment_id", "required", "invalid.agreement.copy_required")
		}
		if !attachmentOf(ctx, s.Store, c.ID, in.AttachmentID) {
			return model.Invalid("attachment_id", "not_found", "invalid.agreement.copy_not_found")
		}
		a.Status, a.SignedOn, a.SignedCopyID, a.SignedBy, a.UpdatedAt = "signed", day, in.AttachmentID, p.User.ID, now
		if err := tx.UpdateAgreement(ctx, &a); err != nil {
			return err
		}
		if err := s.Cases.SyncConfirmClock(ctx, tx, &c); err != nil {
			return err
		}
		text := fmt.Sprintf("调解协议书 %s 已签署，%s 生效", a.Number, day)
		if a.PerformBy != "" {
			text += "；履行期限 " + a.PerformBy
		}
		return s.Cases.RecordEvent(ctx, tx, &c, p.User.ID, ActionAgreementSign, text, map[string]any{"agreement_id": a.ID, "signed_on": day, "attachment_id": in.AttachmentID}, now)
	})
	return readable(a), err
}

// complete names the first part of a's text 第二十九条 requires that is missing.
func complete(a store.Agreement) error {
	if len(a.Parties) < 2 {
		return model.Invalid("parties", "too_few", "invalid.agreement.too_few_parties")
	}
	for _, f := range []struct{ field, v string }{{"facts", a.Facts}, {"items", a.Items}, {"content", a.Content}, {"perform_way", a.PerformWay}, {"mediator", a.Mediator}} {
		if f.v == "" {
			return model.Invalid(f.field, "required", "invalid.agreement.incomplete")
		}
	}
	return nil
}

// attachmentOf reports whether attachment id belongs to case caseID.
func attachmentOf(ctx context.Context, st *store.Store, caseID, id int64) bool {
	list, err := st.Attachments(ctx, caseID)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(list, func(a model.Attachment) bool { return a.ID == id })
}

// pastDay reads a day (YYYY-MM-DD) no later than today in China.
func (s *Service) pastDay(field, day string, now time.Time) (string, error) {
	day = strings.TrimSpace(day)
	if day == "" {
		return "", model.Invalid(field, "required", "invalid.required")
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return "", model.Invalid(field, "date", "invalid.date_format")
	}
	if day > now.In(workflow.ChinaTime).Format(time.DateOnly) {
		return "", model.Invalid(field, "future", "invalid.date_future")
	}
	return day, nil
}

// PerformanceInput records how a signed agreement was performed (第三十一条: the
// committee supervises performance).
type PerformanceInput struct {
	Performed string `json:"performed"` // performed, partial, not_performed
	On        string `json:"on"`
	Note      string `json:"note"`
}

// Performances are how an agreement was performed.
var Performances = []string{"performed", "partial", "not_performed"}

// RecordPerformance records the performance of a signed agreement, as followed up on
// its term.
func (s *Service) RecordPerformance(ctx context.Context, p *auth.Principal, id int64, in PerformanceInput) (store.Agreement, error) {
	if err := p.Require(auth.PermMediationRecord); err != nil {
		return store.Agreement{}, err
	}
	var a store.Agreement
	now := s.nowUTC()
	if !slices.Contains(Performances, in.Performed) {
		return a, model.Invalid("performed", "invalid", "invalid.agreement.performed")
	}
	day, err := s.pastDay("on", in.On, now)
	if err != nil {
		return a, err
	}
	note, err := cleanText("note", in.Note, 1000, in.Performed != "performed")
	if err != nil {
		return a, err
	}
	audit := store.Audited("case.agreement_performance", fmt.Sprintf("agreement:%d", id), "协议履行情况 "+in.Performed)
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var c model.Case
		var err error
		if a, c, err = s.agreementFor(ctx, tx, p, id); err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("case:%d", c.ID))
		if a.Status != "signed" {
			return model.Invalid("performed", "unsigned", "invalid.agreement.unsigned")
		}
		if day < a.SignedOn {
			return model.Invalid("on", "before_signing", "invalid.agreement.before_signing")
		}
		a.Performed, a.PerformedOn, a.PerformedNote, a.UpdatedAt = in.Performed, day, note, now
		if err := tx.UpdateAgreement(ctx, &a); err != nil {
			return err
		}
		text := fmt.Sprintf("协议 %s 履行情况：%s（%s）", a.Number, performedLabel(in.Performed), day)
		if note != "" {
			text += "。" + note
		}
		return s.Cases.RecordEvent(ctx, tx, &c, p.User.ID, ActionPerformance, text, map[string]any{"agreement_id": a.ID, "performed": in.Performed}, now)
	})
	return readable(a), err
}

func performedLabel(v string) string {
	return map[string]string{"performed": "已履行", "partial": "部分履行", "not_performed": "未履行"}[v]
}

// ConfirmInput is a step of an agreement's judicial confirmation (司法确认, 第三十三条):
// apply (the court, the day, its case number), ruling (confirmed or rejected, the
// day), or waive (the parties do not apply).
type ConfirmInput struct {
	Step      string `json:"step"` // apply, ruling, waive
	Court     string `json:"court"`
	AppliedOn string `json:"applied_on"`
	CaseNo    string `json:"case_no"`
	Ruling    string `json:"ruling"` // confirmed, rejected
	RulingOn  string `json:"ruling_on"`
	Note      string `json:"note"`
}

// ConfirmSteps are the steps of a judicial confirmation.
var ConfirmSteps = []string{"apply", "ruling", "waive"}

// Confirm records a step of a signed agreement's judicial confirmation. The parties
// apply within 30 days of its effect (the day it was signed, and the 30 days after);
// the application, or their choice not to apply, ends the window on the case's clock.
func (s *Service) Confirm(ctx context.Context, p *auth.Principal, id int64, in ConfirmInput) (store.Agreement, error) {
	if err := p.Require(auth.PermMediationRecord); err != nil {
		return store.Agreement{}, err
	}
	var a store.Agreement
	if !slices.Contains(ConfirmSteps, in.Step) {
		return a, model.Invalid("step", "invalid", "invalid.confirm.step")
	}
	now := s.nowUTC()
	note, err := cleanText("note", in.Note, 1000, in.Step == "waive")
	if err != nil {
		return a, err
	}
	op := map[string]string{"apply": "case.confirm_apply", "ruling": "case.confirm_ruling", "waive": "case.confirm_waive"}[in.Step]
	audit := store.Audited(op, fmt.Sprintf("agreement:%d", id), "司法确认 "+in.Step)
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var c model.Case
		var err error
		if a, c, err = s.agreementFor(ctx, tx, p, id); err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("case:%d", c.ID))
		if a.Status != "signed" {
			return model.Invalid("step", "unsigned", "invalid.agreement.unsigned")
		}
		var action, text string
		payload := map[string]any{"agreement_id": a.ID}
		switch in.Step {
		case "apply", "waive":
			if a.ConfirmStatus != "" {
				return model.Invalid("step", "done", "invalid.confirm.done")
			}
			if in.Step == "waive" {
				a.ConfirmStatus, a.ConfirmNote = "waived", note
				action, text = ActionConfirmWaive, fmt.Sprintf("协议 %s：当事人不申请司法确认。%s", a.Number, note)
				break
			}
			if a.ConfirmCourt, err = cleanText("court", in.Court, 60, true); err != nil {
				return err
			}
			day, err := s.pastDay("applied_on", in.AppliedOn, now)
			if err != nil {
				return err
			}
			if day < a.SignedOn {
				return model.Invalid("applied_on", "before_signing", "invalid.agreement.before_signing")
			}
			due, err := s.Cases.ConfirmDue(ctx, &c, a.SignedOn)
			if err != nil {
				return err
			}
			if last := due.In(workflow.ChinaTime).Format(time.DateOnly); day > last {
				return model.Invalid("applied_on", "window_closed", "invalid.confirm.window_closed", last)
			}
			if a.ConfirmCaseNo, err = cleanText("case_no", in.CaseNo, 60, false); err != nil {
				return err
			}
			a.ConfirmStatus, a.ConfirmAppliedOn, a.ConfirmNote = "applied", day, note
			payload["court"], payload["applied_on"], payload["case_no"] = a.ConfirmCourt, day, a.ConfirmCaseNo
			action, text = ActionConfirmApply, fmt.Sprintf("协议 %s 已向%s申请司法确认（%s）", a.Number, a.ConfirmCourt, day)
			if a.ConfirmCaseNo != "" {
				text += "，案号 " + a.ConfirmCaseNo
			}
		case "ruling":
			if a.ConfirmStatus != "applied" {
				return model.Invalid("step", "not_applied", "invalid.confirm.not_applied")
			}
			if in.Ruling != "confirmed" && in.Ruling != "rejected" {
				return model.Invalid("ruling", "invalid", "invalid.confirm.ruling")
			}
			day, err := s.pastDay("ruling_on", in.RulingOn, now)
			if err != nil {
				return err
			}
			if day < a.ConfirmAppliedOn {
				return model.Invalid("ruling_on", "before_application", "invalid.confirm.before_application")
			}
			if no := strings.TrimSpace(in.CaseNo); no != "" {
				if a.ConfirmCaseNo, err = cleanText("case_no", no, 60, false); err != nil {
					return err
				}
			}
			a.ConfirmStatus, a.ConfirmRulingOn = in.Ruling, day
			if note != "" {
				a.ConfirmNote = note
			}
			payload["ruling"], payload["ruling_on"] = in.Ruling, day
			word := "确认有效"
			if in.Ruling == "rejected" {
				word = "驳回申请（可重新调解或起诉）"
			}
			action, text = ActionConfirmRuling, fmt.Sprintf("协议 %s 司法确认裁定：%s（%s）", a.Number, word, day)
		}
		a.UpdatedAt = now
		if err := tx.UpdateAgreement(ctx, &a); err != nil {
			return err
		}
		if err := s.Cases.SyncConfirmClock(ctx, tx, &c); err != nil {
			return err
		}
		return s.Cases.RecordEvent(ctx, tx, &c, p.User.ID, action, strings.TrimSuffix(text, "。"), payload, now)
	})
	return readable(a), err
}
