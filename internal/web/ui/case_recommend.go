package ui

import (
	"context"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// recommendShown is how many people of the pool the case page recommends.
const recommendShown = 5

// recommendRow is a person recommended on the case page, with why in words.
type recommendRow struct {
	store.Talent
	Why      []string
	TeamRole string // the role one click puts them on the case's team in
}

// caseRecommendations is the case page's 推荐调解力量: for an open case, to those who may
// read the pool (who assign work and who mediate), the first people of the pool by
// specialty, nearness and load, each with why. nil when not shown.
func (u *UI) caseRecommendations(ctx context.Context, p *auth.Principal, loc string, c *model.Case, names map[string]string) ([]recommendRow, error) {
	if u.Mediation == nil || !p.Can(auth.PermMediationRead) || !workflow.State(c.State).Open() {
		return nil, nil
	}
	recs, err := u.Mediation.Recommend(ctx, p, *c, recommendShown)
	if err != nil {
		return nil, err
	}
	rows := make([]recommendRow, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, recommendRow{Talent: r.Talent, Why: mediation.WhyNamed(loc, r, names), TeamRole: teamRoleFor(r.Talent.Kind)})
	}
	return rows, nil
}
