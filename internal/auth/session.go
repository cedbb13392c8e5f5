package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// Errors that sign-in reports. They are deliberately coarse: an unknown user and a
// wrong password look the same to the caller, so names cannot be probed.
var (
	ErrBadCredentials  = errors.New("auth: wrong user name or password")
	ErrAccountDisabled = errors.New("auth: account disabled")
	ErrSessionExpired  = errors.New("auth: session expired")
	ErrNoSession       = errors.New("auth: not signed in")
	ErrBadToken        = errors.New("auth: invalid API token")
)

// Principal is who is acting: the user, where they sit, and what they may see.
type Principal struct {
	User       model.User
	Region     model.Region
	Department *model.Department
	ViaToken   bool // an API token, not a browser session
}

// Has reports whether the principal holds role r.
func (p *Principal) Has(r model.Role) bool { return p != nil && p.User.Has(r) }

// Scope is the region subtree the principal's data scope starts from (DESIGN.md §2).
func (p *Principal) Scope() string { return p.Region.Path }

// Service signs users in and recognises them on later requests.
type Service struct {
	Store           *store.Store
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	Now             func() time.Time

	dummyOnce sync.Once
	dummyHash string
}

// NewService returns a Service with the given timeouts and the real clock.
func NewService(st *store.Store, idle, absolute time.Duration) *Service {
	return &Service{Store: st, IdleTimeout: idle, AbsoluteTimeout: absolute, Now: time.Now}
}

// Login checks a user name and password and opens a session. It returns the
// session's cookie token (kept only by the browser) and the session row.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (*Principal, string, store.Session, error) {
	username = strings.TrimSpace(username)
	u, hash, err := s.Store.UserCredentials(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check, so response time does not tell which
		// user names exist.
		s.dummyOnce.Do(func() { s.dummyHash, _ = HashPassword("not-a-real-password-1") })
		_, _ = VerifyPassword(s.dummyHash, password)
		return nil, "", store.Session{}, ErrBadCredentials
	}
	if err != nil {
		return nil, "", store.Session{}, err
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return nil, "", store.Session{}, err
	}
	if !ok {
		return nil, "", store.Session{}, ErrBadCredentials
	}
	if !u.Active {
		return nil, "", store.Session{}, ErrAccountDisabled
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, "", store.Session{}, err
	}
	token := NewToken()
	t := s.Now().UTC()
	sess := store.Session{
		TokenHash: HashToken(token), UserID: u.ID, CSRFToken: NewToken(),
		CreatedAt: t, LastSeenAt: t, ExpiresAt: t.Add(s.AbsoluteTimeout),
		ClientIP: ip, UserAgent: truncate(userAgent, 300),
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return nil, "", store.Session{}, err
	}
	return p, token, sess, nil
}

// touchEvery limits how often a busy session's last-seen time is written: once a
// minute is precise enough for an idle timeout measured in minutes.
const touchEvery = time.Minute

// Session recognises a browser by its cookie token.
func (s *Service) Session(ctx context.Context, token string) (*Principal, store.Session, error) {
	if token == "" {
		return nil, store.Session{}, ErrNoSession
	}
	hash := HashToken(token)
	sess, err := s.Store.SessionByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sess, ErrSessionExpired
	}
	if err != nil {
		return nil, sess, err
	}
	t := s.Now()
	if t.After(sess.ExpiresAt) || t.Sub(sess.LastSeenAt) > s.IdleTimeout {
		_ = s.Store.DeleteSession(ctx, hash)
		return nil, sess, ErrSessionExpired
	}
	u, err := s.Store.User(ctx, sess.UserID)
	if err != nil {
		return nil, sess, err
	}
	if !u.Active {
		_ = s.Store.DeleteSession(ctx, hash)
		return nil, sess, ErrSessionExpired
	}
	if t.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.Store.TouchSession(ctx, hash, t); err != nil {
			return nil, sess, err
		}
	}
	p, err := s.principal(ctx, u)
	return p, sess, err
}

// Logout ends the session with that cookie token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, HashToken(token))
}

// APITokenPrefix starts every API token, so a leaked one is recognisable in logs and
// by secret scanners.
const APITokenPrefix = "odt_"

// IssueAPIToken creates a token acting as userID; the token itself is returned once
// and never stored.
func (s *Service) IssueAPIToken(ctx context.Context, name string, userID, createdBy int64) (string, store.APIToken, error) {
	tok := APITokenPrefix + NewToken()
	t := store.APIToken{Name: name, UserID: userID, CreatedBy: createdBy, Prefix: tok[:len(APITokenPrefix)+6]}
	err := s.Store.CreateAPIToken(ctx, &t, HashToken(tok))
	return tok, t, err
}

// Token recognises another system by its bearer token.
func (s *Service) Token(ctx context.Context, tok string) (*Principal, error) {
	if !strings.HasPrefix(tok, APITokenPrefix) {
		return nil, ErrBadToken
	}
	t, err := s.Store.APITokenByHash(ctx, HashToken(tok))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	u, err := s.Store.User(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, ErrBadToken
	}
	at := s.Now()
	if t.LastUsedAt == nil || at.Sub(*t.LastUsedAt) > touchEvery {
		_ = s.Store.TouchAPIToken(ctx, t.ID, at)
	}
	p, err := s.principal(ctx, u)
	if p != nil {
		p.ViaToken = true
	}
	return p, err
}

func (s *Service) principal(ctx context.Context, u model.User) (*Principal, error) {
	g, err := s.Store.Region(ctx, u.RegionID)
	if err != nil {
		return nil, err
	}
	p := &Principal{User: u, Region: g}
	if u.DepartmentID != 0 {
		d, err := s.Store.Department(ctx, u.DepartmentID)
		if err != nil {
			return nil, err
		}
		p.Department = &d
	}
	return p, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
