package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// printCase is a case as the printed material names it: by its number, its title
// masked (the material goes to departments that may not handle the case).
type printCase struct {
	ID    int64
	Title string
	State string
	Level string
}

func printed(c model.Case) printCase {
	return printCase{ID: c.ID, Title: model.MaskText(c.Title, c.Private()), State: c.State, Level: c.RiskLevel}
}

type printItem struct {
	Finding string
	Case    *printCase
}

type printOutcome struct {
	cases.DecisionOutcome
	Case printCase
}

type meetingPrintData struct {
	Mat       cases.MeetingMaterial
	Period    string
	Figures   []statCard
	Analysis  *analysisData
	Agenda    []printItem
	Outcomes  []printOutcome
	Decisions []printOutcome // this meeting's own, once taken
}

// materialFigures are the figures the material gives for the month.
var materialFigures = []string{"intake", "ended", "resolve_rate", "on_time_rate", "satisfaction_rate", "repeat_rate", "group_intake", "overdue", "warn_red", "warn_orange"}

// meetingPrint is a meeting's material (会议材料) on one A4 page: the figures of the
// month before it, the findings of the analysis page for that month, its agenda, and
// the last meeting's decisions with what became of them.
func (u *UI) meetingPrint(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "meeting.material")
	page.Active = "nav.meetings"
	p := httpx.Principal(r)
	mat, err := u.Cases.Material(r.Context(), p, id, httpx.StatsNames(page.Locale))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data := &meetingPrintData{Mat: mat, Period: mat.Period.Label()}
	if page.Locale == "en" {
		data.Period = mat.Period.LabelEN()
	}
	for _, h := range mat.Figures.Headline {
		for _, id := range materialFigures {
			if h.Figure == id {
				f, _ := report.ByID(id)
				name, def := f.Local(page.Locale)
				data.Figures = append(data.Figures, statCard{statCell: cellOf(page.Locale, f, h.Value), Name: name, Def: def})
			}
		}
	}
	if len(mat.Analysis.Weeks) > 0 {
		// The findings in words, as the analysis page says them.
		data.Analysis = &analysisData{A: mat.Analysis}
		fillFindingTexts(page, data.Analysis, mat.Period)
	}
	for _, it := range mat.Meeting.Items {
		pi := printItem{Finding: it.Finding}
		if c, ok := mat.Cases[it.CaseID]; ok {
			pc := printed(c)
			pi.Case = &pc
		}
		data.Agenda = append(data.Agenda, pi)
	}
	for _, o := range mat.Outcomes {
		data.Outcomes = append(data.Outcomes, printOutcome{DecisionOutcome: o, Case: printed(o.Case)})
	}
	page.Data = data
	u.render(w, r, http.StatusOK, "meeting_print.html", page)
}
