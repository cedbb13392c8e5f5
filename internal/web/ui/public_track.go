package ui

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

type publicTrackData struct {
	View          *cases.PublicView
	Satisfactions []workflow.Satisfaction
	Last4         string   // carried in the rating form, so the citizen need not type it again
	HelpKinds     []string // what help the citizen may ask for (点菜式), while the case is open
}

// publicTrackForm asks for the tracking code (filled in when the QR code carried it)
// and the last four digits of the phone.
func (u *UI) publicTrackForm(w http.ResponseWriter, r *http.Request) {
	page := u.newPage(r, "public.track.title")
	page.Form = url.Values{"code": {cases.NormalizeTrackingCode(httpx.PageQuery(r).String("code"))}}
	page.Data = publicTrackData{}
	u.renderPublic(w, r, http.StatusOK, "public_track.html", page)
}

// publicTrack shows the case a code and the phone's last digits name; any failure to
// match has one answer.
func (u *UI) publicTrack(w http.ResponseWriter, r *http.Request) {
	if !u.admitLookup(w, r) {
		return
	}
	u.showTrack(w, r, http.StatusOK, "", "")
}

// admitLookup applies the lookup limits, per case and per address, and answers 429
// when one is reached.
func (u *UI) admitLookup(w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	blocked, retry, err := u.codeBlocked(ctx, r.PostFormValue("code"))
	if err != nil {
		u.publicFail(w, r, err)
		return false
	}
	if blocked {
		u.tooMany(w, r, retry)
		return false
	}
	ok, retry, err := u.Store.RateAllow(ctx, publicLookups, httpx.ClientSubject(r), time.Now())
	if err != nil {
		u.publicFail(w, r, err)
		return false
	}
	if !ok {
		u.tooMany(w, r, retry)
		return false
	}
	return true
}

// lookupKey is what the per-case limit counts a typed code as: the code as the lookup
// reads it (cases.NormalizeTrackingCode), so that every way of writing one case's
// code (case, dashes, spaces) is one count.
func lookupKey(code string) string {
	if c := cases.NormalizeTrackingCode(code); c != "" {
		return c
	}
	return "malformed"
}

// showTrack looks the case up again and shows it, with a notice or an error.
func (u *UI) showTrack(w http.ResponseWriter, r *http.Request, status int, notice, errMsg string) {
	code, last4 := r.PostFormValue("code"), r.PostFormValue("last4")
	page := u.newPage(r, "public.track.title")
	page.Form = url.Values{"code": {cases.NormalizeTrackingCode(code)}}
	if page.Form.Get("code") == "" {
		page.Form.Set("code", truncate(code, 20))
	}
	v, err := u.Cases.Track(r.Context(), code, last4)
	if errors.Is(err, cases.ErrNoMatch) {
		if err := u.codeFailed(r.Context(), code); err != nil {
			u.publicFail(w, r, err)
			return
		}
		page.Error = i18n.T(page.Locale, "public.track.no_match")
		page.Data = publicTrackData{}
		u.renderPublic(w, r, http.StatusNotFound, "public_track.html", page)
		return
	}
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	page.Notice, page.Error = notice, errMsg
	data := publicTrackData{View: &v, Satisfactions: workflow.AllSatisfactions, Last4: last4}
	if v.State.Open() && u.Mediation != nil {
		data.HelpKinds = mediation.HelpKinds
	}
	page.Data = data
	u.renderPublic(w, r, status, "public_track.html", page)
}

// publicRate records the citizen's rating of the result and shows the case again.
func (u *UI) publicRate(w http.ResponseWriter, r *http.Request) {
	if !u.admitLookup(w, r) {
		return
	}
	loc := httpx.Locale(r)
	err := u.Cases.Rate(r.Context(), r.PostFormValue("code"), r.PostFormValue("last4"),
		workflow.Satisfaction(r.PostFormValue("satisfaction")), r.PostFormValue("comment"))
	switch {
	case err == nil:
		u.showTrack(w, r, http.StatusOK, "public.rate.thanks", "")
	case errors.Is(err, cases.ErrNoMatch):
		u.showTrack(w, r, http.StatusNotFound, "", "")
	case errors.Is(err, cases.ErrAlreadyRated):
		u.showTrack(w, r, http.StatusConflict, "", i18n.T(loc, "public.rate.already"))
	case errors.Is(err, cases.ErrNotRatable):
		u.showTrack(w, r, http.StatusConflict, "", i18n.T(loc, "public.rate.not_yet"))
	default:
		e := httpx.FromErr(r, err)
		if e.Status == http.StatusUnprocessableEntity || e.Status == http.StatusConflict {
			u.showTrack(w, r, e.Status, "", e.Message)
			return
		}
		u.publicFail(w, r, err)
	}
}

// publicHelp records the help the citizen asks for on their open case (点菜式: a
// mediator, a lawyer, legal aid, a psychologist…); the centre's clerks are told and
// the request shows on the case.
func (u *UI) publicHelp(w http.ResponseWriter, r *http.Request) {
	if !u.admitLookup(w, r) {
		return
	}
	for _, k := range r.PostForm["help"] {
		if !slices.Contains(mediation.HelpKinds, k) {
			u.showTrack(w, r, http.StatusUnprocessableEntity, "", i18n.T(httpx.Locale(r), "invalid.help.kind"))
			return
		}
	}
	c, err := u.Cases.LookupPublic(r.Context(), r.PostFormValue("code"), r.PostFormValue("last4"))
	if errors.Is(err, cases.ErrNoMatch) {
		u.showTrack(w, r, http.StatusNotFound, "", "")
		return
	}
	if err == nil && !workflow.State(c.State).Open() {
		u.showTrack(w, r, http.StatusConflict, "", i18n.T(httpx.Locale(r), "portal.help.closed"))
		return
	}
	if err == nil {
		_, err = u.Mediation.RequestHelp(r.Context(), &c, r.PostForm["help"], r.PostFormValue("help_note"), "portal")
	}
	if err != nil {
		e := httpx.FromErr(r, err)
		if e.Status == http.StatusUnprocessableEntity {
			u.showTrack(w, r, e.Status, "", e.Message)
			return
		}
		u.publicFail(w, r, err)
		return
	}
	u.showTrack(w, r, http.StatusOK, "portal.help.sent", "")
}

// truncate keeps at most n runes of s.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) > n {
		return string(rs[:n])
	}
	return s
}
