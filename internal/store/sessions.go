package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Session is a signed-in browser. The cookie holds a random token; the database holds
// only its SHA-256, so a leaked database does not leak live sessions.
type Session struct {
	TokenHash  string
	UserID     int64
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute limit, whatever the activity
	ClientIP   string
	UserAgent  string
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, e AuditEntry, ss Session) error {
	_, err := s.exec(ctx, e, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, client_ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ss.TokenHash, ss.UserID, ss.CSRFToken, ss.CreatedAt.UTC(), ss.LastSeenAt.UTC(), ss.ExpiresAt.UTC(), ss.ClientIP, ss.UserAgent)
	return err
}

// SessionByHash returns the session with that token hash.
func (s *Store) SessionByHash(ctx context.Context, hash string) (Session, error) {
	var ss Session
	err := s.queryRow(ctx, `SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, client_ip, user_agent
		FROM sessions WHERE token_hash = ?`, hash).
		Scan(&ss.TokenHash, &ss.UserID, &ss.CSRFToken, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt, &ss.ClientIP, &ss.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, ErrNotFound
	}
	return ss, err
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, hash string, at time.Time) error {
	_, err := s.exec(ctx, NotAudited("a session's last visit"), "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", at.UTC(), hash)
	return err
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, e AuditEntry, hash string) error {
	defer s.identityChanged()
	_, err := s.exec(ctx, e, "DELETE FROM sessions WHERE token_hash = ?", hash)
	return err
}

// DeleteExpiredSessions removes sessions past their absolute limit or idle since
// before idleBefore, and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, at, idleBefore time.Time) (int64, error) {
	defer s.identityChanged()
	res, err := s.exec(ctx, NotAudited("expired sessions"), "DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?", at.UTC(), idleBefore.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// APIToken is a credential another system uses as a user. Only the token's SHA-256 is
// kept; Prefix (its first characters) lets an admin tell tokens apart.
type APIToken struct {
	ID         int64
	Name       string
	UserID     int64
	Prefix     string
	CreatedBy  int64
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// CreateAPIToken stores a token by its hash and fills in its id.
func (s *Store) CreateAPIToken(ctx context.Context, e AuditEntry, t *APIToken, hash string) error {
	t.CreatedAt = now()
	err := s.InTx(ctx, e, func(tx *Tx) error {
		return tx.queryRow(ctx, `INSERT INTO api_tokens (name, user_id, token_hash, prefix, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, t.Name, t.UserID, hash, t.Prefix, t.CreatedBy, t.CreatedAt).Scan(&t.ID)
	})
	if err != nil && isForeignKeyViolation(err) {
		return ErrNotFound
	}
	return err
}

const apiTokenCols = "id, name, user_id, prefix, created_by, created_at, revoked_at, last_used_at"

func scanAPIToken(r interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var revoked, used sql.NullTime
	err := r.Scan(&t.ID, &t.Name, &t.UserID, &t.Prefix, &t.CreatedBy, &t.CreatedAt, &revoked, &used)
	if revoked.Valid {
		t.RevokedAt = &revoked.Time
	}
	if used.Valid {
		t.LastUsedAt = &used.Time
	}
	return t, err
}

// APITokenByHash returns the live (unrevoked) token with that hash.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanAPIToken(s.queryRow(ctx, "SELECT "+apiTokenCols+" FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// APITokens lists every token, newest first.
func (s *Store) APITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.query(ctx, "SELECT "+apiTokenCols+" FROM api_tokens ORDER BY id DESC")
	return scanAll(rows, err, func(r *sql.Rows) (APIToken, error) { return scanAPIToken(r) })
}

// RevokeAPIToken revokes a token; revoking a revoked token is not an error.
func (s *Store) RevokeAPIToken(ctx context.Context, e AuditEntry, id int64) error {
	res, err := s.exec(ctx, e, "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", now(), id)
	return affectedOne(res, err, "")
}

// TouchAPIToken records a token's use.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.exec(ctx, NotAudited("a token's last use"), "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at.UTC(), id)
	return err
}
