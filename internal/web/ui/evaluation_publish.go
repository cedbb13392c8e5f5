package ui

import (
	"net/http"
	"net/url"

	"github.com/onedoor/onedoor/internal/web/httpx"
)

// evaluationPublish publishes (定稿) the ranking of the scheme and period posted: it
// is frozen as computed now, and the page then shows the snapshot.
func (u *UI) evaluationPublish(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, err)
		return
	}
	scheme, unit, date := r.PostFormValue("scheme"), r.PostFormValue("period"), r.PostFormValue("date")
	back := "/evaluation?" + url.Values{"scheme": {scheme}, "period": {unit}, "date": {date}}.Encode()
	if _, err := u.Cases.PublishRanking(r.Context(), httpx.Principal(r), scheme, unit, date); err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		page := u.newPage(r, "evaluation.title")
		page.Active = "nav.evaluation"
		q := r.URL.Query()
		q.Set("scheme", scheme)
		q.Set("period", unit)
		q.Set("date", date)
		r.URL.RawQuery = q.Encode()
		d, lerr := u.loadEvaluation(r, page)
		if lerr != nil {
			u.renderError(w, r, lerr)
			return
		}
		page.Data = d
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = ce.Message
		u.render(w, r, ce.Status, "evaluation.html", page)
		return
	}
	redirect(w, r, back, "evaluation_published")
}
