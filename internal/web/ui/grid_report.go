package ui

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// gridMaxPhotos bounds the photos of one report, as for a citizen's (随手拍).
const gridMaxPhotos = cases.MaxPublicPhotos

type gridReportData struct {
	Kinds      []model.CaseKind
	Groups     []categoryGroup
	Regions    []regionRow
	Urgencies  []workflow.Urgency
	MaxPhotos  int
	PhotosLost bool // the refused form had photos, which a browser cannot refill
}

// gridPhoto is one photo of a report, read and checked before the case is registered.
type gridPhoto struct {
	Name string
	Data []byte
}

// gridReportForm shows the empty report form; the grid is preselected when the
// worker's area has exactly one.
func (u *UI) gridReportForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"kind": {string(model.KindDispute)}, "urgency": {string(workflow.UrgencyNormal)}}
	u.renderGridReport(w, r, http.StatusOK, form, nil, false)
}

func (u *UI) renderGridReport(w http.ResponseWriter, r *http.Request, status int, form url.Values, ce *caseError, photosLost bool) {
	p := httpx.Principal(r)
	ctx := r.Context()
	rows, groups, err := u.formChoices(ctx, p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d := gridReportData{Kinds: model.AllKinds, Groups: groups, Regions: rows,
		Urgencies: workflow.AllUrgencies, MaxPhotos: gridMaxPhotos, PhotosLost: photosLost}
	if form.Get("region_id") == "" {
		var grids []regionRow
		for _, g := range d.Regions {
			if g.Level == model.LevelGrid {
				grids = append(grids, g)
			}
		}
		switch {
		case len(grids) == 1:
			form.Set("region_id", strconv.FormatInt(grids[0].ID, 10))
		case len(d.Regions) == 1:
			form.Set("region_id", strconv.FormatInt(d.Regions[0].ID, 10))
		}
	}
	page := u.newPage(r, "grid.report.title")
	page.Active = "nav.grid"
	page.Form = form
	page.Data = d
	if ce != nil {
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = caseFields.Prefixed(page.Locale, ce.Field, ce.Message)
	}
	u.render(w, r, status, "grid_report.html", page)
}

// gridReportSubmit registers the reported event as a grid-channel case (it goes to
// the centre above the worker's grid) and attaches its photos; a refusal shows the
// form again with the message next to its field and the input kept.
func (u *UI) gridReportSubmit(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			u.renderGridReport(w, r, http.StatusRequestEntityTooLarge, cloneForm(r.PostForm),
				&caseError{Status: http.StatusRequestEntityTooLarge, Field: "photos",
					Message: i18n.T(httpx.Locale(r), "invalid.photos.total_too_large", httpx.MaxUploadBytes>>20)}, true)
			return
		}
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	photos, perr := readGridPhotos(r)
	in, err := gridReportInput(r, p.User.DisplayName)
	if err == nil {
		err = perr
	}
	var c model.Case
	if err == nil {
		c, err = u.Cases.Register(r.Context(), p, in)
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		ce.Field = gridReportField(ce.Field)
		u.renderGridReport(w, r, ce.Status, cloneForm(r.PostForm), ce, len(photos) > 0 || perr != nil)
		return
	}
	for _, ph := range photos {
		if _, err := u.Cases.Attach(r.Context(), p, c.ID, cases.AttachInput{Name: ph.Name, Data: ph.Data}); err != nil {
			// The case stands; say what became of the photo on its page.
			ce := classify(r, err)
			if ce == nil {
				u.renderError(w, r, err)
				return
			}
			u.renderGridCase(w, r, c.ID, ce.Status, "", ce)
			return
		}
	}
	http.Redirect(w, r, "/grid/cases/"+strconv.FormatInt(c.ID, 10)+"?done=reported", http.StatusSeeOther)
}

// cloneForm copies the refused form so the page can refill it, without the CSRF
// token (the page writes its own).
func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		if k != "csrf_token" {
			out[k] = v
		}
	}
	return out
}

// readGridPhotos reads the report's photos (an empty file input sends one empty part,
// which is no photo) and checks them before anything is registered: at most
// gridMaxPhotos, each a real image by its content and its header (within the pixels
// a photo may have), within the attachment size.
func readGridPhotos(r *http.Request) ([]gridPhoto, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []gridPhoto
	for _, fh := range r.MultipartForm.File["photos"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		if len(out) == gridMaxPhotos {
			return nil, model.Invalid("photos", "too_many", "invalid.photos.too_many", gridMaxPhotos)
		}
		n := len(out) + 1
		if fh.Size > cases.MaxAttachmentBytes {
			return nil, model.Invalid("photos", "too_large", "invalid.photos.too_large", n)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, cases.MaxAttachmentBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if len(data) == 0 {
			return nil, model.Invalid("photos", "empty", "invalid.photos.empty", n)
		}
		if !strings.HasPrefix(http.DetectContentType(data), "image/") {
			return nil, model.Invalid("photos", "type", "invalid.photos.type", n)
		}
		var bad *model.FieldError
		if errors.As(cases.CheckPhoto("photos", data), &bad) {
			return nil, model.Invalid("photos", bad.Code, "invalid.photos.nth", n, bad)
		}
		out = append(out, gridPhoto{Name: fh.Filename, Data: data})
	}
	return out, nil
}

// gridReportInput reads the report form. A hazard or a request for help may name
// nobody: the grid worker is then its reporter (反映人); a dispute or a petition
// must name its party.
func gridReportInput(r *http.Request, worker string) (cases.RegisterInput, error) {
	f := r.PostForm
	in := cases.RegisterInput{Kind: model.CaseKind(f.Get("kind")), Channel: model.ChannelGrid, Address: f.Get("address"),
		Description: f.Get("description"), Urgency: f.Get("urgency"), Injured: f.Get("injured") != ""}
	var err error
	if in.CategoryID, err = httpx.FormInt(r, "category_id"); err != nil {
		return in, err
	}
	if in.RegionID, err = httpx.FormInt(r, "region_id"); err != nil {
		return in, err
	}
	people, err := httpx.FormInt(r, "people_count")
	if err != nil {
		return in, err
	}
	if people < 0 || people > cases.MaxPeopleInvolved {
		return in, model.Invalid("people_count", "range", "invalid.people_count.range")
	}
	in.PeopleCount = int(people)
	lat, lng := strings.TrimSpace(f.Get("lat")), strings.TrimSpace(f.Get("lng"))
	if lat != "" || lng != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		ln, err2 := strconv.ParseFloat(lng, 64)
		if err1 != nil || err2 != nil {
			return in, model.Invalid("lat", "not_a_number", "invalid.lat.not_a_number")
		}
		in.Lat, in.Lng = &la, &ln
	}
	party := cases.PartyInput{Role: model.PartyApplicant, Name: strings.TrimSpace(f.Get("party_name")), Phone: strings.TrimSpace(f.Get("party_phone"))}
	if party.Name == "" && party.Phone == "" && (in.Kind == model.KindHazard || in.Kind == model.KindService) {
		party.Name = worker
	}
	in.Parties = []cases.PartyInput{party}
	return in, nil
}

// gridReportField maps a field the service names to the report form's input.
func gridReportField(field string) string {
	switch field {
	case "parties", "parties[0].name":
		return "party_name"
	case "parties[0].phone":
		return "party_phone"
	case "grid_id":
		return "region_id"
	case "lng":
		return "lat"
	case "title":
		return "description"
	}
	if strings.HasPrefix(field, "parties[0].") {
		return "party_name"
	}
	return field
}
