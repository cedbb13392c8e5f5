package ui

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

type auditData struct {
	Rows      []auditRow
	Ops       []auditOp // the operation filter's choices
	Query     url.Values
	NextURL   string
	ExportURL string
}

// auditRow is a row of the log as an administrator reads it: the operation and its
// object named in words, the codes kept for the cell's title.
type auditRow struct {
	store.AuditRow
	Op         string
	ObjectText string
	ObjectHref string // the object's page, when it has one
}

// auditOp is one choice of the operation filter.
type auditOp struct{ Code, Label string }

// auditOps are the operations the log records besides the case actions and the
// (de)activations, in the order the filter offers them; the catalogue names each as
// audit_op.<code>.
var auditOps = []string{"login", "login.failed", "login.locked", "login.throttled", "logout", "user.create", "user.update",
	"user.password", "user.unlock", "region.create", "region.update", "department.create", "department.update",
	"category.create", "category.update", "deadline.save", "deadline.delete", "calendar.set", "calendar.delete",
	"risk.rules", "evaluation.scheme", "evaluation.publish", "token.issue", "token.revoke", "screen.issue", "screen.revoke", "region.outline", "region.outline_delete", "reception.publish", "reception.withdraw", "appointment.book",
	"appointment.book_public", "appointment.cancel", "appointment.cancel_public", "case.register", "case.register_public",
	"case.supervise_reply", "case.citizen_rate", "case.warning_escalate", "case.warning_step_down", "personal.reveal",
	"audit.export", "audit.key", "case.export", "case.supervise_review", "appointment.invite", "appointment.confirm",
	"appointment.result", "roster.station", "roster.station_end", "roster.shift", "roster.shift_delete",
	"mediation.org_create", "mediation.org_update", "mediation.member_add", "mediation.member_remove",
	"talent.create", "talent.update", "case.link", "case.unlink", "case.follow_up_plan", "case.follow_up_end",
	"case.follow_up_missed", "meeting.create", "meeting.update", "meeting.agenda", "meeting.decide", "case.team_add", "case.team_remove", "case.mediation_session", "case.agreement_draft",
	"case.agreement_edit", "case.agreement_sign", "case.agreement_performance", "case.confirm_apply", "case.confirm_ruling",
	"case.confirm_waive", "case.referral", "case.referral_result", "case.help_request", "setup", "document.issue",
	"document_template.save", "import.run", "import.source_create", "import.mapping", "region.import",
	"platform.create", "platform.update", "platform.resolve", "platform.import", "platform.park", "retention.save", "case.purge"}

// switchedKinds are what an administrator deactivates and reactivates (org.auditSwitch).
var switchedKinds = []string{"region", "department", "user", "category"}

// auditOpLabel names an operation in loc: from the catalogue, a case action as
// 案件·<the action>, a (de)activation as 停用<what>; an operation of none of these
// (a later version's) by its code.
func auditOpLabel(loc, op string) string {
	if l, ok := i18n.Lookup(loc, "audit_op."+op); ok {
		return l
	}
	if a, ok := strings.CutPrefix(op, "case."); ok && workflow.Action(a).Valid() {
		return i18n.T(loc, "audit_op.case_action", i18n.T(loc, "case_action."+a))
	}
	if kind, sw, ok := strings.Cut(op, "."); ok && (sw == "activate" || sw == "deactivate") {
		if what, ok := i18n.Lookup(loc, "audit_obj."+kind); ok {
			return i18n.T(loc, "audit_op."+sw, what)
		}
	}
	return op
}

// auditOpChoices are the operation filter's choices in loc.
func auditOpChoices(loc string) []auditOp {
	var out []auditOp
	add := func(code string) { out = append(out, auditOp{code, auditOpLabel(loc, code)}) }
	out = append(out, auditOp{"case.", i18n.T(loc, "audit_op.case_any")}, auditOp{"login.", i18n.T(loc, "audit_op.login_any")})
	for _, op := range auditOps {
		add(op)
	}
	for _, a := range workflow.AllActions {
		add("case." + string(a))
	}
	for _, k := range switchedKinds {
		add(k + ".deactivate")
		add(k + ".activate")
	}
	return out
}

// objectPart is one part of an object reference: type:id.
var objectPart = regexp.MustCompile(`^([a-z_]+):(.*)$`)

// auditObject names an object reference ("case:42", "case:42/party:3") in loc, with
// the page of the case or user it names.
func auditObject(loc, ref string) (text, href string) {
	var parts []string
	for i, part := range strings.Split(ref, "/") {
		m := objectPart.FindStringSubmatch(part)
		if m == nil {
			if l, ok := i18n.Lookup(loc, "audit_obj."+part); ok {
				part = l
			}
			parts = append(parts, part)
			continue
		}
		label, ok := i18n.Lookup(loc, "audit_obj."+m[1])
		if !ok {
			parts = append(parts, part)
			continue
		}
		id := m[2]
		if id == "new" || id == "" {
			parts = append(parts, label)
			continue
		}
		parts = append(parts, label+" "+id)
		if _, err := strconv.ParseInt(id, 10, 64); err == nil && i == 0 {
			switch m[1] {
			case "case":
				href = "/cases/" + id
			case "user":
				href = "/admin/users/" + id + "/edit"
			}
		}
	}
	return strings.Join(parts, " · "), href
}

// typedObject reads the object filter as an administrator types it: 案件 42 (or the
// reference itself, case:42).
var typedObject = regexp.MustCompile(`^\s*(\D+?)\s*[:：#]?\s*(\d+)\s*$`)

// auditFilter reads the page's filter: audit.FilterFrom, with the actor given by name
// (user name or display name) and the object as typed.
func (u *UI) auditFilter(ctx context.Context, p *auth.Principal, loc string, q *httpx.Query) (store.AuditFilter, error) {
	actor, object := strings.TrimSpace(q.String("actor")), strings.TrimSpace(q.String("object"))
	f, err := audit.FilterFrom(q)
	if err != nil {
		return f, err
	}
	if m := typedObject.FindStringSubmatch(object); m != nil && !strings.Contains(object, ":") {
		for _, kind := range objectKinds {
			if l, _ := i18n.Lookup(loc, "audit_obj."+kind); l == strings.TrimSpace(m[1]) || kind == m[1] {
				f.Object = kind + ":" + m[2]
			}
		}
	}
	if actor == "" {
		return f, nil
	}
	users, err := u.Store.Users(ctx, store.UserFilter{Within: p.Scope()})
	if err != nil {
		return f, err
	}
	var found []model.User
	for _, us := range users {
		if strings.EqualFold(us.Username, actor) || us.DisplayName == actor {
			found = append(found, us)
		}
	}
	switch {
	case len(found) == 0:
		return f, model.Invalid("actor", "not_found", "invalid.actor.not_found", actor)
	case len(found) > 1:
		return f, model.Invalid("actor", "ambiguous", "invalid.actor.ambiguous", actor)
	}
	f.ActorID = found[0].ID
	return f, nil
}

// objectKinds are the kinds of object the log names, each audit_obj.<kind> in the
// catalogue.
var objectKinds = []string{"case", "party", "user", "region", "department", "category", "token", "supervision",
	"appointment", "reception_session", "deadline_rule", "calendar", "document_template"}

// auditList shows the audit log, newest first, filtered and paged.
func (u *UI) auditList(w http.ResponseWriter, r *http.Request) {
	q := httpx.PageQuery(r)
	loc := httpx.Locale(r)
	page := u.newPage(r, "audit.title")
	page.Active = "nav.audit"
	page.Form = q.Values()
	f, err := u.auditFilter(r.Context(), httpx.Principal(r), loc, q)
	if fe, ok := err.(*model.FieldError); ok {
		// A name that is nobody's is said beside the field, the filter kept.
		msg := fe.Message(loc)
		page.Errors = map[string]string{fe.Field: msg}
		page.Error = i18n.T(loc, "audit.actor") + i18n.T(loc, "error.field_sep") + msg
		page.Data = auditData{Query: q.Values(), Ops: auditOpChoices(loc)}
		u.render(w, r, http.StatusUnprocessableEntity, "admin_audit.html", page)
		return
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	rows, err := audit.List(r.Context(), u.Store, httpx.Principal(r), f)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data := auditData{Query: q.Values(), Ops: auditOpChoices(loc)}
	for _, row := range rows {
		ar := auditRow{AuditRow: row, Op: auditOpLabel(loc, row.Action)}
		ar.ObjectText, ar.ObjectHref = auditObject(loc, row.Object)
		data.Rows = append(data.Rows, ar)
	}
	if len(rows) == f.Limit {
		next := q.Values()
		next.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		data.NextURL = "/admin/audit?" + next.Encode()
	}
	exp := url.Values{}
	for k, v := range data.Query {
		if k != "before" && k != "notice" {
			exp[k] = v
		}
	}
	data.ExportURL = "/admin/audit.csv?" + exp.Encode()
	page.Data = data
	u.render(w, r, http.StatusOK, "admin_audit.html", page)
}

// auditExport downloads the filtered log as CSV; the export is audited.
func (u *UI) auditExport(w http.ResponseWriter, r *http.Request) {
	f, err := u.auditFilter(r.Context(), httpx.Principal(r), httpx.Locale(r), httpx.PageQuery(r))
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-log.csv"`)
	if err := audit.ExportCSV(r.Context(), u.Store, httpx.Principal(r), f, w); err != nil {
		u.renderError(w, r, err)
	}
}

// userUnlock lifts the lock that repeated wrong passwords put on an account.
func (u *UI) userUnlock(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = u.Org.Unlock(r.Context(), httpx.Principal(r), u.Auth, id)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/users", "unlocked")
}
