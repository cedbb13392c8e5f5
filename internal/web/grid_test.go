package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// gridPNG is a small photo, padded after its end to n bytes (bytes that a PNG
// decoder never reads, and that the store never keeps).
func gridPNG(t testing.TB, n int) []byte {
	b := testutil.PNGImage(t, testutil.HalvesImage(8, 8))
	if n > len(b) {
		b = append(b, make([]byte, n-len(b))...)
	}
	return b
}

type gridFile struct {
	name string
	data []byte
}

// postGridReport sends the report form as a phone's browser does: multipart, with the
// session's CSRF token in the form.
func postGridReport(t *testing.T, srv *testutil.Server, c *testutil.Client, form url.Values, photos ...gridFile) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", c.CSRF)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if len(photos) == 0 { // an empty file input still sends its part
		mw.CreateFormFile("photos", "")
	}
	for _, ph := range photos {
		fw, _ := mw.CreateFormFile("photos", ph.name)
		fw.Write(ph.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/grid/report", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, body := c.Send(req)
	return resp, string(body)
}

// postGridForm sends one of the grid pages' url-encoded forms.
func postGridForm(t *testing.T, srv *testutil.Server, c *testutil.Client, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("csrf_token", c.CSRF)
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := c.Send(req)
	return resp, string(body)
}

func getPage(t *testing.T, c *testutil.Client, path string) (int, string) {
	t.Helper()
	resp, body := c.Do("GET", path, nil)
	return resp.StatusCode, string(body)
}

// gridReportForm is a valid report at a Fucheng grid.
func gridReportForm(t *testing.T, st *store.Store) url.Values {
	return url.Values{
		"kind": {"dispute"}, "category_id": {strconv.FormatInt(categoryID(t, st, "dispute.neighbour"), 10)},
		"region_id": {strconv.FormatInt(regionID(t, st, "62292210020001"), 10)}, "urgency": {"normal"},
		"address": {"高林湾村二社路口"}, "description": {"两户村民因排水沟堵塞争吵，网格员现场劝解。"},
		"people_count": {"2"}, "injured": {"1"}, "party_name": {"李某"}, "party_phone": {"13893005566"},
		"lat": {"35.371234"}, "lng": {"103.712345"},
	}
}

var gridCaseLink = regexp.MustCompile(`data-case-id="(\d+)"`)

// gridListed is the ids of the grid home's cases, in the order shown.
func gridListed(t *testing.T, c *testutil.Client) []int64 {
	t.Helper()
	status, body := getPage(t, c, "/grid")
	if status != 200 {
		t.Fatalf("GET /grid: %d %s", status, body)
	}
	var ids []int64
	for _, m := range gridCaseLink.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

func indexOf(ids []int64, id int64) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

// plainCase registers an unwarned case at regionCode through the API, its party apart
// from every other case's.
func plainCase(t *testing.T, st *store.Store, c *testutil.Client, regionCode string, seq int, then ...map[string]any) caseJSON {
	t.Helper()
	body := map[string]any{
		"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
		"region_id": regionID(t, st, regionCode), "address": "某村某社", "description": "邻里因院墙排水发生口角，要求调解。", "urgency": "normal",
		"parties": []map[string]any{{"role": "applicant", "name": "杨某", "phone": fmt.Sprintf("1370930%04d", seq),
			"id_number": model.MakeIDNumber("622922", mustDate("1968-02-02"), seq)}},
		"then": then,
	}
	f := &flow{t: t}
	return f.register(c, body)
}

// A grid worker's report with a photo lands as a grid-channel case at the centre above
// the grid, with its photo attached, and the compact page says so; a photo above the
// general 1 MiB body limit goes through; a hazard may name nobody.
func TestGridReportWithPhoto(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		ctx := context.Background()
		grid := srv.Login(t, "fucheng.grid", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		if status, body := getPage(t, grid, "/grid/report"); status != 200 || !strings.Contains(body, `capture="environment"`) ||
			!strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("GET /grid/report: %d", status)
		}
		photo := gridPNG(t, 2<<20)
		resp, body := postGridReport(t, srv, grid, gridReportForm(t, st), gridFile{"现场.png", photo})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("report: %d %s", resp.StatusCode, body)
		}
		loc := resp.Header.Get("Location")
		m := regexp.MustCompile(`^/grid/cases/(\d+)\?done=reported$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("report redirects to %q", loc)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		c, err := st.Case(ctx, id, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		town := regionID(t, st, "622922100")
		if c.Channel != model.ChannelGrid || c.CentreID != town || c.State != "registered" || c.GridID != regionID(t, st, "62292210020001") ||
			!c.Injured || c.PeopleCount != 2 || c.Lat == nil || len(c.Parties) != 1 || c.Parties[0].Name != "李某" {
			t.Fatalf("the reported case: channel %s centre %d (want %d) state %s grid %d injured %v people %d lat %v parties %+v",
				c.Channel, c.CentreID, town, c.State, c.GridID, c.Injured, c.PeopleCount, c.Lat, c.Parties)
		}
		atts, err := st.Attachments(ctx, id)
		if err != nil || len(atts) != 1 || atts[0].ContentType != "image/png" || atts[0].Size >= int64(len(photo)) || atts[0].Name != "现场.png" {
			t.Fatalf("attachments: %+v %v", atts, err)
		}
		status, page := getPage(t, grid, loc)
		if status != 200 || !strings.Contains(page, "事件已上报") || !strings.Contains(page, c.TrackingCode) || !strings.Contains(page, "现场.png") {
			t.Fatalf("the compact page after reporting: %d", status)
		}
		if strings.Contains(page, "13893005566") {
			t.Error("the compact page shows the party's phone unmasked")
		}
		// The township's clerk finds it in the queue.
		resp2, raw := clerk.Do("GET", "/api/v1/cases/"+m[1], nil)
		if resp2.StatusCode != 200 {
			t.Fatalf("the clerk reads the case: %d %s", resp2.StatusCode, raw)
		}

		// A hazard without a party: the grid worker is its reporter.
		form := gridReportForm(t, st)
		form.Set("kind", "hazard")
		form.Set("category_id", strconv.FormatInt(categoryID(t, st, "hazard.fire"), 10))
		form.Del("party_name")
		form.Del("party_phone")
		resp, body = postGridReport(t, srv, grid, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("hazard report: %d %s", resp.StatusCode, body)
		}
		id2, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/grid/cases/"), "?done=reported"), 10, 64)
		c2, err := st.Case(ctx, id2, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		worker, _, _ := st.UserCredentials(ctx, "fucheng.grid")
		if len(c2.Parties) != 1 || c2.Parties[0].Name != worker.DisplayName {
			t.Fatalf("hazard parties: %+v, want the grid worker %s", c2.Parties, worker.DisplayName)
		}
		if atts, _ := st.Attachments(ctx, id2); len(atts) != 0 {
			t.Fatalf("an empty file input attached %d files", len(atts))
		}
	})
}

// A refused report shows the form again, with the Chinese message next to the field
// and what was typed kept, and registers nothing.
func TestGridReportValidation(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		grid := srv.Login(t, "fucheng.grid", demo.Password)
		count := func() int {
			list, err := st.Cases(context.Background(), store.CaseFilter{Limit: 200}, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		before := count()
		seven := make([]gridFile, 7)
		for i := range seven {
			seven[i] = gridFile{fmt.Sprintf("%d.png", i), gridPNG(t, 100)}
		}
		for _, tc := range []struct {
			name   string
			change func(url.Values)
			photos []gridFile
			field  string
			msg    string
		}{
			{"no category", func(f url.Values) { f.Del("category_id") }, nil, "category_id", "请选择事项分类"},
			{"category of another kind", func(f url.Values) { f.Set("kind", "hazard") }, nil, "category_id", "分类与事项类型不符"},
			{"no description", func(f url.Values) { f.Set("description", " ") }, nil, "description", "必填"},
			{"a dispute names nobody", func(f url.Values) { f.Del("party_name"); f.Del("party_phone") }, nil, "party_name", "必填"},
			{"a bad phone", func(f url.Values) { f.Set("party_phone", "12345") }, nil, "party_phone", "电话"},
			{"outside the area", func(f url.Values) { f.Set("region_id", strconv.FormatInt(regionID(t, st, "622922101206"), 10)) }, nil, "region_id", "不在您的辖区内"},
			{"no region", func(f url.Values) { f.Del("region_id") }, nil, "region_id", "请选择所在区域"},
			{"latitude alone", func(f url.Values) { f.Del("lng") }, nil, "lat", "经纬度"},
			{"not a photo", nil, []gridFile{{"a.png", []byte("%PDF-1.4 not a photo")}}, "photos", "不是照片"},
			{"seven photos", nil, seven, "photos", "照片最多 6 张"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				form := gridReportForm(t, st)
				if tc.change != nil {
					tc.change(form)
				}
				resp, body := postGridReport(t, srv, grid, form, tc.photos...)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%d, want 422: %s", resp.StatusCode, body)
				}
				m := regexp.MustCompile(`data-testid="field-error-` + regexp.QuoteMeta(tc.field) + `">([^<]*)<`).FindStringSubmatch(body)
				if m == nil || !strings.Contains(m[1], tc.msg) {
					t.Fatalf("no message %q next to %s; errors: %q", tc.msg, tc.field,
						regexp.MustCompile(`data-testid="field-error-[^"]+">[^<]*`).FindAllString(body, -1))
				}
				if !strings.Contains(body, "高林湾村二社路口") {
					t.Error("the address typed is not kept")
				}
				if len(tc.photos) > 0 && !strings.Contains(body, "请重新选择照片") {
					t.Error("the form does not ask for the photos again")
				}
			})
		}
		if after := count(); after != before {
			t.Fatalf("refused reports registered %d cases", after-before)
		}
	})
}

// The grid home lists the worker's area only: warned cases first, the most serious
// first, then those awaiting a return visit, then the rest. Suji's grid worker sees
// none of Fucheng's cases, not even by number; a handler has no grid pages.
func TestGridHomeWarnedFirstAndOnlyTheArea(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		sujiClerk := srv.Login(t, "suji.clerk", demo.Password)

		plain := plainCase(t, st, clerk, "622922100201", 1)
		yellow := registerWarned(t, st, clerk, "62292210020001", "yellow", 2)
		verified := plainCase(t, st, clerk, "622922100202", 3, map[string]any{"action": "accept"}, map[string]any{"action": "handle"})
		f := &flow{t: t, id: verified.ID}
		f.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral", "note": "双方和解"}, "resolved")
		f.act(clerk, "verify", nil, "verified")
		red := registerWarned(t, st, clerk, "622922100200", "red", 4)
		suji := plainCase(t, st, sujiClerk, "622922101206", 5)

		fucheng := srv.Login(t, "fucheng.grid", demo.Password)
		ids := gridListed(t, fucheng)
		pos := func(id int64) int { return indexOf(ids, id) }
		if pos(red.ID) != 0 || pos(yellow.ID) != 1 || pos(verified.ID) != 2 || pos(plain.ID) != 3 {
			t.Fatalf("fucheng's grid home lists %v; want red %d, yellow %d, verified %d, plain %d in that order",
				ids, red.ID, yellow.ID, verified.ID, plain.ID)
		}
		if pos(suji.ID) >= 0 {
			t.Fatal("fucheng's grid worker sees a Suji case")
		}
		_, body := getPage(t, fucheng, "/grid")
		if !strings.Contains(body, `data-risk="red"`) || !strings.Contains(body, "红色预警") {
			t.Error("the red case shows without its colour")
		}

		sujiGrid := srv.Login(t, "suji.grid", demo.Password)
		ids = gridListed(t, sujiGrid)
		if len(ids) != 1 || ids[0] != suji.ID {
			t.Fatalf("suji's grid home lists %v, want only %d", ids, suji.ID)
		}
		for _, id := range []int64{red.ID, plain.ID} {
			if status, _ := getPage(t, sujiGrid, fmt.Sprintf("/grid/cases/%d", id)); status != 404 {
				t.Errorf("suji's grid worker opens fucheng's case %d: %d", id, status)
			}
			resp, _ := postGridForm(t, srv, sujiGrid, fmt.Sprintf("/grid/cases/%d/return_visit", id), url.Values{"preset": {"矛盾已化解"}})
			if resp.StatusCode != 404 {
				t.Errorf("suji's grid worker records a visit on fucheng's case %d: %d", id, resp.StatusCode)
			}
		}

		handler := srv.Login(t, "fucheng.handler", demo.Password)
		if status, _ := getPage(t, handler, "/grid"); status != 403 {
			t.Errorf("a handler opens /grid: %d", status)
		}
		// The grid worker's home page points to the grid desk.
		if _, body := getPage(t, fucheng, "/"); !strings.Contains(body, `href="/grid" data-testid="grid-link"`) {
			t.Error("the grid worker's home page has no link to /grid")
		}
		// The compact page shows what set the colour.
		if _, body := getPage(t, fucheng, fmt.Sprintf("/grid/cases/%d", red.ID)); !strings.Contains(body, `data-testid="grid-warning" data-level="red"`) ||
			!strings.Contains(body, "同归于尽") {
			t.Error("the compact page does not say why the case is red")
		}
	})
}

// A tap on a preset note records a return visit: the incident is stored, it counts
// toward stepping the warning down (risk_visits), and the timeline shows it; the
// return visit of a verified case with its satisfaction closes it as followed_up,
// and an unsatisfied party reopens it.
func TestGridOneTapReturnVisit(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		ctx := context.Background()
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		grid := srv.Login(t, "fucheng.grid", demo.Password)
		yellow := registerWarned(t, st, clerk, "62292210020002", "yellow", 7)

		path := fmt.Sprintf("/grid/cases/%d", yellow.ID)
		_, page := getPage(t, grid, path)
		for _, preset := range []string{"当事人情绪稳定", "矛盾已化解", "仍有隐患"} {
			if !strings.Contains(page, `name="preset" value="`+preset+`"`) {
				t.Errorf("no preset button %s", preset)
			}
		}
		resp, body := postGridForm(t, srv, grid, path+"/return_visit", url.Values{"preset": {"当事人情绪稳定"}, "note": {""}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?done=recorded" {
			t.Fatalf("return visit: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = postGridForm(t, srv, grid, path+"/return_visit", url.Values{"preset": {"矛盾已化解"}, "note": {"双方已握手言和"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second return visit: %d %s", resp.StatusCode, body)
		}
		_, raw := grid.Do("GET", fmt.Sprintf("/api/v1/cases/%d", yellow.ID), nil)
		var cj struct {
			RiskLevel  string `json:"risk_level"`
			RiskVisits int    `json:"risk_visits"`
		}
		testutil.DecodeJSON(t, raw, &cj)
		if cj.RiskLevel != "yellow" || cj.RiskVisits != 2 {
			t.Fatalf("after two return visits: level %s, risk_visits %d, want yellow and 2", cj.RiskLevel, cj.RiskVisits)
		}
		incidents, err := st.Incidents(ctx, yellow.ID)
		if err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, in := range incidents {
			if in.Kind == model.IncidentReturnVisit {
				notes = append(notes, in.Note)
			}
		}
		if len(notes) != 2 || !strings.Contains(strings.Join(notes, "|"), "当事人情绪稳定") || !strings.Contains(strings.Join(notes, "|"), "矛盾已化解；双方已握手言和") {
			t.Fatalf("return-visit incidents: %q", notes)
		}
		if _, page := getPage(t, grid, path+"?done=recorded"); !strings.Contains(page, "回访已记录") || !strings.Contains(page, "本级预警以来已回访 2 次") {
			t.Error("the compact page does not confirm the visit or count it")
		}

		// A verified case: one tap on the satisfaction.
		for i, tc := range []struct{ satisfaction, state, done string }{
			{"satisfied", "followed_up", "visited"},
			{"unsatisfied", "in_progress", "reopened"},
		} {
			c := plainCase(t, st, clerk, "622922100202", 20+i, map[string]any{"action": "accept"}, map[string]any{"action": "handle"})
			f := &flow{t: t, id: c.ID}
			f.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral"}, "resolved")
			f.act(clerk, "verify", nil, "verified")
			p := fmt.Sprintf("/grid/cases/%d", c.ID)
			if _, page := getPage(t, grid, p); !strings.Contains(page, `data-testid="grid-sat-`+tc.satisfaction+`"`) {
				t.Fatalf("no %s button on a verified case", tc.satisfaction)
			}
			resp, body := postGridForm(t, srv, grid, p+"/visit", url.Values{"satisfaction": {tc.satisfaction}, "state": {"verified"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != p+"?done="+tc.done {
				t.Fatalf("visit %s: %d %q %s", tc.satisfaction, resp.StatusCode, resp.Header.Get("Location"), body)
			}
			got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
			if err != nil || got.State != tc.state {
				t.Fatalf("after %s: state %s (%v), want %s", tc.satisfaction, got.State, err, tc.state)
			}
			// The page no longer offers the satisfaction buttons; a stale tap is refused on the page.
			resp, body = postGridForm(t, srv, grid, p+"/visit", url.Values{"satisfaction": {tc.satisfaction}, "state": {"verified"}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `data-testid="error"`) {
				t.Fatalf("a second visit: %d", resp.StatusCode)
			}
		}
		// No satisfaction: the message stands next to the buttons.
		c := plainCase(t, st, clerk, "622922100202", 30, map[string]any{"action": "accept"}, map[string]any{"action": "handle"})
		f := &flow{t: t, id: c.ID}
		f.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral"}, "resolved")
		f.act(clerk, "verify", nil, "verified")
		resp, body = postGridForm(t, srv, grid, fmt.Sprintf("/grid/cases/%d/visit", c.ID), url.Values{"state": {"verified"}, "note": {"电话回访"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="field-error-satisfaction"`) || !strings.Contains(body, "电话回访") {
			t.Fatalf("visit without satisfaction: %d", resp.StatusCode)
		}
	})
}
