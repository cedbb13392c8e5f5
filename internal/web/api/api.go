// Package api is the JSON API under /api/v1. Every error has the shape
// {"error":{"code","message","field"}}; a validation error is 422 and names the field.
package api

import (
	"errors"
	"net/http"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// API holds what the endpoints need.
type API struct {
	Store         *store.Store
	Auth          *auth.Service
	Org           *org.Service
	Cases         *cases.Service
	Mediation     *mediation.Service
	Adapters      *adapterjob.Service
	SecureCookies bool

	exports *exportJobs // this node's export jobs (exportjobs.go)
}

// Register adds every endpoint to mux. An endpoint that reads query parameters names
// them here (handleQuery); every other parameter is refused, on every endpoint.
func (a *API) Register(mux httpx.Mux) {
	a.exports = newExportJobs()
	mux.HandleFunc("POST /api/v1/session", a.login)
	mux.HandleFunc("DELETE /api/v1/session", a.logout)
	mux.HandleFunc("GET /api/v1/me", a.handle(a.me))
	mux.HandleFunc("POST /api/v1/platforms/{platform}/orders", a.receiveOrder)

	mux.HandleFunc("GET /api/v1/regions", a.handleQuery(a.listRegions, "active"))
	mux.HandleFunc("POST /api/v1/regions", a.handle(a.createRegion))
	mux.HandleFunc("GET /api/v1/regions/{id}", a.handle(a.getRegion))
	mux.HandleFunc("PATCH /api/v1/regions/{id}", a.handle(a.updateRegion))
	mux.HandleFunc("GET /api/v1/departments", a.handleQuery(a.listDepartments, "active"))
	mux.HandleFunc("POST /api/v1/departments", a.handle(a.createDepartment))
	mux.HandleFunc("GET /api/v1/departments/{id}", a.handle(a.getDepartment))
	mux.HandleFunc("PATCH /api/v1/departments/{id}", a.handle(a.updateDepartment))
	mux.HandleFunc("GET /api/v1/users", a.handleQuery(a.listUsers, "role", "active"))
	mux.HandleFunc("POST /api/v1/users", a.handle(a.createUser))
	mux.HandleFunc("GET /api/v1/users/{id}", a.handle(a.getUser))
	mux.HandleFunc("PATCH /api/v1/users/{id}", a.handle(a.updateUser))
	mux.HandleFunc("GET /api/v1/categories", a.handleQuery(a.listCategories, "kind", "active"))
	mux.HandleFunc("POST /api/v1/categories", a.handle(a.createCategory))
	mux.HandleFunc("GET /api/v1/categories/{id}", a.handle(a.getCategory))
	mux.HandleFunc("PATCH /api/v1/categories/{id}", a.handle(a.updateCategory))
	mux.HandleFunc("POST /api/v1/{kind}/{id}/{switch}", a.handle(a.setActive))
	mux.HandleFunc("POST /api/v1/users/{id}/unlock", a.handle(a.unlockUser))
	mux.HandleFunc("GET /api/v1/audit", a.handleQuery(a.listAudit, audit.FilterParams...))
	mux.HandleFunc("GET /api/v1/deadline-rules", a.handle(a.listDeadlineRules))
	mux.HandleFunc("POST /api/v1/deadline-rules", a.handle(a.createDeadlineRule))
	mux.HandleFunc("PUT /api/v1/deadline-rules/{id}", a.handle(a.updateDeadlineRule))
	mux.HandleFunc("DELETE /api/v1/deadline-rules/{id}", a.handle(a.deleteDeadlineRule))
	mux.HandleFunc("GET /api/v1/risk-rules", a.handle(a.getRiskRules))
	mux.HandleFunc("PUT /api/v1/risk-rules", a.handle(a.putRiskRules))
	mux.HandleFunc("GET /api/v1/calendar", a.handleQuery(a.listCalendar, "year"))
	mux.HandleFunc("PUT /api/v1/calendar/{day}", a.handle(a.setCalendarDay))
	mux.HandleFunc("DELETE /api/v1/calendar/{day}", a.handle(a.deleteCalendarDay))
	mux.HandleFunc("GET /api/v1/notifications", a.handleQuery(a.listNotifications, "unread", "before"))
	mux.HandleFunc("POST /api/v1/notifications/{id}/read", a.handle(a.readNotification))
	mux.HandleFunc("POST /api/v1/notifications/read-all", a.handle(a.readNotification))
	mux.HandleFunc("GET /api/v1/supervisions", a.handleQuery(a.supervisionBoard, "status", "level"))
	mux.HandleFunc("GET /api/v1/warnings", a.handleQuery(a.warningsBoard, "level"))
	mux.HandleFunc("GET /api/v1/approvals", a.handle(a.approvals))
	mux.HandleFunc("POST /api/v1/approvals/replies/{id}/review", a.handle(a.reviewReply))
	mux.HandleFunc("GET /api/v1/roster", a.handleQuery(a.roster, "centre_id", "day"))
	mux.HandleFunc("GET /api/v1/stats", a.handleQuery(a.stats, httpx.StatsParams...))
	mux.HandleFunc("GET /api/v1/evaluation/schemes", a.handle(a.evaluationSchemes))
	mux.HandleFunc("PUT /api/v1/evaluation/schemes/{code}", a.handle(a.putEvaluationScheme))
	mux.HandleFunc("GET /api/v1/evaluation/ranking", a.handleQuery(a.evaluationRanking, "scheme", "period", "date"))
	mux.HandleFunc("POST /api/v1/evaluation/ranking/publish", a.handle(a.publishRanking))
	mux.HandleFunc("POST /api/v1/supervisions/{id}/reply", a.handle(a.replySupervision))
	mux.HandleFunc("GET /api/v1/reception/sessions", a.handle(a.receptionSessions))
	mux.HandleFunc("POST /api/v1/reception/sessions", a.handle(a.publishSession))
	mux.HandleFunc("DELETE /api/v1/reception/sessions/{id}", a.handleQuery(a.withdrawSession, "note"))
	mux.HandleFunc("GET /api/v1/cases/{id}/appointments", a.handle(a.caseAppointments))
	mux.HandleFunc("POST /api/v1/cases/{id}/appointments", a.handle(a.bookAppointment))
	mux.HandleFunc("DELETE /api/v1/appointments/{id}", a.handleQuery(a.cancelAppointment, "note"))
	mux.HandleFunc("POST /api/v1/appointments/{id}/invites", a.handle(a.inviteDepartments))
	mux.HandleFunc("POST /api/v1/appointments/{id}/result", a.handle(a.recordAppointmentResult))
	mux.HandleFunc("GET /api/v1/invites", a.handle(a.departmentInvites))
	mux.HandleFunc("POST /api/v1/invites/{id}/confirm", a.handle(a.confirmInvite))
	mux.HandleFunc("GET /api/v1/cases/{id}/links", a.handle(a.caseLinks))
	mux.HandleFunc("GET /api/v1/cases/{id}/follow-up", a.handle(a.caseFollowUp))
	mux.HandleFunc("POST /api/v1/cases/{id}/follow-up", a.handle(a.startFollowUp))
	mux.HandleFunc("POST /api/v1/cases/{id}/follow-up/end", a.handle(a.endFollowUp))
	mux.HandleFunc("POST /api/v1/cases/{id}/links", a.handle(a.linkCase))
	mux.HandleFunc("DELETE /api/v1/cases/{id}/links/{lid}", a.handle(a.unlinkCase))
	mux.HandleFunc("GET /api/v1/tokens", a.handle(a.listTokens))
	mux.HandleFunc("POST /api/v1/tokens", a.handle(a.createToken))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", a.handle(a.revokeToken))
	mux.HandleFunc("POST /api/v1/cases", a.handle(a.createCase))
	mux.HandleFunc("GET /api/v1/cases/export", a.exportCases)
	mux.HandleFunc("POST /api/v1/exports", a.startExport)
	mux.HandleFunc("GET /api/v1/exports/{id}", a.handle(a.exportStatus))
	mux.HandleFunc("GET /api/v1/exports/{id}/file", a.exportFile)
	mux.HandleFunc("GET /api/v1/cases", a.handleQuery(a.listCases, httpx.CaseListParams...))
	mux.HandleFunc("GET /api/v1/cases/{id}", a.handle(a.getCase))
	mux.HandleFunc("GET /api/v1/cases/{id}/events", a.handle(a.caseEvents))
	mux.HandleFunc("POST /api/v1/cases/{id}/actions/{action}", a.handle(a.caseAction))
	mux.HandleFunc("POST /api/v1/cases/{id}/attachments", a.handle(a.uploadAttachment))
	mux.HandleFunc("GET /api/v1/cases/{id}/attachments", a.handle(a.listAttachments))
	mux.HandleFunc("GET /api/v1/cases/{id}/attachments/{aid}", a.downloadAttachment)
	mux.HandleFunc("GET /api/v1/intake/prior-cases", a.handleQuery(a.priorCases, "id_number", "phone", "address", "text"))
	mux.HandleFunc("POST /api/v1/cases/{id}/parties/{pid}/reveal", a.handle(a.revealParty))
	mux.HandleFunc("GET /api/v1/mediation/orgs", a.handle(a.mediationOrgs))
	mux.HandleFunc("GET /api/v1/talent", a.handle(a.talentPool))
	mux.HandleFunc("GET /api/v1/cases/{id}/recommendations", a.handle(a.caseRecommendations))
	mux.HandleFunc("GET /api/v1/cases/{id}/documents", a.handle(a.caseDocuments))
	mux.HandleFunc("POST /api/v1/cases/{id}/documents", a.handle(a.issueDocument))
	mux.HandleFunc("GET /api/v1/documents/{id}", a.handle(a.getDocument))
	mux.HandleFunc("GET /api/v1/documents/{id}/docx", a.documentDOCX)
	mux.HandleFunc("GET /api/v1/document-templates/{kind}", a.handle(a.documentTemplate))
	mux.HandleFunc("PUT /api/v1/document-templates/{kind}", a.handle(a.saveDocumentTemplate))
	mux.HandleFunc("GET /api/v1/saved-filters", a.handle(a.savedFilters))
	mux.HandleFunc("POST /api/v1/saved-filters", a.handle(a.saveFilter))
	mux.HandleFunc("PATCH /api/v1/saved-filters/{id}", a.handle(a.renameFilter))
	mux.HandleFunc("DELETE /api/v1/saved-filters/{id}", a.handle(a.deleteFilter))
	mux.HandleFunc("GET /api/v1/cases/{id}/mediation", a.handle(a.caseMediation))
	mux.HandleFunc("POST /api/v1/cases/{id}/team", a.handle(a.addTeamMember))
	mux.HandleFunc("DELETE /api/v1/cases/{id}/team/{mid}", a.handleQuery(a.removeTeamMember, "note"))
	mux.HandleFunc("POST /api/v1/cases/{id}/sessions", a.handle(a.recordSession))
	mux.HandleFunc("POST /api/v1/cases/{id}/agreements", a.handle(a.draftAgreement))
	mux.HandleFunc("PUT /api/v1/agreements/{id}", a.handle(a.editAgreement))
	mux.HandleFunc("POST /api/v1/agreements/{id}/sign", a.handle(a.signAgreement))
	mux.HandleFunc("POST /api/v1/agreements/{id}/performance", a.handle(a.agreementPerformance))
	mux.HandleFunc("POST /api/v1/agreements/{id}/confirmation", a.handle(a.agreementConfirmation))
	mux.HandleFunc("POST /api/v1/cases/{id}/referrals", a.handle(a.addReferral))
	mux.HandleFunc("POST /api/v1/cases/{id}/referrals/{rid}/result", a.handle(a.referralResult))
	mux.HandleFunc("GET /api/v1/openapi.json", a.openAPI)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusNotFound, "no_endpoint", ""))
	})
}

// endpoint is a handler that returns its status and body instead of writing them.
type endpoint func(r *http.Request, p *auth.Principal) (int, any, error)

// queryEndpoint is an endpoint that reads query parameters, from q: only those it
// was registered with reach it.
type queryEndpoint func(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error)

// handle is handleQuery for an endpoint that takes no query parameters.
func (a *API) handle(h endpoint) http.HandlerFunc {
	return a.handleQuery(func(r *http.Request, p *auth.Principal, _ *httpx.Query) (int, any, error) { return h(r, p) })
}

// fileCaller admits the caller of an endpoint that answers a file rather than JSON
// (an attachment, a document's .docx, an export): a recognised principal who sent no
// query parameter. Otherwise it writes the error and answers nil.
func fileCaller(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := httpx.Principal(r)
	if p == nil {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusUnauthorized, "unauthenticated", ""))
		return nil
	}
	if _, err := httpx.ReadQuery(r); err != nil {
		httpx.WriteError(w, r, err)
		return nil
	}
	return p
}

// handleQuery admits only a recognised caller, refuses a query parameter the
// endpoint does not accept before anything else is done, and writes the endpoint's
// answer or error.
func (a *API) handleQuery(h queryEndpoint, accepted ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := httpx.Principal(r)
		if p == nil {
			code := "unauthenticated"
			if errors.Is(httpx.SessionError(r), auth.ErrSessionExpired) {
				code = "session_expired"
			}
			httpx.WriteError(w, r, httpx.Errorf(r, http.StatusUnauthorized, code, ""))
			return
		}
		q, err := httpx.ReadQuery(r, accepted...)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		status, body, err := h(r, p, q)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		httpx.DeclareAnswer(r, body)
		httpx.WriteJSON(w, status, body)
	}
}

// list wraps a slice as {"items": [...]} so the envelope can grow paging later.
func list[T any](items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	return map[string]any{"items": items}
}
