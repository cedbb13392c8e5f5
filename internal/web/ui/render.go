// Package ui serves the staff pages: one file per page or action. Pages are plain
// server-rendered HTML forms; the small app.js only adds conveniences.
package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/static"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Page is what every template receives.
type Page struct {
	Locale  string
	P       *auth.Principal
	CSRF    string
	Title   string // catalogue key of the page title
	Nav     []NavItem
	Active  string            // the nav key of this page
	Notice  string            // catalogue key of a one-line notice (after a redirect)
	Error   string            // a message for the whole form
	Errors  map[string]string // field -> message
	Form    url.Values        // what the user typed, to refill a refused form
	Data    any
	Request *http.Request
	Unread  int // the signed-in user's unread notifications, for the header badge
	// CategoryNames name categories by code, for a warning's facts; nil where none
	// are shown.
	CategoryNames map[string]string
}

// UnreadMore says the unread count went past what is counted (store.MaxUnreadCount).
func (p *Page) UnreadMore() bool { return p.Unread > store.MaxUnreadCount }

// T translates key into the page's locale.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Locale, key, args...) }

// FiredDetail says in the page's locale why a warning's indicator fired: its facts
// through the catalogue, or, for a result stored before facts were kept, the Chinese
// Detail it carries.
func (p *Page) FiredDetail(f risk.Fired) string {
	if len(f.Facts) == 0 {
		return f.Detail
	}
	parts := make([]string, len(f.Facts))
	for i, fact := range f.Facts {
		if fact.Key == "category" && len(fact.Args) == 1 && p.CategoryNames[fact.Args[0]] != "" {
			fact.Args = []string{p.CategoryNames[fact.Args[0]]} // 劳动争议 · 拖欠工资, not dispute.labour.wages
		}
		parts[i] = p.T("risk_fact."+fact.Key, fact.Values(p.T("risk_fact.list_sep"))...)
	}
	return strings.Join(parts, p.T("risk_fact.sep"))
}

// Weekdays names a rotating station's days ("1,5") in the page's locale: 周一、周五.
func (p *Page) Weekdays(days string) string {
	list, ok := workflow.ParseWeekdays(days)
	if !ok {
		return days
	}
	names := make([]string, len(list))
	for i, d := range list {
		names[i] = p.T(fmt.Sprintf("weekday.%d", d))
	}
	return strings.Join(names, p.T("weekday.sep"))
}

// FieldError returns the message for one form field, "" when it is fine.
func (p *Page) FieldError(field string) string { return p.Errors[field] }

// Value returns what the user typed into a field, to refill a refused form.
func (p *Page) Value(field string) string { return p.Form.Get(field) }

// Has reports whether the signed-in user holds role r.
func (p *Page) Has(r string) bool { return p.P.Has(model.Role(r)) }

// NavItem is one link of the navigation.
type NavItem struct {
	Key   string // catalogue key and active marker
	Href  string
	Badge int // how many items wait there (待审批), 0 for no badge
}

// navFor lists the links a principal's roles open.
func navFor(p *auth.Principal) []NavItem {
	if p == nil {
		return nil
	}
	items := []NavItem{{Key: "nav.home", Href: "/"}}
	if p.Has(model.RoleGrid) {
		items = append(items, NavItem{Key: "nav.grid", Href: "/grid"})
	}
	if hasAny(p, queueRoles) {
		items = append(items, NavItem{Key: "nav.cases_mine", Href: "/cases"})
	}
	if p.Can(auth.PermCasesRegister) {
		items = append(items, NavItem{Key: "nav.case_new", Href: "/cases/new"})
	}
	if p.Can(auth.PermCasesRead) {
		items = append(items, NavItem{Key: "nav.cases_all", Href: "/cases?queue=all"}, NavItem{Key: "nav.supervision", Href: "/supervision"}, NavItem{Key: "nav.warnings", Href: "/warnings"})
	}
	if p.Can(auth.PermApprovals) {
		items = append(items, NavItem{Key: "nav.approvals", Href: "/approvals"})
	}
	if p.Can(auth.PermRosterRead) {
		items = append(items, NavItem{Key: "nav.roster", Href: "/roster"})
	}
	if p.Can(auth.PermStatsRead) {
		items = append(items, NavItem{Key: "nav.stats", Href: "/stats"}, NavItem{Key: "nav.evaluation", Href: "/evaluation"},
			NavItem{Key: "nav.analysis", Href: "/analysis"})
	}
	if p.Can(auth.PermMeetings) {
		items = append(items, NavItem{Key: "nav.meetings", Href: "/meetings"})
	}
	if p.Can(auth.PermReception) {
		items = append(items, NavItem{Key: "nav.reception", Href: "/reception"})
	}
	if p.Has(model.RoleHandler) && p.Department != nil {
		items = append(items, NavItem{Key: "nav.invites", Href: "/invites"})
	}
	if p.Can(auth.PermOrgManage) {
		items = append(items,
			NavItem{Key: "nav.regions", Href: "/admin/regions"},
			NavItem{Key: "nav.departments", Href: "/admin/departments"},
			NavItem{Key: "nav.users", Href: "/admin/users"},
			NavItem{Key: "nav.categories", Href: "/admin/categories"},
			NavItem{Key: "nav.tokens", Href: "/admin/tokens"},
			NavItem{Key: "nav.screens", Href: "/admin/screens"},
			NavItem{Key: "nav.roster_admin", Href: "/admin/roster"},
			NavItem{Key: "nav.mediation_admin", Href: "/admin/mediation"},
		)
	}
	if p.Can(auth.PermOrgManage) && atRoot(p) {
		items = append(items, NavItem{Key: "nav.platforms", Href: "/admin/platforms"}, NavItem{Key: "nav.retention", Href: "/admin/retention"})
	}
	if p.Can(auth.PermDictionary) {
		items = append(items, NavItem{Key: "nav.deadlines", Href: "/admin/deadlines"}, NavItem{Key: "nav.calendar", Href: "/admin/calendar"}, NavItem{Key: "nav.risk_rules", Href: "/admin/risk"},
			NavItem{Key: "nav.evaluation_schemes", Href: "/admin/evaluation"}, NavItem{Key: "nav.imports", Href: "/admin/imports"})
	}
	if p.Can(auth.PermDocumentTemplates) {
		items = append(items, NavItem{Key: "nav.document_templates", Href: "/admin/documents"})
	}
	if p.Can(auth.PermAuditRead) {
		items = append(items, NavItem{Key: "nav.audit", Href: "/admin/audit"})
	}
	return items
}

// cst is China Standard Time; pages show times as the centre's staff live them.
var cst = time.FixedZone("CST", 8*3600)

var funcs = template.FuncMap{
	"asset": static.URL,
	"join":  strings.Join,
	// dict builds a map for passing several values to a shared template.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	// indent pads an option's text to show tree depth inside a <select>.
	"indent":   func(n int) string { return strings.Repeat("\u3000", n) },
	"datetime": func(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") },
	"date":     func(t time.Time) string { return t.In(cst).Format("2006-01-02") },
	// headline cuts a title to n characters for a narrow cell, where a reader expects
	// a pause (model.Headline); the cell's title attribute carries it whole.
	"headline": func(n int, s string) string { return model.Headline(s, n) },
	// isImage tells the attachments a page shows as photos.
	"isImage": func(contentType string) bool { return strings.HasPrefix(contentType, "image/") },
	// seq is 0..n-1, for a form's fixed number of rows.
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	// list is its arguments as a list.
	"list": func(v ...string) []string { return v },
}

// newPage starts a page for r with the title key.
func (u *UI) newPage(r *http.Request, title string) *Page {
	p := httpx.Principal(r)
	page := &Page{Locale: httpx.Locale(r), P: p, CSRF: httpx.CSRFToken(r), Title: title, Nav: navFor(p),
		Active: title, Notice: noticeKey(httpx.PageQuery(r).String("notice")), Request: r, Unread: u.unreadCount(r, p)}
	for i := range page.Nav {
		if page.Nav[i].Key == "nav.approvals" {
			page.Nav[i].Badge = u.approvalCount(r, p)
		}
	}
	return page
}

// approvalCount is the 待审批 badge's number: one query per rendered page for a
// leader, 0 when it cannot be had (the page still renders).
func (u *UI) approvalCount(r *http.Request, p *auth.Principal) int {
	if u.Store == nil || p == nil || !p.Can(auth.PermApprovals) {
		return 0
	}
	n, err := u.Store.CountApprovals(r.Context(), p.User.ID, p.Region.Path)
	if err != nil {
		slog.WarnContext(r.Context(), "approval count", "err", err)
		return 0
	}
	return n.Total()
}

// unreadCount is the header badge's number: one COUNT query per rendered page, 0 when
// nobody is signed in or the count cannot be had (the page still renders).
func (u *UI) unreadCount(r *http.Request, p *auth.Principal) int {
	if u.Store == nil || p == nil || p.User.ID == 0 {
		return 0
	}
	n, err := u.Store.UnreadCount(r.Context(), p.User.ID)
	if err != nil {
		slog.WarnContext(r.Context(), "unread count", "err", err)
		return 0
	}
	return n
}

// noticeKey accepts only known notice codes from the query string, so a link cannot
// make a page say arbitrary things.
func noticeKey(code string) string {
	if code == "" {
		return ""
	}
	key := "notice." + code
	if _, ok := i18n.Lookup(i18n.Default, key); !ok {
		return ""
	}
	return key
}

// render writes page through the named template with status.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, page *Page) {
	t, ok := u.pages.staff[name]
	if !ok {
		panic("ui: no template " + name)
	}
	execute(w, r, status, t, "layout", name, page)
}

// execute renders page through layout of t into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func execute(w http.ResponseWriter, r *http.Request, status int, t *template.Template, layout, name string, page *Page) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout, page); err != nil {
		slog.ErrorContext(r.Context(), "render", "template", name, "err", err)
		http.Error(w, i18n.T(page.Locale, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// renderError shows an error page in the page layout.
func (u *UI) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := httpx.FromErr(r, err)
	if e.Status == 499 {
		return
	}
	page := u.newPage(r, "error.title")
	page.Error = e.Message
	u.render(w, r, e.Status, "error.html", page)
}

// postedTo reads the id a form is posted to (the path value name) and parses the form;
// on a bad id or an unreadable form it has shown the error page and returns false.
func (u *UI) postedTo(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := httpx.PathID(r, name)
	if err != nil {
		u.renderError(w, r, err)
		return 0, false
	}
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return 0, false
	}
	return id, true
}

// formError refills a refused form with the user's input and the message next to the
// field it concerns; other errors become an error page.
func (u *UI) formError(w http.ResponseWriter, r *http.Request, name string, page *Page, err error) {
	e := httpx.FromErr(r, err)
	if e.Status != http.StatusUnprocessableEntity {
		u.renderError(w, r, err)
		return
	}
	page.Form = r.PostForm
	page.Errors = map[string]string{e.Field: e.Message}
	page.Error = e.Message
	u.render(w, r, e.Status, name, page)
}

// redirect sends the browser on after a successful POST (post/redirect/get).
func redirect(w http.ResponseWriter, r *http.Request, to, notice string) {
	if notice != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "notice=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
