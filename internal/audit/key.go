package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/store"
)

// The audit key lives outside the database, so that whoever can write the database
// cannot also reseal what they changed (store/auditkey.go). It is a file of hex lines,
// or the same text in ONEDOOR_AUDIT_KEY: one key per line (or comma), the current one
// last, the retired ones before it, still needed to verify the rows they sealed; lines
// starting with # are comments. docs/audit.md says what to back up and how to rotate.

// KeySource says where the audit keys are: Value, the text of ONEDOOR_AUDIT_KEY, wins
// over the file at Path.
type KeySource struct {
	Value string
	Path  string
}

func (src KeySource) String() string {
	if src.Value != "" {
		return "ONEDOOR_AUDIT_KEY"
	}
	return src.Path
}

// ParseKeys reads keys from the text of a key file or of ONEDOOR_AUDIT_KEY.
func ParseKeys(text string) ([]store.AuditKey, error) {
	var keys []store.AuditKey
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, field := range strings.Split(line, ",") {
			field = strings.TrimSpace(field)
			if field == "" {
				continue
			}
			secret, err := hex.DecodeString(field)
			if err != nil {
				return nil, fmt.Errorf("line %d: an audit key is hexadecimal", i+1)
			}
			k, err := store.NewAuditKey(secret)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// ReadKeys reads the keys of src; none (and no error) when ONEDOOR_AUDIT_KEY is empty
// and the file does not exist.
func ReadKeys(src KeySource) ([]store.AuditKey, error) {
	text := src.Value
	if text == "" {
		raw, err := os.ReadFile(src.Path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("audit key file: %w", err)
		}
		text = string(raw)
	}
	keys, err := ParseKeys(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no audit key", src)
	}
	return keys, nil
}

// createKeyFile writes a new random key to path, which must not exist yet, and makes
// it durable before the key seals anything.
func createKeyFile(path string, now time.Time) ([]store.AuditKey, error) {
	secret := make([]byte, store.AuditKeyMinBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	key, err := store.NewAuditKey(secret)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf(`# onedoor audit key %s, created %s.
# It seals the audit log: keep a copy with your backups, apart from the database
# (docs/audit.md). Without it the log can no longer be shown untouched.
# To rotate, add a new line below; keep this one, it verifies the rows it sealed.
%s
`, key.ID, now.UTC().Format(time.RFC3339), hex.EncodeToString(secret))
	if err := writeNewFile(path, []byte(text), 0o600); err != nil {
		return nil, fmt.Errorf("audit key file: %w", err)
	}
	return []store.AuditKey{key}, nil
}

// writeNewFile creates path with data, fsynced, and fsyncs its folder so that the
// file's name survives a crash too.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// UseKeys gives a server's store its audit keys (store.UseAuditKeys). When src holds
// none and the database's chain was never keyed — a new database, or one from before
// keying — it creates the key file first. It never makes up a key for a chain that
// is keyed: it refuses, saying which key the chain needs, since a new key would leave
// every row sealed so far unverifiable.
func UseKeys(ctx context.Context, st *store.Store, src KeySource, log *slog.Logger) error {
	keys, err := ReadKeys(src)
	if err != nil {
		return err
	}
	created := false
	if keys == nil {
		inUse, err := st.AuditKeyInUse(ctx)
		if err != nil {
			return err
		}
		if inUse != "" {
			return fmt.Errorf("no audit key: %s does not exist and ONEDOOR_AUDIT_KEY is empty, but the audit log is sealed with key %s. "+
				"Restore that key file from your backup (docs/audit.md); starting with a new key would leave the log unverifiable", src.Path, inUse)
		}
		if keys, err = createKeyFile(src.Path, time.Now()); err != nil {
			return err
		}
		created = true
		if log != nil {
			log.Warn("audit key created: back it up apart from the database (docs/audit.md)", "file", src.Path, "key_id", keys[0].ID)
		}
	}
	err = st.UseAuditKeys(ctx, log, keys...)
	var keyErr *store.AuditKeyError
	if errors.As(err, &keyErr) {
		if created {
			// Another node keyed the chain first; the key made here sealed nothing.
			os.Remove(src.Path)
		}
		return fmt.Errorf("%w: give this node the audit key the log was sealed with (a copy of the key file of the node that keyed it, or of your backup), in %s", err, src)
	}
	return err
}

// VerifierKeys gives audit-verify's store the keys of src, without writing anything:
// none for a chain never keyed, an error for a keyed chain without them.
func VerifierKeys(ctx context.Context, st *store.Store, src KeySource) error {
	keys, err := ReadKeys(src)
	if err != nil {
		return err
	}
	if keys != nil {
		return st.SetAuditKeys(keys...)
	}
	inUse, err := st.AuditKeyInUse(ctx)
	if err != nil {
		return err
	}
	if inUse != "" {
		return fmt.Errorf("the audit log is sealed with key %s, and %s does not exist nor is ONEDOOR_AUDIT_KEY set: give audit-verify the key (-audit-key-file, or ONEDOOR_AUDIT_KEY)", inUse, src.Path)
	}
	return nil
}
