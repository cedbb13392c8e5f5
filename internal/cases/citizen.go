package cases

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// ErrNoMatch is the one answer to a tracking lookup that finds nothing: no such
// code, a malformed code, or the wrong digits of the phone all look the same, so
// that codes cannot be probed.
var ErrNoMatch = errors.New("cases: no case matches this tracking code and phone")

// ErrAlreadyRated refuses a second rating of the same result.
var ErrAlreadyRated = errors.New("cases: this result has already been rated")

// ErrNotRatable refuses a rating before the case is resolved (or after it closed).
var ErrNotRatable = errors.New("cases: the case cannot be rated in its state")

// citizenName is who the audit log names for what a citizen does without an account.
const citizenName = "群众"

// EventEvaluate is the timeline action of a citizen's rating outside the return
// visit: of a result not yet verified, or after the visit.
const EventEvaluate = "evaluate"

// MaxRatingComment bounds the comment of a citizen's rating.
const MaxRatingComment = 500

// ratableStates are the states in which the citizen may rate the result.
var ratableStates = []workflow.State{workflow.StateResolved, workflow.StateVerified, workflow.StateFollowedUp}

// PublicView is what the tracking page shows a citizen of their case: no staff
// names, no internal notes, comments, warnings or supervision, no case id.
type PublicView struct {
	TrackingCode string
	Kind         model.CaseKind
	Category     string // the category's name from the dictionary
	Title        string // the title staff wrote, "" when it is the report's first clauses (TitleFrom)
	Report       string // the description as registered, whole: what the citizen reported
	Place        string // the region's names below the root, e.g. 附城镇 · 高林湾村
	State        workflow.State
	Outcome      workflow.Outcome
	CreatedAt    time.Time
	DueAt        *time.Time
	DueStage     workflow.Stage
	Due          workflow.Status
	Steps        []PublicStep
	CanRate      bool                  // the citizen may rate the result now
	Rated        workflow.Satisfaction // the citizen's rating of the current result, when given
}

// PublicStep is one step of the public timeline. Code names it in the catalogue
// ("public.step.<code>"); the other fields are its particulars.
type PublicStep struct {
	At           time.Time
	Code         string
	Department   string                // assigned: the lead department
	Centre       string                // escalated, delegated: the centre that now holds the case
	Outcome      workflow.Outcome      // resolved
	Satisfaction workflow.Satisfaction // visited, rated
	Reason       string                // rejected: the reason the applicant is told
	Reopened     bool                  // visited, rated: 不满意 sent the case back to work
}

// PublicStepCodes are the codes a PublicStep may carry.
var PublicStepCodes = []string{"registered", "accepted", "rejected", "merged", "handled_here", "assigned", "in_progress",
	"escalated", "delegated", "extended", "suspended", "resumed", "resolved", "verified", "handling_again", "visited",
	"rated", "archived"}

// NormalizeTrackingCode folds what a citizen typed (lower case, spaces, dashes) into
// the code's own form; "" when it cannot be a code.
func NormalizeTrackingCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == ' ' || r == '-' || r == '\u3000' {
			continue
		}
		if r > 127 || !strings.ContainsRune(trackingAlphabet, r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != TrackingCodeLen {
		return ""
	}
	return b.String()
}

// phoneLast4 is the last four digits of the applicant's phone, "" when there is none.
func phoneLast4(c *model.Case) string {
	for _, p := range c.Parties {
		if p.Role != model.PartyApplicant {
			continue
		}
		var digits []byte
		for i := 0; i < len(p.Phone); i++ {
			if p.Phone[i] >= '0' && p.Phone[i] <= '9' {
				digits = append(digits, p.Phone[i])
			}
		}
		if len(digits) >= 4 {
			return string(digits[len(digits)-4:])
		}
	}
	return ""
}

// lookupPublic finds the case a citizen names by its tracking code and the last four
// digits of the applicant's phone; anything else is ErrNoMatch.
func (s *Service) lookupPublic(ctx context.Context, code, last4 string) (model.Case, error) {
	code = NormalizeTrackingCode(code)
	last4 = strings.TrimSpace(last4)
	if code == "" || len(last4) != 4 {
		return model.Case{}, ErrNoMatch
	}
	found, err := s.Store.Cases(ctx, store.CaseFilter{TrackingCode: code, Limit: 1}, store.CaseScope{All: true})
	if err != nil {
		return model.Case{}, err
	}
	// Compare even when nothing was found, against a code no case has, so both ways
	// of failing take the same steps.
	c := model.Case{TrackingCode: strings.Repeat("0", TrackingCodeLen)}
	if len(found) == 1 {
		c = found[0]
	}
	want := phoneLast4(&c)
	if want == "" {
		want = "\x00\x00\x00\x00"
	}
	codeOK := subtle.ConstantTimeCompare([]byte(code), []byte(c.TrackingCode))
	digitsOK := subtle.ConstantTimeCompare([]byte(last4), []byte(want))
	if codeOK&digitsOK != 1 {
		return model.Case{}, ErrNoMatch
	}
	return c, nil
}

// Track shows a citizen their case: its state, the public part of its timeline, its
// deadline, and whether they may rate the result.
func (s *Service) Track(ctx context.Context, code, last4 string) (PublicView, error) {
	c, err := s.lookupPublic(ctx, code, last4)
	if err != nil {
		return PublicView{}, err
	}
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return PublicView{}, err
	}
	// The title and a refusal's reason are staff's words: they may name the other
	// side, or a number that is no one's business on a page opened with a code.
	priv := c.Private()
	v := PublicView{TrackingCode: c.TrackingCode, Kind: c.Kind, Report: model.MaskText(c.Description, priv), State: workflow.State(c.State),
		Outcome: workflow.Outcome(c.Outcome), CreatedAt: c.CreatedAt, Due: s.DueStatus(&c, s.Now())}
	if c.Title != TitleFrom(c.Description) {
		v.Title = model.MaskText(c.Title, priv)
	}
	if v.Due != workflow.StatusNone {
		v.DueAt, v.DueStage = c.DueAt, workflow.Stage(c.DueStage)
	}
	if cat, err := s.Store.Category(ctx, c.CategoryID); err == nil {
		v.Category = cat.Name
	}
	if r, err := s.Store.Region(ctx, c.RegionID); err == nil {
		if anc, err := s.Store.RegionAncestors(ctx, r); err == nil {
			var names []string
			for _, a := range anc {
				if a.ParentID != 0 && a.Level != model.LevelGrid {
					names = append(names, a.Name)
				}
			}
			v.Place = strings.Join(names, " · ")
		}
	}
	for _, ev := range evs {
		if st, ok := publicStep(ev); ok {
			st.Reason = model.MaskText(st.Reason, priv)
			v.Steps = append(v.Steps, st)
		}
	}
	v.Rated = ratedNow(evs)
	v.CanRate = v.Rated == "" && ratable(v.State)
	return v, nil
}

func ratable(st workflow.State) bool {
	for _, r := range ratableStates {
		if st == r {
			return true
		}
	}
	return false
}

// ratedNow is the citizen's rating of the current result: given after the last
// resolve, "" when none.
func ratedNow(evs []model.CaseEvent) workflow.Satisfaction {
	var rated workflow.Satisfaction
	for _, ev := range evs {
		switch {
		case ev.Action == string(workflow.ActionResolve):
			rated = ""
		case byCitizen(ev):
			var p struct {
				Satisfaction string `json:"satisfaction"`
			}
			json.Unmarshal(ev.Payload, &p)
			rated = workflow.Satisfaction(p.Satisfaction)
		}
	}
	return rated
}

// byCitizen reports whether ev is a citizen's own rating.
func byCitizen(ev model.CaseEvent) bool {
	if ev.ActorID != 0 || ev.Action != string(workflow.ActionVisit) && ev.Action != EventEvaluate {
		return false
	}
	var p struct {
		By string `json:"by"`
	}
	json.Unmarshal(ev.Payload, &p)
	return p.By == "citizen"
}

// publicStep turns an event into the step the citizen sees, or says it is internal.
func publicStep(ev model.CaseEvent) (PublicStep, bool) {
	var p struct {
		LeadDepartment string `json:"lead_department"`
		ToCentre       string `json:"to_centre"`
		Outcome        string `json:"outcome"`
		Satisfaction   string `json:"satisfaction"`
		Reopened       bool   `json:"reopened"`
	}
	json.Unmarshal(ev.Payload, &p)
	st := PublicStep{At: ev.At}
	switch workflow.Action(ev.Action) {
	case workflow.ActionRegister:
		st.Code = "registered"
	case workflow.ActionAccept:
		st.Code = "accepted"
	case workflow.ActionReject:
		st.Code, st.Reason = "rejected", ev.Note // the reason the applicant is told
	case workflow.ActionMerge:
		st.Code = "merged"
	case workflow.ActionHandle:
		st.Code = "handled_here"
	case workflow.ActionAssign:
		st.Code, st.Department = "assigned", p.LeadDepartment
	case workflow.ActionSign:
		st.Code = "in_progress"
	case workflow.ActionEscalate:
		st.Code, st.Centre = "escalated", p.ToCentre
	case workflow.ActionDelegate:
		st.Code, st.Centre = "delegated", p.ToCentre
	case workflow.ActionExtendApprove:
		st.Code = "extended"
	case workflow.ActionSuspend:
		st.Code = "suspended"
	case workflow.ActionResume:
		st.Code = "resumed"
	case workflow.ActionResolve:
		st.Code, st.Outcome = "resolved", workflow.Outcome(p.Outcome)
	case workflow.ActionVerify:
		st.Code = "verified"
	case workflow.ActionVerifyFail:
		st.Code = "handling_again"
	case workflow.ActionVisit, EventEvaluate:
		st.Code, st.Satisfaction, st.Reopened = "visited", workflow.Satisfaction(p.Satisfaction), p.Reopened
		if byCitizen(ev) {
			st.Code = "rated"
		}
	case workflow.ActionArchive:
		st.Code = "archived"
	default:
		// Comments, attachments, co-handling, supervision, warnings, extension
		// requests, returns between centre and department: the centre's own business.
		return st, false
	}
	return st, true
}

// Rate records the citizen's rating of their case's result (满意 / 基本满意 / 不满意,
// with an optional comment). It is the case's evaluation: on a verified case it is
// the return visit (followed_up, or back in progress when 不满意, as the visit
// action); on a result not yet verified, or already visited, it is recorded as an
// evaluation, and 不满意 reopens the case all the same. One rating per result.
func (s *Service) Rate(ctx context.Context, code, last4 string, satisfaction workflow.Satisfaction, comment string) error {
	if !satisfaction.Valid() {
		return model.Invalid("satisfaction", "required", "invalid.satisfaction.required")
	}
	comment, err := cleanText("comment", comment, MaxRatingComment, false)
	if err != nil {
		return err
	}
	found, err := s.lookupPublic(ctx, code, last4)
	if err != nil {
		return err
	}
	evs, err := s.Store.Events(ctx, found.ID)
	if err != nil {
		return err
	}
	if !ratable(workflow.State(found.State)) {
		return ErrNotRatable
	}
	if ratedNow(evs) != "" {
		return ErrAlreadyRated
	}
	ctx = store.WithActor(ctx, store.Actor{Name: citizenName, IP: store.ActorFrom(ctx).IP})
	audit := store.Audited("case.citizen_rate", fmt.Sprintf("case:%d", found.ID), "群众评价："+satisfaction.Label())
	return s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, found.ID)
		if err != nil {
			return err
		}
		if c.Version != found.Version {
			return store.ErrStale // moved since the events were read: the rating may no longer fit
		}
		now := s.Now().UTC()
		from := workflow.State(c.State)
		to := from
		action := EventEvaluate
		payload := map[string]any{"satisfaction": string(satisfaction), "by": "citizen"}
		if from == workflow.StateVerified {
			// The return visit, by the citizen themself.
			action, to = string(workflow.ActionVisit), workflow.StateFollowedUp
			if err := recordIncident(ctx, tx, &c, model.IncidentReturnVisit, 0, "群众自评："+satisfaction.Label(), now); err != nil {
				return err
			}
			c.DueAt, c.DueStage = nil, ""
		}
		c.Satisfaction = string(satisfaction)
		if satisfaction == workflow.Unsatisfied {
			to = workflow.StateInProgress
			c.Outcome, c.ResolvedAt, c.ResolvedDueAt = "", nil, nil
			c.Reopened++
			payload["reopened"] = true
			if err := s.setDue(ctx, &c, workflow.StageHandle, now); err != nil {
				return err
			}
		}
		c.State = string(to)
		if c.DueAt == nil {
			c.DueFlag = ""
		}
		ch, err := s.reassess(ctx, tx, &c, now)
		if err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, &c); err != nil {
			return err
		}
		raw, _ := json.Marshal(payload)
		ev := model.CaseEvent{CaseID: c.ID, At: now, Action: action, FromState: string(from), ToState: c.State, Note: comment, Payload: raw}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return err
		}
		if ch != nil {
			if err := s.recordWarning(ctx, tx, &c, ch, now); err != nil {
				return err
			}
		}
		if s.Acted != nil {
			// The citizen's own return visit is a 回访 the case's platform is told of.
			return s.Acted(ctx, tx, &c, ev)
		}
		return nil
	})
}
