package workflow

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// ChinaTime is the zone deadlines are reckoned in. It is a fixed UTC+8 rather than
// time.LoadLocation("Asia/Shanghai"): China has no daylight saving, and a fixed zone
// needs no tzdata on the host or in the binary.
var ChinaTime = time.FixedZone("CST", 8*3600)

// DayKind says what an override makes of a day.
type DayKind string

const (
	// Holiday is a rest day that would otherwise be a working day, or a weekend day
	// that belongs to a holiday (listed so the calendar can name it).
	Holiday DayKind = "holiday"
	// Workday is a weekend day worked to make up for a holiday (调休上班).
	Workday DayKind = "workday"
)

// Override is one day that is not what its weekday says: a public holiday or a make-up
// working day from the State Council's yearly notice, or an admin's local addition.
type Override struct {
	Date time.Time // midnight of the day, in the calendar's location
	Kind DayKind
	Name string // 春节, 国庆节调休, ...
}

// Calendar tells working days from rest days: Monday to Friday work, Saturday and
// Sunday rest, except for the overrides. A Calendar never changes once built, so one
// value can be shared by every goroutine; a nil *Calendar is a calendar of weekends
// only.
type Calendar struct {
	days map[int]Override // by dayKey
}

// dayKey numbers a civil date as yyyymmdd, which sorts like the dates it stands for.
func dayKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

func keyOf(t time.Time) int {
	y, m, d := t.In(ChinaTime).Date()
	return dayKey(y, m, d)
}

// NewCalendar builds a calendar from overrides, as the store loads them. The day of an
// override is the calendar date of its Date as written in Date's own location, so a
// DATE column scanned as midnight UTC means the day it says. Two overrides of the same
// day are an error: which one wins would be a guess.
func NewCalendar(overrides []Override) (*Calendar, error) {
	c := &Calendar{days: make(map[int]Override, len(overrides))}
	for _, o := range overrides {
		if o.Kind != Holiday && o.Kind != Workday {
			return nil, fmt.Errorf("calendar: %s: kind %q is neither %q nor %q", o.Date.Format(time.DateOnly), o.Kind, Holiday, Workday)
		}
		y, m, d := o.Date.Date()
		k := dayKey(y, m, d)
		if _, dup := c.days[k]; dup {
			return nil, fmt.Errorf("calendar: %s is listed twice", o.Date.Format(time.DateOnly))
		}
		o.Date = time.Date(y, m, d, 0, 0, 0, 0, ChinaTime)
		c.days[k] = o
	}
	return c, nil
}

// ParseCalendar reads the text form of a calendar: one day a line, as
//
//	2026-02-15 holiday 春节
//	2026-02-14 workday 春节调休
//
// with the name optional, blank lines and lines starting with '#' ignored. Errors
// name the line, for an admin uploading a file.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{days: make(map[int]Override)}
	firstLine := make(map[int]int)
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF") // a BOM from a Windows editor
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("calendar line %d: not valid UTF-8", line)
		}
		fields := strings.Fields(text)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("calendar line %d: want \"YYYY-MM-DD holiday|workday [name]\", got %q", line, text)
		}
		date, err := time.ParseInLocation(time.DateOnly, fields[0], ChinaTime)
		if err != nil {
			return nil, fmt.Errorf("calendar line %d: %q is not a date of the form YYYY-MM-DD", line, fields[0])
		}
		kind := DayKind(fields[1])
		if kind != Holiday && kind != Workday {
			return nil, fmt.Errorf("calendar line %d: kind %q is neither %q nor %q", line, fields[1], Holiday, Workday)
		}
		name := strings.Join(fields[2:], " ")
		if strings.ContainsFunc(name, unicode.IsControl) {
			return nil, fmt.Errorf("calendar line %d: the name contains control characters", line)
		}
		k := keyOf(date)
		if first, dup := firstLine[k]; dup {
			return nil, fmt.Errorf("calendar line %d: %s is already listed on line %d", line, fields[0], first)
		}
		firstLine[k] = line
		c.days[k] = Override{Date: date, Kind: kind, Name: name}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("calendar line %d: %w", line+1, err)
	}
	return c, nil
}

// Format writes the calendar in the form ParseCalendar reads, in date order.
func (c *Calendar) Format(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, o := range c.Overrides() {
		line := o.Date.Format(time.DateOnly) + " " + string(o.Kind)
		if o.Name != "" {
			line += " " + o.Name
		}
		bw.WriteString(line + "\n")
	}
	return bw.Flush()
}

//go:embed holidays.txt
var officialCalendar string

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := ParseCalendar(strings.NewReader(officialCalendar))
	if err != nil {
		panic("workflow: embedded holidays.txt: " + err.Error())
	}
	return c
})

// DefaultCalendar is the calendar shipped with the binary (holidays.txt): the State
// Council's notices as far as they are published. Deployments keep their own copy in
// the database, seeded from this one and maintained by the admin.
func DefaultCalendar() *Calendar { return defaultCalendar() }

// Overrides returns the calendar's overrides in date order.
func (c *Calendar) Overrides() []Override {
	if c == nil {
		return nil
	}
	out := make([]Override, 0, len(c.days))
	for _, o := range c.days {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Override) int { return a.Date.Compare(b.Date) })
	return out
}

// Day returns the override of the China-time day t falls on, if there is one.
func (c *Calendar) Day(t time.Time) (Override, bool) {
	if c == nil {
		return Override{}, false
	}
	o, ok := c.days[keyOf(t)]
	return o, ok
}

// IsWorkday reports whether the China-time day t falls on is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	if o, ok := c.Day(t); ok {
		return o.Kind == Workday
	}
	wd := t.In(ChinaTime).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// endOfDay is the last second of the China-time day offset days after t's day. It stops
// at whole seconds on purpose: PostgreSQL rounds timestamps to microseconds, and
// 23:59:59.999999999 would be stored as midnight of the next day.
func endOfDay(t time.Time, offset int) time.Time {
	y, m, d := t.In(ChinaTime).Date()
	return time.Date(y, m, d+offset, 23, 59, 59, 0, ChinaTime)
}

// AddWorkdays returns the deadline n working days after start: the end of the nth
// working day following start's day. As in Chinese procedural law, the day the period
// starts on does not count, so something assigned on a Friday with 5 working days is
// due at the end of the next Friday. n <= 0 gives the end of start's own day.
func (c *Calendar) AddWorkdays(start time.Time, n int) time.Time {
	offset := 0
	for counted := 0; counted < n; {
		offset++
		if c.IsWorkday(endOfDay(start, offset)) {
			counted++
		}
	}
	return endOfDay(start, offset)
}

// SubtractWorkdays returns the start of the day n working days before t: a case whose
// deadline is before it is overdue by at least n working days.
func (c *Calendar) SubtractWorkdays(t time.Time, n int) time.Time {
	d := t.In(ChinaTime)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, ChinaTime)
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// AddDays returns the deadline n calendar days after start: the end of the day n days
// after start's day, whatever kind of day that is.
func (c *Calendar) AddDays(start time.Time, n int) time.Time {
	return endOfDay(start, n)
}

// WorkdaysBetween counts the working days after from's day up to and including to's
// day, so that WorkdaysBetween(s, AddWorkdays(s, n)) == n. It is negative when to is
// on an earlier day than from: how many working days a deadline is overdue by.
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	if keyOf(to) < keyOf(from) {
		return -c.WorkdaysBetween(to, from)
	}
	n := 0
	for offset := 1; ; offset++ {
		day := endOfDay(from, offset)
		if keyOf(day) > keyOf(to) {
			return n
		}
		if c.IsWorkday(day) {
			n++
		}
	}
}
