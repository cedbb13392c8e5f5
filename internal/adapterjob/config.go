package adapterjob

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// PlatformInput is a platform as the administrator fills it in. An empty Secret on
// an edit keeps the one saved: the secret is never shown back.
type PlatformInput struct {
	Code            string
	Name            string
	Kind            string
	Secret          string
	SignatureHeader string
	TimestampHeader string
	PollURL         string
	PollSeconds     int
	PushURL         string
	Mapping         string
	Active          bool
}

// Bounds of a platform's settings.
const (
	MinSecret      = 16    // characters: an HMAC key a person cannot guess
	MinPollSeconds = 30    // a poll every half minute at most
	MaxPollSeconds = 86400 // and at least one a day
)

// Input is p as its form shows it, without its secret.
func Input(p store.Platform) PlatformInput {
	return PlatformInput{Code: p.Code, Name: p.Name, Kind: p.Kind, SignatureHeader: p.SignatureHeader, TimestampHeader: p.TimestampHeader,
		PollURL: p.PollURL, PollSeconds: p.PollSeconds, PushURL: p.PushURL, Mapping: p.Mapping, Active: p.Active}
}

// SecretHint is what the pages show of a secret: its length and last two characters.
func SecretHint(secret string) string {
	r := []rune(secret)
	if len(r) < 4 {
		return strings.Repeat("•", len(r))
	}
	return strings.Repeat("•", 8) + string(r[len(r)-2:])
}

// check validates in (create: the secret is required) and returns the platform it
// describes, its mapping re-encoded; every error names its field.
func (s *Service) check(ctx context.Context, in PlatformInput, create bool) (store.Platform, error) {
	p := store.Platform{Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), Kind: in.Kind, Secret: in.Secret,
		SignatureHeader: strings.TrimSpace(in.SignatureHeader), TimestampHeader: strings.TrimSpace(in.TimestampHeader),
		PollURL: strings.TrimSpace(in.PollURL), PollSeconds: in.PollSeconds, PushURL: strings.TrimSpace(in.PushURL), Active: in.Active}
	if create && !validCode(p.Code) {
		return p, model.Invalid("code", "invalid", "invalid.platform.code")
	}
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 60 {
		return p, model.Invalid("name", "required", "invalid.platform.name")
	}
	if !slices.Contains(adapters.Kinds, p.Kind) {
		return p, model.Invalid("kind", "invalid", "invalid.platform.kind")
	}
	if (create || p.Secret != "") && (utf8.RuneCountInString(p.Secret) < MinSecret || len(p.Secret) > 200) {
		return p, model.Invalid("secret", "too_short", "invalid.platform.secret", MinSecret)
	}
	if p.SignatureHeader == "" {
		p.SignatureHeader = adapters.DefaultSignatureHeader
	}
	if p.TimestampHeader == "" {
		p.TimestampHeader = adapters.DefaultTimestampHeader
	}
	for field, h := range map[string]string{"signature_header": p.SignatureHeader, "timestamp_header": p.TimestampHeader} {
		if !validHeader(h) {
			return p, model.Invalid(field, "invalid", "invalid.platform.header")
		}
	}
	if strings.EqualFold(p.SignatureHeader, p.TimestampHeader) {
		return p, model.Invalid("timestamp_header", "invalid", "invalid.platform.header_same")
	}
	if p.PollURL != "" && !validURL(p.PollURL) {
		return p, model.Invalid("poll_url", "invalid", "invalid.platform.url")
	}
	if p.PushURL != "" && !validURL(p.PushURL) {
		return p, model.Invalid("push_url", "invalid", "invalid.platform.url")
	}
	if p.PollURL != "" && (p.PollSeconds < MinPollSeconds || p.PollSeconds > MaxPollSeconds) {
		return p, model.Invalid("poll_seconds", "out_of_range", "invalid.platform.poll_seconds", MinPollSeconds, MaxPollSeconds)
	}
	if p.PollURL == "" {
		p.PollSeconds = 0
	}
	m, err := adapters.ParseMapping(in.Mapping)
	if err != nil {
		return p, err
	}
	if err := s.checkTargets(ctx, m); err != nil {
		return p, err
	}
	p.Mapping = m.Marshal()
	return p, nil
}

// checkTargets refuses a value mapping to a category or region code onedoor does not
// have, naming it.
func (s *Service) checkTargets(ctx context.Context, m adapters.Mapping) error {
	cats, err := s.Store.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, c := range cats {
		known[c.Code] = true
	}
	for _, theirs := range sortedKeys(m.Categories) {
		if !known[m.Categories[theirs]] {
			return model.Invalid("mapping.categories."+theirs, "unknown", "invalid.platform.no_category", m.Categories[theirs])
		}
	}
	for _, theirs := range sortedKeys(m.Regions) {
		r, err := s.Store.RegionByCode(ctx, m.Regions[theirs])
		if errors.Is(err, store.ErrNotFound) || err == nil && !r.Active {
			return model.Invalid("mapping.regions."+theirs, "unknown", "invalid.platform.no_region", m.Regions[theirs])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// validCode is a platform code fit for a URL: 2 to 40 lower-case letters, digits,
// dashes and underscores.
func validCode(c string) bool {
	if len(c) < 2 || len(c) > 40 {
		return false
	}
	return strings.Trim(c, "abcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// validHeader is an HTTP header name (RFC 9110 token) of sensible length.
func validHeader(h string) bool {
	if h == "" || len(h) > 60 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return true
}

// validURL is an absolute http or https URL.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= 500
}

// CreatePlatform saves a new platform, audited.
func (s *Service) CreatePlatform(ctx context.Context, in PlatformInput) (store.Platform, error) {
	p, err := s.check(ctx, in, true)
	if err != nil {
		return p, err
	}
	err = s.Store.CreatePlatform(ctx, store.Audited("platform.create", "platform:new", fmt.Sprintf("新增工单平台 %s（%s）", p.Name, p.Code)), &p)
	if errors.Is(err, store.ErrConflict) {
		return p, model.Invalid("code", "taken", "invalid.platform.code_taken")
	}
	return p, err
}

// UpdatePlatform saves an edited platform, audited; an empty secret keeps the saved one.
func (s *Service) UpdatePlatform(ctx context.Context, id int64, in PlatformInput) (store.Platform, error) {
	prev, err := s.Store.Platform(ctx, id)
	if err != nil {
		return prev, err
	}
	in.Code = prev.Code
	p, err := s.check(ctx, in, false)
	if err != nil {
		return p, err
	}
	p.ID = id
	what := "修改工单平台"
	if p.Secret == "" {
		p.Secret = prev.Secret
	} else {
		what = "修改工单平台（更换密钥）"
	}
	err = s.Store.UpdatePlatform(ctx, store.Audited("platform.update", fmt.Sprintf("platform:%d", id), fmt.Sprintf("%s %s（%s）", what, p.Name, p.Code)), &p)
	return p, err
}

// Resolution is the administrator's answer to an unmapped code: which of ours it is.
type Resolution struct {
	Field  string // category or region
	Theirs string
	Ours   string
}

// Resolve adds a value mapping to platform id's mapping (audited), then registers
// every parked order the mapping now covers; it returns how many it registered.
// Orders still missing a code stay parked.
func (s *Service) Resolve(ctx context.Context, id int64, r Resolution) (int, error) {
	p, err := s.Store.Platform(ctx, id)
	if err != nil {
		return 0, err
	}
	m, err := adapters.ParseMapping(p.Mapping)
	if err != nil {
		return 0, err
	}
	if r.Field != adapters.FieldCategory && r.Field != adapters.FieldRegion {
		return 0, model.Invalid("field", "invalid", "invalid.platform.resolve_field")
	}
	if strings.TrimSpace(r.Ours) == "" {
		return 0, model.Invalid("ours", "required", "invalid.platform.resolve_ours")
	}
	m, err = m.WithValue(r.Field, r.Theirs, strings.TrimSpace(r.Ours))
	if err != nil {
		return 0, err
	}
	if err := s.checkTargets(ctx, m); err != nil {
		var fe *model.FieldError
		if errors.As(err, &fe) {
			return 0, fe.WithField("ours")
		}
		return 0, err
	}
	p.Mapping = m.Marshal()
	kind := "分类"
	if r.Field == adapters.FieldRegion {
		kind = "区划"
	}
	if err := s.Store.UpdatePlatform(ctx, store.Audited("platform.resolve", fmt.Sprintf("platform:%d", id),
		fmt.Sprintf("工单平台 %s 映射%s %s → %s", p.Name, kind, r.Theirs, r.Ours)), &p); err != nil {
		return 0, err
	}
	return s.Retry(ctx, p)
}

// Retry takes again every order of p parked now, as its mapping stands; it returns how
// many became cases.
func (s *Service) Retry(ctx context.Context, p store.Platform) (int, error) {
	registered := 0
	for {
		parked, err := s.Store.ParkedOrders(ctx, p.ID, 200)
		if err != nil {
			return registered, err
		}
		progress := false
		for _, o := range parked {
			r, err := s.Receive(ctx, p, []byte(o.Payload))
			if err != nil {
				return registered, err
			}
			if r.State == store.OrderRegistered && !r.Existing {
				registered++
				progress = true
			}
		}
		if !progress || len(parked) < 200 {
			return registered, nil
		}
	}
}
