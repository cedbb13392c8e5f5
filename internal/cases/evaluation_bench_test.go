package cases_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkEvaluationRanking is the county leader's 考评 ranking of last month, as
// computed before it is published: every township (or county department) scored on
// the shipped scheme's figures for the month and for the month before, over
// benchCases() generated cases spread over three years. DESIGN.md §9 asks < 500 ms.
func BenchmarkEvaluationRanking(b *testing.B) {
	for _, d := range testutil.Dialects() {
		for _, scheme := range []string{"township", "department"} {
			b.Run(fmt.Sprintf("%s/%dcases/%s", d, benchCases(), scheme), func(b *testing.B) {
				st := benchSetup(b, d)
				svc := cases.New(st)
				p := principal(b, st, "county.leader")
				ctx := context.Background()
				date := report.PeriodOf(report.Month, svc.Now()).Prev().FromDate()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					r, err := svc.Ranking(ctx, p, scheme, "month", date)
					if err != nil {
						b.Fatal(err)
					}
					if len(r.Entries) == 0 {
						b.Fatal("nobody ranked")
					}
				}
			})
		}
	}
}
