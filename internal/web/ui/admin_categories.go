package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

type categoryListData struct {
	Rows     []model.Category
	Editable bool // only an admin at the top of the tree edits the dictionary
}

// categoryList shows the two-level category dictionary, kind by kind.
func (u *UI) categoryList(w http.ResponseWriter, r *http.Request) {
	cats, err := u.Store.Categories(r.Context(), store.CategoryFilter{})
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "categories.title")
	page.Active = "nav.categories"
	page.Data = categoryListData{Rows: cats, Editable: page.P.Region.ParentID == 0}
	u.render(w, r, http.StatusOK, "admin_categories.html", page)
}
