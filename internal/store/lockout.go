package store

import (
	"context"
	"database/sql"
	"time"
)

// LoginState is a user's run of failed sign-ins and any lock it earned.
type LoginState struct {
	Failed      int
	LockedUntil *time.Time
}

// LoginState reads a user's failed sign-ins and lock.
func (s *Store) LoginState(ctx context.Context, userID int64) (LoginState, error) {
	var st LoginState
	var locked sql.NullTime
	err := s.queryRow(ctx, "SELECT failed_logins, locked_until FROM users WHERE id = ?", userID).Scan(&st.Failed, &locked)
	st.LockedUntil = timePtr(locked)
	return st, err
}

// RecordLoginFailure counts one more failed sign-in and, at max failures in a row,
// locks the account until lockUntil. It returns the new state.
func (s *Store) RecordLoginFailure(ctx context.Context, userID int64, max int, lockUntil time.Time) (LoginState, error) {
	var st LoginState
	err := s.InTx(ctx, NotAudited("a failed login, audited by its caller on its own"), func(tx *Tx) error {
		if err := tx.queryRow(ctx, "SELECT failed_logins FROM users WHERE id = ?", userID).Scan(&st.Failed); err != nil {
			return err
		}
		st.Failed++
		var until any
		if st.Failed >= max {
			u := lockUntil.UTC()
			st.LockedUntil, until = &u, u
		}
		_, err := tx.exec(ctx, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", st.Failed, until, userID)
		return err
	})
	return st, err
}

// ResetLoginFailures clears the failure count and lock: after a good sign-in, or when
// an admin unlocks the account.
func (s *Store) ResetLoginFailures(ctx context.Context, e AuditEntry, userID int64) error {
	res, err := s.exec(ctx, e, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", userID)
	return affectedOne(res, err, "")
}
