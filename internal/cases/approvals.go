package cases

import (
	"context"
	"fmt"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/store"
)

// approvalsShown bounds each list of the 待审批 page; the badge counts them all.
const approvalsShown = 100

// Approvals lists what waits on leader p (待审批): extension requests to decide,
// answers to supervision orders to read, orange and red warnings still to respond to.
func (s *Service) Approvals(ctx context.Context, p *auth.Principal) (store.Approvals, error) {
	if err := p.Require(auth.PermApprovals); err != nil {
		return store.Approvals{}, err
	}
	return s.Store.PendingApprovals(ctx, p.User.ID, p.Region.Path, approvalsShown)
}

// ApprovalCounts counts Approvals for the navigation's badge; nothing for those who
// approve nothing.
func (s *Service) ApprovalCounts(ctx context.Context, p *auth.Principal) (store.ApprovalCounts, error) {
	if !p.Can(auth.PermApprovals) {
		return store.ApprovalCounts{}, nil
	}
	return s.Store.CountApprovals(ctx, p.User.ID, p.Region.Path)
}

// ReviewReply records that leader p has read the answer to supervision order id (阅知),
// which takes it off their queue.
func (s *Service) ReviewReply(ctx context.Context, p *auth.Principal, id int64) error {
	if err := p.Require(auth.PermApprovals); err != nil {
		return err
	}
	return s.Store.InTx(ctx, store.Audited("case.supervise_review", fmt.Sprintf("supervision:%d", id), "阅知督办回复"), func(tx *store.Tx) error {
		ok, err := tx.ReviewReply(ctx, id, p.User.ID, p.Region.Path, s.Now())
		if err == nil && !ok {
			err = store.ErrNotFound
		}
		return err
	})
}
