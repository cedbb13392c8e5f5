package api

import (
	"context"
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// decodeAndCall decodes the JSON body into In and passes it to do.
func decodeAndCall[In, Out any](r *http.Request, status int, do func(In) (Out, error)) (int, any, error) {
	var in In
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	out, err := do(in)
	if err != nil {
		return 0, nil, err
	}
	return status, out, nil
}

// byID reads the path id and passes it to get.
func byID[Out any](r *http.Request, get func(int64) (Out, error)) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := get(id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (a *API) listRegions(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	active := q.Bool("active")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	regions, err := a.Org.Regions(r.Context(), p, active)
	return http.StatusOK, list(regions), err
}

func (a *API) createRegion(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusCreated, func(in org.RegionInput) (model.Region, error) {
		return a.Org.CreateRegion(r.Context(), p, in)
	})
}

func (a *API) getRegion(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.Region, error) { return a.Org.Region(r.Context(), p, id) })
}

func (a *API) updateRegion(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.Region, error) {
		_, g, err := decodeAndCall(r, http.StatusOK, func(in org.RegionInput) (model.Region, error) {
			return a.Org.UpdateRegion(r.Context(), p, id, in)
		})
		if err != nil {
			return model.Region{}, err
		}
		return g.(model.Region), nil
	})
}

func (a *API) listDepartments(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	active := q.Bool("active")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	deps, err := a.Org.Departments(r.Context(), p, active)
	return http.StatusOK, list(deps), err
}

func (a *API) createDepartment(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusCreated, func(in org.DepartmentInput) (model.Department, error) {
		return a.Org.CreateDepartment(r.Context(), p, in)
	})
}

func (a *API) getDepartment(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.Department, error) { return a.Org.Department(r.Context(), p, id) })
}

func (a *API) updateDepartment(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.Department, error) {
		_, d, err := decodeAndCall(r, http.StatusOK, func(in org.DepartmentInput) (model.Department, error) {
			return a.Org.UpdateDepartment(r.Context(), p, id, in)
		})
		if err != nil {
			return model.Department{}, err
		}
		return d.(model.Department), nil
	})
}

func (a *API) listUsers(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	f := store.UserFilter{Role: model.Role(q.String("role")), ActiveOnly: q.Bool("active")}
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	if f.Role != "" && !f.Role.Valid() {
		return 0, nil, model.Invalid("role", "invalid", "invalid.role.invalid")
	}
	users, err := a.Org.Users(r.Context(), p, f)
	return http.StatusOK, list(users), err
}

func (a *API) createUser(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusCreated, func(in org.UserInput) (model.User, error) {
		return a.Org.CreateUser(r.Context(), p, in)
	})
}

func (a *API) getUser(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.User, error) {
		if err := requireAdmin(p); err != nil {
			return model.User{}, err
		}
		return a.Org.User(r.Context(), p, id)
	})
}

func (a *API) updateUser(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.User, error) {
		_, u, err := decodeAndCall(r, http.StatusOK, func(in org.UserInput) (model.User, error) {
			return a.Org.UpdateUser(r.Context(), p, id, in)
		})
		if err != nil {
			return model.User{}, err
		}
		return u.(model.User), nil
	})
}

func (a *API) listCategories(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	f := store.CategoryFilter{Kind: model.CaseKind(q.String("kind")), ActiveOnly: q.Bool("active")}
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return 0, nil, model.Invalid("kind", "invalid", "invalid.kind.invalid")
	}
	cats, err := a.Store.Categories(r.Context(), f)
	return http.StatusOK, list(cats), err
}

func (a *API) createCategory(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusCreated, func(in org.CategoryInput) (model.Category, error) {
		return a.Org.CreateCategory(r.Context(), p, in)
	})
}

func (a *API) getCategory(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.Category, error) { return a.Store.Category(r.Context(), id) })
}

func (a *API) updateCategory(r *http.Request, p *auth.Principal) (int, any, error) {
	return byID(r, func(id int64) (model.Category, error) {
		_, c, err := decodeAndCall(r, http.StatusOK, func(in org.CategoryInput) (model.Category, error) {
			return a.Org.UpdateCategory(r.Context(), p, id, in)
		})
		if err != nil {
			return model.Category{}, err
		}
		return c.(model.Category), nil
	})
}

// setActive is POST /api/v1/{regions|departments|users|categories}/{id}/{deactivate|activate}.
func (a *API) setActive(r *http.Request, p *auth.Principal) (int, any, error) {
	setters := map[string]func(context.Context, *auth.Principal, int64, bool) error{
		"regions":     a.Org.SetRegionActive,
		"departments": a.Org.SetDepartmentActive,
		"users":       a.Org.SetUserActive,
		"categories":  a.Org.SetCategoryActive,
	}
	set, ok := setters[r.PathValue("kind")]
	sw := r.PathValue("switch")
	if !ok || (sw != "activate" && sw != "deactivate") {
		return 0, nil, httpx.Errorf(r, http.StatusNotFound, "no_endpoint", "")
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	if err := set(r.Context(), p, id, sw == "activate"); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func requireAdmin(p *auth.Principal) error { return p.Require(auth.PermOrgManage) }
