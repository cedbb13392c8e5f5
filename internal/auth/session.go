package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
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
	ErrThrottled       = errors.New("auth: too many failed sign-ins from this address")
)

// LockedError says an account is locked after repeated failures, and until when.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "auth: account locked until " + e.Until.Format(time.RFC3339)
}

// Sign-in throttling: an account locks after MaxFailures wrong passwords in a row, for
// LockFor; an address may fail IPFailures times per IPWindow before it must wait.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
	IPFailures  = 20
	IPWindow    = 10 * time.Minute
)

// signInFailures counts failed sign-ins per address in the store, so that every node
// counts one limit and a restart keeps it.
var signInFailures = store.RateLimit{Name: "login.failures", Max: IPFailures, Window: IPWindow}

// AddressSubject is the client at address ip as a per-address limit counts it: an
// IPv4 address whole, an IPv6 address by its /64 (the network one subscriber is
// given, any address of which is theirs to take), anything else as it is.
func AddressSubject(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}

// Principal is who is acting: the user, where they sit, and what they may see.
type Principal struct {
	User       model.User
	Region     model.Region
	Department *model.Department
	ViaToken   bool // an API token, not a browser session
}

// copy is a deep copy, sharing nothing a caller could change.
func (p Principal) copy() Principal {
	p.User.Roles = slices.Clone(p.User.Roles)
	if p.Department != nil {
		d := *p.Department
		p.Department = &d
	}
	return p
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

	cacheMu  sync.Mutex
	sessions map[string]cachedSession // token hash -> what Session found
}

// sessionCacheFor is how long Session trusts what it read about a session: a busy desk
// sends several requests a second, and reading the session, the user, their roles,
// region and department for each was a good part of intake's CPU (a profile of
// `onedoor bench -what intake`). Any change this process
// makes to users, sessions, regions or departments empties the cache at once
// (Store.IdentityVersion); a change made by another server sharing the database takes
// effect within this time.
const sessionCacheFor = 2 * time.Second

// maxCachedSessions bounds the cache; past it, the cache starts afresh.
const maxCachedSessions = 20000

type cachedSession struct {
	principal Principal
	session   store.Session
	version   int64
	until     time.Time
}

// NewService returns a Service with the given timeouts and the real clock.
func NewService(st *store.Store, idle, absolute time.Duration) *Service {
	return &Service{Store: st, IdleTimeout: idle, AbsoluteTimeout: absolute, Now: time.Now}
}

// Login checks a user name and password and opens a session. It returns the
// session's cookie token (kept only by the browser) and the session row. Every
// attempt, good or bad, is audited; repeated failures lock the account and throttle
// the address.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (*Principal, string, store.Session, error) {
	username = strings.TrimSpace(username)
	fail := func(action, summary string, userID int64, err error) (*Principal, string, store.Session, error) {
		actx := store.WithActor(ctx, store.Actor{ID: userID, Name: username, IP: ip})
		if aerr := s.Store.Audit(actx, action, "user:"+username, summary); aerr != nil {
			return nil, "", store.Session{}, aerr
		}
		return nil, "", store.Session{}, err
	}
	address := AddressSubject(ip)
	failures, _, err := s.Store.RateCount(ctx, signInFailures, address, s.Now())
	if err != nil {
		return nil, "", store.Session{}, err
	}
	if failures >= IPFailures {
		return fail("login.throttled", "该地址登录失败次数过多，暂停登录", 0, ErrThrottled)
	}
	addressFailed := func() error { return s.Store.RateRecord(ctx, signInFailures, address, s.Now()) }
	u, hash, err := s.Store.UserCredentials(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check, so response time does not tell which
		// user names exist.
		s.dummyOnce.Do(func() { s.dummyHash, _ = HashPassword("not-a-real-password-1") })
		_, _ = VerifyPassword(s.dummyHash, password)
		if err := addressFailed(); err != nil {
			return nil, "", store.Session{}, err
		}
		return fail("login.failed", "用户名不存在", 0, ErrBadCredentials)
	}
	if err != nil {
		return nil, "", store.Session{}, err
	}
	t := s.Now().UTC()
	state, err := s.Store.LoginState(ctx, u.ID)
	if err != nil {
		return nil, "", store.Session{}, err
	}
	if state.LockedUntil != nil && t.Before(*state.LockedUntil) {
		return fail("login.locked", "账号锁定期间尝试登录", u.ID, &LockedError{Until: *state.LockedUntil})
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return nil, "", store.Session{}, err
	}
	if !ok {
		if err := addressFailed(); err != nil {
			return nil, "", store.Session{}, err
		}
		state, err := s.Store.RecordLoginFailure(ctx, u.ID, MaxFailures, t.Add(LockFor))
		if err != nil {
			return nil, "", store.Session{}, err
		}
		if state.LockedUntil != nil {
			return fail("login.failed", fmt.Sprintf("密码错误，连续 %d 次，账号锁定至 %s", state.Failed, state.LockedUntil.Format(time.RFC3339)), u.ID, &LockedError{Until: *state.LockedUntil})
		}
		return fail("login.failed", fmt.Sprintf("密码错误（连续第 %d 次）", state.Failed), u.ID, ErrBadCredentials)
	}
	if !u.Active {
		return fail("login.failed", "账号已停用", u.ID, ErrAccountDisabled)
	}
	if state.Failed > 0 || state.LockedUntil != nil {
		if err := s.Store.ResetLoginFailures(ctx, store.NotAudited("a login's own success, audited as the login"), u.ID); err != nil {
			return nil, "", store.Session{}, err
		}
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, "", store.Session{}, err
	}
	token := NewToken()
	sess := store.Session{
		TokenHash: HashToken(token), UserID: u.ID, CSRFToken: NewToken(),
		CreatedAt: t, LastSeenAt: t, ExpiresAt: t.Add(s.AbsoluteTimeout),
		ClientIP: ip, UserAgent: truncate(userAgent, 300),
	}
	actx := store.WithActor(ctx, store.Actor{ID: u.ID, Name: u.Username, IP: ip})
	if err := s.Store.CreateSession(actx, store.Audited("login", fmt.Sprintf("user:%d", u.ID), "登录成功"), sess); err != nil {
		return nil, "", store.Session{}, err
	}
	return p, token, sess, nil
}

// Unlock clears an account's lock and failure count (an admin's action, audited as e).
func (s *Service) Unlock(ctx context.Context, e store.AuditEntry, userID int64) error {
	return s.Store.ResetLoginFailures(ctx, e, userID)
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
	t := s.Now()
	if p, sess, ok := s.cachedSession(hash, t); ok {
		return p, sess, nil
	}
	version := s.Store.IdentityVersion()
	sess, err := s.Store.SessionByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sess, ErrSessionExpired
	}
	if err != nil {
		return nil, sess, err
	}
	if t.After(sess.ExpiresAt) || t.Sub(sess.LastSeenAt) > s.IdleTimeout {
		_ = s.Store.DeleteSession(ctx, store.NotAudited("an expired session"), hash)
		return nil, sess, ErrSessionExpired
	}
	u, err := s.Store.User(ctx, sess.UserID)
	if err != nil {
		return nil, sess, err
	}
	if !u.Active {
		_ = s.Store.DeleteSession(ctx, store.NotAudited("a session of a deactivated account"), hash)
		return nil, sess, ErrSessionExpired
	}
	if t.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.Store.TouchSession(ctx, hash, t); err != nil {
			return nil, sess, err
		}
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, sess, err
	}
	s.cacheSession(hash, *p, sess, version, t)
	return p, sess, nil
}

// cachedSession answers from the cache while the entry is fresh, nothing about
// identities has changed since it was read, and the session is still within its limits.
// The principal is a copy: a request may not change what the next one sees.
func (s *Service) cachedSession(hash string, t time.Time) (*Principal, store.Session, bool) {
	s.cacheMu.Lock()
	c, ok := s.sessions[hash]
	s.cacheMu.Unlock()
	if !ok || !t.Before(c.until) || c.version != s.Store.IdentityVersion() ||
		t.After(c.session.ExpiresAt) || t.Sub(c.session.LastSeenAt) > s.IdleTimeout {
		return nil, store.Session{}, false
	}
	p := c.principal.copy()
	return &p, c.session, true
}

func (s *Service) cacheSession(hash string, p Principal, sess store.Session, version int64, t time.Time) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.sessions == nil || len(s.sessions) >= maxCachedSessions {
		s.sessions = map[string]cachedSession{}
	}
	s.sessions[hash] = cachedSession{principal: p.copy(), session: sess, version: version, until: t.Add(sessionCacheFor)}
}

// Logout ends the session with that cookie token, audited as the session's user.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	sess, err := s.Store.SessionByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Store.DeleteSession(ctx, store.Audited("logout", fmt.Sprintf("user:%d", sess.UserID), "退出登录"), sess.TokenHash)
}

// APITokenPrefix starts every API token, so a leaked one is recognisable in logs and
// by secret scanners.
const APITokenPrefix = "odt_"

// IssueAPIToken creates a token acting as userID, audited as e; the token itself is
// returned once and never stored.
func (s *Service) IssueAPIToken(ctx context.Context, e store.AuditEntry, name string, userID, createdBy int64) (string, store.APIToken, error) {
	tok := APITokenPrefix + NewToken()
	t := store.APIToken{Name: name, UserID: userID, CreatedBy: createdBy, Prefix: tok[:len(APITokenPrefix)+6]}
	err := s.Store.CreateAPIToken(ctx, e, &t, HashToken(tok))
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
