package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// Timeline actions of linking (outside the workflow: a link changes no state).
const (
	ActionLink   = "link"
	ActionUnlink = "unlink"
)

// MaxLinkNote is how long a link's reason may be.
const MaxLinkNote = 200

// LinkInput links the case to the one whose tracking code is given.
type LinkInput struct {
	TrackingCode string         `json:"tracking_code"`
	Kind         model.LinkKind `json:"kind"`
	Note         string         `json:"note"`
}

// LinkView is a link as one reader sees it from one case. A link to a case outside
// the reader's scope says only that it exists and why in kind: not which case, nor
// the words of its reason, which may speak of that case.
type LinkView struct {
	ID        int64          `json:"id"`
	Kind      model.LinkKind `json:"kind"`
	Outgoing  bool           `json:"outgoing"` // made on this case, naming the other
	CreatedAt time.Time      `json:"created_at"`
	Visible   bool           `json:"visible"` // the reader sees the other case
	Note      string         `json:"note,omitempty"`
	// The other case, when Visible.
	CaseID       int64  `json:"case_id,omitempty"`
	TrackingCode string `json:"tracking_code,omitempty"`
	Title        string `json:"title,omitempty"`
	State        string `json:"state,omitempty"`
}

// Link links case caseID, which p sees, to the case p names by its tracking code and
// sees too, both ways, with a reason: an event on each case's timeline.
func (s *Service) Link(ctx context.Context, p *auth.Principal, caseID int64, in LinkInput) (model.CaseLink, error) {
	if err := p.Require(auth.PermCasesLink); err != nil {
		return model.CaseLink{}, err
	}
	here, err := s.Get(ctx, p, caseID)
	if err != nil {
		return model.CaseLink{}, err
	}
	code := strings.ToUpper(strings.TrimSpace(in.TrackingCode))
	if code == "" {
		return model.CaseLink{}, model.Invalid("tracking_code", "required", "invalid.link.tracking_code_required")
	}
	if !in.Kind.Valid() {
		return model.CaseLink{}, model.Invalid("kind", "invalid", "invalid.link.kind")
	}
	note, err := cleanText("note", in.Note, MaxLinkNote, in.Kind.NeedsNote())
	if err != nil {
		return model.CaseLink{}, err
	}
	found, err := s.Store.Cases(ctx, store.CaseFilter{TrackingCode: code, Limit: 1}, ScopeOf(p))
	if err != nil {
		return model.CaseLink{}, err
	}
	if len(found) == 0 {
		return model.CaseLink{}, model.Invalid("tracking_code", "not_found", "invalid.link.not_found")
	}
	there := found[0]
	if there.ID == here.ID {
		return model.CaseLink{}, model.Invalid("tracking_code", "self", "invalid.link.self")
	}
	now := s.Now().UTC()
	l := model.CaseLink{FromCase: here.ID, ToCase: there.ID, Kind: in.Kind, Note: note, CreatedBy: p.User.ID, CreatedAt: now}
	audit := store.Audited("case.link", fmt.Sprintf("case:%d", here.ID), fmt.Sprintf("关联案件 case:%d（%s）", there.ID, in.Kind))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		both, err := lockPair(ctx, tx, here.ID, there.ID)
		if err != nil {
			return err
		}
		for _, id := range []int64{here.ID, there.ID} {
			if n, err := tx.CountLinks(ctx, id); err != nil {
				return err
			} else if n >= store.MaxCaseLinks {
				return model.Invalid("tracking_code", "too_many", "invalid.link.too_many", store.MaxCaseLinks)
			}
		}
		if err := tx.InsertLink(ctx, &l); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return model.Invalid("tracking_code", "linked", "invalid.link.linked")
			}
			return err
		}
		return linkEvents(ctx, tx, p, both, l, ActionLink, now)
	})
	return l, err
}

// Unlink takes back link linkID of case caseID, which p sees: a link made in error.
func (s *Service) Unlink(ctx context.Context, p *auth.Principal, caseID, linkID int64) error {
	if err := p.Require(auth.PermCasesLink); err != nil {
		return err
	}
	if _, err := s.Get(ctx, p, caseID); err != nil {
		return err
	}
	now := s.Now().UTC()
	audit := store.Audited("case.unlink", fmt.Sprintf("case:%d", caseID), fmt.Sprintf("取消关联（关联 %d）", linkID))
	return s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		l, err := tx.LinkOf(ctx, caseID, linkID)
		if err != nil {
			return err
		}
		both, err := lockPair(ctx, tx, l.FromCase, l.ToCase)
		if err != nil {
			return err
		}
		if err := tx.RemoveLink(ctx, l.ID, p.User.ID, now); err != nil {
			return err
		}
		return linkEvents(ctx, tx, p, both, l, ActionUnlink, now)
	})
}

// lockPair locks two cases for update, the lower id first: two links made at once
// between the same cases lock them in the same order, and the link's row, which
// refers to both, is written after.
func lockPair(ctx context.Context, tx *store.Tx, a, b int64) ([]model.Case, error) {
	var both []model.Case
	for _, id := range []int64{min(a, b), max(a, b)} {
		c, err := tx.CaseForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		both = append(both, c)
	}
	return both, nil
}

// linkEvents writes action's event on both cases of a link, locked (lockPair). The
// event names neither the other case nor the reason's words: a reader of one case may
// not see the other.
func linkEvents(ctx context.Context, tx *store.Tx, p *auth.Principal, both []model.Case, l model.CaseLink, action string, now time.Time) error {
	payload, _ := json.Marshal(map[string]any{"link_id": l.ID, "kind": l.Kind})
	for i := range both {
		c := &both[i]
		ev := model.CaseEvent{CaseID: c.ID, ActorID: p.User.ID, At: now, Action: action, FromState: c.State, ToState: c.State,
			Note: linkKindLabel(l.Kind), Payload: payload}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// linkKindLabel words a link's kind for the timeline's note.
func linkKindLabel(k model.LinkKind) string {
	switch k {
	case model.LinkLegalAid:
		return "法律援助案件"
	case model.LinkEarlier:
		return "既往投诉"
	case model.LinkLitigation:
		return "移送法院（诉讼）"
	case model.LinkSameMatter:
		return "同一事项"
	}
	return "其他关联"
}

// Links lists c's links as p sees them (LinkView), oldest first.
func (s *Service) Links(ctx context.Context, p *auth.Principal, c *model.Case) ([]LinkView, error) {
	links, err := s.Store.CaseLinks(ctx, c.ID)
	if err != nil || len(links) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(links))
	for _, l := range links {
		ids = append(ids, l.Other(c.ID))
	}
	sees, err := s.Store.CasesIn(ctx, ids, ScopeOf(p))
	if err != nil {
		return nil, err
	}
	out := make([]LinkView, 0, len(links))
	for _, l := range links {
		v := LinkView{ID: l.ID, Kind: l.Kind, Outgoing: l.FromCase == c.ID, CreatedAt: l.CreatedAt}
		if other := l.Other(c.ID); sees[other] {
			o, err := s.Store.Case(ctx, other, ScopeOf(p))
			if err != nil {
				return nil, err
			}
			v.Visible, v.Note, v.CaseID, v.TrackingCode, v.Title, v.State = true, l.Note, o.ID, o.TrackingCode, o.Title, o.State
		}
		out = append(out, v)
	}
	return out, nil
}
