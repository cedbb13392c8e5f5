package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// The hall's big screen (大屏, 1920×1080): no one signs in at it. The PC in the hall
// opens /screen/<token>, a token an administrator issued bound to a region; the page
// polls /screen/<token>/data every ScreenRefreshSeconds and draws what it gets, so a
// change shows within 30 s. Everything it shows is the token region's subtree, read
// as that region's viewer (领导查看) reads it, and personal data leaves masked.

// ScreenRefreshSeconds is how often the screen asks for its figures.
const ScreenRefreshSeconds = 15

// screenTickerSize is how many of today's cases the ticker carries.
const screenTickerSize = 30

// screenHeadline are the month's figures along the screen's left side.
var screenHeadline = []string{"intake", "ended", "resolve_rate", "on_time_rate", "satisfaction_rate", "local_rate", "avg_days"}

type screenPage struct {
	Token   string
	Region  string
	Refresh int
}

// screen serves the screen's page: its frame, which screen.js fills from the data.
func (u *UI) screen(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	_, p, err := u.Org.Screen(r.Context(), tok, u.Cases.Now())
	page := u.newPage(r, "screen.title")
	page.Nav = nil
	if err != nil {
		u.screenRefused(w, r, page, err)
		return
	}
	page.Data = screenPage{Token: tok, Region: p.Region.Name, Refresh: ScreenRefreshSeconds}
	w.Header().Set("Cache-Control", "no-store")
	execute(w, r, http.StatusOK, u.pages.staff["screen.html"], "screen", "screen.html", page)
}

// screenRefused answers an unknown or revoked token: the hall shows why, in words.
func (u *UI) screenRefused(w http.ResponseWriter, r *http.Request, page *Page, err error) {
	if !errors.Is(err, org.ErrBadScreenToken) {
		u.renderError(w, r, err)
		return
	}
	page.Error = page.T("screen.refused")
	execute(w, r, http.StatusForbidden, u.pages.staff["screen.html"], "screen", "screen.html", page)
}

// screenValue is one number on the screen, worded.
type screenValue struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Def   string  `json:"def,omitempty"`
	Text  string  `json:"text"`
	Value float64 `json:"value"`
	Num   int64   `json:"num"`
	Ring  string  `json:"ring,omitempty"`
	Mood  string  `json:"mood,omitempty"`
}

type screenArea struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Text  string  `json:"text"`
	Empty bool    `json:"empty,omitempty"`
}

type screenData struct {
	Region   string              `json:"region"`
	Period   string              `json:"period"`
	Updated  string              `json:"updated"`
	Refresh  int                 `json:"refresh"`
	Today    int64               `json:"today"`
	Headline []screenValue       `json:"headline"`
	Warnings []screenValue       `json:"warnings"`
	Deadline []screenValue       `json:"deadline"`
	Figure   screenValue         `json:"figure"` // the figure the map is coloured by
	Areas    []screenArea        `json:"areas"`
	MapKey   string              `json:"map_key"` // changes when the outlines do
	Ticker   []screenTickerEntry `json:"ticker"`
}

type screenTickerEntry struct {
	Number   string `json:"number"`
	Time     string `json:"time"`
	Kind     string `json:"kind"`
	Category string `json:"category"`
	Region   string `json:"region"`
	Title    string `json:"title"`
	Urgency  string `json:"urgency"`
	Level    string `json:"level"`
}

// screenAuth reads the token of a data request; a refused one answers 403 in JSON.
func (u *UI) screenAuth(w http.ResponseWriter, r *http.Request) (store.ScreenToken, *auth.Principal, bool) {
	t, p, err := u.Org.Screen(r.Context(), r.PathValue("token"), u.Cases.Now())
	if err != nil {
		if errors.Is(err, org.ErrBadScreenToken) {
			httpx.WriteJSON(w, http.StatusForbidden, map[string]any{"error": map[string]string{"code": "screen_token",
				"message": i18nT(r, "screen.refused"), "field": "token"}})
		} else {
			httpx.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": i18nT(r, "error.internal")}})
		}
		return t, nil, false
	}
	return t, p, true
}

// screenData is what the screen draws: the month's headline with 环比, today's
// intake, the warnings and deadlines now, the figure of each region below the
// token's region for the map, and today's intake as a masked ticker.
func (u *UI) screenDataJSON(w http.ResponseWriter, r *http.Request) {
	t, p, ok := u.screenAuth(w, r)
	if !ok {
		return
	}
	loc := httpx.Locale(r)
	now := u.Cases.Now()
	names := httpx.StatsNames(loc)
	figure := t.Figure
	if f := r.URL.Query().Get("figure"); f != "" {
		figure = f
	}
	fig, ok := report.ByID(figure)
	if !ok || !containsString(org.ScreenFigures, figure) {
		httpx.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]string{"code": "invalid",
			"message": i18nT(r, "invalid.screen.figure"), "field": "figure"}})
		return
	}
	month := report.PeriodOf(report.Month, now)
	res, err := u.Cases.Stats(r.Context(), p, month, report.Cut{}, names)
	if err == nil {
		var day report.Result
		day, err = u.Cases.Stats(r.Context(), p, report.PeriodOf(report.Day, now), report.Cut{}, names)
		if err == nil && len(day.Headline) > 0 {
			res.Daily = nil
			todayIntake := day.Headline[0].Num
			u.writeScreen(w, r, t, p, fig, res, todayIntake, names)
			return
		}
	}
	httpx.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": i18nT(r, "error.internal")}})
}

func (u *UI) writeScreen(w http.ResponseWriter, r *http.Request, t store.ScreenToken, p *auth.Principal, fig report.Figure, res report.Result, today int64, names cases.StatsNames) {
	loc := httpx.Locale(r)
	now := u.Cases.Now()
	d := screenData{Region: p.Region.Name, Period: res.Period.Label(), Updated: now.In(cst).Format("15:04:05"),
		Refresh: ScreenRefreshSeconds, Today: today}
	if loc == "en" {
		d.Period = res.Period.LabelEN()
	}
	word := func(f report.Figure, v report.Value) screenValue {
		c := cellOf(loc, f, v)
		name, def := f.Local(loc)
		return screenValue{ID: f.ID, Name: name, Def: def, Text: c.Text, Value: v.Value, Num: v.Num}
	}
	byID := map[string]report.Headline{}
	for _, h := range res.Headline {
		byID[h.Figure] = h
	}
	for _, id := range screenHeadline {
		f, _ := report.ByID(id)
		h := byID[id]
		sv := word(f, h.Value)
		sv.Ring, sv.Mood = changeText(loc, f, h.Ring)
		d.Headline = append(d.Headline, sv)
	}
	for _, id := range []string{"warn_red", "warn_orange", "warn_yellow", "warn_blue"} {
		f, _ := report.ByID(id)
		d.Warnings = append(d.Warnings, word(f, byID[id].Value))
	}
	for _, id := range []string{"overdue", "due_soon"} {
		f, _ := report.ByID(id)
		d.Deadline = append(d.Deadline, word(f, byID[id].Value))
	}
	d.Figure = word(fig, report.Value{})
	d.Figure.Text = ""
	col := -1
	for i, id := range report.RegionColumns {
		if id == fig.ID {
			col = i
		}
	}
	var ids []int64
	for _, row := range res.Regions {
		if row.Own || col < 0 {
			continue
		}
		v := row.Values[col]
		c := cellOf(loc, fig, v)
		d.Areas = append(d.Areas, screenArea{ID: row.ID, Name: row.Name, Value: v.Value, Text: c.Text, Empty: v.Empty})
		ids = append(ids, row.ID)
	}
	outlines, err := u.Store.RegionOutlines(r.Context(), append(ids, p.Region.ID))
	if err != nil {
		httpx.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": i18nT(r, "error.internal")}})
		return
	}
	d.MapKey = mapKey(outlines, append(ids, p.Region.ID))
	items, err := u.Cases.TodayIntake(r.Context(), p, screenTickerSize, names)
	if err != nil {
		httpx.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": i18nT(r, "error.internal")}})
		return
	}
	for _, it := range items {
		d.Ticker = append(d.Ticker, screenTickerEntry{Number: strconv.FormatInt(it.ID, 10), Time: it.At.In(cst).Format("15:04"),
			Kind: i18nT(r, "kind."+it.Kind), Category: it.Category, Region: it.Region, Title: it.Title,
			Urgency: i18nT(r, "urgency."+it.Urgency), Level: it.RiskLevel})
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, d)
}

// screenMap is the map's outlines as a GeoJSON FeatureCollection for ECharts'
// registerMap: one feature per region below the token's region that has an outline,
// named as the data names it; the token's region itself when none below has one.
func (u *UI) screenMap(w http.ResponseWriter, r *http.Request) {
	_, p, ok := u.screenAuth(w, r)
	if !ok {
		return
	}
	children, err := u.Store.Regions(r.Context(), store.RegionFilter{ParentID: p.Region.ID})
	if err != nil {
		httpx.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": i18nT(r, "error.internal")}})
		return
	}
	ids := []int64{p.Region.ID}
	named := map[int64]string{p.Region.ID: p.Region.Name}
	for _, c := range children {
		ids = append(ids, c.ID)
		named[c.ID] = c.Name
	}
	outlines, err := u.Store.RegionOutlines(r.Context(), ids)
	if err != nil {
		httpx.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": i18nT(r, "error.internal")}})
		return
	}
	type feature struct {
		Type       string          `json:"type"`
		Properties map[string]any  `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, id := range ids[1:] {
		if g, ok := outlines[id]; ok {
			fc.Features = append(fc.Features, feature{"Feature", map[string]any{"name": named[id], "id": id}, json.RawMessage(g)})
		}
	}
	if len(fc.Features) == 0 {
		if g, ok := outlines[p.Region.ID]; ok {
			fc.Features = append(fc.Features, feature{"Feature", map[string]any{"name": p.Region.Name, "id": p.Region.ID}, json.RawMessage(g)})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, fc)
}

// mapKey changes when any of the outlines does, so the screen fetches its map again.
func mapKey(outlines map[int64]string, ids []int64) string {
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(strconv.FormatInt(id, 10) + ":" + outlines[id] + ";"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// i18nT words key in the request's language.
func i18nT(r *http.Request, key string, args ...any) string {
	return i18n.T(httpx.Locale(r), key, args...)
}
