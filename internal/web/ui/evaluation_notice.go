package ui

import (
	"net/http"
)

// evaluationNotice is the ranking as a 通报 on A4: the title naming the region, the
// period and the scheme, the ranking with each item's points, how each item scores,
// the team work (包案) of the period, and, until the period is published, a mark that
// it is not final.
func (u *UI) evaluationNotice(w http.ResponseWriter, r *http.Request) {
	page := u.newPage(r, "evaluation.notice_title")
	page.Active = "nav.evaluation"
	d, err := u.loadEvaluation(r, page)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page.Data = d
	u.render(w, r, http.StatusOK, "evaluation_notice.html", page)
}
