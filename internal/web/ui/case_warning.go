package ui

import (
	"context"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
)

// warningReasonCodes are why a warning changed, for "warning_reason.<code>".
var warningReasonCodes = []string{"computed", "leader", "step_down", "closed"}

// caseWarning fills in the case page's warning card: the colour, the indicators that
// set it with their weights, the response it demands and who holds it, and the
// incidents recorded around the case.
func (u *UI) caseWarning(ctx context.Context, p *auth.Principal, c *model.Case, d *casePageData) error {
	w := warningView{Level: c.RiskLevel, Computed: c.RiskComputed, Since: c.RiskSince, ResponseBy: c.RiskResponseBy,
		RespondedAt: c.RiskRespondedAt, Escalated: c.RiskEscalated}
	if _, err := risk.ParseLevel(w.Level); err != nil || w.Level == "" {
		w.Level = risk.LevelNone.String()
	}
	if _, err := risk.ParseLevel(w.Computed); err != nil || w.Computed == "" {
		w.Computed = risk.LevelNone.String()
	}
	w.Differs = w.Level != w.Computed
	res, ok, err := u.Cases.RiskResultFor(ctx, p, c)
	if err != nil {
		return err
	}
	if ok {
		w.Result = res
	}
	w.Overdue = c.RiskResponseBy != nil && u.Cases.Now().After(*c.RiskResponseBy)
	w.HolderDue = c.RiskResponseBy != nil && w.Level == risk.LevelRed.String() && c.RiskHolderID == 0
	names := map[int64]string{}
	userName := func(id int64) string {
		if id == 0 {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		n := ""
		if us, err := u.Store.User(ctx, id); err == nil {
			n = us.DisplayName
		}
		names[id] = n
		return n
	}
	w.Holder = userName(c.RiskHolderID)
	d.Warning = w
	incidents, err := u.Store.Incidents(ctx, c.ID)
	if err != nil {
		return err
	}
	for i, in := range incidents {
		if i == 20 {
			break
		}
		d.Incidents = append(d.Incidents, incidentRow{Incident: in, Actor: userName(in.ActorID)})
	}
	return nil
}
