package ui_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web/ui"
)

// challenger is what a test does with one node's challenge (export_test.go).
type challenger interface {
	Ask(ip string) (answer int, token string)
	Check(ctx context.Context, ip, token, answer string) (bool, error)
	Needed(ctx context.Context, ip string) (bool, error)
	Accepted(ctx context.Context, ip string) error
}

// The challenge's answer is checked against the token's HMAC: the right answer passes
// once, for the address it was asked of, until it expires; nothing else passes. The
// key and the counts are the database's: a question asked on one node is answered on
// another or after a restart, once in all; another database's key passes nothing.
func TestPublicChallenge(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			dsn := testutil.NewDSN(t, d)
			node := func(st *store.Store) challenger {
				t.Helper()
				g, err := ui.NewPublicGuard(ctx, st, clock)
				if err != nil {
					t.Fatal(err)
				}
				return g
			}
			firstStore := testutil.OpenStore(t, dsn)
			a, b := node(firstStore), node(testutil.OpenStore(t, dsn))
			check := func(g challenger, ip, token string, answer int) bool {
				t.Helper()
				ok, err := g.Check(ctx, ip, token, " "+strconv.Itoa(answer)+" ")
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}

			sum, token := a.Ask("1.2.3.4")
			if check(b, "1.2.3.4", token, sum+1) {
				t.Error("a wrong answer passed")
			}
			if check(b, "5.6.7.8", token, sum) {
				t.Error("another address's question passed")
			}
			if !check(b, "1.2.3.4", token, sum) {
				t.Fatal("the right answer, on another node, was refused")
			}
			if check(a, "1.2.3.4", token, sum) {
				t.Error("one answered question passed twice, once on each node")
			}

			sum, token = a.Ask("1.2.3.4")
			for _, tok := range []string{"", "x", token + "A", "AAAA." + token[len(token)-10:]} {
				if check(a, "1.2.3.4", tok, sum) {
					t.Errorf("a forged token %q passed", tok)
				}
			}
			if check(node(testutil.NewStore(t, d)), "1.2.3.4", token, sum) {
				t.Error("another database's key passed")
			}
			firstStore.Close()
			restarted := node(testutil.OpenStore(t, dsn))
			now = now.Add(ui.PublicChallengeTTL + time.Second)
			if check(restarted, "1.2.3.4", token, sum) {
				t.Error("an expired question passed")
			}
			now = now.Add(-2 * time.Second)
			if !check(restarted, "1.2.3.4", token, sum) {
				t.Error("a question asked before a restart is refused after it")
			}

			needed := func(g challenger) bool {
				t.Helper()
				n, err := g.Needed(ctx, "9.9.9.9")
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if needed(b) {
				t.Error("a new address is challenged")
			}
			for i := 0; i < ui.PublicChallengeAfter; i++ {
				g := []challenger{b, restarted}[i%2]
				if err := g.Accepted(ctx, "9.9.9.9"); err != nil {
					t.Fatal(err)
				}
			}
			if !needed(b) || !needed(restarted) {
				t.Error("not challenged after repeated submissions, one on each node")
			}
			now = now.Add(ui.PublicChallengeWindow)
			if needed(b) {
				t.Error("still challenged an hour later")
			}
		})
	}
}
