package httpx

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// CaseListParams are the query parameters of a case list, the same on the pages
// (/cases) and in the API (GET /api/v1/cases): a list's URL can be bookmarked, sent,
// and read by either. A new filter is added here, in ParseCaseList, and in
// CaseListParams' test table.
var CaseListParams = []string{"queue", "state", "kind", "urgency", "category_id", "region_id", "channel", "overdue", "code", "q", "sort",
	"stat", "part", "department_id", "from", "to", "person", "before", "page", "limit", "region_only", "lead_department_id",
	"team_user", "team_talent", "team_role"}

// CaseList is a case list's request as read from its query string: the store's filter
// and what the list needs besides to show it.
type CaseList struct {
	Filter   store.CaseFilter
	Queue    string // mine (what waits on the user) or all
	RegionID int64  // the region_id asked for, 0 for any
	Page     int    // the page asked for, from 1
	// Code is q read as a tracking code, when it can be one: the case it names, if
	// there is one in scope, is the answer, else q's words are (cases.Find).
	Code string
}

// maxSearch bounds what the search box takes, in characters.
const maxSearch = 200

// maxPage bounds page numbers: past it a list is narrowed, not paged.
const maxPage = 1000

// CaseListEnv is what ParseCaseList needs from outside the query string to turn what
// it names into the store's filter.
type CaseListEnv struct {
	Now          time.Time
	DefaultQueue string                      // the queue of a list that names none: mine or all
	QueueFor     func() *store.Queue         // what waits on the user, for queue=mine
	RegionPath   func(int64) (string, error) // a region the user may see, by id; an error when there is none
	Limit        int                         // the page size when the query names none
}

// ParseCaseList reads a case list's filters. Every value is checked: an unknown
// state, kind, urgency or queue, a number out of range, a region the user cannot see,
// is a field error naming the parameter (422 in the API, the field marked on a page),
// never a silently wider list.
func ParseCaseList(q *Query, env CaseListEnv) (CaseList, error) {
	out := CaseList{Filter: store.CaseFilter{Limit: env.Limit}}
	f := &out.Filter
	switch out.Queue = q.String("queue"); out.Queue {
	case "":
		out.Queue = env.DefaultQueue
	case "mine", "all":
	default:
		return out, invalidFilter("queue")
	}
	if out.Queue == "" {
		out.Queue = "all"
	}
	if out.Queue == "mine" && env.QueueFor != nil {
		f.Queue = env.QueueFor()
	}
	// state=a&state=b (a form's multiple select) and state=a,b (a hand-written URL)
	// mean the same; an empty one is the form's "any state".
	for _, st := range q.List("state") {
		for _, one := range strings.Split(st, ",") {
			if one = strings.TrimSpace(one); one == "" {
				continue
			}
			if !workflow.State(one).Valid() {
				return out, invalidFilter("state")
			}
			f.States = append(f.States, one)
		}
	}
	if k := q.String("kind"); k != "" {
		if !model.CaseKind(k).Valid() {
			return out, invalidFilter("kind")
		}
		f.Kind = model.CaseKind(k)
	}
	if v := q.String("urgency"); v != "" {
		if !workflow.Urgency(v).Valid() {
			return out, invalidFilter("urgency")
		}
		f.Urgency = v
	}
	switch q.String("overdue") {
	case "", "false":
	case "true", "on": // on: what a checkbox without a value sends
		f.OverdueAt = env.Now
	default:
		return out, invalidFilter("overdue")
	}
	if ch := q.String("channel"); ch != "" {
		if !model.Channel(ch).Valid() {
			return out, invalidFilter("channel")
		}
		f.Channel = model.Channel(ch)
	}
	f.TrackingCode = strings.ToUpper(strings.TrimSpace(q.String("code")))
	f.CategoryID = q.Int("category_id", 0, 1<<62)
	f.Before = q.Int("before", 0, 1<<62)
	// person=<a party's id>: the cases of the same person (研判's 反复来访), named by a
	// party record rather than by an ID number or phone, which stay out of URLs and logs.
	f.SamePartyAs = q.Int("person", 0, 1<<62)
	out.RegionID = q.Int("region_id", 0, 1<<62) // 0: the form's "any region"
	// The figures' cuts: a region's own cases (本级), a lead department or none.
	switch q.String("region_only") {
	case "", "0", "false":
	case "1", "true":
		f.RegionOnly = true
	default:
		return out, invalidFilter("region_only")
	}
	f.LeadDepartmentID, f.NoLeadDepartment = LeadDepartment(q)
	if n := q.Int("limit", 1, 200); n != 0 {
		f.Limit = int(n)
	}
	if err := readSearch(q.String("q"), env.Now, &out); err != nil {
		return out, err
	}
	switch v := q.String("sort"); v {
	case "", "newest":
	case store.SortRelevance, store.SortOldest, store.SortDue:
		f.Sort = v
	default:
		return out, invalidFilter("sort")
	}
	out.Page = int(q.Int("page", 1, maxPage))
	if out.Page > 1 {
		size := f.Limit
		if size <= 0 {
			size = 50
		}
		f.Offset = (out.Page - 1) * size
	}
	if out.Page == 0 {
		out.Page = 1
	}
	// The cases behind one of the leader's figures (the links of /stats).
	stat, part, from, to := q.String("stat"), q.String("part"), q.String("from"), q.String("to")
	if err := q.Err(); err != nil {
		return out, err
	}
	dept := q.Int("department_id", 0, 1<<62)
	if err := q.Err(); err != nil {
		return out, err
	}
	cond, err := report.ListCondOf(stat, part, from, to, dept, env.Now)
	if err != nil {
		return out, err
	}
	f.Cond = cond
	if err := readTeam(q, from, to, env.Now, f); err != nil {
		return out, err
	}
	if f.RegionOnly && out.RegionID == 0 {
		return out, model.Invalid("region_only", "invalid", "invalid.region_only.without_region")
	}
	if out.RegionID != 0 {
		path, err := env.RegionPath(out.RegionID)
		if err != nil {
			return out, invalidFilter("region_id")
		}
		f.Within = path
	}
	return out, nil
}

// readTeam reads the team filter (包案): team_user=<account> or team_talent=<pool
// person>, and team_role; the places held in from–to when the list names days (考评's
// links of team work), else at any time. It narrows the figure's condition, if any.
func readTeam(q *Query, from, to string, now time.Time, f *store.CaseFilter) error {
	user, talent, role := q.Int("team_user", 0, 1<<62), q.Int("team_talent", 0, 1<<62), q.String("team_role")
	if err := q.Err(); err != nil {
		return err
	}
	switch {
	case user == 0 && talent == 0:
		if role != "" {
			return model.Invalid("team_role", "invalid", "invalid.filter")
		}
		return nil
	case user != 0 && talent != 0:
		return model.Invalid("team_talent", "invalid", "invalid.filter")
	}
	if role != "" && !slices.Contains(mediation.TeamRoles, role) {
		return invalidFilter("team_role")
	}
	if f.Cond == nil {
		f.Cond = &model.CaseCond{}
	}
	f.Cond.TeamAccount, f.Cond.TeamTalent, f.Cond.TeamRole = user, talent, role
	if from != "" || to != "" {
		p, err := report.ParsePeriod("", "", from, to, now)
		if err != nil {
			return err
		}
		f.Cond.TeamFrom, f.Cond.TeamTo = p.From, p.To
	}
	return nil
}

// invalidFilter is the error of a filter parameter whose value the list does not know.
func invalidFilter(field string) error {
	return model.Invalid(field, "invalid", "invalid.filter")
}

// readSearch reads the search box: a phone or an ID number typed whole is looked up
// among the parties (never indexed as words); anything else is words and phrases
// (search.Parse), and may also be a tracking code.
func readSearch(text string, now time.Time, out *CaseList) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if utf8.RuneCountInString(text) > maxSearch {
		return model.Invalid("q", "too_long", "invalid.q.too_long", maxSearch)
	}
	if id, err := model.NormalizeIDNumberAt(text, now); err == nil {
		out.Filter.PartyIDNumber = id
		return nil
	}
	if phone, err := model.NormalizePhone(text); err == nil {
		out.Filter.PartyPhone = phone // also as written on a card: +86 138-9300-1122
		return nil
	}
	if !strings.ContainsAny(text, " \t\u3000\"") {
		out.Code = cases.NormalizeTrackingCode(text)
	}
	out.Filter.Text = search.Parse(text)
	if out.Filter.Text.Empty() {
		return model.Invalid("q", "no_words", "invalid.q.no_words")
	}
	return nil
}
