// Package org is how admins change the organisation: regions, departments, users,
// categories. It validates input, keeps each admin inside their own region subtree,
// and turns store conflicts into field errors. Pages and the API both call it, so the
// rules live once.
package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// ErrForbidden means the actor may not change that object.
var ErrForbidden = auth.ErrForbidden

// Service applies organisation changes for an acting admin.
type Service struct {
	Store *store.Store
}

func taken(field string) *model.FieldError {
	return model.Invalid(field, "taken", "invalid.taken")
}

// updated answers an update: a taken unique value as the field's error, else the row as
// it now reads.
func updated[T any](ctx context.Context, err error, field string, id int64, read func(context.Context, int64) (T, error)) (T, error) {
	var zero T
	if errors.Is(err, store.ErrConflict) {
		return zero, taken(field)
	}
	if err != nil {
		return zero, err
	}
	return read(ctx, id)
}

// requireAdmin refuses anyone the matrix does not let manage the organisation.
func requireAdmin(p *auth.Principal) error { return p.Require(auth.PermOrgManage) }

// regionInScope loads a region and checks it lies in the admin's subtree.
func (s *Service) regionInScope(ctx context.Context, p *auth.Principal, id int64, field string) (model.Region, error) {
	return RegionInScope(ctx, s.Store, p, id, field)
}

// RegionInScope loads a region of the actor's subtree; a field error naming field
// otherwise. Services that keep things by region (mediation, the rota) check with it.
func RegionInScope(ctx context.Context, st *store.Store, p *auth.Principal, id int64, field string) (model.Region, error) {
	g, err := st.Region(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return g, model.Invalid(field, "not_found", "invalid.region.not_found")
	}
	if err != nil {
		return g, err
	}
	if !strings.HasPrefix(g.Path, p.Scope()) {
		return g, model.Invalid(field, "out_of_scope", "invalid.region.out_of_scope")
	}
	return g, nil
}

// RegionInput is what an admin gives for a region.
type RegionInput struct {
	ParentID int64             `json:"parent_id"`
	Code     string            `json:"code"`
	Name     string            `json:"name"`
	Level    model.RegionLevel `json:"level"`
}

func (in *RegionInput) normalise() {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
}

// checkRegionCode enforces GB/T 2260-style numeric codes: 2–15 digits.
func checkRegionCode(code string) error {
	if code == "" {
		return model.Invalid("code", "required", "invalid.required")
	}
	if len(code) < 2 || len(code) > 15 || strings.Trim(code, "0123456789") != "" {
		return model.Invalid("code", "region_code", "invalid.code.region_code")
	}
	return nil
}

// CreateRegion adds a region under a parent in the admin's subtree. Only an admin at
// the root of the whole tree may add another root.
func (s *Service) CreateRegion(ctx context.Context, p *auth.Principal, in RegionInput) (model.Region, error) {
	if err := requireAdmin(p); err != nil {
		return model.Region{}, err
	}
	in.normalise()
	if err := checkRegionCode(in.Code); err != nil {
		return model.Region{}, err
	}
	if err := model.CheckName("name", in.Name, 60); err != nil {
		return model.Region{}, err
	}
	if !in.Level.Valid() {
		return model.Region{}, model.Invalid("level", "invalid", "invalid.region_level.invalid")
	}
	if in.ParentID == 0 {
		return model.Region{}, model.Invalid("parent_id", "required", "invalid.parent_region.required")
	}
	parent, err := s.regionInScope(ctx, p, in.ParentID, "parent_id")
	if err != nil {
		return model.Region{}, err
	}
	if !parent.Active {
		return model.Region{}, model.Invalid("parent_id", "inactive", "invalid.parent_region.inactive")
	}
	g := model.Region{ParentID: in.ParentID, Code: in.Code, Name: in.Name, Level: in.Level}
	audit := store.Audited("region.create", "region:"+in.Code, fmt.Sprintf("新增区域 %s（%s，%s），上级 %s", in.Name, in.Code, in.Level, parent.Name))
	err = s.Store.CreateRegion(ctx, audit, &g)
	if errors.Is(err, store.ErrConflict) {
		return g, taken("code")
	}
	return g, err
}

// UpdateRegion renames a region or corrects its code.
func (s *Service) UpdateRegion(ctx context.Context, p *auth.Principal, id int64, in RegionInput) (model.Region, error) {
	if err := requireAdmin(p); err != nil {
		return model.Region{}, err
	}
	old, err := s.regionInScope(ctx, p, id, "id")
	if err != nil {
		return model.Region{}, notFoundIfID(err)
	}
	in.normalise()
	if err := checkRegionCode(in.Code); err != nil {
		return model.Region{}, err
	}
	if err := model.CheckName("name", in.Name, 60); err != nil {
		return model.Region{}, err
	}
	audit := store.Audited("region.update", fmt.Sprintf("region:%d", id), fmt.Sprintf("区域 %s（%s）改为 %s（%s）", old.Name, old.Code, in.Name, in.Code))
	return updated(ctx, s.Store.UpdateRegion(ctx, audit, id, in.Code, in.Name), "code", id, s.Store.Region)
}

// SetRegionActive deactivates or reactivates a region. An admin cannot deactivate the
// region they sit in: they would cut the branch they stand on.
func (s *Service) SetRegionActive(ctx context.Context, p *auth.Principal, id int64, active bool) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if _, err := s.regionInScope(ctx, p, id, "id"); err != nil {
		return notFoundIfID(err)
	}
	if !active && id == p.Region.ID {
		return model.Invalid("active", "own_region", "invalid.region.own")
	}
	return s.Store.SetRegionActive(ctx, auditSwitch("region", id, active), id, active)
}

// auditSwitch is the audit entry of a deactivation or reactivation.
func auditSwitch(kind string, id int64, active bool) store.AuditEntry {
	action, summary := ".deactivate", "停用"
	if active {
		action, summary = ".activate", "启用"
	}
	return store.Audited(kind+action, fmt.Sprintf("%s:%d", kind, id), summary)
}

// inScope loads an object by id and checks that its region lies in the actor's
// subtree; outside it, the object is simply not found.
func inScope[T any](ctx context.Context, s *Service, p *auth.Principal, id int64, load func(context.Context, int64) (T, error), regionOf func(T) int64) (T, error) {
	v, err := load(ctx, id)
	if err != nil {
		return v, err
	}
	if _, err := s.regionInScope(ctx, p, regionOf(v), "id"); err != nil {
		return v, notFoundIfID(err)
	}
	return v, nil
}

// notFoundIfID turns "the object itself is outside scope or missing" into
// store.ErrNotFound, so a guessed id cannot tell the two apart.
func notFoundIfID(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) && fe.Field == "id" {
		return store.ErrNotFound
	}
	return err
}

// Regions lists the regions in the actor's subtree (any signed-in user may read the
// tree of their own subtree; pickers need it).
func (s *Service) Regions(ctx context.Context, p *auth.Principal, activeOnly bool) ([]model.Region, error) {
	return s.Store.Regions(ctx, store.RegionFilter{Within: p.Scope(), ActiveOnly: activeOnly})
}

// Region returns one region in the actor's subtree.
func (s *Service) Region(ctx context.Context, p *auth.Principal, id int64) (model.Region, error) {
	g, err := s.regionInScope(ctx, p, id, "id")
	return g, notFoundIfID(err)
}
