package cases

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// MeetingKinds are the meetings a centre records: 会商研判 (the centre and the
// departments weigh cases and findings together) and 联席会议 (the joint meeting of
// the departments under a leader).
var MeetingKinds = []string{"consult", "joint"}

// DecisionActions are what a meeting's decision on a case may be: 交办 to a lead
// department, 督办, a warning raised or lowered (调整预警), or a requirement noted on the
// case (备注).
var DecisionActions = []workflow.Action{workflow.ActionAssign, workflow.ActionSupervise, workflow.ActionWarningAdjust, workflow.ActionComment}

// Bounds of a meeting's texts, in characters.
const (
	maxMeetingTitle     = 100
	maxMeetingPlace     = 100
	maxMeetingAttendees = 2000
	maxMeetingMinutes   = 20000
	maxFinding          = 500
	maxAgenda           = 100
)

// MeetingInput is a meeting's particulars as a form or the API gives them.
type MeetingInput struct {
	Kind          string
	Title         string
	HeldOn        string // 2006-01-02
	ConvenorID    int64
	Place         string
	Attendees     string
	Minutes       string
	DepartmentIDs []int64
}

// checkMeeting validates in for p and fills m with it.
func (s *Service) checkMeeting(ctx context.Context, p *auth.Principal, in MeetingInput, m *store.Meeting) error {
	if !slices.Contains(MeetingKinds, in.Kind) {
		return model.Invalid("kind", "invalid", "invalid.meeting.kind")
	}
	var err error
	if m.Title, err = cleanText("title", in.Title, maxMeetingTitle, true); err != nil {
		return err
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.HeldOn), workflow.ChinaTime)
	if err != nil {
		return model.Invalid("held_on", "invalid", "invalid.meeting.held_on")
	}
	if day.After(s.Now().AddDate(1, 0, 0)) || day.Before(s.Now().AddDate(-10, 0, 0)) {
		return model.Invalid("held_on", "range", "invalid.meeting.held_on_range")
	}
	m.HeldOn = day.Format("2006-01-02")
	if in.ConvenorID == 0 {
		return model.Invalid("convenor_id", "required", "invalid.meeting.convenor")
	}
	u, err := s.Store.User(ctx, in.ConvenorID)
	if err != nil || !u.Active || !slices.Contains(u.Roles, model.RoleLeader) || !inSubtree(p.Region.Path, regionPathOf(ctx, s, u.RegionID)) {
		return model.Invalid("convenor_id", "invalid", "invalid.meeting.convenor")
	}
	m.ConvenorID = u.ID
	if m.Place, err = cleanText("place", in.Place, maxMeetingPlace, false); err != nil {
		return err
	}
	if m.Attendees, err = cleanText("attendees", in.Attendees, maxMeetingAttendees, false); err != nil {
		return err
	}
	if m.Minutes, err = cleanText("minutes", in.Minutes, maxMeetingMinutes, false); err != nil {
		return err
	}
	m.DepartmentIDs = nil
	for _, id := range in.DepartmentIDs {
		d, err := s.Store.Department(ctx, id)
		if err != nil || !d.Active {
			return model.Invalid("department_ids", "invalid", "invalid.meeting.department")
		}
		if !slices.Contains(m.DepartmentIDs, id) {
			m.DepartmentIDs = append(m.DepartmentIDs, id)
		}
	}
	m.Kind = in.Kind
	return nil
}

// regionPathOf is a region's path, "" when it cannot be read.
func regionPathOf(ctx context.Context, s *Service, id int64) string {
	r, err := s.Store.Region(ctx, id)
	if err != nil {
		return ""
	}
	return r.Path
}

// CreateMeeting records a meeting of p's centre.
func (s *Service) CreateMeeting(ctx context.Context, p *auth.Principal, in MeetingInput) (store.Meeting, error) {
	if !p.Can(auth.PermMeetings) {
		return store.Meeting{}, auth.ErrForbidden
	}
	m := store.Meeting{RegionID: p.Region.ID, CreatedBy: p.User.ID}
	if err := s.checkMeeting(ctx, p, in, &m); err != nil {
		return m, err
	}
	m.CreatedAt = s.Now().UTC()
	m.UpdatedAt = m.CreatedAt
	err := s.Store.InTx(ctx, store.Audited("meeting.create", "", m.HeldOn+" "+m.Title), func(tx *store.Tx) error {
		if err := tx.InsertMeeting(ctx, &m); err != nil {
			return err
		}
		tx.SetAuditObject(fmt.Sprintf("meeting:%d", m.ID))
		return nil
	})
	return m, err
}

// UpdateMeeting rewrites a meeting's particulars and minutes.
func (s *Service) UpdateMeeting(ctx context.Context, p *auth.Principal, id int64, in MeetingInput) (store.Meeting, error) {
	m, err := s.Meeting(ctx, p, id)
	if err != nil {
		return m, err
	}
	if err := s.checkMeeting(ctx, p, in, &m); err != nil {
		return m, err
	}
	m.UpdatedAt = s.Now().UTC()
	err = s.Store.InTx(ctx, store.Audited("meeting.update", fmt.Sprintf("meeting:%d", id), m.HeldOn+" "+m.Title), func(tx *store.Tx) error {
		return tx.UpdateMeeting(ctx, &m)
	})
	return m, err
}

// Meeting reads a meeting p may see: one of a centre in p's subtree.
func (s *Service) Meeting(ctx context.Context, p *auth.Principal, id int64) (store.Meeting, error) {
	if !p.Can(auth.PermMeetings) {
		return store.Meeting{}, auth.ErrForbidden
	}
	m, err := s.Store.Meeting(ctx, id)
	if err != nil {
		return m, err
	}
	if !inSubtree(p.Region.Path, m.RegionPath) {
		return store.Meeting{}, store.ErrNotFound
	}
	return m, nil
}

// Meetings lists the meetings of the centres in p's subtree, the latest first.
func (s *Service) Meetings(ctx context.Context, p *auth.Principal) ([]store.Meeting, error) {
	if !p.Can(auth.PermMeetings) {
		return nil, auth.ErrForbidden
	}
	return s.Store.Meetings(ctx, store.MeetingFilter{Within: p.Region.Path, Limit: 100})
}

// AddAgendaCase puts case caseID, which p must see, on the meeting's agenda.
func (s *Service) AddAgendaCase(ctx context.Context, p *auth.Principal, meetingID, caseID int64) error {
	m, err := s.Meeting(ctx, p, meetingID)
	if err != nil {
		return err
	}
	if caseID <= 0 {
		return model.Invalid("case_id", "required", "invalid.meeting.case")
	}
	if _, err := s.Get(ctx, p, caseID); err != nil {
		return model.Invalid("case_id", "not_found", "invalid.meeting.case")
	}
	if len(m.Items) >= maxAgenda {
		return model.Invalid("case_id", "too_many", "invalid.meeting.agenda_full", maxAgenda)
	}
	for _, it := range m.Items {
		if it.CaseID == caseID {
			return model.Invalid("case_id", "duplicate", "invalid.meeting.case_on_agenda")
		}
	}
	return s.Store.InTx(ctx, store.Audited("meeting.agenda", fmt.Sprintf("meeting:%d", m.ID), fmt.Sprintf("case:%d", caseID)), func(tx *store.Tx) error {
		return tx.InsertMeetingItem(ctx, &store.MeetingItem{MeetingID: m.ID, CaseID: caseID, CreatedAt: s.Now().UTC()})
	})
}

// AddAgendaFinding puts a finding of the analysis page on the agenda: its words and
// the case list behind it (a local /cases link).
func (s *Service) AddAgendaFinding(ctx context.Context, p *auth.Principal, meetingID int64, finding, link string) error {
	m, err := s.Meeting(ctx, p, meetingID)
	if err != nil {
		return err
	}
	if finding, err = cleanText("finding", finding, maxFinding, true); err != nil {
		return err
	}
	if u, err := url.Parse(link); link != "" && (err != nil || u.Path != "/cases" || u.Host != "" || u.Scheme != "") {
		return model.Invalid("link", "invalid", "invalid.meeting.link")
	}
	if len(m.Items) >= maxAgenda {
		return model.Invalid("finding", "too_many", "invalid.meeting.agenda_full", maxAgenda)
	}
	return s.Store.InTx(ctx, store.Audited("meeting.agenda", fmt.Sprintf("meeting:%d", m.ID), summarise(finding, 60)), func(tx *store.Tx) error {
		return tx.InsertMeetingItem(ctx, &store.MeetingItem{MeetingID: m.ID, Finding: finding, Link: link, CreatedAt: s.Now().UTC()})
	})
}

// DecisionInput is a meeting's decision on one case of its agenda.
type DecisionInput struct {
	CaseID       int64
	Action       string
	DepartmentID int64  // assign: the lead department; supervise: the department aimed at (0 the lead)
	Level        string // supervise: normal, yellow, red; warning_adjust: none, blue, yellow, orange, red
	Note         string
}

// Decide records a decision of the meeting and carries it out at once as the
// action on its case, by p, in one transaction: the case's event carries the
// meeting (its timeline links back to it), and the decision names the event.
func (s *Service) Decide(ctx context.Context, p *auth.Principal, meetingID int64, in DecisionInput) (store.MeetingDecision, error) {
	m, err := s.Meeting(ctx, p, meetingID)
	if err != nil {
		return store.MeetingDecision{}, err
	}
	onAgenda := false
	for _, it := range m.Items {
		onAgenda = onAgenda || (it.CaseID != 0 && it.CaseID == in.CaseID)
	}
	if !onAgenda {
		return store.MeetingDecision{}, model.Invalid("case_id", "not_on_agenda", "invalid.meeting.not_on_agenda")
	}
	a := workflow.Action(in.Action)
	if !slices.Contains(DecisionActions, a) {
		return store.MeetingDecision{}, model.Invalid("action", "invalid", "invalid.meeting.action")
	}
	note, err := cleanText("note", in.Note, MaxNote, true)
	if err != nil {
		return store.MeetingDecision{}, err
	}
	act := ActInput{Note: note, Basis: &Basis{MeetingID: m.ID}}
	switch a {
	case workflow.ActionAssign:
		if in.DepartmentID == 0 {
			return store.MeetingDecision{}, model.Invalid("department_id", "required", "invalid.meeting.department_required")
		}
		act.LeadDepartmentID = in.DepartmentID
	case workflow.ActionSupervise:
		act.Level, act.DepartmentID = in.Level, in.DepartmentID
	case workflow.ActionWarningAdjust:
		act.WarningLevel = in.Level
	}
	d := store.MeetingDecision{MeetingID: m.ID, CaseID: in.CaseID, Action: in.Action, DepartmentID: in.DepartmentID, Level: in.Level,
		Note: note, CreatedBy: p.User.ID}
	err = s.Store.InTx(ctx, store.Audited("meeting.decide", fmt.Sprintf("case:%d", in.CaseID), fmt.Sprintf("meeting:%d %s", m.ID, summarise(note, 60))), func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, in.CaseID)
		if err != nil {
			return err
		}
		if !visible(p, &c) {
			return store.ErrNotFound
		}
		now := s.Now().UTC()
		if d.EventID, err = s.actIn(ctx, tx, p, &c, a, act, now); err != nil {
			return err
		}
		d.CreatedAt = now
		return tx.InsertMeetingDecision(ctx, &d)
	})
	return d, err
}

// DecisionOutcome is a decision of an earlier meeting with what became of it: its
// case as it stands now.
type DecisionOutcome struct {
	store.MeetingDecision
	Case   model.Case
	Status workflow.Status // the case's deadline now
	Ended  bool            // resolved (办结) since, or closed
}

// MeetingMaterial is the printed material of a meeting (会议材料): the figures of
// the month before it, the findings of the analysis page then, its agenda, and the
// last meeting's decisions with what became of them.
type MeetingMaterial struct {
	Meeting  store.Meeting
	Cases    map[int64]model.Case // the agenda's and the decisions' cases, as p sees them
	Period   report.Period
	Figures  report.Result
	Analysis Analysis
	Previous *store.Meeting
	Outcomes []DecisionOutcome
}

// Material gathers meeting id's material for p.
func (s *Service) Material(ctx context.Context, p *auth.Principal, id int64, names StatsNames) (MeetingMaterial, error) {
	m, err := s.Meeting(ctx, p, id)
	if err != nil {
		return MeetingMaterial{}, err
	}
	mat := MeetingMaterial{Meeting: m, Cases: map[int64]model.Case{}}
	day, _ := time.ParseInLocation("2006-01-02", m.HeldOn, workflow.ChinaTime)
	mat.Period = report.PeriodOf(report.Month, day).Prev()
	if p.Can(auth.PermStatsRead) {
		if mat.Figures, err = s.Stats(ctx, p, mat.Period, report.Cut{RegionID: m.RegionID}, names); err != nil {
			return mat, err
		}
		if mat.Analysis, err = s.Analyse(ctx, p, mat.Period, m.RegionID); err != nil {
			return mat, err
		}
	}
	prev, err := s.Store.Meetings(ctx, store.MeetingFilter{RegionID: m.RegionID, Before: m.HeldOn, BeforeID: m.ID, Limit: 1})
	if err != nil {
		return mat, err
	}
	if len(prev) == 1 {
		pm, err := s.Store.Meeting(ctx, prev[0].ID)
		if err != nil {
			return mat, err
		}
		mat.Previous = &pm
		now := s.Now()
		for _, d := range pm.Decisions {
			c, err := s.Get(ctx, p, d.CaseID)
			if err != nil {
				continue // a case p may not see is left out
			}
			mat.Outcomes = append(mat.Outcomes, DecisionOutcome{MeetingDecision: d, Case: c, Status: s.DueStatus(&c, now),
				Ended: c.ResolvedAt != nil || workflow.State(c.State).Terminal()})
		}
	}
	for _, it := range m.Items {
		if it.CaseID != 0 {
			if c, err := s.Get(ctx, p, it.CaseID); err == nil {
				mat.Cases[c.ID] = c
			}
		}
	}
	return mat, nil
}

// ActOnFinding takes action a, with the finding's words as its reason, on each open
// case of the list f (at most MaxFindingCases), for p: each case in a transaction of
// its own, its event carrying the finding. It gives how many were done and, by case
// id, why the others were not (an action a case's state does not allow).
func (s *Service) ActOnFinding(ctx context.Context, p *auth.Principal, f store.CaseFilter, finding string, a workflow.Action, in ActInput) (int, map[int64]error, error) {
	if !p.Can(auth.PermStatsRead) {
		return 0, nil, auth.ErrForbidden
	}
	finding, err := cleanText("finding", finding, maxFinding, true)
	if err != nil {
		return 0, nil, err
	}
	if !slices.Contains(DecisionActions, a) || a == workflow.ActionComment {
		return 0, nil, model.Invalid("action", "invalid", "invalid.meeting.action")
	}
	if a == workflow.ActionAssign && in.LeadDepartmentID == 0 {
		return 0, nil, model.Invalid("department_id", "required", "invalid.meeting.department_required")
	}
	if in.Note == "" {
		in.Note = finding
	}
	in.Basis = &Basis{Finding: finding}
	f.States = report.OpenStates()
	f.Limit = MaxFindingCases
	list, err := s.List(ctx, p, f)
	if err != nil {
		return 0, nil, err
	}
	if len(list) == 0 {
		return 0, nil, model.Invalid("link", "empty", "invalid.finding.no_open_cases")
	}
	done, failed := 0, map[int64]error{}
	for _, c := range list {
		err := s.Store.InTx(ctx, store.Audited("case."+string(a), fmt.Sprintf("case:%d", c.ID), summariseNote(in.Note)), func(tx *store.Tx) error {
			cc, err := tx.CaseForUpdate(ctx, c.ID)
			if err != nil {
				return err
			}
			_, err = s.actIn(ctx, tx, p, &cc, a, in, s.Now().UTC())
			return err
		})
		if err != nil {
			failed[c.ID] = err
			continue
		}
		done++
	}
	return done, failed, nil
}

// MaxFindingCases is how many open cases of a finding one action reaches.
const MaxFindingCases = 100
