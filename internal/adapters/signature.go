package adapters

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The signature scheme, both directions: the sender puts the Unix time in seconds in
// the timestamp header and hex(HMAC-SHA256(secret, timestamp + "." + body)) in the
// signature header ("sha256=" in front is accepted). The receiver refuses a
// timestamp more than MaxSkew from its clock, so a captured request cannot be
// replayed later, and a signature that does not match.
const MaxSkew = 5 * time.Minute

// Default header names, when a platform's are not configured.
const (
	DefaultSignatureHeader = "X-Signature"
	DefaultTimestampHeader = "X-Timestamp"
)

// Sign is the signature of body sent at timestamp.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Why a signed request is refused.
var (
	ErrNoTimestamp  = errors.New("timestamp missing or not a Unix time")
	ErrStale        = errors.New("timestamp too far from now")
	ErrNoSignature  = errors.New("signature missing")
	ErrBadSignature = errors.New("signature does not match")
)

// Verify checks a request's timestamp and signature headers against body at now.
func Verify(secret, timestamp, signature string, body []byte, now time.Time) error {
	timestamp = strings.TrimSpace(timestamp)
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || sec <= 0 {
		return ErrNoTimestamp
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > MaxSkew || d < -MaxSkew {
		return ErrStale
	}
	signature = strings.TrimPrefix(strings.TrimSpace(signature), "sha256=")
	if signature == "" {
		return ErrNoSignature
	}
	got, err := hex.DecodeString(signature)
	if err != nil {
		return ErrBadSignature
	}
	want, _ := hex.DecodeString(Sign(secret, timestamp, body))
	if !hmac.Equal(got, want) {
		return ErrBadSignature
	}
	return nil
}
