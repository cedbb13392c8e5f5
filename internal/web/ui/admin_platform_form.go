package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type platformForm struct {
	Platform   *store.Platform // nil for a new one
	SecretHint string
	Kinds      []string
	Fields     []string
}

// exampleMapping is the new platform form's starting mapping: every field onedoor
// reads, named as a typical 12345 order names it, and no value mappings yet.
const exampleMapping = `{
  "fields": {
    "external_id": "order_no",
    "title": "title",
    "description": "content",
    "caller_name": "caller.name",
    "caller_phone": "caller.phone",
    "address": "address",
    "category": "category_code",
    "region": "region_code",
    "received_at": "received_at",
    "appeal_type": "appeal_type"
  },
  "categories": {},
  "regions": {}
}`

func (u *UI) renderPlatformForm(w http.ResponseWriter, r *http.Request, p *store.Platform, err error) {
	title := "platforms.new"
	if p != nil {
		title = "platforms.edit"
	}
	page := u.newPage(r, title)
	page.Active = "nav.platforms"
	data := platformForm{Platform: p, Kinds: adapters.Kinds, Fields: adapters.OrderFields}
	if p != nil {
		data.SecretHint = adapterjob.SecretHint(p.Secret)
	}
	page.Data = data
	if err != nil {
		u.formError(w, r, "admin_platform_form.html", page, err)
		return
	}
	page.Form = map[string][]string{"mapping": {exampleMapping}, "kind": {adapters.KindHotline}, "active": {"on"},
		"signature_header": {adapters.DefaultSignatureHeader}, "timestamp_header": {adapters.DefaultTimestampHeader}}
	if p != nil {
		in := adapterjob.Input(*p)
		active := ""
		if in.Active {
			active = "on"
		}
		page.Form = map[string][]string{"name": {in.Name}, "kind": {in.Kind}, "signature_header": {in.SignatureHeader},
			"timestamp_header": {in.TimestampHeader}, "poll_url": {in.PollURL}, "poll_seconds": {strconv.Itoa(in.PollSeconds)},
			"push_url": {in.PushURL}, "mapping": {in.Mapping}, "active": {active}}
	}
	u.render(w, r, http.StatusOK, "admin_platform_form.html", page)
}

// platformInput reads the form. The secret is never echoed back into a form that
// fails: the administrator types it again.
func platformInput(r *http.Request) (adapterjob.PlatformInput, error) {
	in := adapterjob.PlatformInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"),
		Secret: r.PostFormValue("secret"), SignatureHeader: r.PostFormValue("signature_header"), TimestampHeader: r.PostFormValue("timestamp_header"),
		PollURL: r.PostFormValue("poll_url"), PushURL: r.PostFormValue("push_url"), Mapping: r.PostFormValue("mapping"),
		Active: r.PostFormValue("active") == "on"}
	r.PostForm.Del("secret")
	if s := strings.TrimSpace(r.PostFormValue("poll_seconds")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return in, model.Invalid("poll_seconds", "invalid", "invalid.platform.poll_seconds", adapterjob.MinPollSeconds, adapterjob.MaxPollSeconds)
		}
		in.PollSeconds = n
	}
	return in, nil
}

func (u *UI) platformNew(w http.ResponseWriter, r *http.Request) {
	u.renderPlatformForm(w, r, nil, nil)
}

func (u *UI) platformCreate(w http.ResponseWriter, r *http.Request) {
	in, err := platformInput(r)
	if err == nil {
		_, err = u.Adapters.CreatePlatform(r.Context(), in)
	}
	if err != nil {
		u.renderPlatformForm(w, r, nil, err)
		return
	}
	redirect(w, r, "/admin/platforms", "saved")
}

func (u *UI) platformFromPath(r *http.Request) (store.Platform, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return store.Platform{}, err
	}
	return u.Store.Platform(r.Context(), id)
}

func (u *UI) platformEdit(w http.ResponseWriter, r *http.Request) {
	p, err := u.platformFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderPlatformForm(w, r, &p, nil)
}

func (u *UI) platformUpdate(w http.ResponseWriter, r *http.Request) {
	p, err := u.platformFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	in, err := platformInput(r)
	if err == nil {
		_, err = u.Adapters.UpdatePlatform(r.Context(), p.ID, in)
	}
	if err != nil {
		u.renderPlatformForm(w, r, &p, err)
		return
	}
	redirect(w, r, "/admin/platforms", "saved")
}
