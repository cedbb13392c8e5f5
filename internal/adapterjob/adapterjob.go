// Package adapterjob connects onedoor to the platforms whose work orders it receives
// (12345 hotlines, the 信访 information system): it registers their orders as cases
// — pushed to it, signed, or polled from them on a schedule — parks an order whose
// codes its platform's mapping does not know until the administrator maps them, and
// queues the status of each case back to its platform through the outbox, retried
// until the platform acknowledges it. What an order means is internal/adapters's.
package adapterjob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Service receives, polls and answers platforms.
type Service struct {
	Store  *store.Store
	Cases  *cases.Service
	Client *http.Client // for polls and push-backs; a 15 s timeout when nil
	Now    func() time.Time
	Log    *slog.Logger
}

// New returns the service over st and cs, with the real clock.
func New(st *store.Store, cs *cases.Service, log *slog.Logger) *Service {
	return &Service{Store: st, Cases: cs, Now: time.Now, Log: log}
}

func (s *Service) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 15 * time.Second}
}

// Receipt is what became of an order.
type Receipt struct {
	ExternalID   string              `json:"external_id"`
	State        string              `json:"state"` // registered, parked
	CaseID       int64               `json:"case_id,omitempty"`
	TrackingCode string              `json:"tracking_code,omitempty"`
	Existing     bool                `json:"existing"` // received before: nothing was added
	Unmapped     []adapters.Unmapped `json:"unmapped,omitempty"`
}

// Receive takes one order of platform p, its JSON as the platform sent it: a case when
// its codes are mapped, else parked (待映射). The same order received again adds
// nothing and answers as the first time did.
func (s *Service) Receive(ctx context.Context, p store.Platform, raw []byte) (Receipt, error) {
	m, err := adapters.ParseMapping(p.Mapping)
	if err != nil {
		return Receipt{}, err
	}
	o, err := adapters.ParseOrder(raw, m)
	if err != nil {
		return Receipt{}, err
	}
	prev, err := s.Store.PlatformOrder(ctx, p.ID, o.ExternalID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		prev = store.PlatformOrder{}
	case err != nil:
		return Receipt{}, err
	case prev.State == store.OrderRegistered:
		return Receipt{ExternalID: o.ExternalID, State: prev.State, CaseID: prev.CaseID, TrackingCode: prev.TrackingCode, Existing: true}, nil
	}
	return s.take(ctx, p, m, o, raw, prev)
}

// known answers an order registered already.
func (s *Service) known(ctx context.Context, p store.Platform, externalID string) (Receipt, bool, error) {
	prev, err := s.Store.PlatformOrder(ctx, p.ID, externalID)
	if errors.Is(err, store.ErrNotFound) {
		return Receipt{}, false, nil
	}
	if err != nil || prev.State != store.OrderRegistered {
		return Receipt{}, false, err
	}
	return Receipt{ExternalID: externalID, State: prev.State, CaseID: prev.CaseID, TrackingCode: prev.TrackingCode, Existing: true}, true, nil
}

// take registers or parks an order not registered yet.
// prev is the order's parked row, or the zero order.
func (s *Service) take(ctx context.Context, p store.Platform, m adapters.Mapping, o adapters.Order, raw []byte, prev store.PlatformOrder) (Receipt, error) {
	cat, region, missing, err := s.resolve(ctx, m, o)
	if err != nil {
		return Receipt{}, err
	}
	ctx = store.WithActor(ctx, store.Actor{Name: "工单平台 " + p.Name, IP: store.ActorFrom(ctx).IP})
	if len(missing) > 0 {
		problems, _ := json.Marshal(missing)
		if prev.State == store.OrderParked && prev.Problems == string(problems) && prev.Payload == string(raw) {
			// Parked already, for the same codes: sent again, or retried before
			// they were mapped. Nothing new to record.
			return Receipt{ExternalID: o.ExternalID, State: store.OrderParked, Unmapped: missing, Existing: true}, nil
		}
		po := store.PlatformOrder{PlatformID: p.ID, ExternalID: o.ExternalID, Payload: string(raw), Problems: string(problems), ReceivedAt: s.Now().UTC()}
		err := s.Store.ParkPlatformOrder(ctx, store.Audited("platform.park", "platform_order:new",
			fmt.Sprintf("%s 工单 %s 待映射：%s", p.Name, o.ExternalID, describe(missing))), &po)
		if errors.Is(err, store.ErrConflict) {
			return s.registeredMeanwhile(ctx, p, o.ExternalID, err)
		}
		return Receipt{ExternalID: o.ExternalID, State: store.OrderParked, Unmapped: missing}, err
	}
	in := cases.PublicInput{Kind: cat.Kind, CategoryID: cat.ID, Channel: adapters.Channel(p.Kind), RegionID: region.ID, Address: o.Address,
		Title: o.Title, Description: o.Description, Name: o.CallerName, Phone: o.CallerPhone}
	po := store.PlatformOrder{PlatformID: p.ID, ExternalID: o.ExternalID, Payload: string(raw)}
	c, err := s.Cases.RegisterOrder(ctx, in, "platform:"+p.Name, "platform.import", func(tx *store.Tx, c *model.Case) error {
		return tx.RegisterPlatformOrder(ctx, &po, c.ID, c.CreatedAt)
	})
	if errors.Is(err, store.ErrConflict) {
		return s.registeredMeanwhile(ctx, p, o.ExternalID, err)
	}
	if err != nil {
		return Receipt{}, orderField(err, m)
	}
	return Receipt{ExternalID: o.ExternalID, State: store.OrderRegistered, CaseID: c.ID, TrackingCode: c.TrackingCode}, nil
}

// registeredMeanwhile answers an order that another request (a push and a poll at
// once, another node) registered while this one was at it.
func (s *Service) registeredMeanwhile(ctx context.Context, p store.Platform, externalID string, cause error) (Receipt, error) {
	r, ok, err := s.known(ctx, p, externalID)
	if err != nil {
		return r, err
	}
	if !ok {
		return r, cause
	}
	return r, nil
}

// resolve finds our category and region for an order's codes. A code its mapping
// does not know, or maps to a category or region that is no more (or inactive), is
// missing: nothing is guessed.
func (s *Service) resolve(ctx context.Context, m adapters.Mapping, o adapters.Order) (model.Category, model.Region, []adapters.Unmapped, error) {
	catCode, regionCode, missing := m.Resolve(o)
	var cat model.Category
	var region model.Region
	if catCode != "" {
		var ok bool
		var err error
		if cat, ok, err = s.categoryByCode(ctx, catCode); err != nil {
			return cat, region, nil, err
		} else if !ok {
			missing = append(missing, adapters.Unmapped{Field: adapters.FieldCategory, Value: o.Category})
		}
	}
	if regionCode != "" {
		var err error
		region, err = s.Store.RegionByCode(ctx, regionCode)
		if errors.Is(err, store.ErrNotFound) || err == nil && !region.Active {
			missing = append(missing, adapters.Unmapped{Field: adapters.FieldRegion, Value: o.Region})
		} else if err != nil {
			return cat, region, nil, err
		}
	}
	return cat, region, missing, nil
}

// categoryByCode is the active category of that code.
func (s *Service) categoryByCode(ctx context.Context, code string) (model.Category, bool, error) {
	all, err := s.Store.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		return model.Category{}, false, err
	}
	for _, c := range all {
		if c.Code == code && c.Active {
			return c, true, nil
		}
	}
	return model.Category{}, false, nil
}

// orderField points a field error of the case at the order's member it came from:
// a caller's phone the case refuses is the platform's "lxdh".
func orderField(err error, m adapters.Mapping) error {
	var fe *model.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	field := map[string]string{"phone": adapters.FieldCallerPhone, "name": adapters.FieldCallerName, "description": adapters.FieldDescription,
		"title": adapters.FieldTitle, "address": adapters.FieldAddress}[fe.Field]
	if path := m.Fields[field]; path != "" {
		return fe.WithField("order." + path)
	}
	return err
}

// describe lists unmapped codes for the audit log: "分类 0399、区划 620199".
func describe(missing []adapters.Unmapped) string {
	parts := make([]string, len(missing))
	for i, u := range missing {
		name := "分类"
		if u.Field == adapters.FieldRegion {
			name = "区划"
		}
		parts[i] = name + " " + u.Value
	}
	return strings.Join(parts, "、")
}

// Acted is cases.Service.Acted: an action a platform's case's platform is told of
// (受理, 不予受理, 办结 with its outcome and reply, 回访) is queued to it in the outbox,
// in the action's transaction. The reply passes the one masking rule.
func (s *Service) Acted(ctx context.Context, tx *store.Tx, c *model.Case, ev model.CaseEvent) error {
	if c.Channel != model.ChannelHotline && c.Channel != model.ChannelXinfang || adapters.StatusOf(workflow.Action(ev.Action)) == "" {
		return nil
	}
	origin, err := tx.CaseOrigin(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // registered by hand from a call, not from a platform's order
	}
	if err != nil || origin.PushURL == "" {
		return err
	}
	priv, err := tx.CasePrivate(ctx, c.ID)
	if err != nil {
		return err
	}
	pb, _ := adapters.NewPushBack(origin.ExternalID, c.ID, ev, workflow.Outcome(c.Outcome), c.Satisfaction, priv)
	return tx.InsertOutbox(ctx, &store.OutboxItem{Channel: OutboxChannel, Recipient: Recipient(origin.PlatformID), Subject: subject(c.ID),
		Body: string(pb.JSON()), CreatedAt: ev.At, NextAttemptAt: ev.At})
}

// OutboxChannel is the outbox channel of push-backs; their recipient is
// Recipient(platform id), their subject the case, so that a case's push-backs are
// delivered in the order they were queued (PushChannel).
const OutboxChannel = "platform"

// subject names a case's push-backs in the outbox.
func subject(caseID int64) string { return fmt.Sprintf("case:%d", caseID) }

// Recipient names a platform as an outbox recipient.
func Recipient(platformID int64) string { return fmt.Sprintf("platform:%d", platformID) }
