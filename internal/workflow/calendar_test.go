package workflow

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

func endOf(s string) time.Time { return day(s).Add(24*time.Hour - time.Second) }

// The expectations follow the State Council's 2026 notice, read day by day.
func TestIsWorkday2026(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		date string
		work bool
	}{
		// 元旦: 1–3 January off, Sunday 4 January worked.
		{"2025-12-31", true},
		{"2026-01-01", false},
		{"2026-01-02", false},
		{"2026-01-03", false},
		{"2026-01-04", true},
		{"2026-01-05", true},
		{"2026-01-10", false}, // an ordinary Saturday

		// 春节: Saturday 14 February worked, 15–23 off, Saturday 28 February worked.
		{"2026-02-13", true},
		{"2026-02-14", true},
		{"2026-02-15", false},
		{"2026-02-16", false}, // 除夕 is the 16th, a Monday
		{"2026-02-17", false},
		{"2026-02-20", false},
		{"2026-02-21", false},
		{"2026-02-22", false},
		{"2026-02-23", false},
		{"2026-02-24", true},
		{"2026-02-27", true},
		{"2026-02-28", true},
		{"2026-03-01", false},

		{"2026-04-03", true},
		{"2026-04-06", false}, // 清明 Monday
		{"2026-04-07", true},
		{"2026-05-04", false},
		{"2026-05-05", false},
		{"2026-05-06", true},
		{"2026-05-09", true}, // 劳动节调休 Saturday
		{"2026-05-10", false},
		{"2026-06-19", false},

		// 中秋 25–27 September, 国庆 1–7 October; Sunday 20 September and Saturday 10
		// October worked.
		{"2026-09-19", false},
		{"2026-09-20", true},
		{"2026-09-24", true},
		{"2026-09-25", false},
		{"2026-09-27", false},
		{"2026-09-28", true},
		{"2026-09-30", true},
		{"2026-10-01", false},
		{"2026-10-05", false},
		{"2026-10-07", false},
		{"2026-10-08", true},
		{"2026-10-09", true},
		{"2026-10-10", true},
		{"2026-10-11", false},
	}
	for _, tt := range tests {
		if got := cal.IsWorkday(day(tt.date)); got != tt.work {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.work)
		}
	}
}

func TestIsWorkdayUsesChinaDate(t *testing.T) {
	cal := DefaultCalendar()
	// 16:30 UTC on Friday 13 February is already Saturday the 14th in China, a make-up
	// working day; 16:30 UTC on the 14th is Sunday the 15th, the first day of 春节.
	if !cal.IsWorkday(time.Date(2026, 2, 13, 16, 30, 0, 0, time.UTC)) {
		t.Error("Saturday 14 February (China time) should be a working day")
	}
	if cal.IsWorkday(time.Date(2026, 2, 14, 16, 30, 0, 0, time.UTC)) {
		t.Error("Sunday 15 February (China time) should be a holiday")
	}
}

func TestAddWorkdays(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  string
	}{
		{"ordinary week", at("2026-03-02 09:00"), 5, "2026-03-09"},
		{"over a weekend", at("2026-03-06 17:00"), 1, "2026-03-09"},
		{"zero is the end of today", at("2026-03-06 09:00"), 0, "2026-03-06"},
		{"negative is the end of today", at("2026-03-06 09:00"), -3, "2026-03-06"},
		{"into the make-up Saturday before 春节", at("2026-02-13 10:00"), 1, "2026-02-14"},
		{"across 春节", at("2026-02-13 10:00"), 5, "2026-02-27"},
		{"started on a holiday", at("2026-02-18 10:00"), 1, "2026-02-24"},
		{"started on the make-up Saturday", at("2026-02-14 10:00"), 1, "2026-02-24"},
		{"ends on the make-up Saturday after 春节", at("2026-02-23 10:00"), 5, "2026-02-28"},
		{"into the make-up Sunday before 中秋", at("2026-09-18 16:00"), 1, "2026-09-20"},
		{"objection window across 中秋", at("2026-09-18 16:00"), 5, "2026-09-24"},
		{"across 国庆", at("2026-09-29 09:00"), 3, "2026-10-09"},
		{"to the make-up Saturday after 国庆", at("2026-09-29 09:00"), 4, "2026-10-10"},
		{"past the make-up Saturday", at("2026-09-29 09:00"), 5, "2026-10-12"},
		{"across 元旦", at("2025-12-31 09:00"), 1, "2026-01-04"},
		{"UTC start already next China day", time.Date(2026, 2, 13, 17, 0, 0, 0, time.UTC), 1, "2026-02-24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddWorkdays(tt.start, tt.n)
			if !got.Equal(endOf(tt.want)) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want end of %s", tt.start, tt.n, got, tt.want)
			}
			if got.Location() != ChinaTime || got.Hour() != 23 || got.Minute() != 59 || got.Second() != 59 || got.Nanosecond() != 0 {
				t.Errorf("AddWorkdays returned %v, want 23:59:59 China time", got)
			}
		})
	}
}

func TestAddDays(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		start time.Time
		n     int
		want  string
	}{
		{at("2026-02-10 15:00"), 15, "2026-02-25"},
		{at("2026-01-31 08:00"), 30, "2026-03-02"},
		{at("2026-12-25 08:00"), 7, "2027-01-01"},
		{at("2026-03-01 08:00"), 0, "2026-03-01"},
		{time.Date(2026, 2, 28, 20, 0, 0, 0, time.UTC), 1, "2026-03-02"},
	}
	for _, tt := range tests {
		if got := cal.AddDays(tt.start, tt.n); !got.Equal(endOf(tt.want)) {
			t.Errorf("AddDays(%s, %d) = %s, want end of %s", tt.start, tt.n, got, tt.want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		from, to string
		want     int
	}{
		{"2026-02-13", "2026-02-27", 5},
		{"2026-02-27", "2026-02-13", -5},
		{"2026-02-13", "2026-02-13", 0},
		{"2026-02-14", "2026-02-23", 0},
		{"2026-09-30", "2026-10-10", 3},
		{"2026-01-01", "2026-12-31", 248}, // 261 weekdays - 19 weekday holidays + 6 make-up days
	}
	for _, tt := range tests {
		if got := cal.WorkdaysBetween(at(tt.from+" 10:00"), at(tt.to+" 08:00")); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestWorkdaysBetweenInvertsAddWorkdays(t *testing.T) {
	cal := DefaultCalendar()
	rng := rand.New(rand.NewPCG(2026, 11))
	for range 2000 {
		start := day("2025-12-01").Add(time.Duration(rng.IntN(800*24)) * time.Hour)
		n := rng.IntN(40)
		due := cal.AddWorkdays(start, n)
		if got := cal.WorkdaysBetween(start, due); got != n {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(.., %d) = %s) = %d", start, n, due, got)
		}
		if n > 0 && !cal.IsWorkday(due) {
			t.Fatalf("AddWorkdays(%s, %d) = %s, a rest day", start, n, due)
		}
	}
}

// 2026 has 13 statutory holiday days (全国年节及纪念日放假办法 as amended in 2024); every
// other weekday off is paid back by a weekend day worked, so the year's net days off
// beyond weekends must be exactly 13.
func TestDefaultCalendar2026Balances(t *testing.T) {
	weekdaysOff, weekendsWorked := 0, 0
	for _, o := range DefaultCalendar().Overrides() {
		if o.Date.Year() != 2026 {
			continue
		}
		weekend := o.Date.Weekday() == time.Saturday || o.Date.Weekday() == time.Sunday
		switch {
		case o.Kind == Holiday && !weekend:
			weekdaysOff++
		case o.Kind == Workday && weekend:
			weekendsWorked++
		case o.Kind == Workday:
			t.Errorf("%s: make-up working day on a weekday", o.Date.Format(time.DateOnly))
		}
		if o.Name == "" {
			t.Errorf("%s: no name", o.Date.Format(time.DateOnly))
		}
	}
	if weekdaysOff-weekendsWorked != 13 || weekendsWorked != 6 {
		t.Errorf("2026: %d weekdays off, %d weekend days worked; want 19 and 6", weekdaysOff, weekendsWorked)
	}
}

func TestDefaultCalendar2027Provisional(t *testing.T) {
	cal := DefaultCalendar()
	for _, d := range []string{"2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01"} {
		if cal.IsWorkday(day(d)) {
			t.Errorf("%s should be a statutory holiday", d)
		}
	}
	if o, ok := cal.Day(day("2027-02-06")); !ok || o.Kind != Holiday || o.Name != "春节" {
		t.Errorf("Day(2027-02-06) = %+v, %v", o, ok)
	}
}

func TestParseCalendar(t *testing.T) {
	src := "\uFEFF# a comment\n\n2026-10-01 holiday 国庆节\r\n  2026-10-10   workday   国庆节  调休 \n2026-12-24 holiday\n"
	cal, err := ParseCalendar(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	got := cal.Overrides()
	want := []Override{
		{day("2026-10-01"), Holiday, "国庆节"},
		{day("2026-10-10"), Workday, "国庆节 调休"},
		{day("2026-12-24"), Holiday, ""},
	}
	if !slices.EqualFunc(got, want, sameOverride) {
		t.Fatalf("overrides = %+v, want %+v", got, want)
	}
	if cal.IsWorkday(day("2026-12-24")) || !cal.IsWorkday(day("2026-10-10")) {
		t.Error("overrides not applied")
	}
}

func sameOverride(a, b Override) bool {
	return a.Date.Equal(b.Date) && a.Kind == b.Kind && a.Name == b.Name
}

func TestParseCalendarErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"missing kind", "# x\n2026-01-01\n", "line 2: want"},
		{"bad date", "2026-1-1 holiday 元旦\n", "line 1: \"2026-1-1\" is not a date"},
		{"no such day", "\n\n2026-02-29 holiday x\n", "line 3: \"2026-02-29\""},
		{"bad kind", "2026-01-01 rest 元旦\n", "line 1: kind \"rest\""},
		{"duplicate", "2026-01-01 holiday 元旦\n2026-01-02 holiday 元旦\n2026-01-01 workday x\n", "line 3: 2026-01-01 is already listed on line 1"},
		{"control character", "2026-01-01 holiday 元\x01旦\n", "line 1: the name contains control characters"},
		{"invalid UTF-8", "2026-01-01 holiday \xff\n", "line 1: not valid UTF-8"},
		{"line too long", "2026-01-01 holiday " + strings.Repeat("x", 70000) + "\n", "line 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCalendar(strings.NewReader(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseCalendar error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNewCalendar(t *testing.T) {
	// A DATE column scanned as midnight UTC names its own day, not the China-time
	// instant 08:00 of the same day (or, west of Greenwich, the day before).
	west := time.FixedZone("west", -10*3600)
	cal, err := NewCalendar([]Override{
		{Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Kind: Holiday, Name: "local"},
		{Date: time.Date(2026, 3, 7, 0, 0, 0, 0, west), Kind: Workday, Name: "make-up"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cal.IsWorkday(day("2026-03-02")) || !cal.IsWorkday(day("2026-03-07")) || cal.IsWorkday(day("2026-03-08")) {
		t.Error("NewCalendar placed overrides on the wrong days")
	}
	if _, err := NewCalendar([]Override{{Date: day("2026-03-02"), Kind: Holiday}, {Date: day("2026-03-02"), Kind: Workday}}); err == nil {
		t.Error("duplicate day accepted")
	}
	if _, err := NewCalendar([]Override{{Date: day("2026-03-02"), Kind: "rest"}}); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestNilCalendarIsWeekendsOnly(t *testing.T) {
	var cal *Calendar
	if !cal.IsWorkday(day("2026-10-01")) || cal.IsWorkday(day("2026-10-10")) {
		t.Error("a nil calendar should know weekends only")
	}
	if got := cal.AddWorkdays(at("2026-10-02 09:00"), 1); !got.Equal(endOf("2026-10-05")) {
		t.Errorf("nil AddWorkdays = %s", got)
	}
	if cal.Overrides() != nil {
		t.Error("nil calendar has overrides")
	}
}

func TestFormatRoundTrip(t *testing.T) {
	var b strings.Builder
	if err := DefaultCalendar().Format(&b); err != nil {
		t.Fatal(err)
	}
	again, err := ParseCalendar(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(again.Overrides(), DefaultCalendar().Overrides(), sameOverride) {
		t.Error("Format then ParseCalendar changed the calendar")
	}
}

func FuzzParseCalendar(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, and minimising a
	// copy of the whole holidays.txt would eat the run. TestFormatRoundTrip covers it.
	f.Add("# 2026\n2026-02-14 workday 春节调休\n2026-02-15 holiday 春节\n")
	f.Add("2026-01-01 holiday 元旦\n2026-01-04 workday\n")
	f.Add("\uFEFF#\n\n 2026-02-29 holiday\n")
	f.Add("2026-01-01 holiday a\x00b\n2026-01-01 workday\n")
	f.Fuzz(func(t *testing.T, src string) {
		cal, err := ParseCalendar(strings.NewReader(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "calendar line ") {
				t.Fatalf("error without a line number: %v", err)
			}
			return
		}
		var b strings.Builder
		if err := cal.Format(&b); err != nil {
			t.Fatal(err)
		}
		again, err := ParseCalendar(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("formatted calendar does not parse: %v\n%s", err, b.String())
		}
		if !slices.EqualFunc(again.Overrides(), cal.Overrides(), sameOverride) {
			t.Fatalf("round trip changed the calendar:\n%s", b.String())
		}
		for _, o := range cal.Overrides() {
			if cal.IsWorkday(o.Date) != (o.Kind == Workday) {
				t.Fatalf("override %+v not applied", o)
			}
		}
	})
}
