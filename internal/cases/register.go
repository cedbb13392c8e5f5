package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// PartyInput is one party as entered at intake.
type PartyInput struct {
	Role     model.PartyRole `json:"role"`
	Name     string          `json:"name"`
	IDNumber string          `json:"id_number"`
	Phone    string          `json:"phone"`
	Address  string          `json:"address"`
	// ActsFor is, for an agent or a guardian, the number (1-based, in the order given)
	// of the party they act for.
	ActsFor int `json:"acts_for"`

	SevereMentalIllness bool `json:"severe_mental_illness"` // 严重精神障碍患者
	Minor               bool `json:"minor"`                 // 未成年人, when the ID number does not say it
}

// RegisterInput is a new case as the intake desk, the API or a grid worker enters it.
// Then, when set, takes the first step in the same transaction: a walk-in registered,
// accepted and routed in one go.
type RegisterInput struct {
	Kind        model.CaseKind `json:"kind"`
	CategoryID  int64          `json:"category_id"`
	Channel     model.Channel  `json:"channel"`
	RegionID    int64          `json:"region_id"`
	GridID      int64          `json:"grid_id"`
	Address     string         `json:"address"`
	Lat         *float64       `json:"lat"`
	Lng         *float64       `json:"lng"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Urgency     string         `json:"urgency"`
	PeopleCount int            `json:"people_count"`
	Households  int            `json:"households"` // 涉及户数 of a group case; 0 when not counted
	AmountYuan  float64        `json:"amount_yuan"`
	Injured     bool           `json:"injured"` // 有人受伤
	Parties     []PartyInput   `json:"parties"`
	Then        []Step         `json:"then"`
}

// Step is an action to take right after registering (accept, then assign or handle).
type Step struct {
	Action workflow.Action `json:"action"`
	ActInput
}

// Limits on what intake accepts.
const (
	MaxParties        = 200 // a group case can name dozens
	MaxDescription    = 5000
	MaxTitle          = 60
	MaxAddress        = 200
	MaxAmountYuan     = 1e11
	MaxPeopleInvolved = 100000
)

// cleanText trims s and refuses control characters other than newlines and tabs.
func cleanText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return "", model.Invalid(field, "required", "invalid.required")
		}
		return "", nil
	}
	if !utf8.ValidString(s) {
		return "", model.Invalid(field, "bad_chars", "invalid.bad_text")
	}
	if utf8.RuneCountInString(s) > max {
		return "", model.Invalid(field, "too_long", "invalid.too_long_n", max)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f }) {
		return "", model.Invalid(field, "bad_chars", "invalid.control_chars")
	}
	return s, nil
}

func withField(err error, field string) error {
	var f *model.FieldError
	if errors.As(err, &f) {
		return f.WithField(field)
	}
	return err
}

// validate checks and normalises the input, returning the case to insert.
// The case must lie in the subtree of within (the registrant's region).
func (s *Service) validate(ctx context.Context, within model.Region, in *RegisterInput) (*model.Case, error) {
	c := &model.Case{Kind: in.Kind, Channel: in.Channel, Urgency: in.Urgency, PeopleCount: in.PeopleCount, Households: in.Households, Injured: in.Injured}
	if !in.Kind.Valid() {
		return nil, model.Invalid("kind", "invalid", "invalid.kind.choose")
	}
	if in.CategoryID == 0 {
		return nil, model.Invalid("category_id", "required", "invalid.category_id.required")
	}
	cat, err := s.Store.Category(ctx, in.CategoryID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !cat.Active {
		return nil, model.Invalid("category_id", "not_found", "invalid.category_id.not_found")
	}
	if err != nil {
		return nil, err
	}
	if cat.Kind != in.Kind {
		return nil, model.Invalid("category_id", "kind_mismatch", "invalid.category_id.kind_mismatch")
	}
	c.CategoryID, c.CategoryCode = cat.ID, cat.Code
	if c.Channel == "" {
		c.Channel = model.ChannelWalkIn
	}
	if !c.Channel.Valid() {
		return nil, model.Invalid("channel", "invalid", "invalid.channel.invalid")
	}
	if c.Urgency == "" {
		c.Urgency = string(workflow.UrgencyNormal)
	}
	if !workflow.Urgency(c.Urgency).Valid() {
		return nil, model.Invalid("urgency", "invalid", "invalid.urgency.invalid")
	}
	if c.PeopleCount == 0 {
		// Not counted: at least one a party, and one a household.
		c.PeopleCount = max(1, len(in.Parties), in.Households)
	}
	if c.PeopleCount < 1 || c.PeopleCount > MaxPeopleInvolved {
		return nil, model.Invalid("people_count", "range", "invalid.people_count.range")
	}
	if c.Households < 0 || c.Households > MaxPeopleInvolved {
		return nil, model.Invalid("households", "range", "invalid.households.range")
	}
	if c.Households > c.PeopleCount {
		return nil, model.Invalid("households", "more_than_people", "invalid.households.more_than_people")
	}
	if in.AmountYuan < 0 || in.AmountYuan > MaxAmountYuan || math.IsNaN(in.AmountYuan) {
		return nil, model.Invalid("amount_yuan", "range", "invalid.amount_yuan.range")
	}
	c.AmountFen = int64(math.Round(in.AmountYuan * 100))
	if c.Description, err = cleanText("description", in.Description, MaxDescription, true); err != nil {
		return nil, err
	}
	if c.Title, err = cleanText("title", in.Title, MaxTitle, false); err != nil {
		return nil, err
	}
	if c.Title == "" {
		c.Title = TitleFrom(c.Description)
	}
	if c.Address, err = cleanText("address", in.Address, MaxAddress, false); err != nil {
		return nil, err
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		return nil, model.Invalid("lat", "pair", "invalid.lat.pair")
	}
	if in.Lat != nil && (*in.Lat < 3 || *in.Lat > 54 || *in.Lng < 73 || *in.Lng > 136) {
		return nil, model.Invalid("lat", "range", "invalid.lat.range")
	}
	c.Lat, c.Lng = in.Lat, in.Lng

	if in.RegionID == 0 {
		return nil, model.Invalid("region_id", "required", "invalid.case_region.required")
	}
	region, err := s.Store.Region(ctx, in.RegionID)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!region.Active || !strings.HasPrefix(region.Path, within.Path)) {
		return nil, model.Invalid("region_id", "out_of_scope", "invalid.case_region.out_of_scope")
	}
	if err != nil {
		return nil, err
	}
	c.RegionID, c.RegionPath = region.ID, region.Path
	if region.Level == model.LevelGrid {
		c.GridID = region.ID
	}
	if in.GridID != 0 && in.GridID != c.GridID {
		grid, err := s.Store.Region(ctx, in.GridID)
		if err != nil || grid.Level != model.LevelGrid || !grid.Active || !strings.HasPrefix(grid.Path, region.Path) {
			return nil, model.Invalid("grid_id", "invalid", "invalid.grid_id.invalid")
		}
		c.GridID = grid.ID
		c.RegionID, c.RegionPath = grid.ID, grid.Path
	}
	if len(in.Parties) == 0 {
		return nil, model.Invalid("parties", "required", "invalid.parties.required")
	}
	if len(in.Parties) > MaxParties {
		return nil, model.Invalid("parties", "too_many", "invalid.parties.too_many", MaxParties)
	}
	for i, pi := range in.Parties {
		field := fmt.Sprintf("parties[%d].", i)
		party := model.Party{Role: pi.Role, SevereMentalIllness: pi.SevereMentalIllness, Minor: pi.Minor}
		if party.Role == "" {
			party.Role = model.PartyApplicant
		}
		if !party.Role.Valid() {
			return nil, model.Invalid(field+"role", "invalid", "invalid.party.role")
		}
		if party.Name, err = cleanText(field+"name", pi.Name, 40, true); err != nil {
			return nil, err
		}
		if strings.TrimSpace(pi.IDNumber) != "" {
			if party.IDNumber, err = model.NormalizeIDNumberAt(pi.IDNumber, s.Now()); err != nil {
				return nil, withField(err, field+"id_number")
			}
		}
		if strings.TrimSpace(pi.Phone) != "" {
			if party.Phone, err = model.NormalizePhone(pi.Phone); err != nil {
				return nil, withField(err, field+"phone")
			}
		}
		if party.Address, err = cleanText(field+"address", pi.Address, MaxAddress, false); err != nil {
			return nil, err
		}
		c.Parties = append(c.Parties, party)
	}
	return c, checkPartyLinks(c, in.Parties)
}

// checkPartyLinks checks what the parties' roles say of each other: an agent or a
// guardian names a party of the case who is neither (a principal, a ward), nobody
// else names one; representatives speak for a group, five at most.
func checkPartyLinks(c *model.Case, in []PartyInput) error {
	reps := 0
	for i, pi := range in {
		field := fmt.Sprintf("parties[%d].", i)
		role := c.Parties[i].Role
		if role == model.PartyRepresentative {
			reps++
		}
		if !role.ActsForAnother() {
			if pi.ActsFor != 0 {
				return model.Invalid(field+"acts_for", "not_an_agent", "invalid.acts_for.not_an_agent")
			}
			continue
		}
		if pi.ActsFor < 1 || pi.ActsFor > len(in) || pi.ActsFor == i+1 {
			return model.Invalid(field+"acts_for", "required", "invalid.acts_for.required")
		}
		if c.Parties[pi.ActsFor-1].Role.ActsForAnother() {
			return model.Invalid(field+"acts_for", "acts_for_agent", "invalid.acts_for.acts_for_agent")
		}
		c.Parties[i].ActsFor = pi.ActsFor
	}
	if reps > model.MaxRepresentatives {
		return model.Invalid("parties", "too_many_representatives", "invalid.parties.too_many_representatives", model.MaxRepresentatives)
	}
	if reps > 0 && c.Households < 2 && c.PeopleCount < model.GroupPeople {
		return model.Invalid("households", "not_a_group", "invalid.households.not_a_group", model.GroupPeople)
	}
	return nil
}

// summarise is the first line of text, cut to n characters where a reader expects a
// pause (model.Headline).
func summarise(text string, n int) string { return model.Headline(text, n) }

// titleRunes is how long a title made from a description may be: a clause or two, as
// a clerk would sum the case up.
const titleRunes = 40

// TitleFrom is the title of a case registered without one: its description's first
// clauses (model.Headline).
func TitleFrom(description string) string { return model.Headline(description, titleRunes) }

// Register creates a case, and takes the steps of in.Then in the same transaction.
func (s *Service) Register(ctx context.Context, p *auth.Principal, in RegisterInput) (model.Case, error) {
	if _, err := workflow.Decide(workflow.StateNone, workflow.ActionRegister, p.User.Roles, workflow.Input{}); err != nil {
		return model.Case{}, err
	}
	c, err := s.validate(ctx, p.Region, &in)
	if err != nil {
		return model.Case{}, err
	}
	// The case is held by the registering centre; a grid worker's report goes to the
	// centre above their grid.
	c.CentreID = p.Region.ID
	if p.Region.Level == model.LevelGrid {
		c.CentreID = p.Region.ParentID
	}
	now := s.Now().UTC()
	c.State = string(workflow.StateRegistered)
	c.CreatedAt, c.UpdatedAt, c.RegisteredBy = now, now, p.User.ID
	if err := s.setDue(ctx, c, workflow.StageAccept, now); err != nil {
		return model.Case{}, err
	}
	c.RiskLevel, c.RiskComputed = risk.LevelNone.String(), risk.LevelNone.String()
	payload, _ := json.Marshal(map[string]any{"channel": c.Channel, "kind": c.Kind, "category": c.CategoryCode, "urgency": c.Urgency})
	steps := ""
	for _, st := range in.Then {
		steps += " → " + st.Action.Label()
	}
	audit := store.Audited("case.register", "case:new", fmt.Sprintf("登记%s：%s%s", c.Kind.Label(), c.Title, steps))
	nc := store.NewCase{InTx: func(tx *store.Tx) error {
		if err := s.insertNew(ctx, tx, c, p.User.ID, payload, now); err != nil {
			return err
		}
		for i, step := range in.Then {
			if err := s.act(ctx, tx, p, c, step.Action, step.ActInput, now); err != nil {
				return stepError(err, i)
			}
		}
		return nil
	}}
	if len(in.Then) == 0 {
		nc.Shared = func(w store.SharedInsert) error { return s.insertShared(ctx, w, c, p.User.ID, payload, now) }
	}
	err = s.Store.RegisterCase(ctx, audit, nc)
	s.registered(c, err)
	return *c, err
}

// insertNew writes a new case inside tx: its warning assessed before the row is
// written (a red case is red from its first moment), a fresh tracking code, the
// register event by actorID (0 for a citizen) and the warning's own event, with the
// case (Tx.InsertCaseWithEvents); then the warning's notices and order.
func (s *Service) insertNew(ctx context.Context, tx *store.Tx, c *model.Case, actorID int64, payload []byte, now time.Time) error {
	warn, err := s.reassess(ctx, tx, c, now)
	if err != nil {
		return err
	}
	evs := firstEvents(c, actorID, payload, now, warn)
	if err := withTrackingCode(c, func() error { return tx.InsertCaseWithEvents(ctx, c, evs) }); err != nil {
		return err
	}
	tx.SetAuditObject(fmt.Sprintf("case:%d", c.ID))
	if warn != nil {
		return s.warningNotices(ctx, tx, c, warn, now)
	}
	return nil
}

// insertShared writes a new case with no further steps by w, the statement it shares
// with the cases registered at the same moment (store.NewCase.Shared). Its history is
// read first, outside the write. What an orange or red warning demands is gathered
// first too (planResponse) and written in the same statement: the notices, with their
// SMS, e-mail and webhook copies, and for red the supervision order and its event,
// under ids drawn for them beforehand (SharedInsert.ReserveIDs). In a transaction of
// its own, such a registration took a dozen round trips and its own flush, and made
// intake's p99.
func (s *Service) insertShared(ctx context.Context, w store.SharedInsert, c *model.Case, actorID int64, payload []byte, now time.Time) error {
	warn, err := s.reassessFrom(ctx, s.Store, c, now)
	if err != nil {
		return err
	}
	var r *responsePlan
	if warn != nil {
		if r, err = s.planResponse(ctx, c, warn, now); err != nil {
			return err
		}
	}
	if r == nil {
		evs := firstEvents(c, actorID, payload, now, warn)
		return withTrackingCode(c, func() error { return w.Insert(ctx, c, evs, nil) })
	}
	if r.order != nil {
		r.order.mark(c, now)
	}
	notifications, orders := r.rows()
	ids, err := w.ReserveIDs(ctx, notifications, orders)
	if err != nil {
		return err
	}
	return withTrackingCode(c, func() error {
		// The notices mask the tracking code, drawn afresh for each attempt.
		c.ID = ids.Case
		evs := firstEvents(c, actorID, payload, now, warn)
		follow := &store.CaseFollowUps{}
		// Composed without a transaction, the notices are given what to mask.
		priv := c.Private()
		warning := r.message(c, warn)
		warning.Private = &priv
		notices := []notify.Composed{s.Notifier.Compose(r.to, warning, now)}
		if r.order != nil {
			r.order.v.ID, r.order.v.CaseID = ids.Supervisions[0], c.ID
			follow.Supervisions = []*store.Supervision{&r.order.v}
			ev := r.order.event(c, now)
			evs = append(evs, &ev)
			order := r.order.message(c)
			order.Private = &priv
			notices = append(notices, s.Notifier.Compose(r.order.to, order, now))
		}
		next := ids.Notifications
		for _, n := range notices {
			for _, rec := range n.Notifications {
				rec.ID, next = next[0], next[1:]
			}
			follow.Notifications = append(follow.Notifications, n.Notifications...)
			follow.Outbox = append(follow.Outbox, n.Outbox()...)
		}
		return w.Insert(ctx, c, evs, follow)
	})
}

// rows is how many notifications r writes at most (one a recipient of each message,
// before duplicates are dropped) and how many orders.
func (r *responsePlan) rows() (notifications, orders int) {
	if r.order == nil {
		return len(r.to), 0
	}
	return len(r.to) + len(r.order.to), 1
}

// withTrackingCode gives c a fresh tracking code and runs insert, drawing again while
// the code is taken (store.ErrConflict), three times at most.
func withTrackingCode(c *model.Case, insert func() error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		c.TrackingCode = NewTrackingCode()
		if err = insert(); !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	return err
}

// firstEvents are the events a new case is written with: its register event by actorID
// and, when its assessment changed the warning, the warning's.
func firstEvents(c *model.Case, actorID int64, payload []byte, now time.Time, warn *warningChange) []*model.CaseEvent {
	register := registerEvent(c, actorID, payload, now)
	evs := []*model.CaseEvent{&register}
	if warn != nil {
		ev := warningEvent(c, warn, now)
		evs = append(evs, &ev)
	}
	return evs
}

// registerEvent is the first event of c's timeline, by actorID (0 for a citizen).
func registerEvent(c *model.Case, actorID int64, payload []byte, now time.Time) model.CaseEvent {
	return model.CaseEvent{CaseID: c.ID, ActorID: actorID, At: now, Action: string(workflow.ActionRegister), ToState: c.State, Payload: payload}
}

// stepError points an error of the i-th step after registration at that step's
// input: "then[1].lead_department_id". Refusals about the case itself pass unchanged.
func stepError(err error, i int) error {
	var f *model.FieldError
	if errors.As(err, &f) {
		return f.WithField(fmt.Sprintf("then[%d].%s", i, f.Field))
	}
	var r *workflow.Refusal
	if errors.As(err, &r) && r.Field() != "" {
		return model.Invalid(fmt.Sprintf("then[%d].%s", i, r.Field()), r.Code, "invalid.refusal", r)
	}
	return err
}
