package ui

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// priorData is what the intake desk's "既往案件" panel lists.
type priorData struct {
	Rows []priorRow
}

type priorRow struct {
	ID           int64
	TrackingCode string
	Title        string
	State        string
	CreatedAt    time.Time
	MatchedBy    string
	Parties      []model.Party // masked
}

func (u *UI) priorData(r *http.Request, found []store.PriorCase) *priorData {
	d := &priorData{Rows: make([]priorRow, 0, len(found))}
	for _, pc := range found {
		row := priorRow{ID: pc.ID, TrackingCode: pc.TrackingCode, Title: pc.Title, State: pc.State,
			CreatedAt: pc.CreatedAt, MatchedBy: pc.MatchedBy}
		for _, p := range pc.Parties {
			row.Parties = append(row.Parties, p.Masked())
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

// priorCases answers the intake desk's script as the clerk types a party's ID number
// or phone, the address, or the title and description: an HTML fragment listing that
// person's earlier cases, the open cases at the same address and the open cases alike
// in words, in the user's scope.
func (u *UI) priorCases(w http.ResponseWriter, r *http.Request) {
	q := httpx.PageQuery(r)
	idNumber, phone, address, text := q.String("id_number"), q.String("phone"), q.String("address"), q.String("text")
	err := q.Err()
	var found []store.PriorCase
	if err == nil {
		found, err = u.Cases.PriorCases(r.Context(), httpx.Principal(r), idNumber, phone, address, text)
	}
	if err != nil {
		e := httpx.FromErr(r, err)
		if e.Status == 499 {
			return
		}
		http.Error(w, e.Message, e.Status)
		return
	}
	page := u.newPage(r, "cases.new.title")
	u.renderPartial(w, r, http.StatusOK, "case_intake.html", "prior-cases", map[string]any{"Page": page, "Prior": u.priorData(r, found)})
}
