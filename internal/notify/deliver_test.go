package notify_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
)

// fakeSMTP accepts one message and returns what it received.
func fakeSMTP(t *testing.T) (string, <-chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		say := func(s string) { io.WriteString(c, s+"\r\n") }
		say("220 fake ESMTP")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					say("250 ok")
					got <- data.String()
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 fake")
			case cmd == "DATA":
				inData = true
				say("354 go on")
			case cmd == "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTPDelivers(t *testing.T) {
	addr, got := fakeSMTP(t)
	m := store.OutboxItem{Channel: "email", Recipient: "clerk@example.gov.cn", Subject: "案件已超期", Body: "请立即处理"}
	if err := (notify.SMTP{Addr: addr, From: "onedoor@example.gov.cn"}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msg := <-got
	if !strings.Contains(msg, "To: clerk@example.gov.cn") || !strings.Contains(msg, "请立即处理") || !strings.Contains(msg, "=?UTF-8?B?") {
		t.Fatalf("message:\n%s", msg)
	}
}

func TestWebhookIsSigned(t *testing.T) {
	var sig, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sig, body = r.Header.Get("X-Onedoor-Signature"), string(b)
	}))
	defer srv.Close()
	payload, _ := json.Marshal(map[string]any{"kind": "overdue", "case_id": 7})
	if err := (notify.Webhook{URL: srv.URL, Secret: "s3cret"}).Send(context.Background(), store.OutboxItem{ID: 1, Body: string(payload)}); err != nil {
		t.Fatal(err)
	}
	if body != string(payload) || sig != notify.Sign("s3cret", payload) || !strings.HasPrefix(sig, "sha256=") {
		t.Fatalf("webhook: sig %q body %q", sig, body)
	}
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }))
	defer failing.Close()
	if err := (notify.SMSGateway{URL: failing.URL}).Send(context.Background(), store.OutboxItem{Recipient: "13800138000", Body: "x"}); err == nil {
		t.Fatal("a 502 from the gateway counted as delivered")
	}
}
