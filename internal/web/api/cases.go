package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// caseView is a case as the API shows it: personal data masked, with where it stands
// against its deadline and, on the case itself, what the caller may do now.
type caseView struct {
	model.Case
	DueStatus      workflow.Status   `json:"due_status"`
	DueStatusLabel string            `json:"due_status_label"`
	Allowed        []workflow.Action `json:"allowed,omitempty"`
	// On the case itself: its warning's explanation, worded for the caller.
	RiskResult *risk.Result `json:"risk_result,omitempty"`
	// Group is set on a group case (model.Case.IsGroup): what the centre counts of it.
	Group *groupView `json:"group,omitempty"`
}

// groupView counts a group case: households and people involved, and the
// representatives the group elected (their seqs, in parties[], in the order registered).
type groupView struct {
	Households      int   `json:"households"`
	People          int   `json:"people"`
	Representatives []int `json:"representatives"`
}

func groupOf(c *model.Case) *groupView {
	if !c.IsGroup() {
		return nil
	}
	g := &groupView{Households: c.Households, People: c.PeopleCount, Representatives: []int{}}
	for _, p := range c.Parties {
		if p.Role == model.PartyRepresentative {
			g.Representatives = append(g.Representatives, p.Seq)
		}
	}
	return g
}

func (a *API) view(r *http.Request, c model.Case) caseView {
	for i := range c.Parties {
		c.Parties[i] = c.Parties[i].Masked()
	}
	st := a.Cases.DueStatus(&c, a.Cases.Now())
	return caseView{Case: c, DueStatus: st, DueStatusLabel: i18n.T(httpx.Locale(r), "due."+string(st)), Group: groupOf(&c)}
}

// viewOne is view of one case, with its warning explained to p.
func (a *API) viewOne(r *http.Request, p *auth.Principal, c model.Case) (caseView, error) {
	v := a.view(r, c)
	basis, err := a.Cases.DueBasis(r.Context(), &c)
	if err != nil {
		return v, err
	}
	v.DueBasis = basis
	res, ok, err := a.Cases.RiskResultFor(r.Context(), p, &c)
	if ok {
		v.RiskResult = &res
	}
	return v, err
}

func (a *API) createCase(r *http.Request, p *auth.Principal) (int, any, error) {
	var in cases.RegisterInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Register(r.Context(), p, in)
	if err != nil {
		return 0, nil, err
	}
	// The case as registered, with its parties and any assignment its steps made: read
	// back, it would cost a fifth of the intake.
	v, err := a.viewOne(r, p, c)
	return http.StatusCreated, v, err
}

type casePage struct {
	Items []listItem `json:"items"`
	// Total is how many cases the list holds, counted up to cases.MaxTotal;
	// TotalOver says there are more (a page shows "约 10,000").
	Total     int  `json:"total"`
	TotalOver bool `json:"total_over,omitempty"`
	// Direct: q named one case by its tracking code, and this is it.
	Direct bool `json:"direct,omitempty"`
	// Ranked: a search by relevance orders only its newest Ranked matches by how well
	// they match (the list has more).
	Ranked int    `json:"ranked,omitempty"`
	Next   string `json:"next,omitempty"` // the URL of the next page, when there may be one
}

// listItem is a case in a list: with, for a search, the passage of its text that
// matched, the matches marked.
type listItem struct {
	caseView
	Passage []search.Segment `json:"passage,omitempty"`
}

func (a *API) listCases(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	l, err := httpx.ParseCaseList(q, httpx.CaseListEnv{Now: a.Cases.Now(), DefaultQueue: "all",
		QueueFor: func() *store.Queue { return cases.QueueFor(p) },
		RegionPath: func(id int64) (string, error) {
			g, err := a.Store.Region(r.Context(), id)
			return g.Path, err
		}})
	if err != nil {
		return 0, nil, err
	}
	f := l.Filter
	found, err := a.Cases.Find(r.Context(), p, f, l.Code)
	if err != nil {
		return 0, nil, err
	}
	out := casePage{Total: found.Total, TotalOver: found.Over, Direct: found.Direct, Ranked: found.Ranked, Items: make([]listItem, len(found.Cases))}
	for i, c := range found.Cases {
		out.Items[i] = listItem{caseView: a.view(r, c), Passage: cases.Passage(&c, f.Text)}
	}
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	if len(found.Cases) == limit && !found.Direct {
		next := q.Values()
		if f.Sort != store.SortNewest || f.Offset > 0 {
			next.Set("page", strconv.Itoa(l.Page+1))
		} else {
			next.Set("before", strconv.FormatInt(found.Cases[len(found.Cases)-1].ID, 10))
		}
		out.Next = (&url.URL{Path: r.URL.Path, RawQuery: next.Encode()}).String()
	}
	return http.StatusOK, out, nil
}

func (a *API) getCase(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Cases.Get(r.Context(), p, id)
	if err != nil {
		return 0, nil, err
	}
	v, err := a.viewOne(r, p, c)
	if err != nil {
		return 0, nil, err
	}
	if v.Allowed, err = a.Cases.Allowed(r.Context(), p, &c); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v, nil
}

func (a *API) caseEvents(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	evs, err := a.Cases.Events(r.Context(), p, id)
	return http.StatusOK, list(evs), err
}

func (a *API) caseAction(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	action := workflow.Action(r.PathValue("action"))
	if !action.Valid() || action == workflow.ActionRegister {
		return 0, nil, httpx.Errorf(r, http.StatusNotFound, "no_endpoint", "")
	}
	var in cases.ActInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return 0, nil, err
		}
	}
	done, err := a.Cases.Act(r.Context(), p, id, action, in)
	if err != nil {
		return 0, nil, err
	}
	status, body, err := a.getCase(r, p)
	if errors.Is(err, store.ErrNotFound) {
		// The action took the case out of the actor's sight (a department returned
		// it): answer with the case as the action left it, and nothing more.
		v, err := a.viewOne(r, p, done)
		return http.StatusOK, v, err
	}
	return status, body, err
}

// prior is an earlier case of the same person or address, and what matched.
type prior struct {
	caseView
	MatchedBy string `json:"matched_by"`
}

func (a *API) priorCases(r *http.Request, p *auth.Principal, q *httpx.Query) (int, any, error) {
	idNumber, phone, address, text := q.String("id_number"), q.String("phone"), q.String("address"), q.String("text")
	if err := q.Err(); err != nil {
		return 0, nil, err
	}
	found, err := a.Cases.PriorCases(r.Context(), p, idNumber, phone, address, text)
	if err != nil {
		return 0, nil, err
	}
	out := make([]prior, len(found))
	for i, pc := range found {
		out[i] = prior{caseView: a.view(r, pc.Case), MatchedBy: pc.MatchedBy}
	}
	return http.StatusOK, list(out), nil
}

func (a *API) uploadAttachment(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	name, data, err := httpx.ReadUpload(r, "file", cases.MaxAttachmentBytes)
	if err != nil {
		return 0, nil, err
	}
	keep, err := httpx.KeepOriginal(r)
	if err != nil {
		return 0, nil, err
	}
	att, err := a.Cases.Attach(r.Context(), p, id, cases.AttachInput{Name: name, Data: data, KeepOriginal: keep})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, att, nil
}

func (a *API) listAttachments(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	atts, err := a.Cases.Attachments(r.Context(), p, id)
	return http.StatusOK, list(atts), err
}

// downloadAttachment serves a file only to someone who may see its case, always as a
// download, so a crafted file can never run as a page of ours.
func (a *API) downloadAttachment(w http.ResponseWriter, r *http.Request) {
	p := fileCaller(w, r)
	if p == nil {
		return
	}
	caseID, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	aid, err := httpx.PathID(r, "aid")
	if err != nil {
		httpx.WriteError(w, r, store.ErrNotFound)
		return
	}
	att, data, err := a.Cases.AttachmentData(r.Context(), p, caseID, aid)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.ServeAttachment(w, att, data)
}

// revealParty shows one party's full ID number and phone, audited.
func (a *API) revealParty(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	pid, err := httpx.PathID(r, "pid")
	if err != nil {
		return 0, nil, store.ErrNotFound
	}
	party, err := a.Cases.Reveal(r.Context(), p, id, pid)
	return http.StatusOK, party, err
}
