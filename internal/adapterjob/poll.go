package adapterjob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// MaxPollPages bounds the pages one poll of a platform reads: a platform that hands
// out a next cursor for ever does not hold the job; the next poll goes on from where
// this one stopped.
const MaxPollPages = 50

// maxPageBytes bounds one page of a poll's answer.
const maxPageBytes = 8 << 20

// PollInterval is how often the poll job looks for platforms due a poll; each
// platform is polled at its own interval, no more often than this.
const PollInterval = 15 * time.Second

// Poll polls every active platform whose poll is due at now and registers what they
// answer; it counts the orders it read. The job runner runs it on one node at a time
// (its lease), and each platform's cursor is in the database, so whichever node polls
// next goes on from it. A platform that fails is recorded on it (poll_error) and
// the others are polled all the same.
func (s *Service) Poll(ctx context.Context, now time.Time) (int, error) {
	ps, err := s.Store.Platforms(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, p := range ps {
		if !p.Active || p.PollURL == "" || p.PollSeconds <= 0 {
			continue
		}
		if p.PolledAt != nil && now.Before(p.PolledAt.Add(time.Duration(p.PollSeconds)*time.Second)) {
			continue
		}
		n, cursor, perr := s.PollOne(ctx, p)
		total += n
		msg := ""
		if perr != nil {
			msg = perr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			if s.Log != nil {
				s.Log.Warn("platform poll failed", "platform", p.Code, "err", perr)
			}
		}
		if err := s.Store.SavePollState(ctx, p.ID, cursor, now, msg); err != nil {
			return total, err
		}
	}
	return total, nil
}

// PollOne reads p's poll endpoint from its cursor, page by page, registering each
// order, and returns how many it read and the cursor to go on from. It stops at the
// first error, having kept what came before it.
func (s *Service) PollOne(ctx context.Context, p store.Platform) (int, string, error) {
	m, err := adapters.ParseMapping(p.Mapping)
	if err != nil {
		return 0, p.PollCursor, err
	}
	cursor, n := p.PollCursor, 0
	// An order the platform wrote wrong (a field error) is skipped and reported, so
	// that one bad order does not hold every later one; any other failure stops the
	// poll where it is, to be tried again.
	var refused []error
	for page := 0; page < MaxPollPages; page++ {
		body, err := s.fetch(ctx, p, cursor)
		if err != nil {
			return n, cursor, errors.Join(append(refused, err)...)
		}
		pg, err := adapters.ParsePage(body, m)
		if err != nil {
			return n, cursor, errors.Join(append(refused, fmt.Errorf("page after cursor %q: %w", cursor, err))...)
		}
		for i, raw := range pg.Orders {
			_, err := s.Receive(ctx, p, raw)
			var fe *model.FieldError
			if errors.As(err, &fe) {
				refused = append(refused, fmt.Errorf("order %d of the page after cursor %q refused: %s: %w", i, cursor, fe.Field, err))
				continue
			}
			if err != nil {
				return n, cursor, errors.Join(append(refused, fmt.Errorf("order %d of the page after cursor %q: %w", i, cursor, err))...)
			}
			n++
		}
		if len(pg.Orders) == 0 || pg.NextCursor == "" || pg.NextCursor == cursor {
			if pg.NextCursor != "" {
				cursor = pg.NextCursor
			}
			break
		}
		cursor = pg.NextCursor
	}
	return n, cursor, errors.Join(refused...)
}

// fetch GETs one page of p's poll endpoint after cursor, signed as pushes are (over
// an empty body), so the platform knows who asks.
func (s *Service) fetch(ctx context.Context, p store.Platform, cursor string) ([]byte, error) {
	u, err := url.Parse(p.PollURL)
	if err != nil {
		return nil, err
	}
	if cursor != "" {
		q := u.Query()
		q.Set("cursor", cursor)
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	sign(req, p, nil, s.Now())
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("poll answered %s", resp.Status)
	}
	if len(body) > maxPageBytes {
		return nil, fmt.Errorf("poll page larger than %d bytes", maxPageBytes)
	}
	return body, nil
}

// sign puts the timestamp and signature headers of p on req, over body.
func sign(req *http.Request, p store.Platform, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set(p.TimestampHeader, ts)
	req.Header.Set(p.SignatureHeader, adapters.Sign(p.Secret, ts, body))
}

// PushChannel delivers push-backs from the outbox (notify.Channel): it posts the
// body, signed, to the push-back URL of the platform the recipient names. It is
// tried until the platform answers 2xx (KeepTrying): a platform that was down for a
// day still learns how its orders ended.
type PushChannel struct {
	Service *Service
}

// KeepTrying marks push-backs as never given up.
func (PushChannel) KeepTrying() bool { return true }

// Send posts one push-back.
func (c PushChannel) Send(ctx context.Context, m store.OutboxItem) error {
	idText, ok := strings.CutPrefix(m.Recipient, "platform:")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return fmt.Errorf("push-back to %q: not a platform", m.Recipient)
	}
	// A case's push-backs go in order: one whose predecessor is still undelivered
	// waits for it, and is tried again at its own backoff.
	earlier, err := c.Service.Store.EarlierPending(ctx, m.ID, m.Channel, m.Recipient, m.Subject)
	if err != nil {
		return err
	}
	if earlier {
		return fmt.Errorf("waiting for an earlier push-back of %s to be delivered", m.Subject)
	}
	p, err := c.Service.Store.Platform(ctx, id)
	if err != nil {
		return fmt.Errorf("push-back to platform %d: %w", id, err)
	}
	if p.PushURL == "" {
		return fmt.Errorf("platform %s has no push-back URL", p.Code)
	}
	body := []byte(m.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.PushURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Onedoor-Delivery", strconv.FormatInt(m.ID, 10))
	sign(req, p, body, c.Service.Now())
	resp, err := c.Service.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("platform %s answered %s", p.Code, resp.Status)
	}
	return nil
}
