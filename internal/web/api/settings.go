package api

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

func (a *API) listDeadlineRules(r *http.Request, p *auth.Principal) (int, any, error) {
	rules, err := a.Cases.DeadlineRules(r.Context(), p)
	return http.StatusOK, list(rules), err
}

func (a *API) createDeadlineRule(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusCreated, func(in cases.DeadlineRuleInput) (store.DeadlineRuleRow, error) {
		return a.Cases.SaveDeadlineRule(r.Context(), p, 0, in)
	})
}

func (a *API) updateDeadlineRule(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return decodeAndCall(r, http.StatusOK, func(in cases.DeadlineRuleInput) (store.DeadlineRuleRow, error) {
		return a.Cases.SaveDeadlineRule(r.Context(), p, id, in)
	})
}

func (a *API) deleteDeadlineRule(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.Cases.DeleteDeadlineRule(r.Context(), p, id)
}

func (a *API) listCalendar(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	year := int(q.Int("year", 2000, 2100))
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	if year == 0 {
		year = time.Now().Year()
	}
	days, err := a.Cases.CalendarDays(r.Context(), year)
	return http.StatusOK, list(days), err
}

func (a *API) setCalendarDay(r *http.Request, p *auth.Principal) (int, any, error) {
	return decodeAndCall(r, http.StatusOK, func(in cases.CalendarDayInput) (cases.CalendarDayInput, error) {
		in.Day = r.PathValue("day")
		return in, a.Cases.SetCalendarDay(r.Context(), p, in)
	})
}

func (a *API) deleteCalendarDay(r *http.Request, p *auth.Principal) (int, any, error) {
	return http.StatusNoContent, nil, a.Cases.DeleteCalendarDay(r.Context(), p, r.PathValue("day"))
}
