package store

import (
	"sync"
	"time"
)

// dictCacheFor is how long Region and Category trust a row they read by id. Intake
// looks up the case's region and category for every case, a round trip each that was
// a sixth of an intake's on PostgreSQL, for rows an administrator changes a few times
// a year. Any change this process makes to them empties the cache at once
// (IdentityVersion); a change made by another server sharing the database takes effect
// within this time, as for sessions (auth.sessionCacheFor).
const dictCacheFor = 2 * time.Second

// maxDictEntries bounds a cache; past it, the cache starts afresh.
const maxDictEntries = 10000

// dictCache holds rows of a dictionary table (regions, categories) by id. The rows are
// plain values: what a caller does with its copy cannot reach the next caller.
type dictCache[V any] struct {
	mu      sync.Mutex
	entries map[int64]dictEntry[V]
}

type dictEntry[V any] struct {
	value   V
	version int64
	until   time.Time
}

// get answers from the cache while the entry is fresh and nothing it watches has
// changed, or else loads the row. The version is read before loading: a change
// committed during the load leaves an entry that is already stale.
func (c *dictCache[V]) get(s *Store, id int64, load func() (V, error)) (V, error) {
	version, t := s.IdentityVersion(), time.Now()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && e.version == version && t.Before(e.until) {
		return e.value, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxDictEntries {
		c.entries = map[int64]dictEntry[V]{}
	}
	c.entries[id] = dictEntry[V]{value: v, version: version, until: t.Add(dictCacheFor)}
	c.mu.Unlock()
	return v, nil
}
