package cases

import (
	"context"
	"fmt"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// CanReveal reports whether p may see the full personal data of c's parties.
func CanReveal(p *auth.Principal, c *model.Case) bool {
	return inScope(scopeFor(p, auth.PermPersonalReveal), c)
}

// Reveal returns one party of a case with its full ID number and phone, for a role
// that needs them, and audits the view (个人信息保护法 Art 28: sensitive data, need to
// know, every access on record).
func (s *Service) Reveal(ctx context.Context, p *auth.Principal, caseID, partyID int64) (model.Party, error) {
	c, err := s.Get(ctx, p, caseID)
	if err != nil {
		return model.Party{}, err
	}
	if err := p.Require(auth.PermPersonalReveal); err != nil || !CanReveal(p, &c) {
		return model.Party{}, auth.ErrForbidden
	}
	for _, party := range c.Parties {
		if party.ID == partyID {
			summary := fmt.Sprintf("查看当事人%s的完整证件号码和电话", party.Name)
			if err := s.Store.Audit(ctx, "personal.reveal", fmt.Sprintf("case:%d/party:%d", caseID, partyID), summary); err != nil {
				return model.Party{}, err
			}
			return party, nil
		}
	}
	return model.Party{}, store.ErrNotFound
}
