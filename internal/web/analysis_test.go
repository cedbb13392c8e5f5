package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

var findingLinkRE = regexp.MustCompile(`href="([^"]+)" data-testid="finding-link" data-count="(\d+)"`)

// Every finding of the analysis page opens the list of its cases, which holds as many
// as the finding counts; an action taken on a finding reaches its open cases, each
// event recording the finding as its reason. Who may not read figures may not see
// the page. On both stores.
func TestAnalysisPageFindingsAreTheirLists(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 3000, 9); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"county.leader", "jinggu.leader"} {
			c := srv.Login(t, who, demo.Password)
			page := okPage(t, c, "/analysis?period=year")
			found := findingLinkRE.FindAllStringSubmatch(page, -1)
			if len(found) < 3 {
				t.Fatalf("%s: %d findings with lists", who, len(found))
			}
			for _, m := range found {
				link := html.UnescapeString(m[1])
				want, _ := strconv.ParseInt(m[2], 10, 64)
				if got := listTotal(t, c, link); got != want {
					t.Errorf("%s: a finding counts %d, its list %s holds %d", who, want, link, got)
				}
			}
		}
		// Who keeps coming back, by the county's leader: warn on their open cases.
		c := srv.Login(t, "county.leader", demo.Password)
		page := okPage(t, c, "/analysis?period=year")
		person := regexp.MustCompile(`data-testid="finding-person">\s*<p class="finding-text">([^<]+) <a class="finding-count" href="([^"]+)"`).FindStringSubmatch(page)
		if person == nil {
			t.Fatal("no repeat visitor among the generated cases")
		}
		finding, link := html.UnescapeString(strings.TrimSpace(person[1])), html.UnescapeString(person[2])
		resp, body := postForm(t, srv, c, "/analysis/act", url.Values{"link": {link}, "finding": {finding}, "action": {"warning_adjust"},
			"level": {"orange"}, "note": {"研判：反复来访，提级关注"}, "back": {"/analysis?period=year"}})
		loc, _ := resp.Location()
		if resp.StatusCode != 303 || loc == nil || loc.Query().Get("done") == "" {
			t.Fatalf("act on a finding: %d to %v %s", resp.StatusCode, loc, testutil.Excerpt([]byte(body)))
		}
		done := loc.Query().Get("done")
		n, _ := strconv.Atoi(strings.Split(done, "/")[0])
		if n == 0 {
			t.Fatalf("act on a finding: done %q", done)
		}
		u, _ := url.Parse(link)
		q := u.Query()
		q.Set("state", "registered,accepted,assigned,in_progress,suspended,resolved,verified,followed_up")
		q.Del("queue")
		_, raw := c.Do("GET", "/api/v1/cases?"+q.Encode(), nil)
		var list struct {
			Items []struct {
				ID        int64  `json:"id"`
				RiskLevel string `json:"risk_level"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &list); err != nil || len(list.Items) == 0 {
			t.Fatalf("the person's open cases: %v %s", err, testutil.Excerpt(raw))
		}
		for _, it := range list.Items {
			evs, _ := st.Events(context.Background(), it.ID)
			seen := false
			for _, ev := range evs {
				seen = seen || (ev.Action == "warning_adjust" && strings.Contains(string(ev.Payload), finding[:6]))
			}
			if !seen && it.RiskLevel != "red" { // a red case is not lowered to orange
				t.Errorf("case %d (%s): no warning event recording the finding", it.ID, it.RiskLevel)
			}
		}
		// Not for a clerk: no figures.
		resp, _ = srv.Login(t, "fucheng.clerk", demo.Password).Do("GET", "/analysis", nil)
		if resp.StatusCode != 403 {
			t.Errorf("a clerk's analysis page: %d, want 403", resp.StatusCode)
		}
		// A bad period names its field.
		resp, raw = c.Do("GET", "/analysis?from=2026-12-31&to=2026-12-01", nil)
		if resp.StatusCode != 422 || !strings.Contains(string(raw), `data-testid="field-error-to"`) {
			t.Errorf("a reversed range: %d", resp.StatusCode)
		}
	})
}

// okPage GETs a page, expecting 200.
func okPage(t *testing.T, c *testutil.Client, path string) string {
	t.Helper()
	resp, raw := c.Do("GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, testutil.Excerpt(raw))
	}
	return string(raw)
}

// A meeting's forms check what they are given, naming the field; a meeting is seen
// only within its centre's subtree; a decision is taken only on the agenda's cases,
// and is carried out on the case with the meeting on its event and in the audit log.
func TestMeetingsCheckAndRecord(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, st, 300, 3); err != nil {
			t.Fatal(err)
		}
		leader := srv.Login(t, "county.leader", demo.Password)
		var leaderID int64
		users, _ := st.Users(ctx, store.UserFilter{Role: "leader"})
		for _, u := range users {
			if u.Username == "county.leader" {
				leaderID = u.ID
			}
		}
		good := url.Values{"kind": {"consult"}, "title": {"月度会商"}, "held_on": {"2026-12-07"}, "convenor_id": {fmt.Sprint(leaderID)}}
		for field, bad := range map[string]url.Values{
			"kind":        {"kind": {"party"}},
			"title":       {"title": {""}},
			"held_on":     {"held_on": {"2026-13-01"}},
			"convenor_id": {"convenor_id": {"999999"}},
		} {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			for k, v := range bad {
				form[k] = v
			}
			resp, body := postForm(t, srv, leader, "/meetings", form)
			if resp.StatusCode != 422 || !strings.Contains(body, `data-testid="field-error-`+field+`"`) {
				t.Errorf("a meeting with a bad %s: %d", field, resp.StatusCode)
			}
		}
		resp, body := postForm(t, srv, leader, "/meetings", good)
		loc, _ := resp.Location()
		if resp.StatusCode != 303 || loc == nil || !strings.HasPrefix(loc.Path, "/meetings/") {
			t.Fatalf("record a meeting: %d to %v %s", resp.StatusCode, loc, testutil.Excerpt([]byte(body)))
		}
		path := loc.Path
		// A township leader does not see the county's meeting; a viewer has none.
		if resp, _ := srv.Login(t, "fucheng.leader", demo.Password).Do("GET", path, nil); resp.StatusCode != 404 {
			t.Errorf("a township leader opens the county's meeting: %d", resp.StatusCode)
		}
		if resp, _ := srv.Login(t, "county.viewer", demo.Password).Do("GET", "/meetings", nil); resp.StatusCode != 403 {
			t.Errorf("a viewer's meetings: %d", resp.StatusCode)
		}
		open, err := st.Cases(ctx, store.CaseFilter{States: []string{"in_progress", "assigned"}, Limit: 2}, store.CaseScope{All: true})
		if err != nil || len(open) < 2 {
			t.Fatalf("open cases: %v", err)
		}
		on, off := open[0], open[1]
		if resp, body := postForm(t, srv, leader, path+"/agenda", url.Values{"case_id": {fmt.Sprint(on.ID)}}); resp.StatusCode != 303 {
			t.Fatalf("agenda: %d %s", resp.StatusCode, testutil.Excerpt([]byte(body)))
		}
		if resp, body := postForm(t, srv, leader, path+"/agenda", url.Values{"case_id": {fmt.Sprint(on.ID)}}); resp.StatusCode != 422 || !strings.Contains(body, "field-error-case_id") {
			t.Errorf("the same case twice on the agenda: %d", resp.StatusCode)
		}
		decide := func(caseID int64, action string) (int, string) {
			resp, body := postForm(t, srv, leader, path+"/decisions", url.Values{"case_id": {fmt.Sprint(caseID)}, "action": {action},
				"level": {"red"}, "note": {"会议决定红牌督办"}})
			return resp.StatusCode, body
		}
		if status, body := decide(off.ID, "supervise"); status != 422 || !strings.Contains(body, "field-error-case_id") {
			t.Errorf("a decision on a case not on the agenda: %d", status)
		}
		if status, body := decide(on.ID, "reject"); status != 422 || !strings.Contains(body, "field-error-action") {
			t.Errorf("a decision that is not one a meeting takes: %d", status)
		}
		if status, body := decide(on.ID, "supervise"); status != 303 {
			t.Fatalf("decide: %d %s", status, testutil.Excerpt([]byte(body)))
		}
		evs, err := st.Events(ctx, on.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		id := strings.TrimPrefix(path, "/meetings/")
		if last.Action != "supervise" || !strings.Contains(string(last.Payload), `"meeting_id":`+id) || last.Note != "会议决定红牌督办" {
			t.Errorf("the case's last event: %s %s %q", last.Action, last.Payload, last.Note)
		}
		casePage := okPage(t, leader, fmt.Sprintf("/cases/%d", on.ID))
		if !strings.Contains(casePage, `href="`+path+`"`) {
			t.Errorf("the case page does not link to the meeting")
		}
		entries, err := st.AuditRows(ctx, store.AuditFilter{Action: "meeting.decide"})
		if err != nil || len(entries) != 1 || entries[0].Object != fmt.Sprintf("case:%d", on.ID) {
			t.Errorf("the decision's audit entries: %+v %v", entries, err)
		}
	})
}
