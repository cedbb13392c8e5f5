package open311

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// publicChannels are the doors whose cases the public listing shows: a case a clerk
// registered from a walk-in or a call is never listed.
var publicChannels = []model.Channel{model.ChannelPortal, model.ChannelPhoto, model.ChannelOpen311}

// maxMultipart bounds the memory a multipart form may take (media are ignored).
const maxMultipart = 1 << 20

// postReply is the answer to POST requests. service_request_id is the public number
// every listing shows; token is the citizen's tracking code for the portal — private,
// given to the submitting client only, never listed.
type postReply struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        *string  `json:"account_id" xml:"account_id"`
}

type postReplies struct {
	XMLName  xml.Name    `xml:"service_requests"`
	Requests []postReply `xml:"request"`
}

// apiKey is the key a client sent: the api_key field, or a bearer token.
func apiKey(r *http.Request) string {
	if k := strings.TrimSpace(r.Form.Get("api_key")); k != "" {
		return k
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(tok)
	}
	return ""
}

// publicKinds are the kinds of request anyone may read: hazards (安全隐患), the
// reports of public interest. A dispute, a petition or a plea for help speaks of
// people — a category such as 家庭暴力 and a village can name a victim.
var publicKinds = []model.CaseKind{model.KindHazard}

// keyScope is where a caller may read requests of every kind: with an API key, where
// the key's user reads cases on their own pages — a key is never more than its user,
// so a user who reads no cases (an administrator) widens nothing, and a township's
// key reads its township's. Without a valid key: nowhere.
func (a *API) keyScope(r *http.Request) store.CaseScope {
	key := strings.TrimSpace(r.URL.Query().Get("api_key"))
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
		key = strings.TrimSpace(tok)
	}
	if key == "" {
		return store.CaseScope{}
	}
	p, err := a.Auth.Token(r.Context(), key)
	if err != nil {
		return store.CaseScope{}
	}
	return cases.ScopeOf(p)
}

func (a *API) postRequest(w http.ResponseWriter, r *http.Request, f format, _ string) *Error {
	ctx := r.Context()
	var perr error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		perr = r.ParseMultipartForm(maxMultipart)
	} else {
		perr = r.ParseForm()
	}
	if perr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(perr, &tooBig) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Description: "the request body is too large"}
		}
		return &Error{Status: http.StatusBadRequest, Description: "the body is not a form (application/x-www-form-urlencoded): " + perr.Error()}
	}
	key := apiKey(r)
	if key == "" {
		return &Error{Status: http.StatusForbidden, Field: "api_key", Description: "api_key: required to create a service request (an onedoor API token, odt_…)"}
	}
	p, err := a.Auth.Token(ctx, key)
	if errors.Is(err, auth.ErrBadToken) {
		return &Error{Status: http.StatusForbidden, Field: "api_key", Description: "api_key: invalid or revoked; can't create the service request"}
	}
	if err != nil {
		return a.internal(r, err)
	}
	tok, err := a.Store.APITokenByHash(ctx, auth.HashToken(key))
	if err != nil {
		return a.asError(r, err)
	}
	ok, retry, err := a.Store.RateAllow(ctx, submissions, strconv.FormatInt(tok.ID, 10), a.Now())
	if err != nil {
		return a.internal(r, err)
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
		return &Error{Status: http.StatusTooManyRequests, Description: fmt.Sprintf("too many service requests from this api_key: at most %d a minute", SubmissionsPerMinute)}
	}
	form := r.Form
	if r.MultipartForm != nil {
		form = url.Values{}
		for k, v := range r.Form {
			form[k] = v
		}
		for k, v := range r.MultipartForm.Value {
			form[k] = v
		}
	}
	sub, ferr := ParseSubmission(form)
	if ferr != nil {
		return ferr
	}
	svc, err := a.lookupService(ctx, sub.ServiceCode)
	if err != nil {
		return a.internal(r, err)
	}
	if svc == nil {
		return badRequest("service_code", "no such service: %s (see services.json)", sub.ServiceCode)
	}
	region, ferr2 := a.placeRegion(ctx, sub)
	if ferr2 != nil {
		return ferr2
	}
	in := cases.PublicInput{Kind: svc.Category.Kind, CategoryID: svc.Category.ID, Channel: model.ChannelOpen311,
		RegionID: region.ID, Address: sub.AddressString, Lat: sub.Lat, Lng: sub.Long,
		Description: sub.Description, Name: sub.Name, Phone: sub.Phone}
	c, err := a.Cases.RegisterFor(ctx, p, in, "open311:"+tok.Name)
	if err != nil {
		var fe *model.FieldError
		switch {
		case errors.Is(err, cases.ErrMayNotRegister):
			return &Error{Status: http.StatusForbidden, Field: "api_key",
				Description: "api_key: the token's user (" + p.User.Username + ") may not register cases; ask the administrator for the token of a user who may (cases.register)"}
		case errors.Is(err, cases.ErrRegionOutOfScope):
			return &Error{Status: http.StatusForbidden, Field: "address_id",
				Description: fmt.Sprintf("address_id: %s (%s) lies outside %s, where this api_key's user may register cases", region.Name, region.Code, p.Region.Name)}
		case errors.As(err, &fe):
			return badRequest(fieldName(fe.Field), "%s (%s)", fe.Message("en"), fe.Message("zh-CN"))
		}
		return a.asError(r, err)
	}
	centre := "综治中心"
	if g, err := a.Store.Region(ctx, c.CentreID); err == nil {
		centre = centreName(g.Name)
	}
	a.Log.Info("open311 request", "case", c.ID, "client", tok.Name, "user", p.User.Username)
	reply := postReply{ServiceRequestID: strconv.FormatInt(c.ID, 10), Token: c.TrackingCode,
		ServiceNotice: fmt.Sprintf("已登记，由%s受理。查询码 %s 请交给反映人妥善保管：凭查询码和手机号后四位可在群众服务门户查询进度、评价结果。", centre, c.TrackingCode)}
	if f == formatJSON {
		write(w, f, http.StatusCreated, []postReply{reply})
	} else {
		write(w, f, http.StatusCreated, postReplies{Requests: []postReply{reply}})
	}
	return nil
}

// fieldName names a case-service field by the form field it came from.
func fieldName(f string) string {
	switch f {
	case "category_id", "kind":
		return "service_code"
	case "region_id", "grid_id":
		return "address_id"
	case "address":
		return "address_string"
	case "lng":
		return "long"
	case "name":
		return "last_name"
	case "":
		return "request"
	}
	return f
}

// placeRegion maps a submission's location onto a region of the tree:
// address_id (a region code) first; else the deepest region whose name the
// address_string contains; else jurisdiction_id (a region code) itself. Regions have
// no boundaries in onedoor, so lat/long alone cannot place a request.
func (a *API) placeRegion(ctx context.Context, sub Submission) (model.Region, *Error) {
	base, err := a.Store.RootRegion(ctx)
	if err != nil {
		return base, a.asErrorCtx(err)
	}
	haveJurisdiction := false
	if sub.JurisdictionID != "" {
		g, err := a.Store.RegionByCode(ctx, sub.JurisdictionID)
		if errors.Is(err, store.ErrNotFound) || err == nil && (!g.Active || !strings.HasPrefix(g.Path, base.Path)) {
			return base, badRequest("jurisdiction_id", "unknown jurisdiction %q: give a region code, such as %s", sub.JurisdictionID, base.Code)
		}
		if err != nil {
			return base, a.asErrorCtx(err)
		}
		base, haveJurisdiction = g, true
	}
	if sub.AddressID != "" {
		g, err := a.Store.RegionByCode(ctx, sub.AddressID)
		if errors.Is(err, store.ErrNotFound) || err == nil && (!g.Active || !strings.HasPrefix(g.Path, base.Path)) {
			return base, badRequest("address_id", "unknown region code %q in %s", sub.AddressID, base.Name)
		}
		if err != nil {
			return base, a.asErrorCtx(err)
		}
		return g, nil
	}
	if sub.AddressString != "" {
		regions, err := a.Store.Regions(ctx, store.RegionFilter{Within: base.Path, ActiveOnly: true})
		if err != nil {
			return base, a.asErrorCtx(err)
		}
		if g, ok := matchAddress(sub.AddressString, regions); ok {
			return g, nil
		}
	}
	if haveJurisdiction {
		return base, nil
	}
	what := "lat/long"
	if sub.AddressString != "" {
		what = "address_string"
	}
	return base, badRequest("address_id", "cannot place the request in a region from its %s: send address_id (a region code, e.g. %s) or an address_string that names the township or village", what, base.Code)
}

func (a *API) asErrorCtx(err error) *Error {
	a.Log.Error("open311", "err", err)
	return &Error{Status: http.StatusInternalServerError, Description: "internal error; try again later"}
}

// matchAddress finds the region an address names: the deepest region above grid
// level whose name it contains; between regions of one depth, the one more of whose
// ancestors it names too. A tie is no match.
func matchAddress(addr string, regions []model.Region) (model.Region, bool) {
	byID := make(map[int64]model.Region, len(regions))
	for _, g := range regions {
		byID[g.ID] = g
	}
	named := func(g model.Region) bool {
		return utf8.RuneCountInString(g.Name) >= 2 && strings.Contains(addr, g.Name)
	}
	var best model.Region
	bestRank, bestScore, tie := -1, -1, false
	for _, g := range regions {
		if g.Level == model.LevelGrid || !named(g) {
			continue
		}
		score := 0
		for _, part := range strings.Split(strings.Trim(g.Path, "/"), "/") {
			id, _ := strconv.ParseInt(part, 10, 64)
			if anc, ok := byID[id]; ok && anc.ID != g.ID && named(anc) {
				score++
			}
		}
		rank := g.Level.Rank()
		switch {
		case rank > bestRank || rank == bestRank && score > bestScore:
			best, bestRank, bestScore, tie = g, rank, score, false
		case rank == bestRank && score == bestScore:
			tie = true
		}
	}
	return best, bestRank >= 0 && !tie
}

func (a *API) listRequests(w http.ResponseWriter, r *http.Request, f format, _ string) *Error {
	q, err := ParseQuery(r.URL.Query(), a.Now())
	if err != nil {
		return err
	}
	flt := store.Open311Filter{Channels: publicChannels, IDs: q.IDs, CategoryCodes: q.ServiceCodes,
		From: q.Start, To: q.End, Offset: (q.Page - 1) * q.PageSize, Limit: q.PageSize + 1}
	if len(q.IDs) > 0 {
		flt = store.Open311Filter{Channels: publicChannels, IDs: q.IDs, Limit: len(q.IDs) + 1}
	}
	if len(q.Statuses) == 1 {
		flt.States = statesOf(q.Statuses[0])
	}
	flt.Kinds, flt.Beyond = publicKinds, a.keyScope(r)
	found, serr := a.Store.Open311Cases(r.Context(), flt)
	if serr != nil {
		return a.internal(r, serr)
	}
	if len(q.IDs) == 0 && len(found) > q.PageSize {
		found = found[:q.PageSize]
		next := r.URL.Query()
		next.Set("page", strconv.Itoa(q.Page+1))
		next.Set("page_size", strconv.Itoa(q.PageSize))
		w.Header().Set("Link", fmt.Sprintf("<%s%s?%s>; rel=\"next\"", baseURL(r), strings.TrimPrefix(r.URL.Path, "/open311/v2"), next.Encode()))
	}
	return a.writeRequests(w, r, f, found)
}

func (a *API) getRequest(w http.ResponseWriter, r *http.Request, f format, id string) *Error {
	n, err := strconv.ParseInt(id, 10, 64)
	notFound := &Error{Status: http.StatusNotFound, Field: "service_request_id", Description: "service_request_id: no such service request: " + id}
	if err != nil || n <= 0 {
		return notFound
	}
	found, err := a.Store.Open311Cases(r.Context(), store.Open311Filter{Channels: publicChannels, IDs: []int64{n},
		Kinds: publicKinds, Beyond: a.keyScope(r), Limit: 1})
	if err != nil {
		return a.internal(r, err)
	}
	if len(found) == 0 {
		return notFound
	}
	return a.writeRequests(w, r, f, found)
}

type tokenReply struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
}

type tokenReplies struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []tokenReply `xml:"request"`
}

// getToken answers GET tokens/{token}: the token is the tracking code POST returned,
// and the answer its service_request_id. A code that is not one answers 404, the
// same whether it is malformed or unknown.
func (a *API) getToken(w http.ResponseWriter, r *http.Request, f format, token string) *Error {
	notFound := &Error{Status: http.StatusNotFound, Field: "token", Description: "token: no service request has this token"}
	code := cases.NormalizeTrackingCode(token) // as the portal reads a code
	if code == "" {
		return notFound
	}
	found, err := a.Store.Open311Cases(r.Context(), store.Open311Filter{Channels: publicChannels, TrackingCodes: []string{code}, Limit: 1})
	if err != nil {
		return a.internal(r, err)
	}
	if len(found) == 0 {
		return notFound
	}
	reply := tokenReply{ServiceRequestID: strconv.FormatInt(found[0].ID, 10), Token: found[0].TrackingCode}
	if f == formatJSON {
		write(w, f, http.StatusOK, []tokenReply{reply})
	} else {
		write(w, f, http.StatusOK, tokenReplies{Requests: []tokenReply{reply}})
	}
	return nil
}
