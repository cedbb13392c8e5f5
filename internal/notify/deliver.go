package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/smtp"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/store"
)

// Channel delivers one outbox message.
type Channel interface {
	Send(ctx context.Context, m store.OutboxItem) error
}

// LogSink "delivers" by logging: the default SMS channel until a gateway is configured.
type LogSink struct{ Log *slog.Logger }

// Send logs the message.
func (l LogSink) Send(_ context.Context, m store.OutboxItem) error {
	l.Log.Info("outbound message (log sink)", "channel", m.Channel, "to", m.Recipient, "text", m.Body)
	return nil
}

// SMSGateway posts {"phone","text"} as JSON to an HTTP SMS gateway; any 2xx is success.
type SMSGateway struct {
	URL    string
	Token  string // sent as a bearer token when set
	Client *http.Client
}

// Send posts the message to the gateway.
func (g SMSGateway) Send(ctx context.Context, m store.OutboxItem) error {
	body, _ := json.Marshal(map[string]string{"phone": m.Recipient, "text": m.Body})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	return postResult(g.client().Do(req))
}

func (g SMSGateway) client() *http.Client {
	if g.Client != nil {
		return g.Client
	}
	return &http.Client{Timeout: 10 * time.Second}
}

func postResult(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}

// Webhook posts the message's JSON to a URL with an HMAC-SHA256 signature of the body
// in X-Onedoor-Signature, so the receiver can check it came from onedoor.
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client
}

// Sign returns the signature header value for body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send posts the message.
func (w Webhook) Send(ctx context.Context, m store.OutboxItem) error {
	return w.Post(ctx, []byte(m.Body), fmt.Sprint(m.ID))
}

// Post posts a JSON body, signed, and names its delivery in X-Onedoor-Delivery
// unless delivery is empty.
func (w Webhook) Post(ctx context.Context, body []byte, delivery string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Onedoor-Signature", Sign(w.Secret, body))
	if delivery != "" {
		req.Header.Set("X-Onedoor-Delivery", delivery)
	}
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	return postResult(c.Do(req))
}

// SMTP sends email through a mail server (PLAIN auth when a user is set).
type SMTP struct {
	Addr, From, User, Password string
}

// Send mails the message; the recipient is the outbox row's address.
func (s SMTP) Send(_ context.Context, m store.OutboxItem) error {
	var auth smtp.Auth
	if s.User != "" {
		host, _, _ := strings.Cut(s.Addr, ":")
		auth = smtp.PlainAuth("", s.User, s.Password, host)
	}
	msg := "From: " + s.From + "\r\nTo: " + m.Recipient + "\r\nSubject: =?UTF-8?B?" + b64(m.Subject) +
		"?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + m.Body + "\r\n"
	return smtp.SendMail(s.Addr, auth, s.From, []string{m.Recipient}, []byte(msg))
}

// Persistent is a channel whose messages are never given up: each is tried, at the
// backoff's pace (at most an hour apart), until it is delivered. A platform's
// push-back is: the platform waits for how its order ended.
type Persistent interface {
	KeepTrying() bool
}

// MaxAttempts is how often a message is tried before it is marked failed, unless its
// channel is Persistent.
const MaxAttempts = 8

// Backoff is the wait before attempt n+1: 30 s doubling, at most an hour.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second << min(attempts, 7)
	return min(d, time.Hour)
}

// Deliverer sends due outbox messages through their channels and records each attempt.
type Deliverer struct {
	Store    *store.Store
	Channels map[string]Channel // by outbox channel name: sms, email, webhook
	Now      func() time.Time
}

// Deliver sends up to 200 due messages and returns how many it attempted.
func (d *Deliverer) Deliver(ctx context.Context) (int, error) {
	now := d.Now()
	due, err := d.Store.DueOutbox(ctx, now, 200)
	if err != nil {
		return 0, err
	}
	for _, m := range due {
		ch, ok := d.Channels[m.Channel]
		var sendErr error
		if !ok {
			sendErr = fmt.Errorf("no %s channel configured", m.Channel)
		} else {
			cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			sendErr = ch.Send(cctx, m)
			cancel()
		}
		msg := ""
		if sendErr != nil {
			msg = truncate(sendErr.Error(), 500)
		}
		giveUp := m.Attempts+1 >= MaxAttempts
		if p, ok := ch.(Persistent); ok && p.KeepTrying() {
			giveUp = false
		}
		if err := d.Store.RecordDelivery(ctx, m.ID, now, msg, now.Add(Backoff(m.Attempts)), giveUp); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
