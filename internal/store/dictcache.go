package store

import (
	"slices"
	"sync"
	"time"
)

// dictCacheFor is how long Region and Category trust a row they read by id, and
// Categories and a region's children their lists. Intake looks up the case's region
// and category for every case, and the case page the category names and the centre's
// child regions, a round trip each (a sixth of an intake's on PostgreSQL), for rows an
// administrator changes a few times a year. Any change this process makes to them empties the cache at once
// (IdentityVersion); a change made by another server sharing the database takes effect
// within this time, as for sessions (auth.sessionCacheFor).
const dictCacheFor = 2 * time.Second

// maxDictEntries bounds a cache; past it, the cache starts afresh.
const maxDictEntries = 10000

// dictCache holds rows or lists of a dictionary table (regions, categories) by id or
// filter. Rows are plain values and lists are handed out as copies (cachedList): what
// a caller does with its copy cannot reach the next caller.
type dictCache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]dictEntry[V]
}

type dictEntry[V any] struct {
	value   V
	version int64
	until   time.Time
}

// get answers from the cache while the entry is fresh and nothing it watches has
// changed, or else loads the row. The version is read before loading: a change
// committed during the load leaves an entry that is already stale.
func (c *dictCache[K, V]) get(s *Store, id K, load func() (V, error)) (V, error) {
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
		c.entries = map[K]dictEntry[V]{}
	}
	c.entries[id] = dictEntry[V]{value: v, version: version, until: t.Add(dictCacheFor)}
	c.mu.Unlock()
	return v, nil
}

// cachedList is get for a list, returning the caller's own copy.
func cachedList[K comparable, V any](c *dictCache[K, []V], s *Store, key K, load func() ([]V, error)) ([]V, error) {
	list, err := c.get(s, key, load)
	return slices.Clone(list), err
}
