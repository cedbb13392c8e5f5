// Package mediation is who mediates at a centre: the mediation organisations it lists
// (人民调解委员会, 行业性专业性调委会, 驻中心调解室, 律师调解工作室, 法院诉前调解) with their
// members, and the talent pool (人才库) of lawyers, mediators, psychologists and
// specialists it draws on, with the recommendation of people for a case. Admins keep
// both inside their own region subtree; the staff who assign work read them, phones
// masked. Pages and the API both call it, so the rules live once.
package mediation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/mediation/recommend"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// OrgKinds are the kinds of mediation organisation, in the order a form offers them.
var OrgKinds = []string{"village", "township", "trade", "centre_room", "lawyer_studio", "court"}

// TalentKinds are the kinds of people in the pool.
var TalentKinds = []string{"mediator_full", "mediator_part", "lawyer", "legal_aid", "psychologist", "specialist"}

// Service reads and keeps the organisations and the pool.
type Service struct {
	Store *store.Store
	Cases *cases.Service   // a case's reads, events, notices and deadline
	Now   func() time.Time // the clock for who is in the pool today; time.Now when nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// today is the day in China time, YYYY-MM-DD, as since/until are kept.
func (s *Service) today() string { return s.now().In(workflow.ChinaTime).Format(time.DateOnly) }

// requireAdmin refuses anyone the matrix does not let manage the organisation.
func requireAdmin(p *auth.Principal) error { return p.Require(auth.PermOrgManage) }

// regionInScope loads a region of the admin's subtree, a field error naming field otherwise.
func (s *Service) regionInScope(ctx context.Context, p *auth.Principal, id int64, field string) (model.Region, error) {
	return org.RegionInScope(ctx, s.Store, p, id, field)
}

// Orgs lists the organisations of p's subtree with their members.
func (s *Service) Orgs(ctx context.Context, p *auth.Principal) ([]store.MediationOrg, error) {
	if err := p.Require(auth.PermMediationRead); err != nil {
		return nil, err
	}
	return s.Store.MediationOrgs(ctx, p.Scope())
}

// OrgInput is an organisation as an admin enters it.
type OrgInput struct {
	RegionID   int64    `json:"region_id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Categories []string `json:"categories"`
	Phone      string   `json:"phone"`
	Address    string   `json:"address"`
	Active     bool     `json:"active"`
	// NumberPrefix is the 机关代字 of its agreements' numbers; "" for the default.
	NumberPrefix string `json:"number_prefix"`
}

// SaveOrg creates (id 0) or changes an organisation of the admin's subtree.
func (s *Service) SaveOrg(ctx context.Context, p *auth.Principal, id int64, in OrgInput) (store.MediationOrg, error) {
	if err := requireAdmin(p); err != nil {
		return store.MediationOrg{}, err
	}
	if id != 0 {
		if _, err := s.orgInScope(ctx, p, id); err != nil {
			return store.MediationOrg{}, err
		}
	}
	o := store.MediationOrg{ID: id, RegionID: in.RegionID, Name: strings.TrimSpace(in.Name), Kind: in.Kind, Address: strings.TrimSpace(in.Address), Active: in.Active,
		NumberPrefix: strings.TrimSpace(in.NumberPrefix)}
	g, err := s.regionInScope(ctx, p, in.RegionID, "region_id")
	if err != nil {
		return o, err
	}
	if err := checkName(o.Name, 60); err != nil {
		return o, err
	}
	if !slices.Contains(OrgKinds, in.Kind) {
		return o, model.Invalid("kind", "invalid", "invalid.mediation_org_kind.invalid")
	}
	if o.Categories, err = s.categoryCodes(ctx, in.Categories, "categories"); err != nil {
		return o, err
	}
	if phone := strings.TrimSpace(in.Phone); phone != "" {
		if o.Phone, err = model.NormalizePhone(phone); err != nil {
			return o, model.Invalid("phone", "phone", "invalid.phone.format")
		}
	}
	if utf8.RuneCountInString(o.NumberPrefix) > 10 || strings.ContainsAny(o.NumberPrefix, "〔〕[]0123456789") {
		return o, model.Invalid("number_prefix", "invalid", "invalid.mediation_org.number_prefix")
	}
	if utf8.RuneCountInString(o.Address) > 100 {
		return o, model.Invalid("address", "too_long", "invalid.too_long_n", 100)
	}
	what := "mediation.org_create"
	if id != 0 {
		what = "mediation.org_update"
	}
	err = s.Store.SaveMediationOrg(ctx, store.Audited(what, fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("调解组织 %s（%s）", o.Name, o.Kind)), &o)
	if errors.Is(err, store.ErrConflict) {
		return o, model.Invalid("name", "taken", "invalid.taken")
	}
	o.RegionName = g.Name
	return o, err
}

// orgInScope loads an organisation of p's subtree; one outside is not found.
func (s *Service) orgInScope(ctx context.Context, p *auth.Principal, id int64) (store.MediationOrg, error) {
	o, err := s.Store.MediationOrg(ctx, id)
	if err == nil && !strings.HasPrefix(o.RegionPath, p.Scope()) {
		err = store.ErrNotFound
	}
	return o, err
}

// checkName holds a name to 1..max characters.
func checkName(name string, max int) error {
	if name == "" {
		return model.Invalid("name", "required", "invalid.required")
	}
	if utf8.RuneCountInString(name) > max {
		return model.Invalid("name", "too_long", "invalid.too_long_n", max)
	}
	return nil
}

// categoryCodes checks codes against the category dictionary (active dispute, petition,
// hazard or service categories, either level), dropping blanks and repeats.
func (s *Service) categoryCodes(ctx context.Context, codes []string, field string) ([]string, error) {
	cats, err := s.Store.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range cats {
		known[c.Code] = c.Active
	}
	var out []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(out, c) {
			continue
		}
		if !known[c] {
			return nil, model.Invalid(field, "unknown", "invalid.category_code.unknown", c)
		}
		out = append(out, c)
	}
	if len(out) > 20 {
		return nil, model.Invalid(field, "too_many", "invalid.mediation_codes.too_many", 20)
	}
	return out, nil
}

// MemberInput puts an account or a person of the pool into an organisation.
type MemberInput struct {
	UserID   int64  `json:"user_id"`
	TalentID int64  `json:"talent_id"`
	Post     string `json:"post"`
}

// AddMember adds a member to an organisation of the admin's subtree: an active account
// or a person of the pool, of the subtree too.
func (s *Service) AddMember(ctx context.Context, p *auth.Principal, orgID int64, in MemberInput) (store.MediationMember, error) {
	m := store.MediationMember{OrgID: orgID, UserID: in.UserID, TalentID: in.TalentID, Post: strings.TrimSpace(in.Post)}
	if err := requireAdmin(p); err != nil {
		return m, err
	}
	o, err := s.orgInScope(ctx, p, orgID)
	if err != nil {
		return m, err
	}
	switch {
	case (in.UserID == 0) == (in.TalentID == 0):
		return m, model.Invalid("talent_id", "one_of", "invalid.mediation_member.one_of")
	case in.UserID != 0:
		u, err := s.Store.User(ctx, in.UserID)
		if errors.Is(err, store.ErrNotFound) || err == nil && !u.Active {
			return m, model.Invalid("user_id", "not_found", "invalid.mediation_member.not_found")
		}
		if err != nil {
			return m, err
		}
		if _, err := s.regionInScope(ctx, p, u.RegionID, "user_id"); err != nil {
			return m, err
		}
		m.Name = u.DisplayName
	default:
		t, err := s.Store.TalentPerson(ctx, in.TalentID)
		if errors.Is(err, store.ErrNotFound) || err == nil && !strings.HasPrefix(t.RegionPath, p.Scope()) {
			return m, model.Invalid("talent_id", "not_found", "invalid.mediation_member.not_found")
		}
		if err != nil {
			return m, err
		}
		m.Name = t.Name
	}
	if utf8.RuneCountInString(m.Post) > 20 {
		return m, model.Invalid("post", "too_long", "invalid.too_long_n", 20)
	}
	err = s.Store.AddMediationMember(ctx, store.Audited("mediation.member_add", fmt.Sprintf("mediation_org:%d", o.ID), fmt.Sprintf("%s 加入 %s（%s）", m.Name, o.Name, m.Post)), &m)
	if errors.Is(err, store.ErrConflict) {
		field := "talent_id"
		if in.UserID != 0 {
			field = "user_id"
		}
		return m, model.Invalid(field, "taken", "invalid.mediation_member.taken")
	}
	return m, err
}

// RemoveMember takes a member out of an organisation of the admin's subtree.
func (s *Service) RemoveMember(ctx context.Context, p *auth.Principal, orgID, id int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	o, err := s.orgInScope(ctx, p, orgID)
	if err != nil {
		return err
	}
	return s.Store.RemoveMediationMember(ctx, store.Audited("mediation.member_remove", fmt.Sprintf("mediation_org:%d", o.ID), fmt.Sprintf("移出 %s 成员 %d", o.Name, id)), o.ID, id)
}

// Pool lists the talent pool of p's subtree, past members too, phones masked.
func (s *Service) Pool(ctx context.Context, p *auth.Principal) ([]store.Talent, error) {
	if err := p.Require(auth.PermMediationRead); err != nil {
		return nil, err
	}
	ts, err := s.Store.TalentPool(ctx, store.TalentFilter{Within: p.Scope()})
	for i := range ts {
		ts[i].Phone = model.MaskPhone(ts[i].Phone)
	}
	return ts, err
}

// TalentInput is a person of the pool as an admin enters them.
type TalentInput struct {
	RegionID    int64    `json:"region_id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Specialties []string `json:"specialties"`
	Phone       string   `json:"phone"`
	Employer    string   `json:"employer"`
	UserID      int64    `json:"user_id"`
	Since       string   `json:"since"`
	Until       string   `json:"until"`
	Note        string   `json:"note"`
}

// SaveTalent adds a person to the pool (id 0) or changes one, in the admin's subtree.
// Since and until are days (进出管理): a person leaves the pool by an until in the past,
// and their history stays. A change with no phone keeps the one on file: readers only
// ever see it masked, so no form can send it back whole.
func (s *Service) SaveTalent(ctx context.Context, p *auth.Principal, id int64, in TalentInput) (store.Talent, error) {
	t := store.Talent{ID: id, RegionID: in.RegionID, Name: strings.TrimSpace(in.Name), Kind: in.Kind, Employer: strings.TrimSpace(in.Employer),
		UserID: in.UserID, Since: strings.TrimSpace(in.Since), Until: strings.TrimSpace(in.Until), Note: strings.TrimSpace(in.Note)}
	if err := requireAdmin(p); err != nil {
		return t, err
	}
	if id != 0 {
		old, err := s.Store.TalentPerson(ctx, id)
		if err == nil && !strings.HasPrefix(old.RegionPath, p.Scope()) {
			err = store.ErrNotFound
		}
		if err != nil {
			return t, err
		}
		t.Phone = old.Phone
	}
	g, err := s.regionInScope(ctx, p, in.RegionID, "region_id")
	if err != nil {
		return t, err
	}
	if err := checkName(t.Name, 30); err != nil {
		return t, err
	}
	if !slices.Contains(TalentKinds, in.Kind) {
		return t, model.Invalid("kind", "invalid", "invalid.talent_kind.invalid")
	}
	if t.Specialties, err = s.categoryCodes(ctx, in.Specialties, "specialties"); err != nil {
		return t, err
	}
	if phone := strings.TrimSpace(in.Phone); phone != "" {
		if t.Phone, err = model.NormalizePhone(phone); err != nil {
			return t, model.Invalid("phone", "phone", "invalid.phone.format")
		}
	}
	for _, d := range []struct{ field, day string }{{"since", t.Since}, {"until", t.Until}} {
		if _, err := time.Parse(time.DateOnly, d.day); d.day != "" && err != nil {
			return t, model.Invalid(d.field, "date", "invalid.date_format")
		}
	}
	if t.Since != "" && t.Until != "" && t.Until < t.Since {
		return t, model.Invalid("until", "before_since", "invalid.talent_until.before_since")
	}
	if in.UserID != 0 {
		u, err := s.Store.User(ctx, in.UserID)
		if errors.Is(err, store.ErrNotFound) || err == nil && !strings.HasPrefix(regionPathOf(ctx, s, u.RegionID), p.Scope()) {
			return t, model.Invalid("user_id", "not_found", "invalid.mediation_member.not_found")
		}
		if err != nil {
			return t, err
		}
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"employer", t.Employer, 40}, {"note", t.Note, 200}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return t, model.Invalid(f.field, "too_long", "invalid.too_long_n", f.max)
		}
	}
	what := "talent.create"
	if id != 0 {
		what = "talent.update"
	}
	err = s.Store.SaveTalent(ctx, store.Audited(what, fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("人才库 %s（%s）%s–%s", t.Name, t.Kind, t.Since, t.Until)), &t)
	t.RegionName, t.RegionPath = g.Name, g.Path
	t.Phone = model.MaskPhone(t.Phone)
	return t, err
}

// regionPathOf is a region's path, "" when it cannot be read (out of every scope).
func regionPathOf(ctx context.Context, s *Service, id int64) string {
	g, err := s.Store.Region(ctx, id)
	if err != nil {
		return ""
	}
	return g.Path
}

// Recommendation is a person of the pool recommended for a case, their phone masked.
type Recommendation struct {
	Talent  store.Talent       `json:"talent"`
	Reasons []recommend.Reason `json:"reasons"`
}

// Recommend ranks the pool serving c's region (its subtree and the regions above it)
// for c, today, and returns the first limit: whom to ask for help on the case and why.
// The caller has read c for p; recommending needs the pool too.
func (s *Service) Recommend(ctx context.Context, p *auth.Principal, c model.Case, limit int) ([]Recommendation, error) {
	if err := p.Require(auth.PermMediationRead); err != nil {
		return nil, err
	}
	day := s.today()
	pool, err := s.Store.TalentPool(ctx, store.TalentFilter{Within: c.RegionPath, Above: c.RegionPath, Day: day})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.Talent, len(pool))
	people := make([]recommend.Person, 0, len(pool))
	for _, t := range pool {
		byID[t.ID] = t
		people = append(people, recommend.Person{ID: t.ID, Name: t.Name, Kind: t.Kind, Specialties: t.Specialties, RegionPath: t.RegionPath, Since: t.Since, Until: t.Until, Load: t.Load})
	}
	var out []Recommendation
	for _, r := range recommend.Rank(people, recommend.Case{CategoryCode: c.CategoryCode, RegionPath: c.RegionPath, Day: day}, limit) {
		t := byID[r.Person.ID]
		t.Phone = model.MaskPhone(t.Phone)
		out = append(out, Recommendation{Talent: t, Reasons: r.Reasons})
	}
	return out, nil
}

// Why says a recommendation's reasons in loc, one phrase each; a specialty is named
// by its code (the caller may name it better: see WhyNamed).
func Why(loc string, r Recommendation) []string { return WhyNamed(loc, r, nil) }

// WhyNamed is Why with category names for codes.
func WhyNamed(loc string, r Recommendation, names map[string]string) []string {
	out := make([]string, 0, len(r.Reasons))
	for _, why := range r.Reasons {
		arg := why.Arg
		if code, ok := arg.(string); ok && names[code] != "" {
			arg = names[code]
		}
		if arg == nil {
			out = append(out, i18n.T(loc, "recommend.reason."+why.Code))
		} else {
			out = append(out, i18n.T(loc, "recommend.reason."+why.Code, arg))
		}
	}
	return out
}
