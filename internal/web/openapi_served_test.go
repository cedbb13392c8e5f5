package web_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/web/openapi"
)

// documented is what the description says of one operation: its example body (nil
// when it gives none), the schema component of its body ("" when it takes none),
// and its success status.
func documented(t *testing.T, doc map[string]any, method, path string) (example any, component string, status int) {
	t.Helper()
	item, _ := doc["paths"].(map[string]any)[path].(map[string]any)
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Fatalf("%s %s: not described", method, path)
	}
	if rb, ok := op["requestBody"].(map[string]any); ok {
		if mt, ok := rb["content"].(map[string]any)["application/json"].(map[string]any); ok {
			example = mt["example"]
			ref, _ := mt["schema"].(map[string]any)["$ref"].(string)
			component = strings.TrimPrefix(ref, openapi.RefPrefix)
		}
	}
	for code := range op["responses"].(map[string]any) {
		if n, err := strconv.Atoi(code); err == nil && n < 300 {
			status = n
		}
	}
	return example, component, status
}

// A few of the description's examples, sent as they are to the running server, get
// the status it documents.
func TestOpenAPIExamplesAreServed(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		doc := fetchOpenAPI(t, srv, "")
		admin := srv.Login(t, "county.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		leader := srv.Login(t, "county.leader", demo.Password)
		var caseID string
		for _, step := range []struct {
			who          *testutil.Client
			method, path string
		}{
			{admin, "POST", "/api/v1/departments"},
			{admin, "POST", "/api/v1/users"},
			{admin, "PUT", "/api/v1/calendar/{day}"},
			{admin, "POST", "/api/v1/deadline-rules"},
			{admin, "POST", "/api/v1/tokens"},
			{clerk, "POST", "/api/v1/cases"},
			{clerk, "POST", "/api/v1/cases/{id}/actions/{action}"},
			{clerk, "POST", "/api/v1/saved-filters"},
			{leader, "POST", "/api/v1/reception/sessions"},
		} {
			example, _, status := documented(t, doc, step.method, step.path)
			if example == nil {
				t.Fatalf("%s %s: no example", step.method, step.path)
			}
			path := strings.NewReplacer("{day}", "2026-10-01", "{id}", caseID, "{action}", "accept").Replace(step.path)
			resp, raw := step.who.Do(step.method, path, example)
			if resp.StatusCode != status {
				t.Errorf("%s %s: %d, documented %d: %s", step.method, step.path, resp.StatusCode, status, raw)
				continue
			}
			if step.path == "/api/v1/cases" {
				var c struct{ ID int64 }
				if err := json.Unmarshal(raw, &c); err != nil || c.ID == 0 {
					t.Fatalf("the case registered: %s", raw)
				}
				caseID = strconv.FormatInt(c.ID, 10)
			}
		}
	})
}

// The body the description gives each operation is the type its handler decodes:
// each route is sent its example (or {}) with an observer on the request, by the
// demo's accounts in turn until one gets as far as decoding. A route that decodes
// a body the description does not give fails too.
func TestDescribedBodiesAreTheDecodedOnes(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, true)
	doc := fetchOpenAPI(t, srv, "")
	handler := srv.App.Handler()
	admin := srv.Login(t, "county.admin", demo.Password)
	var tokens []string
	for _, name := range []string{"county.admin", "county.clerk", "county.leader", "county.mediator", "county.handler", "county.grid"} {
		resp, raw := admin.Do("GET", "/api/v1/users", nil)
		var users struct {
			Items []struct {
				ID       int64
				Username string
			}
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &users) != nil {
			t.Fatalf("users: %d %s", resp.StatusCode, raw)
		}
		for _, u := range users.Items {
			if u.Username == name {
				resp, raw := admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "openapi " + name, "user_id": u.ID})
				var tok struct{ Token string }
				if resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &tok) != nil {
					t.Fatalf("token for %s: %d %s", name, resp.StatusCode, raw)
				}
				tokens = append(tokens, tok.Token)
			}
		}
	}
	if len(tokens) != 6 {
		t.Fatalf("%d tokens", len(tokens))
	}
	// A case for the case routes to act on.
	clerk := srv.Login(t, "county.clerk", demo.Password)
	example, _, _ := documented(t, doc, "POST", "/api/v1/cases")
	resp, raw := clerk.Do("POST", "/api/v1/cases", example)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("case: %d %s", resp.StatusCode, raw)
	}

	// Routes no demo account gets as far as the body on: the templates are the
	// deployment's, and the demo county sits below its city.
	unreachable := map[string]bool{}
	wantUnreachable := map[string]bool{"PUT /api/v1/document-templates/{kind}": true}
	observed, withBody := 0, 0
	for _, pattern := range srv.App.Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") || method == "GET" {
			continue
		}
		example, component, _ := documented(t, doc, method, path)
		body := []byte(`{}`)
		if example != nil {
			body, _ = json.Marshal(example)
		}
		if component != "" {
			withBody++
		}
		url := strings.ReplaceAll(path, "/document-templates/{kind}", "/document-templates/acceptance")
		for wildcard, value := range examplePathValues {
			url = strings.ReplaceAll(url, wildcard, value)
		}
		var decoded reflect.Type
		for _, tok := range tokens {
			var c httpx.Contract
			req := httptest.NewRequest(method, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			handler.ServeHTTP(httptest.NewRecorder(), req.WithContext(httpx.Observe(req.Context(), &c)))
			if c.Body != nil {
				decoded = c.Body
				break
			}
		}
		switch {
		case decoded == nil && component != "":
			unreachable[pattern] = true
		case decoded == nil:
		case component == "":
			t.Errorf("%s: decodes %v, described as taking no body", pattern, decoded)
		case openapi.ComponentName(decoded) != component:
			t.Errorf("%s: decodes %s, described as %s", pattern, openapi.ComponentName(decoded), component)
		default:
			observed++
		}
	}
	if !maps.Equal(unreachable, wantUnreachable) || observed < 30 {
		t.Errorf("%d of %d described bodies seen decoded; not reached: %v, want %v", observed, withBody, unreachable, wantUnreachable)
	}
}

// A field the description marks required is refused when it is left out of the
// operation's example, and a text one character over its documented limit: 422
// naming it.
func TestDescribedRequiredFieldsAreRequired(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, true)
	doc := fetchOpenAPI(t, srv, "")
	admin := srv.Login(t, "county.admin", demo.Password)
	clerk := srv.Login(t, "county.clerk", demo.Password)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	checked := 0
	for _, step := range []struct {
		who          *testutil.Client
		method, path string
	}{
		{srv.NewClient(t), "POST", "/api/v1/session"},
		{admin, "POST", "/api/v1/departments"},
		{admin, "POST", "/api/v1/users"},
		{admin, "POST", "/api/v1/tokens"},
		{admin, "POST", "/api/v1/regions"},
		{clerk, "POST", "/api/v1/cases"},
		{clerk, "POST", "/api/v1/saved-filters"},
	} {
		example, component, _ := documented(t, doc, step.method, step.path)
		schema := schemas[component].(map[string]any)
		required, _ := schema["required"].([]any)
		if len(required) == 0 {
			t.Errorf("%s %s: no field is required", step.method, step.path)
		}
		for _, name := range required {
			body := map[string]any{}
			for k, v := range example.(map[string]any) {
				if k != name {
					body[k] = v
				}
			}
			resp, raw := step.who.Do(step.method, step.path, body)
			if e := testutil.DecodeError(t, raw); resp.StatusCode != http.StatusUnprocessableEntity || e.Error.Field != name {
				t.Errorf("%s %s without %s: %d %s", step.method, step.path, name, resp.StatusCode, raw)
			}
			checked++
		}
		// And a text longer than its documented limit is refused, naming it.
		props, _ := schema["properties"].(map[string]any)
		for name, p := range props {
			max, ok := p.(map[string]any)["maxLength"].(float64)
			if !ok {
				continue
			}
			body := maps.Clone(example.(map[string]any))
			body[name] = strings.Repeat("1", int(max)+1)
			resp, raw := step.who.Do(step.method, step.path, body)
			if e := testutil.DecodeError(t, raw); resp.StatusCode != http.StatusUnprocessableEntity || e.Error.Field != name {
				t.Errorf("%s %s with %s of %d characters: %d %s", step.method, step.path, name, int(max)+1, resp.StatusCode, raw)
			}
			body[name] = strings.Repeat("2", int(max))
			resp, raw = step.who.Do(step.method, step.path, body)
			if resp.StatusCode == http.StatusUnprocessableEntity && testutil.DecodeError(t, raw).Error.Field == name {
				t.Errorf("%s %s with %s of %d characters, its documented limit: %s", step.method, step.path, name, int(max), raw)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("only %d fields checked", checked)
	}
}

// The answer the description gives an operation is the type its handler answers
// with: each GET route is asked, by the demo's accounts in turn, with an observer.
func TestDescribedAnswersAreTheWrittenOnes(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, true)
	doc := fetchOpenAPI(t, srv, "")
	handler := srv.App.Handler()
	clerk := srv.Login(t, "county.clerk", demo.Password)
	example, _, _ := documented(t, doc, "POST", "/api/v1/cases")
	if resp, raw := clerk.Do("POST", "/api/v1/cases", example); resp.StatusCode != http.StatusCreated {
		t.Fatalf("case: %d %s", resp.StatusCode, raw)
	}
	var clients []*testutil.Client
	for _, name := range []string{"county.admin", "county.clerk", "county.leader", "county.mediator", "county.handler"} {
		clients = append(clients, srv.Login(t, name, demo.Password))
	}
	checked := 0
	for _, pattern := range srv.App.Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") || method != "GET" {
			continue
		}
		want := documentedAnswer(t, doc, path)
		url := strings.ReplaceAll(path, "/document-templates/{kind}", "/document-templates/acceptance")
		url = strings.ReplaceAll(url, "/evaluation/schemes/{code}", "/evaluation/schemes/standard")
		for wildcard, value := range examplePathValues {
			url = strings.ReplaceAll(url, wildcard, value)
		}
		var got string
		for _, c := range clients {
			var obs httpx.Contract
			req := httptest.NewRequest(method, url, nil)
			for _, ck := range c.HTTP.Jar.Cookies(req.URL) {
				req.AddCookie(ck)
			}
			u := *req.URL
			u.Scheme, u.Host = "http", strings.TrimPrefix(srv.URL, "http://")
			for _, ck := range c.HTTP.Jar.Cookies(&u) {
				req.AddCookie(ck)
			}
			handler.ServeHTTP(httptest.NewRecorder(), req.WithContext(httpx.Observe(req.Context(), &obs)))
			switch {
			case obs.Items != nil:
				got = "[]" + openapi.ComponentName(obs.Items)
			case obs.Answer != nil && obs.Answer.Kind() == reflect.Struct:
				got = openapi.ComponentName(obs.Answer)
			case obs.Answer != nil:
				got = obs.Answer.String()
			}
			if got != "" {
				break
			}
		}
		if want != "" && got != "" && want != got {
			t.Errorf("%s: answers %s, described as %s", pattern, got, want)
		}
		if want != "" && got != "" {
			checked++
		}
		if testing.Verbose() {
			t.Logf("%s: described %q, answers %q", pattern, want, got)
		}
	}
	if checked < 10 {
		t.Errorf("only %d answers checked", checked)
	}
}

// documentedAnswer names the JSON answer the description gives GET path: a
// component, []component for the list envelope, "" when it names none.
func documentedAnswer(t *testing.T, doc map[string]any, path string) string {
	t.Helper()
	op := doc["paths"].(map[string]any)[path].(map[string]any)["get"].(map[string]any)
	for code, r := range op["responses"].(map[string]any) {
		if n, _ := strconv.Atoi(code); n >= 300 {
			continue
		}
		content, _ := r.(map[string]any)["content"].(map[string]any)
		mt, _ := content["application/json"].(map[string]any)
		s, _ := mt["schema"].(map[string]any)
		if ref, ok := s["$ref"].(string); ok {
			return strings.TrimPrefix(ref, openapi.RefPrefix)
		}
		props, _ := s["properties"].(map[string]any)
		if items, ok := props["items"].(map[string]any); ok {
			ref, _ := items["items"].(map[string]any)["$ref"].(string)
			return "[]" + strings.TrimPrefix(ref, openapi.RefPrefix)
		}
	}
	return ""
}
