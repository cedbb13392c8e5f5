package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// The audit chain is keyed. A plain hash chain proves nothing to someone who can write
// the database: they edit a row and recompute every hash after it. Each row's hash is
// therefore an HMAC-SHA256 under a key kept outside the database (a file, or
// ONEDOOR_AUDIT_KEY; internal/audit loads it), and names the key by its id, so that
// keys can be rotated and rows chained before keying began (key_id '') keep their
// plain SHA-256 and still verify. A cut tail is the anchors' business (internal/audit).

// AuditKeyMinBytes is the shortest secret accepted for an audit key.
const AuditKeyMinBytes = 32

// AuditKey is a secret that seals audit rows.
type AuditKey struct {
	// ID names the key in every row it seals. It is derived from the secret and tells
	// nothing of it.
	ID     string
	secret []byte
}

// NewAuditKey is the key with the given secret.
func NewAuditKey(secret []byte) (AuditKey, error) {
	if len(secret) < AuditKeyMinBytes {
		return AuditKey{}, fmt.Errorf("an audit key needs at least %d bytes, got %d", AuditKeyMinBytes, len(secret))
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("onedoor audit key id"))
	return AuditKey{ID: hex.EncodeToString(mac.Sum(nil)[:8]), secret: append([]byte(nil), secret...)}, nil
}

// auditKeyring is the keys a store holds: the current one seals new rows, the retired
// ones (kept in the key file after a rotation) still verify the rows they sealed.
type auditKeyring struct {
	current AuditKey
	byID    map[string]AuditKey
}

func (k *auditKeyring) has(id string) bool {
	if k == nil {
		return false
	}
	_, ok := k.byID[id]
	return ok
}

// AuditKeyError says the database's chain is keyed with a key this process does not
// hold: extending it would seal rows no verifier could check against the earlier ones,
// and a key made up anew would be one nobody can verify the chain with.
type AuditKeyError struct {
	InUse string // the id of the key the chain is keyed with
	Held  []string
}

func (e *AuditKeyError) Error() string {
	if len(e.Held) == 0 {
		return fmt.Sprintf("the audit chain is keyed with key %s, and no audit key was given", e.InUse)
	}
	return fmt.Sprintf("the audit chain is keyed with key %s, which the given audit keys (%s) do not include", e.InUse, strings.Join(e.Held, ", "))
}

// errNoAuditKey stops a process without a key from extending a keyed chain.
var errNoAuditKey = errors.New("audit: the chain is keyed and this process holds no audit key")

// SetAuditKeys gives the store its audit keys without touching the database: the last
// seals new rows, all of them verify. audit-verify uses it; a server uses UseAuditKeys.
func (s *Store) SetAuditKeys(keys ...AuditKey) error {
	if len(keys) == 0 {
		return errors.New("audit: no key")
	}
	ring := &auditKeyring{current: keys[len(keys)-1], byID: map[string]AuditKey{}}
	for _, k := range keys {
		ring.byID[k.ID] = k
	}
	s.auditKeys.Store(ring)
	return nil
}

// auditKey is the key new rows are sealed with; nil when the store holds none.
func (s *Store) auditKey() *AuditKey {
	if ring := s.auditKeys.Load(); ring != nil {
		return &ring.current
	}
	return nil
}

// AuditKeyIDs are the ids of the keys the store holds, the current one last.
func (s *Store) AuditKeyIDs() []string {
	ring := s.auditKeys.Load()
	if ring == nil {
		return nil
	}
	var ids []string
	for id := range ring.byID {
		if id != ring.current.ID {
			ids = append(ids, id)
		}
	}
	return append(ids, ring.current.ID)
}

// AuditKeyInUse is the id of the key the chain is keyed with, empty while it was never
// keyed: the key audit_head was adopted to, or else the last row's.
func (s *Store) AuditKeyInUse(ctx context.Context) (string, error) {
	var id string
	if err := s.w.QueryRowContext(ctx, "SELECT key_id FROM audit_head WHERE id = 1").Scan(&id); err != nil {
		return "", fmt.Errorf("audit head: %w", err)
	}
	if id != "" {
		return id, nil
	}
	switch err := s.w.QueryRowContext(ctx, "SELECT key_id FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("audit log: %w", err)
	}
	return id, nil
}

// UseAuditKeys makes the store seal its audit rows with the last of keys, after
// checking that the chain is not keyed with a key outside them (*AuditKeyError). The
// first key a chain gets, and every new current key (a rotation), is adopted in
// audit_head in a compare-and-set, so that of two nodes starting with different keys
// one wins and the other refuses; an adoption after unkeyed rows, and a rotation, is
// itself an audit entry, the marker from which rows are sealed with the new key. On
// PostgreSQL it then seals what a process left waiting; a server then starts the
// sealer (StartAuditSealer).
func (s *Store) UseAuditKeys(ctx context.Context, log *slog.Logger, keys ...AuditKey) error {
	if err := s.SetAuditKeys(keys...); err != nil {
		return err
	}
	ring := s.auditKeys.Load()
	for {
		inUse, err := s.AuditKeyInUse(ctx)
		if err != nil {
			return err
		}
		if inUse != "" && !ring.has(inUse) {
			return &AuditKeyError{InUse: inUse, Held: s.AuditKeyIDs()}
		}
		if inUse == ring.current.ID {
			break
		}
		var headID int64
		var headKey string
		if err := s.w.QueryRowContext(ctx, s.q("SELECT last_id, key_id FROM audit_head WHERE id = 1")).Scan(&headID, &headKey); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		if headKey != "" && headKey != inUse {
			continue // another node adopted a key since inUse was read: check that one
		}
		summary := fmt.Sprintf("审计链改用密钥 %s（此前为 %s）", ring.current.ID, inUse)
		if inUse == "" {
			summary = fmt.Sprintf("审计链自此以密钥 %s 签记，此前 %d 行未签", ring.current.ID, headID)
		}
		adopted := false
		// A log with nothing in it yet records no change of key.
		actx, entry := ctx, NotAudited("the first key of an empty log")
		if headID > 0 || inUse != "" {
			actx, entry = WithActor(ctx, Actor{Name: "onedoor"}), Audited("audit.key", "audit_key:"+ring.current.ID, summary)
		}
		err = s.InTx(actx, entry, func(tx *Tx) error {
			res, err := tx.exec(ctx, "UPDATE audit_head SET key_id = ? WHERE id = 1 AND key_id = ?", ring.current.ID, headKey)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			adopted = n == 1
			if !adopted {
				return errKeyRace
			}
			return nil
		})
		if errors.Is(err, errKeyRace) {
			continue // another node adopted a key meanwhile: look again
		}
		if err != nil {
			return fmt.Errorf("audit key: %w", err)
		}
		if log != nil {
			log.Info("audit chain keyed", "key_id", ring.current.ID, "previous_key_id", inUse, "unkeyed_rows_before", headID)
		}
		break
	}
	if s.dialect == Postgres {
		// Entries a process committed and did not live to seal (auditseal.go).
		if _, err := s.SealAudit(ctx); err != nil {
			return err
		}
	}
	return nil
}

var errKeyRace = errors.New("audit: the head's key changed meanwhile")
