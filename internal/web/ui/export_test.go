package ui

import "context"

// NewPublicGuard lets the package's outside tests ask and check the public form's
// challenge on a store of theirs.
var NewPublicGuard = newPublicGuard

// Ask asks a question of ip and returns its answer and token.
func (g *publicGuard) Ask(ip string) (answer int, token string) {
	c := g.newChallenge(ip)
	return c.A + c.B, c.Token
}

func (g *publicGuard) Check(ctx context.Context, ip, token, answer string) (bool, error) {
	return g.checkChallenge(ctx, ip, token, answer)
}

func (g *publicGuard) Needed(ctx context.Context, ip string) (bool, error) {
	return g.needsChallenge(ctx, ip)
}

func (g *publicGuard) Accepted(ctx context.Context, ip string) error {
	return g.submissionAccepted(ctx, ip)
}
