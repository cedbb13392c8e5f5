package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// mediationMemberAdd puts a person of the pool or an account into the {id} organisation.
func (u *UI) mediationMemberAdd(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	talent, err := httpx.FormInt(r, "talent_id")
	var user int64
	if err == nil {
		user, err = httpx.FormInt(r, "member_user_id")
	}
	if err == nil {
		_, err = u.Mediation.AddMember(r.Context(), httpx.Principal(r), id, mediation.MemberInput{TalentID: talent, UserID: user, Post: r.PostFormValue("post")})
	}
	if err != nil {
		u.renderMediation(w, r, 0, 0, err)
		return
	}
	redirect(w, r, mediationURL("", 0), "mediation_member_added")
}

// mediationMemberRemove takes the {mid} member out of the {id} organisation.
func (u *UI) mediationMemberRemove(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var member int64
	if err == nil {
		member, err = httpx.PathID(r, "mid")
	}
	if err == nil {
		err = u.Mediation.RemoveMember(r.Context(), httpx.Principal(r), id, member)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, mediationURL("", 0), "mediation_member_removed")
}
