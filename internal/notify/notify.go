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

// Message is one notification to a set of users. Its texts leave the case's staff
// (an SMS through the operator, an e-mail, a webhook to another system), so every copy,
// the inbox's too, carries them masked by model.MaskText: no phone or ID number, no
// name of a party, no tracking code, which is the citizen's alone.
type Message struct {
	Kind   string // due_soon, overdue, supervision, supervision_late, …
	CaseID int64
	Title  string
	Body   string
	// Private is what identifies the case's people. Send reads it when nil; Compose,
	// which has no transaction, masks with what it is given.
	Private *model.Private
}

// masked is m with its texts masked, and without what they were masked with: the SMS
// template, an administrator's, renders the message it is given.
func (m Message) masked() Message {
	var priv model.Private
	if m.Private != nil {
		priv = *m.Private
	}
	m.Title, m.Body = model.MaskText(m.Title, priv), model.MaskText(m.Body, priv)
	m.Private = nil
	return m
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

// Composed is a message's rows, unwritten: a notification a recipient, the text
// message of each that has one (SMS[i] belongs to Notifications[i]; nil for none), and
// the copies tied to no one notification (email, webhook).
type Composed struct {
	Notifications []*store.Notification
	SMS           []*store.OutboxItem
	Others        []*store.OutboxItem
}

// Compose is m for each of to, deduplicated and active only, as Send writes it.
func (n *Notifier) Compose(to []model.User, m Message, at time.Time) Composed {
	m = m.masked()
	var out Composed
	seen := map[int64]bool{}
	for _, u := range to {
		if seen[u.ID] || !u.Active {
			continue
		}
		seen[u.ID] = true
		out.Notifications = append(out.Notifications, &store.Notification{UserID: u.ID, CaseID: m.CaseID, Kind: m.Kind, Title: m.Title, Body: m.Body, CreatedAt: at})
		var sms *store.OutboxItem
		if n.Config.SMS && u.Phone != "" {
			sms = &store.OutboxItem{Channel: "sms", Recipient: u.Phone, Body: n.smsText(m), CreatedAt: at, NextAttemptAt: at}
		}
		out.SMS = append(out.SMS, sms)
	}
	if n.Config.Email {
		mailed := map[int64]bool{}
		for _, u := range to {
			if u.Email == "" || !u.Active || mailed[u.ID] {
				continue
			}
			mailed[u.ID] = true
			out.Others = append(out.Others, &store.OutboxItem{Channel: "email", Recipient: u.Email, Subject: m.Title, Body: m.Body, CreatedAt: at, NextAttemptAt: at})
		}
	}
	if n.Config.Webhook {
		body, _ := json.Marshal(map[string]any{"kind": m.Kind, "case_id": m.CaseID, "title": m.Title, "body": m.Body, "at": at.UTC()})
		out.Others = append(out.Others, &store.OutboxItem{Channel: "webhook", Recipient: m.Kind, Subject: m.Title, Body: string(body), CreatedAt: at, NextAttemptAt: at})
	}
	return out
}

// smsText is m, masked already, as a text message says it.
func (n *Notifier) smsText(m Message) string {
	if n.Config.SMSTemplate != nil {
		var b bytes.Buffer
		if err := n.Config.SMSTemplate.Execute(&b, m); err == nil {
			return b.String()
		}
	}
	return m.Title + "。" + m.Body
}

// Text queues m as a text message to each of phones, inside tx, when the SMS channel
// is on: how people without an account (a lawyer or a psychologist of the talent
// pool) are told, having no inbox. Its text is masked as Send's is; phones are
// deduplicated, empty ones skipped.
func (n *Notifier) Text(ctx context.Context, tx *store.Tx, phones []string, m Message, at time.Time) error {
	if !n.Config.SMS || len(phones) == 0 {
		return nil
	}
	if m.Private == nil && m.CaseID != 0 {
		priv, err := tx.CasePrivate(ctx, m.CaseID)
		if err != nil {
			return err
		}
		m.Private = &priv
	}
	text := n.smsText(m.masked())
	seen := map[string]bool{}
	for _, ph := range phones {
		if ph == "" || seen[ph] {
			continue
		}
		seen[ph] = true
		if err := tx.InsertOutbox(ctx, &store.OutboxItem{Channel: "sms", Recipient: ph, Body: text, CreatedAt: at, NextAttemptAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// Outbox is every outbound copy, each text message after its notification's id is
// known.
func (c Composed) Outbox() []*store.OutboxItem {
	var out []*store.OutboxItem
	for i, sms := range c.SMS {
		if sms != nil {
			sms.NotificationID = c.Notifications[i].ID
			out = append(out, sms)
		}
	}
	return append(out, c.Others...)
}

// Send puts m in each recipient's inbox and queues its outbound copies, inside tx.
// Recipients are deduplicated.
func (n *Notifier) Send(ctx context.Context, tx *store.Tx, to []model.User, m Message, at time.Time) error {
	if m.Private == nil && m.CaseID != 0 {
		priv, err := tx.CasePrivate(ctx, m.CaseID)
		if err != nil {
			return err
		}
		m.Private = &priv
	}
	c := n.Compose(to, m, at)
	if err := tx.InsertNotifications(ctx, c.Notifications); err != nil {
		return err
	}
	for _, o := range c.Outbox() {
		if err := tx.InsertOutbox(ctx, o); err != nil {
			return err
		}
	}
	return nil
}
