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

// TokenInput is what an admin gives to issue an API token: a name that says which
// system uses it, and the user whose rights it carries.
type TokenInput struct {
	Name   string `json:"name"`
	UserID int64  `json:"user_id"`
}

// IssueToken creates an API token acting as a user in the admin's subtree. The token
// is returned once; only its hash is kept.
func (s *Service) IssueToken(ctx context.Context, p *auth.Principal, a *auth.Service, in TokenInput) (string, store.APIToken, error) {
	if err := requireAdmin(p); err != nil {
		return "", store.APIToken{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := model.CheckName("name", in.Name, 60); err != nil {
		return "", store.APIToken{}, err
	}
	if in.UserID == 0 {
		return "", store.APIToken{}, model.Invalid("user_id", "required", "invalid.token_user.required")
	}
	u, err := s.userInScope(ctx, p, in.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", store.APIToken{}, model.Invalid("user_id", "not_found", "invalid.token_user.not_found")
	}
	if err != nil {
		return "", store.APIToken{}, err
	}
	if !u.Active {
		return "", store.APIToken{}, model.Invalid("user_id", "inactive", "invalid.token_user.inactive")
	}
	audit := store.Audited("token.issue", fmt.Sprintf("user:%d", u.ID), fmt.Sprintf("签发接口令牌「%s」，代表 %s", in.Name, u.Username))
	return a.IssueAPIToken(ctx, audit, in.Name, u.ID, p.User.ID)
}

// Tokens lists the tokens acting as users in the admin's subtree.
func (s *Service) Tokens(ctx context.Context, p *auth.Principal) ([]store.APIToken, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	all, err := s.Store.APITokens(ctx)
	if err != nil {
		return nil, err
	}
	inScope, err := s.Store.Users(ctx, store.UserFilter{Within: p.Scope()})
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, u := range inScope {
		ids[u.ID] = true
	}
	var out []store.APIToken
	for _, t := range all {
		if ids[t.UserID] {
			out = append(out, t)
		}
	}
	return out, nil
}

// RevokeToken revokes a token acting as a user in the admin's subtree.
func (s *Service) RevokeToken(ctx context.Context, p *auth.Principal, id int64) error {
	toks, err := s.Tokens(ctx, p)
	if err != nil {
		return err
	}
	for _, t := range toks {
		if t.ID == id {
			return s.Store.RevokeAPIToken(ctx, store.Audited("token.revoke", fmt.Sprintf("token:%d", id), "吊销接口令牌「"+t.Name+"」"), id)
		}
	}
	return store.ErrNotFound
}
