package org

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
)

// ScreenTokenPrefix starts every screen token, so that one is recognised when it
// turns up (in a log, in a browser's history) for what it is.
const ScreenTokenPrefix = "ods_"

// ScreenInput is what an admin gives for a hall screen: a name (where it hangs), the
// region whose subtree it shows, and the figure its map is coloured by.
type ScreenInput struct {
	Name     string `json:"name"`
	RegionID int64  `json:"region_id"`
	Figure   string `json:"figure"`
}

// ScreenFigures are the figures a screen's map may be coloured by: those a region
// comparison row holds.
var ScreenFigures = report.RegionColumns

// IssueScreenToken issues a token for a hall screen bound to a region of the admin's
// subtree. The token is returned once and only its hash is kept.
func (s *Service) IssueScreenToken(ctx context.Context, p *auth.Principal, in ScreenInput) (string, store.ScreenToken, error) {
	if err := requireAdmin(p); err != nil {
		return "", store.ScreenToken{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := model.CheckName("name", in.Name, 60); err != nil {
		return "", store.ScreenToken{}, err
	}
	if in.RegionID == 0 {
		return "", store.ScreenToken{}, model.Invalid("region_id", "required", "invalid.region_id.required")
	}
	g, err := s.regionInScope(ctx, p, in.RegionID, "region_id")
	if err != nil {
		return "", store.ScreenToken{}, err
	}
	if in.Figure == "" {
		in.Figure = "intake"
	}
	if !contains(ScreenFigures, in.Figure) {
		return "", store.ScreenToken{}, model.Invalid("figure", "invalid", "invalid.screen.figure")
	}
	tok := ScreenTokenPrefix + auth.NewToken()
	t := store.ScreenToken{Name: in.Name, RegionID: g.ID, Figure: in.Figure, CreatedBy: p.User.ID, Prefix: tok[:len(ScreenTokenPrefix)+6]}
	audit := store.Audited("screen.issue", fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("签发大屏令牌「%s」，显示%s", in.Name, g.Name))
	err = s.Store.CreateScreenToken(ctx, audit, &t, auth.HashToken(tok))
	return tok, t, err
}

// ScreenTokens lists the screen tokens of the admin's subtree, newest first.
func (s *Service) ScreenTokens(ctx context.Context, p *auth.Principal) ([]store.ScreenToken, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	return s.Store.ScreenTokens(ctx, p.Scope())
}

// RevokeScreenToken revokes a screen token of the admin's subtree: the screen showing
// it is refused at its next refresh.
func (s *Service) RevokeScreenToken(ctx context.Context, p *auth.Principal, id int64) error {
	toks, err := s.ScreenTokens(ctx, p)
	if err != nil {
		return err
	}
	for _, t := range toks {
		if t.ID == id {
			return s.Store.RevokeScreenToken(ctx, store.Audited("screen.revoke", fmt.Sprintf("screen:%d", id), "吊销大屏令牌「"+t.Name+"」"), id)
		}
	}
	return store.ErrNotFound
}

// ErrBadScreenToken is a screen token that is unknown, revoked, or whose region was
// switched off.
var ErrBadScreenToken = auth.ErrBadToken

// Screen recognises a hall screen by its token: the token and a principal that
// reads what a viewer (领导查看) of its region reads — the figures, within the
// region's subtree and nothing else.
func (s *Service) Screen(ctx context.Context, tok string, now time.Time) (store.ScreenToken, *auth.Principal, error) {
	if !strings.HasPrefix(tok, ScreenTokenPrefix) {
		return store.ScreenToken{}, nil, ErrBadScreenToken
	}
	t, err := s.Store.ScreenTokenByHash(ctx, auth.HashToken(tok))
	if errors.Is(err, store.ErrNotFound) {
		return t, nil, ErrBadScreenToken
	}
	if err != nil {
		return t, nil, err
	}
	g, err := s.Store.Region(ctx, t.RegionID)
	if err != nil {
		return t, nil, err
	}
	if !g.Active {
		return t, nil, ErrBadScreenToken
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		_ = s.Store.TouchScreenToken(ctx, t.ID, now)
	}
	p := &auth.Principal{User: model.User{Username: "screen:" + t.Prefix, DisplayName: t.Name, RegionID: g.ID,
		Roles: []model.Role{model.RoleViewer}, Active: true}, Region: g, ViaToken: true}
	return t, p, nil
}

// SetOutline checks and stores the outline of a region of the admin's subtree, for
// the screen's map.
func (s *Service) SetOutline(ctx context.Context, p *auth.Principal, regionID int64, geojson []byte) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	if regionID == 0 {
		return model.Invalid("region_id", "required", "invalid.region_id.required")
	}
	g, err := s.regionInScope(ctx, p, regionID, "region_id")
	if err != nil {
		return err
	}
	geo, err := model.ParseOutline(geojson)
	if err != nil {
		return err
	}
	audit := store.Audited("region.outline", fmt.Sprintf("region:%d", g.ID), "上传区域轮廓："+g.Name)
	return s.Store.SetRegionOutline(ctx, audit, g.ID, p.User.ID, geo)
}

// DeleteOutline removes a region's outline.
func (s *Service) DeleteOutline(ctx context.Context, p *auth.Principal, regionID int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	g, err := s.regionInScope(ctx, p, regionID, "id")
	if err != nil {
		return notFoundIfID(err) // a region out of reach looks like none
	}
	return s.Store.DeleteRegionOutline(ctx, store.Audited("region.outline_delete", fmt.Sprintf("region:%d", g.ID), "删除区域轮廓："+g.Name), g.ID)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
