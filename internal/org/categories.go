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

// CategoryInput is what an admin gives for a category.
type CategoryInput struct {
	Kind      model.CaseKind `json:"kind"`
	ParentID  int64          `json:"parent_id"`
	Code      string         `json:"code"`
	Name      string         `json:"name"`
	SortOrder int            `json:"sort_order"`
}

func (in *CategoryInput) check() error {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	if err := model.CheckCode("code", in.Code, 40); err != nil {
		return err
	}
	if err := model.CheckName("name", in.Name, 30); err != nil {
		return err
	}
	if in.SortOrder < 0 || in.SortOrder > 9999 {
		return model.Invalid("sort_order", "range", "invalid.sort_order.range")
	}
	return nil
}

// requireDictionaryAdmin: the category dictionary serves the whole deployment, so only
// an admin at the top of the region tree changes it.
func requireDictionaryAdmin(p *auth.Principal) error { return p.Require(auth.PermDictionary) }

// CreateCategory adds a category to the dictionary.
func (s *Service) CreateCategory(ctx context.Context, p *auth.Principal, in CategoryInput) (model.Category, error) {
	if err := requireDictionaryAdmin(p); err != nil {
		return model.Category{}, err
	}
	if !in.Kind.Valid() {
		return model.Category{}, model.Invalid("kind", "invalid", "invalid.kind.invalid")
	}
	if err := in.check(); err != nil {
		return model.Category{}, err
	}
	c := model.Category{Kind: in.Kind, ParentID: in.ParentID, Code: in.Code, Name: in.Name, SortOrder: in.SortOrder}
	audit := store.Audited("category.create", "category:"+in.Code, "新增分类 "+in.Name)
	err := s.Store.CreateCategory(ctx, audit, &c)
	switch {
	case errors.Is(err, store.ErrConflict):
		return c, taken("code")
	case errors.Is(err, store.ErrNotFound):
		return c, model.Invalid("parent_id", "not_found", "invalid.parent_category.not_found")
	}
	return c, err
}

// UpdateCategory changes a category's code, name and order; its kind and parent stay.
func (s *Service) UpdateCategory(ctx context.Context, p *auth.Principal, id int64, in CategoryInput) (model.Category, error) {
	if err := requireDictionaryAdmin(p); err != nil {
		return model.Category{}, err
	}
	if err := in.check(); err != nil {
		return model.Category{}, err
	}
	audit := store.Audited("category.update", fmt.Sprintf("category:%d", id), fmt.Sprintf("分类改为 %s（%s），排序 %d", in.Name, in.Code, in.SortOrder))
	return updated(ctx, s.Store.UpdateCategory(ctx, audit, id, in.Code, in.Name, in.SortOrder), "code", id, s.Store.Category)
}

// SetCategoryActive deactivates or reactivates a category.
func (s *Service) SetCategoryActive(ctx context.Context, p *auth.Principal, id int64, active bool) error {
	if err := requireDictionaryAdmin(p); err != nil {
		return err
	}
	return s.Store.SetCategoryActive(ctx, auditSwitch("category", id, active), id, active)
}
