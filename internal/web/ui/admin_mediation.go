package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// mediationData is the admin's page of mediation organisations and the talent pool.
type mediationData struct {
	Orgs       []store.MediationOrg
	Pool       []store.Talent
	Regions    []regionRow // the admin's regions above grid level, for a form
	Categories []codeOption
	CatNames   map[string]string // code → "婚姻家庭 · 家庭暴力"
	Users      []model.User      // active accounts of the subtree, for a member
	OrgKinds   []string
	Kinds      []string
	EditOrg    *store.MediationOrg // the organisation the form changes, nil for a new one
	EditTalent *store.Talent
	Today      string
}

// codeOption is a category offered by its code.
type codeOption struct {
	Code, Name string
	Child      bool
}

// Status says whether t is in the pool on the page's day.
func (d *mediationData) Status(t store.Talent) string {
	switch {
	case t.Until != "" && t.Until < d.Today:
		return "out"
	case t.Since != "" && t.Since > d.Today:
		return "future"
	}
	return "in"
}

// Names are the categories' names for codes.
func (d *mediationData) Names(codes []string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		if n := d.CatNames[c]; n != "" {
			names = append(names, n)
		} else {
			names = append(names, c)
		}
	}
	return strings.Join(names, "、")
}

// Selected reports whether the page's form holds value among field's values (a
// multiple <select>).
func (p *Page) Selected(field, value string) bool { return slices.Contains(p.Form[field], value) }

// mediationURL is the page, with the form for an organisation or person open when set.
func mediationURL(key string, id int64) string {
	if key == "" {
		return "/admin/mediation"
	}
	return "/admin/mediation?" + url.Values{key: {strconv.FormatInt(id, 10)}}.Encode()
}

// mediationPage lists the organisations and the pool (?org_id= or ?talent_id= opens
// one in its form).
func (u *UI) mediationPage(w http.ResponseWriter, r *http.Request) {
	q := httpx.PageQuery(r)
	org, talent := q.Int("org_id", 0, 1<<62), q.Int("talent_id", 0, 1<<62)
	if err := q.Err(); err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderMediation(w, r, org, talent, nil)
}

// renderMediation shows the page; err, when set, is the form the admin just sent.
func (u *UI) renderMediation(w http.ResponseWriter, r *http.Request, orgID, talentID int64, err error) {
	p := httpx.Principal(r)
	ctx := r.Context()
	d := &mediationData{OrgKinds: mediation.OrgKinds, Kinds: mediation.TalentKinds, Today: u.Cases.Now().In(workflow.ChinaTime).Format(time.DateOnly)}
	var lerr error
	if d.Orgs, lerr = u.Mediation.Orgs(ctx, p); lerr == nil {
		d.Pool, lerr = u.Mediation.Pool(ctx, p)
	}
	var regions []model.Region
	if lerr == nil {
		regions, lerr = u.Org.Regions(ctx, p, true)
	}
	var cats []model.Category
	var idx categoryIndex
	if lerr == nil {
		cats, idx, lerr = u.categories(ctx, true)
	}
	if lerr == nil {
		d.Users, lerr = u.Store.ActiveUsers(ctx, store.UserFilter{Within: p.Scope()})
	}
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	var centres []model.Region
	for _, g := range regions {
		if g.Level != model.LevelGrid {
			centres = append(centres, g)
		}
	}
	d.Regions = treeRows(centres, p.Region)
	d.CatNames = idx.ByCode()
	for _, k := range model.AllKinds {
		for _, c := range cats {
			if c.Kind == k {
				d.Categories = append(d.Categories, codeOption{Code: c.Code, Name: c.Name, Child: c.ParentID != 0})
			}
		}
	}
	page := u.newPage(r, "mediation.title")
	page.Active = "nav.mediation_admin"
	page.Data = d
	form := url.Values{}
	for i := range d.Orgs {
		if d.Orgs[i].ID == orgID {
			o := d.Orgs[i]
			d.EditOrg = &o
			form = url.Values{"region_id": {strconv.FormatInt(o.RegionID, 10)}, "name": {o.Name}, "kind": {o.Kind}, "categories": o.Categories,
				"phone": {o.Phone}, "address": {o.Address}, "number_prefix": {o.NumberPrefix}}
			if o.Active {
				form.Set("active", "on")
			}
		}
	}
	for i := range d.Pool {
		if d.Pool[i].ID == talentID {
			t := d.Pool[i]
			d.EditTalent = &t
			// The phone stays empty: the pool is read masked, and a blank keeps the number.
			form = url.Values{"t_region_id": {strconv.FormatInt(t.RegionID, 10)}, "t_name": {t.Name}, "t_kind": {t.Kind}, "specialties": t.Specialties,
				"employer": {t.Employer}, "user_id": {strconv.FormatInt(t.UserID, 10)}, "since": {t.Since}, "until": {t.Until}, "note": {t.Note}}
		}
	}
	if (orgID != 0 && d.EditOrg == nil) || (talentID != 0 && d.EditTalent == nil) {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	page.Form = form
	if err != nil {
		u.formError(w, r, "admin_mediation.html", page, err)
		return
	}
	u.render(w, r, http.StatusOK, "admin_mediation.html", page)
}
