package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Documents (文书) of a case: what may be issued now, issuing with a number, and
// reading back what was issued. The words come from internal/documents; the facts
// are gathered here for the document's reader.

// DocumentTemplate is the wording of kind in force: the newest saved, else the
// embedded default.
func (s *Service) DocumentTemplate(ctx context.Context, kind documents.Kind) (documents.Template, error) {
	t, err := s.Store.DocumentTemplate(ctx, kind)
	if errors.Is(err, store.ErrNotFound) {
		return documents.Default(kind), nil
	}
	return t, err
}

// SaveDocumentTemplate keeps an administrator's wording of a kind as its next
// version, once documents.Validate accepts it.
func (s *Service) SaveDocumentTemplate(ctx context.Context, p *auth.Principal, t documents.Template) (documents.Template, error) {
	if err := p.Require(auth.PermDocumentTemplates); err != nil {
		return t, err
	}
	t.Title, t.Prefix, t.Body, t.Closing, t.Note = trim(t.Title), trim(t.Prefix), trimBody(t.Body), trim(t.Closing), trim(t.Note)
	if err := documents.Validate(t); err != nil {
		return t, err
	}
	t.By = p.User.ID
	err := s.Store.SaveDocumentTemplate(ctx, store.Audited("document_template.save", "document_template:"+string(t.Kind),
		fmt.Sprintf("%s: %s", t.Kind, t.Note)), &t)
	return t, err
}

func trim(s string) string { return strings.TrimSpace(s) }

// trimBody trims a body's lines, keeping them apart, and drops its blank ends.
func trimBody(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// DocumentOffer is a kind of document as the case page offers it: whether it may be
// issued now, and if not, why (a catalogue key).
type DocumentOffer struct {
	Kind   documents.Kind `json:"kind"`
	Ready  bool           `json:"ready"`
	Reason string         `json:"reason,omitempty"` // catalogue key, when not ready
}

// DocumentOffers says for every kind whether p may issue it on c now.
func (s *Service) DocumentOffers(ctx context.Context, p *auth.Principal, c *model.Case) []DocumentOffer {
	out := make([]DocumentOffer, 0, len(documents.Kinds))
	for _, k := range documents.Kinds {
		o := DocumentOffer{Kind: k, Ready: true}
		if err := s.documentReady(ctx, p, c, k, 0); err != nil {
			var fe *model.FieldError
			o.Ready = false
			if errors.As(err, &fe) {
				o.Reason = fe.Key
			}
		}
		out = append(out, o)
	}
	return out
}

// documentReady tells whether a document of kind k (printing ref, 0 for the latest)
// may be issued on c by p; the refusal names why.
func (s *Service) documentReady(ctx context.Context, p *auth.Principal, c *model.Case, k documents.Kind, ref int64) error {
	if !p.Can(auth.PermDocumentsIssue) {
		return model.Invalid("kind", "forbidden", "invalid.document.forbidden")
	}
	_, err := s.documentSubject(ctx, p, c, k, ref)
	return err
}

// subject is what a document prints besides the case: the order, the assignment or
// the visit, and the centre that issues it.
type subject struct {
	ref         int64
	issuer      int64
	supervision *store.Supervision
	assignment  *model.Assignment
	visit       *model.CaseEvent
	session     *store.MediationSession
	agreement   *store.Agreement
}

func (s *Service) documentSubject(ctx context.Context, p *auth.Principal, c *model.Case, k documents.Kind, ref int64) (subject, error) {
	sub := subject{issuer: c.CentreID}
	switch k {
	case documents.KindReceipt:
		if recipient(c) == nil {
			return sub, model.Invalid("kind", "no_party", "invalid.document.no_party")
		}
	case documents.KindAcceptance:
		if c.AcceptedAt == nil {
			return sub, model.Invalid("kind", "not_accepted", "invalid.document.not_accepted")
		}
		if recipient(c) == nil {
			return sub, model.Invalid("kind", "no_party", "invalid.document.no_party")
		}
	case documents.KindAssignment:
		for i := len(c.Assignments) - 1; i >= 0; i-- {
			a := c.Assignments[i]
			if a.IsLead && a.Status != model.AssignmentReturned && (ref == 0 || ref == a.ID) {
				sub.assignment, sub.ref = &c.Assignments[i], a.ID
				break
			}
		}
		if sub.assignment == nil {
			return sub, model.Invalid("kind", "not_assigned", "invalid.document.not_assigned")
		}
	case documents.KindSupervision:
		list, err := s.Store.Supervisions(ctx, store.SupervisionFilter{CaseID: c.ID}, ScopeOf(p))
		if err != nil {
			return sub, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			if ref == 0 || list[i].ID == ref {
				sub.supervision, sub.ref, sub.issuer = &list[i], list[i].ID, list[i].CentreID
				break
			}
		}
		if sub.supervision == nil {
			return sub, model.Invalid("kind", "no_supervision", "invalid.document.no_supervision")
		}
	case documents.KindFollowUp:
		evs, err := s.Store.Events(ctx, c.ID)
		if err != nil {
			return sub, err
		}
		for i := len(evs) - 1; i >= 0; i-- {
			if isReturnVisit(evs[i]) && (ref == 0 || evs[i].ID == ref) {
				sub.visit, sub.ref = &evs[i], evs[i].ID
				break
			}
		}
		if sub.visit == nil {
			return sub, model.Invalid("kind", "no_visit", "invalid.document.no_visit")
		}
	case documents.KindMediationRecord:
		list, err := s.Store.CaseSessions(ctx, c.ID)
		if err != nil {
			return sub, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			if ref == 0 || list[i].ID == ref {
				sub.session, sub.ref = &list[i], list[i].ID
				break
			}
		}
		if sub.session == nil {
			return sub, model.Invalid("kind", "no_session", "invalid.document.no_session")
		}
	case documents.KindAgreement, documents.KindConfirmation:
		list, err := s.Store.CaseAgreements(ctx, c.ID)
		if err != nil {
			return sub, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			if (ref == 0 || list[i].ID == ref) && (k == documents.KindAgreement || list[i].Status == "signed") {
				sub.agreement, sub.ref = &list[i], list[i].ID
				break
			}
		}
		switch {
		case sub.agreement == nil && k == documents.KindAgreement:
			return sub, model.Invalid("kind", "no_agreement", "invalid.document.no_agreement")
		case sub.agreement == nil:
			return sub, model.Invalid("kind", "not_signed", "invalid.document.not_signed")
		}
	case documents.KindDossier:
	default:
		return sub, model.Invalid("kind", "invalid", "invalid.document_kind.invalid")
	}
	return sub, nil
}

// isReturnVisit tells the events a 回访记录 prints: the visit after the result (with
// the party's rating), and a return visit recorded on the case (a follow-up plan's,
// by the grid worker).
func isReturnVisit(ev model.CaseEvent) bool {
	if ev.Action == "visit" {
		return true
	}
	if ev.Action != "record" {
		return false
	}
	var pl struct {
		Incident string `json:"incident"`
	}
	return json.Unmarshal(ev.Payload, &pl) == nil && pl.Incident == "return_visit"
}

// recipient is whom the citizen's documents are for: the first applicant (or
// representative), else the first party; nil for a case without parties.
func recipient(c *model.Case) *model.Party {
	ps := model.PartiesInOrder(c.Parties)
	for i := range ps {
		if ps[i].Role == model.PartyApplicant || ps[i].Role == model.PartyRepresentative {
			return &ps[i]
		}
	}
	if len(ps) > 0 {
		return &ps[0]
	}
	return nil
}

// IssueInput is what issuing a document takes.
type IssueInput struct {
	Kind     documents.Kind
	Ref      int64  // the supervision order, assignment or visit to print; 0 for the latest
	TrackURL string // the tracking page of the case's code, for the citizen's QR code
}

// IssueDocument issues a document of in.Kind on case id: composes it from the
// wording in force and the case's facts as p may read them, numbers it (per issuing
// centre, kind and year) and records it, all in one transaction.
func (s *Service) IssueDocument(ctx context.Context, p *auth.Principal, id int64, in IssueInput) (store.IssuedDocument, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return store.IssuedDocument{}, err
	}
	if err := p.Require(auth.PermDocumentsIssue); err != nil {
		return store.IssuedDocument{}, err
	}
	if !in.Kind.Valid() {
		return store.IssuedDocument{}, model.Invalid("kind", "invalid", "invalid.document_kind.invalid")
	}
	sub, err := s.documentSubject(ctx, p, &c, in.Kind, in.Ref)
	if err != nil {
		return store.IssuedDocument{}, err
	}
	tpl, err := s.DocumentTemplate(ctx, in.Kind)
	if err != nil {
		return store.IssuedDocument{}, err
	}
	at := s.Now().UTC()
	facts, err := s.documentFacts(ctx, p, &c, in, sub)
	if err != nil {
		return store.IssuedDocument{}, err
	}
	d := store.IssuedDocument{CaseID: c.ID, Kind: in.Kind, IssuerID: sub.issuer, RefID: sub.ref, IssuedBy: p.User.ID,
		IssuedAt: at, Content: documents.Compose(tpl, facts, "", at)}
	prefix := documents.Fill(tpl.Prefix, facts.Values(in.Kind, at))
	err = s.Store.IssueDocument(ctx, store.Audited("document.issue", fmt.Sprintf("case:%d", c.ID), string(in.Kind)), &d, prefix)
	if err != nil {
		return d, err
	}
	d.IssuedByName = p.User.DisplayName
	return d, nil
}

// CaseDocuments lists the documents issued on a case p may see.
func (s *Service) CaseDocuments(ctx context.Context, p *auth.Principal, id int64) ([]store.IssuedDocument, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	return s.Store.IssuedDocuments(ctx, id)
}

// IssuedDocument reads one issued document, when p may see its case: a reprint is
// the document as it was issued.
func (s *Service) IssuedDocument(ctx context.Context, p *auth.Principal, id int64) (store.IssuedDocument, error) {
	d, err := s.Store.IssuedDocumentByID(ctx, id)
	if err != nil {
		return d, err
	}
	if _, err := s.Get(ctx, p, d.CaseID); err != nil {
		return store.IssuedDocument{}, err
	}
	return d, nil
}

// zh says a catalogue key in the documents' language: they are official papers of a
// Chinese centre, written in Chinese whatever language the screen speaks.
func zh(key string) string {
	if v, ok := i18n.Lookup(i18n.Default, key); ok {
		return v
	}
	return ""
}

// CentreName is how documents name the centre of a region: 康乐县综治中心.
func CentreName(region string) string { return region + "综治中心" }

// documentFacts gathers what a document of in.Kind says of c. The parties are masked
// as the case page shows them (ID numbers and phones), for every kind: the citizen's
// own documents name only the citizen, with their tracking code.
func (s *Service) documentFacts(ctx context.Context, p *auth.Principal, c *model.Case, in IssueInput, sub subject) (documents.Facts, error) {
	issuer, err := s.Store.Region(ctx, sub.issuer)
	if err != nil {
		return documents.Facts{}, err
	}
	f := documents.Facts{CaseID: c.ID, Title: c.Title, KindName: zh("kind." + string(c.Kind)), Description: c.Description,
		RegisteredAt: c.CreatedAt, Centre: CentreName(issuer.Name), CentreName: issuer.Name, StateName: zh("state." + c.State),
		Petition: c.Kind == model.KindPetition}
	if cat, err := s.Store.Category(ctx, c.CategoryID); err == nil {
		f.Category = cat.Name
	}
	if c.Outcome != "" {
		f.Outcome = zh("outcome." + c.Outcome)
	}
	if r, err := s.Store.Region(ctx, c.RegionID); err == nil {
		f.Place = r.Name
	}
	if c.Address != "" {
		f.Place += " " + c.Address
	}
	for _, pt := range model.PartiesInOrder(c.Parties) {
		m := pt.Masked()
		f.Parties = append(f.Parties, documents.Party{Role: zh("party_role." + string(m.Role)), Name: m.Name, IDNumber: m.IDNumber, Phone: m.Phone})
	}
	if in.Kind.ForCitizen() {
		f.Recipient, f.TrackingCode, f.TrackURL = recipient(c).Name, c.TrackingCode, in.TrackURL
	}
	f.AcceptDays, f.AcceptBy = 15, c.CreatedAt.AddDate(0, 0, 15) // 信访工作条例 第二十二、二十三条: 15 days
	if c.DueStage == "accept" && c.DueAt != nil {
		f.AcceptBy = *c.DueAt
	}
	if c.AcceptedAt != nil {
		f.AcceptedAt = *c.AcceptedAt
	}
	if c.DueAt != nil && c.DueStage != "accept" {
		f.DueAt = *c.DueAt
	}
	depName := func(id int64) string {
		if d, err := s.Store.Department(ctx, id); err == nil {
			return d.Name
		}
		return strconv.FormatInt(id, 10)
	}
	for _, a := range c.Assignments {
		if a.Status == model.AssignmentReturned {
			continue
		}
		if a.IsLead {
			f.Lead, f.AssignedAt = depName(a.DepartmentID), a.AssignedAt
		} else if name := depName(a.DepartmentID); !slices.Contains(f.Co, name) {
			f.Co = append(f.Co, name)
		}
	}
	if a := sub.assignment; a != nil {
		f.Lead, f.AssignedAt = depName(a.DepartmentID), a.AssignedAt
		f.AssignNote = s.assignNote(ctx, c.ID, a.AssignedAt)
	}
	if v := sub.supervision; v != nil {
		to := CentreName(issuer.Name)
		if v.DepartmentID != 0 {
			to = depName(v.DepartmentID)
		} else if f.Lead != "" {
			to = f.Lead
		}
		f.Supervision = &documents.SupervisionFacts{Addressee: to, Level: zh("supervision_level." + v.Level), Requirement: v.Requirement,
			IssuedAt: v.IssuedAt, ReplyBy: v.ReplyBy, Status: v.Status, Reply: v.Reply}
	}
	if ev := sub.visit; ev != nil {
		var pl struct {
			Satisfaction string `json:"satisfaction"`
		}
		_ = json.Unmarshal(ev.Payload, &pl)
		sat := "—" // a grid worker's visit on a follow-up plan asks for no rating
		if pl.Satisfaction != "" {
			sat = zh("satisfaction." + pl.Satisfaction)
		}
		f.Visit = &documents.VisitFacts{At: ev.At, By: ev.ActorName, Satisfaction: sat, Note: ev.Note}
	}
	if m := sub.session; m != nil {
		sf := &documents.SessionFacts{HeldAt: m.HeldAt, Place: joinNonEmpty(" ", zh("session.venue."+m.Venue), m.Place), Org: m.OrgName,
			Mediators: m.Mediators, Attendees: m.Attendees, Result: zh("session.result." + m.Result), Agreed: m.Agreed, WhyNot: m.WhyNot}
		for _, st := range m.Statements {
			sf.Statements = append(sf.Statements, documents.Field{Label: st.Side, Value: st.Said})
		}
		f.Session = sf
	}
	if a := sub.agreement; a != nil {
		af := &documents.AgreementFacts{Number: a.Number, Org: a.OrgName, Mediator: a.Mediator, Facts: a.Facts, Items: a.Items,
			Responsibilities: a.Responsibilities, Content: a.Content, PerformWay: a.PerformWay, PerformBy: agreementDay(a.PerformBy),
			SignedOn: day(a.SignedOn), Court: a.ConfirmCourt}
		for _, pt := range a.Parties {
			// The particulars as the case page shows them: phones and ID numbers masked
			// by the one rule, as every list shows them (internal/mediation's readable).
			af.Parties = append(af.Parties, documents.Party{Role: pt.Role, Name: pt.Name, Address: model.MaskParticulars(pt.Particulars)})
		}
		f.Agreement = af
	}
	if in.Kind == documents.KindDossier {
		if err := s.dossierFacts(ctx, p, c, &f); err != nil {
			return f, err
		}
	}
	return f, nil
}

// assignNote is the note the assignment of c at at was given.
func (s *Service) assignNote(ctx context.Context, caseID int64, at time.Time) string {
	evs, err := s.Store.Events(ctx, caseID)
	if err != nil {
		return ""
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == "assign" && !evs[i].At.After(at.Add(time.Second)) {
			return evs[i].Note
		}
	}
	return ""
}

// dossierFacts adds the case file's steps (as p is shown the timeline), its issued
// documents and its attachments.
func (s *Service) dossierFacts(ctx context.Context, p *auth.Principal, c *model.Case, f *documents.Facts) error {
	evs, err := s.Timeline(ctx, p, c)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		step := zh("case_action." + ev.Action)
		if step == "" {
			step = zh("case_action.other")
		}
		if ev.FromState != ev.ToState && ev.ToState != "" {
			step += "（" + zh("state."+ev.ToState) + "）"
		}
		f.Events = append(f.Events, documents.EventFact{At: ev.At, Actor: ev.ActorName, Step: step, Note: ev.Note})
		if ev.Action == "archive" {
			f.ArchivedAt = ev.At
		}
	}
	issued, err := s.Store.IssuedDocuments(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, d := range issued {
		if d.Kind != documents.KindDossier {
			f.Documents = append(f.Documents, documents.IssuedFact{Title: d.Content.Title, Number: d.Number, At: d.IssuedAt})
		}
	}
	atts, err := s.Store.Attachments(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, a := range atts {
		f.Attachments = append(f.Attachments, documents.AttachmentFact{Name: a.Name, Size: SizeText(a.Size), At: a.CreatedAt})
	}
	return nil
}

// day reads a YYYY-MM-DD date as the day in China; zero when it is none.
func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, workflow.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

// agreementDay writes an agreement's YYYY-MM-DD date as documents do, or s as it is.
func agreementDay(s string) string {
	if t := day(s); !t.IsZero() {
		return documents.DateText(t)
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// SizeText is a file size people read: bytes, KB or MB.
func SizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}
