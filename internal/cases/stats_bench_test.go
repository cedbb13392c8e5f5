package cases_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkStatsDashboard is the county leader's dashboard of this month (every
// figure of the month, the month before and a year earlier, the region, category,
// channel and kind breakdowns, the days), a township leader's and, over a store of
// `onedoor demo -province`, the province leader's, over benchCases() generated cases
// spread over three years: read from the rollups, and counted from the cases as
// before them (cases.Service.StatsFromCases). DESIGN.md §9 asks p95 < 200 ms at 10M
// (the province's < 300 ms).
func BenchmarkStatsDashboard(b *testing.B) {
	for _, d := range testutil.Dialects() {
		for _, who := range []string{"county.leader", "fucheng.leader", "province.leader"} {
			for _, from := range []string{"rollups", "cases"} {
				b.Run(fmt.Sprintf("%s/%dcases/%s/%s", d, benchCases(), who, from), func(b *testing.B) {
					st := benchSetup(b, d)
					svc := cases.New(st)
					svc.StatsFromCases = from == "cases"
					if who == "province.leader" {
						if _, err := st.RegionByCode(context.Background(), demo.ProvinceCode); err != nil {
							b.Skip("no province in this store (onedoor demo -province makes one)")
						}
					}
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
}
