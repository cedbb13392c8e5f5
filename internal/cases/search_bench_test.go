package cases_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// BenchmarkSearch is a search for a 2-character word as the list answers it: its
// first page, newest first, and its total (exact up to cases.MaxTotal), in the
// searcher's scope (DESIGN.md §9: p95 < 50 ms at 1M cases). Common words (土地, 邻居:
// each in one generated case in sixteen), a 3-character word (宅基地: a phrase of two
// bigrams), two words, a quoted phrase, and the common ones by relevance; each
// reports its p95.
func BenchmarkSearch(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			svc := cases.New(st)
			ctx := context.Background()
			for _, who := range []string{"county.clerk", "fucheng.clerk"} {
				p := principal(b, st, who)
				for _, tc := range []struct{ name, q, sort string }{
					{"土地", "土地", ""}, {"邻居", "邻居", ""}, {"宅基地", "宅基地", ""}, {"two-words", "邻居 争执", ""},
					{"phrase", `"拖欠工资"`, ""}, {"土地/relevance", "土地", store.SortRelevance}, {"邻居/relevance", "邻居", store.SortRelevance},
				} {
					b.Run(who+"/"+tc.name, func(b *testing.B) {
						f := store.CaseFilter{Text: search.Parse(tc.q), Sort: tc.sort, Limit: 50}
						var took []time.Duration
						total := 0
						for i := 0; i < b.N; i++ {
							start := time.Now()
							found, err := svc.Find(ctx, p, f, "")
							if err != nil {
								b.Fatal(err)
							}
							took = append(took, time.Since(start))
							total = found.Total
						}
						slices.Sort(took)
						b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
						b.ReportMetric(float64(total), "found")
					})
				}
			}
		})
	}
}
