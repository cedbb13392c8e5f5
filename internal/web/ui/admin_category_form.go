package ui

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type categoryForm struct {
	Category *model.Category
	Kinds    []model.CaseKind
	Parents  []model.Category // top-level categories, any kind
}

func (u *UI) renderCategoryForm(w http.ResponseWriter, r *http.Request, c *model.Category, err error) {
	all, lerr := u.Store.Categories(r.Context(), store.CategoryFilter{ActiveOnly: true})
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	var tops []model.Category
	for _, x := range all {
		if x.ParentID == 0 {
			tops = append(tops, x)
		}
	}
	title := "categories.new"
	if c != nil {
		title = "categories.edit"
	}
	page := u.newPage(r, title)
	page.Active = "nav.categories"
	page.Data = categoryForm{Category: c, Kinds: model.AllKinds, Parents: tops}
	if err != nil {
		u.formError(w, r, "admin_category_form.html", page, err)
		return
	}
	if c != nil {
		page.Form = map[string][]string{"code": {c.Code}, "name": {c.Name}, "sort_order": {strconv.Itoa(c.SortOrder)}}
	}
	u.render(w, r, http.StatusOK, "admin_category_form.html", page)
}

func categoryInput(r *http.Request) (org.CategoryInput, error) {
	in := org.CategoryInput{Kind: model.CaseKind(r.PostFormValue("kind")), Code: r.PostFormValue("code"), Name: r.PostFormValue("name")}
	var err error
	if in.ParentID, err = httpx.FormInt(r, "parent_id"); err != nil {
		return in, err
	}
	order, err := httpx.FormInt(r, "sort_order")
	in.SortOrder = int(order)
	return in, err
}

func (u *UI) categoryNew(w http.ResponseWriter, r *http.Request) {
	u.renderCategoryForm(w, r, nil, nil)
}

func (u *UI) categoryCreate(w http.ResponseWriter, r *http.Request) {
	in, err := categoryInput(r)
	if err == nil {
		_, err = u.Org.CreateCategory(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		u.renderCategoryForm(w, r, nil, err)
		return
	}
	redirect(w, r, "/admin/categories", "saved")
}

func (u *UI) categoryFromPath(r *http.Request) (model.Category, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return model.Category{}, err
	}
	return u.Store.Category(r.Context(), id)
}

func (u *UI) categoryEdit(w http.ResponseWriter, r *http.Request) {
	c, err := u.categoryFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderCategoryForm(w, r, &c, nil)
}

func (u *UI) categoryUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := u.categoryFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	in, err := categoryInput(r)
	if err == nil {
		_, err = u.Org.UpdateCategory(r.Context(), httpx.Principal(r), c.ID, in)
	}
	if err != nil {
		u.renderCategoryForm(w, r, &c, err)
		return
	}
	redirect(w, r, "/admin/categories", "saved")
}
