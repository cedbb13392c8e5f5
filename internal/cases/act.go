package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// ActInput is what an action may carry; each action uses the fields it needs.
type ActInput struct {
	Note             string  `json:"note"`
	Outcome          string  `json:"outcome"`
	Satisfaction     string  `json:"satisfaction"`
	LeadDepartmentID int64   `json:"lead_department_id"`
	CoDepartmentIDs  []int64 `json:"co_department_ids"`
	MergeInto        int64   `json:"merge_into"`
	ToRegionID       int64   `json:"to_region_id"`
	Days             int     `json:"days"`
	Level            string  `json:"level"`         // supervise: normal, yellow, red
	ReplyDays        int     `json:"reply_days"`    // supervise: working days to reply
	Version          int     `json:"version"`       // when set, the action applies only to this version of the case
	SeenState        string  `json:"state"`         // when set, the action applies only while the case is in this state
	Incident         string  `json:"incident"`      // record: police_call, visit, mediation_failed, skipped_level, injury, return_visit
	WarningLevel     string  `json:"warning_level"` // warning_adjust: none, blue, yellow, orange, red
	HolderID         int64   `json:"holder_id"`     // warning_respond: the 包案 leader of a red warning
	CoDueDays        int     `json:"co_due_days"`   // assign, co_assign: working days the centre gives the co-handlers; 0 for the co_handle rule
	DepartmentID     int64   `json:"department_id"` // supervise: the department the order is aimed at; 0 for the lead (else the centre)
	// Basis is why the action was taken when it was not the case's own course: a
	// meeting's decision or a finding of the analysis page. Its event carries it, and
	// the timeline links back to it.
	Basis *Basis `json:"-"`
}

// Basis is what an action was decided on: a meeting (会商研判/联席会议) or a finding
// of the analysis page (研判), in words.
type Basis struct {
	MeetingID int64  `json:"meeting_id,omitempty"`
	Finding   string `json:"finding,omitempty"`
}

func summariseNote(note string) string { return summarise(strings.TrimSpace(note), 100) }

// MaxNote bounds a note, reason or report.
const MaxNote = 2000

// Act takes action a on case id for p, in one transaction with its event.
func (s *Service) Act(ctx context.Context, p *auth.Principal, id int64, a workflow.Action, in ActInput) (model.Case, error) {
	if a == workflow.ActionSupervise {
		return s.Supervise(ctx, p, id, in)
	}
	var c model.Case
	audit := store.Audited("case."+string(a), fmt.Sprintf("case:%d", id), summariseNote(in.Note))
	err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		var err error
		c, err = tx.CaseForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if !visible(p, &c) {
			return store.ErrNotFound
		}
		if in.Version != 0 && in.Version != c.Version || in.SeenState != "" && in.SeenState != c.State {
			return store.ErrStale
		}
		return s.act(ctx, tx, p, &c, a, in, s.Now().UTC())
	})
	return c, err
}

// facts gathers what workflow needs to know about a case and an actor: among them
// who took the earlier steps some actions must be kept apart from.
func (s *Service) facts(ctx context.Context, p *auth.Principal, c *model.Case) (workflow.Input, error) {
	in := workflow.Input{AtCentre: c.AtCentre, ExtensionPending: c.ExtensionPending, SuspendedFrom: workflow.State(c.SuspendedFrom),
		WarningPending: c.RiskResponseBy != nil, SeriousWarning: level(c.RiskLevel) >= risk.LevelOrange}
	for _, a := range c.Assignments {
		if a.Status == model.AssignmentReturned {
			continue
		}
		mine := p.Department != nil && a.DepartmentID == p.Department.ID
		if a.IsLead {
			in.IsLead = in.IsLead || mine
			continue
		}
		if a.Status != model.AssignmentReported {
			in.CoHandlersPending++
		}
		if mine {
			switch a.Status {
			case model.AssignmentAssigned:
				in.CoPart = workflow.CoPending
			case model.AssignmentSigned:
				in.CoPart = workflow.CoSigned
			case model.AssignmentReported:
				in.CoPart = workflow.CoReported
			}
		}
	}
	in.Actor = p.User.ID
	if steps := workflow.SeparatedSteps(workflow.State(c.State), in); len(steps) > 0 && c.ID != 0 {
		names := make([]string, len(steps))
		for i, a := range steps {
			names[i] = string(a)
		}
		last, err := s.Store.LastActors(ctx, c.ID, names)
		if err != nil {
			return in, err
		}
		in.LastBy = map[workflow.Action]int64{}
		for a, actor := range last {
			in.LastBy[workflow.Action(a)] = actor
		}
	}
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return in, err
	}
	in.HasParentCentre = centre.ParentID != 0
	children, err := s.Store.Regions(ctx, store.RegionFilter{ParentID: centre.ID, ActiveOnly: true})
	if err != nil {
		return in, err
	}
	for _, ch := range children {
		if ch.Level != model.LevelGrid && strings.HasPrefix(c.RegionPath, ch.Path) {
			in.HasChildCentre = true
		}
	}
	return in, nil
}

// rolesOn narrows p's roles to those they hold for this case: centre staff act for the
// centre holding it (a leader also for centres below), a mediator for their own centre,
// a grid worker in their grid. Handlers act through their department's assignment,
// which workflow checks itself.
func rolesOn(p *auth.Principal, c *model.Case, centrePath string) []model.Role {
	var out []model.Role
	inRegion := strings.HasPrefix(c.RegionPath, p.Region.Path)
	for _, r := range p.User.Roles {
		ok := false
		switch r {
		case model.RoleClerk, model.RoleMediator:
			ok = c.CentreID == p.Region.ID
		case model.RoleLeader:
			ok = strings.HasPrefix(centrePath, p.Region.Path)
		case model.RoleGrid:
			ok = inRegion
		case model.RoleHandler:
			ok = p.Department != nil
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// Allowed lists the actions p may take on c now.
func (s *Service) Allowed(ctx context.Context, p *auth.Principal, c *model.Case) ([]workflow.Action, error) {
	in, err := s.facts(ctx, p, c)
	if err != nil {
		return nil, err
	}
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return nil, err
	}
	allowed := workflow.Allowed(workflow.State(c.State), rolesOn(p, c, centre.Path), in)
	if !slices.Contains(allowed, workflow.ActionWarningRespond) &&
		slices.Contains(workflow.Allowed(workflow.State(c.State), rolesFor(p, c, centre.Path, workflow.ActionWarningRespond), in), workflow.ActionWarningRespond) {
		// Kept in AllActions order, as the page lists them.
		var out []workflow.Action
		for _, a := range workflow.AllActions {
			if a == workflow.ActionWarningRespond || slices.Contains(allowed, a) {
				out = append(out, a)
			}
		}
		allowed = out
	}
	return allowed, nil
}

// rolesFor is rolesOn for one action. A warning's response is also for the centres
// the case lies under (DESIGN.md §4: an orange warning is the township's to act on the
// same day), so their clerks and leaders respond even when another centre holds it.
func rolesFor(p *auth.Principal, c *model.Case, centrePath string, a workflow.Action) []model.Role {
	roles := rolesOn(p, c, centrePath)
	if a != workflow.ActionWarningRespond || !strings.HasPrefix(c.RegionPath, p.Region.Path) {
		return roles
	}
	for _, r := range []model.Role{model.RoleClerk, model.RoleLeader} {
		if p.Has(r) && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// act applies a to c inside tx: decide, apply the effects, write case and event.
func (s *Service) act(ctx context.Context, tx *store.Tx, p *auth.Principal, c *model.Case, a workflow.Action, in ActInput, now time.Time) error {
	if !a.Valid() || a == workflow.ActionRegister {
		return model.Invalid("action", "unknown_action", "invalid.action.unknown_action")
	}
	note, err := cleanText("note", in.Note, MaxNote, false)
	if err != nil {
		return err
	}
	facts, err := s.facts(ctx, p, c)
	if err != nil {
		return err
	}
	facts.Reason, facts.Outcome, facts.Satisfaction = note, workflow.Outcome(in.Outcome), workflow.Satisfaction(in.Satisfaction)
	facts.Incident, facts.WarningLevel = strings.TrimSpace(in.Incident), in.WarningLevel
	if in.LeadDepartmentID != 0 {
		facts.LeadDepartment = fmt.Sprint(in.LeadDepartmentID)
	}
	for _, d := range in.CoDepartmentIDs {
		facts.CoDepartments = append(facts.CoDepartments, fmt.Sprint(d))
	}
	if in.MergeInto != 0 {
		facts.MergeInto = fmt.Sprint(in.MergeInto)
	}
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return err
	}
	from := workflow.State(c.State)
	to, err := workflow.Decide(from, a, rolesFor(p, c, centre.Path, a), facts)
	if err != nil {
		return err
	}
	payload := map[string]any{}
	if in.Basis != nil {
		payload["basis"] = in.Basis
	}
	var changes []*warningChange
	switch a {
	case workflow.ActionWarningAdjust, workflow.ActionWarningRespond:
		ch, err := s.applyWarningAction(ctx, p, c, a, in, note, now, payload)
		if err != nil {
			return err
		}
		if ch != nil {
			changes = append(changes, ch)
		}
	default:
		if err := s.apply(ctx, tx, p, c, a, in, from, &to, now, payload); err != nil {
			return err
		}
		if a == workflow.ActionRecord {
			payload["incident"] = facts.Incident
			if err := recordIncident(ctx, tx, c, facts.Incident, p.User.ID, note, now); err != nil {
				return err
			}
		}
	}
	if to != workflow.Unchanged {
		c.State = string(to)
	}
	if c.DueAt == nil {
		c.DueFlag = ""
	}
	// Every event reassesses the warning: what it recorded may raise the colour.
	ch, err := s.reassess(ctx, tx, c, now)
	if err != nil {
		return err
	}
	if ch != nil {
		changes = append(changes, ch)
	}
	if workflow.State(c.State).Terminal() && level(c.RiskLevel) != risk.LevelNone {
		// A rejected or merged case carries no warning of its own any more (an archived
		// one has stepped down below orange first).
		rules, err := s.riskRules(ctx)
		if err != nil {
			return err
		}
		prev := level(c.RiskLevel)
		setWarning(c, rules, prev, risk.LevelNone, now)
		changes = append(changes, &warningChange{from: prev, to: risk.LevelNone, reason: "closed", note: "案件已" + workflow.State(c.State).Label() + "，预警解除"})
	}
	c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	raw, _ := json.Marshal(payload)
	ev := model.CaseEvent{CaseID: c.ID, ActorID: p.User.ID, At: now, Action: string(a), FromState: string(from), ToState: c.State, Note: note, Payload: raw}
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return err
	}
	for _, ch := range changes {
		if err := s.recordWarning(ctx, tx, c, ch, now); err != nil {
			return err
		}
	}
	if s.Acted != nil {
		return s.Acted(ctx, tx, c, ev)
	}
	return nil
}

// apply carries out the effects of a beyond the state change; it may refine to
// (resume, and visit when the party is unsatisfied).
func (s *Service) apply(ctx context.Context, tx *store.Tx, p *auth.Principal, c *model.Case, a workflow.Action, in ActInput,
	from workflow.State, to *workflow.State, now time.Time, payload map[string]any) error {
	switch a {
	case workflow.ActionAccept:
		c.AcceptedAt = &now
		return s.setDue(ctx, c, workflow.StageHandle, now)
	case workflow.ActionReject:
		c.ClosedAt, c.DueAt, c.DueStage = &now, nil, ""
	case workflow.ActionMerge:
		return s.merge(ctx, tx, p, c, in.MergeInto, now, payload)
	case workflow.ActionHandle:
		c.AtCentre = true
	case workflow.ActionAssign:
		lead, err := s.department(ctx, "lead_department_id", in.LeadDepartmentID, c)
		if err != nil {
			return err
		}
		if err := s.addAssignment(ctx, tx, c, lead, true, 0, now); err != nil {
			return err
		}
		payload["lead_department_id"], payload["lead_department"] = lead.ID, lead.Name
		c.AtCentre = false
		return s.coAssign(ctx, tx, c, in.CoDepartmentIDs, in.CoDueDays, now, payload)
	case workflow.ActionCoAssign:
		return s.coAssign(ctx, tx, c, in.CoDepartmentIDs, in.CoDueDays, now, payload)
	case workflow.ActionSign, workflow.ActionReturn, workflow.ActionCoSign, workflow.ActionCoReport:
		return s.departmentStep(ctx, tx, p, c, a, in.Note, now, payload)
	case workflow.ActionEscalate:
		centre, err := s.Store.Region(ctx, c.CentreID)
		if err != nil {
			return err
		}
		parent, err := s.Store.Region(ctx, centre.ParentID)
		if err != nil {
			return err
		}
		payload["from_centre_id"], payload["to_centre_id"], payload["to_centre"] = c.CentreID, parent.ID, parent.Name
		c.CentreID, c.AtCentre = parent.ID, false
		return s.withdrawAssignments(ctx, tx, c, now)
	case workflow.ActionDelegate:
		target, err := s.Store.Region(ctx, in.ToRegionID)
		if err != nil || target.ParentID != c.CentreID || target.Level == model.LevelGrid || !target.Active || !strings.HasPrefix(c.RegionPath, target.Path) {
			return model.Invalid("to_region_id", "invalid", "invalid.to_region_id.invalid")
		}
		payload["from_centre_id"], payload["to_centre_id"], payload["to_centre"] = c.CentreID, target.ID, target.Name
		c.CentreID, c.AtCentre = target.ID, false
	case workflow.ActionExtendRequest:
		rules, _, err := s.deadlines(ctx)
		if err != nil {
			return err
		}
		limit := 30
		if r, ok := workflow.ResolveRule(rules, c.Kind, c.CategoryCode, workflow.Urgency(c.Urgency), workflow.StageExtension); ok {
			limit = r.Days
		}
		if in.Days < 1 || in.Days > limit {
			return model.Invalid("days", "range", "invalid.extension_days.range", limit)
		}
		c.ExtensionPending, c.ExtensionDays = true, in.Days
		payload["days"] = in.Days
	case workflow.ActionExtendApprove:
		if c.DueAt != nil {
			due := c.DueAt.AddDate(0, 0, c.ExtensionDays)
			payload["old_due_at"], payload["new_due_at"] = c.DueAt, due
			c.DueAt, c.DueFlag = &due, ""
		}
		payload["days"] = c.ExtensionDays
		c.ExtensionPending, c.ExtensionDays = false, 0
	case workflow.ActionExtendRefuse:
		c.ExtensionPending, c.ExtensionDays = false, 0
	case workflow.ActionSuspend:
		// The clock stops: "paused" keeps the case out of the sweep's index range.
		c.SuspendedFrom, c.DueFlag = string(from), "paused"
		payload["suspended_at"] = now
	case workflow.ActionResume:
		// The clock stops while a case is suspended: the deadline moves by the time lost.
		*to = workflow.State(c.SuspendedFrom)
		if at, ok, err := s.lastEventAt(ctx, c.ID, workflow.ActionSuspend); err != nil {
			return err
		} else if ok {
			if c.DueAt != nil {
				due := c.DueAt.Add(now.Sub(at))
				c.DueAt, c.DueFlag = &due, ""
				payload["paused_for_hours"] = int(now.Sub(at).Hours())
			}
			// The co-handlers' clocks stopped with the case's.
			if err := s.shiftParts(ctx, tx, c, now.Sub(at)); err != nil {
				return err
			}
		}
		c.SuspendedFrom = ""
		if c.DueFlag == "paused" {
			c.DueFlag = ""
		}
	case workflow.ActionResolve:
		c.Outcome, c.ResolvedAt = in.Outcome, &now
		// The handling deadline gives way to the return visit's below; 按期办结 is
		// judged against the one in force now.
		c.ResolvedDueAt = nil
		if c.DueAt != nil {
			due := *c.DueAt
			c.ResolvedDueAt = &due
		}
		payload["outcome"] = in.Outcome
		if err := s.setLeadDone(ctx, tx, c, true, in.Note, now); err != nil {
			return err
		}
		if workflow.Outcome(in.Outcome) == workflow.OutcomeToLitigation {
			// 调解不成: a failed mediation, which the warning counts.
			if err := recordIncident(ctx, tx, c, model.IncidentMediationFailed, p.User.ID, "调解不成，导入诉讼", now); err != nil {
				return err
			}
		}
		if err := s.setDue(ctx, c, workflow.StageVisit, now); err != nil {
			return err
		}
		// A written agreement signed already starts its confirmation window now.
		c.State = string(*to)
		return s.SyncConfirmClock(ctx, tx, c)
	case workflow.ActionVerifyFail:
		c.Outcome, c.ResolvedAt, c.ResolvedDueAt = "", nil, nil
		if err := s.setLeadDone(ctx, tx, c, false, "", now); err != nil {
			return err
		}
		return s.setDue(ctx, c, workflow.StageHandle, now)
	case workflow.ActionVisit:
		c.Satisfaction = in.Satisfaction
		payload["satisfaction"] = in.Satisfaction
		// The return visit after the result counts toward stepping a warning down.
		if err := recordIncident(ctx, tx, c, model.IncidentReturnVisit, p.User.ID, workflow.Satisfaction(in.Satisfaction).Label(), now); err != nil {
			return err
		}
		if *to == workflow.StateInProgress { // 不满意: reopened
			c.Outcome, c.ResolvedAt, c.ResolvedDueAt = "", nil, nil
			c.Reopened++
			payload["reopened"] = true
			if err := s.setLeadDone(ctx, tx, c, false, "", now); err != nil {
				return err
			}
			return s.setDue(ctx, c, workflow.StageHandle, now)
		}
		if c.DueStage != string(workflow.StageConfirm) {
			// The confirmation window runs on past the return visit.
			c.DueAt, c.DueStage = nil, ""
		}
	case workflow.ActionArchive:
		c.ClosedAt = &now
	}
	return nil
}

func (s *Service) lastEventAt(ctx context.Context, caseID int64, a workflow.Action) (time.Time, bool, error) {
	evs, err := s.Store.Events(ctx, caseID)
	if err != nil {
		return time.Time{}, false, err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == string(a) {
			return evs[i].At, true, nil
		}
	}
	return time.Time{}, false, nil
}

// department loads an active department that may take work from the case's centre:
// one at the centre's own region, above it, or below it.
func (s *Service) department(ctx context.Context, field string, id int64, c *model.Case) (model.Department, error) {
	d, err := s.Store.Department(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !d.Active {
		return d, model.Invalid(field, "not_found", "invalid.department.not_found")
	}
	if err != nil {
		return d, err
	}
	dr, err := s.Store.Region(ctx, d.RegionID)
	if err != nil {
		return d, err
	}
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return d, err
	}
	if !strings.HasPrefix(dr.Path, centre.Path) && !strings.HasPrefix(centre.Path, dr.Path) {
		return d, model.Invalid(field, "out_of_reach", "invalid.department.out_of_reach")
	}
	return d, nil
}

// addAssignment gives department d its part in c: the lead's, or a co-handler's with
// a deadline of its own (coDays working days set by the centre, else the co_handle
// rule; workflow.CoHandleDeadline).
func (s *Service) addAssignment(ctx context.Context, tx *store.Tx, c *model.Case, d model.Department, lead bool, coDays int, now time.Time) error {
	for _, a := range c.Assignments {
		if a.DepartmentID == d.ID && a.Status != model.AssignmentReturned {
			return model.Invalid("co_department_ids", "duplicate", "invalid.co_department.duplicate", d.Name)
		}
	}
	ret, err := s.due(ctx, c, workflow.StageObjection, now)
	if err != nil {
		return err
	}
	as := model.Assignment{CaseID: c.ID, DepartmentID: d.ID, IsLead: lead, Status: model.AssignmentAssigned, AssignedAt: now, ReturnBy: ret}
	if !lead {
		rules, cal, err := s.deadlines(ctx)
		if err != nil {
			return err
		}
		key := workflow.CaseKey{Kind: c.Kind, Category: c.CategoryCode, Urgency: workflow.Urgency(c.Urgency)}
		if pd, ok := workflow.CoHandleDeadline(rules, cal, key, now, coDays, c.DueAt); ok {
			due := pd.Due.UTC()
			as.DueAt, as.DueBasis = &due, pd.Basis
		}
	}
	if err := tx.InsertAssignment(ctx, &as); err != nil {
		return err
	}
	c.Assignments = append(c.Assignments, as)
	return nil
}

func (s *Service) coAssign(ctx context.Context, tx *store.Tx, c *model.Case, ids []int64, days int, now time.Time, payload map[string]any) error {
	if days < 0 || days > workflow.MaxCoHandleWorkdays {
		return model.Invalid("co_due_days", "range", "invalid.co_due_days.range", workflow.MaxCoHandleWorkdays)
	}
	var names []string
	var dues []*time.Time
	for _, id := range ids {
		d, err := s.department(ctx, "co_department_ids", id, c)
		if err != nil {
			return err
		}
		if err := s.addAssignment(ctx, tx, c, d, false, days, now); err != nil {
			return err
		}
		names = append(names, d.Name)
		dues = append(dues, c.Assignments[len(c.Assignments)-1].DueAt)
	}
	if len(ids) > 0 {
		payload["co_department_ids"], payload["co_departments"], payload["co_due_at"] = ids, names, dues
		if days > 0 {
			payload["co_due_days"] = days
		}
	}
	return nil
}

// shiftParts moves the deadlines of c's live co-handling parts by the time the case
// lay suspended, and clears their flags for the sweep to set afresh.
func (s *Service) shiftParts(ctx context.Context, tx *store.Tx, c *model.Case, by time.Duration) error {
	for i := range c.Assignments {
		as := &c.Assignments[i]
		if as.DueAt == nil || (as.Status != model.AssignmentAssigned && as.Status != model.AssignmentSigned) {
			continue
		}
		due := as.DueAt.Add(by)
		as.DueAt, as.DueFlag = &due, ""
		if err := tx.UpdateAssignment(ctx, as); err != nil {
			return err
		}
	}
	return nil
}

// departmentStep records a department's sign, return, co-sign or co-report on its
// own assignment.
func (s *Service) departmentStep(ctx context.Context, tx *store.Tx, p *auth.Principal, c *model.Case, a workflow.Action, note string, now time.Time, payload map[string]any) error {
	lead := a == workflow.ActionSign || a == workflow.ActionReturn
	for i := range c.Assignments {
		as := &c.Assignments[i]
		if as.DepartmentID != p.Department.ID || as.IsLead != lead || as.Status == model.AssignmentReturned {
			continue
		}
		switch a {
		case workflow.ActionSign, workflow.ActionCoSign:
			as.Status, as.SignedAt = model.AssignmentSigned, &now
		case workflow.ActionReturn:
			if as.ReturnBy != nil && now.After(*as.ReturnBy) {
				return model.Invalid("note", "return_window_closed", "invalid.note.return_window_closed")
			}
			as.Status = model.AssignmentReturned
		case workflow.ActionCoReport:
			as.Status, as.ReportedAt, as.Report = model.AssignmentReported, &now, strings.TrimSpace(note)
		}
		payload["department_id"], payload["assignment_id"] = as.DepartmentID, as.ID
		return tx.UpdateAssignment(ctx, as)
	}
	return store.ErrNotFound
}

// setLeadDone marks the lead department's part finished when it resolves the case
// (reported, with the resolving note), and back at work when the case is reopened
// (signed). A finished lead no longer shows as 办理中 on the case page, and its
// department's work queue reads only live assignments.
func (s *Service) setLeadDone(ctx context.Context, tx *store.Tx, c *model.Case, done bool, note string, now time.Time) error {
	for i := range c.Assignments {
		as := &c.Assignments[i]
		if !as.IsLead || as.Status == model.AssignmentReturned {
			continue
		}
		switch {
		case done && as.Status == model.AssignmentSigned:
			as.Status, as.ReportedAt, as.Report = model.AssignmentReported, &now, strings.TrimSpace(note)
		case !done && as.Status == model.AssignmentReported:
			as.Status, as.ReportedAt, as.Report = model.AssignmentSigned, nil, ""
		default:
			continue
		}
		if err := tx.UpdateAssignment(ctx, as); err != nil {
			return err
		}
	}
	return nil
}

// withdrawAssignments ends every live assignment when a case leaves its centre.
func (s *Service) withdrawAssignments(ctx context.Context, tx *store.Tx, c *model.Case, now time.Time) error {
	for i := range c.Assignments {
		as := &c.Assignments[i]
		if as.Status == model.AssignmentReturned {
			continue
		}
		as.Status = model.AssignmentReturned
		if err := tx.UpdateAssignment(ctx, as); err != nil {
			return err
		}
	}
	return nil
}

// merge joins c into the case it repeats; both timelines record it.
func (s *Service) merge(ctx context.Context, tx *store.Tx, p *auth.Principal, c *model.Case, into int64, now time.Time, payload map[string]any) error {
	if into == c.ID {
		return model.Invalid("merge_into", "self", "invalid.merge_into.self")
	}
	target, err := tx.CaseForUpdate(ctx, into)
	if errors.Is(err, store.ErrNotFound) || err == nil && !visible(p, &target) {
		return model.Invalid("merge_into", "not_found", "invalid.merge_into.not_found")
	}
	if err != nil {
		return err
	}
	if !workflow.State(target.State).Open() || target.State == string(workflow.StateMerged) {
		return model.Invalid("merge_into", "closed", "invalid.merge_into.closed")
	}
	c.MergedInto, c.ClosedAt, c.DueAt, c.DueStage = target.ID, &now, nil, ""
	payload["merge_into"], payload["merge_into_code"] = target.ID, target.TrackingCode
	raw, _ := json.Marshal(map[string]any{"merged_case_id": c.ID})
	target.UpdatedAt = now
	if err := tx.UpdateCase(ctx, &target); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, &model.CaseEvent{CaseID: target.ID, ActorID: p.User.ID, At: now, Action: "merged_in",
		FromState: target.State, ToState: target.State, Note: fmt.Sprintf("重复反映并入：案件 %d", c.ID), Payload: raw})
}
