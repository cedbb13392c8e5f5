package workflow

import (
	"slices"

	"github.com/onedoor/onedoor/internal/model"
)

// Relation narrows a role's grant to cases the actor stands in a particular relation
// to: a handler may sign only for an assignment to their own department.
type Relation string

const (
	AnyCase        Relation = ""           // no relation needed beyond seeing the case
	LeadDepartment Relation = "lead"       // the actor's department leads the case
	CoDepartment   Relation = "co_handler" // the actor's department co-handles the case
	HandledHere    Relation = "at_centre"  // the centre handles the case itself (handle)
)

// Grant lets Role take an action, on cases in the relation If.
type Grant struct {
	Role model.Role
	If   Relation
}

// Condition is a fact about the case that must hold for an action to be available.
// Conditions, like states and grants, decide what the case page offers; see Need for
// what the actor must supply when taking the action.
type Condition string

const (
	CondCoUnsigned         Condition = "co_unsigned"          // the actor's co-handling share awaits signature
	CondCoSigned           Condition = "co_signed"            // the actor's co-handling share is signed, not yet reported
	CondCoHandlersReported Condition = "co_handlers_reported" // every co-handler has reported
	CondExtensionPending   Condition = "extension_pending"    // an extension request awaits a decision
	CondNoExtension        Condition = "no_extension_pending" // no extension request is waiting
	CondSuspendedFrom      Condition = "suspended_from"       // the state to resume to is known
	CondParentCentre       Condition = "parent_centre"        // the case's centre has a parent centre
	CondChildCentre        Condition = "child_centre"         // the case's centre has child centres
	CondWarningPending     Condition = "warning_pending"      // the case's warning awaits its response
	CondNoSeriousWarning   Condition = "no_serious_warning"   // no orange or red warning is in force
)

// Need is something the actor must supply with the action.
type Need string

const (
	NeedReason         Need = "reason"          // a written reason, note or report
	NeedOutcome        Need = "outcome"         // one of AllOutcomes
	NeedSatisfaction   Need = "satisfaction"    // one of AllSatisfactions
	NeedLeadDepartment Need = "lead_department" // the department to lead the case
	NeedCoDepartments  Need = "co_departments"  // at least one co-handling department
	NeedMergeInto      Need = "merge_into"      // the case this one joins
	NeedIncident       Need = "incident"        // record: what happened (model.IncidentKinds)
	NeedWarningLevel   Need = "warning_level"   // warning_adjust: the level to set
)

// Result states that are not states but instructions to Decide.
const (
	// Unchanged: the action is recorded as an event and the state stays as it is.
	Unchanged State = "(unchanged)"
	// Resumed: back to the state the case was suspended in (Input.SuspendedFrom).
	Resumed State = "(suspended_from)"
)

// Rule is one row of the transition table: action Action may be taken in the states
// From by anyone holding one of Grants, when every condition in When holds, unless
// they are the one who last took NotBy on the case, and the actor supplies everything
// in Needs; the case then moves to To. Only visit uses ToIfUnsatisfied: an
// unsatisfied party reopens the case.
type Rule struct {
	Action          Action
	From            []State
	Grants          []Grant
	When            []Condition
	NotBy           Action // separation of duties: the step this one decides or checks, which its actor may not take
	Needs           []Need
	To              State
	ToIfUnsatisfied State
}

// The role matrix. The centre's staff (clerk, and leader who may do all a clerk may)
// own the case: they register, triage, route, verify, visit and close it. Departments'
// handlers act only on what is addressed to their department. Mediators work the
// cases the centre handles itself, as a lead handler would. Grid workers report
// events and do return visits. Viewers only read; admins run the system, not cases.
//
//	action          from                                   clerk leader handler   mediator  grid  → to
//	register        (new case)                               ✓     ✓                          ✓    registered
//	accept          registered                               ✓     ✓                               accepted
//	reject          registered                               ✓     ✓                               rejected
//	merge           registered accepted                      ✓     ✓                               merged
//	handle          accepted                                 ✓     ✓                               in_progress
//	assign          accepted                                 ✓     ✓                               assigned
//	sign            assigned                                              lead                     in_progress
//	return          assigned                                              lead                     accepted
//	co_assign       assigned in_progress                     ✓     ✓                               (unchanged)
//	co_sign         assigned in_progress                                  co-handler               (unchanged)
//	co_report       assigned in_progress                                  co-handler               (unchanged)
//	escalate        registered accepted assigned in_progress ✓     ✓                               accepted (at the parent)
//	delegate        registered accepted                      ✓     ✓                               accepted (at the child)
//	extend_request  in_progress                                           lead      at centre      (unchanged)
//	extend_approve  in_progress                                    ✓¹                              (unchanged)
//	extend_refuse   in_progress                                    ✓¹                              (unchanged)
//	suspend         accepted assigned in_progress            ✓     ✓                               suspended
//	resume          suspended                                ✓     ✓                               the state it left
//	resolve         in_progress                                           lead      at centre      resolved
//	verify          resolved                                 ✓²    ✓²                              verified
//	verify_fail     resolved                                 ✓²    ✓²                              in_progress
//	visit           verified                                 ✓     ✓                          ✓    followed_up, or in_progress if unsatisfied
//	archive         followed_up                              ✓     ✓                               archived
//	comment, attach every open state                         ✓     ✓      ✓         ✓         ✓    (unchanged)
//	supervise       every open state                               ✓                               (unchanged)
//	record          every open state                         ✓     ✓      ✓         ✓         ✓    (unchanged)
//	warning_respond every open state, a response pending     ✓     ✓                               (unchanged)
//	warning_adjust  every open state                               ✓                               (unchanged)
//
//	¹ not by whoever requested the extension   ² not by whoever resolved the case
//
// Choices worth knowing:
//   - Returning is possible only before signing: the 5-working-day objection of 信访工作条例
//     Art 23 is about accepting the assignment, and a department that has signed owns
//     the work until it resolves or the centre takes it back.
//   - A case is not resolved while a co-handler has not reported: 中心吹哨、部门报到 means
//     every department called in answers.
//   - Extensions are asked for by whoever does the work and decided by a leader only.
//   - Separation of duties (NotBy): nobody decides their own extension request or
//     verifies their own result, whatever roles they hold. A leader who is also a
//     mediator asks another leader; a clerk who resolved as a mediator leaves the
//     check to a colleague. (Answering a supervision order one issued oneself is the
//     same rule outside this table: MayAnswerOrder.)
//   - A warning is about people, not paperwork: a case under an orange or red warning
//     is not archived until the warning has stepped down (案结事了), so the return
//     visits that let it step down are recorded on an open case.
//   - Delegating down is for cases no department holds yet; a case already assigned is
//     escalated or returned instead, so one department's work is never silently moved.
var rules = []Rule{
	{Action: ActionRegister, From: []State{StateNone}, Grants: grants(model.RoleClerk, model.RoleLeader, model.RoleGrid), To: StateRegistered},
	{Action: ActionAccept, From: []State{StateRegistered}, Grants: centreStaff, To: StateAccepted},
	{Action: ActionReject, From: []State{StateRegistered}, Grants: centreStaff, Needs: []Need{NeedReason}, To: StateRejected},
	{Action: ActionMerge, From: []State{StateRegistered, StateAccepted}, Grants: centreStaff, Needs: []Need{NeedMergeInto}, To: StateMerged},
	{Action: ActionHandle, From: []State{StateAccepted}, Grants: centreStaff, To: StateInProgress},
	{Action: ActionAssign, From: []State{StateAccepted}, Grants: centreStaff, Needs: []Need{NeedLeadDepartment}, To: StateAssigned},
	{Action: ActionSign, From: []State{StateAssigned}, Grants: []Grant{{model.RoleHandler, LeadDepartment}}, To: StateInProgress},
	{Action: ActionReturn, From: []State{StateAssigned}, Grants: []Grant{{model.RoleHandler, LeadDepartment}}, Needs: []Need{NeedReason}, To: StateAccepted},

	{Action: ActionCoAssign, From: []State{StateAssigned, StateInProgress}, Grants: centreStaff, Needs: []Need{NeedCoDepartments}, To: Unchanged},
	{Action: ActionCoSign, From: []State{StateAssigned, StateInProgress}, Grants: []Grant{{model.RoleHandler, CoDepartment}}, When: []Condition{CondCoUnsigned}, To: Unchanged},
	{Action: ActionCoReport, From: []State{StateAssigned, StateInProgress}, Grants: []Grant{{model.RoleHandler, CoDepartment}}, When: []Condition{CondCoSigned}, Needs: []Need{NeedReason}, To: Unchanged},

	{Action: ActionEscalate, From: []State{StateRegistered, StateAccepted, StateAssigned, StateInProgress}, Grants: centreStaff, When: []Condition{CondParentCentre}, Needs: []Need{NeedReason}, To: StateAccepted},
	{Action: ActionDelegate, From: []State{StateRegistered, StateAccepted}, Grants: centreStaff, When: []Condition{CondChildCentre}, Needs: []Need{NeedReason}, To: StateAccepted},

	{Action: ActionExtendRequest, From: []State{StateInProgress}, Grants: caseWorkers, When: []Condition{CondNoExtension}, Needs: []Need{NeedReason}, To: Unchanged},
	{Action: ActionExtendApprove, From: []State{StateInProgress}, Grants: grants(model.RoleLeader), When: []Condition{CondExtensionPending}, NotBy: ActionExtendRequest, To: Unchanged},
	{Action: ActionExtendRefuse, From: []State{StateInProgress}, Grants: grants(model.RoleLeader), When: []Condition{CondExtensionPending}, NotBy: ActionExtendRequest, Needs: []Need{NeedReason}, To: Unchanged},

	{Action: ActionSuspend, From: suspendable, Grants: centreStaff, Needs: []Need{NeedReason}, To: StateSuspended},
	{Action: ActionResume, From: []State{StateSuspended}, Grants: centreStaff, When: []Condition{CondSuspendedFrom}, To: Resumed},

	{Action: ActionResolve, From: []State{StateInProgress}, Grants: caseWorkers, When: []Condition{CondCoHandlersReported}, Needs: []Need{NeedOutcome}, To: StateResolved},
	{Action: ActionVerify, From: []State{StateResolved}, Grants: centreStaff, NotBy: ActionResolve, To: StateVerified},
	{Action: ActionVerifyFail, From: []State{StateResolved}, Grants: centreStaff, NotBy: ActionResolve, Needs: []Need{NeedReason}, To: StateInProgress},
	{Action: ActionVisit, From: []State{StateVerified}, Grants: grants(model.RoleClerk, model.RoleLeader, model.RoleGrid), Needs: []Need{NeedSatisfaction}, To: StateFollowedUp, ToIfUnsatisfied: StateInProgress},
	{Action: ActionArchive, From: []State{StateFollowedUp}, Grants: centreStaff, When: []Condition{CondNoSeriousWarning}, To: StateArchived},

	{Action: ActionComment, From: openStates, Grants: everyoneOnCases, Needs: []Need{NeedReason}, To: Unchanged},
	{Action: ActionAttach, From: openStates, Grants: everyoneOnCases, To: Unchanged},
	{Action: ActionSupervise, From: openStates, Grants: grants(model.RoleLeader), Needs: []Need{NeedReason}, To: Unchanged},

	{Action: ActionRecord, From: openStates, Grants: everyoneOnCases, Needs: []Need{NeedIncident}, To: Unchanged},
	{Action: ActionWarningRespond, From: openStates, Grants: centreStaff, When: []Condition{CondWarningPending}, Needs: []Need{NeedReason}, To: Unchanged},
	{Action: ActionWarningAdjust, From: openStates, Grants: grants(model.RoleLeader), Needs: []Need{NeedWarningLevel, NeedReason}, To: Unchanged},
}

var (
	centreStaff     = grants(model.RoleClerk, model.RoleLeader)
	caseWorkers     = []Grant{{model.RoleHandler, LeadDepartment}, {model.RoleMediator, HandledHere}}
	everyoneOnCases = grants(model.RoleClerk, model.RoleLeader, model.RoleHandler, model.RoleMediator, model.RoleGrid)

	// suspendable are the states a case can be suspended in, and so resumed to.
	suspendable = []State{StateAccepted, StateAssigned, StateInProgress}

	openStates = func() []State {
		var open []State
		for _, s := range AllStates {
			if s.Open() {
				open = append(open, s)
			}
		}
		return open
	}()
)

func grants(roles ...model.Role) []Grant {
	g := make([]Grant, len(roles))
	for i, r := range roles {
		g[i] = Grant{Role: r}
	}
	return g
}

var rulesByAction = func() map[Action]*Rule {
	m := make(map[Action]*Rule, len(rules))
	for i := range rules {
		m[rules[i].Action] = &rules[i]
	}
	return m
}()

// Rules returns a deep copy of the transition table, for documentation pages and
// tests; changing it changes nothing here.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = r.clone()
	}
	return out
}

// RuleFor returns a copy of the rule of action a.
func RuleFor(a Action) (Rule, bool) {
	r, ok := rulesByAction[a]
	if !ok {
		return Rule{}, false
	}
	return r.clone(), true
}

func (r Rule) clone() Rule {
	r.From = slices.Clone(r.From)
	r.Grants = slices.Clone(r.Grants)
	r.When = slices.Clone(r.When)
	r.Needs = slices.Clone(r.Needs)
	return r
}

// AnswerOrder is separation of duties for a supervision order (督办), which lies
// outside the transition table: whoever issued an order does not answer it, or the
// order would hold no one to account. It returns the refusal (own_action) when actor
// issued the order, nil otherwise; an order the warning rules raised (issuer 0) is
// anyone's to answer. state is the case's, for the refusal to name.
func AnswerOrder(state State, issuer, actor int64) error {
	if issuer == 0 || issuer != actor {
		return nil
	}
	return &Refusal{Code: RefuseOwnAction, Key: "refusal.supervise_own", State: state, Action: ActionSupervise}
}
