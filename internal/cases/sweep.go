package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Policy is how the deadline sweep escalates: a case overdue by YellowAfter working
// days gets a yellow-card supervision order (黄牌督办), by RedAfter a red one; an order
// must be answered within ReplyWorkdays, or it rises a level.
type Policy struct {
	DueSoonWindow time.Duration
	YellowAfter   int
	RedAfter      int
	ReplyWorkdays int
}

// DefaultPolicy is the escalation policy unless configured otherwise.
var DefaultPolicy = Policy{DueSoonWindow: 48 * time.Hour, YellowAfter: 3, RedAfter: 10, ReplyWorkdays: 3}

// Supervision levels, lowest first.
var supervisionLevels = []string{"normal", "yellow", "red"}

func levelRank(l string) int {
	for i, x := range supervisionLevels {
		if x == l {
			return i + 1
		}
	}
	return 0
}

var systemActor = store.Actor{Name: "system"}

// SweepDeadlines flags cases that turned 将到期 or 已超期 since the last sweep,
// notifies who must act (and, when overdue, the centre's leaders), and raises
// supervision on cases overdue past the policy. It returns how many cases it touched.
func (s *Service) SweepDeadlines(ctx context.Context, now time.Time) (int, error) {
	ctx = store.WithActor(ctx, systemActor)
	soon := now.Add(s.policy().DueSoonWindow)
	total, err := sweepBatches(ctx, s.Store, store.NotAudited("the deadline sweep's flags, on each case's timeline"),
		func() ([]store.DueTransition, error) { return s.Store.DueTransitions(ctx, now, soon, 500) },
		func(tx *store.Tx, d store.DueTransition) error { return s.flag(ctx, tx, d, now) })
	if err != nil {
		return total, err
	}
	// Then each co-handler's part, on its own: the co-handling department is told,
	// and when its part is overdue, the centre that whistled it in (clerks, leaders).
	parts, err := sweepBatches(ctx, s.Store, store.NotAudited("the deadline sweep's flags on co-handlers' parts"),
		func() ([]store.PartTransition, error) { return s.Store.PartDueTransitions(ctx, now, soon, 500) },
		func(tx *store.Tx, d store.PartTransition) error { return s.flagPart(ctx, tx, d, now) })
	return total + parts, err
}

// sweepBatches applies each to what next finds, a batch to a transaction, until next
// finds nothing (each changes what next finds), and returns how many it applied.
func sweepBatches[T any](ctx context.Context, st *store.Store, e store.AuditEntry, next func() ([]T, error), each func(*store.Tx, T) error) (int, error) {
	total := 0
	for {
		batch, err := next()
		if err != nil || len(batch) == 0 {
			return total, err
		}
		err = st.InTx(ctx, e, func(tx *store.Tx) error {
			for _, d := range batch {
				if err := each(tx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(batch)
	}
}

// flagPart records one part's new flag and notifies.
func (s *Service) flagPart(ctx context.Context, tx *store.Tx, d store.PartTransition, now time.Time) error {
	c, err := tx.CaseForUpdate(ctx, d.CaseID)
	if err != nil {
		return err
	}
	for i := range c.Assignments {
		as := &c.Assignments[i]
		if as.ID != d.AssignmentID {
			continue
		}
		as.DueFlag = d.Flag
		if err := tx.UpdateAssignment(ctx, as); err != nil {
			return err
		}
		dep, err := s.Store.Department(ctx, as.DepartmentID)
		if err != nil {
			return err
		}
		to, err := s.Store.ActiveUsers(ctx, store.UserFilter{DepartmentID: as.DepartmentID, Role: model.RoleHandler})
		if err != nil {
			return err
		}
		title := "协办将到期"
		if d.Flag == "overdue" {
			title = "协办已超期"
			for _, role := range []model.Role{model.RoleClerk, model.RoleLeader} {
				us, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: c.CentreID, Role: role})
				if err != nil {
					return err
				}
				to = append(to, us...)
			}
		}
		body := fmt.Sprintf("%s：%s的协办部分期限 %s", noticeSubject(&c), dep.Name, as.DueAt.In(workflow.ChinaTime).Format("2006-01-02 15:04"))
		return s.Notifier.Send(ctx, tx, to, notify.Message{Kind: "part_" + d.Flag, CaseID: c.ID, Title: title, Body: body}, now)
	}
	return nil
}

func (s *Service) policy() Policy {
	if s.Policy.DueSoonWindow == 0 {
		return DefaultPolicy
	}
	return s.Policy
}

// flag records one case's new deadline flag and notifies.
func (s *Service) flag(ctx context.Context, tx *store.Tx, d store.DueTransition, now time.Time) error {
	c, err := tx.CaseForUpdate(ctx, d.CaseID)
	if err != nil {
		return err
	}
	c.DueFlag = d.Flag
	if err := tx.UpdateCase(ctx, &c); err != nil {
		return err
	}
	to, err := s.responsible(ctx, &c, d.Flag == "overdue")
	if err != nil {
		return err
	}
	stage := map[string]string{"accept": "受理", "handle": "办理", "visit": "回访", "objection": "异议", "confirm": "司法确认"}[c.DueStage]
	title := fmt.Sprintf("案件%s将到期", stage)
	if d.Flag == "overdue" {
		title = fmt.Sprintf("案件%s已超期", stage)
	}
	body := fmt.Sprintf("%s，期限 %s", noticeSubject(&c), c.DueAt.In(workflow.ChinaTime).Format("2006-01-02 15:04"))
	return s.Notifier.Send(ctx, tx, to, notify.Message{Kind: d.Flag, CaseID: c.ID, Title: title, Body: body}, now)
}

// responsible lists who must move c now: the lead department's handlers while it is
// with a department, the centre's mediators when the centre handles it, the grid's
// workers for a return visit, else the centre's clerks; and the centre's leaders when
// it is overdue or supervised.
func (s *Service) responsible(ctx context.Context, c *model.Case, withLeaders bool) ([]model.User, error) {
	var out []model.User
	add := func(f store.UserFilter) error {
		us, err := s.Store.ActiveUsers(ctx, f)
		out = append(out, us...)
		return err
	}
	visit := c.DueStage == string(workflow.StageVisit)
	for _, a := range c.Assignments {
		if !visit && a.IsLead && (a.Status == model.AssignmentAssigned || a.Status == model.AssignmentSigned) {
			if err := add(store.UserFilter{DepartmentID: a.DepartmentID, Role: model.RoleHandler}); err != nil {
				return nil, err
			}
		}
	}
	if !visit && c.AtCentre && c.State == string(workflow.StateInProgress) {
		if err := add(store.UserFilter{RegionID: c.CentreID, Role: model.RoleMediator}); err != nil {
			return nil, err
		}
	}
	if visit {
		if err := add(store.UserFilter{Covering: c.RegionPath, Role: model.RoleGrid}); err != nil {
			return nil, err
		}
	}
	confirm := c.DueStage == string(workflow.StageConfirm)
	if confirm {
		// The confirmation window is the team's to see through with the parties.
		team, err := s.teamAccounts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, team...)
	}
	if len(out) == 0 || visit || confirm || c.DueStage == string(workflow.StageAccept) {
		if err := add(store.UserFilter{RegionID: c.CentreID, Role: model.RoleClerk}); err != nil {
			return nil, err
		}
	}
	if withLeaders {
		if err := add(store.UserFilter{RegionID: c.CentreID, Role: model.RoleLeader}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SweepSupervision raises supervision on cases overdue past the policy, and raises
// orders whose reply is late. It returns how many orders it issued.
func (s *Service) SweepSupervision(ctx context.Context, now time.Time) (int, error) {
	ctx = store.WithActor(ctx, systemActor)
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	p := s.policy()
	issued := 0
	for _, step := range []struct {
		level string
		after int
	}{{"red", p.RedAfter}, {"yellow", p.YellowAfter}} {
		// Overdue "by N working days" from the start of the Nth working day after the
		// deadline's day: a case due Thursday is 3 working days overdue on Tuesday.
		cutoff := cal.SubtractWorkdays(now, step.after-1)
		for {
			ids, err := s.Store.OverdueForSupervision(ctx, step.level, cutoff, 200)
			if err != nil || len(ids) == 0 {
				if err != nil {
					return issued, err
				}
				break
			}
			for _, id := range ids {
				req := fmt.Sprintf("案件已超期 %d 个工作日以上，请立即办理并报告进展", step.after)
				if err := s.supervise(ctx, nil, id, step.level, req, p.ReplyWorkdays, now, 0, 0); err != nil {
					return issued, err
				}
				issued++
			}
		}
	}
	late, err := s.Store.Supervisions(ctx, store.SupervisionFilter{OverdueAt: now, Limit: 500}, store.CaseScope{All: true})
	if err != nil {
		return issued, err
	}
	for _, v := range late {
		next := "red"
		if r := levelRank(v.Level); r < len(supervisionLevels) {
			next = supervisionLevels[r]
		}
		req := fmt.Sprintf("%s逾期未回复，升级督办：%s", supervisionTitles[v.Level], v.Requirement)
		// A late answer rises against the department the order was aimed at.
		if err := s.supervise(ctx, nil, v.CaseID, next, req, p.ReplyWorkdays, now, v.ID, v.DepartmentID); err != nil {
			return issued, err
		}
		issued++
	}
	return issued, nil
}

// supervise issues an order on a case, as a leader (issuer non-nil) or the sweep, in
// one transaction with its event, the case's level, the replaced order and the
// notifications. replaces is the order it escalates, if any; department the one it is
// aimed at (0 for the lead department, else the centre).
func (s *Service) supervise(ctx context.Context, issuer *model.User, caseID int64, level, requirement string, replyDays int, now time.Time, replaces, department int64) error {
	audit := store.Audited("case.supervise", fmt.Sprintf("case:%d", caseID), fmt.Sprintf("%s：%s", supervisionTitles[level], summarise(requirement, 60)))
	return s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, caseID)
		if err != nil {
			return err
		}
		o, err := s.planOrder(ctx, &c, issuer, level, requirement, replyDays, now, "", department)
		if err != nil {
			return err
		}
		return s.issueOrder(ctx, tx, &c, o, replaces, now)
	})
}

// superviseIn issues the order inside tx on c, read in it; source marks why ("risk").
func (s *Service) superviseIn(ctx context.Context, tx *store.Tx, c *model.Case, issuer *model.User, level, requirement string, replyDays int,
	now time.Time, replaces int64, source string) error {
	o, err := s.planOrder(ctx, c, issuer, level, requirement, replyDays, now, source, 0)
	if err != nil {
		return err
	}
	return s.issueOrder(ctx, tx, c, o, replaces, now)
}

// orderPlan is a supervision order about to be issued on a case: its row, still
// without its own id and its case's (given where it is written), and who hears of it.
type orderPlan struct {
	v          store.Supervision
	to         []model.User
	department string // the department it is aimed at, for the timeline; "" when not aimed
	basis      *Basis // a meeting's decision or a finding it was issued on
}

// planOrder prepares an order on c, by issuer (nil for the sweep), reading only: its
// reply date in working days, its addressee (the lead department working c, else its
// centre) and its recipients, who answer for c and, for a red card, the top centre's
// leaders. An order aimed at a department (department non-zero) with a live part in
// c — a co-handler late with its part — is addressed to it instead: its handlers and
// the centre's leaders hear of it. Aimed at a department without one, it falls back.
func (s *Service) planOrder(ctx context.Context, c *model.Case, issuer *model.User, level, requirement string, replyDays int,
	now time.Time, source string, department int64) (*orderPlan, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	o := &orderPlan{v: store.Supervision{Level: level, Requirement: requirement, ReplyBy: cal.AddWorkdays(now, replyDays).UTC(),
		IssuedAt: now, CentreID: c.CentreID, Status: "open", Source: source}}
	for _, a := range c.Assignments {
		if a.IsLead && a.Status != model.AssignmentReturned && a.Status != model.AssignmentReported {
			o.v.DepartmentID = a.DepartmentID
		}
	}
	if issuer != nil {
		o.v.IssuedBy = issuer.ID
	}
	if department != 0 && livePart(c, department) {
		o.v.DepartmentID = department
		dep, err := s.Store.Department(ctx, department)
		if err != nil {
			return nil, err
		}
		o.department = dep.Name
		if o.to, err = s.Store.ActiveUsers(ctx, store.UserFilter{DepartmentID: department, Role: model.RoleHandler}); err != nil {
			return nil, err
		}
		leaders, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: c.CentreID, Role: model.RoleLeader})
		if err != nil {
			return nil, err
		}
		o.to = append(o.to, leaders...)
	} else if o.to, err = s.responsible(ctx, c, true); err != nil {
		return nil, err
	}
	if level == "red" {
		// A red card reaches the top centre's leaders at once.
		leaders, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: rootOf(c.RegionPath), Role: model.RoleLeader})
		if err != nil {
			return nil, err
		}
		o.to = append(o.to, leaders...)
	}
	return o, nil
}

// issueOrder writes o inside tx on c, read in it, with its event, the case's level,
// the order it replaces (if any) and its notices.
func (s *Service) issueOrder(ctx context.Context, tx *store.Tx, c *model.Case, o *orderPlan, replaces int64, now time.Time) error {
	var old store.Supervision
	if replaces != 0 {
		var err error
		if old, err = tx.SupervisionForUpdate(ctx, replaces); err != nil {
			return err
		}
		o.v.Source = old.Source // a warning's order stays the warning's when it rises
	}
	o.v.CaseID = c.ID
	if err := tx.InsertSupervision(ctx, &o.v); err != nil {
		return err
	}
	if replaces != 0 {
		old.Status, old.EscalatedTo = "escalated", o.v.ID
		if err := tx.UpdateSupervision(ctx, &old); err != nil {
			return err
		}
	}
	o.mark(c, now)
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	ev := o.event(c, now)
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return err
	}
	return s.Notifier.Send(ctx, tx, o.to, o.message(c), now)
}

// mark is what the order changes on its case.
func (o *orderPlan) mark(c *model.Case, now time.Time) {
	if o.v.Source == "risk" {
		c.RiskReportAt = nil // an order of the warning is open
	}
	// The case keeps the highest level issued against its current deadline, so the
	// sweep escalates past it rather than issuing it again after a reply.
	if levelRank(o.v.Level) > levelRank(c.SupervisionLevel) {
		c.SupervisionLevel = o.v.Level
	}
	c.UpdatedAt = now
}

// supervisionTitles name an order by its level, in its notice and the audit log.
var supervisionTitles = map[string]string{"normal": "督办", "yellow": "黄牌督办", "red": "红牌督办"}

// event is the order's event on c's timeline; the order has its id.
func (o *orderPlan) event(c *model.Case, now time.Time) model.CaseEvent {
	raw := fmt.Sprintf(`{"supervision_id":%d,"level":%q,"reply_by":%q}`, o.v.ID, o.v.Level, o.v.ReplyBy.Format(time.RFC3339))
	if o.department != "" {
		raw = fmt.Sprintf(`{"supervision_id":%d,"level":%q,"reply_by":%q,"department_id":%d,"department":%q}`, o.v.ID, o.v.Level,
			o.v.ReplyBy.Format(time.RFC3339), o.v.DepartmentID, o.department)
	}
	if o.basis != nil {
		b, _ := json.Marshal(o.basis)
		raw = strings.TrimSuffix(raw, "}") + `,"basis":` + string(b) + "}"
	}
	return model.CaseEvent{CaseID: c.ID, ActorID: o.v.IssuedBy, At: now, Action: string(workflow.ActionSupervise), FromState: c.State, ToState: c.State,
		Note: o.v.Requirement, Payload: []byte(raw)}
}

// message is the order's notice.
func (o *orderPlan) message(c *model.Case) notify.Message {
	title := supervisionTitles[o.v.Level]
	body := fmt.Sprintf("%s：%s。请于 %s 前回复。", noticeSubject(c), o.v.Requirement, o.v.ReplyBy.In(workflow.ChinaTime).Format("2006-01-02"))
	return notify.Message{Kind: "supervision", CaseID: c.ID, Title: title, Body: body}
}

// livePart tells whether department works on c now: a part signed for or awaiting
// signature, lead or co-handler.
func livePart(c *model.Case, department int64) bool {
	for _, a := range c.Assignments {
		if a.DepartmentID == department && (a.Status == model.AssignmentAssigned || a.Status == model.AssignmentSigned) {
			return true
		}
	}
	return false
}

// rootOf is the id of the first region on a path ("/1/4/17/" → 1).
func rootOf(path string) int64 {
	var id int64
	fmt.Sscanf(strings.TrimPrefix(path, "/"), "%d", &id)
	return id
}
