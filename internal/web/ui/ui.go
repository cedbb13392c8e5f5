package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// UI holds what the pages need.
type UI struct {
	Store         *store.Store
	Auth          *auth.Service
	Org           *org.Service
	Cases         *cases.Service
	Mediation     *mediation.Service  // set by the server after New
	Imports       *importjob.Service  // set by the server after New
	Adapters      *adapterjob.Service // set by the server after New
	SecureCookies bool
	importRuns    importRunner
	pages         *Templates
}

// New returns the pages over the services, rendered through pages.
func New(st *store.Store, au *auth.Service, orgs *org.Service, cs *cases.Service, secureCookies bool, pages *Templates) *UI {
	return &UI{Store: st, Auth: au, Org: orgs, Cases: cs, SecureCookies: secureCookies, pages: pages}
}

// Register adds every page and form action to mux.
func (u *UI) Register(mux httpx.Mux) {
	mux.HandleFunc("GET /login", u.loginPage)
	mux.HandleFunc("POST /login", u.loginSubmit)
	mux.HandleFunc("POST /logout", u.logout)
	// The public door (/p/): no account; see public_*.go.
	mux.HandleFunc("GET /p", u.publicRoot)
	mux.HandleFunc("GET /p/{$}", u.publicForm)
	mux.HandleFunc("POST /p/{$}", u.publicSubmit)
	mux.HandleFunc("GET /p/submitted", u.publicSubmitted)
	mux.HandleFunc("GET /p/qr/{file}", u.publicQR)
	mux.HandleFunc("GET /p/track", u.publicTrackForm)
	mux.HandleFunc("POST /p/track", u.publicTrack)
	mux.HandleFunc("POST /p/track/rate", u.publicRate)
	mux.HandleFunc("POST /p/track/help", u.publicHelp)
	mux.HandleFunc("POST /locale", u.setLocale)
	mux.HandleFunc("GET /help/api", u.apiReference)
	mux.HandleFunc("GET /{$}", u.signedIn(u.home))
	// The hall's big screen: no session, its token in the address (screen.go).
	mux.HandleFunc("GET /screen/{token}", u.screen)
	mux.HandleFunc("GET /screen/{token}/data", u.screenDataJSON)
	mux.HandleFunc("GET /screen/{token}/map", u.screenMap)

	admin := u.withPerm(auth.PermOrgManage)
	mux.HandleFunc("GET /admin/regions", admin(u.regionList))
	mux.HandleFunc("GET /admin/regions/new", admin(u.regionNew))
	mux.HandleFunc("POST /admin/regions", admin(u.regionCreate))
	mux.HandleFunc("GET /admin/regions/{id}/edit", admin(u.regionEdit))
	mux.HandleFunc("POST /admin/regions/{id}", admin(u.regionUpdate))
	mux.HandleFunc("GET /admin/departments", admin(u.departmentList))
	mux.HandleFunc("GET /admin/departments/new", admin(u.departmentNew))
	mux.HandleFunc("POST /admin/departments", admin(u.departmentCreate))
	mux.HandleFunc("GET /admin/departments/{id}/edit", admin(u.departmentEdit))
	mux.HandleFunc("POST /admin/departments/{id}", admin(u.departmentUpdate))
	mux.HandleFunc("GET /admin/users", admin(u.userList))
	mux.HandleFunc("GET /admin/users/new", admin(u.userNew))
	mux.HandleFunc("POST /admin/users", admin(u.userCreate))
	mux.HandleFunc("GET /admin/users/{id}/edit", admin(u.userEdit))
	mux.HandleFunc("POST /admin/users/{id}", admin(u.userUpdate))
	mux.HandleFunc("GET /admin/categories", admin(u.categoryList))
	mux.HandleFunc("GET /admin/categories/new", admin(u.categoryNew))
	mux.HandleFunc("POST /admin/categories", admin(u.categoryCreate))
	mux.HandleFunc("GET /admin/categories/{id}/edit", admin(u.categoryEdit))
	mux.HandleFunc("POST /admin/categories/{id}", admin(u.categoryUpdate))
	mux.HandleFunc("POST /admin/{kind}/{id}/{switch}", admin(u.setActive))
	mux.HandleFunc("POST /admin/users/{id}/unlock", admin(u.userUnlock))
	dictionary := u.withPerm(auth.PermDictionary)
	mux.HandleFunc("GET /admin/deadlines", dictionary(u.deadlineList))
	mux.HandleFunc("POST /admin/deadlines", dictionary(u.deadlineSave))
	mux.HandleFunc("POST /admin/deadlines/{id}", dictionary(u.deadlineSave))
	mux.HandleFunc("POST /admin/deadlines/{id}/delete", dictionary(u.deadlineDelete))
	mux.HandleFunc("GET /admin/calendar", dictionary(u.calendarPage))
	mux.HandleFunc("POST /admin/calendar", dictionary(u.calendarSet))
	mux.HandleFunc("POST /admin/calendar/{day}/delete", dictionary(u.calendarDelete))
	mux.HandleFunc("GET /admin/risk", dictionary(u.riskRulesPage))
	mux.HandleFunc("POST /admin/risk", dictionary(u.riskRulesSave))
	mux.HandleFunc("POST /admin/risk/reset", dictionary(u.riskRulesReset))
	templates := u.withPerm(auth.PermDocumentTemplates)
	mux.HandleFunc("GET /admin/documents", templates(u.documentTemplates))
	mux.HandleFunc("GET /admin/documents/{kind}", templates(u.documentTemplates))
	mux.HandleFunc("POST /admin/documents/{kind}", templates(u.documentTemplateSave))
	mux.HandleFunc("POST /admin/documents/{kind}/preview", templates(u.documentTemplatePreview))
	mux.HandleFunc("GET /admin/evaluation", dictionary(u.schemesPage))
	mux.HandleFunc("POST /admin/evaluation", dictionary(u.schemesSave))
	// 台账 import: deployment-wide, as the categories and places it maps to are.
	mux.HandleFunc("GET /admin/imports", dictionary(u.importsPage))
	mux.HandleFunc("POST /admin/imports", dictionary(u.importUpload))
	mux.HandleFunc("GET /admin/imports/{file}", dictionary(u.importFilePage))
	mux.HandleFunc("GET /admin/imports/{file}/report.xlsx", dictionary(u.importReportXLSX))
	mux.HandleFunc("POST /admin/imports/{file}/mapping", dictionary(u.importMappingSave))
	mux.HandleFunc("POST /admin/imports/{file}/run", dictionary(u.importRun))
	auditor := u.withPerm(auth.PermAuditRead)
	mux.HandleFunc("GET /admin/audit", auditor(u.auditList))
	mux.HandleFunc("GET /admin/audit.csv", auditor(u.auditExport))
	// The platforms feed the whole deployment: only its root's administrators
	// configure them (a township's could send the county's orders elsewhere).
	platforms := func(h http.HandlerFunc) http.HandlerFunc { return admin(u.rootOnly(h)) }
	mux.HandleFunc("GET /admin/platforms", platforms(u.platformList))
	mux.HandleFunc("GET /admin/platforms/new", platforms(u.platformNew))
	mux.HandleFunc("POST /admin/platforms", platforms(u.platformCreate))
	mux.HandleFunc("GET /admin/platforms/{id}/edit", platforms(u.platformEdit))
	mux.HandleFunc("POST /admin/platforms/{id}", platforms(u.platformUpdate))
	mux.HandleFunc("GET /admin/platforms/{id}/parked", platforms(u.platformParked))
	mux.HandleFunc("POST /admin/platforms/{id}/parked", platforms(u.platformResolve))
	// Retention decides what the whole deployment destroys: its root's administrators.
	mux.HandleFunc("GET /admin/retention", platforms(u.retentionPage))
	mux.HandleFunc("POST /admin/retention", platforms(u.retentionSave))
	mux.HandleFunc("GET /admin/tokens", admin(u.tokenList))
	mux.HandleFunc("POST /admin/tokens", admin(u.tokenCreate))
	mux.HandleFunc("POST /admin/tokens/{id}/revoke", admin(u.tokenRevoke))
	mux.HandleFunc("GET /admin/screens", admin(u.screenList))
	mux.HandleFunc("POST /admin/screens", admin(u.screenIssue))
	mux.HandleFunc("POST /admin/screens/{id}/revoke", admin(u.screenRevoke))
	mux.HandleFunc("POST /admin/outlines", admin(u.outlineUpload))
	mux.HandleFunc("POST /admin/outlines/{id}/delete", admin(u.outlineDelete))
	mux.HandleFunc("GET /admin/roster", admin(u.rotaPage))
	mux.HandleFunc("POST /admin/roster/stations", admin(u.stationSave))
	mux.HandleFunc("POST /admin/roster/stations/{id}/delete", admin(u.stationDelete))
	mux.HandleFunc("POST /admin/roster/shifts", admin(u.shiftAdd))
	mux.HandleFunc("POST /admin/roster/shifts/{id}/delete", admin(u.shiftDelete))
	mux.HandleFunc("GET /admin/mediation", admin(u.mediationPage))
	mux.HandleFunc("POST /admin/mediation/orgs", admin(u.mediationOrgSave))
	mux.HandleFunc("POST /admin/mediation/orgs/{id}", admin(u.mediationOrgSave))
	mux.HandleFunc("POST /admin/mediation/orgs/{id}/members", admin(u.mediationMemberAdd))
	mux.HandleFunc("POST /admin/mediation/orgs/{id}/members/{mid}/delete", admin(u.mediationMemberRemove))
	mux.HandleFunc("POST /admin/mediation/talent", admin(u.talentSave))
	mux.HandleFunc("POST /admin/mediation/talent/{id}", admin(u.talentSave))

	onCases := u.withPerm(auth.PermCasesRead)
	registrar := u.withPerm(auth.PermCasesRegister)
	mux.HandleFunc("GET /cases", onCases(u.caseQueue))
	mux.HandleFunc("POST /saved-filters", onCases(u.savedFilterSave))
	mux.HandleFunc("POST /saved-filters/{id}/rename", onCases(u.savedFilterRename))
	mux.HandleFunc("POST /saved-filters/{id}/delete", onCases(u.savedFilterDelete))
	mux.HandleFunc("GET /cases/new", registrar(u.caseNew))
	mux.HandleFunc("POST /cases", registrar(u.caseCreate))
	mux.HandleFunc("GET /cases/{id}", onCases(u.casePage))
	mux.HandleFunc("POST /cases/{id}/actions/{action}", onCases(u.caseAct))
	mux.HandleFunc("POST /cases/{id}/attachments", onCases(u.caseUpload))
	mux.HandleFunc("POST /cases/{id}/parties/{pid}/reveal", onCases(u.revealParty))
	mux.HandleFunc("GET /cases/{id}/attachments/{aid}", onCases(u.caseDownload))
	mux.HandleFunc("POST /cases/{id}/links", onCases(u.caseLink))
	mux.HandleFunc("POST /cases/{id}/follow-up", onCases(u.caseFollowUpStart))
	mux.HandleFunc("POST /cases/{id}/follow-up/end", onCases(u.caseFollowUpEnd))
	mux.HandleFunc("POST /cases/{id}/links/{lid}/delete", onCases(u.caseUnlink))
	mux.HandleFunc("POST /cases/{id}/team", onCases(u.caseTeamAdd))
	mux.HandleFunc("POST /cases/{id}/team/{mid}/delete", onCases(u.caseTeamRemove))
	mux.HandleFunc("POST /cases/{id}/sessions", onCases(u.caseSessionRecord))
	mux.HandleFunc("POST /cases/{id}/agreements", onCases(u.caseAgreementDraft))
	mux.HandleFunc("POST /cases/{id}/agreements/{aid}", onCases(u.caseAgreementEdit))
	mux.HandleFunc("POST /cases/{id}/agreements/{aid}/sign", onCases(u.caseAgreementSign))
	mux.HandleFunc("POST /cases/{id}/agreements/{aid}/performance", onCases(u.caseAgreementPerformance))
	mux.HandleFunc("POST /cases/{id}/agreements/{aid}/confirmation", onCases(u.caseAgreementConfirmation))
	mux.HandleFunc("POST /cases/{id}/referrals", onCases(u.caseReferralAdd))
	mux.HandleFunc("POST /cases/{id}/referrals/{rid}/result", onCases(u.caseReferralResult))
	mux.HandleFunc("POST /cases/{id}/documents", u.withPerm(auth.PermDocumentsIssue)(u.caseIssueDocument))
	mux.HandleFunc("GET /documents/{id}", onCases(u.documentPage))
	mux.HandleFunc("GET /documents/{id}/docx", onCases(u.documentDOCX))
	mux.HandleFunc("GET /ui/prior-cases", registrar(u.priorCases))
	mux.HandleFunc("POST /cases/{id}/supervisions/{sid}/reply", onCases(u.supervisionReply))
	mux.HandleFunc("GET /supervision", onCases(u.supervisionBoard))
	mux.HandleFunc("GET /reception", u.withPerm(auth.PermReception)(u.receptionPage))
	mux.HandleFunc("POST /reception/sessions", u.withPerm(auth.PermReception)(u.receptionPublish))
	mux.HandleFunc("POST /reception/sessions/{id}/withdraw", u.withPerm(auth.PermReception)(u.receptionWithdraw))
	mux.HandleFunc("POST /cases/{id}/appointments", u.withPerm(auth.PermAppointments)(u.caseBook))
	mux.HandleFunc("POST /appointments/{id}/cancel", onCases(u.appointmentCancel))
	mux.HandleFunc("POST /appointments/{id}/invites", onCases(u.appointmentInvite))
	mux.HandleFunc("POST /appointments/{id}/result", onCases(u.appointmentResult))
	mux.HandleFunc("GET /invites", onCases(u.invitesPage))
	mux.HandleFunc("POST /invites/{id}/confirm", onCases(u.inviteConfirm))
	mux.HandleFunc("GET /p/book", u.publicBook)
	mux.HandleFunc("POST /p/book", u.publicBookPost)
	mux.HandleFunc("GET /warnings", onCases(u.warningsBoard))
	mux.HandleFunc("GET /roster", u.withPerm(auth.PermRosterRead)(u.roster))
	mux.HandleFunc("GET /approvals", u.withPerm(auth.PermApprovals)(u.approvals))
	mux.HandleFunc("POST /approvals/replies/{id}/review", u.withPerm(auth.PermApprovals)(u.approvalReview))
	mux.HandleFunc("GET /stats", u.withPerm(auth.PermStatsRead)(u.dashboard))
	mux.HandleFunc("GET /stats/monthly", u.withPerm(auth.PermStatsRead)(u.monthly))
	mux.HandleFunc("GET /stats/monthly.xlsx", u.withPerm(auth.PermStatsRead)(u.monthlyExport))
	mux.HandleFunc("GET /stats/report", u.withPerm(auth.PermStatsRead)(u.statsReport))
	mux.HandleFunc("GET /stats/report.xlsx", u.withPerm(auth.PermStatsRead)(u.statsReportExport))
	mux.HandleFunc("GET /analysis", u.withPerm(auth.PermStatsRead)(u.analysisPage))
	mux.HandleFunc("POST /analysis/act", u.withPerm(auth.PermStatsRead)(u.analysisAct))
	mux.HandleFunc("POST /analysis/agenda", u.withPerm(auth.PermMeetings)(u.analysisAgenda))
	meetings := u.withPerm(auth.PermMeetings)
	mux.HandleFunc("GET /meetings", meetings(u.meetingList))
	mux.HandleFunc("POST /meetings", meetings(u.meetingCreate))
	mux.HandleFunc("GET /meetings/{id}", meetings(u.meetingPage))
	mux.HandleFunc("POST /meetings/{id}", meetings(u.meetingUpdate))
	mux.HandleFunc("POST /meetings/{id}/agenda", meetings(u.meetingAgenda))
	mux.HandleFunc("POST /meetings/{id}/decisions", meetings(u.meetingDecide))
	mux.HandleFunc("GET /meetings/{id}/print", meetings(u.meetingPrint))
	mux.HandleFunc("GET /evaluation", u.withPerm(auth.PermStatsRead)(u.evaluationPage))
	mux.HandleFunc("GET /evaluation/notice", u.withPerm(auth.PermStatsRead)(u.evaluationNotice))
	mux.HandleFunc("GET /evaluation.xlsx", u.withPerm(auth.PermStatsRead)(u.evaluationExport))
	mux.HandleFunc("POST /evaluation/publish", u.withPerm(auth.PermEvalPublish)(u.evaluationPublish))

	mux.HandleFunc("GET /inbox", u.signedIn(u.inbox))
	// The grid worker's phone pages: whoever may register cases (grid, clerk, leader).
	grid := u.withPerm(auth.PermCasesRegister)
	mux.HandleFunc("GET /grid", grid(u.gridHome))
	mux.HandleFunc("GET /grid/report", grid(u.gridReportForm))
	mux.HandleFunc("POST /grid/report", grid(u.gridReportSubmit))
	mux.HandleFunc("GET /grid/cases/{id}", grid(u.gridCase))
	mux.HandleFunc("POST /grid/cases/{id}/{action}", grid(u.gridCaseAct))
	mux.HandleFunc("POST /inbox/{id}/read", u.signedIn(u.inboxRead))
	mux.HandleFunc("POST /inbox/read-all", u.signedIn(u.inboxReadAll))
}

// signedIn sends a visitor without a session to the login page, remembering where
// they were going and whether their session had expired.
func (u *UI) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if httpx.Principal(r) == nil {
			q := url.Values{}
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				q.Set("next", r.URL.RequestURI())
			}
			if errors.Is(httpx.SessionError(r), auth.ErrSessionExpired) {
				q.Set("notice", "session_expired")
			}
			to := "/login"
			if len(q) > 0 {
				to += "?" + q.Encode()
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// withPerm returns a wrapper that admits only signed-in users the permission matrix
// grants perm: the one check pages share with the API's services.
func (u *UI) withPerm(perm auth.Permission) func(http.HandlerFunc) http.HandlerFunc {
	return func(h http.HandlerFunc) http.HandlerFunc {
		return u.signedIn(func(w http.ResponseWriter, r *http.Request) {
			if !httpx.Principal(r).Can(perm) {
				u.renderError(w, r, auth.ErrForbidden)
				return
			}
			h(w, r)
		})
	}
}

// RenderError shows err as an error page; the middleware uses it for refused CSRF.
func (u *UI) RenderError(w http.ResponseWriter, r *http.Request, err error) { u.renderError(w, r, err) }

// safeNext accepts only a local path as a post-login destination, so a crafted link
// cannot send a user off-site after signing in.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
