package workflow

import (
	"slices"
	"testing"
	"time"
)

func TestParseWeekdays(t *testing.T) {
	for in, want := range map[string][]int{"1,3,5": {1, 3, 5}, "5，1 3,3": {1, 3, 5}, "7": {7}} {
		if got, ok := ParseWeekdays(in); !ok || !slices.Equal(got, want) {
			t.Errorf("ParseWeekdays(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "8", "1,x", ","} {
		if got, ok := ParseWeekdays(in); ok {
			t.Errorf("ParseWeekdays(%q) = %v, want refused", in, got)
		}
	}
}

func TestStationPresent(t *testing.T) {
	cal := DefaultCalendar()
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, s, ChinaTime)
		return d.Add(10 * time.Hour)
	}
	mon, wed, sat, nationalDay := day("2026-12-07"), day("2026-12-09"), day("2026-12-12"), day("2026-10-01")
	tests := []struct {
		name     string
		mode     StationMode
		weekdays []int
		day      time.Time
		want     bool
	}{
		{"resident on a Monday", StationResident, nil, mon, true},
		{"resident on a Saturday", StationResident, nil, sat, false},
		{"resident on a public holiday", StationResident, nil, nationalDay, false},
		{"rotating on one of its days", StationRotating, []int{1, 3}, wed, true},
		{"rotating on another day", StationRotating, []int{2, 4}, wed, false},
		{"rotating on a Saturday it lists, not worked", StationRotating, []int{6}, sat, false},
		{"on call is never at the centre", StationOnCall, nil, mon, false},
	}
	for _, tt := range tests {
		if got := StationPresent(tt.mode, tt.weekdays, cal, tt.day); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDutySpan(t *testing.T) {
	at := time.Date(2026, 12, 7, 23, 30, 0, 0, ChinaTime) // late Monday evening, China time
	if !DutyCovers("2026-12-07", "2026-12-07", at) || !DutyCovers("2026-12-07", "2026-12-13", at.UTC()) || DutyCovers("2026-12-08", "2026-12-13", at) {
		t.Error("DutyCovers reads the day wrong")
	}
	for _, tt := range []struct{ from, to, field string }{
		{"2026-12-07", "2026-12-13", ""},
		{"2026-12-07", "2026-12-07", ""},
		{"2026-12-7", "2026-12-13", "from_day"},
		{"2026-12-08", "2026-12-07", "to_day"},
		{"2026-12-01", "2027-01-01", "to_day"},
	} {
		field, ok := CheckDutySpan(tt.from, tt.to)
		if field != tt.field || ok != (tt.field == "") {
			t.Errorf("CheckDutySpan(%s, %s) = %q %v, want %q", tt.from, tt.to, field, ok, tt.field)
		}
	}
}
