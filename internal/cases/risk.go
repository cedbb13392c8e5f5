package cases

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// RiskRules returns the warning rules in force and whether they differ from the
// shipped defaults.
func (s *Service) RiskRules(ctx context.Context) (risk.Rules, bool, error) {
	raw, ok, err := s.Store.RiskRules(ctx)
	if err != nil || !ok {
		return risk.DefaultRules(), false, err
	}
	var r risk.Rules
	if err := json.Unmarshal(raw, &r); err != nil {
		return risk.DefaultRules(), false, fmt.Errorf("stored risk rules: %w", err)
	}
	// Rules saved equal to the defaults (a reset) are the defaults.
	again, _ := json.Marshal(r)
	defaults, _ := json.Marshal(risk.DefaultRules())
	return r, string(again) != string(defaults), nil
}

// riskRules is RiskRules cached for rulesTTL, as the deadline rules are: every action
// reassesses its case.
func (s *Service) riskRules(ctx context.Context) (risk.Rules, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.riskLoaded && time.Since(s.riskLoadedAt) < rulesTTL {
		return s.riskCached, nil
	}
	r, _, err := s.RiskRules(ctx)
	if err != nil {
		return r, err
	}
	s.riskCached, s.riskLoaded, s.riskLoadedAt = r, true, time.Now()
	return r, nil
}

// SetRiskRules checks and saves an administrator's warning rules; they apply to the
// next assessment at once. Existing levels stay until their cases are next assessed.
func (s *Service) SetRiskRules(ctx context.Context, p *auth.Principal, r risk.Rules) error {
	if !p.Can(auth.PermDictionary) {
		return auth.ErrForbidden
	}
	if ps := r.Problems(); len(ps) > 0 {
		return rulesError(ps)
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	audit := store.Audited("risk.rules", "risk_rules", fmt.Sprintf("修改预警规则：阈值 蓝%d 黄%d 橙%d 红%d", r.Thresholds.Blue, r.Thresholds.Yellow, r.Thresholds.Orange, r.Thresholds.Red))
	if err := s.Store.SaveRiskRules(ctx, audit, raw, p.User.ID); err != nil {
		return err
	}
	s.mu.Lock()
	s.riskLoaded = false
	s.mu.Unlock()
	return nil
}

// rulesError is every problem with the rules in one field error, on the field of the
// first, each named by its JSON path: "thresholds：须满足 蓝 < 黄 < 橙 < 红；…".
func rulesError(ps []risk.Problem) error {
	return model.Invalid(ps[0].Field, "invalid", "invalid.risk_rules", rulesProblems(ps))
}

// rulesProblems are the problems with the rules, said one after the other; the
// catalogue decides how each is said ("invalid.risk_rules.problem": in Chinese its
// field and the catalogue's words for its rule, in English the risk package's text).
type rulesProblems []risk.Problem

func (ps rulesProblems) Localize(loc string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		text := p.Text
		switch key := "risk_rules.err." + p.Code; {
		case p.Code == "between":
			text = i18n.T(loc, key, p.Min, p.Max)
		case p.Code == "floor":
		default:
			if t, ok := i18n.Lookup(loc, key); ok {
				text = t
			}
		}
		parts[i] = i18n.T(loc, "invalid.risk_rules.problem", p.Field, text, p.Text)
	}
	return strings.Join(parts, i18n.T(loc, "invalid.risk_rules.sep"))
}

// level reads a stored level code; anything unknown reads as none.
func level(code string) risk.Level {
	l, err := risk.ParseLevel(code)
	if err != nil {
		return risk.LevelNone
	}
	return l
}

// warningChange is a change of the level in force, recorded as an event once the
// case row is written.
type warningChange struct {
	from, to risk.Level
	reason   string // computed, leader, step_down, closed
	note     string
	actorID  int64
	result   json.RawMessage // computed: the assessment, kept with the event for Timeline to word for each reader
}

// isMinor reads a party's age off their ID number.
func isMinor(p model.Party, now time.Time) bool {
	if p.Minor {
		return true
	}
	birth, ok := model.IDNumberBirthDate(p.IDNumber)
	return ok && birth.AddDate(18, 0, 0).After(now)
}

// historian reads a case's history for its warning: a transaction (store.Tx), or on
// PostgreSQL the store itself, which reads what a transaction would.
type historian interface {
	RiskHistory(ctx context.Context, caseID int64, idNumbers, phones []string, since time.Time) (store.RiskHistory, error)
}

// assess applies the rules to c and its history over the window, read by tx: inside
// the transaction of the current action, so that what it records counts.
func (s *Service) assess(ctx context.Context, tx historian, c *model.Case, rules risk.Rules, now time.Time) (risk.Result, error) {
	in := risk.Input{Kind: c.Kind, CategoryCode: c.CategoryCode, Title: c.Title, Description: c.Description,
		People: c.PeopleCount, AmountFen: c.AmountFen, Injured: c.Injured}
	var ids, phones []string
	for _, p := range c.Parties {
		ids, phones = append(ids, p.IDNumber), append(phones, p.Phone)
		in.SevereMentalIllness = in.SevereMentalIllness || p.SevereMentalIllness
		in.Minor = in.Minor || isMinor(p, now)
	}
	window := rules.WindowDays
	if window <= 0 {
		window = 90
	}
	h, err := tx.RiskHistory(ctx, c.ID, ids, phones, now.AddDate(0, 0, -window))
	if err != nil {
		return risk.Result{}, err
	}
	in.PriorCases = h.PriorCases
	in.PoliceCalls = h.Incidents[model.IncidentPoliceCall]
	in.Visits = h.Incidents[model.IncidentVisit]
	in.FailedMediations = h.Incidents[model.IncidentMediationFailed]
	in.SkippedLevelPetitions = h.Incidents[model.IncidentSkippedLevel]
	// The other cases' shares, so that an explanation counts only what its reader sees.
	for id, ch := range h.ByCase {
		if id == c.ID {
			in.Injured = in.Injured || ch.Incidents[model.IncidentInjury] > 0
			continue
		}
		in.Others = append(in.Others, risk.Source{CaseID: id, Prior: ch.Prior, PoliceCalls: ch.Incidents[model.IncidentPoliceCall],
			Visits: ch.Incidents[model.IncidentVisit], FailedMediations: ch.Incidents[model.IncidentMediationFailed],
			SkippedLevel: ch.Incidents[model.IncidentSkippedLevel], Injuries: ch.Incidents[model.IncidentInjury]})
	}
	slices.SortFunc(in.Others, func(a, b risk.Source) int { return cmp.Compare(a.CaseID, b.CaseID) })
	return risk.Assess(rules, in), nil
}

// reassess computes c's warning afresh and reconciles it with the level in force
// (risk.Reconcile): the change, if any, is returned for recordWarning.
func (s *Service) reassess(ctx context.Context, tx *store.Tx, c *model.Case, now time.Time) (*warningChange, error) {
	if c.Parties == nil && c.ID != 0 {
		var err error
		if c.Parties, err = tx.Parties(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	return s.reassessFrom(ctx, tx, c, now)
}

// reassessFrom is reassess for a case whose parties are at hand, its history read by h.
func (s *Service) reassessFrom(ctx context.Context, h historian, c *model.Case, now time.Time) (*warningChange, error) {
	rules, err := s.riskRules(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.assess(ctx, h, c, rules, now)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	inForce, previous := level(c.RiskLevel), level(c.RiskComputed)
	c.RiskComputed, c.RiskScore, c.RiskResult = res.Level.String(), res.Score, raw
	if c.RiskLevel == "" {
		c.RiskLevel = inForce.String()
	}
	to := risk.Reconcile(inForce, previous, res.Level)
	if to == inForce {
		return nil, nil
	}
	setWarning(c, rules, inForce, to, now)
	return &warningChange{from: inForce, to: to, reason: "computed", note: res.For(noticeReader).Explain(), result: raw}, nil
}

// setWarning puts the level in force at to, with the response it demands when it rose.
func setWarning(c *model.Case, rules risk.Rules, from, to risk.Level, now time.Time) {
	// A new colour starts a new quiet period, with no visits yet.
	c.RiskLevel, c.RiskSince, c.RiskQuietSince, c.RiskVisits = to.String(), &now, &now, 0
	switch {
	case to > from:
		// A red warning whose leader is already named needs no one named again.
		if due, ok := rules.ResponseDue(to, now, workflow.ChinaTime); ok && !(to == risk.LevelRed && c.RiskHolderID != 0) {
			c.RiskResponseBy, c.RiskEscalated = &due, false
		}
	case to < from:
		// Stepping down demands nothing; what the higher colour demanded lapses.
		c.RiskResponseBy, c.RiskEscalated = nil, false
	}
	if to == risk.LevelNone {
		c.RiskSince, c.RiskQuietSince, c.RiskHolderID, c.RiskReportAt = nil, nil, 0, nil
	}
}

var warningReasons = map[string]string{"computed": "预警评估", "leader": "领导调整", "step_down": "稳控降级", "closed": "案件关闭"}

// recordWarning appends the change's event to c's timeline (c already written) and
// sends what the change demands (warningNotices).
func (s *Service) recordWarning(ctx context.Context, tx *store.Tx, c *model.Case, ch *warningChange, now time.Time) error {
	ev := warningEvent(c, ch, now)
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return err
	}
	return s.warningNotices(ctx, tx, c, ch, now)
}

// warningNotices tells who must act when the change rose to orange or red, and puts a
// case that turned red under supervision; the change's event is written already.
func (s *Service) warningNotices(ctx context.Context, tx *store.Tx, c *model.Case, ch *warningChange, now time.Time) error {
	r, err := s.planResponse(ctx, c, ch, now)
	if r == nil || err != nil {
		return err
	}
	if err := s.Notifier.Send(ctx, tx, r.to, r.message(c, ch), now); err != nil {
		return err
	}
	if r.order != nil {
		return s.issueOrder(ctx, tx, c, r.order, 0, now)
	}
	return nil
}

// responsePlan is what a rise to orange or red demands, gathered before it is written:
// who is told, and for red the order that puts the case under supervision.
type responsePlan struct {
	to    []model.User
	order *orderPlan
}

// redOrder is the requirement of the order a red warning brings.
const redOrder = "红色预警：请立即明确包案领导，落实稳控措施，并报告进展"

// planResponse reads who must act on the change, nil when it demands nothing: the
// centre's leaders; for red the top centre's leaders too, and an order; for orange the
// centre's clerks, and the township's leaders and clerks, whose it is to act on the
// same day whichever centre holds the case.
func (s *Service) planResponse(ctx context.Context, c *model.Case, ch *warningChange, now time.Time) (*responsePlan, error) {
	if !ch.demandsResponse() {
		return nil, nil
	}
	r := &responsePlan{}
	add := func(regionID int64, role model.Role) error {
		us, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: regionID, Role: role})
		r.to = append(r.to, us...)
		return err
	}
	if err := add(c.CentreID, model.RoleLeader); err != nil {
		return nil, err
	}
	if ch.to == risk.LevelRed {
		if err := add(rootOf(c.RegionPath), model.RoleLeader); err != nil {
			return nil, err
		}
		var err error
		r.order, err = s.planOrder(ctx, c, nil, "red", redOrder, s.policy().ReplyWorkdays, now, "risk", 0)
		return r, err
	}
	if err := add(c.CentreID, model.RoleClerk); err != nil {
		return nil, err
	}
	if town, ok, err := s.townshipOf(ctx, c.RegionPath); err != nil {
		return nil, err
	} else if ok && town != c.CentreID {
		if err := add(town, model.RoleLeader); err != nil {
			return nil, err
		}
		if err := add(town, model.RoleClerk); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// message is the warning's notice about c, which has its tracking code.
func (r *responsePlan) message(c *model.Case, ch *warningChange) notify.Message {
	msg := notify.Message{CaseID: c.ID, Body: fmt.Sprintf("%s：%s。", noticeSubject(c), ch.note)}
	due := ""
	if c.RiskResponseBy != nil {
		due = c.RiskResponseBy.In(workflow.ChinaTime).Format("2006-01-02 15:04")
	}
	if ch.to == risk.LevelRed {
		msg.Kind, msg.Title = "warning_red", "红色预警"
		if due != "" {
			msg.Body += "请于 " + due + " 前明确包案领导，落实稳控措施。"
		}
	} else {
		msg.Kind, msg.Title = "warning_orange", "橙色预警"
		if due != "" {
			msg.Body += "请当日（" + due + " 前）处置并记录。"
		}
	}
	return msg
}

// warningEvent is the change's event on c's timeline.
func warningEvent(c *model.Case, ch *warningChange, now time.Time) model.CaseEvent {
	fields := map[string]any{"from": ch.from.String(), "to": ch.to.String(), "reason": ch.reason,
		"score": c.RiskScore, "computed": c.RiskComputed}
	if ch.result != nil {
		fields["result"] = ch.result
	}
	payload, _ := json.Marshal(fields)
	return model.CaseEvent{CaseID: c.ID, ActorID: ch.actorID, At: now, Action: "warning", FromState: c.State, ToState: c.State,
		Note: ch.note, Payload: payload}
}

// demandsResponse tells a change that calls people to act (a rise to orange or red)
// from one that is only recorded.
func (ch *warningChange) demandsResponse() bool { return ch.to > ch.from && ch.to >= risk.LevelOrange }

// townshipOf finds the township (乡镇/街道) on a region path, if there is one.
func (s *Service) townshipOf(ctx context.Context, path string) (int64, bool, error) {
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		var id int64
		fmt.Sscanf(part, "%d", &id)
		r, err := s.Store.Region(ctx, id)
		if err != nil {
			return 0, false, err
		}
		if r.Level == model.LevelTownship {
			return r.ID, true, nil
		}
	}
	return 0, false, nil
}

// applyWarningAction carries out warning_adjust and warning_respond on c.
func (s *Service) applyWarningAction(ctx context.Context, p *auth.Principal, c *model.Case, a workflow.Action, in ActInput,
	note string, now time.Time, payload map[string]any) (*warningChange, error) {
	rules, err := s.riskRules(ctx)
	if err != nil {
		return nil, err
	}
	from := level(c.RiskLevel)
	switch a {
	case workflow.ActionWarningAdjust:
		to, err := risk.ParseLevel(strings.TrimSpace(in.WarningLevel))
		if err != nil {
			return nil, model.Invalid("warning_level", "invalid", "invalid.warning_level.invalid")
		}
		if to == from {
			return nil, model.Invalid("warning_level", "unchanged", "invalid.warning_level.unchanged")
		}
		setWarning(c, rules, from, to, now)
		payload["from"], payload["to"] = from.String(), to.String()
		return &warningChange{from: from, to: to, reason: "leader", note: note, actorID: p.User.ID}, nil
	case workflow.ActionWarningRespond:
		if from == risk.LevelRed && c.RiskHolderID == 0 || in.HolderID != 0 {
			holder, err := s.holder(ctx, in.HolderID, c)
			if err != nil {
				return nil, err
			}
			c.RiskHolderID = holder.ID
			payload["holder_id"], payload["holder"] = holder.ID, holder.DisplayName
		}
		c.RiskRespondedAt, c.RiskResponseBy, c.RiskEscalated = &now, nil, false
	}
	return nil, nil
}

// holder checks the 包案 leader named for a red warning: an active leader of the
// case's centre or a centre above it.
func (s *Service) holder(ctx context.Context, id int64, c *model.Case) (model.User, error) {
	bad := model.Invalid("holder_id", "invalid", "invalid.holder_id.invalid")
	if id == 0 {
		return model.User{}, model.Invalid("holder_id", "required", "invalid.holder_id.required")
	}
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return u, bad
	}
	if err != nil {
		return u, err
	}
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return u, err
	}
	r, err := s.Store.Region(ctx, u.RegionID)
	if err != nil || !u.Active || !u.Has(model.RoleLeader) || !strings.HasPrefix(centre.Path, r.Path) {
		return u, bad
	}
	return u, nil
}

// Holders lists who may be named 包案 leader of c: the active leaders of its centre
// and the centres above.
func (s *Service) Holders(ctx context.Context, c *model.Case) ([]model.User, error) {
	centre, err := s.Store.Region(ctx, c.CentreID)
	if err != nil {
		return nil, err
	}
	var out []model.User
	for _, part := range strings.Split(strings.Trim(centre.Path, "/"), "/") {
		var id int64
		fmt.Sscanf(part, "%d", &id)
		us, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: id, Role: model.RoleLeader})
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
	}
	return out, nil
}

// recordIncident stores one incident of the record action (and of resolve and visit,
// which imply one).
func recordIncident(ctx context.Context, tx *store.Tx, c *model.Case, kind string, actorID int64, note string, now time.Time) error {
	if kind == model.IncidentInjury {
		c.Injured = true
	}
	// What the step-down looks at: a return visit counts, anything else breaks the quiet.
	if level(c.RiskLevel) != risk.LevelNone {
		if kind == model.IncidentReturnVisit {
			c.RiskVisits++
		} else {
			c.RiskQuietSince = &now
		}
	}
	if kind == model.IncidentReturnVisit && actorID != 0 {
		// A visit by staff makes the follow-up plan's planned one (a citizen's own
		// rating does not).
		if err := visitDone(ctx, tx, c.ID, actorID, now); err != nil {
			return err
		}
	}
	return tx.InsertIncident(ctx, &model.Incident{CaseID: c.ID, Kind: kind, At: now, ActorID: actorID, Note: note})
}

// SweepRisk keeps warnings moving: a response that came late escalates, a red case
// stays under supervision until it clears, and a warning that has been quiet long
// enough with return visits steps down one colour. It returns the cases it changed.
func (s *Service) SweepRisk(ctx context.Context, now time.Time) (int, error) {
	ctx = store.WithActor(ctx, systemActor)
	rules, err := s.riskRules(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.escalateLateResponses(ctx, now)
	if err != nil {
		return n, err
	}
	m, err := s.keepRedSupervised(ctx, rules, now)
	n += m
	if err != nil {
		return n, err
	}
	m, err = s.stepDown(ctx, rules, now)
	return n + m, err
}

func (s *Service) escalateLateResponses(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		ids, err := s.Store.LateWarningResponses(ctx, now, 200)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		for _, id := range ids {
			audit := store.Audited("case.warning_escalate", fmt.Sprintf("case:%d", id), "预警处置逾期，升级")
			err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
				c, err := tx.CaseForUpdate(ctx, id)
				if err != nil {
					return err
				}
				if c.RiskResponseBy == nil || !c.RiskResponseBy.Before(now) || c.RiskEscalated {
					return nil
				}
				lvl := level(c.RiskLevel)
				c.RiskEscalated, c.UpdatedAt = true, now
				if err := tx.UpdateCase(ctx, &c); err != nil {
					return err
				}
				what := "橙色预警未在当日处置"
				order := "yellow"
				if lvl == risk.LevelRed {
					what, order = "红色预警逾期未明确包案领导", "red"
				}
				note := fmt.Sprintf("%s（期限 %s），已报上级中心", what, c.RiskResponseBy.In(workflow.ChinaTime).Format("2006-01-02 15:04"))
				ev := model.CaseEvent{CaseID: c.ID, At: now, Action: "warning_escalate", FromState: c.State, ToState: c.State, Note: note,
					Payload: []byte(fmt.Sprintf(`{"level":%q}`, lvl.String()))}
				if err := tx.AppendEvent(ctx, &ev); err != nil {
					return err
				}
				centre, err := s.Store.Region(ctx, c.CentreID)
				if err != nil {
					return err
				}
				var to []model.User
				for _, rid := range []int64{centre.ParentID, rootOf(c.RegionPath)} {
					if rid == 0 {
						continue
					}
					us, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: rid, Role: model.RoleLeader})
					if err != nil {
						return err
					}
					to = append(to, us...)
				}
				if err := s.Notifier.Send(ctx, tx, to, notify.Message{Kind: "warning_escalate", CaseID: c.ID, Title: what,
					Body: fmt.Sprintf("%s：%s", noticeSubject(&c), note)}, now); err != nil {
					return err
				}
				return s.superviseIn(ctx, tx, &c, nil, order, what+"，请立即处置并报告", s.policy().ReplyWorkdays, now, 0, "risk")
			})
			if err != nil {
				return total, err
			}
			total++
		}
	}
}

// keepRedSupervised issues a new order on a red case whose orders are all answered
// and whose last was issued or answered RedReportDays ago: red stays under
// supervision (督办) until the warning clears.
func (s *Service) keepRedSupervised(ctx context.Context, rules risk.Rules, now time.Time) (int, error) {
	days := rules.Response.RedReportDays
	if days <= 0 {
		days = 7
	}
	cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
	total := 0
	for {
		ids, err := s.Store.RedDueReport(ctx, cutoff, 500)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		issued := 0
		for _, id := range ids {
			audit := store.Audited("case.supervise", fmt.Sprintf("case:%d", id), "红色预警未解除，督办报告进展")
			err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
				c, err := tx.CaseForUpdate(ctx, id)
				if err != nil || c.RiskLevel != risk.LevelRed.String() || c.RiskReportAt == nil || c.RiskReportAt.After(cutoff) {
					return err
				}
				issued++
				return s.superviseIn(ctx, tx, &c, nil, "red", "红色预警尚未解除，请包案领导报告稳控进展", s.policy().ReplyWorkdays, now, 0, "risk")
			})
			if err != nil {
				return total, err
			}
		}
		total += issued
		if issued == 0 { // what the query found had moved on meanwhile
			return total, nil
		}
	}
}

// stepDown lowers by one colour each warning quiet for the rules' period with the
// return visits recorded.
func (s *Service) stepDown(ctx context.Context, rules risk.Rules, now time.Time) (int, error) {
	if rules.StepDown.QuietDays <= 0 {
		return 0, nil
	}
	total := 0
	for {
		cands, err := s.Store.StepDownCandidates(ctx, now.AddDate(0, 0, -rules.StepDown.QuietDays), rules.StepDown.Visits, 500)
		if err != nil || len(cands) == 0 {
			return total, err
		}
		changed := 0
		for _, id := range cands {
			audit := store.Audited("case.warning_step_down", fmt.Sprintf("case:%d", id), "预警稳控降级")
			err := s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
				c, err := tx.CaseForUpdate(ctx, id)
				if err != nil || c.RiskSince == nil {
					return err
				}
				missed, err := tx.MissedSince(ctx, c.ID, *c.RiskSince)
				if err != nil {
					return err
				}
				q := risk.Quiet{Since: *c.RiskSince, Visits: c.RiskVisits, MissedVisit: missed}
				if c.RiskQuietSince != nil {
					q.LastIncident = *c.RiskQuietSince
				}
				from := level(c.RiskLevel)
				if !rules.StepDownDue(from, q, now) {
					return nil
				}
				to := from.StepDown()
				visits := c.RiskVisits
				setWarning(&c, rules, from, to, now)
				c.UpdatedAt = now
				if err := tx.UpdateCase(ctx, &c); err != nil {
					return err
				}
				changed++
				note := fmt.Sprintf("%d 天内无新情况，已回访 %d 次：预警由%s降为%s", rules.StepDown.QuietDays, visits, from.Label(), to.Label())
				if to == risk.LevelNone {
					note = fmt.Sprintf("%d 天内无新情况，已回访 %d 次：预警解除", rules.StepDown.QuietDays, visits)
				}
				return s.recordWarning(ctx, tx, &c, &warningChange{from: from, to: to, reason: "step_down", note: note}, now)
			})
			if err != nil {
				return total, err
			}
		}
		total += changed
		if changed == 0 { // the candidates had moved on meanwhile
			return total, nil
		}
	}
}
