package analysis

import (
	"testing"
	"time"
)

// The stated test, case by case: above mean + 2σ of the eight weeks before, and at
// least MinCount.
func TestRise(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts []int64
		rising bool
		thr    float64
	}{
		{"steady", []int64{5, 5, 5, 5, 5, 5, 5, 5, 5}, false, 5},
		{"one above a steady past", []int64{5, 5, 5, 5, 5, 5, 5, 5, 6}, true, 5},
		{"within the spread", []int64{4, 6, 4, 6, 4, 6, 4, 6, 7}, false, 7},
		{"above the spread", []int64{4, 6, 4, 6, 4, 6, 4, 6, 8}, true, 7},
		{"from nothing, too few", []int64{0, 0, 0, 0, 0, 0, 0, 0, 2}, false, 0},
		{"from nothing, enough", []int64{0, 0, 0, 0, 0, 0, 0, 0, 3}, true, 0},
		{"falling", []int64{9, 9, 9, 9, 9, 9, 9, 9, 1}, false, 9},
	} {
		got := Rise(tc.counts)
		if got.Rising != tc.rising || got.Threshold != tc.thr {
			t.Errorf("%s: %+v, want rising %v over %v", tc.name, got, tc.rising, tc.thr)
		}
	}
}

func TestWeeksEndWhereAsked(t *testing.T) {
	end := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	w := Weeks(end)
	if len(w) != PastWeeks+1 || !w[PastWeeks].To.Equal(end) || !w[0].From.Equal(end.AddDate(0, 0, -63)) {
		t.Fatalf("weeks %v", w)
	}
	for i := 1; i < len(w); i++ {
		if !w[i].From.Equal(w[i-1].To) {
			t.Fatalf("weeks %d and %d do not meet: %v", i-1, i, w)
		}
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"王重复": "王**", "李": "李*", "": "", "欧阳娜娜": "欧***"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}
