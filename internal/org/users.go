package org

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// UserInput is what an admin gives for a user. Password is required on create and,
// on update, changes the password only when given.
type UserInput struct {
	Username     string       `json:"username"`
	DisplayName  string       `json:"display_name"`
	Phone        string       `json:"phone"`
	Email        string       `json:"email"`
	RegionID     int64        `json:"region_id"`
	DepartmentID int64        `json:"department_id"`
	Roles        []model.Role `json:"roles"`
	Locale       string       `json:"locale"`
	Password     string       `json:"password"`
}

func (s *Service) checkUser(ctx context.Context, p *auth.Principal, in *UserInput) error {
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Phone = strings.TrimSpace(in.Phone)
	if err := model.CheckCode("username", in.Username, 40); err != nil {
		return err
	}
	if len(in.Username) < 3 {
		return model.Invalid("username", "too_short", "invalid.username.too_short")
	}
	if err := model.CheckName("display_name", in.DisplayName, 40); err != nil {
		return err
	}
	if in.Phone != "" {
		norm, err := model.NormalizePhone(in.Phone)
		if err != nil {
			return withField(err, "phone")
		}
		in.Phone = norm
	}
	in.Email = strings.TrimSpace(in.Email)
	if in.Email != "" {
		a, err := mail.ParseAddress(in.Email)
		if err != nil || a.Name != "" || len(in.Email) > 120 {
			return model.Invalid("email", "invalid", "invalid.email.invalid")
		}
	}
	if in.Locale == "" {
		in.Locale = model.Locales[0]
	}
	if !model.ValidLocale(in.Locale) {
		return model.Invalid("locale", "invalid", "invalid.locale.invalid")
	}
	if len(in.Roles) == 0 {
		return model.Invalid("roles", "required", "invalid.roles.required")
	}
	seen := map[model.Role]bool{}
	roles := in.Roles[:0]
	for _, r := range in.Roles {
		if !r.Valid() {
			return model.Invalid("roles", "invalid", "invalid.roles.unknown", string(r))
		}
		if !seen[r] {
			seen[r] = true
			roles = append(roles, r)
		}
	}
	in.Roles = roles
	if in.RegionID == 0 {
		return model.Invalid("region_id", "required", "invalid.own_region.required")
	}
	g, err := s.regionInScope(ctx, p, in.RegionID, "region_id")
	if err != nil {
		return err
	}
	if !g.Active {
		return model.Invalid("region_id", "inactive", "invalid.own_region.inactive")
	}
	if in.DepartmentID != 0 {
		d, err := s.Store.Department(ctx, in.DepartmentID)
		if errors.Is(err, store.ErrNotFound) {
			return model.Invalid("department_id", "not_found", "invalid.department_id.not_found")
		}
		if err != nil {
			return err
		}
		if d.RegionID != in.RegionID {
			return model.Invalid("department_id", "other_region", "invalid.department_id.other_region")
		}
		if !d.Active {
			return model.Invalid("department_id", "inactive", "invalid.department_id.inactive")
		}
	}
	if seen[model.RoleHandler] && in.DepartmentID == 0 {
		return model.Invalid("department_id", "required_for_handler", "invalid.department_id.required_for_handler")
	}
	return nil
}

func withField(err error, field string) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.WithField(field)
	}
	return err
}

// CreateUser adds a user in the admin's subtree.
func (s *Service) CreateUser(ctx context.Context, p *auth.Principal, in UserInput) (model.User, error) {
	if err := requireAdmin(p); err != nil {
		return model.User{}, err
	}
	if err := s.checkUser(ctx, p, &in); err != nil {
		return model.User{}, err
	}
	if err := auth.CheckPassword(in.Username, in.Password); err != nil {
		return model.User{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return model.User{}, err
	}
	u := model.User{Username: in.Username, DisplayName: in.DisplayName, Phone: in.Phone, Email: in.Email, RegionID: in.RegionID,
		DepartmentID: in.DepartmentID, Roles: in.Roles, Locale: in.Locale}
	audit := store.Audited("user.create", "user:"+in.Username, fmt.Sprintf("新增用户 %s（%s），区域 %d，部门 %d，角色 %v", in.Username, in.DisplayName, in.RegionID, in.DepartmentID, in.Roles))
	err = s.Store.CreateUser(ctx, audit, &u, hash)
	if errors.Is(err, store.ErrConflict) {
		return u, taken("username")
	}
	return u, err
}

// userInScope loads a user whose region lies in the actor's subtree.
func (s *Service) userInScope(ctx context.Context, p *auth.Principal, id int64) (model.User, error) {
	return inScope(ctx, s, p, id, s.Store.User, func(u model.User) int64 { return u.RegionID })
}

// User returns one user in the actor's subtree.
func (s *Service) User(ctx context.Context, p *auth.Principal, id int64) (model.User, error) {
	return s.userInScope(ctx, p, id)
}

// UpdateUser changes a user's profile, placement, roles and (when given) password.
// The user name is fixed: audit records name people by it.
func (s *Service) UpdateUser(ctx context.Context, p *auth.Principal, id int64, in UserInput) (model.User, error) {
	if err := requireAdmin(p); err != nil {
		return model.User{}, err
	}
	u, err := s.userInScope(ctx, p, id)
	if err != nil {
		return u, err
	}
	in.Username = u.Username
	if err := s.checkUser(ctx, p, &in); err != nil {
		return u, err
	}
	if id == p.User.ID && !containsRole(in.Roles, model.RoleAdmin) {
		return u, model.Invalid("roles", "own_admin", "invalid.roles.own_admin")
	}
	if in.Password != "" {
		if err := auth.CheckPassword(u.Username, in.Password); err != nil {
			return u, err
		}
	}
	summary := fmt.Sprintf("用户 %s：区域 %d→%d，部门 %d→%d，角色 %v→%v", u.Username, u.RegionID, in.RegionID, u.DepartmentID, in.DepartmentID, u.Roles, in.Roles)
	u.DisplayName, u.Phone, u.Email, u.RegionID, u.DepartmentID, u.Roles, u.Locale = in.DisplayName, in.Phone, in.Email, in.RegionID, in.DepartmentID, in.Roles, in.Locale
	if err := s.Store.UpdateUser(ctx, store.Audited("user.update", fmt.Sprintf("user:%d", id), summary), &u); err != nil {
		return u, err
	}
	if in.Password != "" {
		hash, err := auth.HashPassword(in.Password)
		if err != nil {
			return u, err
		}
		if err := s.Store.SetUserPassword(ctx, store.Audited("user.password", fmt.Sprintf("user:%d", id), "管理员重置密码"), id, hash); err != nil {
			return u, err
		}
	}
	return s.Store.User(ctx, id)
}

func containsRole(rs []model.Role, r model.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// SetUserActive deactivates or reactivates a user. Nobody deactivates themselves.
func (s *Service) SetUserActive(ctx context.Context, p *auth.Principal, id int64, active bool) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if _, err := s.userInScope(ctx, p, id); err != nil {
		return err
	}
	if !active && id == p.User.ID {
		return model.Invalid("active", "self", "invalid.user.self")
	}
	return s.Store.SetUserActive(ctx, auditSwitch("user", id, active), id, active)
}

// Unlock clears a locked account (after repeated wrong passwords), for an admin.
func (s *Service) Unlock(ctx context.Context, p *auth.Principal, a *auth.Service, id int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	u, err := s.userInScope(ctx, p, id)
	if err != nil {
		return err
	}
	return a.Unlock(ctx, store.Audited("user.unlock", fmt.Sprintf("user:%d", id), "解除锁定："+u.Username), id)
}

// Users lists the users in the actor's subtree.
func (s *Service) Users(ctx context.Context, p *auth.Principal, f store.UserFilter) ([]model.User, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	f.Within = p.Scope()
	return s.Store.Users(ctx, f)
}
