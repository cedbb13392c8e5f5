package httpx

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// One parser reads every case list's filters, pages and API alike: each parameter's
// accepted spellings, and each refusal naming the parameter.
func TestParseCaseList(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	id := model.MakeIDNumber("622922", time.Date(1970, 5, 5, 0, 0, 0, 0, time.UTC), 11)
	code := strings.Repeat("AB3", 4)[:cases.TrackingCodeLen]
	mine := &store.Queue{CentreID: 7}
	env := CaseListEnv{Now: now, DefaultQueue: "mine", Limit: 50,
		QueueFor: func() *store.Queue { return mine },
		RegionPath: func(id int64) (string, error) {
			if id == 3 {
				return "/1/3/", nil
			}
			return "", errors.New("not in scope")
		}}
	for _, tc := range []struct {
		raw   string
		want  CaseList
		field string // the parameter refused, "" when accepted
	}{
		{"", CaseList{Queue: "mine", Filter: store.CaseFilter{Limit: 50, Queue: mine}}, ""},
		{"queue=all", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50}}, ""},
		{"queue=theirs", CaseList{}, "queue"},
		{"queue=all&state=accepted&state=assigned", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, States: []string{"accepted", "assigned"}}}, ""},
		{"queue=all&state=accepted,assigned", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, States: []string{"accepted", "assigned"}}}, ""},
		{"queue=all&state=", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50}}, ""},
		{"state=closed", CaseList{}, "state"},
		{"state=accepted,nope", CaseList{}, "state"},
		{"queue=all&kind=hazard&urgency=urgent", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, Kind: model.KindHazard, Urgency: "urgent"}}, ""},
		{"kind=fight", CaseList{}, "kind"},
		{"urgency=soon", CaseList{}, "urgency"},
		{"queue=all&overdue=true", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, OverdueAt: now}}, ""},
		{"queue=all&overdue=on", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, OverdueAt: now}}, ""},
		{"queue=all&overdue=false", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50}}, ""},
		{"overdue=1", CaseList{}, "overdue"},
		{"queue=all&code=+ab12cd34+", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, TrackingCode: "AB12CD34"}}, ""},
		{"queue=all&category_id=4&before=99&limit=200", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 200, CategoryID: 4, Before: 99}}, ""},
		{"queue=all&person=17", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, SamePartyAs: 17}}, ""},
		{"person=x", CaseList{}, "person"},
		{"person=-3", CaseList{}, "person"},
		{"category_id=-1", CaseList{}, "category_id"},
		{"limit=201", CaseList{}, "limit"},
		{"limit=0", CaseList{}, "limit"},
		{"queue=all&region_id=3", CaseList{Queue: "all", RegionID: 3, Filter: store.CaseFilter{Limit: 50, Within: "/1/3/"}}, ""},
		{"region_id=4", CaseList{}, "region_id"},
		{"region_id=x", CaseList{}, "region_id"},
		// The search box: words, a phone or an ID number whole, a possible tracking code.
		{"queue=all&q=" + url.QueryEscape(" 宅基地  护栏 "), CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, Text: search.Parse("宅基地 护栏")}}, ""},
		{"queue=all&q=13893001122", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, PartyPhone: "13893001122"}}, ""},
		{"queue=all&q=" + url.QueryEscape("+86 138-9300-1122"), CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, PartyPhone: "13893001122"}}, ""},
		{"queue=all&q=" + id, CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, PartyIDNumber: id}}, ""},
		{"queue=all&q=" + id[:17] + "0", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, Text: search.Parse(id[:17] + "0")}}, ""}, // a wrong check digit: words
		{"queue=all&q=" + strings.ToLower(code), CaseList{Queue: "all", Code: code, Filter: store.CaseFilter{Limit: 50, Text: search.Parse(code)}}, ""},
		{"q=" + url.QueryEscape("，。"), CaseList{}, "q"},
		{"q=" + strings.Repeat("字", 201), CaseList{}, "q"},
		{"queue=all&sort=relevance&page=3", CaseList{Queue: "all", Page: 3, Filter: store.CaseFilter{Limit: 50, Sort: store.SortRelevance, Offset: 100}}, ""},
		{"queue=all&sort=newest", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50}}, ""},
		{"queue=all&sort=oldest", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, Sort: store.SortOldest}}, ""},
		{"queue=all&sort=due&page=2", CaseList{Queue: "all", Page: 2, Filter: store.CaseFilter{Limit: 50, Sort: store.SortDue, Offset: 50}}, ""},
		{"sort=latest", CaseList{}, "sort"},
		{"page=0", CaseList{}, "page"},
		{"page=1001", CaseList{}, "page"},
		// The figures' cuts: a region's own cases, a lead department or none.
		{"queue=all&region_id=3&region_only=1", CaseList{Queue: "all", RegionID: 3, Filter: store.CaseFilter{Limit: 50, Within: "/1/3/", RegionOnly: true}}, ""},
		{"queue=all&region_only=1", CaseList{}, "region_only"},
		{"queue=all&region_id=3&region_only=yes", CaseList{}, "region_only"},
		{"queue=all&lead_department_id=7", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, LeadDepartmentID: 7}}, ""},
		{"queue=all&lead_department_id=none", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, NoLeadDepartment: true}}, ""},
		{"queue=all&lead_department_id=x", CaseList{}, "lead_department_id"},
		{"queue=all&team_user=4&team_role=lawyer", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50, Cond: &model.CaseCond{TeamAccount: 4, TeamRole: "lawyer"}}}, ""},
		{"queue=all&team_talent=9&from=2026-11-01&to=2026-11-30", CaseList{Queue: "all", Filter: store.CaseFilter{Limit: 50,
			Cond: &model.CaseCond{TeamTalent: 9, TeamFrom: time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC).In(workflow.ChinaTime), TeamTo: time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC).In(workflow.ChinaTime)}}}, ""},
		{"queue=all&team_user=4&team_role=judge", CaseList{}, "team_role"},
		{"queue=all&team_role=lead", CaseList{}, "team_role"},
		{"queue=all&team_user=4&team_talent=9", CaseList{}, "team_talent"},
		{"queue=all&team_user=x", CaseList{}, "team_user"},
	} {
		if tc.want.Page == 0 {
			tc.want.Page = 1
		}
		got, err := ParseCaseList(PageQuery(httptest.NewRequest("GET", "/cases?"+tc.raw, nil)), env)
		if tc.field != "" {
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || fe.Message("zh-CN") == fe.Key || fe.Message("en") == fe.Key {
				t.Errorf("%q: want a field error naming %s, got %v", tc.raw, tc.field, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: refused: %v", tc.raw, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.raw, got, tc.want)
		}
	}
	// The API takes exactly the list's parameters, and refuses any other.
	r := httptest.NewRequest("GET", "/api/v1/cases?queue=all&foo=x", nil)
	if _, err := ReadQuery(r, CaseListParams...); err == nil {
		t.Error("an unknown parameter was accepted")
	}
	r = httptest.NewRequest("GET", "/api/v1/cases?queue=all&state=accepted&kind=dispute&urgency=normal&category_id=1&region_id=3&overdue=true&code=X&before=1&limit=5", nil)
	q, err := ReadQuery(r, CaseListParams...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCaseList(q, env); err != nil {
		t.Errorf("the API's own parameters: %v", err)
	}
}
