package report

import (
	"testing"

	"github.com/onedoor/onedoor/internal/model"
)

// A category named as another is named with its parent, or a top-level one with its
// kind; a name of its own stays as it is.
func TestCategoryLabels(t *testing.T) {
	cats := []model.Category{
		{ID: 1, Kind: "dispute", Name: "土地纠纷"},
		{ID: 2, Kind: "dispute", ParentID: 1, Name: "其他"},
		{ID: 3, Kind: "dispute", Name: "其他"},
		{ID: 4, Kind: "hazard", Name: "其他"},
		{ID: 5, Kind: "dispute", ParentID: 1, Name: "宅基地"},
	}
	got := CategoryLabels(cats, []Named{{"dispute", "矛盾纠纷"}, {"hazard", "安全隐患"}})
	for id, want := range map[int64]string{1: "土地纠纷", 2: "土地纠纷·其他", 3: "矛盾纠纷·其他", 4: "安全隐患·其他", 5: "宅基地"} {
		if got[id] != want {
			t.Errorf("category %d is named %q, want %q", id, got[id], want)
		}
	}
}
