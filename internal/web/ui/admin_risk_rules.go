package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// The risk rules page (/admin/risk) edits the four-colour warning rules (DESIGN.md §4)
// as a form for the common settings, with the whole rules as JSON for the rest. The
// form starts from the rules in force, so whatever it does not show (floors,
// categories) is kept as it is.

// riskList is one phrase list of the rules, edited as a textarea, one phrase a line.
type riskList struct {
	field string
	label string // catalogue key of the kind of list
	list  *[]string
}

// riskIndicator ties an indicator to its editable values in a risk.Rules.
type riskIndicator struct {
	code   risk.Indicator
	weight *int
	count  *risk.CountRule // nil unless the indicator has count tiers
	unit   string          // catalogue key of what the counts count
	lists  []riskList
}

// riskIndicators lists the indicators of r in risk.AllIndicators order.
func riskIndicators(r *risk.Rules) []riskIndicator {
	count := func(code risk.Indicator, c *risk.CountRule, unit string) riskIndicator {
		return riskIndicator{code: code, weight: &c.Weight, count: c, unit: unit}
	}
	phrases := func(code risk.Indicator, l *[]string) riskList {
		return riskList{field: string(code) + ".phrases", label: "risk_rules.phrases", list: l}
	}
	skipped := count(risk.SkippedLevel, &r.SkippedLevel.CountRule, "risk_rules.unit.times")
	skipped.lists = []riskList{phrases(risk.SkippedLevel, &r.SkippedLevel.Phrases)}
	return []riskIndicator{
		{code: risk.Threat, weight: &r.Threat.Weight, lists: []riskList{phrases(risk.Threat, &r.Threat.Phrases)}},
		{code: risk.DomesticViolence, weight: &r.DomesticViolence.Weight, lists: []riskList{
			phrases(risk.DomesticViolence, &r.DomesticViolence.Phrases),
			{field: "domestic_violence.family_phrases", label: "risk_rules.family_phrases", list: &r.DomesticViolence.FamilyPhrases},
		}},
		{code: risk.SelfHarm, weight: &r.SelfHarm.Weight, lists: []riskList{phrases(risk.SelfHarm, &r.SelfHarm.Phrases)}},
		{code: risk.WageArrears, weight: &r.WageArrears.Weight, lists: []riskList{phrases(risk.WageArrears, &r.WageArrears.Phrases)}},
		count(risk.RepeatPolice, &r.RepeatPolice, "risk_rules.unit.times"),
		count(risk.RepeatVisits, &r.RepeatVisits, "risk_rules.unit.times"),
		count(risk.FailedMediations, &r.FailedMediations, "risk_rules.unit.times"),
		count(risk.Group, &r.Group, "risk_rules.unit.people"),
		count(risk.Amount, &r.Amount, "risk_rules.unit.yuan"),
		{code: risk.SevereMentalIllness, weight: &r.SevereMentalIllness.Weight},
		{code: risk.Minor, weight: &r.Minor.Weight},
		{code: risk.Injury, weight: &r.Injury.Weight},
		skipped,
	}
}

// riskBinding is one form field and the value in risk.Rules it edits: exactly one of
// n, n64, list and flag is set.
type riskBinding struct {
	field    string
	n        *int
	n64      *int64
	list     *[]string
	flag     *bool
	optional bool // an empty number reads as 0 (no heavy tier)
}

// riskBindings lists every field of the form over r.
func riskBindings(r *risk.Rules) []riskBinding {
	b := []riskBinding{
		{field: "window_days", n: &r.WindowDays},
		{field: "thresholds.blue", n: &r.Thresholds.Blue},
		{field: "thresholds.yellow", n: &r.Thresholds.Yellow},
		{field: "thresholds.orange", n: &r.Thresholds.Orange},
		{field: "thresholds.red", n: &r.Thresholds.Red},
	}
	for _, ind := range riskIndicators(r) {
		code := string(ind.code)
		b = append(b, riskBinding{field: code + ".weight", n: ind.weight})
		if c := ind.count; c != nil {
			b = append(b, riskBinding{field: code + ".min", n64: &c.Min},
				riskBinding{field: code + ".heavy_min", n64: &c.HeavyMin, optional: true},
				riskBinding{field: code + ".heavy_weight", n: &c.HeavyWeight, optional: true})
		}
		for _, l := range ind.lists {
			b = append(b, riskBinding{field: l.field, list: l.list})
		}
	}
	return append(b,
		riskBinding{field: "negations", list: &r.Negations},
		riskBinding{field: "negation_exceptions", list: &r.NegationExceptions},
		riskBinding{field: "response.red_holder_hours", n: &r.Response.RedHolderHours},
		riskBinding{field: "response.orange_same_day", flag: &r.Response.OrangeSameDay},
		riskBinding{field: "response.red_report_days", n: &r.Response.RedReportDays},
		riskBinding{field: "step_down.quiet_days", n: &r.StepDown.QuietDays},
		riskBinding{field: "step_down.visits", n: &r.StepDown.Visits},
	)
}

// riskForm writes r as the form's values, the JSON editor's text included.
func riskForm(r risk.Rules) url.Values {
	v := url.Values{}
	for _, b := range riskBindings(&r) {
		switch {
		case b.n != nil:
			v.Set(b.field, strconv.Itoa(*b.n))
		case b.n64 != nil:
			v.Set(b.field, strconv.FormatInt(*b.n64, 10))
		case b.list != nil:
			v.Set(b.field, strings.Join(*b.list, "\n"))
		case b.flag != nil && *b.flag:
			v.Set(b.field, "on")
		}
	}
	if raw, err := json.MarshalIndent(r, "", "  "); err == nil {
		v.Set("rules_json", string(raw))
	}
	return v
}

// applyRiskForm reads the posted form into r; it returns the fields that are not
// numbers, nil when all are.
func applyRiskForm(r *risk.Rules, form url.Values, loc string) map[string]string {
	var errs map[string]string
	for _, b := range riskBindings(r) {
		s := strings.TrimSpace(form.Get(b.field))
		switch {
		case b.list != nil:
			*b.list = phraseLines(form.Get(b.field))
			continue
		case b.flag != nil:
			*b.flag = s == "on" || s == "true"
			continue
		case s == "" && b.optional:
			s = "0"
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil && b.n != nil && (n < -1<<31 || n > 1<<31-1) {
			err = strconv.ErrRange
		}
		if err != nil {
			if errs == nil {
				errs = map[string]string{}
			}
			errs[b.field] = i18n.T(loc, "risk_rules.err.number")
			continue
		}
		if b.n != nil {
			*b.n = int(n)
		} else {
			*b.n64 = n
		}
	}
	return errs
}

// phraseLines splits a textarea into its phrases: one a line, blank lines dropped,
// each phrase once.
func phraseLines(s string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || seen[line] {
			continue
		}
		seen[line] = true
		out = append(out, line)
	}
	return out
}

// riskProblems maps each problem with r to the form field it concerns, in the page's
// language; the JSON editor's own save puts them all by the JSON, each named by its
// JSON path.
func riskProblems(r risk.Rules, loc string, jsonMode bool, refusal *model.FieldError) map[string]string {
	problems := r.Problems()
	if len(problems) == 0 { // refused for a reason the rules themselves do not show
		return map[string]string{"rules": refusal.Message(loc)}
	}
	known := map[string]bool{"thresholds": true, "floors": true}
	for _, b := range riskBindings(&r) {
		known[b.field] = true
	}
	errs := map[string]string{}
	for _, p := range problems {
		msg := riskProblemMessage(loc, p)
		field := p.Field
		if jsonMode || !known[field] {
			if p.Code != "floor" { // a floor's text names its floor and condition
				msg = p.Field + i18n.T(loc, "error.field_sep") + msg
			}
			field = "rules"
		}
		if errs[field] != "" {
			msg = errs[field] + i18n.T(loc, "risk_rules.err.sep") + msg
		}
		errs[field] = msg
	}
	return errs
}

// riskProblemMessage says one problem in loc's words: by its code, or, for the
// problems of floors, in the rules' own text.
func riskProblemMessage(loc string, p risk.Problem) string {
	switch p.Code {
	case "between":
		return i18n.T(loc, "risk_rules.err.between", p.Min, p.Max)
	case "floor":
		return i18n.T(loc, "risk_rules.err.other", p.Text)
	}
	if msg, ok := i18n.Lookup(loc, "risk_rules.err."+p.Code); ok {
		return msg
	}
	return i18n.T(loc, "risk_rules.err.other", p.Text)
}

// riskIndicatorView is one row of the weights table: the form fields of an indicator.
type riskIndicatorView struct {
	Code        string
	Label       string // catalogue key
	Weight      string // form field names; Min… are "" without count tiers
	Min         string
	HeavyMin    string
	HeavyWeight string
	Unit        string // catalogue key
}

// riskListView is one phrase textarea.
type riskListView struct {
	Field     string
	Indicator string // catalogue key of the indicator, "" for the negations
	Label     string // catalogue key of the kind of list
}

// riskConditionView is one condition of a floor, for reading.
type riskConditionView struct {
	Indicator string // catalogue key
	Min       int64
	Unit      string // catalogue key, "" for none
}

type riskFloorView struct {
	Name  string
	When  []riskConditionView
	Level string // catalogue key of the colour
	Code  string // the colour's code, for styling
}

type riskRulesData struct {
	Custom     bool // rules other than the shipped defaults are in force
	Indicators []riskIndicatorView
	Lists      []riskListView
	Floors     []riskFloorView
	JSONOpen   bool // the JSON editor's save came back refused
}

// indicatorKey is the catalogue key of an indicator's name.
func indicatorKey(i risk.Indicator) string { return "indicator." + string(i) }

func riskRulesView(rules risk.Rules, custom bool) riskRulesData {
	d := riskRulesData{Custom: custom}
	units := map[risk.Indicator]string{}
	for _, ind := range riskIndicators(&rules) {
		code := string(ind.code)
		v := riskIndicatorView{Code: code, Label: indicatorKey(ind.code), Weight: code + ".weight"}
		if ind.count != nil {
			v.Min, v.HeavyMin, v.HeavyWeight, v.Unit = code+".min", code+".heavy_min", code+".heavy_weight", ind.unit
			units[ind.code] = ind.unit
		} else if len(ind.lists) > 0 {
			units[ind.code] = "risk_rules.unit.phrases"
		}
		d.Indicators = append(d.Indicators, v)
		for _, l := range ind.lists {
			d.Lists = append(d.Lists, riskListView{Field: l.field, Indicator: indicatorKey(ind.code), Label: l.label})
		}
	}
	d.Lists = append(d.Lists,
		riskListView{Field: "negations", Label: "risk_rules.negations"},
		riskListView{Field: "negation_exceptions", Label: "risk_rules.negation_exceptions"})
	for _, f := range rules.Floors {
		fv := riskFloorView{Name: f.Name, Level: "risk_rules.level." + f.Level.String(), Code: f.Level.String()}
		for _, c := range f.When {
			fv.When = append(fv.When, riskConditionView{Indicator: indicatorKey(c.Indicator), Min: c.Min, Unit: units[c.Indicator]})
		}
		d.Floors = append(d.Floors, fv)
	}
	return d
}

// renderRiskRules shows the page; errs, when set, are the refused save's problems by
// field, and the form keeps what was typed.
func (u *UI) renderRiskRules(w http.ResponseWriter, r *http.Request, errs map[string]string) {
	rules, custom, err := u.Cases.RiskRules(r.Context())
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "risk_rules.title")
	page.Active = "nav.risk_rules"
	page.Form = riskForm(rules)
	data := riskRulesView(rules, custom)
	status := http.StatusOK
	if errs != nil {
		if r.PostFormValue("mode") != "json" {
			page.Form.Del("response.orange_same_day") // an unticked box is not posted
		}
		for k, v := range r.PostForm {
			page.Form[k] = v
		}
		page.Errors = errs
		page.Error = i18n.T(page.Locale, "risk_rules.refused")
		data.JSONOpen = errs["rules"] != ""
		status = http.StatusUnprocessableEntity
	}
	page.Data = data
	u.render(w, r, status, "admin_risk_rules.html", page)
}

// riskRulesPage shows the warning rules in force.
func (u *UI) riskRulesPage(w http.ResponseWriter, r *http.Request) { u.renderRiskRules(w, r, nil) }

// riskRulesSave saves the form (mode=form, over the rules in force) or the whole
// rules as JSON (mode=json).
func (u *UI) riskRulesSave(w http.ResponseWriter, r *http.Request) {
	loc := httpx.Locale(r)
	jsonMode := r.PostFormValue("mode") == "json"
	var rules risk.Rules
	var errs map[string]string
	if jsonMode {
		if err := httpx.DecodeJSONBytes(r, []byte(r.PostFormValue("rules_json")), &rules); err != nil {
			errs = map[string]string{"rules": i18n.T(loc, "risk_rules.err.json", httpx.FromErr(r, err).Message)}
		}
	} else {
		current, _, err := u.Cases.RiskRules(r.Context())
		if err != nil {
			u.renderError(w, r, err)
			return
		}
		rules = current
		errs = applyRiskForm(&rules, r.PostForm, loc)
	}
	if errs == nil {
		if err := u.Cases.SetRiskRules(r.Context(), httpx.Principal(r), rules); err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				u.renderError(w, r, err)
				return
			}
			errs = riskProblems(rules, loc, jsonMode, fe)
		}
	}
	if errs != nil {
		u.renderRiskRules(w, r, errs)
		return
	}
	redirect(w, r, "/admin/risk", "saved")
}

// riskRulesReset puts the shipped rules back in force.
func (u *UI) riskRulesReset(w http.ResponseWriter, r *http.Request) {
	if err := u.Cases.SetRiskRules(r.Context(), httpx.Principal(r), risk.DefaultRules()); err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, "/admin/risk", "saved")
}
