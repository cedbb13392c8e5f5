package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// statsPeriod is a period as the API shows it: its unit, its first and last day.
type statsPeriod struct {
	Unit  report.Unit `json:"unit"`
	From  string      `json:"from"`
	To    string      `json:"to"` // the last day, included
	Label string      `json:"label"`
}

func periodView(p report.Period, locale string) statsPeriod {
	label := p.Label()
	if locale == "en" {
		label = p.LabelEN()
	}
	return statsPeriod{Unit: p.Unit, From: p.FromDate(), To: p.ToDate(), Label: label}
}

// figureView is a figure's definition, as docs/statistics.md gives it.
type figureView struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Definition string      `json:"definition"`
	Kind       report.Kind `json:"kind"`
	Now        bool        `json:"now,omitempty"`
}

type statsPage struct {
	Period  statsPeriod  `json:"period"`
	Prev    statsPeriod  `json:"prev"`
	YearAgo statsPeriod  `json:"year_ago"`
	Figures []figureView `json:"figures"`
	report.Result
}

// stats returns the figures of a period over the cases the caller may read, cut as
// asked; every number carries the link of the case list holding its cases.
func (a *API) stats(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	per, cut, err := httpx.StatsQuery(q, a.Cases.Now())
	if err != nil {
		return 0, nil, err
	}
	loc := httpx.Locale(r)
	res, err := a.Cases.Stats(r.Context(), p, per, cut, httpx.StatsNames(loc))
	if err != nil {
		return 0, nil, err
	}
	page := statsPage{Period: periodView(per, loc), Prev: periodView(per.Prev(), loc), YearAgo: periodView(per.YearAgo(), loc), Result: res}
	for _, f := range report.Figures {
		name, def := f.Local(loc)
		page.Figures = append(page.Figures, figureView{ID: f.ID, Name: name, Definition: def, Kind: f.Kind, Now: f.Now})
	}
	return http.StatusOK, page, nil
}
