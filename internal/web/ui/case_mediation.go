package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// The case page's 调解与对接 section: the case team (包案/“1131”), the mediation
// sessions, the agreements with their signing, performance and judicial confirmation,
// the referrals to and from the courts and other bodies, and what the citizen asked
// for (点菜式). Each form posts to its own route here and comes back to the case page.

// Form keys of the section, to reopen the one refused with its input.
const (
	teamFormKey      = "team"
	sessionFormKey   = "session"
	agreementFormKey = "agreement" // the draft form; an agreement's own forms add its id
	referralFormKey  = "referral"
)

// mediationSection is what the case page shows of its mediation.
type mediationSection struct {
	mediation.Records
	Failed       string // the form refused on this answer
	CanTeam      bool   // may form the team
	CanRecord    bool   // may record sessions, agreements, referrals
	Open         bool   // the case is open: the team may still change
	Orgs         []store.MediationOrg
	Staff        []model.User   // accounts that may join the team (those who see the case)
	Pool         []store.Talent // people of the pool serving the case's place today
	Roles        []string
	Venues       []string
	Results      []string
	Kinds        []string // referral kinds
	Partners     []string
	Performances []string
	Agreements   []agreementRow
	Referrals    []referralRow
	Now          string // datetime-local value of now, China time
	Today        string
}

type agreementRow struct {
	store.Agreement
	Failed    string // which of its forms was refused: edit, sign, performance, confirmation
	Blank     []int  // blank party rows the edit form adds
	PartyRows int
}

type referralRow struct {
	store.Referral
	Results []string
	Failed  bool
}

// caseMediation builds the section for c; nil when there is nothing to show or do.
func (u *UI) caseMediation(ctx context.Context, p *auth.Principal, c *model.Case, failed string) (*mediationSection, error) {
	if u.Mediation == nil {
		return nil, nil
	}
	recs, err := u.Mediation.CaseRecords(ctx, p, c)
	if err != nil {
		return nil, err
	}
	now := u.Cases.Now().In(cst)
	sec := &mediationSection{Records: recs, Failed: failed, CanTeam: p.Can(auth.PermCaseTeam), CanRecord: p.Can(auth.PermMediationRecord),
		Open: workflow.State(c.State).Open(), Roles: mediation.TeamRoles, Venues: mediation.Venues, Results: mediation.SessionResults,
		Kinds: mediation.ReferralKinds, Partners: mediation.ReferralPartners, Performances: mediation.Performances,
		Now: now.Format("2006-01-02T15:04"), Today: now.Format(time.DateOnly)}
	for _, a := range recs.Agreements {
		row := agreementRow{Agreement: a, PartyRows: len(a.Parties)}
		if k, ok := strings.CutPrefix(failed, fmt.Sprintf("agreement-%d-", a.ID)); ok {
			row.Failed = k
		}
		row.Blank = []int{len(a.Parties), len(a.Parties) + 1}
		sec.Agreements = append(sec.Agreements, row)
	}
	for _, f := range recs.Referrals {
		sec.Referrals = append(sec.Referrals, referralRow{Referral: f, Results: mediation.ResultsOf(f.Kind), Failed: failed == fmt.Sprintf("referral-%d", f.ID)})
	}
	if sec.CanRecord {
		orgs, err := u.Mediation.Orgs(ctx, p)
		if err != nil && !isForbidden(err) {
			return nil, err
		}
		for _, o := range orgs {
			if o.Active && (strings.HasPrefix(c.RegionPath, o.RegionPath) || strings.HasPrefix(o.RegionPath, c.RegionPath)) {
				sec.Orgs = append(sec.Orgs, o)
			}
		}
	}
	if sec.CanTeam && sec.Open {
		// Staff who may join: the active accounts of the case's centre and the centres
		// above it (leaders, clerks, mediators).
		us, err := u.Store.ActiveUsers(ctx, store.UserFilter{Covering: c.RegionPath})
		if err != nil {
			return nil, err
		}
		for _, x := range us {
			if x.Has(model.RoleLeader) || x.Has(model.RoleClerk) || x.Has(model.RoleMediator) {
				sec.Staff = append(sec.Staff, x)
			}
		}
		if p.Can(auth.PermMediationRead) {
			pool, err := u.Store.TalentPool(ctx, store.TalentFilter{Within: c.RegionPath, Above: c.RegionPath, Day: sec.Today})
			if err != nil {
				return nil, err
			}
			sec.Pool = pool
		}
	}
	if len(recs.Team)+len(recs.Sessions)+len(recs.Agreements)+len(recs.Referrals)+len(recs.Help) == 0 && !sec.CanTeam && !sec.CanRecord {
		return nil, nil
	}
	return sec, nil
}

// isForbidden reports an auth.ErrForbidden.
func isForbidden(err error) bool { return errors.Is(err, auth.ErrForbidden) }

// mediationPost runs one of the section's forms for a holder of perm: do with the case id, back to the case
// page with notice, or the page again with the refused form open.
func (u *UI) mediationPost(w http.ResponseWriter, r *http.Request, perm auth.Permission, formKey func(id int64) string, notice string, do func(p *auth.Principal, caseID int64) error) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if err := httpx.Principal(r).Require(perm); err != nil {
		u.renderError(w, r, err)
		return
	}
	if err := do(httpx.Principal(r), id); err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderCase(w, r, id, ce.Status, formKey(id), ce)
		return
	}
	// Back to the section: the fragment after the notice's query.
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"?notice="+notice+"#mediation", http.StatusSeeOther)
}

func fixed(key string) func(int64) string { return func(int64) string { return key } }

// formID reads an optional id of a form: 0 when empty.
func formID(r *http.Request, field string) (int64, error) {
	if strings.TrimSpace(r.PostFormValue(field)) == "" {
		return 0, nil
	}
	return httpx.FormInt(r, field)
}

// caseTeamAdd puts a member on the case's team (from the form or, in one click, from
// a recommendation).
func (u *UI) caseTeamAdd(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermCaseTeam, fixed(teamFormKey), "team_added", func(p *auth.Principal, id int64) error {
		in := mediation.TeamInput{Role: r.PostFormValue("role"), Note: r.PostFormValue("team_note")}
		var err error
		if in.UserID, err = formID(r, "user_id"); err != nil {
			return err
		}
		if in.TalentID, err = formID(r, "talent_id"); err != nil {
			return err
		}
		_, err = u.Mediation.AddTeamMember(r.Context(), p, id, in)
		return err
	})
}

// caseTeamRemove takes a member off the team.
func (u *UI) caseTeamRemove(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermCaseTeam, fixed(teamFormKey), "team_removed", func(p *auth.Principal, id int64) error {
		mid, err := httpx.PathID(r, "mid")
		if err != nil {
			return err
		}
		return u.Mediation.RemoveTeamMember(r.Context(), p, id, mid, r.PostFormValue("team_note"))
	})
}

// caseSessionRecord records a mediation session.
func (u *UI) caseSessionRecord(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, fixed(sessionFormKey), "session_recorded", func(p *auth.Principal, id int64) error {
		in := mediation.SessionInput{Venue: r.PostFormValue("venue"), Place: r.PostFormValue("place"), Mediators: r.PostFormValue("mediators"),
			Attendees: r.PostFormValue("attendees"), Result: r.PostFormValue("session_result"), Agreed: r.PostFormValue("agreed"), WhyNot: r.PostFormValue("why_not")}
		var err error
		if in.OrgID, err = formID(r, "org_id"); err != nil {
			return err
		}
		if v := r.PostFormValue("held_at"); v != "" {
			if in.HeldAt, err = time.ParseInLocation("2006-01-02T15:04", v, cst); err != nil {
				return model.Invalid("held_at", "date", "invalid.datetime_format")
			}
		}
		for i := 0; i < 4; i++ {
			in.Statements = append(in.Statements, store.Statement{Side: r.PostFormValue(fmt.Sprintf("side_%d", i)), Said: r.PostFormValue(fmt.Sprintf("said_%d", i))})
		}
		_, err = u.Mediation.RecordSession(r.Context(), p, id, in)
		return renameField(renameStatementField(err), map[string]string{"result": "session_result"})
	})
}

// renameStatementField points an error on statements.N.side/said at its form field.
func renameStatementField(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		if rest, ok := strings.CutPrefix(fe.Field, "statements."); ok {
			if i, part, ok := strings.Cut(rest, "."); ok {
				return fe.WithField(part + "_" + i)
			}
		}
	}
	return err
}

// agreementInput reads the agreement form; parties from rows party_role_N, … when
// the form has them (the draft form takes them from the case).
func agreementInput(r *http.Request) (mediation.AgreementInput, error) {
	in := mediation.AgreementInput{Facts: r.PostFormValue("facts"), Items: r.PostFormValue("items"), Responsibilities: r.PostFormValue("responsibilities"),
		Content: r.PostFormValue("content"), PerformWay: r.PostFormValue("perform_way"), PerformBy: r.PostFormValue("perform_by"), Mediator: r.PostFormValue("mediator")}
	var err error
	if in.OrgID, err = formID(r, "org_id"); err != nil {
		return in, err
	}
	if v, err := formID(r, "version"); err == nil {
		in.Version = int(v)
	}
	for i := 0; i < mediation.MaxAgreementParties; i++ {
		name, ok := r.PostForm[fmt.Sprintf("party_name_%d", i)]
		if !ok {
			break
		}
		in.Parties = append(in.Parties, store.AgreementParty{Role: r.PostFormValue(fmt.Sprintf("party_role_%d", i)), Name: strings.Join(name, ""),
			Particulars: r.PostFormValue(fmt.Sprintf("party_particulars_%d", i))})
	}
	return in, nil
}

// renamePartyField points an error on parties.N.x at its form field party_x_N.
func renamePartyField(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		if rest, ok := strings.CutPrefix(fe.Field, "parties."); ok {
			if i, part, ok := strings.Cut(rest, "."); ok {
				return fe.WithField("party_" + part + "_" + i)
			}
		}
	}
	return err
}

// caseAgreementDraft drafts the case's agreement, numbered.
func (u *UI) caseAgreementDraft(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, fixed(agreementFormKey), "agreement_drafted", func(p *auth.Principal, id int64) error {
		in, err := agreementInput(r)
		if err != nil {
			return err
		}
		_, err = u.Mediation.DraftAgreement(r.Context(), p, id, in)
		return renamePartyField(err)
	})
}

// agreementOfCase reads the agreement of the path, which must be the case's.
func (u *UI) agreementOfCase(r *http.Request, caseID int64) (int64, error) {
	aid, err := httpx.PathID(r, "aid")
	if err != nil {
		return 0, err
	}
	a, err := u.Store.GetAgreement(r.Context(), aid)
	if err != nil || a.CaseID != caseID {
		return 0, store.ErrNotFound
	}
	return aid, nil
}

// agreementForm is an agreement's form key: agreement-<id>-<form>.
func agreementForm(r *http.Request, form string) func(int64) string {
	return func(int64) string { return "agreement-" + r.PathValue("aid") + "-" + form }
}

// caseAgreementEdit changes a draft agreement.
func (u *UI) caseAgreementEdit(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, agreementForm(r, "edit"), "agreement_saved", func(p *auth.Principal, id int64) error {
		aid, err := u.agreementOfCase(r, id)
		if err != nil {
			return err
		}
		in, err := agreementInput(r)
		if err != nil {
			return err
		}
		_, err = u.Mediation.EditAgreement(r.Context(), p, aid, in)
		return renamePartyField(err)
	})
}

// caseAgreementSign records the signing.
func (u *UI) caseAgreementSign(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, agreementForm(r, "sign"), "agreement_signed", func(p *auth.Principal, id int64) error {
		aid, err := u.agreementOfCase(r, id)
		if err != nil {
			return err
		}
		att, err := formID(r, "attachment_id")
		if err != nil {
			return err
		}
		_, err = u.Mediation.SignAgreement(r.Context(), p, aid, mediation.SignInput{SignedOn: r.PostFormValue("signed_on"), AttachmentID: att})
		return err
	})
}

// caseAgreementPerformance records the performance.
func (u *UI) caseAgreementPerformance(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, agreementForm(r, "performance"), "agreement_performance", func(p *auth.Principal, id int64) error {
		aid, err := u.agreementOfCase(r, id)
		if err != nil {
			return err
		}
		_, err = u.Mediation.RecordPerformance(r.Context(), p, aid, mediation.PerformanceInput{Performed: r.PostFormValue("performed"),
			On: r.PostFormValue("performed_on"), Note: r.PostFormValue("performed_note")})
		return renameField(err, map[string]string{"on": "performed_on", "note": "performed_note"})
	})
}

// caseAgreementConfirmation records a step of the judicial confirmation.
func (u *UI) caseAgreementConfirmation(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, agreementForm(r, "confirmation"), "confirmation_recorded", func(p *auth.Principal, id int64) error {
		aid, err := u.agreementOfCase(r, id)
		if err != nil {
			return err
		}
		_, err = u.Mediation.Confirm(r.Context(), p, aid, mediation.ConfirmInput{Step: r.PostFormValue("step"), Court: r.PostFormValue("court"),
			AppliedOn: r.PostFormValue("applied_on"), CaseNo: r.PostFormValue("case_no"), Ruling: r.PostFormValue("ruling"),
			RulingOn: r.PostFormValue("ruling_on"), Note: r.PostFormValue("confirm_note")})
		return renameField(err, map[string]string{"note": "confirm_note"})
	})
}

// caseReferralAdd records a referral.
func (u *UI) caseReferralAdd(w http.ResponseWriter, r *http.Request) {
	u.mediationPost(w, r, auth.PermMediationRecord, fixed(referralFormKey), "referral_recorded", func(p *auth.Principal, id int64) error {
		in := mediation.ReferralInput{Kind: r.PostFormValue("referral_kind"), Partner: r.PostFormValue("partner"), Body: r.PostFormValue("body"),
			ExternalNo: r.PostFormValue("external_no"), TimeLimit: r.PostFormValue("time_limit"), LinkedCode: r.PostFormValue("linked_tracking_code"),
			Note: r.PostFormValue("referral_note")}
		if v := r.PostFormValue("session_at"); v != "" {
			at, err := time.ParseInLocation("2006-01-02T15:04", v, cst)
			if err != nil {
				return model.Invalid("session_at", "date", "invalid.datetime_format")
			}
			in.SessionAt = &at
		}
		_, err := u.Mediation.AddReferral(r.Context(), p, id, in)
		return renameField(err, map[string]string{"kind": "referral_kind", "note": "referral_note"})
	})
}

// caseReferralResult records a referral's result.
func (u *UI) caseReferralResult(w http.ResponseWriter, r *http.Request) {
	key := func(int64) string { return "referral-" + r.PathValue("rid") }
	u.mediationPost(w, r, auth.PermMediationRecord, key, "referral_closed", func(p *auth.Principal, id int64) error {
		rid, err := httpx.PathID(r, "rid")
		if err != nil {
			return err
		}
		_, err = u.Mediation.CloseReferral(r.Context(), p, id, rid, mediation.ReferralResultInput{Result: r.PostFormValue("referral_result"),
			On: r.PostFormValue("result_on"), ExternalNo: r.PostFormValue("result_no"), Note: r.PostFormValue("result_note")})
		return renameField(err, map[string]string{"result": "referral_result", "on": "result_on", "external_no": "result_no", "note": "result_note"})
	})
}

// renameField points a field error at the form's own name for the field.
func renameField(err error, names map[string]string) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		if to, ok := names[fe.Field]; ok {
			return fe.WithField(to)
		}
	}
	return err
}

// teamRoleFor is the role a person of the pool of kind takes on a team when added in
// one click from a recommendation.
func teamRoleFor(kind string) string {
	switch kind {
	case "lawyer", "legal_aid":
		return "lawyer"
	case "psychologist":
		return "psychologist"
	}
	return "mediator"
}
