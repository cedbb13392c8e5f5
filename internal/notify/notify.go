// Package notify tells people what needs them: an in-app inbox, and outbound messages
// (SMS through an HTTP gateway, email over SMTP, signed webhooks) written to an outbox
// in the transaction of their cause and delivered later, with retries, by the job
// runner — so a slow gateway never slows or fails the request that caused a message.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"text/template"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// Message is one notification to a set of users.
type Message struct {
	Kind   string // due_soon, overdue, supervision, supervision_late, …
	CaseID int64
	Title  string
	Body   string
}

// Config says which outbound channels are on. The in-app inbox always is.
type Config struct {
	SMS         bool               // queue an SMS to every recipient with a phone
	SMSTemplate *template.Template // renders Title/Body/Kind/CaseID into the SMS text
	Webhook     bool               // queue one webhook call per message
	Email       bool               // queue an email to every recipient with an address
}

// DefaultSMSTemplate is the SMS text unless configured otherwise.
const DefaultSMSTemplate = "【综治中心】{{.Title}}。{{.Body}}"

// Notifier writes notifications and their outbox rows.
type Notifier struct {
	Config Config
}

// Send puts m in each recipient's inbox and queues its outbound copies, inside tx.
// Recipients are deduplicated.
func (n *Notifier) Send(ctx context.Context, tx *store.Tx, to []model.User, m Message, at time.Time) error {
	seen := map[int64]bool{}
	var recipients []model.User
	var recs []*store.Notification
	for _, u := range to {
		if seen[u.ID] || !u.Active {
			continue
		}
		seen[u.ID] = true
		recipients = append(recipients, u)
		recs = append(recs, &store.Notification{UserID: u.ID, CaseID: m.CaseID, Kind: m.Kind, Title: m.Title, Body: m.Body, CreatedAt: at})
	}
	if err := tx.InsertNotifications(ctx, recs); err != nil {
		return err
	}
	for i, u := range recipients {
		rec := recs[i]
		if n.Config.SMS && u.Phone != "" {
			text := m.Title + "。" + m.Body
			if n.Config.SMSTemplate != nil {
				var b bytes.Buffer
				if err := n.Config.SMSTemplate.Execute(&b, m); err == nil {
					text = b.String()
				}
			}
			if err := tx.InsertOutbox(ctx, &store.OutboxItem{NotificationID: rec.ID, Channel: "sms", Recipient: u.Phone, Body: text, CreatedAt: at}); err != nil {
				return err
			}
		}
	}
	if n.Config.Email {
		mailed := map[int64]bool{}
		for _, u := range to {
			if u.Email == "" || !u.Active || mailed[u.ID] {
				continue
			}
			mailed[u.ID] = true
			if err := tx.InsertOutbox(ctx, &store.OutboxItem{Channel: "email", Recipient: u.Email, Subject: m.Title, Body: m.Body, CreatedAt: at}); err != nil {
				return err
			}
		}
	}
	if n.Config.Webhook {
		body, _ := json.Marshal(map[string]any{"kind": m.Kind, "case_id": m.CaseID, "title": m.Title, "body": m.Body, "at": at.UTC()})
		return tx.InsertOutbox(ctx, &store.OutboxItem{Channel: "webhook", Recipient: m.Kind, Subject: m.Title, Body: string(body), CreatedAt: at})
	}
	return nil
}
