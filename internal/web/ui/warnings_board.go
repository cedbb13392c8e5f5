package ui

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// warningRow is one case under a warning as the board shows it.
type warningRow struct {
	store.Warning
	LevelKey string // catalogue key of its colour
	Place    string // where it happened, below the viewer's own region
	Age      string // how long it has been at its level: 3天, 5小时
	Overdue  bool   // the demanded response is late
}

// warningChip is a colour filter with its count.
type warningChip struct {
	Level  string // "" for all
	Key    string
	Count  int
	Active bool
}

// levelName is a colour's code and the catalogue key of its name.
type levelName struct{ Code, Key string }

// warningSummary is one line of the by-region summary.
type warningSummary struct {
	TestID  string // the region's id, own, outside or total
	Region  model.Region
	Key     string // catalogue key of a label instead of the region's name, "" for the name
	Counts  cases.LevelCounts
	Highest string
}

// mapShape is one block (a region with regions under it) or cell (a grid, or any
// region with none under it) of the map, in the SVG's user units.
type mapShape struct {
	ID         int64
	Cell, Grid bool
	Depth      int
	Level      string // highest open warning: none, blue, yellow, orange, red
	X, Y, W, H int
	TX, TY     int // where its name goes
	CY         int // where a cell's count goes
	Name       string
	Short      string // a cell's name without its parent's in front, cut to fit
	Count      int
	Tip        string
}

// warningsSVG is the map: its size and shapes, parents before children.
type warningsSVG struct {
	W, H   int
	Shapes []mapShape
}

type warningsData struct {
	Level    string
	Chips    []warningChip
	Rows     []warningRow
	Matching int  // the warnings the filter matches
	Limited  bool // more match than the board lists
	Summary  []warningSummary
	Levels   []levelName // the colours, most serious first
	Legend   []levelName // the colours, then none
	Map      warningsSVG
}

// warningsBoard is 预警看板: the warnings on the cases the user sees by colour, the
// cases themselves, their spread over the regions below, and a map of the user's
// region tree whose grid cells take the colour of their highest open warning.
func (u *UI) warningsBoard(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	ctx := r.Context()
	page := u.newPage(r, "warnings.title")
	page.Active = "nav.warnings"
	loc := page.Locale
	d := &warningsData{}
	if l, err := risk.ParseLevel(httpx.PageQuery(r).String("level")); err == nil && l != risk.LevelNone {
		d.Level = l.String()
	}
	m, err := u.Cases.WarningMap(ctx, p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	list, err := u.Cases.Warnings(ctx, p, d.Level)
	if err != nil {
		u.renderError(w, r, err)
		return
	}

	d.Chips = append(d.Chips, warningChip{Key: "warnings.all", Count: m.Totals.Total(), Active: d.Level == ""})
	d.Matching = m.Totals.Total()
	for _, l := range cases.WarningLevels {
		d.Chips = append(d.Chips, warningChip{Level: l.String(), Key: warningLevelKey(l), Count: m.Totals.Of(l), Active: d.Level == l.String()})
		if d.Level == l.String() {
			d.Matching = m.Totals.Of(l)
		}
	}
	d.Limited = len(list) < d.Matching

	var regions []model.Region
	for _, n := range m.Nodes() {
		regions = append(regions, n.Region)
	}
	names := newNamer(u.Store, regions)
	now := u.Cases.Now()
	for _, v := range list {
		row := warningRow{Warning: v, LevelKey: warningLevelKey(boardLevel(v.RiskLevel)), Place: names.place(ctx, v.RegionPath, p.Region)}
		if v.RiskSince != nil {
			row.Age = warningAge(loc, now.Sub(*v.RiskSince))
		}
		row.Overdue = v.RiskResponseBy != nil && now.After(*v.RiskResponseBy)
		d.Rows = append(d.Rows, row)
	}

	d.Summary = warningSummaries(m)
	for _, l := range cases.WarningLevels {
		d.Levels = append(d.Levels, levelName{l.String(), warningLevelKey(l)})
	}
	d.Legend = append(d.Levels[:len(d.Levels):len(d.Levels)], levelName{risk.LevelNone.String(), warningLevelKey(risk.LevelNone)})
	d.Map = layoutWarningMap(loc, m.Root)

	page.Data = d
	u.render(w, r, http.StatusOK, "warnings_board.html", page)
}

// boardLevel reads a stored level code; anything unknown reads as none.
func boardLevel(code string) risk.Level {
	l, err := risk.ParseLevel(code)
	if err != nil {
		return risk.LevelNone
	}
	return l
}

// warningLevelKey is the catalogue key of a colour's name.
func warningLevelKey(l risk.Level) string { return "risk_level." + l.String() }

// warningAge says how long a warning has been at its level: whole days, else whole
// hours, else under an hour.
func warningAge(loc string, d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return i18n.T(loc, "warnings.age_days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return i18n.T(loc, "warnings.age_hours", int(d/time.Hour))
	}
	return i18n.T(loc, "warnings.age_under_hour")
}

// warningSummaries is the by-region summary: the regions right under the viewer's,
// then the cases at the viewer's own region, then any the viewer sees outside their
// tree (a department's cases), then the total.
func warningSummaries(m *cases.WarningMap) []warningSummary {
	root := m.Root
	var out []warningSummary
	for _, c := range root.Children {
		out = append(out, warningSummary{TestID: strconv.FormatInt(c.Region.ID, 10), Region: c.Region, Counts: c.Counts, Highest: c.Highest.String()})
	}
	if len(root.Children) == 0 || root.Own.Total() > 0 {
		id, key := "own", "warnings.own_level"
		if len(root.Children) == 0 {
			id, key = strconv.FormatInt(root.Region.ID, 10), ""
		}
		out = append(out, warningSummary{TestID: id, Region: root.Region, Key: key, Counts: root.Own, Highest: root.Own.Highest().String()})
	}
	outside := cases.LevelCounts{Red: m.Totals.Red - root.Counts.Red, Orange: m.Totals.Orange - root.Counts.Orange,
		Yellow: m.Totals.Yellow - root.Counts.Yellow, Blue: m.Totals.Blue - root.Counts.Blue}
	if outside.Total() > 0 {
		out = append(out, warningSummary{TestID: "outside", Key: "warnings.outside", Counts: outside, Highest: outside.Highest().String()})
	}
	out = append(out, warningSummary{TestID: "total", Key: "warnings.total", Counts: m.Totals, Highest: m.Totals.Highest().String()})
	return out
}

// The map's measures, in SVG user units (CSS pixels at natural size).
const (
	mapCellW   = 64
	mapCellH   = 42
	mapGap     = 6
	mapPad     = 6
	mapHead    = 22 // a block's name above its contents
	mapCharW   = 13 // the width a character of a block's name takes at the map's type size
	cellChars  = 5  // the characters of a cell's name that fit it
	mapAspect  = 1.6
	rootAspect = 2.2
)

// mapBox is a region measured for the map.
type mapBox struct {
	node *cases.WarningNode
	w, h int
	cols int
	kids []*mapBox
}

// measureMap sizes a region's box: a cell when nothing lies under it, else a block
// holding its children in rows, as many to a row as brings the block nearest aspect.
func measureMap(n *cases.WarningNode, aspect float64) *mapBox {
	b := &mapBox{node: n}
	if len(n.Children) == 0 {
		b.w, b.h = mapCellW, mapCellH
		return b
	}
	for _, c := range n.Children {
		b.kids = append(b.kids, measureMap(c, mapAspect))
	}
	best := math.Inf(1)
	for cols := 1; cols <= len(b.kids); cols++ {
		w, h := blockSize(n, b.kids, cols)
		if off := math.Abs(math.Log(float64(w) / float64(h) / aspect)); off < best {
			best, b.w, b.h, b.cols = off, w, h, cols
		}
	}
	return b
}

// blockSize is the size of a block holding kids cols to a row.
func blockSize(n *cases.WarningNode, kids []*mapBox, cols int) (int, int) {
	contentW, contentH := 0, 0
	for i := 0; i < len(kids); i += cols {
		rowW, rowH := 0, 0
		for j, k := range kids[i:min(i+cols, len(kids))] {
			if j > 0 {
				rowW += mapGap
			}
			rowW += k.w
			rowH = max(rowH, k.h)
		}
		contentW = max(contentW, rowW)
		if i > 0 {
			contentH += mapGap
		}
		contentH += rowH
	}
	w := max(contentW, utf8.RuneCountInString(n.Region.Name)*mapCharW) + 2*mapPad
	return w, mapHead + contentH + mapPad
}

// placeMap puts b at x, y and its children inside it, appending parents first;
// parent names b's parent region.
func placeMap(loc string, b *mapBox, parent string, x, y, depth int, out []mapShape) []mapShape {
	n := b.node
	s := mapShape{ID: n.Region.ID, Cell: len(b.kids) == 0, Grid: n.Region.Level == model.LevelGrid, Depth: depth,
		Level: n.Highest.String(), X: x, Y: y, W: b.w, H: b.h, Name: n.Region.Name, Count: n.Counts.Total(), Tip: mapTip(loc, n)}
	if s.Cell {
		s.Short = cellName(n.Region.Name, parent)
		s.TX, s.TY, s.CY = x+b.w/2, y+15, y+b.h-9
		return append(out, s)
	}
	s.TX, s.TY = x+mapPad, y+mapHead-7
	out = append(out, s)
	cy := y + mapHead
	for i := 0; i < len(b.kids); i += b.cols {
		cx, rowH := x+mapPad, 0
		for _, k := range b.kids[i:min(i+b.cols, len(b.kids))] {
			out = placeMap(loc, k, n.Region.Name, cx, cy, depth+1, out)
			cx += k.w + mapGap
			rowH = max(rowH, k.h)
		}
		cy += rowH + mapGap
	}
	return out
}

// mapTip is a region's tooltip: its name and its warnings by colour.
func mapTip(loc string, n *cases.WarningNode) string {
	var parts []string
	for _, l := range cases.WarningLevels {
		if k := n.Counts.Of(l); k > 0 {
			parts = append(parts, i18n.T(loc, "warnings.tip_count", i18n.T(loc, warningLevelKey(l)), k))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, i18n.T(loc, warningLevelKey(risk.LevelNone)))
	}
	return i18n.T(loc, "warnings.tip", n.Region.Name, strings.Join(parts, i18n.T(loc, "warnings.tip_sep")))
}

// layoutWarningMap lays the viewer's region tree out as nested blocks, grids as cells.
func layoutWarningMap(loc string, root *cases.WarningNode) warningsSVG {
	if root == nil {
		return warningsSVG{}
	}
	b := measureMap(root, rootAspect)
	return warningsSVG{W: b.w, H: b.h, Shapes: placeMap(loc, b, "", 0, 0, 0, nil)}
}

// cellName shortens a cell's name to fit it: 高林湾村第一网格 under 高林湾村 is 第一网格.
func cellName(name, parent string) string {
	if short := strings.TrimPrefix(name, parent); parent != "" && short != "" {
		name = short
	}
	if r := []rune(name); len(r) > cellChars {
		return string(r[:cellChars-1]) + "…"
	}
	return name
}
