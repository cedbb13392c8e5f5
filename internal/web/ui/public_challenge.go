package ui

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math/big"
	"strconv"
	"strings"
)

// challenge is an arithmetic question the public form asks an address that has
// submitted often: the answer never leaves the server, the token carries its HMAC,
// the address it was asked of and its expiry.
type challenge struct {
	A, B  int
	Token string
}

func randInt(lo, hi int) int {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(hi-lo+1)))
	if err != nil {
		panic(err)
	}
	return lo + int(n.Int64())
}

// mac signs one question's answer for ip until exp.
func (g *publicGuard) mac(ip string, exp int64, nonce []byte, answer int) []byte {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte("onedoor public challenge\x00" + ip + "\x00"))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(exp))
	m.Write(b[:])
	m.Write(nonce)
	m.Write([]byte("\x00" + strconv.Itoa(answer)))
	return m.Sum(nil)
}

// newChallenge asks a fresh question of ip.
func (g *publicGuard) newChallenge(ip string) challenge {
	c := challenge{A: randInt(11, 49), B: randInt(2, 9)}
	exp := g.now().Add(PublicChallengeTTL).Unix()
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	head := make([]byte, 8, 20)
	binary.BigEndian.PutUint64(head, uint64(exp))
	head = append(head, nonce...)
	enc := base64.RawURLEncoding
	c.Token = enc.EncodeToString(head) + "." + enc.EncodeToString(g.mac(ip, exp, nonce, c.A+c.B))
	return c
}

// checkChallenge reports whether answer answers the question token was issued with,
// for ip, before it expired, and not already once.
func (g *publicGuard) checkChallenge(ctx context.Context, ip, token, answer string) (bool, error) {
	head, sig, ok := strings.Cut(token, ".")
	if !ok {
		return false, nil
	}
	enc := base64.RawURLEncoding
	h, err1 := enc.DecodeString(head)
	s, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || len(h) != 20 {
		return false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(answer))
	if err != nil || n < 0 || n > 1000 {
		return false, nil
	}
	exp := int64(binary.BigEndian.Uint64(h[:8]))
	if g.now().Unix() > exp {
		return false, nil
	}
	if !hmac.Equal(s, g.mac(ip, exp, h[8:], n)) {
		return false, nil
	}
	// Each question answers once, on whichever node: a bot may not reuse one solved
	// answer.
	ok, _, err = g.st.RateAllow(ctx, publicAnswered, head, g.now())
	return ok, err
}

// needsChallenge reports whether ip has submitted often enough lately that its next
// submission must answer a question.
func (g *publicGuard) needsChallenge(ctx context.Context, ip string) (bool, error) {
	n, _, err := g.st.RateCount(ctx, publicAccepted, ip, g.now())
	return n >= PublicChallengeAfter, err
}

// submissionAccepted counts an accepted submission of ip, towards its challenge.
func (g *publicGuard) submissionAccepted(ctx context.Context, ip string) error {
	return g.st.RateRecord(ctx, publicAccepted, ip, g.now())
}
