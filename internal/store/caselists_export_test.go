package store

import "context"

// ExplainEveryListDriver is the plans of f's list in scope sc read through each index
// listDriverFor may choose for it (on SQLite; on PostgreSQL, ExplainCases'), so that a
// test holds every choice to an index whatever the counts of its few rows.
func (s *Store) ExplainEveryListDriver(ctx context.Context, f CaseFilter, sc CaseScope) ([]CasePlans, error) {
	f, err := s.withCategories(ctx, f)
	if err != nil {
		return nil, err
	}
	page, count, err := s.listDriverFor(ctx, f, sc)
	if err != nil || page == nil {
		p, err := s.ExplainCases(ctx, f, sc)
		return []CasePlans{p}, err
	}
	drivers := []listDriver{{index: "cases_registered", ordered: true}}
	if count != nil {
		for _, c := range listCandidates(f, sc) {
			drivers = append(drivers, c.driver)
		}
	}
	var out []CasePlans
	for _, d := range drivers {
		pf, cf := f, f
		pf.driver, cf.driver = &d, &d
		if d.index == "cases_registered" {
			// Only a page walks the list's order; a count is read through a filter's
			// index, or, with none, the planner's.
			cf.driver = count
		}
		p, err := s.explainList(ctx, pf, cf, sc)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
