package evaluation

import (
	"net/url"
	"slices"
	"sort"
	"strconv"

	"github.com/onedoor/onedoor/internal/report"
)

// TeamPlace is one place a person held on a case's team (包案) in a period, and
// what became of the case: ended in the period, on time, resolved (化解).
type TeamPlace struct {
	AccountID int64 // the person's account (theirs, or the pool person's)
	TalentID  int64 // a pool person without an account; 0 when AccountID is set
	Name      string
	Role      string
	CaseID    int64
	Ended     bool
	OnTime    bool
	Resolved  bool
}

// RoleCases is how many cases a person held a role on.
type RoleCases struct {
	Role  string       `json:"role"`
	Cases report.Value `json:"cases"`
}

// TeamWork is one person's team work (包案) in a period, judged by what became of
// the cases, never by how many they were on: the cases they held a place on (by
// role), those ended in the period, and of those the share ended on time and the
// share resolved (化解). Counts are shown to open their lists; only the two rates
// judge, as a scheme's items do (docs/evaluation.md: only outcomes are scored).
// Each number links to the case list holding exactly its cases.
type TeamWork struct {
	AccountID int64        `json:"account_id,omitempty"`
	TalentID  int64        `json:"talent_id,omitempty"`
	Name      string       `json:"name"`
	Roles     []RoleCases  `json:"roles"`
	Cases     report.Value `json:"cases"`
	Ended     report.Value `json:"ended"`
	OnTime    report.Value `json:"on_time"`  // rate: ended on time ÷ ended
	Resolved  report.Value `json:"resolved"` // rate: resolved ÷ ended
}

// TeamTable folds the places held in per into one row per person: a case counts
// once for a person however many places they held on it (once per role in Roles).
// Rows come in name order, roles in the order of roles; a person whose cases none
// ended has empty rates (无数据), not zero.
func TeamTable(places []TeamPlace, per report.Period, roles []string) []TeamWork {
	type key struct{ account, talent int64 }
	type acc struct {
		w                             TeamWork
		cases, ended, onTime, resolve map[int64]bool
		byRole                        map[string]map[int64]bool
	}
	people := map[key]*acc{}
	var order []key
	for _, p := range places {
		k := key{p.AccountID, p.TalentID}
		a := people[k]
		if a == nil {
			a = &acc{w: TeamWork{AccountID: p.AccountID, TalentID: p.TalentID, Name: p.Name}, cases: map[int64]bool{}, ended: map[int64]bool{},
				onTime: map[int64]bool{}, resolve: map[int64]bool{}, byRole: map[string]map[int64]bool{}}
			people[k] = a
			order = append(order, k)
		}
		a.cases[p.CaseID] = true
		if a.byRole[p.Role] == nil {
			a.byRole[p.Role] = map[int64]bool{}
		}
		a.byRole[p.Role][p.CaseID] = true
		if p.Ended {
			a.ended[p.CaseID] = true
			if p.OnTime {
				a.onTime[p.CaseID] = true
			}
			if p.Resolved {
				a.resolve[p.CaseID] = true
			}
		}
	}
	out := make([]TeamWork, 0, len(order))
	for _, k := range order {
		a := people[k]
		w := a.w
		who := teamWho(k.account, k.talent)
		w.Cases = teamCount(int64(len(a.cases)), teamLink("", "", per, who, ""))
		w.Ended = teamCount(int64(len(a.ended)), teamLink("ended", "", per, who, ""))
		w.OnTime = teamRate("on_time_rate", int64(len(a.onTime)), int64(len(a.ended)), per, who)
		w.Resolved = teamRate("resolve_rate", int64(len(a.resolve)), int64(len(a.ended)), per, who)
		for _, r := range roles {
			if n := len(a.byRole[r]); n > 0 {
				w.Roles = append(w.Roles, RoleCases{Role: r, Cases: teamCount(int64(n), teamLink("", "", per, who, r))})
			}
		}
		out = append(out, w)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// teamWho is the case list's parameters naming a person.
func teamWho(account, talent int64) url.Values {
	if account != 0 {
		return url.Values{"team_user": {strconv.FormatInt(account, 10)}}
	}
	return url.Values{"team_talent": {strconv.FormatInt(talent, 10)}}
}

// teamLink is the case list of a person's team cases in per: all of them (stat ""),
// or those behind part of a figure; in one role when role is set.
func teamLink(stat string, part report.Part, per report.Period, who url.Values, role string) string {
	q := url.Values{"queue": {"all"}, "from": {per.FromDate()}, "to": {per.ToDate()}}
	if f, ok := report.ByID(stat); ok {
		q = report.ListQuery(f, part, per, report.Cut{})
	}
	for k, v := range who {
		q[k] = slices.Clone(v)
	}
	if role != "" {
		q.Set("team_role", role)
	}
	return "/cases?" + q.Encode()
}

func teamCount(n int64, link string) report.Value {
	return report.Value{Value: float64(n), Num: n, Link: link}
}

// teamRate is a figure's rate over a person's ended team cases, as report.ValueOf
// makes it, linked to the person's lists.
func teamRate(figure string, num, den int64, per report.Period, who url.Values) report.Value {
	f, _ := report.ByID(figure)
	v := report.ValueOf(f, num, den, per, report.Cut{})
	v.Link, v.DenLink = teamLink(figure, report.Num, per, who, ""), teamLink(figure, report.Den, per, who, "")
	return v
}
