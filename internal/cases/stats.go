package cases

import (
	"context"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// StatsNames are the names a breakdown gives channels and kinds, in the reader's
// language (the web layer's catalogue knows them).
type StatsNames struct {
	Channels     []report.Named
	Kinds        []report.Named
	Urgencies    []report.Named
	NoDepartment string // the row of the cases no department leads
}

// Stats computes the leader's figures (internal/report) for period p over the cases p
// may read within cut: the region cut must lie in the reader's subtree. Each figure
// is counted by the same condition its linked case list applies, under the same scope.
func (s *Service) Stats(ctx context.Context, pr *auth.Principal, per report.Period, cut report.Cut, names StatsNames) (report.Result, error) {
	return s.StatsColumns(ctx, pr, per, cut, names, nil)
}

// StatsColumns is Stats with the figures of every breakdown's rows chosen (a report
// builder's columns); nil gives each breakdown its own.
func (s *Service) StatsColumns(ctx context.Context, pr *auth.Principal, per report.Period, cut report.Cut, names StatsNames, columns []string) (report.Result, error) {
	if !pr.Can(auth.PermStatsRead) {
		return report.Result{}, auth.ErrForbidden
	}
	sc := ScopeOf(pr)
	// Figures need not see the reader's own last write: a replica's, when one is up.
	reports := s.Store.ForReports()
	root := pr.Region
	if cut.RegionID != 0 {
		g, err := reports.Region(ctx, cut.RegionID)
		if err != nil || !inSubtree(pr.Region.Path, g.Path) {
			return report.Result{}, model.Invalid("region_id", "invalid", "invalid.region.out_of_scope")
		}
		root, cut.RegionPath = g, g.Path
	}
	if cut.CategoryID != 0 {
		if _, err := reports.Category(ctx, cut.CategoryID); err != nil {
			return report.Result{}, model.Invalid("category_id", "invalid", "invalid.category_id.not_found")
		}
	}
	if cut.Channel != "" && !model.Channel(cut.Channel).Valid() {
		return report.Result{}, model.Invalid("channel", "invalid", "invalid.channel.invalid")
	}
	if cut.Kind != "" && !model.CaseKind(cut.Kind).Valid() {
		return report.Result{}, model.Invalid("kind", "invalid", "invalid.kind.invalid")
	}
	if cut.Urgency != "" && !workflow.Urgency(cut.Urgency).Valid() {
		return report.Result{}, model.Invalid("urgency", "invalid", "invalid.filter")
	}
	if cut.LeadDepartmentID != 0 {
		if _, err := reports.Department(ctx, cut.LeadDepartmentID); err != nil {
			return report.Result{}, model.Invalid("lead_department_id", "invalid", "invalid.lead_department_id.not_found")
		}
	}
	_, cal, err := s.deadlines(ctx)
	if err != nil {
		return report.Result{}, err
	}
	plan := report.NewPlan(per, s.Now(), cut)
	plan.Columns = columns
	filter := func(base model.CaseCond) store.CaseFilter {
		return store.CaseFilter{Cond: &base, Kind: model.CaseKind(cut.Kind), Channel: model.Channel(cut.Channel),
			CategoryID: cut.CategoryID, Within: cut.RegionPath, Urgency: cut.Urgency,
			LeadDepartmentID: cut.LeadDepartmentID, NoLeadDepartment: cut.NoLeadDepartment}
	}
	groups := make([][]report.Group, len(plan.Batches))
	for i, b := range plan.Batches {
		if f := filter(b.Base); b.Rollup != nil && !s.StatsFromCases && store.RollupsServe(f, sc) {
			from, to := b.Rollup.Days()
			rows, err := reports.RollupCounts(ctx, b.Rollup.Side, from, to, b.Grouped, b.Rollup.ByDay, f, sc)
			if err != nil {
				return report.Result{}, err
			}
			groups[i] = b.FromRollups(rows)
			continue
		}
		got, err := reports.FigureCounts(ctx, filter(b.Base), b.Conds, sc, b.Grouped)
		if err != nil {
			return report.Result{}, err
		}
		groups[i] = make([]report.Group, len(got))
		for j, g := range got {
			groups[i][j] = report.Group(g)
		}
	}
	var spans [3][]report.Span
	for i, c := range plan.SpanConds {
		// The handling times: from the rollups' endings by days elapsed, whose working
		// days the calendar in force counts (a change of the calendar rebuilds nothing).
		if f := filter(c); !s.StatsFromCases && store.RollupsServe(f, sc) {
			from, to := c.EndedFrom.In(workflow.ChinaTime).Format(time.DateOnly), c.EndedTo.In(workflow.ChinaTime).Format(time.DateOnly)
			rows, err := reports.RollupEndings(ctx, from, to, i == 0, f, sc)
			if err != nil {
				return report.Result{}, err
			}
			spans[i] = report.SpansFromRollups(rows)
			continue
		}
		got, err := reports.EndedSpans(ctx, filter(c), sc)
		if err != nil {
			return report.Result{}, err
		}
		spans[i] = make([]report.Span, len(got))
		for j, sp := range got {
			spans[i][j] = report.Span(sp)
		}
	}
	tree := report.Tree{Root: root, HasBelow: map[int64]bool{}, Channels: names.Channels, Kinds: names.Kinds,
		Urgencies: names.Urgencies, NoDepartment: names.NoDepartment}
	if tree.Departments, err = reports.Departments(ctx, store.DepartmentFilter{}); err != nil {
		return report.Result{}, err
	}
	// The subtree's own departments have their rows whether or not they lead a case;
	// another's only when it leads one of these (DepartmentName names it).
	var own []model.Department
	for _, d := range tree.Departments {
		if g, err := reports.Region(ctx, d.RegionID); err == nil && inSubtree(root.Path, g.Path) {
			own = append(own, d)
		}
	}
	all := tree.Departments
	tree.Departments = own
	if tree.Children, err = reports.Regions(ctx, store.RegionFilter{ParentID: root.ID}); err != nil {
		return report.Result{}, err
	}
	for _, c := range tree.Children {
		below, err := reports.Regions(ctx, store.RegionFilter{ParentID: c.ID})
		if err != nil {
			return report.Result{}, err
		}
		tree.HasBelow[c.ID] = len(below) > 0
	}
	if tree.Categories, err = reports.Categories(ctx, store.CategoryFilter{}); err != nil {
		return report.Result{}, err
	}
	tree.Others = all
	return plan.Assemble(groups, spans, tree, cal), nil
}

// inSubtree reports whether path lies in the subtree rooted at root's path.
func inSubtree(root, path string) bool {
	return len(path) >= len(root) && path[:len(root)] == root
}
