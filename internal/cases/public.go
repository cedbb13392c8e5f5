package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// MaxPublicPhotos bounds the photos of one public submission (随手拍).
const MaxPublicPhotos = 6

// Upload is a file sent with a submission.
type Upload struct {
	Name string
	Data []byte
}

// PublicInput is what a citizen submits without an account, through the public
// portal or an Open311 client: what happened and where, and how to reach them.
type PublicInput struct {
	Kind        model.CaseKind `json:"kind"`
	CategoryID  int64          `json:"category_id"`
	Channel     model.Channel  `json:"channel"` // portal, photo or open311
	RegionID    int64          `json:"region_id"`
	Address     string         `json:"address"`
	Lat         *float64       `json:"lat"`
	Lng         *float64       `json:"lng"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Name        string         `json:"name"`      // optional: 群众 when left out
	Phone       string         `json:"phone"`     // required: the centre calls back, the citizen tracks with its last 4 digits
	IDNumber    string         `json:"id_number"` // optional
	Photos      []Upload       `json:"-"`
}

// sourceLabel names where a submission came from, for the audit log: the public portal,
// or Open311 with the name of the token it came with ("open311:12345 热线").
func sourceLabel(source string) string {
	if name, ok := strings.CutPrefix(source, "open311:"); ok {
		return "Open311 接口 " + name
	}
	if source == "portal" {
		return "群众端"
	}
	if name, ok := strings.CutPrefix(source, "platform:"); ok {
		return "工单平台 " + name
	}
	return source
}

// publicChannels are the channels a submission without an account may come by.
var publicChannels = []model.Channel{model.ChannelPortal, model.ChannelPhoto, model.ChannelOpen311}

// A client filing for a citizen is refused with these (both are auth.ErrForbidden).
var (
	ErrMayNotRegister   = fmt.Errorf("%w: %s", auth.ErrForbidden, auth.PermCasesRegister)
	ErrRegionOutOfScope = fmt.Errorf("%w: the place lies outside the area where the user may register cases", auth.ErrForbidden)
)

// RegisterFor registers a citizen's submission that a client files with an API token
// acting as p (an Open311 integration). A token can do no more than its user can
// today: p must hold cases.register, and the place must lie inside the area where
// they hold it — as at the intake desk. The case is then taken as RegisterPublic takes
// it.
func (s *Service) RegisterFor(ctx context.Context, p *auth.Principal, in PublicInput, source string) (model.Case, error) {
	scope := scopeFor(p, auth.PermCasesRegister)
	if scope.RegionPath == "" {
		return model.Case{}, ErrMayNotRegister
	}
	region, err := s.Store.Region(ctx, in.RegionID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return model.Case{}, err
	}
	if err == nil && !strings.HasPrefix(region.Path, scope.RegionPath) {
		return model.Case{}, ErrRegionOutOfScope
	}
	return s.RegisterPublic(ctx, in, source)
}

// RegisterPublic registers a citizen's submission as a new case waiting at the
// centre nearest to the place that has clerks to take it (a village's report goes to
// its township's centre when the village has no clerk), with its photos, and tells
// that centre's clerks. source names the door in the audit log ("portal",
// "open311:<client>").
func (s *Service) RegisterPublic(ctx context.Context, in PublicInput, source string) (model.Case, error) {
	if in.Channel == "" {
		in.Channel = model.ChannelPortal
	}
	if !slices.Contains(publicChannels, in.Channel) {
		return model.Case{}, model.Invalid("channel", "invalid", "invalid.channel.not_public")
	}
	if strings.TrimSpace(in.Phone) == "" {
		return model.Case{}, model.Invalid("phone", "required", "invalid.phone.required")
	}
	return s.registerSubmission(ctx, in, source, "", nil)
}

// platformChannels are the channels of the work orders other platforms send.
var platformChannels = []model.Channel{model.ChannelHotline, model.ChannelXinfang}

// RegisterOrder registers a work order another platform sent (internal/adapterjob),
// as a public submission is registered, on the channel of its platform. A hotline's
// caller may have left no number, so none is required. inTx runs in the case's
// transaction once the case has its id (it records the order, so that the same order
// never becomes two cases); auditAction names the audit entry.
func (s *Service) RegisterOrder(ctx context.Context, in PublicInput, source, auditAction string, inTx func(*store.Tx, *model.Case) error) (model.Case, error) {
	if !slices.Contains(platformChannels, in.Channel) {
		return model.Case{}, model.Invalid("channel", "invalid", "invalid.channel.not_public")
	}
	return s.registerSubmission(ctx, in, source, auditAction, inTx)
}

// registerSubmission is RegisterPublic and RegisterOrder after their checks of the
// channel.
func (s *Service) registerSubmission(ctx context.Context, in PublicInput, source, auditAction string, inTx func(*store.Tx, *model.Case) error) (model.Case, error) {
	if len(in.Photos) > MaxPublicPhotos {
		return model.Case{}, model.Invalid("photos", "too_many", "invalid.photos.too_many", MaxPublicPhotos)
	}
	root, err := s.Store.RootRegion(ctx)
	if err != nil {
		return model.Case{}, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = "群众"
	}
	reg := RegisterInput{Kind: in.Kind, CategoryID: in.CategoryID, Channel: in.Channel, RegionID: in.RegionID, Address: in.Address,
		Lat: in.Lat, Lng: in.Lng, Title: in.Title, Description: in.Description,
		Parties: []PartyInput{{Role: model.PartyApplicant, Name: name, Phone: in.Phone, IDNumber: in.IDNumber}}}
	c, err := s.validate(ctx, root, &reg)
	if err != nil {
		return model.Case{}, publicField(err)
	}
	var atts []model.Attachment
	var photos [][]byte
	for i, ph := range in.Photos {
		att, data, err := s.newAttachment(fmt.Sprintf("photos[%d]", i), ph.Name, ph.Data, 0, false)
		if err != nil {
			return model.Case{}, err
		}
		if !strings.HasPrefix(att.ContentType, "image/") {
			return model.Case{}, model.Invalid(fmt.Sprintf("photos[%d]", i), "type", "invalid.photos.type_one")
		}
		atts, photos = append(atts, att), append(photos, data)
	}
	centre, err := s.publicCentre(ctx, c.RegionPath)
	if err != nil {
		return model.Case{}, err
	}
	now := s.Now().UTC()
	c.CentreID, c.State = centre, string(workflow.StateRegistered)
	c.CreatedAt, c.UpdatedAt = now, now
	if err := s.setDue(ctx, c, workflow.StageAccept, now); err != nil {
		return model.Case{}, err
	}
	payload, _ := json.Marshal(map[string]any{"channel": c.Channel, "kind": c.Kind, "category": c.CategoryCode, "urgency": c.Urgency,
		"photos": len(atts), "source": source})
	ctx = store.WithActor(ctx, store.Actor{Name: "群众（" + sourceLabel(source) + "）", IP: store.ActorFrom(ctx).IP})
	if auditAction == "" {
		auditAction = "case.register_public"
	}
	audit := store.Audited(auditAction, "case:new", fmt.Sprintf("群众反映%s：%s（%s）", c.Kind.Label(), c.Title, sourceLabel(source)))
	err = s.Store.RegisterCase(ctx, audit, store.NewCase{InTx: func(tx *store.Tx) error {
		if err := s.insertNew(ctx, tx, c, 0, payload, now); err != nil {
			return err
		}
		if inTx != nil {
			if err := inTx(tx, c); err != nil {
				return err
			}
		}
		for i := range atts {
			atts[i].CaseID = c.ID
			if err := tx.InsertAttachment(ctx, &atts[i], photos[i]); err != nil {
				return err
			}
		}
		clerks, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: centre, Role: model.RoleClerk})
		if err != nil {
			return err
		}
		return s.Notifier.Send(ctx, tx, clerks, notify.Message{Kind: "public_case", CaseID: c.ID, Title: "群众反映待受理",
			Body: fmt.Sprintf("%s，来源：%s", noticeSubject(c), source)}, now)
	}})
	s.registered(c, err)
	return *c, err
}

// publicField points a party's field error at the public form's own field.
func publicField(err error) error {
	var f *model.FieldError
	if errors.As(err, &f) && strings.HasPrefix(f.Field, "parties[0].") {
		return f.WithField(strings.TrimPrefix(f.Field, "parties[0]."))
	}
	return err
}

// publicCentre is the centre a public submission at path goes to: the deepest region
// above grid level on the path with an active clerk, else the deployment's root.
func (s *Service) publicCentre(ctx context.Context, path string) (int64, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		var id int64
		fmt.Sscanf(parts[i], "%d", &id)
		r, err := s.Store.Region(ctx, id)
		if err != nil {
			return 0, err
		}
		if r.Level == model.LevelGrid || !r.Active {
			continue
		}
		clerks, err := s.Store.ActiveUsers(ctx, store.UserFilter{RegionID: id, Role: model.RoleClerk})
		if err != nil {
			return 0, err
		}
		if len(clerks) > 0 {
			return id, nil
		}
	}
	return rootOf(path), nil
}
