package ui

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// queueRoles are the roles something can wait on ("待我处理"); a viewer only reads.
var queueRoles = []model.Role{model.RoleClerk, model.RoleLeader, model.RoleHandler, model.RoleMediator, model.RoleGrid}

func hasAny(p *auth.Principal, roles []model.Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// renderPartial writes one named template of a page's set on its own: a fragment a
// script inserts into a page that is already shown.
func (u *UI) renderPartial(w http.ResponseWriter, r *http.Request, status int, file, name string, data map[string]any) {
	page, _ := data["Page"].(*Page)
	t, ok := u.pages.staff[file]
	if !ok {
		panic("ui: no template " + file)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		slog.ErrorContext(r.Context(), "render", "template", file, "partial", name, "err", err)
		http.Error(w, i18n.T(page.Locale, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// caseError is a refused case form, as the page shows it: the status to answer with,
// the form field it concerns ("" for none) and the message in the page's language.
type caseError struct {
	Status  int
	Field   string
	Message string
}

// classify is httpx.FromErr's classification of err for a page: a caseError when the
// page itself should show it (422 and 409), its message without the field's name as
// it stands next to the field; nil for other errors (not found, forbidden, internal),
// which become the error page.
func classify(r *http.Request, err error) *caseError {
	e := httpx.FromErr(r, err)
	if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusConflict {
		return nil
	}
	return &caseError{Status: e.Status, Field: e.Field, Message: e.Detail}
}

// caseFields names the fields of the case forms (intake, actions, the grid's report)
// in the message at the top of a page: "当事人2 · 身份证号码：…".
var caseFields = httpx.Fields{Prefix: "case.f.", Sep: " · ",
	Lists: map[string]httpx.ListFields{"parties": {Item: "case.party_n", Prefix: "case.f.party_"}}}

// namer finds region names, from a preloaded subtree, else one query per unknown id.
type namer struct {
	st      *store.Store
	regions map[int64]model.Region
}

func newNamer(st *store.Store, regions []model.Region) *namer {
	n := &namer{st: st, regions: make(map[int64]model.Region, len(regions))}
	for _, g := range regions {
		n.regions[g.ID] = g
	}
	return n
}

func (n *namer) region(ctx context.Context, id int64) model.Region {
	if id == 0 {
		return model.Region{}
	}
	if g, ok := n.regions[id]; ok {
		return g
	}
	g, err := n.st.Region(ctx, id)
	if err != nil {
		g = model.Region{ID: id, Name: fmt.Sprint(id)}
	}
	n.regions[id] = g
	return g
}

func (n *namer) name(ctx context.Context, id int64) string { return n.region(ctx, id).Name }

// place names a case's region below the viewer's own, e.g. 苏集镇 · 古洞沟村; a case at
// the viewer's own region shows its name.
func (n *namer) place(ctx context.Context, regionPath string, top model.Region) string {
	var names []string
	parts := strings.Split(strings.Trim(regionPath, "/"), "/")
	for i, part := range parts {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			continue
		}
		g := n.region(ctx, id)
		if i < len(parts)-1 && g.Path != "" && strings.HasPrefix(top.Path, g.Path) {
			continue // the viewer's own region or above: says nothing new
		}
		names = append(names, g.Name)
	}
	return strings.Join(names, " · ")
}

// categoryIndex names categories, with their parent for second-level ones.
type categoryIndex map[int64]model.Category

func (u *UI) categories(ctx context.Context, activeOnly bool) ([]model.Category, categoryIndex, error) {
	cats, err := u.Store.Categories(ctx, store.CategoryFilter{ActiveOnly: activeOnly})
	if err != nil {
		return nil, nil, err
	}
	idx := make(categoryIndex, len(cats))
	for _, c := range cats {
		idx[c.ID] = c
	}
	return cats, idx, nil
}

// Name returns "劳动争议 · 工伤" for a second-level category.
func (idx categoryIndex) Name(id int64) string {
	c, ok := idx[id]
	if !ok {
		return ""
	}
	if p, ok := idx[c.ParentID]; ok {
		return p.Name + " · " + c.Name
	}
	return c.Name
}

// ByCode names every category by its code, as Name does.
func (idx categoryIndex) ByCode() map[string]string {
	out := make(map[string]string, len(idx))
	for id, c := range idx {
		out[c.Code] = idx.Name(id)
	}
	return out
}

// categoryGroup is one kind's categories, for a <select> with an <optgroup> per kind.
type categoryGroup struct {
	Kind    model.CaseKind
	Options []categoryOption
}

type categoryOption struct {
	ID    int64
	Name  string
	Child bool
}

// formChoices are what a registration form offers: the regions of p's subtree as tree
// rows, and the active categories grouped by kind.
func (u *UI) formChoices(ctx context.Context, p *auth.Principal) ([]regionRow, []categoryGroup, error) {
	regions, err := u.Org.Regions(ctx, p, true)
	if err != nil {
		return nil, nil, err
	}
	cats, _, err := u.categories(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	return treeRows(regions, p.Region), groupCategories(cats), nil
}

func groupCategories(cats []model.Category) []categoryGroup {
	var out []categoryGroup
	for _, k := range model.AllKinds {
		g := categoryGroup{Kind: k}
		for _, c := range cats {
			if c.Kind == k {
				g.Options = append(g.Options, categoryOption{ID: c.ID, Name: c.Name, Child: c.ParentID != 0})
			}
		}
		out = append(out, g)
	}
	return out
}

// departmentOption is a department a centre may route a case to.
type departmentOption struct {
	ID   int64
	Name string // with its region, e.g. 康乐县 · 县人力资源和社会保障局
}

// reachableDepartments lists the active departments a centre may assign work to: at
// the centre's own region, above it, or below it (as cases.Service checks).
func (u *UI) reachableDepartments(ctx context.Context, centre model.Region) ([]departmentOption, error) {
	ancestors, err := u.Store.RegionAncestors(ctx, centre)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	var deps []model.Department
	for _, g := range ancestors {
		names[g.ID] = g.Name
		if g.ID == centre.ID {
			continue
		}
		ds, err := u.Store.Departments(ctx, store.DepartmentFilter{RegionID: g.ID, ActiveOnly: true})
		if err != nil {
			return nil, err
		}
		deps = append(deps, ds...)
	}
	below, err := u.Store.Departments(ctx, store.DepartmentFilter{Within: centre.Path, ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	deps = append(deps, below...)
	out := make([]departmentOption, 0, len(deps))
	for _, d := range deps {
		rn, ok := names[d.RegionID]
		if !ok {
			g, err := u.Store.Region(ctx, d.RegionID)
			if err != nil {
				return nil, err
			}
			rn, names[d.RegionID] = g.Name, g.Name
		}
		out = append(out, departmentOption{ID: d.ID, Name: rn + " · " + d.Name})
	}
	return out, nil
}

// caseActionCode is the catalogue code of a timeline entry's action: the workflow's
// actions, merged_in (recorded on the case a repeat complaint joins) and
// supervise_reply (the answer to a supervision order).
func caseActionCode(a string) string {
	if workflow.Action(a).Valid() || a == "merged_in" || a == "supervise_reply" || a == "warning" || a == "warning_escalate" ||
		a == "appointment_book" || a == "appointment_cancel" || a == "evaluate" || a == "link" || a == "unlink" ||
		a == "appointment_invite" || a == "appointment_confirm" || a == "appointment_result" ||
		a == "follow_up_plan" || a == "follow_up_end" || a == "follow_up_missed" ||
		slices.Contains(mediation.TimelineActions, a) || a == cases.ActionAgreementTerm || a == cases.ActionReferralLimit || a == cases.ActionReferralLapsed {
		return a
	}
	return "other"
}

// timelineActions are the codes caseActionCode may return.
var timelineActions = func() []string {
	out := []string{"merged_in", "supervise_reply", "warning", "warning_escalate", "appointment_book", "appointment_cancel", "evaluate", "link", "unlink", "appointment_invite", "appointment_confirm", "appointment_result",
		"follow_up_plan", "follow_up_end", "follow_up_missed", cases.ActionAgreementTerm, cases.ActionReferralLimit, cases.ActionReferralLapsed, "other"}
	out = append(out, mediation.TimelineActions...)
	for _, a := range workflow.AllActions {
		out = append(out, string(a))
	}
	return out
}()

// dueStages are the stages a deadline may belong to, for "case.stage.<code>".
var dueStages = []workflow.Stage{workflow.StageAccept, workflow.StageObjection, workflow.StageHandle,
	workflow.StageExtension, workflow.StageConfirm, workflow.StageVisit, workflow.StageCoHandle}

// dueStatuses are the codes of workflow.Status, for "due.<code>".
var dueStatuses = []workflow.Status{workflow.StatusNone, workflow.StatusNotDue, workflow.StatusDueSoon, workflow.StatusOverdue}

// assignmentStatuses are the codes of an assignment's status, for "assignment.<code>".
var assignmentStatuses = []string{model.AssignmentAssigned, model.AssignmentSigned, model.AssignmentReported, model.AssignmentReturned}

// matchKinds are how a prior case matched, for "prior.match.<code>".
var matchKinds = []string{"id_number", "phone", "address"}

// yuan formats an amount in fen as yuan, e.g. 70000 or 1234.5.
func yuan(fen int64) string {
	s := strconv.FormatFloat(float64(fen)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
