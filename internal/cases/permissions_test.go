package cases_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

const permissionsIntro = `# Who may see and do what

Generated from the code (` + "`auth.Matrix`" + ` and the transition table of ` + "`internal/workflow`" + `);
a test fails when this file and the code differ. Enforcement is in one place for pages
and the API: the services ask the matrix (` + "`Principal.Require`" + `, ` + "`cases.ScopeOf`" + `) and the
case workflow (` + "`workflow.Decide`" + `), and every case query carries the scope in its SQL.

## Scopes

- **subtree** — the actor's region and every region below it (DESIGN.md §2).
- **department** — cases assigned to the actor's department, as lead or co-handler, until returned.
- **deployment** — the whole deployment, and only for an actor sitting at its root region.

Admins run the system and see no cases (separation of duties). Full ID numbers and
phones are shown only on an explicit request by a role below holding ` + "`personal.reveal`" + `,
and every such view is audited.

A warning is assessed over the parties' history in every scope, but its explanation
(the case page's warning card, the API's ` + "`risk_result`" + `, the warning's event in the
timeline) counts only the cases its reader can see, as the earlier-case lookup shows
them. Those holding ` + "`risk.outside_records`" + ` — the clerks and leaders who must act on
warnings — are told that there are records outside their scope (辖区外另有记录), never how
many; nobody else learns of them. A warning's notices, read by people of every scope,
count the case's own records and say only that other cases have some.

An API token acts as the user it was issued for, as that user is at each request —
their roles, region and department — and never as more: on the API, and on Open311,
where filing a request is registering a case (` + "`cases.register`" + `, at a place inside
the user's scope; docs/open311.md). A deactivated user's tokens are revoked.

A hall screen's token (大屏, ` + "`/screen/<token>`" + `; docs/statistics.md) is issued by an admin
for a region of their subtree and reads as a ` + "`viewer`" + ` of that region reads the figures —
that region's subtree, nothing else, personal data masked — and only on the screen's
own three addresses; it is no API token and signs no one in. A revoked token, or one
whose region was switched off, is refused at the screen's next refresh.

## Permissions

`

const permissionsMiddle = `
## Case actions

A centre's staff act for the centre holding the case (a leader also for the centres
below theirs); a mediator for cases their own centre handles itself (` + "`at_centre`" + `); a
department handler through their department's assignment (` + "`lead`" + ` or ` + "`co_handler`" + `); a grid
worker in their own grid. Everyone acts only on cases they can see.

Separation of duties holds whatever roles one person combines: whoever requested an
extension does not decide it, whoever resolved a case does not verify it or fail the
verification ("not by whoever did" below), and whoever issued a supervision order (督办)
does not answer it. Such a step is refused with 409 ` + "`own_action`" + ` and left off the
case page for that person; a colleague takes it.

`

func permissionsDoc() string {
	return permissionsIntro + auth.MatrixMarkdown() + permissionsMiddle + workflow.RulesMarkdown()
}

func TestPermissionsDocMatchesCode(t *testing.T) {
	got, err := os.ReadFile("../../docs/permissions.md")
	want := permissionsDoc()
	if err != nil || string(got) != want {
		if os.Getenv("ONEDOOR_WRITE_DOCS") != "" {
			os.WriteFile("../../docs/permissions.md", []byte(want), 0o644)
			return
		}
		t.Fatalf("docs/permissions.md differs from the code; regenerate it with ONEDOOR_WRITE_DOCS=1 go test ./internal/cases -run PermissionsDoc (err %v)", err)
	}
}

// The matrix and the workflow must agree on who registers cases.
func TestMatrixAgreesWithWorkflow(t *testing.T) {
	var fromMatrix []model.Role
	for _, g := range auth.Matrix {
		if g.Permission == auth.PermCasesRegister {
			fromMatrix = append(fromMatrix, g.Role)
		}
	}
	fromWorkflow := workflow.RegisterRoles()
	slices.Sort(fromMatrix)
	slices.Sort(fromWorkflow)
	if !slices.Equal(fromMatrix, fromWorkflow) {
		t.Fatalf("register: matrix %v, workflow %v", fromMatrix, fromWorkflow)
	}
	if !strings.Contains(permissionsDoc(), "| `register` |") {
		t.Fatal("the rules table lacks register")
	}
}
