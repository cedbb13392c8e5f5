package ui

import (
	"net/http"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// screenRow is a screen token as the admin page lists it.
type screenRow struct {
	store.ScreenToken
	Region     string
	FigureName string
}

// outlineRow is a region of the admin's subtree and whether the map has its outline.
type outlineRow struct {
	model.Region
	Has bool
}

type screensData struct {
	Rows     []screenRow
	Regions  []model.Region
	Figures  []statColumn
	Outlines []outlineRow
	NewURL   string // the new screen's address, shown once, right after it is issued
}

// screensPage is the admin's page of hall screens: issue a token bound to a region
// (its address is shown once), revoke one, and upload the regions' outlines the
// screen's map draws.
func (u *UI) renderScreens(w http.ResponseWriter, r *http.Request, status int, newURL string, err error) {
	p := httpx.Principal(r)
	toks, lerr := u.Org.ScreenTokens(r.Context(), p)
	var regions []model.Region
	if lerr == nil {
		regions, lerr = u.Org.Regions(r.Context(), p, true)
	}
	var outlines map[int64]string
	if lerr == nil {
		ids := make([]int64, len(regions))
		for i, g := range regions {
			ids[i] = g.ID
		}
		outlines, lerr = u.Store.RegionOutlines(r.Context(), ids)
	}
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	page := u.newPage(r, "screens.title")
	page.Active = "nav.screens"
	names := map[int64]string{}
	d := screensData{Regions: regions, NewURL: newURL, Figures: columns(page.Locale, org.ScreenFigures)}
	for _, g := range regions {
		names[g.ID] = g.Name
		if g.Level != model.LevelGrid {
			d.Outlines = append(d.Outlines, outlineRow{Region: g, Has: outlines[g.ID] != ""})
		}
	}
	for _, t := range toks {
		row := screenRow{ScreenToken: t, Region: names[t.RegionID], FigureName: t.Figure}
		for _, f := range d.Figures {
			if f.ID == t.Figure {
				row.FigureName = f.Name
			}
		}
		d.Rows = append(d.Rows, row)
	}
	page.Data = d
	if err != nil {
		u.formError(w, r, "admin_screens.html", page, err)
		return
	}
	u.render(w, r, status, "admin_screens.html", page)
}

func (u *UI) screenList(w http.ResponseWriter, r *http.Request) {
	u.renderScreens(w, r, http.StatusOK, "", nil)
}

// screenIssue issues a screen token and shows the screen's address once.
func (u *UI) screenIssue(w http.ResponseWriter, r *http.Request) {
	regionID, err := httpx.FormInt(r, "region_id")
	var tok string
	if err == nil {
		tok, _, err = u.Org.IssueScreenToken(r.Context(), httpx.Principal(r), org.ScreenInput{
			Name: strings.TrimSpace(r.PostFormValue("name")), RegionID: regionID, Figure: r.PostFormValue("figure")})
	}
	newURL := ""
	if err == nil {
		scheme := "http"
		if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
			scheme = "https"
		}
		newURL = scheme + "://" + r.Host + "/screen/" + tok
	}
	u.renderScreens(w, r, http.StatusOK, newURL, err)
}

func (u *UI) screenRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if err := u.Org.RevokeScreenToken(r.Context(), httpx.Principal(r), id); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/screens", "revoked")
}

// outlineUpload takes a region's GeoJSON outline; a malformed one is refused naming
// what is wrong and where.
func (u *UI) outlineUpload(w http.ResponseWriter, r *http.Request) {
	_, data, err := httpx.ReadUpload(r, model.OutlineField, model.OutlineMaxBytes)
	var regionID int64
	if err == nil {
		regionID, err = httpx.FormInt(r, "region_id")
	}
	if err == nil {
		err = u.Org.SetOutline(r.Context(), httpx.Principal(r), regionID, data)
	}
	if err != nil {
		u.renderScreens(w, r, http.StatusUnprocessableEntity, "", err)
		return
	}
	redirect(w, r, "/admin/screens", "outline_saved")
}

func (u *UI) outlineDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	if err := u.Org.DeleteOutline(r.Context(), httpx.Principal(r), id); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/screens", "outline_deleted")
}
