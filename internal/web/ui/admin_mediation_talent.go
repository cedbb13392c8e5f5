package ui

import (
	"errors"
	"net/http"

	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// talentSave adds a person to the pool (POST /admin/mediation/talent) or changes one
// (POST /admin/mediation/talent/{id}). The form's fields for the person carry a t_
// prefix where the organisation's form has a field of the same name.
func (u *UI) talentSave(w http.ResponseWriter, r *http.Request) {
	var id int64
	var err error
	if r.PathValue("id") != "" {
		if id, err = httpx.PathID(r, "id"); err != nil {
			u.renderError(w, r, err)
			return
		}
	}
	region, err := httpx.FormInt(r, "t_region_id")
	var user int64
	if err == nil {
		user, err = httpx.FormInt(r, "user_id")
	}
	if err == nil {
		in := mediation.TalentInput{RegionID: region, Name: r.PostFormValue("t_name"), Kind: r.PostFormValue("t_kind"), Specialties: r.PostForm["specialties"],
			Phone: r.PostFormValue("t_phone"), Employer: r.PostFormValue("employer"), UserID: user, Since: r.PostFormValue("since"),
			Until: r.PostFormValue("until"), Note: r.PostFormValue("note")}
		_, err = u.Mediation.SaveTalent(r.Context(), httpx.Principal(r), id, in)
	}
	if err != nil {
		u.renderMediation(w, r, 0, id, prefixed(err))
		return
	}
	redirect(w, r, mediationURL("", 0), "talent_saved")
}

// prefixed names a field error after the person's form field (t_name for name…).
func prefixed(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		switch fe.Field {
		case "region_id", "name", "kind", "phone":
			return fe.WithField("t_" + fe.Field)
		}
	}
	return err
}
