// Package report defines the leader's figures (受理量, 办结量, 化解率, 按期办结率 ...)
// once, as conditions over a case's columns (model.CaseCond), with the periods and
// cuts they are read by, and folds the store's counts into the dashboard, the API
// and the monthly report. It does no I/O: the store counts, this package says what.
package report

import (
	"fmt"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Unit is the length of a period.
type Unit string

const (
	Day     Unit = "day"
	Week    Unit = "week"
	Month   Unit = "month"
	Quarter Unit = "quarter"
	Year    Unit = "year"
	Range   Unit = "range" // any span of whole days
)

// Units are the period lengths a reader may choose, shortest first.
var Units = []Unit{Day, Week, Month, Quarter, Year, Range}

// Period is a span of whole days in China time, [From, To).
type Period struct {
	Unit     Unit
	From, To time.Time
}

// dayStart is the start of t's day in China time.
func dayStart(t time.Time) time.Time {
	y, m, d := t.In(workflow.ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, workflow.ChinaTime)
}

// PeriodOf is the period of unit u that holds t (weeks start on Monday). Range is
// not a unit one can be in: it gives the day.
func PeriodOf(u Unit, t time.Time) Period {
	d := dayStart(t)
	y, m, _ := d.Date()
	switch u {
	case Week:
		back := (int(d.Weekday()) + 6) % 7
		from := d.AddDate(0, 0, -back)
		return Period{Week, from, from.AddDate(0, 0, 7)}
	case Month:
		from := time.Date(y, m, 1, 0, 0, 0, 0, workflow.ChinaTime)
		return Period{Month, from, from.AddDate(0, 1, 0)}
	case Quarter:
		from := time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, workflow.ChinaTime)
		return Period{Quarter, from, from.AddDate(0, 3, 0)}
	case Year:
		from := time.Date(y, 1, 1, 0, 0, 0, 0, workflow.ChinaTime)
		return Period{Year, from, from.AddDate(1, 0, 0)}
	}
	return Period{Day, d, d.AddDate(0, 0, 1)}
}

// MaxRangeDays bounds a chosen range: five years, beyond which a reader wants years.
const MaxRangeDays = 5 * 366

// ParsePeriod reads a period as the pages and the API take it: a unit and a day in
// it (period=month&date=2026-12-07), or a range of days, both ends included
// (from=2026-12-01&to=2026-12-31). Nothing given is this month. A malformed value
// is a field error naming it.
func ParsePeriod(unit, date, from, to string, now time.Time) (Period, error) {
	bad := func(field, key string) error { return model.Invalid(field, "invalid", key) }
	day := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", s, workflow.ChinaTime)
		if err != nil {
			return t, bad(field, "invalid.stats.date")
		}
		return t, nil
	}
	if from != "" || to != "" {
		if unit != "" && unit != string(Range) {
			return Period{}, bad("period", "invalid.stats.period_with_range")
		}
		if from == "" {
			return Period{}, bad("from", "invalid.stats.from_required")
		}
		if to == "" {
			return Period{}, bad("to", "invalid.stats.to_required")
		}
		f, err := day("from", from)
		if err != nil {
			return Period{}, err
		}
		t, err := day("to", to)
		if err != nil {
			return Period{}, err
		}
		if t.Before(f) {
			return Period{}, bad("to", "invalid.stats.to_before_from")
		}
		if t.Sub(f) > MaxRangeDays*24*time.Hour {
			return Period{}, bad("to", "invalid.stats.range_too_long")
		}
		return Period{Range, f, t.AddDate(0, 0, 1)}, nil
	}
	u := Unit(unit)
	switch u {
	case "":
		u = Month
	case Day, Week, Month, Quarter, Year:
	default:
		return Period{}, bad("period", "invalid.stats.period")
	}
	at := now
	if date != "" {
		t, err := day("date", date)
		if err != nil {
			return Period{}, err
		}
		at = t
	}
	return PeriodOf(u, at), nil
}

// Prev is the period before p (环比): the previous day, week, month, quarter or year,
// or for a range the same number of days just before it.
func (p Period) Prev() Period {
	switch p.Unit {
	case Month:
		return Period{Month, p.From.AddDate(0, -1, 0), p.From}
	case Quarter:
		return Period{Quarter, p.From.AddDate(0, -3, 0), p.From}
	case Year:
		return Period{Year, p.From.AddDate(-1, 0, 0), p.From}
	}
	days := p.Days()
	return Period{p.Unit, p.From.AddDate(0, 0, -days), p.From}
}

// YearAgo is the same period a year earlier (同比).
func (p Period) YearAgo() Period {
	return Period{p.Unit, p.From.AddDate(-1, 0, 0), p.To.AddDate(-1, 0, 0)}
}

// Days is how many days p spans.
func (p Period) Days() int {
	n := 0
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		n++
	}
	return n
}

// FromDate and ToDate are p's first and last day, as the list's filter takes them.
func (p Period) FromDate() string { return p.From.Format("2006-01-02") }
func (p Period) ToDate() string   { return p.To.AddDate(0, 0, -1).Format("2006-01-02") }

// Label names p for a heading: 2026年12月, 2026年第4季度, 2026-12-01 至 2026-12-31.
func (p Period) Label() string {
	switch p.Unit {
	case Day:
		return p.From.Format("2006年1月2日")
	case Month:
		return p.From.Format("2006年1月")
	case Quarter:
		return fmt.Sprintf("%d年第%d季度", p.From.Year(), (int(p.From.Month())-1)/3+1)
	case Year:
		return p.From.Format("2006年")
	}
	return p.FromDate() + " 至 " + p.ToDate()
}

// LabelEN names p in English.
func (p Period) LabelEN() string {
	switch p.Unit {
	case Day:
		return p.From.Format("2 Jan 2006")
	case Month:
		return p.From.Format("January 2006")
	case Quarter:
		return fmt.Sprintf("Q%d %d", (int(p.From.Month())-1)/3+1, p.From.Year())
	case Year:
		return p.From.Format("2006")
	}
	return p.FromDate() + " to " + p.ToDate()
}
