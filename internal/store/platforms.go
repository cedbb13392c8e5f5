package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Platform is another platform whose work orders come in (a 12345 hotline, the 信访
// information system), as the administrator configured it. Its mapping is
// adapters.Mapping as JSON, which the store keeps as it is given.
type Platform struct {
	ID              int64      `json:"id"`
	Code            string     `json:"code"`
	Name            string     `json:"name"`
	Kind            string     `json:"kind"`
	Secret          string     `json:"-"`
	SignatureHeader string     `json:"signature_header"`
	TimestampHeader string     `json:"timestamp_header"`
	PollURL         string     `json:"poll_url"`
	PollSeconds     int        `json:"poll_seconds"`
	PushURL         string     `json:"push_url"`
	Mapping         string     `json:"mapping"`
	Active          bool       `json:"active"`
	PollCursor      string     `json:"poll_cursor"`
	PolledAt        *time.Time `json:"polled_at,omitempty"`
	PollError       string     `json:"poll_error,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

const platformCols = `id, code, name, kind, secret, signature_header, timestamp_header, poll_url, poll_seconds, push_url, mapping,
	active, poll_cursor, polled_at, poll_error, created_at, updated_at`

func scanPlatform(r interface{ Scan(...any) error }) (Platform, error) {
	var p Platform
	var polled sql.NullTime
	err := r.Scan(&p.ID, &p.Code, &p.Name, &p.Kind, &p.Secret, &p.SignatureHeader, &p.TimestampHeader, &p.PollURL, &p.PollSeconds,
		&p.PushURL, &p.Mapping, &p.Active, &p.PollCursor, &polled, &p.PollError, &p.CreatedAt, &p.UpdatedAt)
	p.PolledAt = timePtr(polled)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// CreatePlatform saves a new platform; a code taken already is ErrConflict.
func (s *Store) CreatePlatform(ctx context.Context, e AuditEntry, p *Platform) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		p.CreatedAt, p.UpdatedAt = now(), now()
		id, err := tx.insertID(ctx, `INSERT INTO platforms (code, name, kind, secret, signature_header, timestamp_header, poll_url, poll_seconds,
			push_url, mapping, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Code, p.Name, p.Kind, p.Secret, p.SignatureHeader, p.TimestampHeader, p.PollURL, p.PollSeconds, p.PushURL, p.Mapping, p.Active,
			p.CreatedAt, p.UpdatedAt)
		if isUniqueViolation(err) {
			return fmt.Errorf("platform %s: %w", p.Code, ErrConflict)
		}
		p.ID = id
		tx.SetAuditObject(fmt.Sprintf("platform:%d", id))
		return err
	})
}

// UpdatePlatform saves an edited platform (all but its code, cursor and poll state).
func (s *Store) UpdatePlatform(ctx context.Context, e AuditEntry, p *Platform) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		p.UpdatedAt = now()
		res, err := tx.exec(ctx, `UPDATE platforms SET name = ?, kind = ?, secret = ?, signature_header = ?, timestamp_header = ?, poll_url = ?,
			poll_seconds = ?, push_url = ?, mapping = ?, active = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Kind, p.Secret, p.SignatureHeader, p.TimestampHeader, p.PollURL, p.PollSeconds, p.PushURL, p.Mapping, p.Active, p.UpdatedAt, p.ID)
		return affectedOne(res, err, "platform")
	})
}

// Platform reads one platform.
func (s *Store) Platform(ctx context.Context, id int64) (Platform, error) {
	p, err := scanPlatform(s.queryRow(ctx, "SELECT "+platformCols+" FROM platforms WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// PlatformByCode reads the platform of that code.
func (s *Store) PlatformByCode(ctx context.Context, code string) (Platform, error) {
	p, err := scanPlatform(s.queryRow(ctx, "SELECT "+platformCols+" FROM platforms WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Platforms lists every platform by name.
func (s *Store) Platforms(ctx context.Context) ([]Platform, error) {
	rows, err := s.query(ctx, "SELECT "+platformCols+" FROM platforms ORDER BY name, id")
	return scanAll(rows, err, func(r *sql.Rows) (Platform, error) { return scanPlatform(r) })
}

// SavePollState records where a poll of a platform stopped (its cursor), when, and
// its error ("" when it went well). The orders it brought are audited each.
func (s *Store) SavePollState(ctx context.Context, id int64, cursor string, at time.Time, pollErr string) error {
	_, err := s.exec(ctx, NotAudited("a platform's poll position"), "UPDATE platforms SET poll_cursor = ?, polled_at = ?, poll_error = ? WHERE id = ?",
		cursor, at.UTC(), pollErr, id)
	return err
}

// PlatformOrder is a work order received from a platform.
type PlatformOrder struct {
	ID           int64      `json:"id"`
	PlatformID   int64      `json:"platform_id"`
	ExternalID   string     `json:"external_id"`
	State        string     `json:"state"`
	CaseID       int64      `json:"case_id,omitempty"`
	TrackingCode string     `json:"-"` // the case's, once registered
	Payload      string     `json:"payload"`
	Problems     string     `json:"problems"`
	ReceivedAt   time.Time  `json:"received_at"`
	RegisteredAt *time.Time `json:"registered_at,omitempty"`
}

// Platform order states.
const (
	OrderParked     = "parked"
	OrderRegistered = "registered"
)

const platformOrderCols = `o.id, o.platform_id, o.external_id, o.state, COALESCE(o.case_id, 0), COALESCE(c.tracking_code, ''), o.payload,
	o.problems, o.received_at, o.registered_at`

const platformOrderFrom = " FROM platform_orders o LEFT JOIN cases c ON c.id = o.case_id "

func scanPlatformOrder(r interface{ Scan(...any) error }) (PlatformOrder, error) {
	var o PlatformOrder
	var reg sql.NullTime
	err := r.Scan(&o.ID, &o.PlatformID, &o.ExternalID, &o.State, &o.CaseID, &o.TrackingCode, &o.Payload, &o.Problems, &o.ReceivedAt, &reg)
	o.ReceivedAt, o.RegisteredAt = o.ReceivedAt.UTC(), timePtr(reg)
	return o, err
}

// PlatformOrder reads a platform's order by its id there.
func (s *Store) PlatformOrder(ctx context.Context, platformID int64, externalID string) (PlatformOrder, error) {
	o, err := scanPlatformOrder(s.queryRow(ctx, "SELECT "+platformOrderCols+platformOrderFrom+"WHERE o.platform_id = ? AND o.external_id = ?",
		platformID, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

// ParkedOrders lists a platform's orders waiting for a mapping, oldest first, up to
// limit.
func (s *Store) ParkedOrders(ctx context.Context, platformID int64, limit int) ([]PlatformOrder, error) {
	rows, err := s.query(ctx, fmt.Sprintf("SELECT "+platformOrderCols+platformOrderFrom+"WHERE o.platform_id = ? AND o.state = ? ORDER BY o.id LIMIT %d", limit),
		platformID, OrderParked)
	return scanAll(rows, err, func(r *sql.Rows) (PlatformOrder, error) { return scanPlatformOrder(r) })
}

// ParkedCounts is how many orders wait for a mapping, by platform.
func (s *Store) ParkedCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.query(ctx, "SELECT platform_id, COUNT(*) FROM platform_orders WHERE state = ? GROUP BY platform_id", OrderParked)
	out := map[int64]int{}
	_, err = scanAll(rows, err, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		out[id] = n
		return struct{}{}, err
	})
	return out, err
}

// ParkPlatformOrder records an order that waits for a mapping, or refreshes the
// payload and problems of one parked already (the platform sent it again). An order
// registered already is left as it is.
func (s *Store) ParkPlatformOrder(ctx context.Context, e AuditEntry, o *PlatformOrder) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		o.State = OrderParked
		if o.ReceivedAt.IsZero() {
			o.ReceivedAt = now()
		}
		err := tx.queryRow(ctx, `INSERT INTO platform_orders (platform_id, external_id, state, payload, problems, received_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (platform_id, external_id) DO UPDATE SET payload = excluded.payload, problems = excluded.problems
			WHERE platform_orders.state = 'parked' RETURNING id`,
			o.PlatformID, o.ExternalID, OrderParked, o.Payload, o.Problems, o.ReceivedAt.UTC()).Scan(&o.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("platform order %s: %w", o.ExternalID, ErrConflict)
		}
		tx.SetAuditObject(fmt.Sprintf("platform_order:%d", o.ID))
		return err
	})
}

// RegisterPlatformOrder records, inside the transaction of its new case, that the
// order became case caseID: a new row, or the parked one. An order registered
// already (by a push and a poll at the same moment, or on another node) is
// ErrConflict, and the transaction must roll back, case and all.
func (tx *Tx) RegisterPlatformOrder(ctx context.Context, o *PlatformOrder, caseID int64, at time.Time) error {
	o.State, o.CaseID = OrderRegistered, caseID
	if o.ReceivedAt.IsZero() {
		o.ReceivedAt = at
	}
	err := tx.queryRow(ctx, `INSERT INTO platform_orders (platform_id, external_id, state, case_id, payload, problems, received_at, registered_at)
		VALUES (?, ?, ?, ?, ?, '[]', ?, ?)
		ON CONFLICT (platform_id, external_id) DO UPDATE SET state = excluded.state, case_id = excluded.case_id, problems = '[]',
			registered_at = excluded.registered_at
		WHERE platform_orders.state = 'parked' RETURNING id`,
		o.PlatformID, o.ExternalID, OrderRegistered, caseID, o.Payload, o.ReceivedAt.UTC(), at.UTC()).Scan(&o.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("platform order %s: %w", o.ExternalID, ErrConflict)
	}
	tx.SetAuditObject(fmt.Sprintf("case:%d", caseID))
	return err
}

// CaseOrigin is the platform order a case came from.
type CaseOrigin struct {
	PlatformID   int64
	PlatformName string
	PlatformKind string
	PushURL      string
	ExternalID   string
}

// CaseOrigin reads the platform order case caseID came from; ErrNotFound when it
// came from none.
func (s *Store) CaseOrigin(ctx context.Context, caseID int64) (CaseOrigin, error) {
	return scanOrigin(s.queryRow(ctx, originQuery, caseID))
}

// CaseOrigin is Store.CaseOrigin inside tx.
func (tx *Tx) CaseOrigin(ctx context.Context, caseID int64) (CaseOrigin, error) {
	return scanOrigin(tx.queryRow(ctx, originQuery, caseID))
}

const originQuery = `SELECT p.id, p.name, p.kind, p.push_url, o.external_id FROM platform_orders o JOIN platforms p ON p.id = o.platform_id
	WHERE o.case_id = ?`

func scanOrigin(r interface{ Scan(...any) error }) (CaseOrigin, error) {
	var o CaseOrigin
	err := r.Scan(&o.PlatformID, &o.PlatformName, &o.PlatformKind, &o.PushURL, &o.ExternalID)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}
