package api

import (
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/openapi"
	"github.com/onedoor/onedoor/internal/workflow"
)

// routeDoc is what the description of a route says that neither the router nor the
// handler declares when asked (Routes): what it answers on success and the type of
// its body. TestDescribedBodiesAreTheDecodedOnes holds Body to the type the handler
// decodes into, and TestOpenAPIDocumentEqualsRouter holds the table to the router.
type routeDoc struct {
	Status       int          // the answer on success
	Body         reflect.Type // the JSON body the handler decodes; nil when it takes none
	BodyOptional bool         // an empty body is taken as {}
	Upload       bool         // a multipart/form-data upload instead
	File         string       // the content type of a file answer; "" for JSON
	Answer       reflect.Type // the JSON answer's type, when described; List: of its items
	List         bool         // the answer is {"items": [...]}
	Example      string       // an example body
	Public       bool         // no sign-in needed
}

func (d routeDoc) example() any {
	var v any
	if err := json.Unmarshal([]byte(d.Example), &v); err != nil {
		panic("api: a route's example is not JSON: " + err.Error()) // the document test runs every example
	}
	return v
}

func typ[T any]() reflect.Type { return reflect.TypeFor[T]() }

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// routeDocs describe every route of Register.
var routeDocs = map[string]routeDoc{
	"GET /api/v1/openapi.json": {Status: http.StatusOK, Public: true},
	// A platform's own work order, read by the mapping configured for it
	// (docs/platforms.md); signed, not signed in. 200 for an order received before,
	// 202 for one parked until its codes are mapped.
	"POST /api/v1/platforms/{platform}/orders": {Status: http.StatusCreated, Body: typ[map[string]any](), Answer: typ[adapterjob.Receipt](), Public: true,
		Example: `{"gdbh":"GD202612070001","bt":"小区路灯不亮","nr":"3号楼前路灯坏了一周","lxr":"张三","lxdh":"13800138000","lb":"0301","qh":"622922100"}`},
	"POST /api/v1/session": {Status: http.StatusCreated, Body: typ[loginRequest](), Answer: typ[meResponse](), Public: true,
		Example: `{"username":"county.clerk","password":"correct horse battery"}`},
	"DELETE /api/v1/session": {Status: http.StatusNoContent, Public: true},
	"GET /api/v1/me":         {Status: http.StatusOK, Answer: typ[meResponse]()},

	"GET /api/v1/regions": {Status: http.StatusOK, Answer: typ[model.Region](), List: true},
	"POST /api/v1/regions": {Status: http.StatusCreated, Body: typ[org.RegionInput](), Answer: typ[model.Region](),
		Example: `{"parent_id":1,"code":"620622101","name":"新集镇","level":"township"}`},
	"GET /api/v1/regions/{id}": {Status: http.StatusOK, Answer: typ[model.Region]()},
	"PATCH /api/v1/regions/{id}": {Status: http.StatusOK, Body: typ[org.RegionInput](), Answer: typ[model.Region](),
		Example: `{"parent_id":1,"code":"620622101","name":"新集镇","level":"township"}`},
	"GET /api/v1/departments": {Status: http.StatusOK, Answer: typ[model.Department](), List: true},
	"POST /api/v1/departments": {Status: http.StatusCreated, Body: typ[org.DepartmentInput](), Answer: typ[model.Department](),
		Example: `{"region_id":1,"code":"county.tax","name":"县税务局"}`},
	"GET /api/v1/departments/{id}": {Status: http.StatusOK, Answer: typ[model.Department]()},
	"PATCH /api/v1/departments/{id}": {Status: http.StatusOK, Body: typ[org.DepartmentInput](), Answer: typ[model.Department](),
		Example: `{"region_id":1,"code":"county.tax","name":"县税务局"}`},
	"GET /api/v1/users": {Status: http.StatusOK, Answer: typ[model.User](), List: true},
	"POST /api/v1/users": {Status: http.StatusCreated, Body: typ[org.UserInput](), Answer: typ[model.User](),
		Example: `{"username":"xinji.clerk2","display_name":"王芳","phone":"13800138000","region_id":1,"roles":["clerk"],"locale":"zh-CN","password":"a long enough passphrase"}`},
	"GET /api/v1/users/{id}": {Status: http.StatusOK, Answer: typ[model.User]()},
	"PATCH /api/v1/users/{id}": {Status: http.StatusOK, Body: typ[org.UserInput](), Answer: typ[model.User](),
		Example: `{"username":"xinji.clerk2","display_name":"王芳","region_id":1,"roles":["clerk","mediator"]}`},
	"GET /api/v1/categories": {Status: http.StatusOK, Answer: typ[model.Category](), List: true},
	"POST /api/v1/categories": {Status: http.StatusCreated, Body: typ[org.CategoryInput](), Answer: typ[model.Category](),
		Example: `{"kind":"dispute","parent_id":0,"code":"dispute.water","name":"用水纠纷","sort_order":10}`},
	"GET /api/v1/categories/{id}": {Status: http.StatusOK, Answer: typ[model.Category]()},
	"PATCH /api/v1/categories/{id}": {Status: http.StatusOK, Body: typ[org.CategoryInput](), Answer: typ[model.Category](),
		Example: `{"kind":"dispute","code":"dispute.water","name":"用水纠纷","sort_order":20}`},
	"POST /api/v1/{kind}/{id}/{switch}": {Status: http.StatusNoContent},
	"POST /api/v1/users/{id}/unlock":    {Status: http.StatusNoContent},
	"GET /api/v1/audit":                 {Status: http.StatusOK, Answer: typ[store.AuditRow](), List: true},
	"GET /api/v1/deadline-rules":        {Status: http.StatusOK, Answer: typ[store.DeadlineRuleRow](), List: true},
	"POST /api/v1/deadline-rules": {Status: http.StatusCreated, Body: typ[cases.DeadlineRuleInput](), Answer: typ[store.DeadlineRuleRow](),
		Example: `{"kind":"petition","category_code":"","urgency":"","stage":"handle","days":60,"workdays":false,"basis":"信访工作条例第三十四条"}`},
	"PUT /api/v1/deadline-rules/{id}": {Status: http.StatusOK, Body: typ[cases.DeadlineRuleInput](), Answer: typ[store.DeadlineRuleRow](),
		Example: `{"kind":"petition","stage":"handle","days":45,"workdays":true,"basis":"本县规定"}`},
	"DELETE /api/v1/deadline-rules/{id}": {Status: http.StatusNoContent},
	"GET /api/v1/risk-rules":             {Status: http.StatusOK, Answer: typ[riskRulesBody]()},
	"PUT /api/v1/risk-rules":             {Status: http.StatusOK, Answer: typ[riskRulesBody](), Body: typ[risk.Rules]()},
	"GET /api/v1/calendar":               {Status: http.StatusOK, Answer: typ[store.CalendarDay](), List: true},
	"PUT /api/v1/calendar/{day}": {Status: http.StatusOK, Body: typ[cases.CalendarDayInput](), Answer: typ[cases.CalendarDayInput](),
		Example: `{"day":"2026-10-01","kind":"holiday","name":"国庆节"}`},
	"DELETE /api/v1/calendar/{day}":              {Status: http.StatusNoContent},
	"GET /api/v1/notifications":                  {Status: http.StatusOK, Answer: typ[inbox]()},
	"POST /api/v1/notifications/{id}/read":       {Status: http.StatusNoContent},
	"POST /api/v1/notifications/read-all":        {Status: http.StatusNoContent},
	"GET /api/v1/supervisions":                   {Status: http.StatusOK, Answer: typ[store.Supervision](), List: true},
	"GET /api/v1/warnings":                       {Status: http.StatusOK, Answer: typ[warningsPage]()},
	"GET /api/v1/approvals":                      {Status: http.StatusOK, Answer: typ[approvalsAnswer]()},
	"POST /api/v1/approvals/replies/{id}/review": {Status: http.StatusNoContent},
	"GET /api/v1/roster":                         {Status: http.StatusOK, Answer: typ[rosterAnswer]()},
	"GET /api/v1/stats":                          {Status: http.StatusOK, Answer: typ[statsPage]()},
	"GET /api/v1/evaluation/schemes":             {Status: http.StatusOK, Answer: typ[evaluationSchemesAnswer]()},
	"PUT /api/v1/evaluation/schemes/{code}":      {Status: http.StatusOK, Body: typ[evaluation.Scheme](), Answer: typ[evaluation.Scheme]()},
	"GET /api/v1/evaluation/ranking":             {Status: http.StatusOK, Answer: typ[evaluation.Ranking]()},
	"POST /api/v1/evaluation/ranking/publish": {Status: http.StatusCreated, Body: typ[publishRankingIn](), Answer: typ[evaluation.Ranking](),
		Example: `{"scheme":"","period":"month","date":"2026-11-30"}`},
	"POST /api/v1/supervisions/{id}/reply": {Status: http.StatusOK, Answer: typ[store.Supervision](), Body: typ[replyRequest](),
		Example: `{"reply":"已约谈双方，三日内办结。"}`},
	"GET /api/v1/reception/sessions": {Status: http.StatusOK, Answer: typ[cases.CalendarSession](), List: true},
	"POST /api/v1/reception/sessions": {Status: http.StatusCreated, Answer: typ[cases.CalendarSession](), Body: typ[cases.SessionInput](),
		Example: `{"date":"2026-12-15","start":"09:00","end":"11:30","slot_minutes":30,"place":"县综治中心二楼接待室"}`},
	"DELETE /api/v1/reception/sessions/{id}": {Status: http.StatusOK, Answer: typ[sessionWithdrawn]()},
	"GET /api/v1/cases/{id}/appointments":    {Status: http.StatusOK, Answer: typ[store.Appointment](), List: true},
	"POST /api/v1/cases/{id}/appointments": {Status: http.StatusCreated, Answer: typ[store.Appointment](), Body: typ[bookAppointmentIn](),
		Example: `{"slot_id":1}`},
	"DELETE /api/v1/appointments/{id}": {Status: http.StatusOK, Answer: typ[store.Appointment]()},
	"POST /api/v1/appointments/{id}/invites": {Status: http.StatusCreated, Answer: typ[store.Invite](), List: true, Body: typ[inviteDepartmentsIn](),
		Example: `{"department_ids":[2,3]}`},
	"POST /api/v1/appointments/{id}/result": {Status: http.StatusOK, Answer: typ[store.Appointment](), Body: typ[appointmentResultIn](),
		Example: `{"result":"双方当面协商，约定下周签订协议。"}`},
	"GET /api/v1/invites": {Status: http.StatusOK, Answer: typ[store.DepartmentInvite](), List: true},
	"POST /api/v1/invites/{id}/confirm": {Status: http.StatusOK, Answer: typ[store.Invite](), Body: typ[confirmInviteIn](),
		Example: `{"attendee":"李明（县人社局）"}`},
	"GET /api/v1/cases/{id}/links":     {Status: http.StatusOK, Answer: typ[cases.LinkView](), List: true},
	"GET /api/v1/cases/{id}/follow-up": {Status: http.StatusOK, Answer: typ[followUpAnswer]()},
	"POST /api/v1/cases/{id}/follow-up": {Status: http.StatusCreated, Answer: typ[followUpAnswer](), Body: typ[startFollowUpIn](),
		Example: `{"every_days":30,"note":"协议分期履行，每月回访"}`},
	"POST /api/v1/cases/{id}/follow-up/end": {Status: http.StatusNoContent, Body: typ[endFollowUpIn](),
		Example: `{"note":"已全部履行"}`},
	"POST /api/v1/cases/{id}/links": {Status: http.StatusCreated, Answer: typ[model.CaseLink](), Body: typ[cases.LinkInput](),
		Example: `{"tracking_code":"K2026000001","kind":"related","note":"同一地块"}`},
	"DELETE /api/v1/cases/{id}/links/{lid}": {Status: http.StatusNoContent},
	"GET /api/v1/tokens":                    {Status: http.StatusOK, Answer: typ[tokenJSON](), List: true},
	"POST /api/v1/tokens": {Status: http.StatusCreated, Body: typ[org.TokenInput](), Answer: typ[issuedToken](),
		Example: `{"name":"12345 热线对接","user_id":1}`},
	"DELETE /api/v1/tokens/{id}": {Status: http.StatusNoContent},
	"POST /api/v1/cases": {Status: http.StatusCreated, Body: typ[cases.RegisterInput](), Answer: typ[caseView](),
		Example: `{"kind":"dispute","category_id":1,"channel":"walk_in","region_id":1,"address":"新集镇东街12号","title":"宅基地边界纠纷",` +
			`"description":"两户因院墙边界发生争执，请求调解。","urgency":"normal","parties":[{"name":"张三","phone":"13800138000","role":"applicant"}]}`},
	"GET /api/v1/cases/export":      {Status: http.StatusOK, File: xlsxType},
	"POST /api/v1/exports":          {Status: http.StatusAccepted, Answer: typ[exportJobView]()},
	"GET /api/v1/exports/{id}":      {Status: http.StatusOK, Answer: typ[exportJobView]()},
	"GET /api/v1/exports/{id}/file": {Status: http.StatusOK, File: xlsxType},
	"GET /api/v1/cases":             {Status: http.StatusOK, Answer: typ[casePage]()},
	"GET /api/v1/cases/{id}":        {Status: http.StatusOK, Answer: typ[caseView]()},
	"GET /api/v1/cases/{id}/events": {Status: http.StatusOK, Answer: typ[model.CaseEvent](), List: true},
	"POST /api/v1/cases/{id}/actions/{action}": {Status: http.StatusOK, Body: typ[cases.ActInput](), BodyOptional: true, Answer: typ[caseView](),
		Example: `{"note":"属本中心受理范围"}`},
	"POST /api/v1/cases/{id}/attachments":          {Status: http.StatusCreated, Answer: typ[model.Attachment](), Upload: true},
	"GET /api/v1/cases/{id}/attachments":           {Status: http.StatusOK, Answer: typ[model.Attachment](), List: true},
	"GET /api/v1/cases/{id}/attachments/{aid}":     {Status: http.StatusOK, File: "application/octet-stream"},
	"GET /api/v1/intake/prior-cases":               {Status: http.StatusOK, Answer: typ[prior](), List: true},
	"POST /api/v1/cases/{id}/parties/{pid}/reveal": {Status: http.StatusOK, Answer: typ[model.Party]()},
	"GET /api/v1/mediation/orgs":                   {Status: http.StatusOK, Answer: typ[mediationOrgsAnswer]()},
	"GET /api/v1/talent":                           {Status: http.StatusOK, Answer: typ[talentAnswer]()},
	"GET /api/v1/cases/{id}/recommendations":       {Status: http.StatusOK, Answer: typ[recommendationsAnswer]()},
	"GET /api/v1/cases/{id}/documents":             {Status: http.StatusOK, Answer: typ[caseDocumentsAnswer]()},
	"POST /api/v1/cases/{id}/documents": {Status: http.StatusCreated, Answer: typ[store.IssuedDocument](), Body: typ[issueDocumentIn](),
		Example: `{"kind":"acceptance","ref":0}`},
	"GET /api/v1/documents/{id}":            {Status: http.StatusOK, Answer: typ[store.IssuedDocument]()},
	"GET /api/v1/documents/{id}/docx":       {Status: http.StatusOK, File: docxType},
	"GET /api/v1/document-templates/{kind}": {Status: http.StatusOK, Answer: typ[documentTemplateAnswer]()},
	"PUT /api/v1/document-templates/{kind}": {Status: http.StatusOK, Answer: typ[documents.Template](), Body: typ[documentTemplateIn](),
		Example: `{"title":"受理告知书","prefix":"康综受","body":"你（单位）反映的事项，本中心已依法受理。","closing":"特此告知。","note":"按本县格式"}`},
	"GET /api/v1/saved-filters": {Status: http.StatusOK, Answer: typ[savedFilterView](), List: true},
	"POST /api/v1/saved-filters": {Status: http.StatusCreated, Answer: typ[savedFilterView](), Body: typ[savedFilterIn](),
		Example: `{"name":"本周超期纠纷","query":"kind=dispute&overdue=true"}`},
	"PATCH /api/v1/saved-filters/{id}": {Status: http.StatusOK, Answer: typ[savedFilterView](), Body: typ[savedFilterIn](),
		Example: `{"name":"超期纠纷"}`},
	"DELETE /api/v1/saved-filters/{id}": {Status: http.StatusNoContent},
	"GET /api/v1/cases/{id}/mediation":  {Status: http.StatusOK, Answer: typ[mediation.Records]()},
	"POST /api/v1/cases/{id}/team": {Status: http.StatusCreated, Answer: typ[store.CaseTeamMember](), Body: typ[mediation.TeamInput](),
		Example: `{"role":"mediator","user_id":1,"note":"熟悉当地情况"}`},
	"DELETE /api/v1/cases/{id}/team/{mid}":           {Status: http.StatusOK, Answer: typ[teamMemberRemoved]()},
	"POST /api/v1/cases/{id}/sessions":               {Status: http.StatusCreated, Answer: typ[store.MediationSession](), Body: typ[mediation.SessionInput]()},
	"POST /api/v1/cases/{id}/agreements":             {Status: http.StatusCreated, Answer: typ[store.Agreement](), Body: typ[mediation.AgreementInput]()},
	"PUT /api/v1/agreements/{id}":                    {Status: http.StatusOK, Answer: typ[store.Agreement](), Body: typ[mediation.AgreementInput]()},
	"POST /api/v1/agreements/{id}/sign":              {Status: http.StatusOK, Answer: typ[store.Agreement](), Body: typ[mediation.SignInput](), Example: `{"signed_on":"2026-12-01","attachment_id":1}`},
	"POST /api/v1/agreements/{id}/performance":       {Status: http.StatusOK, Answer: typ[store.Agreement](), Body: typ[mediation.PerformanceInput](), Example: `{"performed":"partial","on":"2026-12-20","note":"已支付首期款"}`},
	"POST /api/v1/agreements/{id}/confirmation":      {Status: http.StatusOK, Answer: typ[store.Agreement](), Body: typ[mediation.ConfirmInput](), Example: `{"step":"apply","applied_on":"2026-12-05","court":"康乐县人民法院"}`},
	"POST /api/v1/cases/{id}/referrals":              {Status: http.StatusCreated, Answer: typ[store.Referral](), Body: typ[mediation.ReferralInput](), Example: `{"kind":"pre_litigation","partner":"court","body":"康乐县人民法院","note":"诉前调解"}`},
	"POST /api/v1/cases/{id}/referrals/{rid}/result": {Status: http.StatusOK, Answer: typ[store.Referral](), Body: typ[mediation.ReferralResultInput](), Example: `{"result":"mediated","on":"2026-12-28","note":"调解成功"}`},
}

// bodyRule is what a body field's validation holds that its Go type does not say,
// by the field's component name ("cases.RegisterInput.title").
type bodyRule struct {
	Required  bool
	MaxLength int
	Min, Max  *float64
	MaxItems  int
	Enum      []string
}

func (r bodyRule) apply(s *openapi.Schema) {
	if r.MaxLength > 0 {
		s.MaxLength = openapi.Ptr(r.MaxLength)
	}
	s.Minimum, s.Maximum = r.Min, r.Max
	if r.MaxItems > 0 {
		s.MaxItems = openapi.Ptr(r.MaxItems)
	}
	for _, v := range r.Enum {
		s.Enum = append(s.Enum, v)
	}
}

func num(v float64) *float64 { return &v }

// bodyRules are the rules the services check, with the limits they check against.
var bodyRules = map[string]bodyRule{
	"api.loginRequest.username": {Required: true},
	"api.loginRequest.password": {Required: true},

	"org.RegionInput.code":          {Required: true, MaxLength: 15},
	"org.RegionInput.name":          {Required: true},
	"org.DepartmentInput.code":      {Required: true, MaxLength: 40},
	"org.DepartmentInput.name":      {Required: true, MaxLength: 60},
	"org.DepartmentInput.region_id": {Required: true},
	"org.CategoryInput.kind":        {Required: true},
	"org.CategoryInput.code":        {Required: true, MaxLength: 40},
	"org.CategoryInput.name":        {Required: true, MaxLength: 30},
	"org.CategoryInput.sort_order":  {Min: num(0), Max: num(9999)},
	"org.UserInput.username":        {Required: true},
	"org.UserInput.region_id":       {Required: true},
	"org.TokenInput.name":           {Required: true},
	"org.TokenInput.user_id":        {Required: true},

	"cases.RegisterInput.kind":         {Required: true},
	"cases.RegisterInput.category_id":  {Required: true},
	"cases.RegisterInput.title":        {MaxLength: cases.MaxTitle},
	"cases.RegisterInput.description":  {Required: true, MaxLength: cases.MaxDescription},
	"cases.RegisterInput.address":      {MaxLength: cases.MaxAddress},
	"cases.RegisterInput.urgency":      {Enum: strs(workflow.AllUrgencies)},
	"cases.RegisterInput.people_count": {Min: num(0), Max: num(cases.MaxPeopleInvolved)},
	"cases.RegisterInput.households":   {Min: num(0), Max: num(cases.MaxPeopleInvolved)},
	"cases.RegisterInput.amount_yuan":  {Min: num(0), Max: num(cases.MaxAmountYuan)},
	"cases.RegisterInput.parties":      {MaxItems: cases.MaxParties},
	"cases.ActInput.incident":          {Enum: model.IncidentKinds},

	"api.replyRequest.reply":                 {Required: true},
	"api.bookAppointmentIn.slot_id":          {Required: true},
	"api.inviteDepartmentsIn.department_ids": {Required: true},
	"cases.LinkInput.tracking_code":          {Required: true},
	"mediation.PerformanceInput.performed":   {Required: true, Enum: mediation.Performances},
	"mediation.ConfirmInput.step":            {Required: true, Enum: mediation.ConfirmSteps},
	"mediation.ReferralInput.kind":           {Required: true, Enum: mediation.ReferralKinds},
	"mediation.ReferralInput.body":           {Required: true, MaxLength: 60},
	"mediation.ReferralResultInput.result":   {Required: true, Enum: mediation.ReferralResults},
	"api.savedFilterIn.name":                 {Required: true},
	"api.issueDocumentIn.kind":               {Required: true, Enum: strs(documents.Kinds)},
}
