package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }
func limiter(c *clock, n int, w time.Duration) *Limiter {
	l := New(n, w)
	l.Now = c.now
	return l
}

// Five in ten minutes pass, the sixth waits exactly until the first leaves the
// window; another key is counted apart.
func TestAllowSlidingWindow(t *testing.T) {
	c := newClock()
	l := limiter(c, 5, 10*time.Minute)
	for i := 0; i < 5; i++ {
		if ok, _ := l.Allow("1.2.3.4"); !ok {
			t.Fatalf("event %d refused", i+1)
		}
		c.add(time.Minute)
	}
	ok, retry := l.Allow("1.2.3.4")
	if ok || retry != 5*time.Minute {
		t.Fatalf("sixth: ok %v retry %v, want refused for 5m", ok, retry)
	}
	if ok, _ := l.Allow("5.6.7.8"); !ok {
		t.Fatal("another address refused")
	}
	c.add(retry - time.Second)
	if ok, _ := l.Allow("1.2.3.4"); ok {
		t.Fatal("allowed a second early")
	}
	c.add(time.Second)
	if ok, _ := l.Allow("1.2.3.4"); !ok {
		t.Fatal("refused once the first event left the window")
	}
	if ok, _ := l.Allow("1.2.3.4"); ok {
		t.Fatal("a refused event must not make room: still five inside the window")
	}
	if n := l.Count("1.2.3.4"); n != 5 {
		t.Fatalf("count %d, want 5", n)
	}
}

// Record counts past the limit without refusing; Count sees only the window.
func TestRecordAndCount(t *testing.T) {
	c := newClock()
	l := limiter(c, 3, time.Hour)
	for i := 0; i < 5; i++ {
		l.Record("k")
	}
	if n := l.Count("k"); n != 3 {
		t.Fatalf("count %d, want the limit 3", n)
	}
	c.add(time.Hour)
	if n := l.Count("k"); n != 0 {
		t.Fatalf("count after the window %d, want 0", n)
	}
	if l.Len() != 0 {
		t.Fatalf("an empty key is kept: %d keys", l.Len())
	}
}

// Memory is bounded: a flood of addresses never holds more than MaxKeys, expired keys
// go first, then the one idle longest.
func TestBoundedKeys(t *testing.T) {
	c := newClock()
	l := limiter(c, 2, 10*time.Minute)
	l.MaxKeys = 100
	l.Allow("keep")
	for i := 0; i < 1000; i++ {
		c.add(time.Millisecond)
		l.Allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if l.Len() > 100 {
			t.Fatalf("%d keys after %d addresses, want at most 100", l.Len(), i+1)
		}
	}
	if l.Count("keep") != 0 {
		t.Error("the key idle longest was not the one evicted")
	}
	c.add(11 * time.Minute)
	l.Allow("new")
	if l.Len() != 1 {
		t.Errorf("expired keys kept: %d", l.Len())
	}
}
