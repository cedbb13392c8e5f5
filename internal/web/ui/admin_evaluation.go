package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// The evaluation schemes page (/admin/evaluation) edits a 考评方案 as a form: its name,
// whom it scores, its periods, and a row per item (figure, weight, method and its
// marks). Like the warning rules, a save is refused whole, each problem by the field
// it concerns (items.2.full), and applies to the next computed ranking at once; a
// published ranking keeps the scheme it was published under.

// blankItemRows are the empty rows offered to add items.
const blankItemRows = 3

type schemeTab struct {
	Code, Name string
	Custom     bool
	Active     bool
}

type figureChoice struct{ ID, Name, Def, Kind string }

type adminEvalData struct {
	Tabs    []schemeTab
	New     bool   // adding a scheme: the code is typed
	Code    string // the scheme edited
	Custom  bool
	Rows    []int // the item rows' indexes
	Figures []figureChoice
	Units   []unitChoice
	Targets []string
	Methods []string
}

// unitChoice is a period's checkbox.
type unitChoice struct {
	Code    string
	Checked bool
}

// schemeForm writes sc as the form's values.
func schemeForm(sc evaluation.Scheme) url.Values {
	v := url.Values{"code": {sc.Code}, "name": {sc.Name}, "targets": {string(sc.Targets)}}
	for _, u := range sc.Units {
		v.Add("units", string(u))
	}
	for i, it := range sc.Items {
		p := fmt.Sprintf("items.%d.", i)
		v.Set(p+"figure", it.Figure)
		v.Set(p+"weight", fmtNum(it.Weight))
		v.Set(p+"method", string(it.Method))
		if it.Method == evaluation.Linear {
			v.Set(p+"full", fmtNum(it.Full))
			v.Set(p+"zero", fmtNum(it.Zero))
		} else {
			v.Set(p+"per", fmtNum(it.Per))
		}
	}
	return v
}

// readSchemeForm reads the posted form; errs are the fields that are not numbers.
// A row without a figure is left out.
func readSchemeForm(form url.Values, loc string) (evaluation.Scheme, map[string]string) {
	sc := evaluation.Scheme{Code: strings.TrimSpace(form.Get("code")), Name: strings.TrimSpace(form.Get("name")),
		Targets: evaluation.Targets(form.Get("targets"))}
	for _, u := range form["units"] {
		sc.Units = append(sc.Units, report.Unit(u))
	}
	var errs map[string]string
	num := func(field string, optional bool) float64 {
		s := strings.TrimSpace(form.Get(field))
		if s == "" && optional {
			return 0
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			if errs == nil {
				errs = map[string]string{}
			}
			errs[field] = i18n.T(loc, "evaluation.err.number")
		}
		return n
	}
	out := 0
	for i := 0; i < evaluation.MaxItems+blankItemRows; i++ {
		p := fmt.Sprintf("items.%d.", i)
		fig := strings.TrimSpace(form.Get(p + "figure"))
		if fig == "" {
			continue
		}
		if out != i { // rows left out move the rest up: name the fields as posted
			for _, k := range []string{"figure", "weight", "method", "full", "zero", "per"} {
				form[fmt.Sprintf("items.%d.%s", out, k)] = form[p+k]
			}
			p = fmt.Sprintf("items.%d.", out)
		}
		it := evaluation.Item{Figure: fig, Method: evaluation.Method(form.Get(p + "method"))}
		it.Weight = num(p+"weight", false)
		if it.Method == evaluation.PerItem {
			it.Per = num(p+"per", false)
		} else {
			it.Full, it.Zero = num(p+"full", false), num(p+"zero", false)
		}
		sc.Items = append(sc.Items, it)
		out++
	}
	for i := out; i < evaluation.MaxItems+blankItemRows; i++ {
		for _, k := range []string{"figure", "weight", "method", "full", "zero", "per"} {
			delete(form, fmt.Sprintf("items.%d.%s", i, k))
		}
	}
	return sc, errs
}

// schemeProblems maps every problem with sc to its field, in the page's language.
func schemeProblems(sc evaluation.Scheme, loc string) map[string]string {
	errs := map[string]string{}
	for _, p := range sc.Problems() {
		msg := p.Err.Message(loc)
		if errs[p.Field] != "" {
			msg = errs[p.Field] + i18n.T(loc, "risk_rules.err.sep") + msg
		}
		errs[p.Field] = msg
	}
	return errs
}

// renderSchemes shows the page for the scheme code (new: a blank scheme to add);
// errs, when set, are a refused save's problems, and the form keeps what was typed.
func (u *UI) renderSchemes(w http.ResponseWriter, r *http.Request, code string, isNew bool, errs map[string]string) {
	all, err := u.Cases.EvaluationSchemes(r.Context())
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "evaluation.schemes_title")
	page.Active = "nav.evaluation_schemes"
	d := &adminEvalData{New: isNew, Targets: []string{string(evaluation.Townships), string(evaluation.Departments)},
		Methods: []string{string(evaluation.Linear), string(evaluation.PerItem)}}
	var current evaluation.Scheme
	found := false
	for _, s := range all {
		active := !isNew && s.Code == code
		d.Tabs = append(d.Tabs, schemeTab{Code: s.Code, Name: s.Name, Custom: s.Custom, Active: active})
		if active {
			current, d.Custom, found = s.Scheme, s.Custom, true
		}
	}
	if !isNew && !found {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if isNew {
		current = evaluation.Scheme{Targets: evaluation.Townships, Units: []report.Unit{report.Month}}
	}
	d.Code = current.Code
	page.Form = schemeForm(current)
	n := len(current.Items)
	status := http.StatusOK
	if errs != nil {
		page.Form = r.PostForm
		n = 0
		for i := 0; i < evaluation.MaxItems+blankItemRows; i++ {
			if r.PostForm.Get(fmt.Sprintf("items.%d.figure", i)) != "" {
				n = i + 1
			}
		}
		page.Errors = errs
		page.Error = i18n.T(page.Locale, "evaluation.refused")
		status = http.StatusUnprocessableEntity
	}
	for _, un := range evaluation.Units {
		d.Units = append(d.Units, unitChoice{Code: string(un), Checked: slices.Contains(page.Form["units"], string(un))})
	}
	for i := 0; i < min(n+blankItemRows, evaluation.MaxItems); i++ {
		d.Rows = append(d.Rows, i)
	}
	for _, f := range report.Figures {
		if evaluation.Scorable(f, evaluation.Townships) || evaluation.Scorable(f, evaluation.Departments) {
			name, def := f.Local(page.Locale)
			d.Figures = append(d.Figures, figureChoice{ID: f.ID, Name: name, Def: def, Kind: string(f.Kind)})
		}
	}
	page.Data = d
	u.render(w, r, status, "admin_evaluation.html", page)
}

// schemesPage shows a scheme (?code=, the first by default) or a blank one (?new=1).
func (u *UI) schemesPage(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("code")
	if code == "" {
		code = evaluation.Defaults()[0].Code
	}
	u.renderSchemes(w, r, code, r.URL.Query().Get("new") != "", nil)
}

// schemesSave saves the posted scheme (a new one when isnew is posted).
func (u *UI) schemesSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, err)
		return
	}
	loc := httpx.Locale(r)
	isNew := r.PostFormValue("new") != ""
	sc, errs := readSchemeForm(r.PostForm, loc)
	if errs == nil && isNew {
		if all, err := u.Cases.EvaluationSchemes(r.Context()); err == nil {
			for _, s := range all {
				if s.Code == sc.Code {
					errs = map[string]string{"code": i18n.T(loc, "invalid.evaluation.code_taken")}
				}
			}
		}
	}
	if errs == nil {
		if err := u.Cases.SaveEvaluationScheme(r.Context(), httpx.Principal(r), sc); err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				u.renderError(w, r, err)
				return
			}
			errs = schemeProblems(sc, loc)
			if len(errs) == 0 {
				errs = map[string]string{fe.Field: fe.Message(loc)}
			}
		}
	}
	if errs != nil {
		u.renderSchemes(w, r, sc.Code, isNew, errs)
		return
	}
	redirect(w, r, "/admin/evaluation?code="+url.QueryEscape(sc.Code), "saved")
}
