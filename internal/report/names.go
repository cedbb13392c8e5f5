package report

import "github.com/onedoor/onedoor/internal/model"

// CategoryLabels names each category as the figures show it: by its own name, unless
// another category bears the same name — 其他 is in several kinds, and an imported
// dictionary has 其他 under many parents — when it is qualified by its parent's
// name, or a top-level one by its kind's (土地纠纷·其他, 安全隐患·其他). A bare 其他 in a
// breakdown or on the screen says nothing of what it is.
func CategoryLabels(cats []model.Category, kinds []Named) map[int64]string {
	seen := map[string]int{}
	byID := map[int64]model.Category{}
	for _, c := range cats {
		seen[c.Name]++
		byID[c.ID] = c
	}
	kindName := map[string]string{}
	for _, k := range kinds {
		kindName[k.Code] = k.Name
	}
	out := make(map[int64]string, len(cats))
	for _, c := range cats {
		name := c.Name
		if seen[c.Name] > 1 {
			if p, ok := byID[c.ParentID]; ok && c.ParentID != 0 {
				name = p.Name + "·" + c.Name
			} else if k := kindName[string(c.Kind)]; k != "" {
				name = k + "·" + c.Name
			}
		}
		out[c.ID] = name
	}
	return out
}
