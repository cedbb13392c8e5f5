package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// intakeParties is how many party rows the intake form offers; empty rows are ignored.
// Six hold a group's representatives, their agent and the other side; a group case
// naming every household is registered through the API or an import.
const intakeParties = 6

// thenChoices are what the desk may do right after registering (RegisterInput.Then).
var thenChoices = []string{"none", "accept", "assign", "handle"}

type intakeData struct {
	Kinds       []model.CaseKind
	Groups      []categoryGroup
	Channels    []model.Channel
	Regions     []regionRow
	Grids       []regionRow
	Urgencies   []workflow.Urgency
	PartyRoles  []model.PartyRole
	Rows        []partyRow
	ShowThen    bool // the user may accept and route (clerk, leader), not only register
	Then        []string
	Departments []departmentOption
	CoChecked   map[string]bool
	Prior       *priorData  // the "查找既往案件" panel, when the desk asked without script
	Roster      *org.Roster // who is at the centre today, for the front desk (导诊台) to send a walk-in on
}

// partyRow is one party's rows of inputs: parties[Index].*, labelled 当事人 Number.
// Others are the numbers of the other rows, whom an agent or a guardian may act for.
type partyRow struct {
	Index, Number int
	Others        []int
}

// caseNew shows the empty intake form.
func (u *UI) caseNew(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	form := url.Values{"kind": {string(model.KindDispute)}, "channel": {string(model.ChannelWalkIn)},
		"urgency": {string(workflow.UrgencyNormal)}, "then": {"none"}, "region_id": {strconv.FormatInt(p.Region.ID, 10)}}
	roles := []model.PartyRole{model.PartyApplicant, model.PartyRespondent, model.PartyOther}
	for i := 0; i < intakeParties; i++ {
		form.Set(fmt.Sprintf("parties[%d].role", i), string(roles[min(i, len(roles)-1)]))
	}
	u.renderIntake(w, r, http.StatusOK, form, nil, nil)
}

// renderIntake shows the intake form refilled with form, with err (when set) next to
// its field, and the prior-cases panel when prior is set.
func (u *UI) renderIntake(w http.ResponseWriter, r *http.Request, status int, form url.Values, ce *caseError, prior *priorData) {
	p := httpx.Principal(r)
	ctx := r.Context()
	rows, groups, err := u.formChoices(ctx, p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	data := intakeData{Kinds: model.AllKinds, Groups: groups, Channels: model.HandChannels,
		Urgencies: workflow.AllUrgencies, PartyRoles: model.AllPartyRoles, Then: thenChoices,
		ShowThen: p.Has(model.RoleClerk) || p.Has(model.RoleLeader), CoChecked: map[string]bool{}, Prior: prior}
	for i := 0; i < intakeParties; i++ {
		row := partyRow{Index: i, Number: i + 1}
		for j := 1; j <= intakeParties; j++ {
			if j != i+1 {
				row.Others = append(row.Others, j)
			}
		}
		data.Rows = append(data.Rows, row)
	}
	for _, row := range rows {
		if row.Level == model.LevelGrid {
			data.Grids = append(data.Grids, row)
		} else {
			data.Regions = append(data.Regions, row)
		}
	}
	if len(data.Regions) == 0 { // a grid worker reports from their own grid
		data.Regions, data.Grids = data.Grids, nil
	}
	if data.ShowThen {
		centre := p.Region
		if centre.Level == model.LevelGrid {
			if centre, err = u.Store.Region(ctx, centre.ParentID); err != nil {
				u.renderError(w, r, err)
				return
			}
		}
		if data.Departments, err = u.reachableDepartments(ctx, centre); err != nil {
			u.renderError(w, r, err)
			return
		}
		data.Roster = u.deskRoster(r)
	}
	for _, id := range form["co_department_ids"] {
		data.CoChecked[id] = true
	}
	page := u.newPage(r, "cases.new.title")
	page.Active = "nav.case_new"
	page.Form = form
	page.Data = data
	if ce != nil {
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = caseFields.Prefixed(page.Locale, ce.Field, ce.Message)
	}
	u.render(w, r, status, "case_intake.html", page)
}

// intakeInput reads the intake form. rows[i] is the form row of the input's i-th
// party: empty rows are skipped, so the service's parties[1] may be the form's
// parties[2].
func intakeInput(r *http.Request) (in cases.RegisterInput, rows []int, err error) {
	f := r.PostForm
	in = cases.RegisterInput{Kind: model.CaseKind(f.Get("kind")), Channel: model.Channel(f.Get("channel")),
		Address: f.Get("address"), Title: f.Get("title"), Description: f.Get("description"), Urgency: f.Get("urgency")}
	if in.Channel != "" && in.Channel.Valid() && !slices.Contains(model.HandChannels, in.Channel) {
		return in, nil, model.Invalid("channel", "not_by_hand", "invalid.channel.not_by_hand")
	}
	if in.CategoryID, err = httpx.FormInt(r, "category_id"); err != nil {
		return in, nil, err
	}
	if in.RegionID, err = httpx.FormInt(r, "region_id"); err != nil {
		return in, nil, err
	}
	if in.GridID, err = httpx.FormInt(r, "grid_id"); err != nil {
		return in, nil, err
	}
	people, err := httpx.FormInt(r, "people_count")
	if err != nil {
		return in, nil, err
	}
	if people < 0 || people > cases.MaxPeopleInvolved {
		return in, nil, model.Invalid("people_count", "range", "invalid.people_count.range")
	}
	in.PeopleCount = int(people)
	households, err := httpx.FormInt(r, "households")
	if err != nil {
		return in, nil, err
	}
	if households < 0 || households > cases.MaxPeopleInvolved {
		return in, nil, model.Invalid("households", "range", "invalid.households.range")
	}
	in.Households = int(households)
	in.Injured = f.Get("injured") != ""
	if v := strings.NewReplacer(",", "", "，", "", " ", "").Replace(f.Get("amount_yuan")); v != "" {
		if in.AmountYuan, err = strconv.ParseFloat(v, 64); err != nil {
			return in, nil, model.Invalid("amount_yuan", "not_a_number", "invalid.not_a_number")
		}
	}
	// An agent's or a guardian's acts_for names a form row (1-based); the service
	// counts the parties given, so it is renumbered once the empty rows are dropped.
	actsFor := make([]int, 0, intakeParties)
	for i := 0; i < intakeParties; i++ {
		get := func(name string) string { return strings.TrimSpace(f.Get(fmt.Sprintf("parties[%d].%s", i, name))) }
		pi := cases.PartyInput{Role: model.PartyRole(get("role")), Name: get("name"), IDNumber: get("id_number"),
			Phone: get("phone"), Address: get("address"), SevereMentalIllness: get("severe_mental_illness") != "", Minor: get("minor") != ""}
		if pi.Name == "" && pi.IDNumber == "" && pi.Phone == "" && pi.Address == "" {
			continue
		}
		n, err := httpx.FormInt(r, fmt.Sprintf("parties[%d].acts_for", i))
		if err != nil {
			return in, nil, err // names the form's row already
		}
		in.Parties = append(in.Parties, pi)
		rows = append(rows, i)
		actsFor = append(actsFor, int(n))
	}
	for i, formRow := range actsFor {
		if formRow == 0 {
			continue
		}
		in.Parties[i].ActsFor = -1 // a row left empty, or none of the form's: the service names the field
		for j, row := range rows {
			if row == formRow-1 {
				in.Parties[i].ActsFor = j + 1
			}
		}
	}
	switch f.Get("then") {
	case "", "none":
	case "accept":
		in.Then = []cases.Step{{Action: workflow.ActionAccept}}
	case "handle":
		in.Then = []cases.Step{{Action: workflow.ActionAccept}, {Action: workflow.ActionHandle}}
	case "assign":
		assign := cases.Step{Action: workflow.ActionAssign}
		if assign.LeadDepartmentID, err = httpx.FormInt(r, "lead_department_id"); err != nil {
			return in, rows, err
		}
		coIDs, err := httpx.FormIDs(r, "co_department_ids")
		if err != nil {
			return in, rows, err
		}
		for _, id := range coIDs {
			if id != 0 && id != assign.LeadDepartmentID {
				assign.CoDepartmentIDs = append(assign.CoDepartmentIDs, id)
			}
		}
		in.Then = []cases.Step{{Action: workflow.ActionAccept}, assign}
	default:
		return in, rows, model.Invalid("then", "invalid", "invalid.then.invalid")
	}
	return in, rows, nil
}

// partyField is a field of a party the service names: parties[<row>].<name>.
var partyField = regexp.MustCompile(`^parties\[(\d+)\]\.([a-z_]+)$`)

// intakeField maps a field the service names to the intake form's input: parties by
// their form row, and the inputs of the "then" steps.
func intakeField(field string, rows []int) string {
	if m := partyField.FindStringSubmatch(field); m != nil {
		i, _ := strconv.Atoi(m[1])
		if i < len(rows) {
			return fmt.Sprintf("parties[%d].%s", rows[i], m[2])
		}
		return field
	}
	if rest, ok := strings.CutPrefix(field, "then["); ok {
		_, name, _ := strings.Cut(rest, "].")
		switch name {
		case "lead_department_id", "co_department_ids":
			return name
		}
		return "then"
	}
	if field == "parties" {
		return "parties[0].name"
	}
	return field
}

// caseCreate registers the case the desk entered, taking the chosen first steps in
// the same transaction, or looks up prior cases when asked to (the no-script path).
func (u *UI) caseCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	if r.PostForm.Get("lookup") != "" {
		prior, err := u.lookupFromForm(r)
		if err != nil {
			u.renderError(w, r, err)
			return
		}
		u.renderIntake(w, r, http.StatusOK, r.PostForm, nil, prior)
		return
	}
	in, rows, err := intakeInput(r)
	var c model.Case
	if err == nil {
		c, err = u.Cases.Register(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		ce.Field = intakeField(ce.Field, rows)
		u.renderIntake(w, r, ce.Status, r.PostForm, ce, nil)
		return
	}
	to := "/cases/" + strconv.FormatInt(c.ID, 10)
	redirect(w, r, to, "case_registered")
}

// lookupFromForm finds the prior cases of every party the form names, and the open
// cases at its address.
func (u *UI) lookupFromForm(r *http.Request) (*priorData, error) {
	f := r.PostForm
	var queries [][4]string
	for i := 0; i < intakeParties; i++ {
		id := f.Get(fmt.Sprintf("parties[%d].id_number", i))
		ph := f.Get(fmt.Sprintf("parties[%d].phone", i))
		if strings.TrimSpace(id+ph) != "" {
			queries = append(queries, [4]string{id, ph, "", ""})
		}
	}
	queries = append(queries, [4]string{"", "", f.Get("address"), f.Get("title") + " " + f.Get("description")})
	var found []store.PriorCase
	seen := map[int64]bool{}
	for _, q := range queries {
		list, err := u.Cases.PriorCases(r.Context(), httpx.Principal(r), q[0], q[1], q[2], q[3])
		if err != nil {
			return nil, err
		}
		for _, pc := range list {
			if !seen[pc.ID] {
				seen[pc.ID] = true
				found = append(found, pc)
			}
		}
	}
	return u.priorData(r, found), nil
}
