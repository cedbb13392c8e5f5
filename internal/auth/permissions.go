package auth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
)

// ErrForbidden means the actor's roles do not grant what they asked for.
var ErrForbidden = errors.New("auth: not permitted")

// Permission is something a role may do outside a case's own workflow (the case
// actions are the table of internal/workflow).
type Permission string

const (
	PermCasesRead      Permission = "cases.read"         // see cases, their timelines and attachments
	PermCasesRegister  Permission = "cases.register"     // register a case
	PermPersonalReveal Permission = "personal.reveal"    // see a party's full ID number and phone (audited)
	PermOrgManage      Permission = "org.manage"         // regions, departments, users, API tokens, unlocking
	PermDictionary     Permission = "dictionary.edit"    // the category dictionary
	PermAuditRead      Permission = "audit.read"         // read and export the audit log
	PermReception      Permission = "reception.publish"  // publish and withdraw one's own reception sessions (领导接访)
	PermAppointments   Permission = "appointments.book"  // book and cancel reception slots for cases (约访)
	PermCasesLink      Permission = "cases.link"         // link a case to another one sees (关联案件), and take the link back
	PermFollowUp       Permission = "cases.follow_up"    // set a case on a follow-up plan of dated return visits (回访计划), and end it
	PermStatsRead      Permission = "stats.read"         // the figures, the dashboard and the monthly report of one's subtree
	PermEvalPublish    Permission = "evaluation.publish" // publish (定稿) a period's 考评 ranking of one's subtree, freezing it
	// Be told, where a warning's history counts records outside one's scope, that there
	// are such records (辖区外另有记录, never how many): those who must act on warnings.
	PermRiskOutside Permission = "risk.outside_records"
	PermApprovals   Permission = "approvals.review" // the 待审批 queue: extension requests, supervision answers, warnings awaiting a leader
	PermRosterRead  Permission = "roster.read"      // who is at the centre today: stationed departments, leaders on duty
	// The mediation organisations and the talent pool of one's subtree (phones masked),
	// and the people recommended for a case: those who assign work and those who keep them.
	PermMediationRead Permission = "mediation.read"
	// 会商研判 and 联席会议 of one's subtree: record a meeting, its agenda and minutes,
	// and carry out its decisions on the cases (each action still the workflow's).
	PermMeetings Permission = "meetings.run"
	// Form a case's team (包案/“1131”): name its 包案领导, 政法委值班, mediators,
	// lawyers, psychologists and 信访跟踪 from the staff and the pool.
	PermCaseTeam Permission = "cases.team"
	// Keep a case's mediation: its sessions (调解记录), its agreement (调解协议书) and
	// its signing, performance and judicial confirmation, its referrals to and from the
	// courts and other bodies (诉调对接).
	PermMediationRecord Permission = "mediation.record"
	// Issue a case's documents (文书: receipt, notice of acceptance, assignment and
	// supervision orders, return-visit record, case file), each numbered (文号).
	PermDocumentsIssue Permission = "documents.issue"
	// Adjust the wording of the documents (templates, versioned): the deployment's.
	PermDocumentTemplates Permission = "documents.templates"
)

// Scope is how far a grant reaches.
type Scope string

const (
	ScopeSubtree    Scope = "subtree"    // the actor's region and everything below it
	ScopeDepartment Scope = "department" // cases assigned to the actor's department (lead or co-handler)
	ScopeDeployment Scope = "deployment" // the whole deployment; only for an actor at its root region
)

// Grant is one row of the permission matrix.
type Grant struct {
	Role       model.Role
	Permission Permission
	Scope      Scope
}

// Matrix is the permission matrix: who may do what, how far. It is data: the checks
// below read it, and docs/permissions.md is generated from it (a test keeps the two
// equal). Admins run the system and see no cases: separation of duties (等保 三级).
var Matrix = []Grant{
	{model.RoleLeader, PermCasesRead, ScopeSubtree},
	{model.RoleClerk, PermCasesRead, ScopeSubtree},
	{model.RoleMediator, PermCasesRead, ScopeSubtree},
	{model.RoleGrid, PermCasesRead, ScopeSubtree},
	{model.RoleViewer, PermCasesRead, ScopeSubtree},
	{model.RoleHandler, PermCasesRead, ScopeDepartment},

	{model.RoleLeader, PermCasesRegister, ScopeSubtree},
	{model.RoleClerk, PermCasesRegister, ScopeSubtree},
	{model.RoleGrid, PermCasesRegister, ScopeSubtree},

	{model.RoleLeader, PermPersonalReveal, ScopeSubtree},
	{model.RoleClerk, PermPersonalReveal, ScopeSubtree},
	{model.RoleMediator, PermPersonalReveal, ScopeSubtree},
	{model.RoleGrid, PermPersonalReveal, ScopeSubtree},
	{model.RoleHandler, PermPersonalReveal, ScopeDepartment},

	{model.RoleAdmin, PermOrgManage, ScopeSubtree},
	{model.RoleAdmin, PermDictionary, ScopeDeployment},
	{model.RoleAdmin, PermAuditRead, ScopeSubtree},

	{model.RoleLeader, PermCasesLink, ScopeSubtree},
	{model.RoleClerk, PermCasesLink, ScopeSubtree},
	{model.RoleMediator, PermCasesLink, ScopeSubtree},
	{model.RoleHandler, PermCasesLink, ScopeDepartment},

	{model.RoleLeader, PermFollowUp, ScopeSubtree},
	{model.RoleClerk, PermFollowUp, ScopeSubtree},

	{model.RoleLeader, PermReception, ScopeSubtree},
	{model.RoleLeader, PermStatsRead, ScopeSubtree},
	{model.RoleViewer, PermStatsRead, ScopeSubtree},
	{model.RoleLeader, PermEvalPublish, ScopeSubtree},
	{model.RoleClerk, PermAppointments, ScopeSubtree},

	{model.RoleLeader, PermRiskOutside, ScopeSubtree},
	{model.RoleClerk, PermRiskOutside, ScopeSubtree},

	{model.RoleLeader, PermApprovals, ScopeSubtree},

	{model.RoleLeader, PermRosterRead, ScopeSubtree},
	{model.RoleClerk, PermRosterRead, ScopeSubtree},
	{model.RoleMediator, PermRosterRead, ScopeSubtree},
	{model.RoleHandler, PermRosterRead, ScopeSubtree},
	{model.RoleViewer, PermRosterRead, ScopeSubtree},
	{model.RoleGrid, PermRosterRead, ScopeSubtree},
	{model.RoleAdmin, PermRosterRead, ScopeSubtree},

	{model.RoleLeader, PermMediationRead, ScopeSubtree},
	{model.RoleLeader, PermMeetings, ScopeSubtree},
	{model.RoleClerk, PermMeetings, ScopeSubtree},
	{model.RoleClerk, PermMediationRead, ScopeSubtree},
	{model.RoleMediator, PermMediationRead, ScopeSubtree},
	{model.RoleAdmin, PermMediationRead, ScopeSubtree},

	{model.RoleLeader, PermCaseTeam, ScopeSubtree},
	{model.RoleClerk, PermCaseTeam, ScopeSubtree},

	{model.RoleLeader, PermMediationRecord, ScopeSubtree},
	{model.RoleClerk, PermMediationRecord, ScopeSubtree},
	{model.RoleMediator, PermMediationRecord, ScopeSubtree},
	{model.RoleHandler, PermMediationRecord, ScopeDepartment},
	{model.RoleLeader, PermDocumentsIssue, ScopeSubtree},
	{model.RoleClerk, PermDocumentsIssue, ScopeSubtree},
	{model.RoleMediator, PermDocumentsIssue, ScopeSubtree},
	{model.RoleGrid, PermDocumentsIssue, ScopeSubtree},
	{model.RoleAdmin, PermDocumentTemplates, ScopeDeployment},
}

// Scopes returns the scopes in which p holds perm, through any of their roles.
func (p *Principal) Scopes(perm Permission) []Scope {
	if p == nil {
		return nil
	}
	var out []Scope
	for _, g := range Matrix {
		if g.Permission != perm || !p.Has(g.Role) {
			continue
		}
		if g.Scope == ScopeDeployment && p.Region.ParentID != 0 {
			continue
		}
		if g.Scope == ScopeDepartment && p.Department == nil {
			continue
		}
		out = append(out, g.Scope)
	}
	return out
}

// Can reports whether p holds perm in any scope.
func (p *Principal) Can(perm Permission) bool { return len(p.Scopes(perm)) > 0 }

// Require returns ErrForbidden unless p holds perm.
func (p *Principal) Require(perm Permission) error {
	if !p.Can(perm) {
		return fmt.Errorf("%w: %s", ErrForbidden, perm)
	}
	return nil
}

// MatrixMarkdown renders the matrix as the table docs/permissions.md carries.
func MatrixMarkdown() string {
	var b strings.Builder
	b.WriteString("| permission |")
	for _, r := range model.AllRoles {
		b.WriteString(" " + string(r) + " |")
	}
	b.WriteString("\n|---|")
	for range model.AllRoles {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	var perms []Permission
	seen := map[Permission]bool{}
	for _, g := range Matrix {
		if !seen[g.Permission] {
			seen[g.Permission] = true
			perms = append(perms, g.Permission)
		}
	}
	for _, perm := range perms {
		b.WriteString("| `" + string(perm) + "` |")
		for _, r := range model.AllRoles {
			cell := ""
			for _, g := range Matrix {
				if g.Role == r && g.Permission == perm {
					cell = string(g.Scope)
				}
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}
