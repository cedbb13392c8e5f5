package bench

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
)

// loadUser is one simulated user of the mixed load: signed in with a session of its
// own as one of the demo accounts, knowing the cases its queue and its scope show it.
type loadUser struct {
	c        *Client
	account  string
	role     model.Role
	mine     []int64 // cases in its work queue
	seen     []int64 // cases in its scope, newest first
	comment  []int64 // cases it may add a note to
	register map[string]any
	ops      []loadOp // what this user does, by weight
	total    int      // sum of the weights
	rng      *rand.Rand
}

// loadOp is one kind of request of the mixed load.
type loadOp struct {
	name   string
	weight int
	do     func(*bencher, *loadUser) (int, error)
}

// The kinds of request, each as the page or the API a real user would call.
var (
	opQueue = loadOp{"work queue (GET /api/v1/cases?queue=mine)", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", "/api/v1/cases?queue=mine&limit=50", nil, nil))
	}}
	opSearch = loadOp{"search by filters (GET /api/v1/cases?kind=…&urgency=…)", 0, func(b *bencher, u *loadUser) (int, error) {
		kinds := []string{"dispute", "petition", "hazard", "service"}
		q := "/api/v1/cases?queue=all&limit=20&kind=" + kinds[u.rng.IntN(len(kinds))]
		switch u.rng.IntN(3) {
		case 0:
			q += "&urgency=urgent"
		case 1:
			q += "&overdue=true"
		}
		return b.expect200(u.c.Do("GET", q, nil, nil))
	}}
	opCasePage = loadOp{"case page (GET /cases/{id})", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", "/cases/"+strconv.FormatInt(pick(u.rng, u.seen), 10), nil, nil))
	}}
	opTimeline = loadOp{"case timeline (GET /api/v1/cases/{id}/events)", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", "/api/v1/cases/"+strconv.FormatInt(pick(u.rng, u.seen), 10)+"/events", nil, nil))
	}}
	opComment = loadOp{"act: add a note (POST …/actions/comment)", 0, func(b *bencher, u *loadUser) (int, error) {
		id := pick(u.rng, u.comment)
		return b.expect200(u.c.Do("POST", "/api/v1/cases/"+strconv.FormatInt(id, 10)+"/actions/comment",
			map[string]string{"note": "已电话联系当事人，约定明日上门核实情况。"}, nil))
	}}
	opRegister = loadOp{"register a case (POST /api/v1/cases)", 0, func(b *bencher, u *loadUser) (int, error) {
		body := map[string]any{}
		for k, v := range u.register {
			body[k] = v
		}
		body["parties"] = []map[string]any{{"name": "李某", "phone": fmt.Sprintf("137%08d", u.rng.IntN(100000000))}}
		st, err := u.c.Do("POST", "/api/v1/cases", body, nil)
		if err == nil && st != http.StatusCreated {
			err = fmt.Errorf("status %d", st)
		}
		return st, err
	}}
	opLookup = loadOp{"intake-desk lookup (GET /api/v1/intake/prior-cases)", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", fmt.Sprintf("/api/v1/intake/prior-cases?phone=137%08d", u.rng.IntN(100000000)), nil, nil))
	}}
	opWarnings = loadOp{"warnings board (GET /api/v1/warnings)", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", "/api/v1/warnings", nil, nil))
	}}
	opSupervisions = loadOp{"supervision board (GET /api/v1/supervisions)", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", "/api/v1/supervisions", nil, nil))
	}}
	opNotifications = loadOp{"notifications (GET /api/v1/notifications)", 0, func(b *bencher, u *loadUser) (int, error) {
		return b.expect200(u.c.Do("GET", "/api/v1/notifications", nil, nil))
	}}
)

// loadMix is what each role does, by weight: window clerks register, look up and act;
// handlers, mediators and grid workers work their queues; leaders watch the boards;
// viewers read.
func loadMix(r model.Role) []loadOp {
	w := func(op loadOp, weight int) loadOp { op.weight = weight; return op }
	switch r {
	case model.RoleClerk:
		return []loadOp{w(opQueue, 20), w(opSearch, 10), w(opCasePage, 20), w(opTimeline, 10), w(opComment, 10),
			w(opRegister, 15), w(opLookup, 10), w(opNotifications, 5)}
	case model.RoleLeader:
		return []loadOp{w(opQueue, 15), w(opWarnings, 20), w(opSupervisions, 10), w(opSearch, 20), w(opCasePage, 20),
			w(opTimeline, 10), w(opNotifications, 5)}
	case model.RoleViewer:
		return []loadOp{w(opSearch, 40), w(opCasePage, 40), w(opTimeline, 20)}
	default:
		return []loadOp{w(opQueue, 30), w(opSearch, 10), w(opCasePage, 25), w(opTimeline, 10), w(opComment, 20), w(opNotifications, 5)}
	}
}

func pick(rng *rand.Rand, ids []int64) int64 { return ids[rng.IntN(len(ids))] }

// prepareUser signs a simulated user in and reads what its requests need; it keeps
// only the kinds of request it has something to send with.
func (b *bencher) prepareUser(i int, a demo.Account) (*loadUser, error) {
	c, err := b.loginAs(a.Username)
	if err != nil {
		return nil, err
	}
	u := &loadUser{c: c, account: a.Username, role: a.Role, rng: rand.New(rand.NewPCG(uint64(i), 7))}
	type item struct {
		ID         int64    `json:"id"`
		Kind       string   `json:"kind"`
		CategoryID int64    `json:"category_id"`
		RegionID   int64    `json:"region_id"`
		Allowed    []string `json:"allowed"`
	}
	var list struct {
		Items []item `json:"items"`
	}
	for _, queue := range []string{"mine", "all"} {
		list.Items = nil
		if _, err := b.expect200(c.Do("GET", "/api/v1/cases?limit=100&queue="+queue, nil, &list)); err != nil {
			return nil, fmt.Errorf("%s: list queue=%s: %w", a.Username, queue, err)
		}
		for _, it := range list.Items {
			if queue == "mine" {
				u.mine = append(u.mine, it.ID)
			} else {
				u.seen = append(u.seen, it.ID)
			}
			if slices.Contains(it.Allowed, "comment") && !slices.Contains(u.comment, it.ID) {
				u.comment = append(u.comment, it.ID)
			}
			if u.register == nil && it.Kind != "" {
				u.register = map[string]any{"kind": it.Kind, "category_id": it.CategoryID, "region_id": it.RegionID, "channel": "walk_in",
					"description": "张某反映与邻居因宅基地界址发生争执，双方多次争吵，请求调解。"}
			}
		}
	}
	// A kind of request this user has nothing to send with is left out of its mix.
	lacking := map[string]bool{opCasePage.name: len(u.seen) == 0, opTimeline.name: len(u.seen) == 0,
		opComment.name: len(u.comment) == 0, opRegister.name: u.register == nil}
	for _, op := range loadMix(a.Role) {
		if !lacking[op.name] {
			u.ops = append(u.ops, op)
			u.total += op.weight
		}
	}
	return u, nil
}

// mixedLoad runs users simulated users for d, each signed in with its own session and
// sending its role's mix of requests one after another (with a pause of mean think
// between them, when think > 0). It reports each kind of request and the whole, and
// the first distinct errors.
func (b *bencher) mixedLoad(users int, d, think time.Duration) ([]Result, []string, error) {
	var accounts []demo.Account
	for _, a := range demo.Accounts() {
		if a.Role != model.RoleAdmin {
			accounts = append(accounts, a)
		}
	}
	list := make([]*loadUser, users)
	errs := make([]error, users)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			list[i], errs[i] = b.prepareUser(i, accounts[i%len(accounts)])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}

	type tally struct {
		lat  []time.Duration
		errs int
	}
	var mu sync.Mutex
	byOp := map[string]*tally{}
	var order []string
	var firstErrs []string
	deadline := time.Now().Add(d)
	start := time.Now()
	for _, u := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				n := u.rng.IntN(u.total)
				op := u.ops[0]
				for _, o := range u.ops {
					if n < o.weight {
						op = o
						break
					}
					n -= o.weight
				}
				t0 := time.Now()
				_, err := op.do(b, u)
				el := time.Since(t0)
				mu.Lock()
				t, ok := byOp[op.name]
				if !ok {
					t = &tally{}
					byOp[op.name] = t
					order = append(order, op.name)
				}
				if err != nil {
					t.errs++
					msg := fmt.Sprintf("%s as %s: %v", op.name, u.account, err)
					if len(firstErrs) < 10 && !slices.Contains(firstErrs, msg) {
						firstErrs = append(firstErrs, msg)
					}
				} else {
					t.lat = append(t.lat, el)
				}
				mu.Unlock()
				if think > 0 {
					time.Sleep(time.Duration(u.rng.ExpFloat64() * float64(think)))
				}
			}
		}()
	}
	wg.Wait()
	total := time.Since(start)
	slices.Sort(order)
	var out []Result
	var all []time.Duration
	allErrs := 0
	for _, name := range order {
		t := byOp[name]
		all = append(all, t.lat...)
		allErrs += t.errs
		out = append(out, latencyResult(name, users, t.lat, t.errs, total))
	}
	out = append(out, latencyResult(fmt.Sprintf("all requests, %d users", users), users, all, allErrs, total))
	return out, firstErrs, nil
}
