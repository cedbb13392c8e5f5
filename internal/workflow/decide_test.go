package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
)

// Shorthands for the expectation table.
const (
	none  = StateNone
	reg   = StateRegistered
	acc   = StateAccepted
	asg   = StateAssigned
	prog  = StateInProgress
	susp  = StateSuspended
	res   = StateResolved
	ver   = StateVerified
	fol   = StateFollowedUp
	arc   = StateArchived
	rej   = StateRejected
	mer   = StateMerged
	same  = State("=")
	admin = model.RoleAdmin
	lead  = model.RoleLeader
	clerk = model.RoleClerk
	hand  = model.RoleHandler
	med   = model.RoleMediator
	grid  = model.RoleGrid
	view  = model.RoleViewer
)

// expected is the transition matrix written out by hand from DESIGN.md §3 and the role
// assignments, independently of rules.go: for each action, the states it may be taken
// in, the roles that may take it (given the right relation to the case, which
// satisfyingInput supplies), and where it leads ("=" for nowhere).
var expected = []struct {
	action Action
	from   []State
	roles  []model.Role
	to     State
}{
	{ActionRegister, []State{none}, []model.Role{clerk, lead, grid}, reg},
	{ActionAccept, []State{reg}, []model.Role{clerk, lead}, acc},
	{ActionReject, []State{reg}, []model.Role{clerk, lead}, rej},
	{ActionMerge, []State{reg, acc}, []model.Role{clerk, lead}, mer},
	{ActionHandle, []State{acc}, []model.Role{clerk, lead}, prog},
	{ActionAssign, []State{acc}, []model.Role{clerk, lead}, asg},
	{ActionSign, []State{asg}, []model.Role{hand}, prog},
	{ActionReturn, []State{asg}, []model.Role{hand}, acc},
	{ActionCoAssign, []State{asg, prog}, []model.Role{clerk, lead}, same},
	{ActionCoSign, []State{asg, prog}, []model.Role{hand}, same},
	{ActionCoReport, []State{asg, prog}, []model.Role{hand}, same},
	{ActionEscalate, []State{reg, acc, asg, prog}, []model.Role{clerk, lead}, acc},
	{ActionDelegate, []State{reg, acc}, []model.Role{clerk, lead}, acc},
	{ActionExtendRequest, []State{prog}, []model.Role{hand, med}, same},
	{ActionExtendApprove, []State{prog}, []model.Role{lead}, same},
	{ActionExtendRefuse, []State{prog}, []model.Role{lead}, same},
	{ActionSuspend, []State{acc, asg, prog}, []model.Role{clerk, lead}, susp},
	{ActionResume, []State{susp}, []model.Role{clerk, lead}, asg}, // satisfyingInput suspends from assigned
	{ActionResolve, []State{prog}, []model.Role{hand, med}, res},
	{ActionVerify, []State{res}, []model.Role{clerk, lead}, ver},
	{ActionVerifyFail, []State{res}, []model.Role{clerk, lead}, prog},
	{ActionVisit, []State{ver}, []model.Role{clerk, lead, grid}, fol},
	{ActionArchive, []State{fol}, []model.Role{clerk, lead}, arc},
	{ActionComment, []State{reg, acc, asg, prog, susp, res, ver, fol}, []model.Role{clerk, lead, hand, med, grid}, same},
	{ActionAttach, []State{reg, acc, asg, prog, susp, res, ver, fol}, []model.Role{clerk, lead, hand, med, grid}, same},
	{ActionSupervise, []State{reg, acc, asg, prog, susp, res, ver, fol}, []model.Role{lead}, same},
	{ActionRecord, []State{reg, acc, asg, prog, susp, res, ver, fol}, []model.Role{clerk, lead, hand, med, grid}, same},
	{ActionWarningRespond, []State{reg, acc, asg, prog, susp, res, ver, fol}, []model.Role{clerk, lead}, same},
	{ActionWarningAdjust, []State{reg, acc, asg, prog, susp, res, ver, fol}, []model.Role{lead}, same},
}

// satisfyingInput meets every relation, condition and need of action a, so that the
// cross product below tests states and roles alone.
func satisfyingInput(a Action) Input {
	in := Input{
		IsLead:          true,
		AtCentre:        true,
		CoPart:          CoPending,
		SuspendedFrom:   StateAssigned,
		HasParentCentre: true,
		HasChildCentre:  true,
		Reason:          "当事人要求",
		Outcome:         OutcomeMediatedAgreement,
		Satisfaction:    Satisfied,
		LeadDepartment:  "county-justice",
		CoDepartments:   []string{"township-police"},
		MergeInto:       "ZZ-2026-000123",
		Incident:        model.IncidentPoliceCall,
		WarningLevel:    "orange",
		WarningPending:  true,
	}
	switch a {
	case ActionCoReport:
		in.CoPart = CoSigned
	case ActionExtendApprove, ActionExtendRefuse:
		in.ExtensionPending = true
	}
	return in
}

func TestDecideFullMatrix(t *testing.T) {
	if len(expected) != len(AllActions) {
		t.Fatalf("expectation table has %d actions, AllActions %d", len(expected), len(AllActions))
	}
	states := append([]State{StateNone}, AllStates...)
	states = append(states, State("bogus"))
	for _, row := range expected {
		for _, from := range states {
			for _, role := range model.AllRoles {
				roles := []model.Role{role}
				to, err := Decide(from, row.action, roles, satisfyingInput(row.action))
				switch {
				case !slices.Contains(row.from, from):
					wantRefusal(t, from, row.action, roles, err, RefuseState)
				case !slices.Contains(row.roles, role):
					wantRefusal(t, from, row.action, roles, err, RefuseRole)
				default:
					wantTo := row.to
					if wantTo == same {
						wantTo = from
					}
					if err != nil || to != wantTo {
						t.Errorf("Decide(%s, %s, %s) = %q, %v; want %s", from, row.action, role, to, err, wantTo)
					}
				}
			}
			// Nobody without a role may do anything.
			if _, err := Decide(from, row.action, nil, satisfyingInput(row.action)); err == nil {
				t.Errorf("Decide(%s, %s, no roles) allowed", from, row.action)
			}
		}
	}
}

func wantRefusal(t *testing.T, from State, a Action, roles []model.Role, err error, code string) {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) {
		t.Errorf("Decide(%s, %s, %v): got %v, want refusal %s", from, a, roles, err, code)
		return
	}
	if r.Code != code || r.State != from || r.Action != a {
		t.Errorf("Decide(%s, %s, %v): refusal %s/%s/%s, want %s", from, a, roles, r.Code, r.State, r.Action, code)
	}
}

func TestDecideVisitOutcomes(t *testing.T) {
	tests := []struct {
		sat  Satisfaction
		want State
	}{
		{Satisfied, StateFollowedUp},
		{BasicallySatisfied, StateFollowedUp},
		{Unsatisfied, StateInProgress},
	}
	for _, tt := range tests {
		got, err := Decide(StateVerified, ActionVisit, []model.Role{grid}, Input{Satisfaction: tt.sat})
		if err != nil || got != tt.want {
			t.Errorf("visit %s = %q, %v; want %s", tt.sat, got, err, tt.want)
		}
	}
}

func TestDecideResumeReturnsToSuspendedState(t *testing.T) {
	for _, prior := range []State{StateAccepted, StateAssigned, StateInProgress} {
		got, err := Decide(StateSuspended, ActionResume, []model.Role{clerk}, Input{SuspendedFrom: prior})
		if err != nil || got != prior {
			t.Errorf("resume from %s = %q, %v", prior, got, err)
		}
	}
}

func TestDecideRefusals(t *testing.T) {
	ok := satisfyingInput
	with := func(a Action, edit func(*Input)) Input {
		in := ok(a)
		edit(&in)
		return in
	}
	roles := func(r ...model.Role) []model.Role { return r }
	tests := []struct {
		name  string
		from  State
		a     Action
		roles []model.Role
		in    Input
		code  string
	}{
		{"unknown action", reg, Action("fly"), roles(clerk), Input{}, RefuseUnknownAction},

		{"sign for another department", asg, ActionSign, roles(hand), with(ActionSign, func(in *Input) { in.IsLead = false }), RefuseNotLead},
		{"return another department's case", asg, ActionReturn, roles(hand), with(ActionReturn, func(in *Input) { in.IsLead = false }), RefuseNotLead},
		{"resolve another department's case", prog, ActionResolve, roles(hand), with(ActionResolve, func(in *Input) { in.IsLead = false }), RefuseNotLead},
		{"mediator resolves a department's case", prog, ActionResolve, roles(med), with(ActionResolve, func(in *Input) { in.AtCentre = false }), RefuseNotAtCentre},
		{"mediator extends a department's case", prog, ActionExtendRequest, roles(med), with(ActionExtendRequest, func(in *Input) { in.AtCentre = false }), RefuseNotAtCentre},
		{"handler and mediator, neither relation", prog, ActionResolve, roles(hand, med), with(ActionResolve, func(in *Input) { in.IsLead, in.AtCentre = false, false }), RefuseNotLead},
		{"co-sign without being called in", asg, ActionCoSign, roles(hand), with(ActionCoSign, func(in *Input) { in.CoPart = CoNone }), RefuseNotCoHandler},
		{"co-report without being called in", prog, ActionCoReport, roles(hand), with(ActionCoReport, func(in *Input) { in.CoPart = CoNone }), RefuseNotCoHandler},

		{"co-sign twice", prog, ActionCoSign, roles(hand), with(ActionCoSign, func(in *Input) { in.CoPart = CoSigned }), RefuseCoAlreadySigned},
		{"co-sign after reporting", prog, ActionCoSign, roles(hand), with(ActionCoSign, func(in *Input) { in.CoPart = CoReported }), RefuseCoAlreadySigned},
		{"co-report before signing", prog, ActionCoReport, roles(hand), with(ActionCoReport, func(in *Input) { in.CoPart = CoPending }), RefuseCoNotSigned},
		{"co-report twice", prog, ActionCoReport, roles(hand), with(ActionCoReport, func(in *Input) { in.CoPart = CoReported }), RefuseCoAlreadyReported},
		{"resolve with co-handlers pending", prog, ActionResolve, roles(hand), with(ActionResolve, func(in *Input) { in.CoHandlersPending = 2 }), RefuseCoHandlersPending},
		{"second extension request", prog, ActionExtendRequest, roles(hand), with(ActionExtendRequest, func(in *Input) { in.ExtensionPending = true }), RefuseExtensionPending},
		{"approve nothing", prog, ActionExtendApprove, roles(lead), with(ActionExtendApprove, func(in *Input) { in.ExtensionPending = false }), RefuseNoExtensionPending},
		{"refuse nothing", prog, ActionExtendRefuse, roles(lead), with(ActionExtendRefuse, func(in *Input) { in.ExtensionPending = false }), RefuseNoExtensionPending},
		{"resume to unknown state", susp, ActionResume, roles(clerk), with(ActionResume, func(in *Input) { in.SuspendedFrom = "" }), RefusePriorState},
		{"resume to resolved", susp, ActionResume, roles(clerk), with(ActionResume, func(in *Input) { in.SuspendedFrom = StateResolved }), RefusePriorState},
		{"escalate from the root centre", acc, ActionEscalate, roles(clerk), with(ActionEscalate, func(in *Input) { in.HasParentCentre = false }), RefuseNoParentCentre},
		{"delegate from a leaf centre", acc, ActionDelegate, roles(clerk), with(ActionDelegate, func(in *Input) { in.HasChildCentre = false }), RefuseNoChildCentre},

		{"reject without reason", reg, ActionReject, roles(clerk), with(ActionReject, func(in *Input) { in.Reason = "" }), RefuseReasonRequired},
		{"return with blank reason", asg, ActionReturn, roles(hand), with(ActionReturn, func(in *Input) { in.Reason = " \t\u3000" }), RefuseReasonRequired},
		{"escalate without reason", prog, ActionEscalate, roles(lead), with(ActionEscalate, func(in *Input) { in.Reason = "" }), RefuseReasonRequired},
		{"suspend without reason", asg, ActionSuspend, roles(clerk), with(ActionSuspend, func(in *Input) { in.Reason = "" }), RefuseReasonRequired},
		{"verify_fail without reason", res, ActionVerifyFail, roles(clerk), with(ActionVerifyFail, func(in *Input) { in.Reason = "" }), RefuseReasonRequired},
		{"empty comment", fol, ActionComment, roles(grid), with(ActionComment, func(in *Input) { in.Reason = "" }), RefuseReasonRequired},
		{"resolve without outcome", prog, ActionResolve, roles(med), with(ActionResolve, func(in *Input) { in.Outcome = "" }), RefuseOutcomeRequired},
		{"resolve with unknown outcome", prog, ActionResolve, roles(med), with(ActionResolve, func(in *Input) { in.Outcome = "magic" }), RefuseOutcomeInvalid},
		{"visit without satisfaction", ver, ActionVisit, roles(grid), with(ActionVisit, func(in *Input) { in.Satisfaction = "" }), RefuseSatisfactionRequired},
		{"visit with unknown satisfaction", ver, ActionVisit, roles(grid), with(ActionVisit, func(in *Input) { in.Satisfaction = "meh" }), RefuseSatisfactionInvalid},
		{"assign without department", acc, ActionAssign, roles(clerk), with(ActionAssign, func(in *Input) { in.LeadDepartment = "" }), RefuseDepartmentRequired},
		{"co_assign with blank departments", asg, ActionCoAssign, roles(clerk), with(ActionCoAssign, func(in *Input) { in.CoDepartments = []string{"", " "} }), RefuseCoDepartmentsRequired},
		{"merge without target", reg, ActionMerge, roles(clerk), with(ActionMerge, func(in *Input) { in.MergeInto = "" }), RefuseMergeIntoRequired},

		// Separation of duties, whatever roles the actor holds.
		{"approve one's own extension", prog, ActionExtendApprove, roles(med, lead), with(ActionExtendApprove, ownStepOf(ActionExtendRequest)), RefuseOwnAction},
		{"refuse one's own extension", prog, ActionExtendRefuse, roles(med, lead), with(ActionExtendRefuse, ownStepOf(ActionExtendRequest)), RefuseOwnAction},
		{"verify one's own result", res, ActionVerify, roles(med, clerk), with(ActionVerify, ownStepOf(ActionResolve)), RefuseOwnAction},
		{"fail one's own result", res, ActionVerifyFail, roles(med, lead), with(ActionVerifyFail, ownStepOf(ActionResolve)), RefuseOwnAction},
		{"own step beats missing reason", res, ActionVerifyFail, roles(lead), with(ActionVerifyFail, func(in *Input) { ownStepOf(ActionResolve)(in); in.Reason = "" }), RefuseOwnAction},

		// The state is checked before anything the actor could fix.
		{"wrong state beats missing reason", res, ActionReject, roles(clerk), Input{}, RefuseState},
		{"wrong role beats missing reason", reg, ActionReject, roles(hand), Input{}, RefuseRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRefusal(t, tt.from, tt.a, tt.roles, decideErr(tt.from, tt.a, tt.roles, tt.in), tt.code)
		})
	}
}

// ownStepOf makes the actor the one who last took the earlier step.
func ownStepOf(earlier Action) func(*Input) {
	return func(in *Input) {
		in.Actor = 7
		in.LastBy = map[Action]int64{earlier: 7}
	}
}

// Separation of duties: the actor of the earlier step may not take the later one, and
// anyone else may; the system (actor 0) and a step never taken are no one's.
func TestDecideSeparationOfDuties(t *testing.T) {
	tests := []struct {
		from           State
		a, earlier     Action
		roles          []model.Role
		actor, earlyBy int64
		refused        bool
	}{
		{prog, ActionExtendApprove, ActionExtendRequest, []model.Role{med, lead}, 7, 7, true},
		{prog, ActionExtendApprove, ActionExtendRequest, []model.Role{lead}, 8, 7, false},
		{prog, ActionExtendRefuse, ActionExtendRequest, []model.Role{hand, lead}, 7, 7, true},
		{prog, ActionExtendRefuse, ActionExtendRequest, []model.Role{lead}, 8, 7, false},
		{res, ActionVerify, ActionResolve, []model.Role{med, clerk}, 7, 7, true},
		{res, ActionVerify, ActionResolve, []model.Role{clerk}, 8, 7, false},
		{res, ActionVerifyFail, ActionResolve, []model.Role{hand, lead}, 7, 7, true},
		{res, ActionVerifyFail, ActionResolve, []model.Role{clerk}, 8, 7, false},
		{res, ActionVerify, ActionResolve, []model.Role{clerk}, 0, 0, false}, // actor unknown, step untaken
		{res, ActionVerify, ActionResolve, []model.Role{clerk}, 7, 0, false}, // step untaken
		// The rule names its own earlier step: having requested an extension does not bar verifying.
		{res, ActionVerify, ActionExtendRequest, []model.Role{clerk}, 7, 7, false},
	}
	for _, tt := range tests {
		in := satisfyingInput(tt.a)
		in.Actor, in.LastBy = tt.actor, map[Action]int64{tt.earlier: tt.earlyBy}
		err := decideErr(tt.from, tt.a, tt.roles, in)
		allowed := slices.Contains(Allowed(tt.from, tt.roles, in), tt.a)
		if tt.refused {
			wantRefusal(t, tt.from, tt.a, tt.roles, err, RefuseOwnAction)
			if allowed {
				t.Errorf("%s by the actor of %s is offered", tt.a, tt.earlier)
			}
			continue
		}
		if err != nil || !allowed {
			t.Errorf("%s by %d after %s by %d: %v (offered %v)", tt.a, tt.actor, tt.earlier, tt.earlyBy, err, allowed)
		}
	}
	var r *Refusal
	_, err := Decide(prog, ActionExtendApprove, []model.Role{lead}, Input{ExtensionPending: true, Actor: 7, LastBy: map[Action]int64{ActionExtendRequest: 7}})
	if !errors.As(err, &r) || r.Message("zh-CN") != "本案的「申请延期」由您本人办理,「批准延期」须由他人进行。" ||
		r.Message("en") != "You took the step to request an extension on this case yourself, so someone else must approve the extension." {
		t.Errorf("own extension: %#v", err)
	}
}

func TestSeparatedSteps(t *testing.T) {
	tests := []struct {
		from State
		in   Input
		want []Action
	}{
		{prog, Input{ExtensionPending: true}, []Action{ActionExtendRequest}},
		{prog, Input{}, nil}, // no extension to decide: nothing to look up
		{res, Input{}, []Action{ActionResolve}},
		{ver, Input{}, nil},
	}
	for _, tt := range tests {
		if got := SeparatedSteps(tt.from, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SeparatedSteps(%s, %+v) = %v, want %v", tt.from, tt.in, got, tt.want)
		}
	}
}

func TestAnswerOrder(t *testing.T) {
	var r *Refusal
	if err := AnswerOrder(prog, 7, 7); !errors.As(err, &r) || r.Code != RefuseOwnAction || r.State != prog {
		t.Errorf("the issuer answering their own order: %v", err)
	}
	for _, c := range [][2]int64{{7, 8}, {0, 8}, {0, 0}} {
		if err := AnswerOrder(prog, c[0], c[1]); err != nil {
			t.Errorf("order by %d answered by %d: %v", c[0], c[1], err)
		}
	}
}

func decideErr(from State, a Action, roles []model.Role, in Input) error {
	_, err := Decide(from, a, roles, in)
	return err
}

func TestDecideRolesCombine(t *testing.T) {
	// A handler whose department is not the lead, who is also a mediator on a case the
	// centre handles, may resolve it as the mediator.
	in := Input{AtCentre: true, Outcome: OutcomeMediatedOral}
	if to, err := Decide(prog, ActionResolve, []model.Role{hand, med}, in); err != nil || to != res {
		t.Fatalf("handler+mediator resolve = %q, %v", to, err)
	}
	// A viewer who is also a clerk may do what the clerk may.
	if to, err := Decide(reg, ActionAccept, []model.Role{view, clerk}, Input{}); err != nil || to != acc {
		t.Fatalf("viewer+clerk accept = %q, %v", to, err)
	}
}

func TestAllowed(t *testing.T) {
	centre := Input{HasParentCentre: true, HasChildCentre: true}
	tests := []struct {
		name  string
		from  State
		roles []model.Role
		in    Input
		want  []Action
	}{
		{"clerk on a new registration (no reason typed yet)", reg, []model.Role{clerk}, centre,
			[]Action{ActionAccept, ActionReject, ActionMerge, ActionEscalate, ActionDelegate, ActionComment, ActionAttach, ActionRecord}},
		{"clerk at a county root centre", reg, []model.Role{clerk}, Input{HasChildCentre: true},
			[]Action{ActionAccept, ActionReject, ActionMerge, ActionDelegate, ActionComment, ActionAttach, ActionRecord}},
		{"leader on an accepted case", acc, []model.Role{lead}, centre,
			[]Action{ActionMerge, ActionHandle, ActionAssign, ActionEscalate, ActionDelegate, ActionSuspend, ActionComment, ActionAttach, ActionSupervise, ActionRecord, ActionWarningAdjust}},
		{"lead handler on an assignment", asg, []model.Role{hand}, Input{IsLead: true},
			[]Action{ActionSign, ActionReturn, ActionComment, ActionAttach, ActionRecord}},
		{"co-handler on an assignment", asg, []model.Role{hand}, Input{CoPart: CoPending},
			[]Action{ActionCoSign, ActionComment, ActionAttach, ActionRecord}},
		{"lead handler with co-handlers pending", prog, []model.Role{hand}, Input{IsLead: true, CoHandlersPending: 1},
			[]Action{ActionExtendRequest, ActionComment, ActionAttach, ActionRecord}},
		{"lead handler, all reported, extension waiting", prog, []model.Role{hand}, Input{IsLead: true, ExtensionPending: true},
			[]Action{ActionResolve, ActionComment, ActionAttach, ActionRecord}},
		{"leader with an extension waiting", prog, []model.Role{lead}, Input{ExtensionPending: true, HasParentCentre: true},
			[]Action{ActionCoAssign, ActionEscalate, ActionExtendApprove, ActionExtendRefuse, ActionSuspend, ActionComment, ActionAttach, ActionSupervise, ActionRecord, ActionWarningAdjust}},
		{"mediator on a centre case", prog, []model.Role{med}, Input{AtCentre: true},
			[]Action{ActionExtendRequest, ActionResolve, ActionComment, ActionAttach, ActionRecord}},
		{"grid worker on a verified case", ver, []model.Role{grid}, Input{},
			[]Action{ActionVisit, ActionComment, ActionAttach, ActionRecord}},
		{"leader on a red warning awaiting its holder", prog, []model.Role{lead}, Input{WarningPending: true, SeriousWarning: true},
			[]Action{ActionCoAssign, ActionSuspend, ActionComment, ActionAttach, ActionSupervise, ActionRecord, ActionWarningRespond, ActionWarningAdjust}},
		{"clerk cannot archive under an orange warning", fol, []model.Role{clerk}, Input{SeriousWarning: true},
			[]Action{ActionComment, ActionAttach, ActionRecord}},
		{"grid worker, new case", none, []model.Role{grid}, Input{},
			[]Action{ActionRegister}},
		{"viewer", prog, []model.Role{view}, Input{IsLead: true}, nil},
		{"admin", reg, []model.Role{admin}, centre, nil},
		{"archived", arc, []model.Role{lead, clerk}, centre, nil},
		{"merged", mer, []model.Role{lead, clerk}, centre, nil},
		{"rejected", rej, []model.Role{lead, clerk}, centre, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Allowed(tt.from, tt.roles, tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Allowed(%s, %v) =\n  %v\nwant\n  %v", tt.from, tt.roles, got, tt.want)
			}
		})
	}
}

func TestRefusalMessages(t *testing.T) {
	_, err := Decide(StateRegistered, ActionSign, []model.Role{clerk}, Input{HasParentCentre: true})
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("want *Refusal, got %v", err)
	}
	want := Allowed(StateRegistered, []model.Role{clerk}, Input{HasParentCentre: true})
	if !slices.Equal(r.Allowed, want) {
		t.Errorf("Refusal.Allowed = %v, want %v", r.Allowed, want)
	}
	for _, s := range []string{"已登记", "签收", "受理", "不予受理", "上报"} {
		if !strings.Contains(r.Message("zh-CN"), s) {
			t.Errorf("message %q does not mention %q", r.Message("zh-CN"), s)
		}
	}
	for _, s := range []string{"registered", "sign for", "accept", "escalate"} {
		if !strings.Contains(r.Message("en"), s) {
			t.Errorf("English message %q does not mention %q", r.Message("en"), s)
		}
	}
	if r.Error() != r.Message("zh-CN") {
		t.Errorf("Error() = %q, want the Chinese message", r.Error())
	}

	_, err = Decide(StateArchived, ActionComment, []model.Role{clerk}, Input{Reason: "x"})
	if !errors.As(err, &r) || !strings.Contains(r.Message("zh-CN"), "当前没有可执行的操作") || !strings.Contains(r.Message("en"), "Nothing can be done now") {
		t.Errorf("archived refusal does not say nothing is allowed: %v", err)
	}
}

func TestEveryRefusalCodeHasMessages(t *testing.T) {
	codes := []string{
		RefuseUnknownAction, RefuseState, RefuseRole, RefuseNotLead, RefuseNotCoHandler,
		RefuseNotAtCentre, RefuseCoAlreadySigned, RefuseCoNotSigned, RefuseCoAlreadyReported,
		RefuseCoHandlersPending, RefuseNoExtensionPending, RefuseExtensionPending, RefusePriorState,
		RefuseNoParentCentre, RefuseNoChildCentre, RefuseReasonRequired, RefuseOutcomeRequired,
		RefuseOutcomeInvalid, RefuseSatisfactionRequired, RefuseSatisfactionInvalid,
		RefuseDepartmentRequired, RefuseCoDepartmentsRequired, RefuseMergeIntoRequired,
		RefuseNoWarningPending, RefuseIncidentRequired, RefuseIncidentInvalid, RefuseWarningLevelRequired,
		RefuseSeriousWarning, RefuseOwnAction,
	}
	for _, c := range codes {
		r := newRefusal(c, StateInProgress, ActionResolve, nil)
		for _, loc := range i18n.Locales() {
			if _, ok := i18n.Lookup(loc, "refusal."+c); !ok {
				t.Errorf("code %s: no text in %s", c, loc)
			}
			if msg := r.Message(loc); strings.Contains(msg, "%!") {
				t.Errorf("code %s: bad message in %s: %q", c, loc, msg)
			}
		}
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[Action]bool{}
	for _, r := range Rules() {
		if seen[r.Action] {
			t.Errorf("action %s has two rules", r.Action)
		}
		seen[r.Action] = true
		if !r.Action.Valid() {
			t.Errorf("rule for unknown action %q", r.Action)
		}
		for _, s := range r.From {
			if !s.Valid() && !(s == StateNone && r.Action == ActionRegister) {
				t.Errorf("%s: from-state %q is not a state", r.Action, s)
			}
			if s.Terminal() {
				t.Errorf("%s is allowed in terminal state %s", r.Action, s)
			}
		}
		if !r.To.Valid() && r.To != Unchanged && r.To != Resumed {
			t.Errorf("%s: result %q is not a state", r.Action, r.To)
		}
		for _, g := range r.Grants {
			if g.Role == admin || g.Role == view {
				t.Errorf("%s granted to %s", r.Action, g.Role)
			}
		}
	}
	for _, a := range AllActions {
		if !seen[a] {
			t.Errorf("action %s has no rule", a)
		}
	}
	// Rules hands out copies.
	rs := Rules()
	rs[0].From[0] = StateArchived
	if r, _ := RuleFor(rs[0].Action); r.From[0] == StateArchived {
		t.Error("Rules() shares its slices with the table")
	}
}

func TestLabels(t *testing.T) {
	for _, s := range AllStates {
		if s.Label() == string(s) || s.LabelEN() == string(s) {
			t.Errorf("state %s lacks a label", s)
		}
	}
	for _, a := range AllActions {
		if a.Label() == string(a) || a.LabelEN() == "" {
			t.Errorf("action %s lacks a label", a)
		}
	}
	for _, o := range AllOutcomes {
		if o.Label() == string(o) || o.LabelEN() == string(o) {
			t.Errorf("outcome %s lacks a label", o)
		}
	}
	for _, s := range AllSatisfactions {
		if s.Label() == string(s) || s.LabelEN() == string(s) {
			t.Errorf("satisfaction %s lacks a label", s)
		}
	}
	if State("x").Valid() || StateNone.Valid() || StateNone.Open() || !StateSuspended.Open() {
		t.Error("State.Valid/Open wrong for edge cases")
	}
}

// TestHappyPaths walks cases through their lives as the centre would, checking that
// the actions chain up.
func TestHappyPaths(t *testing.T) {
	type step struct {
		a     Action
		roles []model.Role
		in    Input
		want  State
	}
	paths := map[string][]step{
		"assigned to a department with a co-handler, reopened once": {
			{ActionRegister, []model.Role{grid}, Input{}, reg},
			{ActionAccept, []model.Role{clerk}, Input{}, acc},
			{ActionAssign, []model.Role{clerk}, Input{LeadDepartment: "justice"}, asg},
			{ActionCoAssign, []model.Role{clerk}, Input{CoDepartments: []string{"police"}}, asg},
			{ActionSign, []model.Role{hand}, Input{IsLead: true, CoHandlersPending: 1}, prog},
			{ActionCoSign, []model.Role{hand}, Input{CoPart: CoPending}, prog},
			{ActionCoReport, []model.Role{hand}, Input{CoPart: CoSigned, Reason: "已出警调查"}, prog},
			{ActionResolve, []model.Role{hand}, Input{IsLead: true, Outcome: OutcomeMediatedAgreement}, res},
			{ActionVerify, []model.Role{clerk}, Input{}, ver},
			{ActionVisit, []model.Role{grid}, Input{Satisfaction: Unsatisfied}, prog},
			{ActionResolve, []model.Role{hand}, Input{IsLead: true, Outcome: OutcomeToLitigation}, res},
			{ActionVerify, []model.Role{lead}, Input{}, ver},
			{ActionVisit, []model.Role{clerk}, Input{Satisfaction: BasicallySatisfied}, fol},
			{ActionArchive, []model.Role{clerk}, Input{}, arc},
		},
		"handled at the centre, suspended, extended": {
			{ActionRegister, []model.Role{clerk}, Input{}, reg},
			{ActionAccept, []model.Role{clerk}, Input{}, acc},
			{ActionHandle, []model.Role{clerk}, Input{}, prog},
			{ActionSuspend, []model.Role{clerk}, Input{Reason: "等待伤情鉴定"}, susp},
			{ActionResume, []model.Role{clerk}, Input{SuspendedFrom: prog}, prog},
			{ActionExtendRequest, []model.Role{med}, Input{AtCentre: true, Reason: "当事人外出务工"}, prog},
			{ActionExtendApprove, []model.Role{lead}, Input{ExtensionPending: true}, prog},
			{ActionResolve, []model.Role{med}, Input{AtCentre: true, Outcome: OutcomeMediatedOral}, res},
		},
		"returned, then escalated": {
			{ActionRegister, []model.Role{clerk}, Input{}, reg},
			{ActionAccept, []model.Role{clerk}, Input{}, acc},
			{ActionAssign, []model.Role{clerk}, Input{LeadDepartment: "housing"}, asg},
			{ActionReturn, []model.Role{hand}, Input{IsLead: true, Reason: "不属于本部门职责"}, acc},
			{ActionEscalate, []model.Role{clerk}, Input{HasParentCentre: true, Reason: "涉及跨县事项"}, acc},
			{ActionMerge, []model.Role{clerk}, Input{MergeInto: "ZZ-2026-000001"}, mer},
		},
	}
	for name, steps := range paths {
		t.Run(name, func(t *testing.T) {
			state := StateNone
			for i, s := range steps {
				next, err := Decide(state, s.a, s.roles, s.in)
				if err != nil || next != s.want {
					t.Fatalf("step %d: %s from %s = %q, %v; want %s", i, s.a, state, next, err, s.want)
				}
				state = next
			}
		})
	}
}

// Refusals name actions and states by the catalogue's workflow.action.* and
// workflow.state.*: every action and state has both in every locale.
func TestRefusalWordsAreCatalogued(t *testing.T) {
	for _, loc := range i18n.Locales() {
		for _, a := range AllActions {
			if _, ok := i18n.Lookup(loc, "workflow.action."+string(a)); !ok {
				t.Errorf("%s: no workflow.action.%s", loc, a)
			}
		}
		for _, s := range AllStates {
			if _, ok := i18n.Lookup(loc, "workflow.state."+string(s)); !ok {
				t.Errorf("%s: no workflow.state.%s", loc, s)
			}
		}
	}
}
