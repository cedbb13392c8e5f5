package ui

import (
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
)

// warnTree builds a region tree for the map: townships[i] villages in township i,
// each with grids grids (0: the village is a cell itself).
func warnTree(townships []int, grids int) *cases.WarningNode {
	id := int64(1)
	node := func(level model.RegionLevel, name string) *cases.WarningNode {
		id++
		return &cases.WarningNode{Region: model.Region{ID: id, Level: level, Name: name}}
	}
	root := node(model.LevelCounty, "康乐县")
	for ti, nv := range townships {
		town := node(model.LevelTownship, fmt.Sprintf("第%d镇", ti+1))
		for vi := range nv {
			village := node(model.LevelVillage, fmt.Sprintf("第%d镇%d村", ti+1, vi+1))
			for gi := range grids {
				g := node(model.LevelGrid, fmt.Sprintf("%s第%d网格", village.Region.Name, gi+1))
				if gi == 0 && vi == 0 {
					g.Highest, g.Counts = risk.LevelRed, cases.LevelCounts{Red: 1}
				}
				village.Children = append(village.Children, g)
			}
			town.Children = append(town.Children, village)
		}
		root.Children = append(root.Children, town)
	}
	return root
}

// The map's blocks nest: every region lies inside its parent below the parent's
// name, siblings do not overlap, the regions with none under them are cells, and the
// drawing's size holds everything.
func TestWarningMapLayoutNests(t *testing.T) {
	for _, tc := range []struct {
		name      string
		townships []int
		grids     int
	}{
		{"demo county", []int{3, 3, 3}, 2},
		{"a big county", []int{15, 3, 22, 1, 9, 12, 7, 18, 4, 10, 11, 5, 16, 2, 8}, 5},
		{"villages without grids", []int{4, 1}, 0},
		{"one township", []int{1}, 1},
		{"a county alone", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := warnTree(tc.townships, tc.grids)
			svg := layoutWarningMap("zh-CN", root)
			at := map[int64]mapShape{}
			for _, s := range svg.Shapes {
				if _, dup := at[s.ID]; dup {
					t.Fatalf("region %d drawn twice", s.ID)
				}
				at[s.ID] = s
				if s.X < 0 || s.Y < 0 || s.X+s.W > svg.W || s.Y+s.H > svg.H {
					t.Errorf("%s at %d,%d %dx%d outside the %dx%d drawing", s.Name, s.X, s.Y, s.W, s.H, svg.W, svg.H)
				}
			}
			var check func(n *cases.WarningNode, depth int)
			check = func(n *cases.WarningNode, depth int) {
				s, ok := at[n.Region.ID]
				if !ok {
					t.Fatalf("%s is not drawn", n.Region.Name)
				}
				if s.Cell != (len(n.Children) == 0) || s.Grid != (n.Region.Level == model.LevelGrid) || s.Depth != depth || s.Level != n.Highest.String() {
					t.Errorf("%s: cell %v grid %v depth %d level %s", n.Region.Name, s.Cell, s.Grid, s.Depth, s.Level)
				}
				for i, c := range n.Children {
					k := at[c.Region.ID]
					if k.X < s.X+mapPad || k.Y < s.Y+mapHead || k.X+k.W > s.X+s.W-mapPad || k.Y+k.H > s.Y+s.H-mapPad+1 {
						t.Errorf("%s (%d,%d %dx%d) is not inside %s (%d,%d %dx%d)", c.Region.Name, k.X, k.Y, k.W, k.H, n.Region.Name, s.X, s.Y, s.W, s.H)
					}
					for _, d := range n.Children[:i] {
						o := at[d.Region.ID]
						if k.X < o.X+o.W && o.X < k.X+k.W && k.Y < o.Y+o.H && o.Y < k.Y+k.H {
							t.Errorf("%s overlaps %s", c.Region.Name, d.Region.Name)
						}
					}
					check(c, depth+1)
				}
			}
			check(root, 0)
			if len(tc.townships) > 0 && (svg.W > 4*svg.H || svg.H > 2*svg.W) {
				t.Errorf("the drawing is %dx%d: far from the screen's shape", svg.W, svg.H)
			}
		})
	}
	if got := cellName("高林湾村第一网格", "高林湾村"); got != "第一网格" {
		t.Errorf("a grid's short name: %q", got)
	}
	if got := cellName("康乐县附城镇高林湾村第十二网格", "高林湾村"); got != "康乐县附…" {
		t.Errorf("a long name cut: %q", got)
	}
}

// The words the board builds in Go (chips, summary lines, ages, tooltips, colour
// names) are in every catalogue: the catalogue test sees only the templates' literals.
func TestWarningsBoardWordsAreCatalogued(t *testing.T) {
	src, err := os.ReadFile("warnings_board.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"nav.warnings"}
	for _, m := range regexp.MustCompile(`"(warnings\.[a-z_.]+)"`).FindAllStringSubmatch(string(src), -1) {
		keys = append(keys, m[1])
	}
	if len(keys) < 10 {
		t.Fatalf("found only %d keys in warnings_board.go", len(keys))
	}
	for _, l := range risk.AllLevels {
		keys = append(keys, warningLevelKey(l))
	}
	for _, loc := range i18n.Locales() {
		for _, k := range keys {
			if _, ok := i18n.Lookup(loc, k); !ok {
				t.Errorf("%s catalogue lacks %q", loc, k)
			}
		}
	}
	for d, want := range map[time.Duration]string{3*24*time.Hour + 5*time.Hour: "3天", 5*time.Hour + 59*time.Minute: "5小时", 10 * time.Minute: "不到1小时"} {
		if got := warningAge("zh-CN", d); got != want {
			t.Errorf("%v at level reads %q, want %q", d, got, want)
		}
	}
}
