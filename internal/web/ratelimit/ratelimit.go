// Package ratelimit counts what one client (an IP address) did recently, in memory:
// a sliding-window log per key, so "5 per 10 minutes" means exactly that at every
// instant, with a bound on the keys it remembers. It is pure but for the clock, which
// tests inject.
//
// Counts live in one process: behind several nodes each node counts on its own, so
// the effective limit is the limit times the nodes a client reaches.
package ratelimit

import (
	"sync"
	"time"
)

// DefaultMaxKeys bounds the keys a limiter remembers.
const DefaultMaxKeys = 10000

// Limiter allows Limit events per key within any Window.
type Limiter struct {
	Limit   int
	Window  time.Duration
	MaxKeys int              // 0 means DefaultMaxKeys
	Now     func() time.Time // nil means time.Now

	mu   sync.Mutex
	hits map[string][]time.Time // per key, its events inside the window, oldest first; at most Limit
}

// New returns a limiter of limit events per key within window.
func New(limit int, window time.Duration) *Limiter {
	return &Limiter{Limit: limit, Window: window}
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// live drops the events of key that left the window and returns the rest; the caller
// holds the lock.
func (l *Limiter) live(key string, now time.Time) []time.Time {
	h := l.hits[key]
	i := 0
	for i < len(h) && !h[i].After(now.Add(-l.Window)) {
		i++
	}
	if i == len(h) {
		delete(l.hits, key)
		return nil
	}
	if i > 0 {
		h = append(h[:0], h[i:]...)
		l.hits[key] = h
	}
	return h
}

// Allow records an event of key and reports true when key is within its limit; when
// it is not, nothing is recorded and retry says how long until the next event may be.
func (l *Limiter) Allow(key string) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	h := l.live(key, now)
	if len(h) >= l.Limit {
		return false, h[0].Add(l.Window).Sub(now)
	}
	l.record(key, h, now)
	return true, 0
}

// Record counts an event of key whatever its count; past the limit the oldest is
// forgotten, so a key never holds more than Limit.
func (l *Limiter) Record(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	h := l.live(key, now)
	if len(h) >= l.Limit && len(h) > 0 {
		h = append(h[:0], h[1:]...)
	}
	l.record(key, h, now)
}

// Count is how many events of key lie inside the window now.
func (l *Limiter) Count(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.live(key, l.now()))
}

// Len is how many keys the limiter remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits)
}

// record appends now to key's live events h, first making room for a new key when
// the limiter is full: expired keys go, then the key whose last event is oldest.
func (l *Limiter) record(key string, h []time.Time, now time.Time) {
	if l.hits == nil {
		l.hits = map[string][]time.Time{}
	}
	max := l.MaxKeys
	if max <= 0 {
		max = DefaultMaxKeys
	}
	if _, known := l.hits[key]; !known && len(l.hits) >= max {
		oldest, oldestAt, found := "", time.Time{}, false
		for k := range l.hits {
			kh := l.live(k, now)
			if len(kh) > 0 && (!found || kh[len(kh)-1].Before(oldestAt)) {
				oldest, oldestAt, found = k, kh[len(kh)-1], true
			}
		}
		if len(l.hits) >= max {
			delete(l.hits, oldest)
		}
	}
	l.hits[key] = append(h, now)
}
