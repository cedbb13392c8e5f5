package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// bencher drives one server with signed-in clients.
type bencher struct {
	base    string
	clients chan *Client
	bodies  [][]byte // registrations to send, taken from the listings: JSON up to the parties
	ids     []int64
	phones  []string
	seq     int64
	// phoneBase starts this run's applicants' phones at a random place: numbered
	// from zero, each run's applicants were the last run's again, and the store
	// grew a history for them that made every run's intake slower than the one
	// before (a returning applicant's history is read, and may raise a warning).
	phoneBase int64
	mu        sync.Mutex
}

// applicantPhone is the phone of the seq-th applicant this run registers.
func (b *bencher) applicantPhone(seq int64) string {
	return fmt.Sprintf("136%08d", (b.phoneBase+seq)%100000000)
}

func (b *bencher) login() (*Client, error) { return b.loginAs("fucheng.clerk") }

func (b *bencher) loginAs(username string) (*Client, error) {
	return SignIn(b.base, username, 30*time.Second)
}

// prepare signs clients in and reads what the requests need: a category and a village
// for intake, the cases the clerk sees, their applicants' phones.
func (b *bencher) prepare() error {
	b.clients = make(chan *Client, 64)
	for i := 0; i < 64; i++ {
		c, err := b.login()
		if err != nil {
			return err
		}
		b.clients <- c
	}
	c := <-b.clients
	defer func() { b.clients <- c }()
	// Intake registers cases like those already there, of every kind, category and
	// village the clerk's listings show: one body repeated would pile up thousands of
	// identical newest cases, which every newest-first listing then has to read past.
	type listed struct {
		ID          int64  `json:"id"`
		CategoryID  int64  `json:"category_id"`
		Kind        string `json:"kind"`
		Channel     string `json:"channel"`
		RegionID    int64  `json:"region_id"`
		Description string `json:"description"`
	}
	for _, kind := range []string{"dispute", "petition", "hazard", "service"} {
		var list struct {
			Items []listed `json:"items"`
		}
		if _, err := b.expect200(c.Do("GET", "/api/v1/cases?queue=all&limit=100&kind="+kind, nil, &list)); err != nil {
			return fmt.Errorf("list cases: %w", err)
		}
		for _, it := range list.Items {
			b.ids = append(b.ids, it.ID)
			// Encoded once, the object left open for the parties: a load generator
			// sharing the server's two cores should spend as little of them as it can.
			raw, err := json.Marshal(map[string]any{"kind": it.Kind, "category_id": it.CategoryID, "channel": it.Channel,
				"region_id": it.RegionID, "description": it.Description})
			if err != nil {
				return err
			}
			b.bodies = append(b.bodies, raw[:len(raw)-1])
		}
	}
	if len(b.bodies) == 0 {
		return fmt.Errorf("list cases: none (the store needs cases in 附城镇)")
	}
	return nil
}

func (b *bencher) intake(c *Client) (int, error) {
	b.mu.Lock()
	b.seq++
	seq := b.seq
	b.mu.Unlock()
	body := fmt.Appendf(slices.Clip(b.bodies[int(seq)%len(b.bodies)]), `,"parties":[{"name":"马某","phone":"%s"}]}`, b.applicantPhone(seq))
	st, err := c.Do("POST", "/api/v1/cases", body, nil)
	if err == nil && st != http.StatusCreated {
		err = fmt.Errorf("status %d", st)
	}
	return st, err
}

func (b *bencher) queue(c *Client) (int, error) {
	return b.expect200(c.Do("GET", "/api/v1/cases?queue=mine&limit=50", nil, nil))
}

func (b *bencher) casePage(c *Client) (int, error) {
	id := b.ids[rand.IntN(len(b.ids))]
	return b.expect200(c.Do("GET", "/cases/"+strconv.FormatInt(id, 10), nil, nil))
}

func (b *bencher) prior(c *Client) (int, error) {
	return b.expect200(c.Do("GET", "/api/v1/intake/prior-cases?phone="+b.applicantPhone(rand.Int64N(b.seq+1)), nil, nil))
}

func (b *bencher) expect200(st int, err error) (int, error) {
	if err == nil && st != http.StatusOK {
		err = fmt.Errorf("status %d", st)
	}
	return st, err
}

// run calls op from conc goroutines for d and reports throughput and latency
// percentiles; a request loop bounded in time, to this machine only.
func (b *bencher) run(name string, conc int, d time.Duration, op func(*Client) (int, error)) Result {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := <-b.clients
			defer func() { b.clients <- c }()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				_, err := op(c)
				el := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					lat = append(lat, el)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return latencyResult(name, conc, lat, errs, time.Since(start))
}

// latencyResult summarises the latencies of the requests that succeeded.
func latencyResult(name string, conc int, lat []time.Duration, errs int, total time.Duration) Result {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p*float64(len(lat))) - 1
		i = max(0, min(i, len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	return Result{Name: name, Concurrency: conc, Requests: len(lat), Errors: errs, PerSecond: float64(len(lat)) / total.Seconds(),
		P50ms: pct(0.50), P95ms: pct(0.95), P99ms: pct(0.99)}
}
