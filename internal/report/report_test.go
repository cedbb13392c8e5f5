package report

import (
	"os"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/workflow"
)

// docs/statistics.md says what the code counts.
func TestStatisticsDocFollowsTheFigures(t *testing.T) {
	want := Markdown()
	got, err := os.ReadFile("../../docs/statistics.md")
	if string(got) != want {
		if os.Getenv("ONEDOOR_WRITE_DOCS") == "1" {
			if err := os.WriteFile("../../docs/statistics.md", []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("docs/statistics.md differs from the figures; regenerate it with ONEDOOR_WRITE_DOCS=1 go test ./internal/report -run StatisticsDoc (err %v)", err)
	}
}

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, workflow.ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

// Periods, the one before (环比) and a year earlier (同比), as offices count them.
func TestPeriods(t *testing.T) {
	at := day("2026-03-31").Add(15 * time.Hour)
	for _, c := range []struct {
		unit                        Unit
		from, to, prevFrom, agoFrom string
	}{
		{Day, "2026-03-31", "2026-04-01", "2026-03-30", "2025-03-31"},
		{Week, "2026-03-30", "2026-04-06", "2026-03-23", "2025-03-30"},
		{Month, "2026-03-01", "2026-04-01", "2026-02-01", "2025-03-01"},
		{Quarter, "2026-01-01", "2026-04-01", "2025-10-01", "2025-01-01"},
		{Year, "2026-01-01", "2027-01-01", "2025-01-01", "2025-01-01"},
	} {
		p := PeriodOf(c.unit, at)
		if !p.From.Equal(day(c.from)) || !p.To.Equal(day(c.to)) {
			t.Errorf("%s of %v is %v – %v", c.unit, at, p.From, p.To)
		}
		if got := p.Prev().From; !got.Equal(day(c.prevFrom)) {
			t.Errorf("%s before: from %v, want %s", c.unit, got, c.prevFrom)
		}
		if got := p.YearAgo().From; !got.Equal(day(c.agoFrom)) {
			t.Errorf("%s a year ago: from %v, want %s", c.unit, got, c.agoFrom)
		}
	}
	// March's 环比 is February, whole, not 31 days back.
	if p := PeriodOf(Month, at).Prev(); !p.To.Equal(day("2026-03-01")) || p.Days() != 28 {
		t.Errorf("February is %v – %v (%d days)", p.From, p.To, p.Days())
	}
	r, err := ParsePeriod("", "", "2026-03-10", "2026-03-19", at)
	if err != nil || r.Days() != 10 || !r.Prev().From.Equal(day("2026-02-28")) || r.ToDate() != "2026-03-19" {
		t.Errorf("a range: %+v %v", r, err)
	}
	for _, bad := range [][4]string{{"fortnight", "", "", ""}, {"", "", "2026-03-10", ""}, {"", "", "2026-03-10", "2026-03-01"},
		{"month", "", "2026-03-01", "2026-03-02"}, {"", "31/03/2026", "", ""}, {"", "", "2020-01-01", "2026-01-01"}} {
		if _, err := ParsePeriod(bad[0], bad[1], bad[2], bad[3], at); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
}

// A rate's change is in points, a count's in per cent; the median of an even number
// of durations is the mean of the middle two.
func TestChangeAndMedian(t *testing.T) {
	rate, _ := ByID("resolve_rate")
	count, _ := ByID("intake")
	if d := change(rate, Value{Value: 90}, Value{Value: 85.5}); d == nil || *d != 4.5 {
		t.Errorf("rate change %v", d)
	}
	if d := change(count, Value{Value: 150}, Value{Value: 100}); d == nil || *d != 50 {
		t.Errorf("count change %v", d)
	}
	if d := change(count, Value{Value: 5}, Value{Value: 0}); d != nil {
		t.Errorf("a change from nothing is %v", *d)
	}
	if m := median([]int{9, 1, 4, 6}); m != 5 {
		t.Errorf("median %v", m)
	}
}
