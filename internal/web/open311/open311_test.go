package open311_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web/open311"
	"github.com/onedoor/onedoor/internal/workflow"
)

// These tests are written from the GeoReport v2 specification
// (http://wiki.open311.org/GeoReport_v2) and the Service Discovery specification:
// every method in both formats, the error list and its statuses, and onedoor's
// extensions and privacy rules (docs/open311.md).

type env struct {
	t     *testing.T
	srv   *testutil.Server
	key   string          // the API token of an integration: it acts as county.clerk, who registers cases county-wide
	clerk *auth.Principal // fucheng.clerk, who takes the township's public cases
}

func setup(t *testing.T, st *store.Store) *env {
	t.Helper()
	srv := testutil.NewServer(t, st, true)
	ctx := context.Background()
	admin, _, err := st.UserCredentials(ctx, "county.admin")
	if err != nil {
		t.Fatal(err)
	}
	integration, _, err := st.UserCredentials(ctx, "county.clerk")
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := srv.App.Auth().IssueAPIToken(ctx, store.NotAudited("test fixture"), "wechat-miniapp", integration.ID, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	clerk, _, err := st.UserCredentials(ctx, "fucheng.clerk")
	if err != nil {
		t.Fatal(err)
	}
	ctok, _, err := srv.App.Auth().IssueAPIToken(ctx, store.NotAudited("test fixture"), "clerk", clerk.ID, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := srv.App.Auth().Token(ctx, ctok)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, key: key, clerk: p}
}

// do sends a request as a server would: no cookies, no Origin, no Sec-Fetch-Site.
func (e *env) do(method, path string, form url.Values, header ...string) (*http.Response, []byte) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (e *env) get(path string) (*http.Response, []byte) { e.t.Helper(); return e.do("GET", path, nil) }

// wantFormat checks the content type and, for XML, the declaration the spec asks for.
func wantFormat(t *testing.T, resp *http.Response, body []byte, ext string) {
	t.Helper()
	ct := resp.Header.Get("Content-Type")
	switch ext {
	case "json":
		if !strings.HasPrefix(ct, "application/json") || !json.Valid(body) {
			t.Fatalf("not JSON (%s): %s", ct, body)
		}
	case "xml":
		if !strings.HasPrefix(ct, "text/xml") || !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Fatalf("not XML with its declaration (%s): %s", ct, body)
		}
	}
}

type specError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// wantError checks a GeoReport error list in either format: the status, the code
// equal to it, and a description that contains want.
func wantError(t *testing.T, resp *http.Response, body []byte, ext string, status int, want string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	wantFormat(t, resp, body, ext)
	var errs []specError
	if ext == "json" {
		if err := json.Unmarshal(body, &errs); err != nil {
			t.Fatalf("not an error array: %s", body)
		}
	} else {
		var doc struct {
			XMLName xml.Name    `xml:"errors"`
			Errors  []specError `xml:"error"`
		}
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("not <errors>: %s", body)
		}
		errs = doc.Errors
	}
	if len(errs) != 1 || errs[0].Code != status || !strings.Contains(errs[0].Description, want) {
		t.Fatalf("errors %+v, want code %d mentioning %q", errs, status, want)
	}
}

type request struct {
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Token             string   `json:"token" xml:"token"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
}

// decodeRequests reads a service_requests answer in either format.
func decodeRequests(t *testing.T, resp *http.Response, body []byte, ext string) []request {
	t.Helper()
	wantFormat(t, resp, body, ext)
	var out []request
	if ext == "json" {
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("not a request array: %v %s", err, body)
		}
		return out
	}
	var doc struct {
		XMLName  xml.Name  `xml:"service_requests"`
		Requests []request `xml:"request"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not <service_requests>: %v %s", err, body)
	}
	return doc.Requests
}

// hazardForm is a valid submission of a fire hazard in 附城镇高林湾村.
func (e *env) hazardForm() url.Values {
	return url.Values{"api_key": {e.key}, "service_code": {"hazard.fire"}, "address_id": {"622922100200"},
		"description": {"村口小卖部门前堆放十几个液化气罐，旁边就是柴草垛。"}, "phone": {"13893001122"},
		"lat": {"35.37"}, "long": {"103.71"}, "first_name": {"秀兰"}, "last_name": {"王"}, "email": {"w@example.cn"}}
}

func (e *env) post(ext string, form url.Values) request {
	e.t.Helper()
	resp, body := e.do("POST", "/open311/v2/requests."+ext, form)
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("POST requests.%s: %d %s", ext, resp.StatusCode, body)
	}
	got := decodeRequests(e.t, resp, body, ext)
	if len(got) != 1 || got[0].ServiceRequestID == "" || len(got[0].Token) != cases.TrackingCodeLen || got[0].ServiceNotice == "" {
		e.t.Fatalf("POST answer %+v", got)
	}
	return got[0]
}

func TestOpen311Discovery(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		for _, ext := range []string{"json", "xml"} {
			resp, body := e.get("/open311/v2/discovery." + ext)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", ext, resp.StatusCode, body)
			}
			wantFormat(t, resp, body, ext)
			type ep struct {
				Specification string   `json:"specification" xml:"specification"`
				URL           string   `json:"url" xml:"url"`
				Changeset     string   `json:"changeset" xml:"changeset"`
				Type          string   `json:"type" xml:"type"`
				Formats       []string `json:"formats" xml:"formats>format"`
			}
			var doc struct {
				XMLName    xml.Name `json:"-" xml:"discovery"`
				Changeset  string   `json:"changeset" xml:"changeset"`
				Contact    string   `json:"contact" xml:"contact"`
				KeyService string   `json:"key_service" xml:"key_service"`
				Endpoints  []ep     `json:"endpoints" xml:"endpoints>endpoint"`
			}
			var err error
			if ext == "json" {
				err = json.Unmarshal(body, &doc)
			} else {
				err = xml.Unmarshal(body, &doc)
			}
			if err != nil || doc.Changeset == "" || !strings.Contains(doc.Contact, "康乐县") || doc.KeyService == "" || len(doc.Endpoints) != 1 {
				t.Fatalf("%s discovery %+v %v", ext, doc, err)
			}
			p := doc.Endpoints[0]
			if p.Specification != "http://wiki.open311.org/GeoReport_v2" || p.URL != e.srv.URL+"/open311/v2" || p.Type != "production" ||
				strings.Join(p.Formats, ",") != "text/xml,application/json" || p.Changeset == "" {
				t.Errorf("%s endpoint %+v", ext, p)
			}
		}
	})
}

type service struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

func TestOpen311Services(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		for _, ext := range []string{"json", "xml"} {
			resp, body := e.get("/open311/v2/services." + ext)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			wantFormat(t, resp, body, ext)
			var list []service
			if ext == "json" {
				testutil.DecodeJSON(t, body, &list)
			} else {
				var doc struct {
					XMLName  xml.Name  `xml:"services"`
					Services []service `xml:"service"`
				}
				xml.Unmarshal(body, &doc)
				list = doc.Services
			}
			byCode := map[string]service{}
			for _, s := range list {
				byCode[s.ServiceCode] = s
			}
			fire := byCode["hazard.fire"]
			if fire.ServiceName != "消防" || fire.Group != "安全隐患" || fire.Type != "realtime" || fire.Metadata {
				t.Errorf("%s hazard.fire %+v", ext, fire)
			}
			if dv := byCode["dispute.marriage.dv"]; dv.ServiceName != "家庭暴力" || dv.Group != "矛盾纠纷" || !strings.Contains(dv.Description, "婚姻家庭") {
				t.Errorf("%s dispute.marriage.dv %+v", ext, dv)
			}
			if _, ok := byCode["dispute.marriage"]; ok {
				t.Errorf("%s: a category with sub-categories is not a service of its own", ext)
			}
			if len(list) < 30 {
				t.Errorf("%s: %d services", ext, len(list))
			}

			resp, body = e.get("/open311/v2/services/hazard.fire." + ext)
			if resp.StatusCode != 200 {
				t.Fatalf("definition: %d %s", resp.StatusCode, body)
			}
			wantFormat(t, resp, body, ext)
			var def struct {
				XMLName     xml.Name `json:"-" xml:"service_definition"`
				ServiceCode string   `json:"service_code" xml:"service_code"`
				Attributes  []any    `json:"attributes"`
			}
			if ext == "json" {
				testutil.DecodeJSON(t, body, &def)
				if !strings.Contains(string(body), `"attributes":[]`) {
					t.Errorf("attributes are an empty list: %s", body)
				}
			} else if err := xml.Unmarshal(body, &def); err != nil {
				t.Fatal(err)
			}
			if def.ServiceCode != "hazard.fire" {
				t.Errorf("definition %s", body)
			}
			resp, body = e.get("/open311/v2/services/no.such." + ext)
			wantError(t, resp, body, ext, 404, "service_code")
		}
	})
}

// A POSTed request is created as an Open311 case at the right place and then appears,
// in both formats, in GET requests, GET requests/{id} and GET tokens/{token}.
func TestOpen311PostAndFollow(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		ctx := context.Background()
		village, _ := st.RegionByCode(ctx, "622922100200")
		for _, ext := range []string{"json", "xml"} {
			got := e.post(ext, e.hazardForm())
			if !strings.Contains(got.ServiceNotice, got.Token) || !strings.Contains(got.ServiceNotice, "附城镇综治中心") {
				t.Errorf("notice %q", got.ServiceNotice)
			}
			list, err := st.Cases(ctx, store.CaseFilter{TrackingCode: got.Token}, store.CaseScope{All: true})
			if err != nil || len(list) != 1 {
				t.Fatalf("case for %s: %v %v", got.Token, list, err)
			}
			c := list[0]
			if c.Channel != model.ChannelOpen311 || c.RegionID != village.ID || c.State != "registered" || c.Kind != model.KindHazard ||
				c.CategoryCode != "hazard.fire" || c.Lat == nil || len(c.Parties) != 1 || c.Parties[0].Name != "王秀兰" {
				t.Errorf("case %+v", c)
			}
			evs, _ := st.Events(ctx, c.ID)
			if len(evs) != 1 || !strings.Contains(string(evs[0].Payload), "open311:wechat-miniapp") {
				t.Errorf("events %+v", evs)
			}
			if got.ServiceRequestID == got.Token {
				t.Error("the public id must not be the tracking code")
			}

			for _, other := range []string{"json", "xml"} {
				resp, body := e.get("/open311/v2/requests." + other)
				if strings.Contains(string(body), got.Token) {
					t.Errorf("the listing shows a tracking code: %s", body)
				}
				found := false
				for _, r := range decodeRequests(t, resp, body, other) {
					found = found || r.ServiceRequestID == got.ServiceRequestID
				}
				if !found {
					t.Errorf("requests.%s lacks %s: %s", other, got.ServiceRequestID, body)
				}
				resp, body = e.get("/open311/v2/requests/" + got.ServiceRequestID + "." + other)
				one := decodeRequests(t, resp, body, other)
				if len(one) != 1 {
					t.Fatalf("requests/{id}.%s: %s", other, body)
				}
				r := one[0]
				if r.Status != "open" || r.ServiceCode != "hazard.fire" || r.ServiceName != "消防" || r.AgencyResponsible != "附城镇综治中心" ||
					r.Description != "村口小卖部门前堆放十几个液化气罐，旁边就是柴草垛。" || r.RequestedDatetime == "" || r.UpdatedDatetime == "" ||
					r.ExpectedDatetime == "" || r.AddressID != "622922100200" || r.Lat == nil || *r.Lat != 35.37 || r.Long == nil ||
					!strings.Contains(r.StatusNotes, "已登记") {
					t.Errorf("requests/{id}.%s %+v", other, r)
				}
				resp, body = e.get("/open311/v2/tokens/" + got.Token + "." + other)
				tok := decodeRequests(t, resp, body, other)
				if len(tok) != 1 || tok[0].ServiceRequestID != got.ServiceRequestID || tok[0].Token != got.Token {
					t.Errorf("tokens.%s: %s", other, body)
				}
			}
		}
		for _, ext := range []string{"json", "xml"} {
			resp, body := e.get("/open311/v2/requests/999999." + ext)
			wantError(t, resp, body, ext, 404, "service_request_id")
			resp, body = e.get("/open311/v2/tokens/ZZZZZZZZZZZZ." + ext)
			wantError(t, resp, body, ext, 404, "token")
			resp, body = e.get("/open311/v2/tokens/x." + ext)
			wantError(t, resp, body, ext, 404, "token")
		}
	})
}

// The API key is refused when missing or wrong (403), and a form the case cannot be
// made from is refused with 400 naming the field.
func TestOpen311PostRefusals(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		ctx := context.Background()
		for _, ext := range []string{"json", "xml"} {
			f := e.hazardForm()
			f.Del("api_key")
			resp, body := e.do("POST", "/open311/v2/requests."+ext, f)
			wantError(t, resp, body, ext, 403, "api_key")
			f.Set("api_key", "odt_not-a-token")
			resp, body = e.do("POST", "/open311/v2/requests."+ext, f)
			wantError(t, resp, body, ext, 403, "api_key")
			f.Set("api_key", "wrong-prefix")
			resp, body = e.do("POST", "/open311/v2/requests."+ext, f)
			wantError(t, resp, body, ext, 403, "api_key")
		}
		for _, tc := range []struct {
			name  string
			edit  func(url.Values)
			field string
		}{
			{"no phone", func(v url.Values) { v.Del("phone") }, "phone"},
			{"bad phone", func(v url.Values) { v.Set("phone", "12345") }, "phone"},
			{"no service_code", func(v url.Values) { v.Del("service_code") }, "service_code"},
			{"unknown service_code", func(v url.Values) { v.Set("service_code", "hazard.nope") }, "service_code"},
			{"parent category", func(v url.Values) { v.Set("service_code", "dispute.marriage") }, "service_code"},
			{"no description", func(v url.Values) { v.Del("description") }, "description"},
			{"no location", func(v url.Values) { v.Del("address_id"); v.Del("lat"); v.Del("long") }, "address_id"},
			{"lat/long only", func(v url.Values) { v.Del("address_id") }, "lat/long"},
			{"unplaceable address", func(v url.Values) { v.Del("address_id"); v.Set("address_string", "某地某处") }, "address_string"},
			{"unknown address_id", func(v url.Values) { v.Set("address_id", "999") }, "address_id"},
			{"unknown jurisdiction", func(v url.Values) { v.Set("jurisdiction_id", "110000") }, "jurisdiction_id"},
			{"lat without long", func(v url.Values) { v.Del("long") }, "lat"},
			{"lat not a number", func(v url.Values) { v.Set("lat", "north") }, "lat"},
			{"outside China", func(v url.Values) { v.Set("lat", "48.85"); v.Set("long", "2.35") }, "lat"},
		} {
			f := e.hazardForm()
			tc.edit(f)
			resp, body := e.do("POST", "/open311/v2/requests.json", f)
			if resp.StatusCode != 400 {
				t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
				continue
			}
			wantError(t, resp, body, "json", 400, tc.field)
		}
		// The phone is required by us, and the error says so.
		f := e.hazardForm()
		f.Del("phone")
		_, body := e.do("POST", "/open311/v2/requests.json", f)
		if !strings.Contains(string(body), "required by this centre") {
			t.Errorf("phone error: %s", body)
		}

		// Places: an address naming the village, a jurisdiction alone, a bearer key.
		for _, tc := range []struct {
			name string
			edit func(url.Values)
			code string
		}{
			{"address_string", func(v url.Values) {
				v.Del("address_id")
				v.Set("address_string", "康乐县附城镇高丰村东头")
			}, "622922100201"},
			{"jurisdiction_id", func(v url.Values) { v.Del("address_id"); v.Set("jurisdiction_id", "622922101") }, "622922101"},
			{"address_string in jurisdiction", func(v url.Values) {
				v.Del("address_id")
				v.Set("jurisdiction_id", "622922103")
				v.Set("address_string", "安龙村小学门口")
			}, "622922103201"},
		} {
			f := e.hazardForm()
			tc.edit(f)
			got := e.post("json", f)
			list, _ := st.Cases(ctx, store.CaseFilter{TrackingCode: got.Token}, store.CaseScope{All: true})
			want, _ := st.RegionByCode(ctx, tc.code)
			if len(list) != 1 || list[0].RegionID != want.ID {
				t.Errorf("%s: placed at %+v, want %s", tc.name, list, tc.code)
			}
		}
		f = e.hazardForm()
		f.Del("api_key")
		resp, body := e.do("POST", "/open311/v2/requests.json", f, "Authorization", "Bearer "+e.key)
		if resp.StatusCode != 201 {
			t.Errorf("bearer key: %d %s", resp.StatusCode, body)
		}
		// A browser page of another site cannot post (the CSRF guard); a server can.
		resp, body = e.do("POST", "/open311/v2/requests.json", e.hazardForm(), "Sec-Fetch-Site", "cross-site", "Accept", "application/json")
		if resp.StatusCode != 403 {
			t.Errorf("cross-site browser POST: %d %s", resp.StatusCode, body)
		}
	})
}

// The public listing shows only cases that came in through a public door, never a
// party's name, phone or ID number, and never a dispute's description or exact place.
func TestOpen311Privacy(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		ctx := context.Background()
		secret := "丈夫李大强长期殴打我，昨晚又打伤了我的头"
		f := e.hazardForm()
		f.Set("service_code", "dispute.marriage.dv")
		f.Set("description", secret)
		f.Set("address_string", "高林湾村三社12号")
		f.Set("phone", "13912345678")
		f.Set("last_name", "赵")
		f.Set("first_name", "春花")
		dv := e.post("json", f)

		f = e.hazardForm()
		f.Set("description", "我是王秀兰，电话13893001122，身份证622922197001011230，路口的消防栓坏了")
		hz := e.post("json", f)

		// A walk-in registered by the clerk is not public, whatever it says.
		cats, _ := st.Categories(ctx, store.CategoryFilter{})
		var fire int64
		for _, c := range cats {
			if c.Code == "hazard.fire" {
				fire = c.ID
			}
		}
		village, _ := st.RegionByCode(ctx, "622922100200")
		walk, err := e.srv.App.Cases().Register(ctx, e.clerk, cases.RegisterInput{Kind: model.KindHazard, CategoryID: fire,
			Channel: model.ChannelWalkIn, RegionID: village.ID, Description: "窗口登记的隐患，不应公开",
			Parties: []cases.PartyInput{{Name: "孙立新", Phone: "13700001111"}}})
		if err != nil {
			t.Fatal(err)
		}

		for _, ext := range []string{"json", "xml"} {
			// Without a key only hazards are public: the dispute is neither listed nor read.
			resp, body := e.get("/open311/v2/requests." + ext + "?page_size=200")
			for _, r := range decodeRequests(t, resp, body, ext) {
				if r.ServiceRequestID == dv.ServiceRequestID {
					t.Errorf("requests.%s without a key lists the dispute", ext)
				}
			}
			resp, body = e.get("/open311/v2/requests/" + dv.ServiceRequestID + "." + ext)
			wantError(t, resp, body, ext, 404, "service_request_id")
			// An integration holding a key reads it, without its content or its parties.
			resp, body = e.get("/open311/v2/requests." + ext + "?page_size=200&api_key=" + e.key)
			for _, leak := range []string{secret, "李大强", "赵春花", "13912345678", "王秀兰", "13893001122", "622922197001011230",
				"高林湾村三社12号", "窗口登记", "孙立新", dv.Token, hz.Token} {
				if strings.Contains(string(body), leak) {
					t.Errorf("requests.%s shows %q: %s", ext, leak, body)
				}
			}
			got := map[string]request{}
			for _, r := range decodeRequests(t, resp, body, ext) {
				got[r.ServiceRequestID] = r
			}
			d, h := got[dv.ServiceRequestID], got[hz.ServiceRequestID]
			if d.Description != "矛盾纠纷（内容不公开）" || d.Lat != nil || d.Long != nil || d.Address != "附城镇高林湾村" || d.ServiceCode != "dispute.marriage.dv" {
				t.Errorf("%s dispute %+v", ext, d)
			}
			if !strings.Contains(h.Description, "路口的消防栓坏了") || strings.Contains(h.Description, "1389300") {
				t.Errorf("%s hazard description %q", ext, h.Description)
			}
			if _, ok := got[strconvID(walk.ID)]; ok {
				t.Errorf("%s lists a walk-in case", ext)
			}
			resp, body = e.get("/open311/v2/requests/" + strconvID(walk.ID) + "." + ext)
			wantError(t, resp, body, ext, 404, "service_request_id")
			resp, body = e.get("/open311/v2/requests/" + dv.ServiceRequestID + "." + ext + "?api_key=" + e.key)
			if resp.StatusCode != 200 || strings.Contains(string(body), secret) || strings.Contains(string(body), "赵春花") {
				t.Errorf("requests/{id}.%s leaks: %s", ext, body)
			}
		}
	})
}

// Numbers typed the way Chinese input methods type them are masked whole, in the
// description and the address, on the listing and on the request itself; the rest of
// the text is shown as the citizen wrote it.
func TestOpen311MasksNumbersAsTyped(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		for _, tc := range []struct {
			name, description, address, want, wantAddress string
		}{
			{"full-width mobile", "电话１３９１２３４５６７８，路灯坏了", "", "电话***，路灯坏了", ""},
			{"full-width ID number", "身份证１１０１０５１９４９１２３１００２Ｘ，井盖丢了", "", "身份证***，井盖丢了", ""},
			{"spaced mobile", "有事打1 3 9 1 2 3 4 5 6 7 8", "", "有事打***", ""},
			{"grouped ID number", "身份证110105 19491231 002X，桥栏杆断了", "", "身份证***，桥栏杆断了", ""},
			{"the submitter's name and phone", "我是王秀兰，电话138-9300-1122，消防栓坏了", "", "我是***，电话***，消防栓坏了", ""},
			{"a phone in the address", "配电箱漏电", "高林湾村三社 找老王 0931 8123456", "配电箱漏电", "高林湾村三社 找老王 ***"},
			{"no number at all", "２号楼前的路灯坏了３天", "", "２号楼前的路灯坏了３天", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := e.hazardForm()
				f.Set("description", tc.description)
				if tc.address != "" {
					f.Set("address_string", tc.address)
				}
				posted := e.post("json", f)
				resp, body := e.get("/open311/v2/requests/" + posted.ServiceRequestID + ".json")
				one := decodeRequests(t, resp, body, "json")
				resp, body = e.get("/open311/v2/requests.json?page_size=200")
				var listed request
				for _, r := range decodeRequests(t, resp, body, "json") {
					if r.ServiceRequestID == posted.ServiceRequestID {
						listed = r
					}
				}
				for _, got := range []request{one[0], listed} {
					if got.Description != tc.want {
						t.Errorf("description %q, want %q", got.Description, tc.want)
					}
					if tc.wantAddress != "" && got.Address != tc.wantAddress {
						t.Errorf("address %q, want %q", got.Address, tc.wantAddress)
					}
				}
			})
		}
	})
}

func strconvID(id int64) string {
	b, _ := json.Marshal(id)
	return string(b)
}

// Filters: status, service_code, dates, a list of ids; paging with page and page_size.
func TestOpen311Filters(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		ctx := context.Background()
		var ids []string
		for i := 0; i < 5; i++ {
			ids = append(ids, e.post("json", e.hazardForm()).ServiceRequestID)
		}
		f := e.hazardForm()
		f.Set("service_code", "service.policy")
		f.Set("description", "想咨询一下低保申请需要哪些材料")
		policy := e.post("xml", f).ServiceRequestID
		ids = append(ids, policy)

		// The clerk turns the first one down: it is closed, with a public note.
		var first int64
		testutil.DecodeJSON(t, []byte(ids[0]), &first)
		if _, err := e.srv.App.Cases().Act(ctx, e.clerk, first, workflow.ActionReject, cases.ActInput{Note: "不属于本中心受理范围"}); err != nil {
			t.Fatal(err)
		}

		count := func(query, ext string) []request {
			t.Helper()
			sep := "?"
			if strings.Contains(query, "?") {
				sep = "&"
			}
			resp, body := e.get("/open311/v2/requests." + ext + query + sep + "api_key=" + e.key) // the service request is not a hazard
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
			}
			return decodeRequests(t, resp, body, ext)
		}
		for _, ext := range []string{"json", "xml"} {
			if n := len(count("", ext)); n != 6 {
				t.Errorf("%s all: %d", ext, n)
			}
			closed := count("?status=closed", ext)
			if len(closed) != 1 || closed[0].ServiceRequestID != ids[0] || closed[0].Status != "closed" ||
				!strings.Contains(closed[0].StatusNotes, "不予受理") || strings.Contains(closed[0].StatusNotes, "不属于") || closed[0].ExpectedDatetime != "" {
				t.Errorf("%s closed %+v", ext, closed)
			}
			if n := len(count("?status=open", ext)); n != 5 {
				t.Errorf("%s open: %d", ext, n)
			}
			if n := len(count("?status=open,closed", ext)); n != 6 {
				t.Errorf("%s open,closed: %d", ext, n)
			}
			if got := count("?service_code=service.policy", ext); len(got) != 1 || got[0].ServiceRequestID != policy {
				t.Errorf("%s service_code %+v", ext, got)
			}
			if n := len(count("?service_code=service.policy,hazard.fire", ext)); n != 6 {
				t.Errorf("%s two codes: %d", ext, n)
			}
			// service_request_id overrides every other parameter.
			if got := count("?service_request_id="+ids[1]+","+ids[2]+"&status=closed&start_date=2001-01-01", ext); len(got) != 2 {
				t.Errorf("%s id list %+v", ext, got)
			}
			if n := len(count("?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z", ext)); n != 0 {
				t.Errorf("%s old window: %d", ext, n)
			}
			// An unencoded '+' of the zone arrives as a space and is still read.
			if n := len(count("?start_date=2001-01-01T00:00:00+08:00", ext)); n != 0 {
				t.Errorf("%s start only: %d", ext, n)
			}
			resp, body := e.get("/open311/v2/requests." + ext + "?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z")
			wantError(t, resp, body, ext, 400, "90 days")
			resp, body = e.get("/open311/v2/requests." + ext + "?start_date=yesterday")
			wantError(t, resp, body, ext, 400, "start_date")
			resp, body = e.get("/open311/v2/requests." + ext + "?status=pending")
			wantError(t, resp, body, ext, 400, "status")
			resp, body = e.get("/open311/v2/requests." + ext + "?page_size=0")
			wantError(t, resp, body, ext, 400, "page_size")
			resp, body = e.get("/open311/v2/requests." + ext + "?page=-1")
			wantError(t, resp, body, ext, 400, "page")

			// Paging, newest first, with a Link to the next page.
			var seen []string
			for page := 1; page <= 3; page++ {
				resp, body := e.get("/open311/v2/requests." + ext + "?api_key=" + e.key + "&page_size=4&page=" + strconvID(int64(page)))
				got := decodeRequests(t, resp, body, ext)
				for _, r := range got {
					seen = append(seen, r.ServiceRequestID)
				}
				link := resp.Header.Get("Link")
				if (page == 1) != (link != "") || page == 1 && !strings.Contains(link, "page=2") {
					t.Errorf("%s page %d link %q", ext, page, link)
				}
			}
			want := []string{ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}
			if strings.Join(seen, ",") != strings.Join(want, ",") {
				t.Errorf("%s pages %v, want %v", ext, seen, want)
			}
			if n := len(count("?page_size=500", ext)); n != 6 {
				t.Errorf("%s page_size above the maximum is capped: %d", ext, n)
			}
		}
	})
}

// Every answer under /open311/, wrong paths and methods included, is a GeoReport
// error list in the format asked for.
func TestOpen311Routing(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		for _, ext := range []string{"json", "xml"} {
			resp, body := e.get("/open311/v2/nothing." + ext)
			wantError(t, resp, body, ext, 404, "no such resource")
			resp, body = e.get("/open311/v1/services." + ext)
			wantError(t, resp, body, ext, 404, "/open311/v2/")
			resp, body = e.get("/open311/v2/requests/abc." + ext)
			wantError(t, resp, body, ext, 404, "service_request_id")
			resp, body = e.do("POST", "/open311/v2/services."+ext, url.Values{"api_key": {e.key}})
			wantError(t, resp, body, ext, 405, "POST")
			if resp.Header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
			resp, body = e.do("DELETE", "/open311/v2/requests."+ext, nil)
			wantError(t, resp, body, ext, 405, "DELETE")
			if !strings.Contains(resp.Header.Get("Allow"), "POST") {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
		}
		// Without an extension the answer is XML, the format the specification requires.
		resp, body := e.get("/open311/v2/services")
		wantFormat(t, resp, body, "xml")
	})
}

// One API key may submit at most open311.SubmissionsPerMinute requests a minute; the
// next is refused with 429 and Retry-After, in the spec's error format.
func TestOpen311SubmissionLimit(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	e := setup(t, st)
	for i := 0; i < open311.SubmissionsPerMinute; i++ {
		e.post("json", e.hazardForm())
	}
	resp, body := e.do("POST", "/open311/v2/requests.json", e.hazardForm())
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), `"code":429`) {
		t.Fatalf("past the limit: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

// keyOf issues an API token acting as username.
func (e *env) keyOf(username string) string {
	e.t.Helper()
	ctx := context.Background()
	u, _, err := e.srv.Store.UserCredentials(ctx, username)
	if err != nil {
		e.t.Fatal(err)
	}
	key, _, err := e.srv.App.Auth().IssueAPIToken(ctx, store.NotAudited("test fixture"), username+"-client", u.ID, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return key
}

func (e *env) caseCount() int {
	e.t.Helper()
	list, err := e.srv.Store.Cases(context.Background(), store.CaseFilter{Limit: 1000}, store.CaseScope{All: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(list)
}

// An API key files a request only as its user could at the desk: the user must hold
// cases.register, the place must lie in their area, and what they are today counts —
// a user who lost the role, or was deactivated, files nothing with an old key.
func TestOpen311KeyIsNeverMoreThanItsUser(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		ctx := context.Background()
		viewer, admin, clerk := e.keyOf("fucheng.viewer"), e.keyOf("county.admin"), e.keyOf("fucheng.clerk")
		before := e.caseCount()
		for _, tc := range []struct {
			name  string
			key   string
			edit  func(url.Values)
			field string
		}{
			{"a viewer's key", viewer, func(url.Values) {}, "api_key"},
			{"an admin's key", admin, func(url.Values) {}, "api_key"},
			{"another township's village", clerk, func(v url.Values) { v.Set("address_id", "622922101206") }, "address_id"},
			{"another township by name", clerk, func(v url.Values) {
				v.Del("address_id")
				v.Set("address_string", "康乐县苏集镇古洞沟村村口")
			}, "address_id"},
			{"another township as jurisdiction", clerk, func(v url.Values) { v.Del("address_id"); v.Set("jurisdiction_id", "622922101") }, "address_id"},
			{"the county above the township", clerk, func(v url.Values) { v.Del("address_id"); v.Set("jurisdiction_id", "622922") }, "address_id"},
		} {
			for _, ext := range []string{"json", "xml"} {
				f := e.hazardForm()
				f.Set("api_key", tc.key)
				tc.edit(f)
				resp, body := e.do("POST", "/open311/v2/requests."+ext, f)
				wantError(t, resp, body, ext, http.StatusForbidden, tc.field)
			}
		}
		if n := e.caseCount(); n != before {
			t.Fatalf("%d requests filed past their users", n-before)
		}
		// In its own township the clerk's key files.
		f := e.hazardForm()
		f.Set("api_key", clerk)
		e.post("json", f)

		// What the user is now counts: a clerk made a viewer files nothing more ...
		u, _, _ := st.UserCredentials(ctx, "fucheng.clerk")
		u.Roles = []model.Role{model.RoleViewer}
		if err := st.UpdateUser(ctx, store.NotAudited("test fixture"), &u); err != nil {
			t.Fatal(err)
		}
		resp, body := e.do("POST", "/open311/v2/requests.json", f)
		wantError(t, resp, body, "json", http.StatusForbidden, "api_key")
		// ... and a deactivated user's key files nothing at all.
		u.Roles = []model.Role{model.RoleClerk}
		if err := st.UpdateUser(ctx, store.NotAudited("test fixture"), &u); err != nil {
			t.Fatal(err)
		}
		e.post("json", f)
		if err := st.SetUserActive(ctx, store.NotAudited("test fixture"), u.ID, false); err != nil {
			t.Fatal(err)
		}
		resp, body = e.do("POST", "/open311/v2/requests.json", f)
		wantError(t, resp, body, "json", http.StatusForbidden, "api_key")
	})
}

// With a key the listing shows more than hazards only where the key's user reads
// cases: a township's key reads its township's disputes and not another's, an
// administrator's key (who reads no cases) reads hazards only.
func TestOpen311KeyReadsOnlyItsUsersArea(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		dispute := func(addressID string) string {
			f := e.hazardForm()
			f.Set("service_code", "dispute.neighbour")
			f.Set("address_id", addressID)
			f.Set("description", "邻居在院墙边堆放柴草，双方多次争吵。")
			return e.post("json", f).ServiceRequestID
		}
		fucheng, suji := dispute("622922100200"), dispute("622922101206")
		hazard := e.post("json", e.hazardForm()).ServiceRequestID
		listed := func(key string) map[string]bool {
			t.Helper()
			resp, body := e.get("/open311/v2/requests.json?page_size=200&api_key=" + url.QueryEscape(key))
			out := map[string]bool{}
			for _, r := range decodeRequests(t, resp, body, "json") {
				out[r.ServiceRequestID] = true
			}
			return out
		}
		for _, tc := range []struct {
			who                   string
			key                   string
			fucheng, suji, hazard bool
		}{
			{"county.clerk", e.key, true, true, true},
			{"fucheng.clerk", e.keyOf("fucheng.clerk"), true, false, true},
			{"fucheng.viewer", e.keyOf("fucheng.viewer"), true, false, true},
			{"suji.handler", e.keyOf("suji.handler"), false, false, true}, // reads only what its department is given
			{"county.admin", e.keyOf("county.admin"), false, false, true},
			{"no key", "", false, false, true},
		} {
			got := listed(tc.key)
			if got[fucheng] != tc.fucheng || got[suji] != tc.suji || got[hazard] != tc.hazard {
				t.Errorf("%s lists fucheng %v, suji %v, hazard %v; want %v %v %v", tc.who, got[fucheng], got[suji], got[hazard], tc.fucheng, tc.suji, tc.hazard)
			}
			resp, body := e.get("/open311/v2/requests/" + suji + ".json?api_key=" + url.QueryEscape(tc.key))
			if tc.suji != (resp.StatusCode == http.StatusOK) {
				t.Errorf("%s reads the suji dispute: %d %s", tc.who, resp.StatusCode, body)
			}
		}
	})
}

// Parameters and form fields the resource does not take, or that come twice, are
// refused naming them, in the specification's error format.
func TestOpen311StrictParameters(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		e := setup(t, st)
		for _, ext := range []string{"json", "xml"} {
			for _, tc := range []struct{ path, want string }{
				{"/open311/v2/requests." + ext + "?colour=red", "colour: unknown parameter"},
				{"/open311/v2/requests." + ext + "?status=open&status=closed", "status: is given more than once"},
				{"/open311/v2/requests." + ext + "?service_code=%FF", "service_code: is not valid UTF-8"},
				{"/open311/v2/services." + ext + "?lang=en", "lang: unknown parameter"},
				{"/open311/v2/discovery." + ext + "?jurisdiction_id=622922", "jurisdiction_id: unknown parameter"},
				{"/open311/v2/tokens/ABCDEFGHJKMN." + ext + "?api_key=x", "api_key: unknown parameter"},
			} {
				resp, body := e.get(tc.path)
				wantError(t, resp, body, ext, http.StatusBadRequest, tc.want)
			}
			for _, ok := range []string{"/open311/v2/services." + ext + "?jurisdiction_id=622922",
				"/open311/v2/requests." + ext + "?jurisdiction_id=622922&status=open,closed&page=1&page_size=5"} {
				if resp, body := e.get(ok); resp.StatusCode != http.StatusOK {
					t.Errorf("%s: %d %s", ok, resp.StatusCode, body)
				}
			}
		}
		before := e.caseCount()
		f := e.hazardForm()
		f.Set("colour", "red")
		resp, body := e.do("POST", "/open311/v2/requests.json", f)
		wantError(t, resp, body, "json", http.StatusBadRequest, "colour: unknown field")
		f = e.hazardForm()
		f.Add("description", "第二个说法")
		resp, body = e.do("POST", "/open311/v2/requests.json", f)
		wantError(t, resp, body, "json", http.StatusBadRequest, "description: is given more than once")
		f = e.hazardForm()
		f.Set("description", "村口\xff")
		resp, body = e.do("POST", "/open311/v2/requests.json", f)
		wantError(t, resp, body, "json", http.StatusBadRequest, "description: a value is not valid UTF-8")
		if n := e.caseCount(); n != before {
			t.Fatalf("%d requests filed from refused forms", n-before)
		}
		// A service definition's attribute is the specification's, and is taken.
		f = e.hazardForm()
		f.Set("attribute[WHISPACE]", "1")
		e.post("json", f)
	})
}
