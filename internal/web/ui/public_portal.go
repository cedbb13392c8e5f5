package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// Size limits of a public submission: six photos of 5 MB and the form. The
// middleware leaves a POST to /p/ to this handler's own limit (httpx.IsUpload).
const (
	PublicMaxPhotoBytes = 5 << 20
	PublicMaxBody       = cases.MaxPublicPhotos*PublicMaxPhotoBytes + 1<<20
)

// publicKinds are what a citizen may report here: a dispute, a hazard, a request for
// help. Petitions (信访) have their own statutory channel.
var publicKinds = []model.CaseKind{model.KindDispute, model.KindHazard, model.KindService}

type publicFormData struct {
	Kinds      []model.CaseKind
	Categories []publicCategoryGroup
	Towns      []publicTown
	Challenge  *challenge
	MaxPhotos  int
	MaxPhotoMB int
	MaxTotalMB int
	HelpKinds  []string // the kinds of help the citizen may ask for (点菜式)
}

type publicCategoryGroup struct {
	Kind    model.CaseKind
	Options []publicOption
}

type publicOption struct {
	Code  string
	Name  string
	Child bool
}

// publicTown is a township with its villages, an <optgroup> of the place picker.
type publicTown struct {
	Code     string
	Name     string
	Villages []publicOption
}

// publicPlaces lists the places a citizen may pick: the root's children (townships)
// and theirs (villages), never grids, by code; and the regions by code.
func (u *UI) publicPlaces(ctx context.Context) ([]publicTown, map[string]model.Region, error) {
	regions, err := u.Store.Regions(ctx, store.RegionFilter{ActiveOnly: true})
	if err != nil {
		return nil, nil, err
	}
	var root model.Region
	for _, r := range regions {
		if r.ParentID == 0 {
			root = r
			break
		}
	}
	byCode := map[string]model.Region{}
	var towns []publicTown
	idx := map[int64]int{}
	for _, r := range regions {
		if r.ParentID == root.ID && root.ID != 0 && r.Level != model.LevelGrid {
			idx[r.ID] = len(towns)
			towns = append(towns, publicTown{Code: r.Code, Name: r.Name})
			byCode[r.Code] = r
		}
	}
	for _, r := range regions {
		if i, ok := idx[r.ParentID]; ok && r.Level != model.LevelGrid {
			towns[i].Villages = append(towns[i].Villages, publicOption{Code: r.Code, Name: r.Name})
			byCode[r.Code] = r
		}
	}
	return towns, byCode, nil
}

// publicCategories lists the active categories of the public kinds, by code.
func (u *UI) publicCategories(ctx context.Context) ([]publicCategoryGroup, map[string]model.Category, error) {
	cats, err := u.Store.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]model.Category{}
	var out []publicCategoryGroup
	for _, k := range publicKinds {
		g := publicCategoryGroup{Kind: k}
		for _, c := range cats {
			if c.Kind == k {
				g.Options = append(g.Options, publicOption{Code: c.Code, Name: c.Name, Child: c.ParentID != 0})
				byCode[c.Code] = c
			}
		}
		out = append(out, g)
	}
	return out, byCode, nil
}

// publicForm shows the submission form.
func (u *UI) publicForm(w http.ResponseWriter, r *http.Request) {
	u.renderPublicForm(w, r, http.StatusOK, url.Values{"kind": {string(model.KindDispute)}}, "", "")
}

func (u *UI) renderPublicForm(w http.ResponseWriter, r *http.Request, status int, form url.Values, field, msg string) {
	ctx := r.Context()
	towns, _, err := u.publicPlaces(ctx)
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	cats, _, err := u.publicCategories(ctx)
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	data := publicFormData{Kinds: publicKinds, Categories: cats, Towns: towns, MaxPhotos: cases.MaxPublicPhotos,
		MaxPhotoMB: PublicMaxPhotoBytes >> 20, MaxTotalMB: PublicMaxBody >> 20}
	if u.Mediation != nil {
		data.HelpKinds = mediation.HelpKinds
	}
	g, err := u.guard(ctx)
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	ip := httpx.ClientSubject(r)
	challenged, err := g.needsChallenge(ctx, ip)
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	if challenged {
		c := g.newChallenge(ip)
		data.Challenge = &c
	}
	page := u.newPage(r, "public.form.title")
	form.Del("challenge_answer")
	page.Form, page.Data = form, data
	if msg != "" {
		page.Error = msg
		page.Errors = map[string]string{field: msg}
	}
	u.renderPublic(w, r, status, "public_form.html", page)
}

// publicSubmit registers a citizen's report with its photos and sends them to the
// page with its tracking code.
func (u *UI) publicSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	g, err := u.guard(ctx)
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	ip := httpx.ClientSubject(r)
	ok, retry, err := u.Store.RateAllow(ctx, publicSubmits, ip, time.Now())
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	if !ok {
		u.tooMany(w, r, retry)
		return
	}
	loc := httpx.Locale(r)
	r.Body = http.MaxBytesReader(w, r.Body, PublicMaxBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil { // larger photos wait in temporary files
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			u.publicError(w, r, http.StatusRequestEntityTooLarge, i18n.T(loc, "public.too_large", PublicMaxBody>>20))
			return
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			u.publicFail(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
			return
		}
		if err := r.ParseForm(); err != nil {
			u.publicFail(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
			return
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	form := r.PostForm
	refuse := func(field, msg string) { u.renderPublicForm(w, r, http.StatusUnprocessableEntity, form, field, msg) }
	challenged, err := g.needsChallenge(ctx, ip)
	if err == nil && challenged {
		var answered bool
		answered, err = g.checkChallenge(ctx, ip, form.Get("challenge_token"), form.Get("challenge_answer"))
		if err == nil && !answered {
			refuse("challenge_answer", i18n.T(loc, "public.challenge.wrong"))
			return
		}
	}
	if err != nil {
		u.publicFail(w, r, err)
		return
	}
	in, err := u.publicInput(r, form)
	for _, k := range form["help"] {
		if err == nil && !slices.Contains(mediation.HelpKinds, k) {
			err = model.Invalid("help", "invalid", "invalid.help.kind")
		}
	}
	var c model.Case
	if err == nil {
		c, err = u.Cases.RegisterPublic(ctx, in, "portal")
	}
	if err != nil {
		e := httpx.FromErr(r, err)
		if e.Status != http.StatusUnprocessableEntity {
			u.publicFail(w, r, err)
			return
		}
		field := e.Field
		if strings.HasPrefix(field, "photos[") {
			field = "photos"
		}
		switch field {
		case "region_id":
			field = "region"
		case "category_id":
			field = "category"
		}
		refuse(field, e.Message)
		return
	}
	if help := form["help"]; len(help) > 0 && u.Mediation != nil {
		// The case is in: a request that fails to be kept is logged, not the citizen's error.
		if _, err := u.Mediation.RequestHelp(ctx, &c, help, "", "portal"); err != nil {
			slog.ErrorContext(ctx, "public submission: the help asked for", "err", err)
		}
	}
	if err := g.submissionAccepted(ctx, ip); err != nil {
		// The case is in: the citizen gets its code, rather than an error that would
		// have them submit it again.
		slog.ErrorContext(ctx, "public submission: counting it for the challenge", "err", err)
	}
	http.Redirect(w, r, "/p/submitted?code="+url.QueryEscape(c.TrackingCode), http.StatusSeeOther)
}

// publicInput reads the form into a submission; a field it cannot read is named with
// its message.
func (u *UI) publicInput(r *http.Request, form url.Values) (in cases.PublicInput, err error) {
	ctx := r.Context()
	bad := func(field, key string, args ...any) (cases.PublicInput, error) {
		return in, model.Invalid(field, "invalid", key, args...)
	}
	in = cases.PublicInput{Kind: model.CaseKind(form.Get("kind")), Channel: model.ChannelPortal, Address: form.Get("address"),
		Description: form.Get("description"), Name: form.Get("name"), Phone: form.Get("phone"), IDNumber: form.Get("id_number")}
	ok := false
	for _, k := range publicKinds {
		ok = ok || in.Kind == k
	}
	if !ok {
		return bad("kind", "public.err.kind")
	}
	_, cats, err := u.publicCategories(ctx)
	if err != nil {
		return in, err
	}
	cat, ok := cats[form.Get("category")]
	if !ok {
		return bad("category", "public.err.category")
	}
	if cat.Kind != in.Kind {
		return bad("category", "public.err.category_kind")
	}
	in.CategoryID = cat.ID
	_, places, err := u.publicPlaces(ctx)
	if err != nil {
		return in, err
	}
	place, ok := places[form.Get("region")]
	if !ok {
		return bad("region", "public.err.region")
	}
	in.RegionID = place.ID
	lat, lng := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("lng"))
	if lat != "" || lng != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		ln, err2 := strconv.ParseFloat(lng, 64)
		if err1 != nil || err2 != nil {
			return bad("lat", "public.err.location")
		}
		in.Lat, in.Lng = &la, &ln
	}
	if r.MultipartForm != nil {
		files := r.MultipartForm.File["photos"]
		var photos []*multipart.FileHeader
		for _, fh := range files {
			if fh.Size == 0 && fh.Filename == "" {
				continue // the empty file input of a form sent without photos
			}
			photos = append(photos, fh)
		}
		if len(photos) > cases.MaxPublicPhotos {
			return bad("photos", "public.err.photo_count", cases.MaxPublicPhotos)
		}
		for _, fh := range photos {
			if fh.Size > PublicMaxPhotoBytes {
				return bad("photos", "public.err.photo_size", PublicMaxPhotoBytes>>20)
			}
			f, err := fh.Open()
			if err != nil {
				return bad("photos", "public.err.photo_read")
			}
			data, err := io.ReadAll(io.LimitReader(f, PublicMaxPhotoBytes+1))
			f.Close()
			if err != nil || len(data) > PublicMaxPhotoBytes {
				return bad("photos", "public.err.photo_size", PublicMaxPhotoBytes>>20)
			}
			in.Photos = append(in.Photos, cases.Upload{Name: fh.Filename, Data: data})
		}
	}
	if len(in.Photos) > 0 {
		in.Channel = model.ChannelPhoto // 随手拍
	}
	return in, nil
}

// publicSubmitted shows the tracking code and its QR code. It shows whatever
// well-formed code it is given without looking it up, so it tells nothing of
// which codes exist.
func (u *UI) publicSubmitted(w http.ResponseWriter, r *http.Request) {
	code := cases.NormalizeTrackingCode(httpx.PageQuery(r).String("code"))
	if code == "" {
		u.publicFail(w, r, store.ErrNotFound)
		return
	}
	page := u.newPage(r, "public.submitted.title")
	page.Data = map[string]string{"Code": code, "TrackURL": u.publicURL(r, "/p/track?code="+code)}
	u.renderPublic(w, r, http.StatusOK, "public_submitted.html", page)
}

// publicQR serves the QR code (一码解纠纷) that opens the tracking page of a code, as
// PNG. The code is in the URL so one scan opens the page; the page still asks for
// the last four digits of the phone.
func (u *UI) publicQR(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	code := cases.NormalizeTrackingCode(name)
	if !ok || code == "" || code != name {
		http.NotFound(w, r)
		return
	}
	png, err := qrcode.Encode(u.publicURL(r, "/p/track?code="+code), qrcode.Medium, 320)
	if err != nil {
		u.publicFail(w, r, fmt.Errorf("qr code: %w", err))
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	w.Write(png)
}

// publicRoot sends /p to the portal's form.
func (u *UI) publicRoot(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/p/", http.StatusMovedPermanently)
}
