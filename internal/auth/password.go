// Package auth signs people and systems in: password hashing, sessions, API tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/onedoor/onedoor/internal/model"
)

// argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane).
// BenchmarkHashPassword measures what a login's hash costs.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// hashing lets one argon2 computation run at a time, and each is followed by a garbage
// collection. A hash holds argonMemory (19 MiB) while it runs and it is garbage the
// moment the key is out; but the collector paces itself by the live heap, which
// includes the hash's memory while it runs, so a burst of sign-ins (a centre's morning)
// let garbage hashes pile up, and the server's memory grew with every hash run at once
// or left uncollected (the server's peak RSS while `onedoor bench -users 200` signs its
// users in). Sign-ins queue for the hasher instead, one hash at a time; a collection
// of the server's small live heap is cheap beside a hash.
var hashing = make(chan struct{}, 1)

func idKey(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	key := argon2.IDKey(pw, salt, time, memory, threads, keyLen)
	runtime.GC()
	return key
}

// HashPassword returns an encoded argon2id hash of pw with a fresh salt.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword reports whether pw matches the encoded hash, in constant time.
func VerifyPassword(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	got := idKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// commonPasswords are refused outright: the usual first guesses in Chinese and
// international leaks.
var commonPasswords = map[string]bool{
	"12345678": true, "123456789": true, "1234567890": true, "88888888": true, "11111111": true,
	"00000000": true, "66666666": true, "password": true, "password1": true, "password123": true,
	"qwerty123": true, "qwertyuiop": true, "abc12345": true, "abcd1234": true, "a1234567": true,
	"1qaz2wsx": true, "1q2w3e4r": true, "iloveyou": true, "woaini1314": true, "5201314520": true,
	"admin123": true, "admin@123": true, "admin1234": true, "p@ssw0rd": true, "passw0rd": true,
	"123qweasd": true, "zxcvbnm123": true, "aa123456": true, "qq123456": true, "123123123": true,
}

// Password length limits. The upper one bounds the hashing work an attacker can ask for.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// CheckPassword applies the password rules: 8–128 characters, at least two of letters,
// digits and symbols, not containing the user name, not a common password.
func CheckPassword(username, pw string) *model.FieldError {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return model.Invalid("password", "password_too_short", "invalid.password.too_short", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return model.Invalid("password", "password_too_long", "invalid.password.too_long", MaxPasswordLen)
	}
	var letters, digits, others bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letters = true
		case unicode.IsDigit(r):
			digits = true
		default:
			others = true
		}
	}
	classes := 0
	for _, b := range []bool{letters, digits, others} {
		if b {
			classes++
		}
	}
	if classes < 2 {
		return model.Invalid("password", "password_too_simple", "invalid.password.too_simple")
	}
	lower := strings.ToLower(pw)
	if username != "" && strings.Contains(lower, strings.ToLower(username)) {
		return model.Invalid("password", "password_contains_username", "invalid.password.contains_username")
	}
	if commonPasswords[lower] {
		return model.Invalid("password", "password_common", "invalid.password.common")
	}
	return nil
}

// NewToken returns a random 256-bit token, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a session or API token is kept and looked up: its SHA-256, in hex.
// A 256-bit random token needs no slow hash; this keeps every request cheap.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
