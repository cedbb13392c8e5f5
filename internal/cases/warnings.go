package cases

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
)

// WarningLevels are the colours of a warning on the board, the most serious first.
var WarningLevels = []risk.Level{risk.LevelRed, risk.LevelOrange, risk.LevelYellow, risk.LevelBlue}

// BoardLimit is how many warnings the board lists, the most serious first; the counts
// and the map cover them all.
const BoardLimit = 200

// Warnings lists the cases under a warning that p sees, the most serious first, then
// the longest at their level; level ("red", "orange", …; "" for all) narrows to one
// colour.
func (s *Service) Warnings(ctx context.Context, p *auth.Principal, level string) ([]store.Warning, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return nil, err
	}
	level = strings.TrimSpace(level)
	if level != "" {
		l, err := risk.ParseLevel(level)
		if err != nil || l == risk.LevelNone {
			return nil, model.Invalid("level", "invalid", "invalid.warning_level.not_a_level")
		}
		level = l.String()
	}
	return s.Store.Warnings(ctx, store.WarningFilter{Level: level, Limit: BoardLimit}, ScopeOf(p))
}

// LevelCounts counts warnings by colour.
type LevelCounts struct {
	Red    int `json:"red"`
	Orange int `json:"orange"`
	Yellow int `json:"yellow"`
	Blue   int `json:"blue"`
}

// Of returns the count of one colour (0 for none).
func (n LevelCounts) Of(l risk.Level) int {
	switch l {
	case risk.LevelRed:
		return n.Red
	case risk.LevelOrange:
		return n.Orange
	case risk.LevelYellow:
		return n.Yellow
	case risk.LevelBlue:
		return n.Blue
	}
	return 0
}

// Total is the count of all colours.
func (n LevelCounts) Total() int { return n.Red + n.Orange + n.Yellow + n.Blue }

// Highest is the most serious colour counted, none when nothing is.
func (n LevelCounts) Highest() risk.Level {
	for _, l := range WarningLevels {
		if n.Of(l) > 0 {
			return l
		}
	}
	return risk.LevelNone
}

func (n *LevelCounts) add(l risk.Level, k int) {
	switch l {
	case risk.LevelRed:
		n.Red += k
	case risk.LevelOrange:
		n.Orange += k
	case risk.LevelYellow:
		n.Yellow += k
	case risk.LevelBlue:
		n.Blue += k
	}
}

// WarningNode is one region of the warnings map: the warnings on cases at or below
// it, by colour, and its highest colour.
type WarningNode struct {
	Region   model.Region   `json:"region"`
	Highest  risk.Level     `json:"highest"`
	Counts   LevelCounts    `json:"counts"` // cases at the region or below
	Own      LevelCounts    `json:"own"`    // cases at the region itself
	Children []*WarningNode `json:"children,omitempty"`
}

// WarningMap is the viewer's region tree coloured by its warnings.
type WarningMap struct {
	Root   *WarningNode `json:"root"`   // the viewer's region, with its subtree down to the grids
	Totals LevelCounts  `json:"totals"` // every warning the viewer sees (a handler's department may reach outside the tree)
}

// Nodes lists the map's regions, the root first, in tree order.
func (m *WarningMap) Nodes() []*WarningNode {
	var out []*WarningNode
	var walk func(n *WarningNode)
	walk = func(n *WarningNode) {
		out = append(out, n)
		for _, c := range n.Children {
			walk(c)
		}
	}
	if m.Root != nil {
		walk(m.Root)
	}
	return out
}

// WarningMap is, for every region of p's subtree down to the grids, the warnings on
// the cases p sees at or below it by colour, and its highest colour: one counts query
// and one regions query, rolled up here. An inactive region shows only while it still
// has warnings.
func (s *Service) WarningMap(ctx context.Context, p *auth.Principal) (*WarningMap, error) {
	if err := p.Require(auth.PermCasesRead); err != nil {
		return nil, err
	}
	counts, err := s.Store.WarningCounts(ctx, ScopeOf(p))
	if err != nil {
		return nil, err
	}
	regions, err := s.Store.Regions(ctx, store.RegionFilter{Within: p.Region.Path})
	if err != nil {
		return nil, err
	}
	return buildWarningMap(p.Region, regions, counts), nil
}

// WarningTotals counts the warnings p sees by colour, without the map.
func (s *Service) WarningTotals(ctx context.Context, p *auth.Principal) (LevelCounts, error) {
	var n LevelCounts
	if err := p.Require(auth.PermCasesRead); err != nil {
		return n, err
	}
	counts, err := s.Store.WarningCounts(ctx, ScopeOf(p))
	for _, wc := range counts {
		if l, err := risk.ParseLevel(wc.Level); err == nil {
			n.add(l, wc.Count)
		}
	}
	return n, err
}

// buildWarningMap rolls the counts, by region path and colour, up the tree of regions
// under root (regions in tree order, root among them or not).
func buildWarningMap(root model.Region, regions []model.Region, counts []store.WarningCount) *WarningMap {
	m := &WarningMap{}
	byID := make(map[int64]*WarningNode, len(regions)+1)
	m.Root = &WarningNode{Region: root}
	byID[root.ID] = m.Root
	for _, g := range regions {
		if g.ID != root.ID {
			byID[g.ID] = &WarningNode{Region: g}
		}
	}
	for _, wc := range counts {
		l, err := risk.ParseLevel(wc.Level)
		if err != nil || l == risk.LevelNone || wc.Count <= 0 {
			continue
		}
		m.Totals.add(l, wc.Count)
		// Every region of the path inside the tree counts the case; the deepest one
		// known to the tree holds it as its own.
		own := true
		parts := strings.Split(strings.Trim(wc.RegionPath, "/"), "/")
		for i := len(parts) - 1; i >= 0; i-- {
			id, err := strconv.ParseInt(parts[i], 10, 64)
			if err != nil {
				continue
			}
			n, ok := byID[id]
			if !ok {
				continue
			}
			n.Counts.add(l, wc.Count)
			if own {
				n.Own.add(l, wc.Count)
				own = false
			}
		}
	}
	// Link children to parents, then order each region's children by code.
	for _, g := range regions {
		if g.ID == root.ID {
			continue
		}
		n := byID[g.ID]
		if !g.Active && n.Counts.Total() == 0 {
			continue
		}
		if parent, ok := byID[g.ParentID]; ok {
			parent.Children = append(parent.Children, n)
		}
	}
	for _, n := range byID {
		n.Highest = n.Counts.Highest()
		slices.SortStableFunc(n.Children, func(a, b *WarningNode) int { return strings.Compare(a.Region.Code, b.Region.Code) })
	}
	return m
}
