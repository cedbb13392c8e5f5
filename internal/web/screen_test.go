package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// screenAnswer is what the tests read of a screen's data.
type screenAnswer struct {
	Region   string
	Today    int64
	Headline []struct {
		ID   string
		Num  int64
		Text string
	}
	Warnings []struct {
		ID  string
		Num int64
	}
	Areas []struct {
		ID   int64
		Name string
	}
	Ticker []struct {
		Number, Region, Title string
	}
}

var screenURLRE = regexp.MustCompile(`data-testid="new-screen-url">[^<]*/screen/([A-Za-z0-9_-]+)<`)

// issueScreen issues a screen token for region through the admin's page and returns
// the token, read from the address the page shows once.
func issueScreen(t *testing.T, srv *testutil.Server, admin *testutil.Client, name string, region int64) string {
	t.Helper()
	resp, body := postForm(t, srv, admin, "/admin/screens", url.Values{"name": {name}, "region_id": {strconv.FormatInt(region, 10)}, "figure": {"intake"}})
	m := screenURLRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("issue a screen: %d %s", resp.StatusCode, testutil.Excerpt([]byte(body)))
	}
	return m[1]
}

func screenData(t *testing.T, c *testutil.Client, tok string) (int, screenAnswer) {
	t.Helper()
	resp, raw := c.Do("GET", "/screen/"+tok+"/data", nil)
	var s screenAnswer
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, s
}

// A screen token bounds what the screen shows to its region: a township's screen
// counts and lists only that township's cases (today's intake of another township
// never reaches it), names its villages on the map, and masks the parties; the
// county's screen sees both. A revoked token is refused, page and data alike.
func TestScreenTokenBoundsItsRegion(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(context.Background(), st, 400, 9); err != nil {
			t.Fatal(err)
		}
		clerk := srv.Login(t, "county.clerk", demo.Password)
		register := func(region, who, phone string) int64 {
			resp, raw := clerk.Do("POST", "/api/v1/cases", map[string]any{
				"kind": "dispute", "category_id": categoryID(t, st, "dispute.neighbour"), "channel": "walk_in",
				"region_id": regionID(t, st, region), "address": "村口",
				"description": who + "（电话 " + phone + "）反映邻居占用排水沟。", "title": who + "反映排水沟纠纷 " + phone, "urgency": "normal",
				"parties": []map[string]any{{"role": "applicant", "name": who, "phone": phone}},
			})
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
			var c struct{ ID int64 }
			testutil.DecodeJSON(t, raw, &c)
			return c.ID
		}
		inFucheng := register("622922100", "马福林", "13893021234")
		inSuji := register("622922101", "苏玉兰", "13893025678")

		admin := srv.Login(t, "county.admin", demo.Password)
		fucheng := issueScreen(t, srv, admin, "附城镇大厅", regionID(t, st, "622922100"))
		county := issueScreen(t, srv, admin, "县中心大厅", regionID(t, st, demo.CountyCode))
		anon := srv.NewClient(t) // the hall PC: no session

		if resp, raw := anon.Do("GET", "/screen/"+fucheng, nil); resp.StatusCode != 200 || !strings.Contains(string(raw), `data-testid="screen-map"`) {
			t.Fatalf("the screen's page: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		status, town := screenData(t, anon, fucheng)
		if status != 200 {
			t.Fatalf("the township's screen: %d", status)
		}
		status, all := screenData(t, anon, county)
		if status != 200 {
			t.Fatalf("the county's screen: %d", status)
		}
		numbers := func(s screenAnswer) map[string]bool {
			out := map[string]bool{}
			for _, it := range s.Ticker {
				out[it.Number] = true
				for _, leak := range []string{"马福林", "苏玉兰", "13893021234", "13893025678"} {
					if strings.Contains(it.Title, leak) {
						t.Errorf("the ticker shows %q: %q", leak, it.Title)
					}
				}
			}
			return out
		}
		townTicker, countyTicker := numbers(town), numbers(all)
		if !townTicker[strconv.FormatInt(inFucheng, 10)] || townTicker[strconv.FormatInt(inSuji, 10)] {
			t.Errorf("the township's ticker holds %v: want case %d and not %d", townTicker, inFucheng, inSuji)
		}
		if !countyTicker[strconv.FormatInt(inFucheng, 10)] || !countyTicker[strconv.FormatInt(inSuji, 10)] {
			t.Errorf("the county's ticker holds %v: want %d and %d", countyTicker, inFucheng, inSuji)
		}
		// Every case the township's ticker names lies in the township.
		fuchengPath := ""
		if g, err := st.RegionByCode(context.Background(), "622922100"); err == nil {
			fuchengPath = g.Path
		}
		for n := range townTicker {
			id, _ := strconv.ParseInt(n, 10, 64)
			c, err := st.Case(context.Background(), id, store.CaseScope{All: true})
			if err != nil || !strings.HasPrefix(c.RegionPath, fuchengPath) {
				t.Errorf("the township's ticker names case %s of %s (%v)", n, c.RegionPath, err)
			}
		}
		// Its numbers are the township viewer's: the same intake, the same warnings.
		viewer := getStats(t, srv.Login(t, "fucheng.viewer", demo.Password), "period=month")
		for _, h := range town.Headline {
			for _, v := range viewer.Headline {
				if v.Figure == h.ID && v.Num != h.Num {
					t.Errorf("the township's screen shows %s %d, its viewer %d", h.ID, h.Num, v.Num)
				}
			}
		}
		if town.Today < 1 || all.Today < town.Today+1 {
			t.Errorf("today's intake: township %d, county %d", town.Today, all.Today)
		}
		// The county's map is its townships; the township's the regions below it.
		childNames := func(code string) []string {
			g, err := st.RegionByCode(context.Background(), code)
			if err != nil {
				t.Fatal(err)
			}
			below, err := st.Regions(context.Background(), store.RegionFilter{ParentID: g.ID})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range below {
				names = append(names, r.Name)
			}
			slices.Sort(names)
			return names
		}
		areaNames := func(s screenAnswer) []string {
			var names []string
			for _, a := range s.Areas {
				names = append(names, a.Name)
			}
			slices.Sort(names)
			return names
		}
		townships := childNames(demo.CountyCode)
		if got := areaNames(all); !slices.Equal(got, townships) {
			t.Errorf("the county's areas are %v, want its townships %v", got, townships)
		}
		if got, want := areaNames(town), childNames("622922100"); !slices.Equal(got, want) {
			t.Errorf("the township's areas are %v, want %v", got, want)
		}
		// The county's map has its townships' outlines (the demo ships them).
		_, raw := anon.Do("GET", "/screen/"+county+"/map", nil)
		var fc struct {
			Features []struct {
				Properties struct{ Name string }
				Geometry   struct{ Type string }
			}
		}
		if err := json.Unmarshal(raw, &fc); err != nil || len(fc.Features) != len(townships) || fc.Features[0].Geometry.Type != "Polygon" {
			t.Errorf("the county's map: %v %s", err, testutil.Excerpt(raw))
		}

		// Revoked, the township's screen is refused at its next refresh.
		var id int64
		toks, err := st.ScreenTokens(context.Background(), "/")
		for _, tk := range toks {
			if tk.Name == "附城镇大厅" {
				id = tk.ID
			}
		}
		if err != nil || id == 0 {
			t.Fatalf("the token's row: %v", err)
		}
		if resp, body := postForm(t, srv, admin, fmt.Sprintf("/admin/screens/%d/revoke", id), url.Values{}); resp.StatusCode != 303 {
			t.Fatalf("revoke: %d %s", resp.StatusCode, body)
		}
		if status, _ := screenData(t, anon, fucheng); status != 403 {
			t.Errorf("a revoked token's data: %d, want 403", status)
		}
		if resp, raw := anon.Do("GET", "/screen/"+fucheng, nil); resp.StatusCode != 403 || !strings.Contains(string(raw), "screen-refused") {
			t.Errorf("a revoked token's page: %d", resp.StatusCode)
		}
		if status, _ := screenData(t, anon, county); status != 200 {
			t.Errorf("the county's screen after the township's was revoked: %d", status)
		}
		for _, bad := range []string{"ods_nothing", fucheng + "x", "odt_" + fucheng[4:]} {
			if status, _ := screenData(t, anon, bad); status != 403 && status != 404 {
				t.Errorf("token %q: %d", bad, status)
			}
		}
		// A screen for a region outside the admin's subtree is refused, naming the field;
		// so is an unknown figure.
		townAdmin := srv.Login(t, "fucheng.admin", demo.Password)
		for field, form := range map[string]url.Values{
			"region": {"name": {"越权"}, "region_id": {strconv.FormatInt(regionID(t, st, "622922101"), 10)}},
			"figure": {"name": {"错指标"}, "region_id": {strconv.FormatInt(regionID(t, st, "622922100"), 10)}, "figure": {"repeat_rate"}},
			"name":   {"name": {""}, "region_id": {strconv.FormatInt(regionID(t, st, "622922100"), 10)}},
		} {
			resp, body := postForm(t, srv, townAdmin, "/admin/screens", form)
			want := map[string]string{"region": "region_id", "figure": "figure", "name": "name"}[field]
			if resp.StatusCode != 422 || !strings.Contains(body, "field-error-"+want) {
				t.Errorf("%s: %d, want 422 naming %s", field, resp.StatusCode, want)
			}
		}
		if resp, _ := srv.Login(t, "county.leader", demo.Password).Do("GET", "/admin/screens", nil); resp.StatusCode != 403 {
			t.Errorf("a leader opened the screens' page: %d", resp.StatusCode)
		}
	})
}

// uploadOutline posts a GeoJSON file as the admin page's form does.
func uploadOutline(t *testing.T, srv *testutil.Server, c *testutil.Client, region int64, geojson string) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("region_id", strconv.FormatInt(region, 10))
	fw, _ := mw.CreateFormFile("geojson", "outline.geojson")
	fw.Write([]byte(geojson))
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/admin/outlines", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF)
	resp, raw := c.Send(req)
	return resp, string(raw)
}

// An uploaded outline is checked: a mistake is named with where it is; a good one
// replaces the region's outline and the screen's map draws it.
func TestScreenOutlineUpload(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		below, err := st.Regions(context.Background(), store.RegionFilter{ParentID: regionID(t, st, "622922100")})
		if err != nil || len(below) == 0 {
			t.Fatalf("the township's villages: %v", err)
		}
		village := below[0].ID
		for geo, want := range map[string]string{
			`{"type":"Polygon","coordinates":[[[103.7,35.3],[103.8,35.3],[103.8,35.4],[103.71,35.41]]]}`:                     "第 1 个要素第 1 个多边形的第 1 个环未闭合",
			`{"type":"Point","coordinates":[103.7,35.3]}`:                                                                    "不支持的 GeoJSON 类型「Point」",
			`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[]}}]}`: "几何类型是「LineString」",
			`{"type":"Polygon","coordinates":[[[203.7,35.3],[103.8,35.3],[103.8,35.4],[203.7,35.3]]]}`:                       "第 1 个点 [203.7, 35.3] 不是经纬度",
			`{"type":"Polygon",`: "不是有效的 JSON",
		} {
			resp, body := uploadOutline(t, srv, admin, village, geo)
			if resp.StatusCode != 422 || !strings.Contains(body, "field-error-geojson") || !strings.Contains(body, want) {
				t.Errorf("%s: %d, want 422 saying %q: %s", geo, resp.StatusCode, want, testutil.Excerpt([]byte(body)))
			}
		}
		good := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[103.70,35.30],[103.72,35.30],[103.72,35.32],[103.70,35.30]]]}}`
		if resp, body := uploadOutline(t, srv, admin, village, good); resp.StatusCode != 303 {
			t.Fatalf("a good outline: %d %s", resp.StatusCode, testutil.Excerpt([]byte(body)))
		}
		got, err := st.RegionOutlines(context.Background(), []int64{village})
		if err != nil || got[village] != `{"type":"Polygon","coordinates":[[[103.7,35.3],[103.72,35.3],[103.72,35.32],[103.7,35.3]]]}` {
			t.Errorf("stored %q %v", got[village], err)
		}
		if resp, _ := uploadOutline(t, srv, srv.Login(t, "suji.admin", demo.Password), village, good); resp.StatusCode != 422 {
			t.Errorf("another township's admin set the outline: %d", resp.StatusCode)
		}
	})
}
