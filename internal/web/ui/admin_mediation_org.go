package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// mediationOrgSave creates a mediation organisation (POST /admin/mediation/orgs) or
// changes one (POST /admin/mediation/orgs/{id}).
func (u *UI) mediationOrgSave(w http.ResponseWriter, r *http.Request) {
	var id int64
	var err error
	if r.PathValue("id") != "" {
		if id, err = httpx.PathID(r, "id"); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	region, err := httpx.FormInt(r, "region_id")
	if err == nil {
		in := mediation.OrgInput{RegionID: region, Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Categories: r.PostForm["categories"],
			Phone: r.PostFormValue("phone"), Address: r.PostFormValue("address"), NumberPrefix: r.PostFormValue("number_prefix"), Active: id == 0 || r.PostFormValue("active") != ""}
		_, err = u.Mediation.SaveOrg(r.Context(), httpx.Principal(r), id, in)
	}
	if err != nil {
		u.renderMediation(w, r, id, 0, err)
		return
	}
	redirect(w, r, mediationURL("", 0), "mediation_org_saved")
}
