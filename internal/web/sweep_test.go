package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/jobs"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

var cst = workflow.ChinaTime

// inboxOf returns the kinds of a user's notifications, oldest first.
func inboxOf(t *testing.T, c *testutil.Client) []string {
	t.Helper()
	resp, raw := c.Do("GET", "/api/v1/notifications", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("inbox: %d %s", resp.StatusCode, raw)
	}
	var in struct {
		Items []store.Notification
	}
	testutil.DecodeJSON(t, raw, &in)
	var kinds []string
	for i := len(in.Items) - 1; i >= 0; i-- {
		kinds = append(kinds, in.Items[i].Kind)
	}
	return kinds
}

// A controllable clock drives one case through its deadlines: warnings go to whoever
// must act, once each; overdue reaches the leader; overdue past the policy earns a
// yellow card, an unanswered order rises to red and reaches the county; the reply is
// recorded; the return visit is chased.
func TestDeadlinesNotificationsAndSupervisionOverTime(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)} // a Monday
		svc := srv.App.Cases()
		svc.Now = clk.Now
		srv.App.Auth().Now = func() time.Time { return time.Now() }
		ctx := context.Background()
		sweep := func() {
			t.Helper()
			if _, err := svc.SweepDeadlines(ctx, clk.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SweepSupervision(ctx, clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		admin := srv.Login(t, "county.admin", demo.Password)
		handlerUser, _, _ := st.UserCredentials(ctx, "fucheng.handler")
		upd := map[string]any{"display_name": handlerUser.DisplayName, "phone": "13912345678", "region_id": handlerUser.RegionID,
			"department_id": handlerUser.DepartmentID, "roles": []string{"handler"}}
		if resp, raw := admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", handlerUser.ID), upd); resp.StatusCode != 200 {
			t.Fatalf("give the handler a phone: %d %s", resp.StatusCode, raw)
		}
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		handler := srv.Login(t, "fucheng.handler", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		countyLeader := srv.Login(t, "county.leader", demo.Password)

		f := &flow{t: t}
		body := walkIn(t, st, map[string]any{"action": "accept"},
			map[string]any{"action": "assign", "lead_department_id": departmentID(t, st, "622922100", "justice-office")})
		body["urgency"] = "urgent" // 3 days
		c := f.register(clerk, body)
		due, _ := time.Parse(time.RFC3339, c.DueAt)
		if want := time.Date(2026, 12, 10, 23, 59, 59, 0, cst); !due.Equal(want) {
			t.Fatalf("urgent case due %v, want %v", due.In(cst), want)
		}

		sweep() // Monday: nothing is near
		if got := inboxOf(t, handler); len(got) != 0 {
			t.Fatalf("inbox on day one: %v", got)
		}
		clk.Add(48 * time.Hour) // Wednesday 09:00, inside the 48-hour window
		sweep()
		sweep() // a second sweep warns nobody twice
		if got := inboxOf(t, handler); strings.Join(got, ",") != "due_soon" {
			t.Fatalf("handler's inbox after the warning: %v", got)
		}
		if got := inboxOf(t, leader); len(got) != 0 {
			t.Fatalf("the leader is told before anything is late: %v", got)
		}
		clk.Add(48 * time.Hour) // Friday: overdue
		sweep()
		if got := inboxOf(t, handler); strings.Join(got, ",") != "due_soon,overdue" {
			t.Fatalf("handler's inbox when overdue: %v", got)
		}
		if got := inboxOf(t, leader); strings.Join(got, ",") != "overdue" {
			t.Fatalf("leader's inbox when overdue: %v", got)
		}
		_, raw := clerk.Do("GET", "/api/v1/cases?overdue=true&queue=all", nil)
		if !strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, f.id)) || !strings.Contains(string(raw), `"due_status":"overdue"`) {
			t.Fatalf("overdue list: %s", raw)
		}
		// The department's handler finds it among its overdue cases too (walked from the
		// overdue cases, each checked for the department's assignment), and only there.
		_, raw = handler.Do("GET", "/api/v1/cases?overdue=true&queue=all", nil)
		if !strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, f.id)) {
			t.Fatalf("the handler's overdue list: %s", raw)
		}
		if _, raw = handler.Do("GET", "/api/v1/cases?overdue=true&queue=all&kind=hazard", nil); strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, f.id)) {
			t.Fatalf("the handler's overdue hazards list a dispute: %s", raw)
		}

		// Three working days overdue (Fri 11th → Tue 15th, over a weekend): yellow card.
		clk.Add(4 * 24 * time.Hour)
		sweep()
		var board struct{ Items []store.Supervision }
		_, raw = leader.Do("GET", "/api/v1/supervisions", nil)
		testutil.DecodeJSON(t, raw, &board)
		if len(board.Items) != 1 || board.Items[0].Level != "yellow" || board.Items[0].IssuedBy != 0 {
			t.Fatalf("board after three working days overdue: %s", raw)
		}
		yellow := board.Items[0]
		if got := inboxOf(t, handler); got[len(got)-1] != "supervision" {
			t.Fatalf("handler not told of the yellow card: %v", got)
		}
		sweep()
		if _, raw = leader.Do("GET", "/api/v1/supervisions", nil); strings.Count(string(raw), `"level"`) != 1 {
			t.Fatalf("a second sweep issued another order: %s", raw)
		}
		// Nobody answers within three working days: it rises to red and reaches the county.
		clk.Add(4 * 24 * time.Hour)
		sweep()
		_, raw = countyLeader.Do("GET", "/api/v1/supervisions?level=red", nil)
		testutil.DecodeJSON(t, raw, &board)
		if len(board.Items) != 1 {
			t.Fatalf("red board: %s", raw)
		}
		red := board.Items[0]
		if got := inboxOf(t, countyLeader); strings.Join(got, ",") != "supervision" {
			t.Fatalf("county leader's inbox after the red card: %v", got)
		}
		// Only the addressee answers, once.
		if resp, _ := clerk.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", red.ID), map[string]string{"reply": "x"}); resp.StatusCode != 403 {
			t.Fatalf("the clerk answers the department's order: %d", resp.StatusCode)
		}
		if resp, raw := handler.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", yellow.ID), map[string]string{"reply": "x"}); resp.StatusCode != 422 {
			t.Fatalf("answering the escalated order: %d %s", resp.StatusCode, raw)
		}
		if resp, raw := handler.Do("POST", fmt.Sprintf("/api/v1/supervisions/%d/reply", red.ID), map[string]string{"reply": "已约双方当事人本周五到司法所调解"}); resp.StatusCode != 200 {
			t.Fatalf("reply: %d %s", resp.StatusCode, raw)
		}
		sweep()
		if _, raw = leader.Do("GET", "/api/v1/supervisions", nil); strings.Contains(string(raw), `"level"`) {
			t.Fatalf("open orders after the reply: %s", raw)
		}

		// The case resolves; the return visit is chased when its week runs short.
		f.act(handler, "sign", nil, "in_progress")
		f.act(handler, "resolve", map[string]any{"outcome": "mediated_agreement"}, "resolved")
		clk.Add(6 * 24 * time.Hour)
		sweep()
		if got := inboxOf(t, clerk); got[len(got)-1] != "due_soon" {
			t.Fatalf("the clerk is not reminded of the return visit: %v", got)
		}
		grid := srv.Login(t, "fucheng.grid", demo.Password)
		if got := inboxOf(t, grid); len(got) == 0 || got[len(got)-1] != "due_soon" {
			t.Fatalf("the grid worker is not reminded of the return visit: %v", got)
		}

		// Every event is on the case's timeline; SMS for the handler's phone wait in the outbox.
		var actions []string
		for _, e := range f.events(clerk) {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); got != "register accept assign supervise supervise supervise_reply sign resolve" {
			t.Fatalf("timeline: %s", got)
		}
		out, err := st.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sms := 0
		for _, o := range out {
			if o.Channel == "sms" && o.Recipient == "13912345678" {
				sms++
			}
		}
		if sms != 4 { // due_soon, overdue, yellow, red
			t.Fatalf("SMS queued for the handler: %d of %d outbox rows", sms, len(out))
		}
	})
}

// flakyChannel fails its first attempts, then delivers.
type flakyChannel struct {
	mu       sync.Mutex
	failures int
	sent     []string
}

func (c *flakyChannel) Send(_ context.Context, m store.OutboxItem) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failures > 0 {
		c.failures--
		return errors.New("gateway busy")
	}
	c.sent = append(c.sent, m.Recipient)
	return nil
}

func TestOutboxRetriesWithBackoff(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		users, _ := st.Users(ctx, store.UserFilter{})
		users[0].Phone = "13800138000"
		n := &notify.Notifier{Config: notify.Config{SMS: true}}
		if err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
			return n.Send(ctx, tx, users[:1], notify.Message{Kind: "overdue", Title: "案件已超期", Body: "请处理"}, clk.Now())
		}); err != nil {
			t.Fatal(err)
		}
		ch := &flakyChannel{failures: 2}
		d := &notify.Deliverer{Store: st, Channels: map[string]notify.Channel{"sms": ch}, Now: clk.Now}
		for i, wantSent := range []int{0, 0, 1, 1} {
			if _, err := d.Deliver(ctx); err != nil {
				t.Fatal(err)
			}
			if len(ch.sent) != wantSent {
				t.Fatalf("round %d: sent %d, want %d", i, len(ch.sent), wantSent)
			}
			clk.Add(notify.Backoff(i) / 2) // half the wait: nothing is due yet…
			d.Deliver(ctx)
			clk.Add(notify.Backoff(i)) // …the whole wait: it is
		}
		out, _ := st.Outbox(ctx)
		if len(out) != 1 || out[0].Attempts != 3 || out[0].DeliveredAt == nil || out[0].LastError != "" {
			t.Fatalf("outbox: %+v", out)
		}
	})
}

// Two nodes sharing one database: each sweep runs once, on one of them.
func TestTwoNodesRunEachSweepOnce(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := testutil.NewDSN(t, d)
			ctx := context.Background()
			open := func() *store.Store {
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if _, err := st.Migrate(ctx, nil); err != nil {
					t.Fatal(err)
				}
				return st
			}
			a, b := open(), open()
			clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
			var mu sync.Mutex
			ranOn := map[string]int{}
			mk := func(st *store.Store, name string) *jobs.Runner {
				r := jobs.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
				r.Holder, r.Now = name, clk.Now
				r.Add("deadline-sweep", time.Minute, func(context.Context, time.Time) (int, error) {
					mu.Lock()
					ranOn[name]++
					mu.Unlock()
					return 0, nil
				})
				return r
			}
			nodes := []*jobs.Runner{mk(a, "node-a"), mk(b, "node-b")}
			const ticks = 20
			for i := 0; i < ticks; i++ {
				var wg sync.WaitGroup
				for _, n := range nodes {
					wg.Add(1)
					go func(n *jobs.Runner) {
						defer wg.Done()
						if _, err := n.RunOnce(ctx, "deadline-sweep"); err != nil {
							t.Error(err)
						}
					}(n)
				}
				wg.Wait()
				if i == ticks/2 {
					// node-a dies: its lease lapses and node-b takes over.
					nodes = nodes[1:]
				}
				clk.Add(time.Minute)
			}
			runs, err := a.JobRuns(ctx, "deadline-sweep")
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != ticks || ranOn["node-a"]+ranOn["node-b"] != ticks {
				t.Fatalf("%d sweeps recorded, ran %v, over %d ticks: want each tick once", len(runs), ranOn, ticks)
			}
			if ranOn["node-b"] == 0 {
				t.Fatal("node-b never took over")
			}
		})
	}
}

func TestEmailQueuedForRecipientsWithAnAddress(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	srv := testutil.NewServer(t, st, true)
	admin := srv.Login(t, "county.admin", demo.Password)
	ctx := context.Background()
	u, _, _ := st.UserCredentials(ctx, "county.leader")
	upd := map[string]any{"display_name": u.DisplayName, "email": "not-an-address", "region_id": u.RegionID, "roles": []string{"leader"}}
	if resp, raw := admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), upd); resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Field != "email" {
		t.Fatalf("bad email: %d %s", resp.StatusCode, raw)
	}
	upd["email"] = "leader@kangle.gov.cn"
	if resp, raw := admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), upd); resp.StatusCode != 200 {
		t.Fatalf("set email: %d %s", resp.StatusCode, raw)
	}
	users, _ := st.Users(ctx, store.UserFilter{Role: "leader"})
	n := &notify.Notifier{Config: notify.Config{Email: true}}
	if err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
		return n.Send(ctx, tx, append(users, users...), notify.Message{Kind: "overdue", Title: "案件已超期", Body: "请处理"}, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	out, _ := st.Outbox(ctx)
	if len(out) != 1 || out[0].Channel != "email" || out[0].Recipient != "leader@kangle.gov.cn" || out[0].Subject != "案件已超期" {
		t.Fatalf("outbox: %+v", out)
	}
}
