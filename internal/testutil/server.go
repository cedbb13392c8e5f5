package testutil

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/config"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web"
)

// Server is a running onedoor over a fresh store.
type Server struct {
	*httptest.Server
	Store *store.Store
	App   *web.Server
	Cfg   *config.Config
}

// NewServer starts onedoor over st with default settings, with the demo county when
// withDemo is set, and stops it when the test ends.
func NewServer(t testing.TB, st *store.Store, withDemo bool) *Server {
	t.Helper()
	return NewServerWith(t, st, withDemo, nil)
}

// NewServerWith is NewServer with settings of the test's: configure, when not nil,
// changes the defaults before the server is built.
func NewServerWith(t testing.TB, st *store.Store, withDemo bool, configure func(*config.Config)) *Server {
	t.Helper()
	cfg, _, err := config.Load(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if configure != nil {
		configure(cfg)
	}
	if withDemo {
		if err := demo.SeedCounty(context.Background(), st); err != nil {
			t.Fatalf("demo county: %v", err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	app, err := web.New(cfg, log, st)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(app.Handler())
	t.Cleanup(ts.Close)
	return &Server{Server: ts, Store: st, App: app, Cfg: cfg}
}

// Serve runs an application built by the test (with a logger of its own) over st,
// with settings cfg, until the test ends.
func Serve(t testing.TB, app *web.Server, st *store.Store, cfg *config.Config) *Server {
	t.Helper()
	ts := httptest.NewServer(app.Handler())
	t.Cleanup(ts.Close)
	return &Server{Server: ts, Store: st, App: app, Cfg: cfg}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// Client is a browser-like API client: a cookie jar, and the CSRF token of its session.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	CSRF string
}

// NewClient returns a client with an empty cookie jar that does not follow redirects.
func (s *Server) NewClient(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: s.URL, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login signs in through POST /api/v1/session and keeps the session's CSRF token.
func (s *Server) Login(t testing.TB, username, password string) *Client {
	t.Helper()
	c := s.NewClient(t)
	resp, body := c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("login %s: %d %s", username, resp.StatusCode, body)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(body, &me); err != nil || me.CSRF == "" {
		t.Fatalf("login %s: no csrf token in %s", username, body)
	}
	c.CSRF = me.CSRF
	return c
}

// Do sends a JSON request (body nil for none) with the CSRF token when the client has
// one, and returns the response and its whole body.
func (c *Client) Do(method, path string, body any) (*http.Response, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		if raw, ok := body.([]byte); ok {
			rd = bytes.NewReader(raw)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				c.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	return c.Send(req)
}

// Send sends a prepared request and returns the response and its whole body.
func (c *Client) Send(req *http.Request) (*http.Response, []byte) {
	c.t.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, b
}

// APIError is the error body every API error has.
type APIError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// DecodeError parses an API error body, failing the test when it is not one.
func DecodeError(t testing.TB, body []byte) APIError {
	t.Helper()
	var e APIError
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not an API error body: %s", body)
	}
	return e
}
