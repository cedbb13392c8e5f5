package open311

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// closedStates are the states GeoReport's "closed" covers: the matter is dealt with
// (resolved, verified, visited) or is history (archived, rejected, merged). Every
// other state is "open".
var closedStates = []workflow.State{workflow.StateResolved, workflow.StateVerified, workflow.StateFollowedUp,
	workflow.StateArchived, workflow.StateRejected, workflow.StateMerged}

func isClosed(s workflow.State) bool {
	for _, c := range closedStates {
		if c == s {
			return true
		}
	}
	return false
}

// statesOf lists the case states of a GeoReport status.
func statesOf(status string) []string {
	var out []string
	for _, s := range workflow.AllStates {
		if isClosed(s) == (status == "closed") {
			out = append(out, string(s))
		}
	}
	return out
}

// request is a service request as GeoReport v2 shows it.
type request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

type requestList struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []request `xml:"request"`
}

// publicSteps are the timeline actions a citizen may see, and how status_notes words
// them. Comments, attachments, supervision, warnings, returns and co-handling are
// internal; no step names a member of staff.
var publicSteps = map[workflow.Action]string{
	workflow.ActionRegister:      "已登记，等待受理",
	workflow.ActionAccept:        "已受理",
	workflow.ActionReject:        "不予受理",
	workflow.ActionMerge:         "已与同一事项合并办理",
	workflow.ActionHandle:        "由综治中心直接办理",
	workflow.ActionAssign:        "已交办职能部门",
	workflow.ActionSign:          "职能部门已签收，正在办理",
	workflow.ActionEscalate:      "已上报上级综治中心",
	workflow.ActionDelegate:      "已交下级综治中心办理",
	workflow.ActionExtendApprove: "办理期限已依法延长",
	workflow.ActionSuspend:       "暂停办理",
	workflow.ActionResume:        "恢复办理",
	workflow.ActionResolve:       "已办结",
	workflow.ActionVerify:        "办理结果已核实",
	workflow.ActionVerifyFail:    "重新办理",
	workflow.ActionVisit:         "已回访",
	workflow.ActionArchive:       "已归档",
}

func publicActions() []string {
	out := make([]string, 0, len(publicSteps))
	for a := range publicSteps {
		out = append(out, string(a))
	}
	sort.Strings(out)
	return out
}

// hiddenDescription stands for the description of a kind whose content is never
// public: a dispute or a petition speaks of people (domestic violence among them).
var hiddenDescription = map[model.CaseKind]string{
	model.KindDispute:  "矛盾纠纷（内容不公开）",
	model.KindPetition: "信访事项（内容不公开）",
}

func (a *API) writeRequests(w http.ResponseWriter, r *http.Request, f format, found []store.Open311Case) *Error {
	ids := make([]int64, len(found))
	for i, c := range found {
		ids[i] = c.ID
	}
	events, err := a.Store.CaseEventsByAction(r.Context(), ids, publicActions())
	if err != nil {
		return a.internal(r, err)
	}
	out := make([]request, len(found))
	for i, c := range found {
		out[i] = publicRequest(c, events[c.ID])
	}
	if f == formatJSON {
		write(w, f, http.StatusOK, out)
	} else {
		write(w, f, http.StatusOK, requestList{Requests: out})
	}
	return nil
}

// publicRequest is what the public may know of a case (DESIGN.md §8): never a party's
// name, phone or ID number; no description or exact place of a dispute or petition —
// only its village or township; no staff names; the texts it shows masked by the one
// rule for what leaves the staff (model.MaskText).
func publicRequest(c store.Open311Case, events []model.CaseEvent) request {
	st := workflow.State(c.State)
	rq := request{
		ServiceRequestID:  strconv.FormatInt(c.ID, 10),
		Status:            "open",
		ServiceName:       c.CategoryName,
		ServiceCode:       c.CategoryCode,
		AgencyResponsible: centreName(c.CentreName),
		RequestedDatetime: w3c(c.CreatedAt),
		UpdatedDatetime:   w3c(c.UpdatedAt),
		AddressID:         c.RegionCode,
	}
	if isClosed(st) {
		rq.Status = "closed"
	} else if c.DueAt != nil {
		rq.ExpectedDatetime = w3c(*c.DueAt)
	}
	place := c.RegionName
	if c.ParentRegionName != "" {
		place = c.ParentRegionName + c.RegionName
	}
	if hidden, ok := hiddenDescription[c.Kind]; ok {
		rq.Description = hidden
		rq.Address = place
	} else {
		rq.Description = model.MaskText(c.Description, c.Private())
		rq.Address = place
		if c.Address != "" {
			rq.Address = model.MaskText(c.Address, c.Private())
		}
		rq.Lat, rq.Long = c.Lat, c.Lng
	}
	if len(events) > 0 {
		ev := events[len(events)-1]
		note := publicSteps[workflow.Action(ev.Action)]
		if ev.Action == string(workflow.ActionResolve) && c.Outcome != "" {
			note += "（" + workflow.Outcome(c.Outcome).Label() + "）"
		}
		rq.StatusNotes = ev.At.In(chinaTime).Format("2006-01-02") + " " + note
	}
	return rq
}
