package workflow

import (
	"slices"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
)

// CoPart is where the actor's department stands as a co-handler (协办单位) of a case.
type CoPart string

const (
	CoNone     CoPart = ""         // not a co-handler of this case
	CoPending  CoPart = "pending"  // called in, not yet signed
	CoSigned   CoPart = "signed"   // signed, working on its part
	CoReported CoPart = "reported" // reported its part done
)

// Input is what Decide needs to know beyond the state, the action and the roles. The
// first group describes the case and the actor's relation to it, which the caller
// reads from the store; the second is what the actor typed into the action's form.
type Input struct {
	IsLead            bool   // the actor's department is the case's lead department
	CoPart            CoPart // the actor's department's share as a co-handler
	AtCentre          bool   // the centre handles the case itself (it went through handle)
	CoHandlersPending int    // co-handling departments that have not reported yet
	ExtensionPending  bool   // an extension request awaits a leader
	SuspendedFrom     State  // for a suspended case, the state it was suspended in
	HasParentCentre   bool   // the case's centre has a centre above it
	HasChildCentre    bool   // the case's centre has centres below it
	WarningPending    bool   // the case's warning awaits the response it demands
	SeriousWarning    bool   // an orange or red warning is in force
	// Actor is who acts (a user id; 0 for the system), LastBy who last took each step
	// a rule keeps apart from its own (Rule.NotBy; SeparatedSteps lists those to look up).
	Actor  int64
	LastBy map[Action]int64

	Reason         string       // reason, note or report text, as the action requires
	Outcome        Outcome      // resolve
	Satisfaction   Satisfaction // visit
	LeadDepartment string       // assign: the lead department's id or code
	CoDepartments  []string     // co_assign: departments to call in
	MergeInto      string       // merge: the case this one joins
	Incident       string       // record: one of model.IncidentKinds
	WarningLevel   string       // warning_adjust: the level to set (checked by the caller against the risk rules)
}

// Refusal codes: why Decide said no. They are stable, for APIs and tests; the
// messages are for people.
const (
	RefuseUnknownAction         = "unknown_action"
	RefuseState                 = "state"
	RefuseRole                  = "role"
	RefuseNotLead               = "not_lead"
	RefuseNotCoHandler          = "not_co_handler"
	RefuseNotAtCentre           = "not_at_centre"
	RefuseCoAlreadySigned       = "co_already_signed"
	RefuseCoNotSigned           = "co_not_signed"
	RefuseCoAlreadyReported     = "co_already_reported"
	RefuseCoHandlersPending     = "co_handlers_pending"
	RefuseNoExtensionPending    = "no_extension_pending"
	RefuseExtensionPending      = "extension_pending"
	RefusePriorState            = "prior_state"
	RefuseNoParentCentre        = "no_parent_centre"
	RefuseNoChildCentre         = "no_child_centre"
	RefuseReasonRequired        = "reason_required"
	RefuseOutcomeRequired       = "outcome_required"
	RefuseOutcomeInvalid        = "outcome_invalid"
	RefuseSatisfactionRequired  = "satisfaction_required"
	RefuseSatisfactionInvalid   = "satisfaction_invalid"
	RefuseDepartmentRequired    = "department_required"
	RefuseCoDepartmentsRequired = "co_departments_required"
	RefuseMergeIntoRequired     = "merge_target_required"
	RefuseNoWarningPending      = "no_warning_pending"
	RefuseIncidentRequired      = "incident_required"
	RefuseIncidentInvalid       = "incident_invalid"
	RefuseWarningLevelRequired  = "warning_level_required"
	RefuseSeriousWarning        = "serious_warning"
	RefuseOwnAction             = "own_action"
)

// Refusal is the error Decide returns: what was refused, why (Code), in which state,
// and what the actor may do instead, so that the UI and the API can say more than no.
type Refusal struct {
	Code    string
	State   State
	Action  Action
	Allowed []Action
	// Key and Args are the message of a refusal given outside Decide, whose words are
	// its own (a booked slot); "" for the code's own text. See Message.
	Key  string
	Args []any
}

// Error returns the Chinese message, which is what the user was shown.
func (r *Refusal) Error() string { return r.Message(i18n.Default) }

// Decide says what action a by someone holding roles does to a case in state from: the
// state the case moves to (from itself for actions that change nothing), or a
// *Refusal saying why not. It decides only; recording the event is the caller's job.
func Decide(from State, a Action, roles []model.Role, in Input) (State, error) {
	to, code := decide(from, a, roles, in, true)
	if code == "" {
		return to, nil
	}
	return "", newRefusal(code, from, a, Allowed(from, roles, in))
}

// Allowed lists, in AllActions order, the actions someone holding roles may take on a
// case in state from. It checks the state, the roles and the case's conditions but not
// what the actor has yet to type (reason, outcome, ...): it decides which buttons the
// case page shows, before any form is filled in.
func Allowed(from State, roles []model.Role, in Input) []Action {
	var out []Action
	for _, a := range AllActions {
		if _, code := decide(from, a, roles, in, false); code == "" {
			out = append(out, a)
		}
	}
	return out
}

// decide returns the next state, or the refusal code of the first check that failed.
// Checks run from the most general to the most specific, so the reason given is the
// one that matters: no use asking for a reason when the state forbids the action.
func decide(from State, a Action, roles []model.Role, in Input, checkNeeds bool) (State, string) {
	rule, ok := rulesByAction[a]
	if !ok {
		return "", RefuseUnknownAction
	}
	if !slices.Contains(rule.From, from) {
		return "", RefuseState
	}
	if code := checkGrants(rule.Grants, roles, in); code != "" {
		return "", code
	}
	for _, c := range rule.When {
		if code := checkCondition(c, in); code != "" {
			return "", code
		}
	}
	if ownStep(rule, in) {
		return "", RefuseOwnAction
	}
	if checkNeeds {
		for _, n := range rule.Needs {
			if code := checkNeed(n, in); code != "" {
				return "", code
			}
		}
	}
	switch {
	case rule.To == Unchanged:
		return from, ""
	case rule.To == Resumed:
		return in.SuspendedFrom, ""
	case rule.ToIfUnsatisfied != "" && in.Satisfaction == Unsatisfied:
		return rule.ToIfUnsatisfied, ""
	}
	return rule.To, ""
}

// ownStep tells whether the actor took the step that rule keeps apart from its own:
// separation of duties holds whatever roles the actor has.
func ownStep(rule *Rule, in Input) bool {
	return rule.NotBy != "" && in.Actor != 0 && in.LastBy[rule.NotBy] == in.Actor
}

// SeparatedSteps lists the earlier steps whose actor Decide must know (Input.LastBy)
// for a case in state from with the facts in: those of the rules that may apply now,
// so that a caller reads them only then.
func SeparatedSteps(from State, in Input) []Action {
	var out []Action
	for i := range rules {
		r := &rules[i]
		if r.NotBy == "" || slices.Contains(out, r.NotBy) || !slices.Contains(r.From, from) {
			continue
		}
		holds := true
		for _, c := range r.When {
			holds = holds && checkCondition(c, in) == ""
		}
		if holds {
			out = append(out, r.NotBy)
		}
	}
	return out
}

// checkGrants passes when any of the actor's roles has a grant whose relation holds.
// When roles match but no relation does, the first unmet relation is the reason: a
// handler refused a sign is told the case is not their department's, not that their
// role may never sign.
func checkGrants(grants []Grant, roles []model.Role, in Input) string {
	refusal := RefuseRole
	for _, g := range grants {
		if !slices.Contains(roles, g.Role) {
			continue
		}
		code := checkRelation(g.If, in)
		if code == "" {
			return ""
		}
		if refusal == RefuseRole {
			refusal = code
		}
	}
	return refusal
}

func checkRelation(r Relation, in Input) string {
	switch r {
	case LeadDepartment:
		if !in.IsLead {
			return RefuseNotLead
		}
	case CoDepartment:
		if in.CoPart == CoNone {
			return RefuseNotCoHandler
		}
	case HandledHere:
		if !in.AtCentre {
			return RefuseNotAtCentre
		}
	}
	return ""
}

func checkCondition(c Condition, in Input) string {
	switch c {
	case CondCoUnsigned:
		if in.CoPart != CoPending {
			return RefuseCoAlreadySigned
		}
	case CondCoSigned:
		switch in.CoPart {
		case CoPending:
			return RefuseCoNotSigned
		case CoReported:
			return RefuseCoAlreadyReported
		}
	case CondCoHandlersReported:
		if in.CoHandlersPending > 0 {
			return RefuseCoHandlersPending
		}
	case CondExtensionPending:
		if !in.ExtensionPending {
			return RefuseNoExtensionPending
		}
	case CondNoExtension:
		if in.ExtensionPending {
			return RefuseExtensionPending
		}
	case CondSuspendedFrom:
		if !slices.Contains(suspendable, in.SuspendedFrom) {
			return RefusePriorState
		}
	case CondParentCentre:
		if !in.HasParentCentre {
			return RefuseNoParentCentre
		}
	case CondChildCentre:
		if !in.HasChildCentre {
			return RefuseNoChildCentre
		}
	case CondNoSeriousWarning:
		if in.SeriousWarning {
			return RefuseSeriousWarning
		}
	case CondWarningPending:
		if !in.WarningPending {
			return RefuseNoWarningPending
		}
	}
	return ""
}

func checkNeed(n Need, in Input) string {
	switch n {
	case NeedReason:
		if strings.TrimSpace(in.Reason) == "" {
			return RefuseReasonRequired
		}
	case NeedOutcome:
		if in.Outcome == "" {
			return RefuseOutcomeRequired
		}
		if !in.Outcome.Valid() {
			return RefuseOutcomeInvalid
		}
	case NeedSatisfaction:
		if in.Satisfaction == "" {
			return RefuseSatisfactionRequired
		}
		if !in.Satisfaction.Valid() {
			return RefuseSatisfactionInvalid
		}
	case NeedLeadDepartment:
		if strings.TrimSpace(in.LeadDepartment) == "" {
			return RefuseDepartmentRequired
		}
	case NeedCoDepartments:
		if !slices.ContainsFunc(in.CoDepartments, func(d string) bool { return strings.TrimSpace(d) != "" }) {
			return RefuseCoDepartmentsRequired
		}
	case NeedMergeInto:
		if strings.TrimSpace(in.MergeInto) == "" {
			return RefuseMergeIntoRequired
		}
	case NeedIncident:
		if in.Incident == "" {
			return RefuseIncidentRequired
		}
		if !model.ValidIncident(in.Incident) {
			return RefuseIncidentInvalid
		}
	case NeedWarningLevel:
		if strings.TrimSpace(in.WarningLevel) == "" {
			return RefuseWarningLevelRequired
		}
	}
	return ""
}

func newRefusal(code string, from State, a Action, allowed []Action) *Refusal {
	return &Refusal{Code: code, State: from, Action: a, Allowed: allowed}
}

// Message says the refusal in loc: the code's own text ("refusal.<code>", said of the
// action, the state and the step the action's rule keeps apart from it), and for a
// refusal by state or role what may be done instead; or Key's text when the refusal
// was given one.
func (r *Refusal) Message(loc string) string {
	if r.Key != "" {
		return i18n.T(loc, r.Key, r.Args...)
	}
	var earlier Action
	if rule, ok := rulesByAction[r.Action]; ok {
		earlier = rule.NotBy
	}
	msg := i18n.T(loc, "refusal."+r.Code, actionWord(r.Action), stateWord(r.State), actionWord(earlier))
	if r.Code == RefuseState || r.Code == RefuseRole {
		if len(r.Allowed) == 0 {
			msg += i18n.T(loc, "refusal.allowed_none")
		} else {
			names := make(i18n.List, len(r.Allowed))
			for i, a := range r.Allowed {
				names[i] = actionLabel(a, loc)
			}
			msg += i18n.T(loc, "refusal.allowed", names)
		}
	}
	return msg + i18n.T(loc, "refusal.end")
}

// Localize is Message, so that a refusal may be part of another message.
func (r *Refusal) Localize(loc string) string { return r.Message(loc) }

// actionWord is an action named inside a refusal: 「签收」, sign for.
type actionWord Action

func (a actionWord) Localize(loc string) string {
	return i18n.T(loc, "refusal.word", actionLabel(Action(a), loc))
}

// actionLabel is the action's name in loc, as a sentence says it.
func actionLabel(a Action, loc string) string { return label(loc, "workflow.action.", string(a)) }

// stateWord is a state named inside a refusal: 已登记, registered.
type stateWord State

func (s stateWord) Localize(loc string) string {
	if State(s) == StateNone {
		return i18n.T(loc, "refusal.no_state")
	}
	return label(loc, "workflow.state.", string(s))
}
