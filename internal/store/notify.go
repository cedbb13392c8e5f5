package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Notification is a message in a user's in-app inbox.
type Notification struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	CaseID    int64      `json:"case_id,omitempty"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// OutboxItem is a message to deliver outside onedoor (SMS, email, webhook), written in
// the transaction of its cause and delivered later by the job runner.
type OutboxItem struct {
	ID             int64
	NotificationID int64
	Channel        string
	Recipient      string
	Subject        string
	Body           string
	CreatedAt      time.Time
	Attempts       int
	NextAttemptAt  time.Time
	DeliveredAt    *time.Time
	FailedAt       *time.Time
	LastError      string
}

// InsertNotification puts a message in a user's inbox.
func (tx *Tx) InsertNotification(ctx context.Context, n *Notification) error {
	return tx.queryRow(ctx, `INSERT INTO notifications (user_id, case_id, kind, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		n.UserID, nullInt64(n.CaseID), n.Kind, n.Title, n.Body, n.CreatedAt.UTC()).Scan(&n.ID)
}

// InsertNotifications puts each of ns in its user's inbox, filling in their ids; no
// two may be for the same user. On PostgreSQL they are one statement: a red warning
// tells half a dozen leaders and clerks, and a round trip each was a third of its
// registration's statements.
func (tx *Tx) InsertNotifications(ctx context.Context, ns []*Notification) error {
	byUser := make(map[int64]*Notification, len(ns))
	for _, n := range ns {
		if byUser[n.UserID] != nil {
			return fmt.Errorf("notifications: user %d twice", n.UserID)
		}
		byUser[n.UserID] = n
	}
	if tx.s.dialect != Postgres || len(ns) < 2 {
		for _, n := range ns {
			if err := tx.InsertNotification(ctx, n); err != nil {
				return err
			}
		}
		return nil
	}
	users, cases := make([]int64, len(ns)), make([]*int64, len(ns))
	kinds, titles, bodies := make([]string, len(ns)), make([]string, len(ns)), make([]string, len(ns))
	ats := make([]time.Time, len(ns))
	for i, n := range ns {
		users[i], kinds[i], titles[i], bodies[i], ats[i] = n.UserID, n.Kind, n.Title, n.Body, n.CreatedAt.UTC()
		if n.CaseID != 0 {
			cases[i] = &n.CaseID
		}
	}
	// RETURNING promises no order: each id is matched to its notification by user.
	rows, err := tx.query(ctx, `INSERT INTO notifications (user_id, case_id, kind, title, body, created_at)
		SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[]) RETURNING id, user_id`,
		users, cases, kinds, titles, bodies, ats)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, user int64
		if err := rows.Scan(&id, &user); err != nil {
			return err
		}
		byUser[user].ID = id
	}
	return rows.Err()
}

// InsertOutbox queues a message for delivery.
func (tx *Tx) InsertOutbox(ctx context.Context, o *OutboxItem) error {
	if o.NextAttemptAt.IsZero() {
		o.NextAttemptAt = o.CreatedAt
	}
	return tx.queryRow(ctx, `INSERT INTO outbox (notification_id, channel, recipient, subject, body, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, nullInt64(o.NotificationID), o.Channel, o.Recipient, o.Subject, o.Body,
		o.CreatedAt.UTC(), o.NextAttemptAt.UTC()).Scan(&o.ID)
}

// Notifications lists a user's inbox, newest first; unreadOnly narrows it.
func (s *Store) Notifications(ctx context.Context, userID int64, unreadOnly bool, before int64, limit int) ([]Notification, error) {
	q := "SELECT id, user_id, COALESCE(case_id, 0), kind, title, body, created_at, read_at FROM notifications WHERE user_id = ?"
	args := []any{userID}
	if unreadOnly {
		q += " AND read_at IS NULL"
	}
	if before > 0 {
		q += " AND id < ?"
		args = append(args, before)
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (Notification, error) {
		var n Notification
		var read sql.NullTime
		err := r.Scan(&n.ID, &n.UserID, &n.CaseID, &n.Kind, &n.Title, &n.Body, &n.CreatedAt, &read)
		n.ReadAt = timePtr(read)
		return n, err
	})
}

// MaxUnreadCount is as far as UnreadCount counts: a leader who never opens the inbox
// gathers tens of thousands of unread warnings, and counting them all for every page
// costs every page in proportion to them. A count above it says "more".
const MaxUnreadCount = 99

// UnreadCount is the number shown in the page header, counted up to
// MaxUnreadCount+1: that value means more than MaxUnreadCount.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT %d) u",
		MaxUnreadCount+1), userID).Scan(&n)
	return n, err
}

// MarkRead marks one of a user's notifications read (id 0: all of them).
func (s *Store) MarkRead(ctx context.Context, userID, id int64, at time.Time) error {
	if id == 0 {
		_, err := s.exec(ctx, NotAudited("a notice read"), "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", at.UTC(), userID)
		return err
	}
	res, err := s.exec(ctx, NotAudited("a notice read"), "UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE user_id = ? AND id = ?", at.UTC(), userID, id)
	return affectedOne(res, err, "")
}

// DueOutbox returns up to limit messages whose next attempt is due.
func (s *Store) DueOutbox(ctx context.Context, at time.Time, limit int) ([]OutboxItem, error) {
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id, COALESCE(notification_id, 0), channel, recipient, subject, body, created_at, attempts, next_attempt_at
		FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT %d`, limit), at.UTC())
	return scanAll(rows, err, func(r *sql.Rows) (OutboxItem, error) {
		var o OutboxItem
		err := r.Scan(&o.ID, &o.NotificationID, &o.Channel, &o.Recipient, &o.Subject, &o.Body, &o.CreatedAt, &o.Attempts, &o.NextAttemptAt)
		return o, err
	})
}

// RecordDelivery records one delivery attempt: delivered, or failed with the error and
// when to try again (giveUp marks it failed for good).
func (s *Store) RecordDelivery(ctx context.Context, id int64, at time.Time, deliveryErr string, next time.Time, giveUp bool) error {
	if deliveryErr == "" {
		_, err := s.exec(ctx, NotAudited("a delivery attempt"), "UPDATE outbox SET attempts = attempts + 1, delivered_at = ?, last_error = '' WHERE id = ?", at.UTC(), id)
		return err
	}
	var failed any
	if giveUp {
		failed = at.UTC()
	}
	_, err := s.exec(ctx, NotAudited("a delivery attempt"), "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, failed_at = ? WHERE id = ?",
		deliveryErr, next.UTC(), failed, id)
	return err
}

// Outbox lists every message (tests and the admin's delivery view), oldest first.
func (s *Store) Outbox(ctx context.Context) ([]OutboxItem, error) {
	rows, err := s.query(ctx, `SELECT id, COALESCE(notification_id, 0), channel, recipient, subject, body, created_at, attempts, next_attempt_at,
		delivered_at, failed_at, last_error FROM outbox ORDER BY id`)
	return scanAll(rows, err, func(r *sql.Rows) (OutboxItem, error) {
		var o OutboxItem
		var del, fail sql.NullTime
		err := r.Scan(&o.ID, &o.NotificationID, &o.Channel, &o.Recipient, &o.Subject, &o.Body, &o.CreatedAt, &o.Attempts, &o.NextAttemptAt, &del, &fail, &o.LastError)
		o.DeliveredAt, o.FailedAt = timePtr(del), timePtr(fail)
		return o, err
	})
}

// EarlierPending reports whether a message before id with the same channel,
// recipient and subject is still to be delivered: a platform must learn that its
// order was accepted before it learns that it was resolved.
func (s *Store) EarlierPending(ctx context.Context, id int64, channel, recipient, subject string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE channel = ? AND recipient = ? AND subject = ? AND id < ?
		AND delivered_at IS NULL AND failed_at IS NULL LIMIT 1) e`, channel, recipient, subject, id).Scan(&n)
	return n > 0, err
}
