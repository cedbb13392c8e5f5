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

// DepartmentInput is what an admin gives for a department.
type DepartmentInput struct {
	RegionID int64  `json:"region_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
}

func (in *DepartmentInput) check() error {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	if err := model.CheckCode("code", in.Code, 40); err != nil {
		return err
	}
	return model.CheckName("name", in.Name, 60)
}

// CreateDepartment adds a department at a region in the admin's subtree.
func (s *Service) CreateDepartment(ctx context.Context, p *auth.Principal, in DepartmentInput) (model.Department, error) {
	if err := requireAdmin(p); err != nil {
		return model.Department{}, err
	}
	if err := in.check(); err != nil {
		return model.Department{}, err
	}
	if in.RegionID == 0 {
		return model.Department{}, model.Invalid("region_id", "required", "invalid.own_region.required")
	}
	if _, err := s.regionInScope(ctx, p, in.RegionID, "region_id"); err != nil {
		return model.Department{}, err
	}
	d := model.Department{RegionID: in.RegionID, Code: in.Code, Name: in.Name}
	audit := store.Audited("department.create", "department:"+in.Code, fmt.Sprintf("新增部门 %s（%s），区域 %d", in.Name, in.Code, in.RegionID))
	err := s.Store.CreateDepartment(ctx, audit, &d)
	if errors.Is(err, store.ErrConflict) {
		return d, taken("code")
	}
	return d, err
}

// departmentInScope loads a department whose region lies in the actor's subtree.
func (s *Service) departmentInScope(ctx context.Context, p *auth.Principal, id int64) (model.Department, error) {
	return inScope(ctx, s, p, id, s.Store.Department, func(d model.Department) int64 { return d.RegionID })
}

// Department returns one department in the actor's subtree.
func (s *Service) Department(ctx context.Context, p *auth.Principal, id int64) (model.Department, error) {
	return s.departmentInScope(ctx, p, id)
}

// UpdateDepartment renames a department or corrects its code.
func (s *Service) UpdateDepartment(ctx context.Context, p *auth.Principal, id int64, in DepartmentInput) (model.Department, error) {
	if err := requireAdmin(p); err != nil {
		return model.Department{}, err
	}
	old, err := s.departmentInScope(ctx, p, id)
	if err != nil {
		return model.Department{}, err
	}
	if err := in.check(); err != nil {
		return model.Department{}, err
	}
	audit := store.Audited("department.update", fmt.Sprintf("department:%d", id), fmt.Sprintf("部门 %s（%s）改为 %s（%s）", old.Name, old.Code, in.Name, in.Code))
	return updated(ctx, s.Store.UpdateDepartment(ctx, audit, id, in.Code, in.Name), "code", id, s.Store.Department)
}

// SetDepartmentActive deactivates or reactivates a department.
func (s *Service) SetDepartmentActive(ctx context.Context, p *auth.Principal, id int64, active bool) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if _, err := s.departmentInScope(ctx, p, id); err != nil {
		return err
	}
	return s.Store.SetDepartmentActive(ctx, auditSwitch("department", id, active), id, active)
}

// Departments lists the departments in the actor's subtree.
func (s *Service) Departments(ctx context.Context, p *auth.Principal, activeOnly bool) ([]model.Department, error) {
	return s.Store.Departments(ctx, store.DepartmentFilter{Within: p.Scope(), ActiveOnly: activeOnly})
}
