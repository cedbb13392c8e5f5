package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Scenario is one request and what its answer must be, in the manner of pocketbase's
// tests.ApiScenario: who asks, with which method, URL and body, then the status and
// what the body must and must not contain. Pages and the API are tried alike.
type Scenario struct {
	Name        string  // the subtest's name; "<method> <url>" when empty
	As          *Client // who asks; nil for a visitor without a session
	Method      string
	URL         string
	Body        any // nil, url.Values (a form), Upload (a file), []byte (raw JSON), or a value sent as JSON
	Status      int
	Contains    []string                                             // each must appear in the body
	NotContains []string                                             // none may appear in the body
	Check       func(t *testing.T, resp *http.Response, body []byte) // anything else the answer must show
}

// Upload is a multipart form with one file, as a browser's file input sends it.
type Upload struct {
	Field, Filename string
	Content         []byte
	Values          url.Values // the form's other fields
}

// RunScenarios runs each scenario as a parallel subtest of t against srv. Scenarios
// that write must not change what another scenario expects: they run in any order.
func RunScenarios(t *testing.T, srv *Server, scenarios []Scenario) {
	t.Helper()
	anonymous := srv.NewClient(t)
	for _, sc := range scenarios {
		t.Run(sc.title(), func(t *testing.T) {
			t.Parallel()
			c := sc.As
			if c == nil {
				c = anonymous
			}
			sc.test(t, c)
		})
	}
}

func (sc Scenario) title() string {
	if sc.Name != "" {
		return sc.Name
	}
	return sc.Method + " " + sc.URL
}

// test sends the request and checks the answer.
func (sc Scenario) test(t *testing.T, c *Client) {
	req, err := sc.request(c)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", sc.Method, sc.URL, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", sc.Method, sc.URL, err)
	}
	if resp.StatusCode != sc.Status {
		t.Errorf("status %d, want %d; body: %s", resp.StatusCode, sc.Status, Excerpt(body))
	}
	for _, s := range sc.Contains {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("body lacks %q: %s", s, Excerpt(body))
		}
	}
	for _, s := range sc.NotContains {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("body contains %q, which it must not: %s", s, Excerpt(body))
		}
	}
	if sc.Check != nil && !t.Failed() {
		sc.Check(t, resp, body)
	}
}

// request builds the HTTP request of the scenario for client c.
func (sc Scenario) request(c *Client) (*http.Request, error) {
	var rd io.Reader
	contentType := ""
	switch b := sc.Body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case Upload:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range b.Values {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		fw, err := mw.CreateFormFile(b.Field, b.Filename)
		if err != nil {
			return nil, err
		}
		fw.Write(b.Content)
		if err := mw.Close(); err != nil {
			return nil, err
		}
		rd, contentType = &buf, mw.FormDataContentType()
	case []byte:
		rd, contentType = bytes.NewReader(b), "application/json"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(sc.Method, c.base+sc.URL, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	return req, nil
}

// Excerpt shortens a body for a failure message; of a page, the text of its body.
func Excerpt(b []byte) string {
	const max = 300
	s := string(b)
	if i := strings.Index(s, "<body"); i >= 0 {
		s = strings.Join(strings.Fields(htmlTag.ReplaceAllString(s[i:], " ")), " ")
	}
	if r := []rune(s); len(r) > max {
		return fmt.Sprintf("%s… (%d bytes)", string(r[:max]), len(b))
	}
	return s
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// DecodeJSON decodes a JSON body into v, failing the test when it is not JSON of
// that shape: an assertion about a decoded value must not pass on an error page.
func DecodeJSON(t testing.TB, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("not the JSON expected (%T): %v: %s", v, err, Excerpt(body))
	}
}
