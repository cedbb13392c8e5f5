package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
)

// Client is a signed-in API client of one server; cmd/onedoor's crash test uses it too.
type Client struct {
	base string
	http *http.Client
	csrf string
}

// SignIn opens a session on the server at base as a demo account.
func SignIn(base, username string, timeout time.Duration) (*Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &Client{base: base, http: &http.Client{Jar: jar, Timeout: timeout}}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	st, err := c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": demo.Password}, &s)
	if err != nil || st != http.StatusCreated {
		return nil, fmt.Errorf("sign in as %s: status %d %v", username, st, err)
	}
	c.csrf = s.CSRF
	return c, nil
}

// Do sends body as JSON (a []byte as it is, already encoded) and decodes the answer
// into out; a status of 400 or more is an error that quotes the start of the answer.
func (c *Client) Do(method, path string, body, out any) (int, error) {
	var rd io.Reader
	switch body := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(body)
	default:
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "zh-CN")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return resp.StatusCode, fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}
