package risk

import (
	"testing"
	"time"
)

func TestPlannedVisits(t *testing.T) {
	due := time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC) // a Monday, midnight China time
	if got := NextVisit(due, 7); !got.Equal(time.Date(2026, 3, 9, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("weekly after %s: %s", due, got)
	}
	for _, tc := range []struct {
		after time.Duration
		want  bool
	}{{0, false}, {23 * time.Hour, false}, {24*time.Hour - time.Second, false}, {24 * time.Hour, true}, {72 * time.Hour, true}, {-time.Hour, false}} {
		if got := VisitMissed(due, due.Add(tc.after)); got != tc.want {
			t.Errorf("due %s, at +%s: missed %v, want %v", due, tc.after, got, tc.want)
		}
	}
}
