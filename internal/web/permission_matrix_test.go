package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web/static"
)

// answer is what one account must get from one probe.
type answer struct {
	status   int
	contains []string
	lacks    []string
	check    func(t *testing.T, resp *http.Response, body []byte)
}

// probe is one request the matrix sends on behalf of each account (and of a visitor
// without a session, for whom want gets nil).
type probe struct {
	route  string // the pattern it exercises, as the router registers it
	name   string // tells apart probes of one route; "" when there is one
	method string
	url    string
	body   any
	want   func(a *demo.Account) answer
	// by chooses who sends it; nil for the matrix's usual cast (matrixCast).
	by func(a *demo.Account) bool
}

// surface is how a kind of route says "sign in" and "not yours".
type surface int

const (
	pageSurface surface = iota // pages: 303 to /login without a session
	apiSurface                 // the API: 401 without a session
)

func (s surface) anonymous() answer {
	if s == pageSurface {
		return answer{status: http.StatusSeeOther, check: toLogin}
	}
	return answer{status: http.StatusUnauthorized}
}

// toLogin checks that a page sent its visitor to the login page.
func toLogin(t *testing.T, resp *http.Response, _ []byte) {
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("sent to %q, want the login page", loc)
	}
}

// matrixCast is who tries a route that is not about one case: every role at the
// county (the deployment's root) and at a township, and a visitor. Routes on a case
// are tried by all 28 accounts, whose regions and departments decide what they see.
func matrixCast(a *demo.Account) bool {
	return a == nil || a.RegionCode == demo.CountyCode || a.RegionCode == "622922100"
}

func everyone(*demo.Account) bool { return true }

// publicCast tries the public door's forms: a visitor and one of the staff. The door
// limits how often one address may post, and everyone posts from 127.0.0.1 here.
func publicCast(a *demo.Account) bool { return a == nil || a.Username == "county.clerk" }

// is matches one account by name (a nil account is the visitor).
func is(names ...string) func(*demo.Account) bool {
	return func(a *demo.Account) bool { return a != nil && slices.Contains(names, a.Username) }
}

func not(f func(*demo.Account) bool) func(*demo.Account) bool {
	return func(a *demo.Account) bool { return matrixCast(a) && !f(a) }
}

// same answers everyone, signed in or not, alike.
func same(ans answer) func(*demo.Account) answer { return func(*demo.Account) answer { return ans } }

// member answers ok to anyone signed in.
func member(s surface, ok answer) func(*demo.Account) answer {
	return func(a *demo.Account) answer {
		if a == nil {
			return s.anonymous()
		}
		return ok
	}
}

// granted answers ok to those holding perm, 403 to the others.
func (w *world) granted(s surface, perm auth.Permission, ok func(a demo.Account) answer) func(*demo.Account) answer {
	return func(a *demo.Account) answer {
		switch {
		case a == nil:
			return s.anonymous()
		case !w.doc.can(*a, perm):
			return answer{status: http.StatusForbidden}
		}
		return ok(*a)
	}
}

// inSubtree answers ok to those holding perm whose subtree holds the region code, 404
// to those holding it elsewhere: an object out of reach looks like no object.
func (w *world) inSubtree(s surface, perm auth.Permission, code string, ok answer) func(*demo.Account) answer {
	return w.granted(s, perm, func(a demo.Account) answer {
		if !strings.HasPrefix(code, a.RegionCode) {
			return answer{status: http.StatusNotFound}
		}
		return ok
	})
}

// onCase answers a request about case c: 404 to whoever does not see it (an admin's
// page says 403 first: admins hold no case permission at all), ok to whoever does.
func (w *world) onCase(s surface, c *worldCase, ok func(a demo.Account) answer) func(*demo.Account) answer {
	return func(a *demo.Account) answer {
		switch {
		case a == nil:
			return s.anonymous()
		case s == pageSurface && !w.doc.can(*a, auth.PermCasesRead):
			return answer{status: http.StatusForbidden}
		case !w.doc.sees(*a, c):
			return answer{status: http.StatusNotFound}
		}
		return ok(*a)
	}
}

// masked is what a page or answer showing c's party must and must not hold: the
// masked ID number and phone, never the full ones.
func masked(c *worldCase, status int) answer {
	return answer{status: status, contains: []string{c.marker, model.MaskIDNumber(c.idNumber), model.MaskPhone(c.phone)},
		lacks: []string{c.idNumber, c.phone}}
}

// listing is what a list of cases shows a: the markers of the cases a sees, and none
// of the others', and no full personal data at all.
func (w *world) listing(a demo.Account, status int) answer {
	ans := answer{status: status}
	for _, c := range w.cases() {
		if w.doc.sees(a, c) {
			ans.contains = append(ans.contains, c.marker)
		} else {
			ans.lacks = append(ans.lacks, c.marker)
		}
		ans.lacks = append(ans.lacks, c.idNumber, c.phone)
	}
	return ans
}

func (w *world) probes() []probe {
	var ps []probe
	add := func(p ...probe) { ps = append(ps, p...) }
	const (
		GET, POST, PUT, PATCH, DELETE = "GET", "POST", "PUT", "PATCH", "DELETE"
	)
	ok200 := answer{status: http.StatusOK}
	ok204 := answer{status: http.StatusNoContent}
	see := answer{status: http.StatusSeeOther}
	unprocessable := answer{status: http.StatusUnprocessableEntity}
	noFile := strings.Repeat("0", 64) // a ledger's hash that no upload has
	notFound := answer{status: http.StatusNotFound}
	emptyForm := url.Values{}
	emptyJSON := map[string]any{}
	// Jinggu's region path begins as Fucheng's does ("/1/22/", "/1/2/"): objects
	// there are out of reach of Fucheng's admin, and must look so.
	fucheng, jinggu := "622922100", "622922103"
	id := func(n int64) string { return fmt.Sprint(n) }
	okFor := func(ans answer) func(demo.Account) answer { return func(demo.Account) answer { return ans } }
	// atCounty answers ans to the deployment root's people, 403 to the others.
	atCounty := func(ans answer) func(demo.Account) answer {
		return func(a demo.Account) answer {
			if a.RegionCode != demo.CountyCode {
				return answer{status: http.StatusForbidden}
			}
			return ans
		}
	}

	// The public door, assets and health: the same for everyone.
	add(
		probe{route: "GET /static/", method: GET, url: static.URL("app.css"), want: same(ok200)},
		probe{route: "GET /healthz", method: GET, url: "/healthz", want: same(answer{status: 200, contains: []string{`"status":"ok"`}})},
		// Signed in, the login page sends one home; a login form without the token of
		// the page it came from is refused.
		probe{route: "GET /login", method: GET, url: "/login", want: func(a *demo.Account) answer {
			if a == nil {
				return ok200
			}
			return see
		}},
		probe{route: "POST /login", method: POST, url: "/login", body: url.Values{"username": {"nobody"}, "password": {"x"}}, want: same(answer{status: http.StatusForbidden})},
		probe{route: "POST /logout", method: POST, url: "/logout", want: same(see), by: func(a *demo.Account) bool { return a == nil }},
		probe{route: "GET /p", method: GET, url: "/p", want: same(answer{status: http.StatusMovedPermanently})},
		probe{route: "GET /p/{$}", method: GET, url: "/p/", want: same(ok200)},
		probe{route: "POST /p/{$}", method: POST, url: "/p/", body: emptyForm, want: same(unprocessable), by: publicCast},
		probe{route: "GET /p/submitted", method: GET, url: "/p/submitted?code=" + w.c.tracking, want: same(answer{status: 200, contains: []string{w.c.tracking}})},
		probe{route: "GET /p/qr/{file}", method: GET, url: "/p/qr/" + w.c.tracking + ".png", want: same(ok200)},
		probe{route: "GET /p/track", method: GET, url: "/p/track", want: same(ok200)},
		probe{route: "POST /p/track", method: POST, url: "/p/track", body: url.Values{"code": {w.c.tracking}, "last4": {w.c.phone[7:]}},
			want: same(answer{status: 200, contains: []string{w.c.tracking}, lacks: []string{w.c.idNumber, w.c.phone}}), by: publicCast},
		probe{route: "POST /p/track/rate", method: POST, url: "/p/track/rate", body: url.Values{"code": {w.c.tracking}, "last4": {w.c.phone[7:]}}, want: same(unprocessable), by: publicCast},
		probe{route: "POST /p/track/help", method: POST, url: "/p/track/help", body: url.Values{"code": {w.c.tracking}, "last4": {w.c.phone[7:]}, "help": {"astrologer"}}, want: same(unprocessable), by: publicCast},
		probe{route: "POST /locale", method: POST, url: "/locale", body: url.Values{"locale": {"zh-CN"}}, want: same(see)},
		probe{route: "GET /p/book", method: GET, url: "/p/book", want: same(ok200)},
		probe{route: "POST /p/book", method: POST, url: "/p/book", body: emptyForm, want: same(unprocessable), by: publicCast},
		probe{route: "/open311/", method: GET, url: "/open311/v2/discovery.json", want: same(ok200)},
		probe{route: "/api/", method: GET, url: "/api/v1/no-such-thing", want: same(notFound)},
		// The API's description and its reference page hold no data: anyone reads them.
		probe{route: "GET /api/v1/openapi.json", method: GET, url: "/api/v1/openapi.json", want: same(answer{status: 200, contains: []string{`"openapi":"3.1.0"`}})},
		probe{route: "GET /help/api", method: GET, url: "/help/api", want: same(answer{status: 200, contains: []string{`id="post_cases"`}})},
	)

	// Anyone signed in: their own home, notices and session.
	add(
		probe{route: "GET /{$}", method: GET, url: "/", want: member(pageSurface, ok200)},
		probe{route: "GET /inbox", method: GET, url: "/inbox", want: w.ownNotices(pageSurface)},
		probe{route: "GET /api/v1/notifications", method: GET, url: "/api/v1/notifications", want: w.ownNotices(apiSurface)},
		// Another's notice cannot be marked read: the matrix checks afterwards that
		// fucheng.handler's is still unread; they themselves leave it alone.
		probe{route: "POST /inbox/{id}/read", method: POST, url: "/inbox/" + id(w.notice) + "/read", want: member(pageSurface, notFound), by: not(is("fucheng.handler"))},
		probe{route: "POST /inbox/read-all", method: POST, url: "/inbox/read-all", want: member(pageSurface, see), by: not(is("fucheng.handler"))},
		probe{route: "POST /api/v1/notifications/{id}/read", method: POST, url: "/api/v1/notifications/" + id(w.notice) + "/read", want: member(apiSurface, notFound), by: not(is("fucheng.handler"))},
		probe{route: "POST /api/v1/notifications/read-all", method: POST, url: "/api/v1/notifications/read-all", want: member(apiSurface, ok204), by: not(is("fucheng.handler"))},
		probe{route: "GET /api/v1/me", method: GET, url: "/api/v1/me", want: func(a *demo.Account) answer {
			if a == nil {
				return apiSurface.anonymous()
			}
			return answer{status: 200, contains: []string{`"username":"` + a.Username + `"`}}
		}},
		probe{route: "POST /api/v1/session", method: POST, url: "/api/v1/session", body: map[string]any{"username": "nobody", "password": "x"}, want: same(answer{status: http.StatusUnauthorized})},
		probe{route: "DELETE /api/v1/session", method: DELETE, url: "/api/v1/session", want: same(ok204), by: func(a *demo.Account) bool { return a == nil }},
	)

	// The organisation: org.manage, inside the admin's subtree. Writes send an empty
	// form, refused after the permission and the subtree are checked.
	org := auth.PermOrgManage
	add(
		probe{route: "GET /admin/regions", method: GET, url: "/admin/regions", want: w.granted(pageSurface, org, func(a demo.Account) answer {
			return w.subtreeNames(a, ok200)
		})},
		probe{route: "GET /admin/regions/new", method: GET, url: "/admin/regions/new", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "POST /admin/regions", method: POST, url: "/admin/regions", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "GET /admin/regions/{id}/edit", method: GET, url: "/admin/regions/" + id(w.regions[jinggu]) + "/edit", want: w.inSubtree(pageSurface, org, jinggu, ok200)},
		probe{route: "POST /admin/regions/{id}", method: POST, url: "/admin/regions/" + id(w.regions[fucheng]), body: emptyForm, want: w.inSubtree(pageSurface, org, fucheng, unprocessable)},
		probe{route: "GET /admin/departments", method: GET, url: "/admin/departments", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "GET /admin/departments/new", method: GET, url: "/admin/departments/new", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "POST /admin/departments", method: POST, url: "/admin/departments", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "GET /admin/departments/{id}/edit", method: GET, url: "/admin/departments/" + id(w.departments[jinggu+"/justice-office"]) + "/edit", want: w.inSubtree(pageSurface, org, jinggu, ok200)},
		probe{route: "POST /admin/departments/{id}", method: POST, url: "/admin/departments/" + id(w.fuchengDept), body: emptyForm, want: w.inSubtree(pageSurface, org, fucheng, unprocessable)},
		probe{route: "GET /admin/users", method: GET, url: "/admin/users", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "GET /admin/users/new", method: GET, url: "/admin/users/new", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "POST /admin/users", method: POST, url: "/admin/users", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "GET /admin/users/{id}/edit", method: GET, url: "/admin/users/" + id(w.users["jinggu.clerk"]) + "/edit", want: w.inSubtree(pageSurface, org, jinggu, ok200)},
		probe{route: "POST /admin/users/{id}", method: POST, url: "/admin/users/" + id(w.users["fucheng.clerk"]), body: emptyForm, want: w.inSubtree(pageSurface, org, fucheng, unprocessable)},
		probe{route: "POST /admin/{kind}/{id}/{switch}", method: POST, url: "/admin/users/" + id(w.users["fucheng.clerk"]) + "/activate", want: w.inSubtree(pageSurface, org, fucheng, see)},
		probe{route: "POST /admin/users/{id}/unlock", method: POST, url: "/admin/users/" + id(w.users["jinggu.clerk"]) + "/unlock", want: w.inSubtree(pageSurface, org, jinggu, see)},
		probe{route: "GET /admin/categories", method: GET, url: "/admin/categories", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "GET /admin/categories/new", method: GET, url: "/admin/categories/new", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "GET /admin/categories/{id}/edit", method: GET, url: "/admin/categories/" + id(w.category) + "/edit", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "POST /admin/categories", method: POST, url: "/admin/categories", body: emptyForm, want: w.granted(pageSurface, auth.PermDictionary, okFor(unprocessable))},
		probe{route: "POST /admin/categories/{id}", method: POST, url: "/admin/categories/" + id(w.category), body: emptyForm, want: w.granted(pageSurface, auth.PermDictionary, okFor(unprocessable))},
		probe{route: "GET /admin/tokens", method: GET, url: "/admin/tokens", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "GET /admin/platforms", method: GET, url: "/admin/platforms", want: w.granted(pageSurface, org, atCounty(ok200))},
		probe{route: "GET /admin/platforms/new", method: GET, url: "/admin/platforms/new", want: w.granted(pageSurface, org, atCounty(ok200))},
		probe{route: "POST /admin/platforms", method: POST, url: "/admin/platforms", body: emptyForm, want: w.granted(pageSurface, org, atCounty(unprocessable))},
		probe{route: "GET /admin/platforms/{id}/edit", method: GET, url: "/admin/platforms/999999/edit", want: w.granted(pageSurface, org, atCounty(notFound))},
		probe{route: "POST /admin/platforms/{id}", method: POST, url: "/admin/platforms/999999", body: emptyForm, want: w.granted(pageSurface, org, atCounty(notFound))},
		probe{route: "GET /admin/platforms/{id}/parked", method: GET, url: "/admin/platforms/999999/parked", want: w.granted(pageSurface, org, atCounty(notFound))},
		probe{route: "POST /admin/platforms/{id}/parked", method: POST, url: "/admin/platforms/999999/parked", body: emptyForm, want: w.granted(pageSurface, org, atCounty(notFound))},
		probe{route: "GET /admin/retention", method: GET, url: "/admin/retention", want: w.granted(pageSurface, org, atCounty(ok200))},
		probe{route: "POST /admin/retention", method: POST, url: "/admin/retention", body: emptyForm, want: w.granted(pageSurface, org, atCounty(unprocessable))},
		// A platform's push is signed, not signed in: the same for everyone.
		probe{route: "POST /api/v1/platforms/{platform}/orders", method: POST, url: "/api/v1/platforms/nosuch/orders", body: emptyJSON, want: same(notFound)},
		probe{route: "POST /admin/tokens", method: POST, url: "/admin/tokens", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/tokens/{id}/revoke", method: POST, url: "/admin/tokens/" + id(w.token) + "/revoke", want: w.inSubtree(pageSurface, org, demo.CountyCode, see)},
		probe{route: "GET /admin/screens", method: GET, url: "/admin/screens", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "POST /admin/screens", method: POST, url: "/admin/screens", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/screens/{id}/revoke", method: POST, url: "/admin/screens/" + id(w.spareScreen) + "/revoke", want: w.inSubtree(pageSurface, org, demo.CountyCode, see)},
		probe{route: "POST /admin/outlines", method: POST, url: "/admin/outlines", body: testutil.Upload{Field: "geojson", Filename: "附城镇.geojson", Content: []byte(`{"type":"Point"}`)},
			want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/outlines/{id}/delete", method: POST, url: "/admin/outlines/" + id(w.regions[fucheng]) + "/delete", want: w.inSubtree(pageSurface, org, fucheng, see)},
		// The hall screen: no session; its token alone decides, the same for everyone.
		probe{route: "GET /screen/{token}", method: GET, url: "/screen/" + w.screenToken, want: same(answer{status: 200, contains: []string{"screen-map"}})},
		probe{route: "GET /screen/{token}/data", method: GET, url: "/screen/" + w.screenToken + "/data", want: same(answer{status: 200, contains: []string{`"ticker"`}})},
		probe{route: "GET /screen/{token}/map", method: GET, url: "/screen/" + w.screenToken + "/map", want: same(answer{status: 200, contains: []string{"FeatureCollection"}})},

		// The rota of a centre (驻点与值班): the admin's own centre by default, another
		// only inside their subtree; writes refused after both are checked.
		probe{route: "GET /admin/roster", method: GET, url: "/admin/roster?centre_id=" + id(w.regions[jinggu]), want: w.inSubtree(pageSurface, org, jinggu, ok200)},
		probe{route: "POST /admin/roster/stations", method: POST, url: "/admin/roster/stations", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/roster/stations/{id}/delete", method: POST, url: "/admin/roster/stations/999999/delete",
			body: url.Values{"centre_id": {id(w.regions[jinggu])}}, want: w.granted(pageSurface, org, okFor(notFound))},
		probe{route: "POST /admin/roster/shifts", method: POST, url: "/admin/roster/shifts", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/roster/shifts/{id}/delete", method: POST, url: "/admin/roster/shifts/999999/delete",
			body: url.Values{"centre_id": {id(w.regions[jinggu])}}, want: w.granted(pageSurface, org, okFor(notFound))},

		// Mediation organisations and the talent pool (调解组织与人才库): kept by admins in
		// their subtree; an organisation or person of another subtree is not found.
		probe{route: "GET /admin/mediation", method: GET, url: "/admin/mediation", want: w.granted(pageSurface, org, okFor(ok200))},
		probe{route: "POST /admin/mediation/orgs", method: POST, url: "/admin/mediation/orgs", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/mediation/orgs/{id}", method: POST, url: "/admin/mediation/orgs/999999", body: emptyForm, want: w.granted(pageSurface, org, okFor(notFound))},
		probe{route: "POST /admin/mediation/orgs/{id}/members", method: POST, url: "/admin/mediation/orgs/999999/members", body: emptyForm, want: w.granted(pageSurface, org, okFor(notFound))},
		probe{route: "POST /admin/mediation/orgs/{id}/members/{mid}/delete", method: POST, url: "/admin/mediation/orgs/999999/members/1/delete", want: w.granted(pageSurface, org, okFor(notFound))},
		probe{route: "POST /admin/mediation/talent", method: POST, url: "/admin/mediation/talent", body: emptyForm, want: w.granted(pageSurface, org, okFor(unprocessable))},
		probe{route: "POST /admin/mediation/talent/{id}", method: POST, url: "/admin/mediation/talent/999999", body: emptyForm, want: w.granted(pageSurface, org, okFor(notFound))},
		// The documents' wording (文书模板): the deployment's administrator's.
		probe{route: "GET /admin/documents", method: GET, url: "/admin/documents", want: w.granted(pageSurface, auth.PermDocumentTemplates, okFor(ok200))},
		probe{route: "GET /admin/documents/{kind}", method: GET, url: "/admin/documents/assignment", want: w.granted(pageSurface, auth.PermDocumentTemplates, okFor(ok200))},
		probe{route: "POST /admin/documents/{kind}", method: POST, url: "/admin/documents/assignment", body: emptyForm, want: w.granted(pageSurface, auth.PermDocumentTemplates, okFor(unprocessable))},
		probe{route: "POST /admin/documents/{kind}/preview", method: POST, url: "/admin/documents/assignment/preview", body: emptyForm, want: w.granted(pageSurface, auth.PermDocumentTemplates, okFor(unprocessable))},
		probe{route: "GET /api/v1/document-templates/{kind}", method: GET, url: "/api/v1/document-templates/assignment", want: w.granted(apiSurface, auth.PermDocumentTemplates, okFor(ok200))},
		probe{route: "PUT /api/v1/document-templates/{kind}", method: PUT, url: "/api/v1/document-templates/assignment", body: emptyJSON, want: w.granted(apiSurface, auth.PermDocumentTemplates, okFor(unprocessable))},
		probe{route: "GET /api/v1/mediation/orgs", method: GET, url: "/api/v1/mediation/orgs", want: w.granted(apiSurface, auth.PermMediationRead, okFor(ok200))},
		probe{route: "GET /api/v1/talent", method: GET, url: "/api/v1/talent", want: w.granted(apiSurface, auth.PermMediationRead, okFor(ok200))},

		probe{route: "GET /api/v1/regions", method: GET, url: "/api/v1/regions", want: func(a *demo.Account) answer {
			if a == nil {
				return apiSurface.anonymous()
			}
			return w.subtreeNames(*a, ok200)
		}},
		probe{route: "POST /api/v1/regions", method: POST, url: "/api/v1/regions", body: emptyJSON, want: w.granted(apiSurface, org, okFor(unprocessable))},
		probe{route: "GET /api/v1/regions/{id}", method: GET, url: "/api/v1/regions/" + id(w.regions[jinggu]), want: w.inSubtreeOfAnyone(jinggu)},
		probe{route: "PATCH /api/v1/regions/{id}", method: PATCH, url: "/api/v1/regions/" + id(w.regions[fucheng]), body: emptyJSON, want: w.inSubtree(apiSurface, org, fucheng, unprocessable)},
		probe{route: "GET /api/v1/departments", method: GET, url: "/api/v1/departments", want: member(apiSurface, ok200)},
		probe{route: "POST /api/v1/departments", method: POST, url: "/api/v1/departments", body: emptyJSON, want: w.granted(apiSurface, org, okFor(unprocessable))},
		probe{route: "GET /api/v1/departments/{id}", method: GET, url: "/api/v1/departments/" + id(w.departments[jinggu+"/justice-office"]), want: w.inSubtreeOfAnyone(jinggu)},
		probe{route: "PATCH /api/v1/departments/{id}", method: PATCH, url: "/api/v1/departments/" + id(w.fuchengDept), body: emptyJSON, want: w.inSubtree(apiSurface, org, fucheng, unprocessable)},
		probe{route: "GET /api/v1/users", method: GET, url: "/api/v1/users", want: w.granted(apiSurface, org, okFor(ok200))},
		probe{route: "POST /api/v1/users", method: POST, url: "/api/v1/users", body: emptyJSON, want: w.granted(apiSurface, org, okFor(unprocessable))},
		probe{route: "GET /api/v1/users/{id}", method: GET, url: "/api/v1/users/" + id(w.users["jinggu.clerk"]), want: w.inSubtree(apiSurface, org, jinggu, ok200)},
		probe{route: "PATCH /api/v1/users/{id}", method: PATCH, url: "/api/v1/users/" + id(w.users["fucheng.clerk"]), body: emptyJSON, want: w.inSubtree(apiSurface, org, fucheng, unprocessable)},
		probe{route: "POST /api/v1/{kind}/{id}/{switch}", method: POST, url: "/api/v1/users/" + id(w.users["fucheng.clerk"]) + "/activate", want: w.inSubtree(apiSurface, org, fucheng, ok204)},
		probe{route: "POST /api/v1/users/{id}/unlock", method: POST, url: "/api/v1/users/" + id(w.users["jinggu.clerk"]) + "/unlock", want: w.inSubtree(apiSurface, org, jinggu, ok204)},
		probe{route: "GET /api/v1/categories", method: GET, url: "/api/v1/categories", want: member(apiSurface, ok200)},
		probe{route: "GET /api/v1/categories/{id}", method: GET, url: "/api/v1/categories/" + id(w.category), want: member(apiSurface, ok200)},
		probe{route: "POST /api/v1/categories", method: POST, url: "/api/v1/categories", body: emptyJSON, want: w.granted(apiSurface, auth.PermDictionary, okFor(unprocessable))},
		probe{route: "PATCH /api/v1/categories/{id}", method: PATCH, url: "/api/v1/categories/" + id(w.category), body: emptyJSON, want: w.granted(apiSurface, auth.PermDictionary, okFor(unprocessable))},
		probe{route: "GET /api/v1/tokens", method: GET, url: "/api/v1/tokens", want: w.granted(apiSurface, org, okFor(ok200))},
		probe{route: "POST /api/v1/tokens", method: POST, url: "/api/v1/tokens", body: emptyJSON, want: w.granted(apiSurface, org, okFor(unprocessable))},
		probe{route: "DELETE /api/v1/tokens/{id}", method: DELETE, url: "/api/v1/tokens/" + id(w.token2), want: w.inSubtree(apiSurface, org, demo.CountyCode, ok204)},
	)

	// The dictionary, deadlines, calendar and warning rules: dictionary.edit, which
	// only an admin at the deployment's root holds.
	dict := auth.PermDictionary
	add(
		probe{route: "GET /admin/deadlines", method: GET, url: "/admin/deadlines", want: w.granted(pageSurface, dict, okFor(ok200))},
		probe{route: "POST /admin/deadlines", method: POST, url: "/admin/deadlines", body: emptyForm, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "POST /admin/deadlines/{id}", method: POST, url: "/admin/deadlines/" + id(w.deadlineRule), body: emptyForm, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "POST /admin/deadlines/{id}/delete", method: POST, url: "/admin/deadlines/" + id(w.spareRules[0]) + "/delete", want: w.granted(pageSurface, dict, okFor(see))},
		probe{route: "GET /admin/calendar", method: GET, url: "/admin/calendar", want: w.granted(pageSurface, dict, okFor(ok200))},
		probe{route: "POST /admin/calendar", method: POST, url: "/admin/calendar", body: emptyForm, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "POST /admin/calendar/{day}/delete", method: POST, url: "/admin/calendar/2031-01-01/delete", want: w.granted(pageSurface, dict, okFor(notFound))},
		probe{route: "GET /admin/risk", method: GET, url: "/admin/risk", want: w.granted(pageSurface, dict, okFor(ok200))},
		probe{route: "POST /admin/risk", method: POST, url: "/admin/risk", body: url.Values{"threshold.blue": {"many"}}, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "POST /admin/risk/reset", method: POST, url: "/admin/risk/reset", want: w.granted(pageSurface, dict, okFor(see))},
		// 台账 import: a file that was never uploaded is not found; a form without its
		// source or file is refused after the permission is checked.
		probe{route: "GET /admin/imports", method: GET, url: "/admin/imports", want: w.granted(pageSurface, dict, okFor(ok200))},
		probe{route: "POST /admin/imports", method: POST, url: "/admin/imports", body: emptyForm, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "GET /admin/imports/{file}", method: GET, url: "/admin/imports/" + noFile + "?source=1", want: w.granted(pageSurface, dict, okFor(notFound))},
		probe{route: "GET /admin/imports/{file}/report.xlsx", method: GET, url: "/admin/imports/" + noFile + "/report.xlsx?source=1", want: w.granted(pageSurface, dict, okFor(notFound))},
		probe{route: "POST /admin/imports/{file}/mapping", method: POST, url: "/admin/imports/" + noFile + "/mapping", body: emptyForm, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "POST /admin/imports/{file}/run", method: POST, url: "/admin/imports/" + noFile + "/run", body: emptyForm, want: w.granted(pageSurface, dict, okFor(unprocessable))},
		probe{route: "GET /api/v1/deadline-rules", method: GET, url: "/api/v1/deadline-rules", want: w.granted(apiSurface, dict, okFor(ok200))},
		probe{route: "POST /api/v1/deadline-rules", method: POST, url: "/api/v1/deadline-rules", body: emptyJSON, want: w.granted(apiSurface, dict, okFor(unprocessable))},
		probe{route: "PUT /api/v1/deadline-rules/{id}", method: PUT, url: "/api/v1/deadline-rules/" + id(w.deadlineRule), body: emptyJSON, want: w.granted(apiSurface, dict, okFor(unprocessable))},
		probe{route: "DELETE /api/v1/deadline-rules/{id}", method: DELETE, url: "/api/v1/deadline-rules/" + id(w.spareRules[1]), want: w.granted(apiSurface, dict, okFor(ok204))},
		probe{route: "GET /api/v1/risk-rules", method: GET, url: "/api/v1/risk-rules", want: w.granted(apiSurface, dict, okFor(ok200))},
		probe{route: "PUT /api/v1/risk-rules", method: PUT, url: "/api/v1/risk-rules", body: map[string]any{"thresholds": map[string]any{"blue": -1}}, want: w.granted(apiSurface, dict, okFor(unprocessable))},
		probe{route: "GET /api/v1/calendar", method: GET, url: "/api/v1/calendar?year=2026", want: member(apiSurface, answer{status: 200, contains: []string{"2026-10-01"}})},
		probe{route: "PUT /api/v1/calendar/{day}", method: PUT, url: "/api/v1/calendar/2031-01-01", body: emptyJSON, want: w.granted(apiSurface, dict, okFor(unprocessable))},
		probe{route: "DELETE /api/v1/calendar/{day}", method: DELETE, url: "/api/v1/calendar/2031-01-01", want: w.granted(apiSurface, dict, okFor(notFound))},
	)

	// The audit log: audit.read, each admin the rows of the actors in their subtree.
	// Each case's registration is a row of its clerk's.
	auditRows := func(a demo.Account) answer {
		ans := answer{status: 200}
		for clerk, code := range map[string]string{"fucheng.clerk": fucheng, "county.clerk": demo.CountyCode, "jinggu.clerk": "622922103"} {
			if strings.HasPrefix(code, a.RegionCode) {
				ans.contains = append(ans.contains, clerk)
			} else {
				ans.lacks = append(ans.lacks, clerk)
			}
		}
		return ans
	}
	add(
		probe{route: "GET /admin/audit", method: GET, url: "/admin/audit?action=case.register", want: w.granted(pageSurface, auth.PermAuditRead, auditRows), by: everyAdmin},
		probe{route: "GET /admin/audit.csv", method: GET, url: "/admin/audit.csv?action=case.register", want: w.granted(pageSurface, auth.PermAuditRead, auditRows), by: everyAdmin},
		probe{route: "GET /api/v1/audit", method: GET, url: "/api/v1/audit?action=case.register", want: w.granted(apiSurface, auth.PermAuditRead, auditRows), by: everyAdmin},
	)

	// Registering, and the grid worker's phone pages: cases.register.
	reg := auth.PermCasesRegister
	add(
		probe{route: "GET /cases/new", method: GET, url: "/cases/new", want: w.granted(pageSurface, reg, okFor(ok200))},
		probe{route: "POST /cases", method: POST, url: "/cases", body: emptyForm, want: w.granted(pageSurface, reg, okFor(unprocessable))},
		// The API leaves registering to the workflow's table, whose "register" row
		// refuses other roles as any action is refused: 409.
		probe{route: "POST /api/v1/cases", method: POST, url: "/api/v1/cases", body: emptyJSON, want: func(a *demo.Account) answer {
			switch {
			case a == nil:
				return apiSurface.anonymous()
			case !slices.ContainsFunc(w.doc.actors["register"], func(x actor) bool { return x.role == a.Role }):
				return answer{status: http.StatusConflict}
			}
			return unprocessable
		}},
		probe{route: "GET /grid", method: GET, url: "/grid", want: w.granted(pageSurface, reg, okFor(ok200))},
		probe{route: "GET /grid/report", method: GET, url: "/grid/report", want: w.granted(pageSurface, reg, okFor(ok200))},
		probe{route: "POST /grid/report", method: POST, url: "/grid/report", body: emptyForm, want: w.granted(pageSurface, reg, okFor(unprocessable))},
	)

	// Lists of cases, supervision orders and warnings: each shows what its reader sees.
	// An admin, who reads no cases, is refused the pages and the API's warnings, and
	// gets empty lists of cases and orders from the API.
	list := func(s surface) func(*demo.Account) answer {
		return func(a *demo.Account) answer {
			switch {
			case a == nil:
				return s.anonymous()
			case s == pageSurface && !w.doc.can(*a, auth.PermCasesRead):
				return answer{status: http.StatusForbidden}
			}
			return w.listing(*a, 200)
		}
	}
	refusing := func(s surface) func(*demo.Account) answer {
		return func(a *demo.Account) answer {
			if a != nil && !w.doc.can(*a, auth.PermCasesRead) {
				return answer{status: http.StatusForbidden}
			}
			return list(s)(a)
		}
	}
	supervised := func(s surface) func(*demo.Account) answer {
		return func(a *demo.Account) answer {
			ans := list(s)(a)
			if ans.status == 200 && w.doc.sees(*a, w.c) {
				// C is under no order.
				ans.contains = slices.DeleteFunc(ans.contains, func(m string) bool { return m == w.c.marker })
				ans.lacks = append(ans.lacks, w.c.marker)
			}
			return ans
		}
	}
	add(
		probe{route: "GET /cases", method: GET, url: "/cases?queue=all", want: list(pageSurface), by: everyone},
		probe{route: "GET /api/v1/cases", method: GET, url: "/api/v1/cases?queue=all&limit=200", want: list(apiSurface), by: everyone},
		probe{route: "GET /api/v1/cases/export", method: GET, url: "/api/v1/cases/export?format=csv&queue=all", want: refusing(apiSurface), by: everyone},
		probe{route: "GET /supervision", method: GET, url: "/supervision", want: supervised(pageSurface), by: everyone},
		probe{route: "GET /api/v1/supervisions", method: GET, url: "/api/v1/supervisions", want: supervised(apiSurface), by: everyone},
		probe{route: "GET /warnings", method: GET, url: "/warnings", want: list(pageSurface), by: everyone},
		probe{route: "GET /api/v1/warnings", method: GET, url: "/api/v1/warnings", want: refusing(apiSurface), by: everyone},
	)

	// 研判 reads as the dashboard does (stats.read); acting on a finding asks more of
	// the actor (the action's own permission), refused here for the empty form. The
	// meetings (会商研判) are leaders' and clerks' (meetings.run); none under the id probed.
	add(
		probe{route: "GET /analysis", method: GET, url: "/analysis", want: w.granted(pageSurface, auth.PermStatsRead, okFor(ok200))},
		probe{route: "POST /analysis/act", method: POST, url: "/analysis/act", body: emptyForm, want: w.granted(pageSurface, auth.PermStatsRead, okFor(unprocessable))},
		probe{route: "POST /analysis/agenda", method: POST, url: "/analysis/agenda", body: emptyForm, want: w.granted(pageSurface, auth.PermMeetings, okFor(unprocessable))},
		probe{route: "GET /meetings", method: GET, url: "/meetings", want: w.granted(pageSurface, auth.PermMeetings, okFor(ok200))},
		probe{route: "POST /meetings", method: POST, url: "/meetings", body: emptyForm, want: w.granted(pageSurface, auth.PermMeetings, okFor(unprocessable))},
		probe{route: "GET /meetings/{id}", method: GET, url: "/meetings/999999", want: w.granted(pageSurface, auth.PermMeetings, okFor(notFound))},
		probe{route: "POST /meetings/{id}", method: POST, url: "/meetings/999999", body: emptyForm, want: w.granted(pageSurface, auth.PermMeetings, okFor(notFound))},
		probe{route: "POST /meetings/{id}/agenda", method: POST, url: "/meetings/999999/agenda", body: emptyForm, want: w.granted(pageSurface, auth.PermMeetings, okFor(notFound))},
		probe{route: "POST /meetings/{id}/decisions", method: POST, url: "/meetings/999999/decisions", body: emptyForm, want: w.granted(pageSurface, auth.PermMeetings, okFor(notFound))},
		probe{route: "GET /meetings/{id}/print", method: GET, url: "/meetings/999999/print", want: w.granted(pageSurface, auth.PermMeetings, okFor(notFound))},
	)

	// 我的筛选 and export jobs: anyone who reads case lists keeps their own filters and
	// runs their own exports; another's (here: none under the id probed) look like none.
	reader := func(s surface, ok answer) func(*demo.Account) answer {
		return w.granted(s, auth.PermCasesRead, okFor(ok))
	}
	add(
		probe{route: "POST /saved-filters", method: POST, url: "/saved-filters", body: url.Values{"name": {""}, "query": {"kind=dispute"}}, want: reader(pageSurface, unprocessable)},
		probe{route: "POST /saved-filters/{id}/rename", method: POST, url: "/saved-filters/999999/rename", body: url.Values{"name": {"x"}}, want: reader(pageSurface, notFound)},
		probe{route: "POST /saved-filters/{id}/delete", method: POST, url: "/saved-filters/999999/delete", body: emptyForm, want: reader(pageSurface, notFound)},
		probe{route: "GET /api/v1/saved-filters", method: GET, url: "/api/v1/saved-filters", want: reader(apiSurface, ok200)},
		probe{route: "POST /api/v1/saved-filters", method: POST, url: "/api/v1/saved-filters", body: map[string]any{"name": "", "query": "kind=dispute"}, want: reader(apiSurface, unprocessable)},
		probe{route: "PATCH /api/v1/saved-filters/{id}", method: PATCH, url: "/api/v1/saved-filters/999999", body: map[string]any{"name": "x"}, want: reader(apiSurface, notFound)},
		probe{route: "DELETE /api/v1/saved-filters/{id}", method: DELETE, url: "/api/v1/saved-filters/999999", want: reader(apiSurface, notFound)},
		probe{route: "POST /api/v1/exports", method: POST, url: "/api/v1/exports?format=pdf", want: reader(apiSurface, unprocessable)},
		probe{route: "GET /api/v1/exports/{id}", method: GET, url: "/api/v1/exports/0123456789abcdef0123456789abcdef", want: reader(apiSurface, notFound)},
		probe{route: "GET /api/v1/exports/{id}/file", method: GET, url: "/api/v1/exports/0123456789abcdef0123456789abcdef/file", want: reader(apiSurface, notFound)},
	)

	// 待审批: approvals.review, a leader's own queue; no answer waits under the id probed.
	// 今日在岗: roster.read, a centre on the reader's own path (above or below them).
	add(
		probe{route: "GET /approvals", method: GET, url: "/approvals", want: w.granted(pageSurface, auth.PermApprovals, okFor(ok200))},
		probe{route: "POST /approvals/replies/{id}/review", method: POST, url: "/approvals/replies/999999/review", want: w.granted(pageSurface, auth.PermApprovals, okFor(notFound))},
		probe{route: "GET /api/v1/approvals", method: GET, url: "/api/v1/approvals", want: w.granted(apiSurface, auth.PermApprovals, okFor(ok200))},
		probe{route: "POST /api/v1/approvals/replies/{id}/review", method: POST, url: "/api/v1/approvals/replies/999999/review", want: w.granted(apiSurface, auth.PermApprovals, okFor(notFound))},
		probe{route: "GET /api/v1/roster", method: GET, url: "/api/v1/roster?centre_id=" + id(w.regions[jinggu]), want: w.granted(apiSurface, auth.PermRosterRead, func(a demo.Account) answer {
			if strings.HasPrefix(jinggu, a.RegionCode) || strings.HasPrefix(a.RegionCode, jinggu) {
				return ok200
			}
			return notFound
		})},
		probe{route: "GET /roster", method: GET, url: "/roster?centre_id=" + id(w.regions[jinggu]), want: w.granted(pageSurface, auth.PermRosterRead, func(a demo.Account) answer {
			if strings.HasPrefix(jinggu, a.RegionCode) || strings.HasPrefix(a.RegionCode, jinggu) {
				return ok200
			}
			return notFound
		})},
	)

	// The figures (stats.read): a leader's and a viewer's, over their own subtree.
	stats := auth.PermStatsRead
	add(
		probe{route: "GET /stats", method: GET, url: "/stats", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "GET /api/v1/stats", method: GET, url: "/api/v1/stats", want: w.granted(apiSurface, stats, okFor(ok200))},
		probe{route: "GET /stats/monthly", method: GET, url: "/stats/monthly", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "GET /stats/monthly.xlsx", method: GET, url: "/stats/monthly.xlsx", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "GET /stats/report", method: GET, url: "/stats/report?rows=departments", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "GET /stats/report.xlsx", method: GET, url: "/stats/report.xlsx?rows=channels", want: w.granted(pageSurface, stats, okFor(ok200))},
	)

	// 考评: the ranking is read with the figures (stats.read), published by a leader
	// (evaluation.publish: refused here, the period asked for has not ended); its
	// schemes are edited with the dictionaries, and read by both.
	publish := auth.PermEvalPublish
	notOver := url.Values{"scheme": {"township"}, "period": {"month"}, "date": {"2099-01-15"}}
	add(
		probe{route: "GET /evaluation", method: GET, url: "/evaluation", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "GET /evaluation/notice", method: GET, url: "/evaluation/notice?scheme=department", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "GET /evaluation.xlsx", method: GET, url: "/evaluation.xlsx", want: w.granted(pageSurface, stats, okFor(ok200))},
		probe{route: "POST /evaluation/publish", method: POST, url: "/evaluation/publish", body: notOver, want: w.granted(pageSurface, publish, okFor(unprocessable))},
		probe{route: "GET /api/v1/evaluation/ranking", method: GET, url: "/api/v1/evaluation/ranking?scheme=township&period=quarter", want: w.granted(apiSurface, stats, okFor(ok200))},
		probe{route: "POST /api/v1/evaluation/ranking/publish", method: POST, url: "/api/v1/evaluation/ranking/publish",
			body: map[string]any{"scheme": "township", "period": "month", "date": "2099-01-15"}, want: w.granted(apiSurface, publish, okFor(unprocessable))},
		probe{route: "GET /api/v1/evaluation/schemes", method: GET, url: "/api/v1/evaluation/schemes", want: func(a *demo.Account) answer {
			switch {
			case a == nil:
				return apiSurface.anonymous()
			case w.doc.can(*a, auth.PermDictionary) || w.doc.can(*a, stats):
				return ok200
			}
			return answer{status: http.StatusForbidden}
		}},
		probe{route: "GET /admin/evaluation", method: GET, url: "/admin/evaluation", want: w.granted(pageSurface, auth.PermDictionary, okFor(ok200))},
		probe{route: "POST /admin/evaluation", method: POST, url: "/admin/evaluation", body: url.Values{"code": {"township"}, "name": {""}}, want: w.granted(pageSurface, auth.PermDictionary, okFor(unprocessable))},
		probe{route: "PUT /api/v1/evaluation/schemes/{code}", method: PUT, url: "/api/v1/evaluation/schemes/township", body: map[string]any{"name": ""}, want: w.granted(apiSurface, auth.PermDictionary, okFor(unprocessable))},
	)

	// Reception sessions (领导接访): reception.publish, a leader's own sessions.
	rec := auth.PermReception
	add(
		probe{route: "GET /reception", method: GET, url: "/reception", want: w.granted(pageSurface, rec, okFor(ok200))},
		probe{route: "POST /reception/sessions", method: POST, url: "/reception/sessions", body: emptyForm, want: w.granted(pageSurface, rec, okFor(unprocessable))},
		probe{route: "POST /reception/sessions/{id}/withdraw", method: POST, url: "/reception/sessions/" + id(w.spareSessions[0]) + "/withdraw",
			want: w.granted(pageSurface, rec, ownSession(see))},
		probe{route: "GET /api/v1/reception/sessions", method: GET, url: "/api/v1/reception/sessions", want: w.granted(apiSurface, rec, okFor(ok200))},
		probe{route: "POST /api/v1/reception/sessions", method: POST, url: "/api/v1/reception/sessions", body: emptyJSON, want: w.granted(apiSurface, rec, okFor(unprocessable))},
		probe{route: "DELETE /api/v1/reception/sessions/{id}", method: DELETE, url: "/api/v1/reception/sessions/" + id(w.spareSessions[1]),
			want: w.granted(apiSurface, rec, ownSession(ok200))},
	)

	// Everything on one case, for each of the three cases and all 28 accounts.
	for _, c := range w.cases() {
		caseURL := "/cases/" + id(c.id)
		apiURL := "/api/v1/cases/" + id(c.id)
		comment := func(s surface, ok int) func(*demo.Account) answer {
			return w.onCase(s, c, func(a demo.Account) answer {
				if !w.doc.actsOn(a, "comment", c) {
					return answer{status: http.StatusConflict}
				}
				return answer{status: ok}
			})
		}
		attach := func(s surface, ok int) func(*demo.Account) answer {
			return w.onCase(s, c, func(a demo.Account) answer {
				if !w.doc.actsOn(a, "attach", c) {
					return answer{status: http.StatusConflict}
				}
				return answer{status: ok}
			})
		}
		reveal := func(s surface) func(*demo.Account) answer {
			return w.onCase(s, c, func(a demo.Account) answer {
				if !w.doc.can(a, auth.PermPersonalReveal) {
					return answer{status: http.StatusForbidden}
				}
				return answer{status: 200, contains: []string{c.idNumber, c.phone}}
			})
		}
		upload := testutil.Upload{Field: "file", Filename: "补充材料.pdf", Content: []byte("%PDF-1.4\n% more\n")}
		prior := func(s surface) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case s == pageSurface && !w.doc.can(*a, reg):
					return answer{status: http.StatusForbidden}
				case w.doc.sees(*a, c):
					return answer{status: 200, contains: []string{c.marker}, lacks: []string{c.idNumber, c.phone}}
				}
				return answer{status: 200, lacks: []string{c.marker}}
			}
		}
		grid := func(ok func(demo.Account) answer) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return pageSurface.anonymous()
				case !w.doc.can(*a, reg):
					return answer{status: http.StatusForbidden}
				case !w.doc.sees(*a, c):
					return answer{status: http.StatusNotFound}
				}
				return ok(*a)
			}
		}
		booking := func(s surface) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case !w.doc.can(*a, auth.PermAppointments):
					return answer{status: http.StatusForbidden}
				case !w.doc.sees(*a, c):
					return answer{status: http.StatusNotFound}
				}
				return unprocessable
			}
		}
		// Linking (关联案件) needs cases.link, then the case in sight; the probes name a
		// case no one has, and a link no one made, so the matrix changes nothing.
		linking := func(s surface, ok answer) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case !w.doc.can(*a, auth.PermCasesLink):
					return answer{status: http.StatusForbidden}
				case !w.doc.sees(*a, c):
					return answer{status: http.StatusNotFound}
				}
				return ok
			}
		}
		// The case's mediation (issue 25): the team needs cases.team, the records
		// mediation.record, then the case in sight; the probes' input is refused, or
		// names a member, an agreement or a referral no one has, so nothing changes.
		holding := func(s surface, perm auth.Permission, ok answer) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case !w.doc.can(*a, perm):
					return answer{status: http.StatusForbidden}
				case !w.doc.sees(*a, c):
					return answer{status: http.StatusNotFound}
				}
				return ok
			}
		}
		// An agreement of the page's routes is looked for before the case: one no one
		// has is 404 to every holder.
		anyHolder := func(s surface, perm auth.Permission, ok answer) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case s == pageSurface && !w.doc.can(*a, auth.PermCasesRead):
					return answer{status: http.StatusForbidden}
				case !w.doc.can(*a, perm):
					return answer{status: http.StatusForbidden}
				}
				return ok
			}
		}
		// A follow-up plan (回访计划) needs cases.follow_up, then the case in sight; the
		// probes' input is refused, so the matrix changes nothing.
		following := func(s surface) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case !w.doc.can(*a, auth.PermFollowUp):
					return answer{status: http.StatusForbidden}
				case !w.doc.sees(*a, c):
					return answer{status: http.StatusNotFound}
				}
				return unprocessable
			}
		}
		// Issuing a document (文书) needs documents.issue and the case in sight; the
		// probes ask for a kind there is none of, so the matrix issues nothing. The page's
		// form asks the permission first, the API the case.
		issuing := func(s surface) func(*demo.Account) answer {
			return func(a *demo.Account) answer {
				switch {
				case a == nil:
					return s.anonymous()
				case s == pageSurface && !w.doc.can(*a, auth.PermDocumentsIssue):
					return answer{status: http.StatusForbidden}
				case !w.doc.sees(*a, c):
					return answer{status: http.StatusNotFound}
				case !w.doc.can(*a, auth.PermDocumentsIssue):
					return answer{status: http.StatusForbidden}
				}
				return unprocessable
			}
		}
		each := func(p probe) probe {
			p.name = c.label
			p.by = everyone
			return p
		}
		add(
			each(probe{route: "GET /cases/{id}", method: GET, url: caseURL, want: w.onCase(pageSurface, c, okFor(masked(c, 200)))}),
			each(probe{route: "POST /cases/{id}/actions/{action}", method: POST, url: caseURL + "/actions/comment", body: url.Values{"note": {"矩阵核对"}}, want: comment(pageSurface, http.StatusSeeOther)}),
			each(probe{route: "POST /cases/{id}/attachments", method: POST, url: caseURL + "/attachments", body: upload, want: attach(pageSurface, http.StatusSeeOther)}),
			each(probe{route: "POST /cases/{id}/parties/{pid}/reveal", method: POST, url: caseURL + "/parties/" + id(c.party) + "/reveal", want: reveal(pageSurface)}),
			each(probe{route: "GET /cases/{id}/attachments/{aid}", method: GET, url: caseURL + "/attachments/" + id(c.attachment), want: w.onCase(pageSurface, c, okFor(ok200))}),
			each(probe{route: "GET /ui/prior-cases", method: GET, url: "/ui/prior-cases?id_number=" + c.idNumber, want: prior(pageSurface)}),
			each(probe{route: "GET /grid/cases/{id}", method: GET, url: "/grid/cases/" + id(c.id), want: grid(okFor(masked(c, 200)))}),
			each(probe{route: "POST /grid/cases/{id}/{action}", method: POST, url: "/grid/cases/" + id(c.id) + "/return_visit", body: url.Values{"note": {"走访，情绪平稳"}}, want: grid(func(a demo.Account) answer {
				if !w.doc.actsOn(a, "record", c) { // a return visit is recorded as an incident
					return answer{status: http.StatusConflict}
				}
				return see
			})}),
			each(probe{route: "POST /cases/{id}/appointments", method: POST, url: caseURL + "/appointments", body: url.Values{"slot_id": {"0"}}, want: booking(pageSurface)}),
			each(probe{route: "POST /cases/{id}/links", method: POST, url: caseURL + "/links", body: url.Values{"tracking_code": {"NOSUCHCASE"}, "link_kind": {"earlier"}}, want: linking(pageSurface, unprocessable)}),
			each(probe{route: "POST /cases/{id}/follow-up", method: POST, url: caseURL + "/follow-up", body: url.Values{"every_days": {"0"}}, want: following(pageSurface)}),
			each(probe{route: "POST /cases/{id}/follow-up/end", method: POST, url: caseURL + "/follow-up/end", body: url.Values{"follow_up_note": {"\x01"}}, want: following(pageSurface)}),
			each(probe{route: "POST /cases/{id}/documents", method: POST, url: caseURL + "/documents", body: url.Values{"kind": {"memo"}}, want: issuing(pageSurface)}),
			each(probe{route: "GET /documents/{id}", method: GET, url: "/documents/" + id(c.dossier), want: w.onCase(pageSurface, c, okFor(masked(c, 200)))}),
			each(probe{route: "GET /documents/{id}/docx", method: GET, url: "/documents/" + id(c.notice) + "/docx", want: w.onCase(pageSurface, c, okFor(ok200))}),
			each(probe{route: "GET /api/v1/cases/{id}/documents", method: GET, url: apiURL + "/documents", want: w.onCase(apiSurface, c, okFor(masked(c, 200)))}),
			each(probe{route: "POST /api/v1/cases/{id}/documents", method: POST, url: apiURL + "/documents", body: map[string]any{"kind": "memo"}, want: issuing(apiSurface)}),
			each(probe{route: "GET /api/v1/documents/{id}", method: GET, url: "/api/v1/documents/" + id(c.dossier), want: w.onCase(apiSurface, c, okFor(masked(c, 200)))}),
			each(probe{route: "GET /api/v1/documents/{id}/docx", method: GET, url: "/api/v1/documents/" + id(c.notice) + "/docx", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "POST /cases/{id}/links/{lid}/delete", method: POST, url: caseURL + "/links/999999/delete", body: emptyForm, want: linking(pageSurface, notFound)}),

			each(probe{route: "GET /api/v1/cases/{id}", method: GET, url: apiURL, want: w.onCase(apiSurface, c, okFor(masked(c, 200)))}),
			each(probe{route: "GET /api/v1/cases/{id}/events", method: GET, url: apiURL + "/events", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "POST /api/v1/cases/{id}/actions/{action}", method: POST, url: apiURL + "/actions/comment", body: map[string]any{"note": "矩阵核对"}, want: comment(apiSurface, 200)}),
			each(probe{route: "POST /api/v1/cases/{id}/attachments", method: POST, url: apiURL + "/attachments", body: upload, want: attach(apiSurface, http.StatusCreated)}),
			each(probe{route: "GET /api/v1/cases/{id}/attachments", method: GET, url: apiURL + "/attachments", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "GET /api/v1/cases/{id}/attachments/{aid}", method: GET, url: apiURL + "/attachments/" + id(c.attachment), want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "GET /api/v1/intake/prior-cases", method: GET, url: "/api/v1/intake/prior-cases?id_number=" + c.idNumber, want: prior(apiSurface)}),
			each(probe{route: "POST /api/v1/cases/{id}/parties/{pid}/reveal", method: POST, url: apiURL + "/parties/" + id(c.party) + "/reveal", want: reveal(apiSurface)}),
			each(probe{route: "GET /api/v1/cases/{id}/appointments", method: GET, url: apiURL + "/appointments", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "POST /api/v1/cases/{id}/appointments", method: POST, url: apiURL + "/appointments", body: map[string]any{"slot_id": 0}, want: booking(apiSurface)}),
			each(probe{route: "GET /api/v1/cases/{id}/follow-up", method: GET, url: apiURL + "/follow-up", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "POST /api/v1/cases/{id}/follow-up", method: POST, url: apiURL + "/follow-up", body: map[string]any{"every_days": 0}, want: following(apiSurface)}),
			each(probe{route: "POST /api/v1/cases/{id}/follow-up/end", method: POST, url: apiURL + "/follow-up/end", body: map[string]any{"note": "\x01"}, want: following(apiSurface)}),
			each(probe{route: "GET /api/v1/cases/{id}/links", method: GET, url: apiURL + "/links", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "POST /api/v1/cases/{id}/links", method: POST, url: apiURL + "/links", body: map[string]any{"tracking_code": "NOSUCHCASE", "kind": "earlier"}, want: linking(apiSurface, unprocessable)}),
			each(probe{route: "DELETE /api/v1/cases/{id}/links/{lid}", method: DELETE, url: apiURL + "/links/999999", want: linking(apiSurface, notFound)}),
			each(probe{route: "POST /cases/{id}/team", method: POST, url: caseURL + "/team", body: url.Values{"role": {"judge"}}, want: holding(pageSurface, auth.PermCaseTeam, unprocessable)}),
			each(probe{route: "POST /cases/{id}/team/{mid}/delete", method: POST, url: caseURL + "/team/999999/delete", body: emptyForm, want: holding(pageSurface, auth.PermCaseTeam, notFound)}),
			each(probe{route: "POST /cases/{id}/sessions", method: POST, url: caseURL + "/sessions", body: emptyForm, want: holding(pageSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "POST /cases/{id}/agreements", method: POST, url: caseURL + "/agreements", body: emptyForm, want: holding(pageSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "POST /cases/{id}/agreements/{aid}", method: POST, url: caseURL + "/agreements/999999", body: emptyForm, want: anyHolder(pageSurface, auth.PermMediationRecord, notFound)}),
			each(probe{route: "POST /cases/{id}/agreements/{aid}/sign", method: POST, url: caseURL + "/agreements/999999/sign", body: emptyForm, want: anyHolder(pageSurface, auth.PermMediationRecord, notFound)}),
			each(probe{route: "POST /cases/{id}/agreements/{aid}/performance", method: POST, url: caseURL + "/agreements/999999/performance", body: emptyForm, want: anyHolder(pageSurface, auth.PermMediationRecord, notFound)}),
			each(probe{route: "POST /cases/{id}/agreements/{aid}/confirmation", method: POST, url: caseURL + "/agreements/999999/confirmation", body: emptyForm, want: anyHolder(pageSurface, auth.PermMediationRecord, notFound)}),
			each(probe{route: "POST /cases/{id}/referrals", method: POST, url: caseURL + "/referrals", body: emptyForm, want: holding(pageSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "POST /cases/{id}/referrals/{rid}/result", method: POST, url: caseURL + "/referrals/999999/result", body: emptyForm, want: holding(pageSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "GET /api/v1/cases/{id}/mediation", method: GET, url: apiURL + "/mediation", want: w.onCase(apiSurface, c, okFor(ok200))}),
			each(probe{route: "POST /api/v1/cases/{id}/team", method: POST, url: apiURL + "/team", body: map[string]any{"role": "judge"}, want: holding(apiSurface, auth.PermCaseTeam, unprocessable)}),
			each(probe{route: "DELETE /api/v1/cases/{id}/team/{mid}", method: DELETE, url: apiURL + "/team/999999", want: holding(apiSurface, auth.PermCaseTeam, notFound)}),
			each(probe{route: "POST /api/v1/cases/{id}/sessions", method: POST, url: apiURL + "/sessions", body: map[string]any{}, want: holding(apiSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "POST /api/v1/cases/{id}/agreements", method: POST, url: apiURL + "/agreements", body: map[string]any{}, want: holding(apiSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "POST /api/v1/cases/{id}/referrals", method: POST, url: apiURL + "/referrals", body: map[string]any{}, want: holding(apiSurface, auth.PermMediationRecord, unprocessable)}),
			each(probe{route: "POST /api/v1/cases/{id}/referrals/{rid}/result", method: POST, url: apiURL + "/referrals/999999/result", body: map[string]any{}, want: holding(apiSurface, auth.PermMediationRecord, unprocessable)}),
			// Whom to ask for help on a case: those who see it and may read the pool.
			each(probe{route: "GET /api/v1/cases/{id}/recommendations", method: GET, url: apiURL + "/recommendations", want: w.onCase(apiSurface, c, func(a demo.Account) answer {
				if !w.doc.can(a, auth.PermMediationRead) {
					return answer{status: http.StatusForbidden}
				}
				return ok200
			})}),
		)
	}
	// An agreement no one has: refused to those who may not keep mediation records,
	// not found (or its input refused first) for those who may.
	recordHolder := func(ok answer) func(*demo.Account) answer {
		return w.granted(apiSurface, auth.PermMediationRecord, okFor(ok))
	}
	add(
		probe{route: "PUT /api/v1/agreements/{id}", method: PUT, url: "/api/v1/agreements/999999", body: map[string]any{}, want: recordHolder(notFound)},
		probe{route: "POST /api/v1/agreements/{id}/sign", method: POST, url: "/api/v1/agreements/999999/sign", body: map[string]any{}, want: recordHolder(unprocessable)},
		probe{route: "POST /api/v1/agreements/{id}/performance", method: POST, url: "/api/v1/agreements/999999/performance", body: map[string]any{}, want: recordHolder(unprocessable)},
		probe{route: "POST /api/v1/agreements/{id}/confirmation", method: POST, url: "/api/v1/agreements/999999/confirmation", body: map[string]any{}, want: recordHolder(unprocessable)},
	)
	// A case id nobody has: the same answer as a case out of sight.
	add(probe{route: "GET /api/v1/cases/{id}", name: "unknown", method: GET, url: "/api/v1/cases/" + id(w.c.id+1000), want: member(apiSurface, notFound)})

	// Supervision replies: the order's addressee answers it — the department working
	// the case. Each order is answered once: by the page (B's) or the API (A's).
	reply := func(s surface, c *worldCase, addressee string, ok int) func(*demo.Account) answer {
		return w.onCase(s, c, func(a demo.Account) answer {
			if a.Username != addressee {
				return answer{status: http.StatusForbidden}
			}
			return answer{status: ok}
		})
	}
	add(
		probe{route: "POST /cases/{id}/supervisions/{sid}/reply", method: POST, url: "/cases/" + id(w.b.id) + "/supervisions/" + id(w.orderB) + "/reply",
			body: url.Values{"reply": {"已约谈用人单位，限期整改"}}, want: reply(pageSurface, w.b, "county.handler", http.StatusSeeOther), by: everyone},
		probe{route: "POST /api/v1/supervisions/{id}/reply", method: POST, url: "/api/v1/supervisions/" + id(w.orderA) + "/reply",
			body: map[string]any{"reply": "已组织双方调解"}, want: reply(apiSurface, w.a, "fucheng.handler", 200), by: everyone},
	)

	// Cancelling a booking: those who book (appointments.book) and the leader whose
	// session it is, when they see the case. The booking is one cancelled already, so
	// the matrix changes nothing.
	cancelled := func(s surface) func(*demo.Account) answer {
		return w.onCase(s, w.a, func(a demo.Account) answer {
			if !w.doc.can(a, auth.PermAppointments) && a.Username != "fucheng.leader" {
				return answer{status: http.StatusForbidden}
			}
			return unprocessable
		})
	}
	add(
		probe{route: "POST /appointments/{id}/cancel", method: POST, url: "/appointments/" + id(w.cancelledAppointment) + "/cancel", body: emptyForm, want: cancelled(pageSurface), by: everyone},
		probe{route: "DELETE /api/v1/appointments/{id}", method: DELETE, url: "/api/v1/appointments/" + id(w.cancelledAppointment), want: cancelled(apiSurface), by: everyone},
	)

	// Convening departments to a booking and recording its result (约访召集): the same
	// people as cancelling, on the same cancelled booking, which refuses both.
	add(
		probe{route: "POST /appointments/{id}/invites", method: POST, url: "/appointments/" + id(w.cancelledAppointment) + "/invites",
			body: url.Values{"department_ids": {"1"}}, want: cancelled(pageSurface), by: everyone},
		probe{route: "POST /api/v1/appointments/{id}/invites", method: POST, url: "/api/v1/appointments/" + id(w.cancelledAppointment) + "/invites",
			body: map[string]any{"department_ids": []int64{1}}, want: cancelled(apiSurface), by: everyone},
		probe{route: "POST /appointments/{id}/result", method: POST, url: "/appointments/" + id(w.cancelledAppointment) + "/result",
			body: url.Values{"result": {"矩阵核对"}}, want: cancelled(pageSurface), by: everyone},
		probe{route: "POST /api/v1/appointments/{id}/result", method: POST, url: "/api/v1/appointments/" + id(w.cancelledAppointment) + "/result",
			body: map[string]any{"result": "矩阵核对"}, want: cancelled(apiSurface), by: everyone},
	)
	// A department's invitations: its handlers only; an invite no one has is not found.
	invited := func(s surface, ok answer) func(*demo.Account) answer {
		return func(a *demo.Account) answer {
			switch {
			case a == nil:
				return s.anonymous()
			case a.Role != model.RoleHandler || a.Department == "":
				return answer{status: http.StatusForbidden}
			}
			return ok
		}
	}
	add(
		probe{route: "GET /invites", method: GET, url: "/invites", want: invited(pageSurface, answer{status: 200}), by: everyone},
		probe{route: "GET /api/v1/invites", method: GET, url: "/api/v1/invites", want: invited(apiSurface, answer{status: 200}), by: everyone},
		probe{route: "POST /invites/{id}/confirm", method: POST, url: "/invites/999999/confirm", body: url.Values{"attendee": {"李某"}}, want: invited(pageSurface, notFound), by: everyone},
		probe{route: "POST /api/v1/invites/{id}/confirm", method: POST, url: "/api/v1/invites/999999/confirm", body: map[string]any{"attendee": "李某"}, want: invited(apiSurface, notFound), by: everyone},
	)
	return ps
}

// everyAdmin: the audit log is tried by the admins of every township, and a visitor.
func everyAdmin(a *demo.Account) bool {
	return matrixCast(a) || a.Role == model.RoleAdmin
}

// ownSession: a leader may withdraw their own session, and no one else's.
func ownSession(ok answer) func(demo.Account) answer {
	return func(a demo.Account) answer {
		if a.Username != "fucheng.leader" {
			return answer{status: http.StatusNotFound}
		}
		return ok
	}
}

// inSubtreeOfAnyone: regions and departments are read by anyone signed in, inside their
// own subtree (the pickers of the forms need them).
func (w *world) inSubtreeOfAnyone(code string) func(*demo.Account) answer {
	return func(a *demo.Account) answer {
		switch {
		case a == nil:
			return apiSurface.anonymous()
		case !strings.HasPrefix(code, a.RegionCode):
			return answer{status: http.StatusNotFound}
		}
		return answer{status: 200}
	}
}

// subtreeNames: a list of regions names those of the reader's subtree only.
func (w *world) subtreeNames(a demo.Account, ok answer) answer {
	ans := ok
	for code, name := range map[string]string{"622922100": "附城镇", "622922101": "苏集镇", "622922103": "景古镇"} {
		if strings.HasPrefix(code, a.RegionCode) {
			ans.contains = append(ans.contains, name)
		} else {
			ans.lacks = append(ans.lacks, name)
		}
	}
	return ans
}

// ownNotices: the inbox lists the reader's own notices and nobody else's.
func (w *world) ownNotices(s surface) func(*demo.Account) answer {
	return func(a *demo.Account) answer {
		if a == nil {
			return s.anonymous()
		}
		ans := answer{status: 200}
		mine := map[string]bool{}
		for _, n := range w.notices[w.users[a.Username]] {
			mine[n.Body] = true
			ans.contains = append(ans.contains, n.Body)
		}
		for uid, ns := range w.notices {
			if uid == w.users[a.Username] {
				continue
			}
			for _, n := range ns {
				if !mine[n.Body] {
					ans.lacks = append(ans.lacks, n.Body)
				}
			}
		}
		if s == apiSurface {
			me := w.users[a.Username]
			ans.check = func(t *testing.T, _ *http.Response, body []byte) {
				var inbox struct {
					Items []store.Notification `json:"items"`
				}
				testutil.DecodeJSON(t, body, &inbox)
				for _, n := range inbox.Items {
					if n.UserID != me {
						t.Errorf("notice %d of user %d in the inbox of user %d", n.ID, n.UserID, me)
					}
				}
			}
		}
		return ans
	}
}

// TestPermissionMatrix holds every route, pages and API, to docs/permissions.md: each
// probe is sent by the accounts of the demo county and a visitor without a session,
// and the status and what the body must and must not show follow from the page's
// tables, the cases' regions and departments, and the masking rule.
func TestPermissionMatrix(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		probes := w.probes()
		checkEveryRouteProbed(t, w.srv.App.Routes(), probes)

		var scenarios []testutil.Scenario
		for _, p := range probes {
			by := p.by
			if by == nil {
				by = matrixCast
			}
			for _, a := range w.accounts() {
				if !by(a) {
					continue
				}
				ans := p.want(a)
				sc := testutil.Scenario{Method: p.method, URL: p.url, Body: p.body, Status: ans.status, Contains: ans.contains, NotContains: ans.lacks, Check: ans.check}
				who := "visitor"
				if a != nil {
					who, sc.As = a.Username, w.clients[a.Username]
				}
				sc.Name = strings.TrimSpace(p.route+" "+p.name) + "/" + who
				scenarios = append(scenarios, sc)
			}
		}
		t.Run("scenarios", func(t *testing.T) { testutil.RunScenarios(t, w.srv, scenarios) })

		// What the writes of the matrix must not have done.
		ctx := context.Background()
		notes, err := st.Notifications(ctx, w.users["fucheng.handler"], true, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(notes, func(n store.Notification) bool { return n.ID == w.notice }) {
			t.Errorf("others marked fucheng.handler's notice %d read", w.notice)
		}
		t.Logf("%d scenarios", len(scenarios))
	})
}

// checkEveryRouteProbed fails for a route the router serves that no probe tries, and
// for a probe naming a route the router does not serve: a new route enters the
// matrix before it ships.
func checkEveryRouteProbed(t *testing.T, routes []string, probes []probe) {
	t.Helper()
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.HandleFunc(r, func(http.ResponseWriter, *http.Request) {})
	}
	tried := map[string]bool{}
	for _, p := range probes {
		req, err := http.NewRequest(p.method, "http://onedoor.test"+p.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, pattern := mux.Handler(req)
		if pattern != p.route {
			t.Errorf("probe %s %s is served by %q, not by the route %q it names", p.method, p.url, pattern, p.route)
		}
		tried[pattern] = true
	}
	for _, r := range routes {
		if !tried[r] {
			t.Errorf("route %q has no probe in the permission matrix: add one to probes()", r)
		}
	}
}
