package workflow

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// StationMode is how a department is stationed at a centre (进驻方式).
type StationMode string

const (
	StationResident StationMode = "resident" // 常驻: every working day
	StationRotating StationMode = "rotating" // 轮驻: on the weekdays listed
	StationOnCall   StationMode = "on_call"  // 随驻: not at the centre, comes when called
)

// StationModes in the order the rota lists them.
var StationModes = []StationMode{StationResident, StationRotating, StationOnCall}

// Valid reports whether m is one of StationModes.
func (m StationMode) Valid() bool { return slices.Contains(StationModes, m) }

// DutyKind is a leader's turn at a centre.
type DutyKind string

const (
	DutyDay       DutyKind = "duty"      // 值班: a day
	DutyWeek      DutyKind = "week"      // 值周: a week
	DutyReception DutyKind = "reception" // 领导接访: a reception day
)

// DutyKinds in the order the roster lists them.
var DutyKinds = []DutyKind{DutyDay, DutyWeek, DutyReception}

// Valid reports whether k is one of DutyKinds.
func (k DutyKind) Valid() bool { return slices.Contains(DutyKinds, k) }

// MaxDutySpan bounds one turn: a week's turn is seven days, and a rota entry longer
// than a month is a typing error.
const MaxDutySpan = 31

// ParseWeekdays reads a rotating station's days, "1,3,5" (1 = Monday … 7 = Sunday),
// returning them sorted and without repeats; false for anything else or none.
func ParseWeekdays(s string) ([]int, bool) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 7 {
			return nil, false
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, len(out) > 0
}

// isoWeekday is t's weekday numbered 1 = Monday … 7 = Sunday, in China time.
func isoWeekday(t time.Time) int {
	w := int(t.In(ChinaTime).Weekday())
	if w == 0 {
		return 7
	}
	return w
}

// StationPresent tells whether a department stationed by mode (on weekdays, for a
// rotating one) is at the centre on day: resident ones every working day of cal,
// rotating ones on their weekdays when those are working days, on-call ones never
// (they are called in).
func StationPresent(mode StationMode, weekdays []int, cal *Calendar, day time.Time) bool {
	if !cal.IsWorkday(day) {
		return false
	}
	switch mode {
	case StationResident:
		return true
	case StationRotating:
		return slices.Contains(weekdays, isoWeekday(day))
	}
	return false
}

// DutyCovers tells whether a turn from one day to another (both "YYYY-MM-DD",
// included) covers day.
func DutyCovers(from, to string, day time.Time) bool {
	d := day.In(ChinaTime).Format(time.DateOnly)
	return from <= d && d <= to
}

// CheckDutySpan validates a turn's days: real dates, in order, at most MaxDutySpan
// days long. It returns the field at fault and false when they are not.
func CheckDutySpan(from, to string) (string, bool) {
	f, err := time.ParseInLocation(time.DateOnly, from, ChinaTime)
	if err != nil {
		return "from_day", false
	}
	t, err := time.ParseInLocation(time.DateOnly, to, ChinaTime)
	if err != nil || t.Before(f) || t.Sub(f) > (MaxDutySpan-1)*24*time.Hour {
		return "to_day", false
	}
	return "", true
}
