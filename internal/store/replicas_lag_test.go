package store

import (
	"testing"
	"time"
)

// A replica's lag is the age of the newest primary position it has replayed: 0 at
// the newest, unknown before the oldest.
func TestReplicaLagIsTheAgeOfTheNewestPositionReached(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	rs := &replicaSet{samples: []lsnSample{
		{at: now.Add(-9 * time.Second), lsn: 100},
		{at: now.Add(-6 * time.Second), lsn: 200},
		{at: now.Add(-3 * time.Second), lsn: 300},
		{at: now, lsn: 400},
	}}
	for _, tc := range []struct {
		replayed  int64
		lag       time.Duration
		wantKnown bool
	}{
		{400, 0, true},
		{450, 0, true}, // replayed past the sample: the primary wrote since
		{399, 3 * time.Second, true},
		{300, 3 * time.Second, true},
		{250, 6 * time.Second, true},
		{100, 9 * time.Second, true},
		{99, 0, false},
	} {
		lag, known := rs.lagOf(tc.replayed, now)
		if lag != tc.lag || known != tc.wantKnown {
			t.Errorf("replayed %d: lag %s known %v, want %s %v", tc.replayed, lag, known, tc.lag, tc.wantKnown)
		}
	}
}
