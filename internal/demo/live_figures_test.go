package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The leader's dashboard over the demo's last weeks shows every flow the centres
// live by (issue 23): 上报, 下派, warnings raised and stepped down, 督办 issued and
// answered on time, each played through the case service. On both stores.
func TestLiveCountyFillsTheLeadersFigures(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := demo.Live(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		p, _, _, err := auth.NewService(st, time.Hour, time.Hour).Login(ctx, "county.leader", demo.Password, "", "")
		if err != nil {
			t.Fatal(err)
		}
		today := report.PeriodOf(report.Day, now).From
		per := report.Period{Unit: report.Range, From: today.AddDate(0, 0, -30), To: today.AddDate(0, 0, 1)}
		res, err := cases.New(st).Stats(ctx, p, per, report.Cut{}, cases.StatsNames{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]report.Value{}
		for _, h := range res.Headline {
			got[h.Figure] = h.Value
		}
		for _, f := range []string{"escalated", "delegated", "warn_raised_orange", "warn_raised_red", "warn_cleared_orange",
			"supervised", "supervision_reply_rate"} {
			v, ok := got[f]
			if !ok || v.Num == 0 || v.Value == 0 {
				t.Errorf("%s over the last 30 days: %+v, want more than 0", f, v)
			}
		}
	})
}
