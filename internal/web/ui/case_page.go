package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

type casePageData struct {
	Case          model.Case     // parties masked, but for the one Revealed; a group's representatives first
	PartyNames    map[int]string // parties' names by Seq: whom an agent or a guardian acts for
	CanReveal     bool           // the user may ask to see full ID numbers and phones
	Revealed      int64          // the party shown in full on this answer, 0 for none
	Due           workflow.Status
	DueAt         time.Time // zero when the case has no deadline
	Category      string
	CategoryNames map[string]string // every category's name by its code
	Place         string
	Grid          string
	Centre        string
	Amount        string // yuan, "" when none
	Assignments   []assignmentRow
	Events        []eventRow
	Attachments   []attachmentRow
	Simple        []actionForm // actions that need nothing but a click
	Detailed      []actionForm // actions with inputs
	CanAttach     bool
	AttachFailed  bool
	PhotoMaxSide  int // the longest side an image is kept at, unless kept as evidence
	Departments   []departmentOption
	Delegates     []model.Region
	Outcomes      []workflow.Outcome
	Satisfactions []workflow.Satisfaction
	Supervisions  []supervisionRow  // the case's supervision orders (督办), oldest first
	Levels        []string          // the supervise form's levels
	Addressees    []addresseeOption // the supervise form's departments: those working on the case now
	ReplyDays     int               // the supervise form's default working days to reply
	Warning       warningView       // the four-colour warning and what set it
	Incidents     []incidentRow     // what was recorded around the case, newest first
	IncidentKinds []string          // the record form's kinds
	WarningLevels []string          // the adjust form's levels
	Holders       []model.User      // who may be named 包案 leader

	Appointments    *appointmentSection // 约访: bookings, and the booking form
	Links           *linkSection        // 关联案件
	FollowUp        *followUpSection    // 回访计划
	Documents       *documentSection    // 文书
	Recommended     []recommendRow      // 推荐调解力量, for an open case; nil when not shown
	ShowRecommended bool
	CanTeam         bool              // the recommendations offer to put a person on the team in one click
	Mediation       *mediationSection // 调解与对接: team, sessions, agreements, referrals, requests
	Origin          *store.CaseOrigin // the platform work order the case came from, nil for none
}

// warningView is the warning as the case page explains it.
type warningView struct {
	Level       string // in force: none, blue, yellow, orange, red
	Computed    string // what the rules give now
	Differs     bool   // a leader or a step-down set a level other than the rules'
	Result      risk.Result
	Since       *time.Time
	Holder      string // 包案领导
	ResponseBy  *time.Time
	Overdue     bool // the response is late
	RespondedAt *time.Time
	Escalated   bool
	HolderDue   bool // the response due is naming the holder (red)
}

type incidentRow struct {
	model.Incident
	Actor string
}

type assignmentRow struct {
	model.Assignment
	Department string
	Due        workflow.Status // the part's own deadline, for a co-handler (吹哨报到)
}

// addresseeOption is a department a supervision order may be aimed at: one working on
// the case, lead or co-handler, with where its part stands.
type addresseeOption struct {
	ID   int64
	Name string
	Lead bool
	Due  workflow.Status
}

type eventRow struct {
	model.CaseEvent
	Code   string // the action's catalogue code
	Detail eventDetail
}

// eventDetail is what a timeline entry shows of its payload.
type eventDetail struct {
	LeadDepartment string
	CoDepartments  []string
	ToCentre       string
	Outcome        string
	Satisfaction   string
	Days           int
	MergeInto      string
	WarningFrom    string // a warning change: the levels and why
	WarningTo      string
	WarningReason  string
	Incident       string    // record: what happened
	Holder         string    // warning_respond: the 包案 leader named
	Addressee      string    // supervise: the department the order was aimed at
	CoDue          time.Time // assign, co_assign: the co-handlers' deadline, zero when none
	MeetingID      int64     // the meeting (会商研判/联席会议) whose decision this was
	Finding        string    // the analysis page's finding this was taken on
}

type attachmentRow struct {
	model.Attachment
	Size string // e.g. 12.5 KB
}

// actionForm is the small form of one action the user may take now: only the inputs
// that action needs.
type actionForm struct {
	Action       string
	Style        string // primary, danger or ""
	Note         bool
	NoteRequired bool
	Outcome      bool
	Satisfaction bool
	Lead         bool
	Co           bool
	Region       bool
	Days         bool
	Merge        bool
	Supervise    bool // level and working days to reply
	Incident     bool // record: what happened
	WarningLevel bool // warning_adjust: the level to set
	Holder       bool // warning_respond: the 包案 leader
	HolderNeeded bool // a red warning without its leader: the holder is required
	Confirm      bool
	Failed       bool // the form the user just sent and the page refused
}

// optionalNote are the actions whose form offers a note though none is required.
var optionalNote = []workflow.Action{workflow.ActionAssign, workflow.ActionCoAssign, workflow.ActionResolve, workflow.ActionVisit, workflow.ActionRecord}

var primaryActions = []workflow.Action{workflow.ActionAccept, workflow.ActionAssign, workflow.ActionSign, workflow.ActionHandle,
	workflow.ActionResolve, workflow.ActionVerify, workflow.ActionVisit, workflow.ActionArchive, workflow.ActionCoSign,
	workflow.ActionCoReport, workflow.ActionExtendApprove, workflow.ActionResume, workflow.ActionWarningRespond}

var dangerActions = []workflow.Action{workflow.ActionReject, workflow.ActionReturn, workflow.ActionVerifyFail,
	workflow.ActionExtendRefuse, workflow.ActionSuspend, workflow.ActionMerge}

func formFor(a workflow.Action) actionForm {
	f := actionForm{Action: string(a)}
	rule, _ := workflow.RuleFor(a)
	for _, n := range rule.Needs {
		switch n {
		case workflow.NeedReason:
			f.Note, f.NoteRequired = true, true
		case workflow.NeedOutcome:
			f.Outcome = true
		case workflow.NeedSatisfaction:
			f.Satisfaction = true
		case workflow.NeedLeadDepartment:
			f.Lead, f.Co = true, true
		case workflow.NeedCoDepartments:
			f.Co = true
		case workflow.NeedMergeInto:
			f.Merge = true
		case workflow.NeedIncident:
			f.Incident = true
		case workflow.NeedWarningLevel:
			f.WarningLevel = true
		}
	}
	switch a {
	case workflow.ActionDelegate:
		f.Region = true
	case workflow.ActionExtendRequest:
		f.Days = true
	case workflow.ActionSupervise:
		f.Supervise = true
	case workflow.ActionWarningRespond:
		f.Holder = true
	case workflow.ActionReject, workflow.ActionArchive, workflow.ActionMerge:
		f.Confirm = true
	}
	if slices.Contains(optionalNote, a) {
		f.Note = true
	}
	switch {
	case slices.Contains(primaryActions, a):
		f.Style = "primary"
	case slices.Contains(dangerActions, a):
		f.Style = "danger"
	}
	return f
}

// simple reports whether the form is only a button.
func (f actionForm) simple() bool {
	return !f.Note && !f.Outcome && !f.Satisfaction && !f.Lead && !f.Co && !f.Region && !f.Days && !f.Merge && !f.Supervise &&
		!f.Incident && !f.WarningLevel && !f.Holder
}

// casePage shows one case: what it is, who is in it, who works on it, what happened,
// its files, and the forms of exactly the actions the user may take now.
func (u *UI) casePage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderCase(w, r, id, http.StatusOK, "", nil)
}

// renderCase shows case id; failed names the action (or "attach") whose form was
// refused with ce, to show the message next to its field and refill it.
func (u *UI) renderCase(w http.ResponseWriter, r *http.Request, id int64, status int, failed string, ce *caseError) {
	u.renderCaseRevealing(w, r, id, status, failed, ce, nil)
}

// renderCaseRevealing is renderCase with one party shown in full (already audited).
func (u *UI) renderCaseRevealing(w http.ResponseWriter, r *http.Request, id int64, status int, failed string, ce *caseError, revealed *model.Party) {
	p := httpx.Principal(r)
	ctx := r.Context()
	c, err := u.Cases.Get(ctx, p, id)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data, err := u.casePageData(ctx, r, &c, failed)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data.CanReveal = cases.CanReveal(p, &c)
	if revealed != nil {
		for i := range data.Case.Parties {
			if data.Case.Parties[i].ID == revealed.ID {
				data.Case.Parties[i] = *revealed
				data.Revealed = revealed.ID
			}
		}
	}
	page := u.newPage(r, "cases.page.title")
	page.Active = "nav.cases_all"
	if hasAny(p, queueRoles) {
		page.Active = "nav.cases_mine"
	}
	page.Data = data
	page.CategoryNames = data.CategoryNames
	if ce != nil {
		page.Form = r.PostForm
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = caseFields.Prefixed(page.Locale, ce.Field, ce.Message)
	}
	u.render(w, r, status, "case_page.html", page)
}

func (u *UI) casePageData(ctx context.Context, r *http.Request, c *model.Case, failed string) (*casePageData, error) {
	p := httpx.Principal(r)
	partyNames := map[int]string{}
	for i := range c.Parties {
		c.Parties[i] = c.Parties[i].Masked()
		partyNames[c.Parties[i].Seq] = c.Parties[i].Name
	}
	c.Parties = model.PartiesInOrder(c.Parties)
	d := &casePageData{Case: *c, PartyNames: partyNames, Due: u.Cases.DueStatus(c, u.Cases.Now()), Outcomes: workflow.AllOutcomes,
		Satisfactions: workflow.AllSatisfactions, AttachFailed: failed == "attach", PhotoMaxSide: cases.PhotoMaxSide}
	if c.DueAt != nil {
		d.DueAt = *c.DueAt
	}
	if c.AmountFen > 0 {
		d.Amount = yuan(c.AmountFen)
	}
	if c.Channel == model.ChannelHotline || c.Channel == model.ChannelXinfang {
		// Only a platform's channels can have come from a platform's order.
		if o, err := u.Store.CaseOrigin(ctx, c.ID); err == nil {
			d.Origin = &o
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	_, catIdx, err := u.categories(ctx, false)
	if err != nil {
		return nil, err
	}
	d.Category, d.CategoryNames = catIdx.Name(c.CategoryID), catIdx.ByCode()
	names := newNamer(u.Store, nil)
	d.Place = names.place(ctx, c.RegionPath, model.Region{})
	if c.GridID != 0 {
		d.Grid = names.name(ctx, c.GridID)
	}
	centre := names.region(ctx, c.CentreID)
	d.Centre = centre.Name

	depNames := map[int64]string{}
	depName := func(id int64) string {
		if n, ok := depNames[id]; ok {
			return n
		}
		dep, err := u.Store.Department(ctx, id)
		n := strconv.FormatInt(id, 10)
		if err == nil {
			n = dep.Name
		}
		depNames[id] = n
		return n
	}
	now := u.Cases.Now()
	for _, a := range c.Assignments {
		row := assignmentRow{Assignment: a, Department: depName(a.DepartmentID), Due: u.Cases.PartStatus(c, a, now)}
		d.Assignments = append(d.Assignments, row)
		if a.Status == model.AssignmentAssigned || a.Status == model.AssignmentSigned {
			d.Addressees = append(d.Addressees, addresseeOption{ID: a.DepartmentID, Name: row.Department, Lead: a.IsLead, Due: row.Due})
		}
	}

	evs, err := u.Cases.Timeline(ctx, p, c)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		code := caseActionCode(ev.Action)
		d.Events = append(d.Events, eventRow{CaseEvent: ev, Code: code, Detail: detailOf(ev.Payload)})
	}
	if d.Supervisions, err = u.caseSupervisions(ctx, p, c, failed); err != nil {
		return nil, err
	}
	if err := u.caseWarning(ctx, p, c, d); err != nil {
		return nil, err
	}
	if d.Appointments, err = u.caseAppointments(ctx, r, c, failed); err != nil {
		return nil, err
	}
	if d.Links, err = u.caseLinks(ctx, p, c, failed); err != nil {
		return nil, err
	}
	if d.FollowUp, err = u.caseFollowUp(ctx, p, c, failed); err != nil {
		return nil, err
	}
	if d.Documents, err = u.caseDocuments(ctx, p, c, failed); err != nil {
		return nil, err
	}
	if d.Recommended, err = u.caseRecommendations(ctx, p, httpx.Locale(r), c, d.CategoryNames); err != nil {
		return nil, err
	}
	d.ShowRecommended = d.Recommended != nil
	d.CanTeam = p.Can(auth.PermCaseTeam) && workflow.State(c.State).Open()
	if d.Mediation, err = u.caseMediation(ctx, p, c, failed); err != nil {
		return nil, err
	}
	atts, err := u.Store.Attachments(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		d.Attachments = append(d.Attachments, attachmentRow{Attachment: a, Size: sizeText(a.Size)})
	}

	allowed, err := u.Cases.Allowed(ctx, p, c)
	if err != nil {
		return nil, err
	}
	needDepartments := false
	for _, a := range allowed {
		switch a {
		case workflow.ActionRegister:
			continue
		case workflow.ActionAttach:
			d.CanAttach = true
			continue
		case workflow.ActionAssign, workflow.ActionCoAssign:
			needDepartments = true
		case workflow.ActionSupervise:
			d.Levels = supervisionLevelCodes
			policy := u.Cases.Policy // as the service reads it: the default unless configured
			if policy.DueSoonWindow == 0 {
				policy = cases.DefaultPolicy
			}
			d.ReplyDays = policy.ReplyWorkdays
		case workflow.ActionRecord:
			d.IncidentKinds = model.IncidentKinds
		case workflow.ActionWarningAdjust:
			for _, l := range risk.AllLevels {
				if l.String() != c.RiskLevel {
					d.WarningLevels = append(d.WarningLevels, l.String())
				}
			}
		case workflow.ActionWarningRespond:
			if d.Holders, err = u.Cases.Holders(ctx, c); err != nil {
				return nil, err
			}
		case workflow.ActionDelegate:
			children, err := u.Store.Regions(ctx, store.RegionFilter{ParentID: centre.ID, ActiveOnly: true})
			if err != nil {
				return nil, err
			}
			for _, ch := range children {
				if ch.Level != model.LevelGrid && strings.HasPrefix(c.RegionPath, ch.Path) {
					d.Delegates = append(d.Delegates, ch)
				}
			}
		}
		f := formFor(a)
		f.Failed = failed == string(a)
		f.HolderNeeded = f.Holder && d.Warning.HolderDue
		if f.simple() {
			d.Simple = append(d.Simple, f)
		} else {
			d.Detailed = append(d.Detailed, f)
		}
	}
	if needDepartments {
		if d.Departments, err = u.reachableDepartments(ctx, centre); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// detailOf reads what the timeline shows of an event's payload.
func detailOf(raw json.RawMessage) eventDetail {
	var p struct {
		LeadDepartment string       `json:"lead_department"`
		CoDepartments  []string     `json:"co_departments"`
		ToCentre       string       `json:"to_centre"`
		Outcome        string       `json:"outcome"`
		Satisfaction   string       `json:"satisfaction"`
		Days           int          `json:"days"`
		MergeIntoCode  string       `json:"merge_into_code"`
		From           string       `json:"from"`
		To             string       `json:"to"`
		Reason         string       `json:"reason"`
		Incident       string       `json:"incident"`
		Holder         string       `json:"holder"`
		Department     string       `json:"department"`
		CoDueAt        []*time.Time `json:"co_due_at"`
		Basis          struct {
			MeetingID int64  `json:"meeting_id"`
			Finding   string `json:"finding"`
		} `json:"basis"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &p) != nil {
		return eventDetail{}
	}
	d := eventDetail{LeadDepartment: p.LeadDepartment, CoDepartments: p.CoDepartments, ToCentre: p.ToCentre, Days: p.Days, MergeInto: p.MergeIntoCode,
		Holder: p.Holder, Addressee: p.Department, MeetingID: p.Basis.MeetingID, Finding: p.Basis.Finding}
	for _, due := range p.CoDueAt { // one whistle gives its co-handlers one deadline
		if due != nil {
			d.CoDue = *due
			break
		}
	}
	if from, err := risk.ParseLevel(p.From); err == nil && p.To != "" {
		if to, err := risk.ParseLevel(p.To); err == nil && slices.Contains(warningReasonCodes, p.Reason) {
			d.WarningFrom, d.WarningTo, d.WarningReason = from.String(), to.String(), p.Reason
		}
	}
	if model.ValidIncident(p.Incident) {
		d.Incident = p.Incident
	}
	if workflow.Outcome(p.Outcome).Valid() {
		d.Outcome = p.Outcome
	}
	if workflow.Satisfaction(p.Satisfaction).Valid() {
		d.Satisfaction = p.Satisfaction
	}
	return d
}

// sizeText is a file size people read: bytes, KB or MB.
func sizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// revealParty shows one party's full ID number and phone on the case page; the view is
// audited, so it is a POST and its answer is not cached.
func (u *UI) revealParty(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	pid, err := httpx.PathID(r, "pid")
	if err != nil {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	party, err := u.Cases.Reveal(r.Context(), httpx.Principal(r), id, pid)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderCaseRevealing(w, r, id, http.StatusOK, "", nil, &party)
}
