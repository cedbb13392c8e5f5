package ui

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// maxParkedShown bounds the 待映射 list: the codes to map repeat, and mapping one
// registers every order waiting for it.
const maxParkedShown = 200

type parkedRow struct {
	store.PlatformOrder
	Unmapped []adapters.Unmapped
}

type parkedPage struct {
	Platform   store.Platform
	Rows       []parkedRow
	Codes      []adapters.Unmapped // every distinct code the rows wait for, in order of first appearance
	Categories []model.Category
	Regions    []model.Region
	Registered int // how many the last resolution registered, -1 when none was made
}

// platformParked lists a platform's orders waiting for a mapping (待映射), each with
// the codes it waits for, and a form to map each code.
func (u *UI) platformParked(w http.ResponseWriter, r *http.Request) {
	p, err := u.platformFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	registered := -1
	if n, err := strconv.Atoi(httpx.PageQuery(r).String("registered")); err == nil {
		registered = n
	}
	u.renderParked(w, r, p, registered, nil)
}

func (u *UI) renderParked(w http.ResponseWriter, r *http.Request, p store.Platform, registered int, ferr error) {
	ctx := r.Context()
	orders, err := u.Store.ParkedOrders(ctx, p.ID, maxParkedShown)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	cats, err := u.Store.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	regions, err := u.Store.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	rows := make([]parkedRow, len(orders))
	var codes []adapters.Unmapped
	seen := map[adapters.Unmapped]bool{}
	for i, o := range orders {
		rows[i] = parkedRow{PlatformOrder: o}
		_ = json.Unmarshal([]byte(o.Problems), &rows[i].Unmapped)
		for _, c := range rows[i].Unmapped {
			if !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	page := u.newPage(r, "platforms.parked")
	page.Active = "nav.platforms"
	page.Data = parkedPage{Platform: p, Rows: rows, Codes: codes, Categories: cats, Regions: regions, Registered: registered}
	if ferr != nil {
		u.formError(w, r, "admin_platform_parked.html", page, ferr)
		return
	}
	u.render(w, r, http.StatusOK, "admin_platform_parked.html", page)
}

// platformResolve maps one of the platform's codes to ours, then registers every
// parked order the mapping now covers.
func (u *UI) platformResolve(w http.ResponseWriter, r *http.Request) {
	p, err := u.platformFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	n, err := u.Adapters.Resolve(r.Context(), p.ID, adapterjob.Resolution{Field: r.PostFormValue("field"), Theirs: r.PostFormValue("theirs"),
		Ours: r.PostFormValue("ours")})
	if err != nil {
		u.renderParked(w, r, p, -1, err)
		return
	}
	redirect(w, r, "/admin/platforms/"+strconv.FormatInt(p.ID, 10)+"/parked?registered="+strconv.Itoa(n), "saved")
}
