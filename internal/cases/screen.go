package cases

import (
	"context"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
)

// TickerItem is one case of today's intake as the hall screen shows it to whoever
// walks past: by its number (never the citizen's tracking code), what and where, and
// its title masked by the one rule for texts that leave the staff's hands.
type TickerItem struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Category  string    `json:"category"`
	Region    string    `json:"region"`
	Title     string    `json:"title"`
	Urgency   string    `json:"urgency"`
	RiskLevel string    `json:"risk_level"`
}

// TodayIntake lists the newest of today's intake (受理量 of the day: the same cases
// its figure counts) that p reads, at most limit, for the screen's ticker.
func (s *Service) TodayIntake(ctx context.Context, p *auth.Principal, limit int, names StatsNames) ([]TickerItem, error) {
	if !p.Can(auth.PermStatsRead) {
		return nil, auth.ErrForbidden
	}
	now := s.Now()
	// The hall's screen need not see the last write: a replica's, when one is up.
	reports := s.Store.ForReports()
	f, _ := report.ByID("intake")
	cond, _ := f.Cond(report.Num, report.PeriodOf(report.Day, now), now)
	list, err := reports.Cases(ctx, store.CaseFilter{Cond: &cond, Limit: limit}, ScopeOf(p))
	if err != nil {
		return nil, err
	}
	cats, err := reports.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		return nil, err
	}
	labels := report.CategoryLabels(cats, names.Kinds)
	out := make([]TickerItem, 0, len(list))
	for i := range list {
		c := &list[i]
		g, err := reports.Region(ctx, c.RegionID)
		if err != nil {
			return nil, err
		}
		out = append(out, TickerItem{ID: c.ID, At: c.CreatedAt, Kind: string(c.Kind), Category: labels[c.CategoryID],
			Region: g.Name, Title: model.MaskText(c.Title, c.Private()), Urgency: c.Urgency, RiskLevel: c.RiskLevel})
	}
	return out, nil
}
