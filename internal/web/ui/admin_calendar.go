package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type calendarData struct {
	Year     int
	Prev     int
	Next     int
	Days     []store.CalendarDay
	Workdays int // working days in the year under this calendar
}

// calendarYear is the year the page shows: ?year=, else this year.
func calendarYear(r *http.Request) int {
	if y := httpx.PageQuery(r).Int("year", 2000, 2100); y != 0 {
		return int(y)
	}
	return time.Now().Year()
}

func (u *UI) renderCalendar(w http.ResponseWriter, r *http.Request, err error) {
	year := calendarYear(r)
	days, lerr := u.Cases.CalendarDays(r.Context(), year)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	cal, lerr := u.Cases.Calendar(r.Context())
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, cst)
	page := u.newPage(r, "calendar.title")
	page.Active = "nav.calendar"
	page.Data = calendarData{Year: year, Prev: year - 1, Next: year + 1, Days: days,
		Workdays: cal.WorkdaysBetween(start.AddDate(0, 0, -1), start.AddDate(1, 0, -1))}
	if err != nil {
		u.formError(w, r, "admin_calendar.html", page, err)
		return
	}
	u.render(w, r, http.StatusOK, "admin_calendar.html", page)
}

// calendarPage lists a year's holidays and make-up working days (调休).
func (u *UI) calendarPage(w http.ResponseWriter, r *http.Request) { u.renderCalendar(w, r, nil) }

func (u *UI) calendarSet(w http.ResponseWriter, r *http.Request) {
	in := cases.CalendarDayInput{Day: r.PostFormValue("day"), Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name")}
	if err := u.Cases.SetCalendarDay(r.Context(), httpx.Principal(r), in); err != nil {
		u.renderCalendar(w, r, err)
		return
	}
	redirect(w, r, "/admin/calendar?year="+strconv.Itoa(calendarYear(r)), "saved")
}

func (u *UI) calendarDelete(w http.ResponseWriter, r *http.Request) {
	if err := u.Cases.DeleteCalendarDay(r.Context(), httpx.Principal(r), r.PathValue("day")); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/calendar?year="+strconv.Itoa(calendarYear(r)), "deleted")
}
