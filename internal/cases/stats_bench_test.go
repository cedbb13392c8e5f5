package cases_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkStatsDashboard is the county leader's dashboard of this month (every
// figure of the month, the month before and a year earlier, the region, category,
// channel and kind breakdowns, the days) and a township leader's, over benchCases()
// generated cases spread over three years. DESIGN.md §9 asks p95 < 200 ms at 10M.
func BenchmarkStatsDashboard(b *testing.B) {
	for _, d := range testutil.Dialects() {
		for _, who := range []string{"county.leader", "fucheng.leader"} {
			b.Run(fmt.Sprintf("%s/%dcases/%s", d, benchCases(), who), func(b *testing.B) {
				st := benchSetup(b, d)
				svc := cases.New(st)
				p := principal(b, st, who)
				ctx := context.Background()
				per := report.PeriodOf(report.Month, svc.Now())
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := svc.Stats(ctx, p, per, report.Cut{}, cases.StatsNames{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
