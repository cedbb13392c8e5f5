package ui

import (
	"net/http"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type tokenRow struct {
	store.APIToken
	UserName string
}

type tokenData struct {
	Rows     []tokenRow
	Users    []model.User
	NewToken string // shown once, right after it is issued
}

func (u *UI) renderTokens(w http.ResponseWriter, r *http.Request, status int, newToken string, err error) {
	p := httpx.Principal(r)
	toks, lerr := u.Org.Tokens(r.Context(), p)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	users, lerr := u.Org.Users(r.Context(), p, store.UserFilter{ActiveOnly: true})
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	names := map[int64]string{}
	for _, us := range users {
		names[us.ID] = us.DisplayName + " (" + us.Username + ")"
	}
	rows := make([]tokenRow, len(toks))
	for i, t := range toks {
		rows[i] = tokenRow{APIToken: t, UserName: names[t.UserID]}
	}
	page := u.newPage(r, "tokens.title")
	page.Active = "nav.tokens"
	page.Data = tokenData{Rows: rows, Users: users, NewToken: newToken}
	if err != nil {
		u.formError(w, r, "admin_tokens.html", page, err)
		return
	}
	u.render(w, r, status, "admin_tokens.html", page)
}

func (u *UI) tokenList(w http.ResponseWriter, r *http.Request) {
	u.renderTokens(w, r, http.StatusOK, "", nil)
}

// tokenCreate issues a token and shows it on the page it answers with: the one time
// it can be seen.
func (u *UI) tokenCreate(w http.ResponseWriter, r *http.Request) {
	userID, err := httpx.FormInt(r, "user_id")
	var tok string
	if err == nil {
		tok, _, err = u.Org.IssueToken(r.Context(), httpx.Principal(r), u.Auth, org.TokenInput{Name: strings.TrimSpace(r.PostFormValue("name")), UserID: userID})
	}
	u.renderTokens(w, r, http.StatusOK, tok, err)
}

func (u *UI) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = u.Org.RevokeToken(r.Context(), httpx.Principal(r), id)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/tokens", "revoked")
}
