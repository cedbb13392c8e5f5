package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// fakePlatform is a 12345 platform as onedoor meets it: it pushes signed orders,
// serves them to polls page by page, and records the push-backs it is sent, failing
// the first failFirst of them.
type fakePlatform struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu        sync.Mutex
	pages     map[string]fakePage // by the cursor asked for ("" for the first)
	polls     []string            // the cursors asked for, in order
	failFirst int
	pushes    []fakePush // every push-back received, failed ones included
}

type fakePage struct {
	Orders []map[string]any
	Next   string
}

type fakePush struct {
	Status   int
	Body     adapters.PushBack
	Raw      string
	SigValid bool
}

func newFakePlatform(t *testing.T, secret string) *fakePlatform {
	f := &fakePlatform{t: t, secret: secret, pages: map[string]fakePage{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		// The poll is signed as pushes are, over an empty body.
		if err := adapters.Verify(secret, r.Header.Get("X-Ts"), r.Header.Get("X-Sign"), nil, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		cursor := r.URL.Query().Get("cursor")
		f.mu.Lock()
		f.polls = append(f.polls, cursor)
		pg := f.pages[cursor]
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"records": pg.Orders, "next": pg.Next}})
	})
	mux.HandleFunc("POST /results", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		p := fakePush{Raw: string(raw), SigValid: adapters.Verify(secret, r.Header.Get("X-Ts"), r.Header.Get("X-Sign"), raw, time.Now()) == nil}
		json.Unmarshal(raw, &p.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		p.Status = http.StatusOK
		if f.failFirst > 0 {
			f.failFirst--
			p.Status = http.StatusServiceUnavailable
		}
		f.pushes = append(f.pushes, p)
		w.WriteHeader(p.Status)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePlatform) received() []fakePush {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakePush(nil), f.pushes...)
}

// push posts an order to onedoor as the platform does, signed at ts (Unix seconds)
// with secret.
func (f *fakePlatform) push(base, code string, order any, ts int64, secret string) (*http.Response, []byte) {
	f.t.Helper()
	body, _ := json.Marshal(order)
	req, _ := http.NewRequest("POST", base+"/api/v1/platforms/"+code+"/orders", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	stamp := strconv.FormatInt(ts, 10)
	req.Header.Set("X-Ts", stamp)
	req.Header.Set("X-Sign", adapters.Sign(secret, stamp, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// hotlineMapping is how the fake platform's orders read: its members are named as
// many 12345 systems name them, the caller nested.
const hotlineMapping = `{
  "fields": {"external_id": "gdbh", "title": "bt", "description": "sqnr", "caller_name": "ldr.xm", "caller_phone": "ldr.dh",
    "address": "sfdz", "category": "lbdm", "region": "qydm", "received_at": "slsj", "appeal_type": "sqlx"},
  "categories": {"0301": "dispute.labour", "0102": "dispute.neighbour"},
  "regions": {"622922": "622922", "附城镇": "622922100"},
  "list": "data.records", "next_cursor": "data.next"
}`

// order is one of the fake platform's orders.
func order(id, category, region string) map[string]any {
	return map[string]any{"gdbh": id, "bt": "讨要工资", "sqnr": "来电人张建国反映某建筑工地拖欠工资三个月，电话13912345678。",
		"ldr": map[string]any{"xm": "张建国", "dh": "13912345678"}, "sfdz": "附城镇高林湾村", "lbdm": category, "qydm": region,
		"slsj": "2026-03-05 09:30:00", "sqlx": "投诉"}
}

// setupPlatform configures the fake platform on the admin page and returns its id.
func setupPlatform(t *testing.T, srv *testutil.Server, admin *testutil.Client, f *fakePlatform, pollSeconds string) int64 {
	t.Helper()
	form := url.Values{"csrf_token": {admin.CSRF}, "code": {"ls12345"}, "name": {"临夏州12345"}, "kind": {"12345"}, "secret": {f.secret},
		"signature_header": {"X-Sign"}, "timestamp_header": {"X-Ts"}, "poll_url": {f.srv.URL + "/orders"}, "poll_seconds": {pollSeconds},
		"push_url": {f.srv.URL + "/results"}, "mapping": {hotlineMapping}, "active": {"on"}}
	resp, raw := postForm(t, srv, admin, "/admin/platforms", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create platform: %d %s", resp.StatusCode, testutil.Excerpt([]byte(raw)))
	}
	p, err := srv.Store.PlatformByCode(context.Background(), "ls12345")
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

type receipt struct {
	ExternalID   string `json:"external_id"`
	State        string `json:"state"`
	CaseID       int64  `json:"case_id"`
	TrackingCode string `json:"tracking_code"`
	Existing     bool   `json:"existing"`
	Unmapped     []adapters.Unmapped
}

// deliverer delivers the outbox at the test's clock, with the platform channel only.
func deliverer(srv *testutil.Server, now *time.Time) *notify.Deliverer {
	return &notify.Deliverer{Store: srv.Store, Channels: map[string]notify.Channel{adapterjob.OutboxChannel: adapterjob.PushChannel{Service: srv.App.Adapters()}},
		Now: func() time.Time { return *now }}
}

func TestPlatformPushRoundTrip(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		f := newFakePlatform(t, "s3cret-shared-with-12345")
		setupPlatform(t, srv, admin, f, "60")

		// The secret is never shown back in full.
		_, list := admin.Do("GET", "/admin/platforms", nil)
		if strings.Contains(string(list), f.secret) || !strings.Contains(string(list), "••••••••45") {
			t.Fatalf("the list shows the secret, or no hint of it")
		}
		_, edit := admin.Do("GET", "/admin/platforms/1/edit", nil)
		if strings.Contains(string(edit), f.secret) {
			t.Fatalf("the edit form shows the secret")
		}

		now := time.Now()
		resp, raw := f.push(srv.URL, "ls12345", order("GD2026030500017", "0301", "622922"), now.Unix(), f.secret)
		var first receipt
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("push: %d %s", resp.StatusCode, raw)
		}
		json.Unmarshal(raw, &first)
		if first.State != "registered" || first.TrackingCode == "" || first.CaseID == 0 || first.Existing {
			t.Fatalf("push answered %s", raw)
		}
		// Pushed again: nothing added, the same tracking code.
		before, _ := st.CountCases(ctx)
		resp, raw = f.push(srv.URL, "ls12345", order("GD2026030500017", "0301", "622922"), now.Unix(), f.secret)
		var again receipt
		json.Unmarshal(raw, &again)
		if after, _ := st.CountCases(ctx); resp.StatusCode != http.StatusOK || !again.Existing || again.TrackingCode != first.TrackingCode || after != before {
			t.Fatalf("repeat push: %d %s, cases %d → %d", resp.StatusCode, raw, before, after)
		}

		c, err := st.Case(ctx, first.CaseID, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Channel != model.ChannelHotline || c.CategoryCode != "dispute.labour" || c.Title != "讨要工资" {
			t.Fatalf("case: channel %s category %s title %s", c.Channel, c.CategoryCode, c.Title)
		}
		clerk := srv.Login(t, "county.clerk", demo.Password)
		_, page := clerk.Do("GET", fmt.Sprintf("/cases/%d", c.ID), nil)
		if !strings.Contains(string(page), `data-testid="case-origin"`) || !strings.Contains(string(page), "GD2026030500017") {
			t.Fatalf("the case page does not show the order's number")
		}

		// Handled at the centre: 受理, then resolved with a reply naming the caller.
		mediator := srv.Login(t, "county.mediator", demo.Password)
		for _, step := range []struct {
			who    *testutil.Client
			action string
			body   map[string]any
		}{
			{clerk, "accept", nil},
			{clerk, "handle", nil},
			{mediator, "resolve", map[string]any{"outcome": "mediated_oral", "note": "经调解，工地已向张建国结清工资，电话13912345678回访确认。"}},
			{clerk, "verify", nil},
		} {
			if resp, raw := step.who.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", c.ID, step.action), step.body); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", step.action, resp.StatusCode, raw)
			}
		}
		// The return visit is the caller's own rating, on the public portal.
		if err := srv.App.Cases().Rate(ctx, first.TrackingCode, "5678", workflow.Satisfied, "我是张建国，很满意"); err != nil {
			t.Fatalf("the caller's rating: %v", err)
		}

		// The platform is down for the first two attempts: the push-backs wait in the
		// outbox (its backlog) and are tried again after the backoff, until it answers.
		f.mu.Lock()
		f.failFirst = 2
		f.mu.Unlock()
		clock := time.Now()
		d := deliverer(srv, &clock)
		for i := 0; i < 6; i++ {
			if _, err := d.Deliver(ctx); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(notify.Backoff(i) + time.Second)
		}
		got := f.received()
		var delivered []fakePush
		for _, p := range got {
			if !p.SigValid {
				t.Fatalf("a push-back's signature does not verify: %s", p.Raw)
			}
			if p.Status == 200 {
				delivered = append(delivered, p)
			}
		}
		if len(got) != len(delivered)+2 {
			t.Fatalf("%d attempts for %d delivered, want 2 failures", len(got), len(delivered))
		}
		var statuses []string
		for _, p := range delivered {
			statuses = append(statuses, p.Body.Status)
			if p.Body.ExternalID != "GD2026030500017" || p.Body.CaseNumber != c.ID {
				t.Fatalf("push-back names %s/%d", p.Body.ExternalID, p.Body.CaseNumber)
			}
			if strings.Contains(p.Raw, "13912345678") || strings.Contains(p.Raw, "张建国") || strings.Contains(p.Raw, first.TrackingCode) {
				t.Fatalf("personal data unmasked in the push-back: %s", p.Raw)
			}
		}
		if strings.Join(statuses, ",") != "accepted,resolved,visited" {
			t.Fatalf("push-backs %v", statuses)
		}
		if delivered[1].Body.Outcome != "mediated_oral" || !strings.Contains(delivered[1].Body.Reply, "结清工资") || delivered[2].Body.Satisfaction != "satisfied" {
			t.Fatalf("resolved/visited push-backs: %+v %+v", delivered[1].Body, delivered[2].Body)
		}
		box, _ := st.Outbox(ctx)
		for _, o := range box {
			if o.Channel == adapterjob.OutboxChannel && (o.DeliveredAt == nil || o.FailedAt != nil) {
				t.Fatalf("push-back %d not delivered: %+v", o.ID, o)
			}
		}
	})
}

// TestPlatformPushBackNeverGivesUp holds the push-back to its promise: tried past
// the attempts after which other messages are given up, still pending.
func TestPlatformPushBackNeverGivesUp(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite)
	ctx := context.Background()
	srv := testutil.NewServer(t, st, true)
	admin := srv.Login(t, "county.admin", demo.Password)
	f := newFakePlatform(t, "s3cret-shared-with-12345")
	setupPlatform(t, srv, admin, f, "60")
	resp, raw := f.push(srv.URL, "ls12345", order("GD1", "0301", "622922"), time.Now().Unix(), f.secret)
	var r receipt
	json.Unmarshal(raw, &r)
	clerk := srv.Login(t, "county.clerk", demo.Password)
	if resp, raw = clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/accept", r.CaseID), nil); resp.StatusCode != 200 {
		t.Fatalf("accept: %d %s", resp.StatusCode, raw)
	}
	f.mu.Lock()
	f.failFirst = notify.MaxAttempts + 2
	f.mu.Unlock()
	clock := time.Now()
	d := deliverer(srv, &clock)
	for i := 0; i < notify.MaxAttempts+1; i++ {
		d.Deliver(ctx)
		clock = clock.Add(notify.Backoff(i) + time.Second)
	}
	box, _ := st.Outbox(ctx)
	var pending int
	for _, o := range box {
		if o.Channel == adapterjob.OutboxChannel {
			if o.FailedAt != nil || o.DeliveredAt != nil || o.Attempts != notify.MaxAttempts+1 {
				t.Fatalf("push-back after %d failures: %+v", notify.MaxAttempts+1, o)
			}
			pending++
		}
	}
	if figures, err := st.OpsFigures(ctx, time.Now()); err != nil || pending != 1 || figures.OutboxPending < 1 {
		t.Fatalf("pending push-backs %d, outbox backlog %+v %v", pending, figures, err)
	}
}

func TestPlatformPushRefusals(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		f := newFakePlatform(t, "s3cret-shared-with-12345")
		setupPlatform(t, srv, admin, f, "60")
		now := time.Now()
		before, _ := st.CountCases(context.Background())
		for _, tt := range []struct {
			name         string
			code         string
			order        any
			ts           int64
			secret       string
			status       int
			errCode, fld string
		}{
			{"bad signature", "ls12345", order("A1", "0301", "622922"), now.Unix(), "another-secret-entirely", 401, "bad_signature", "X-Sign"},
			{"stale timestamp", "ls12345", order("A2", "0301", "622922"), now.Add(-adapters.MaxSkew - time.Minute).Unix(), f.secret, 401, "stale_timestamp", "X-Ts"},
			{"timestamp from the future", "ls12345", order("A3", "0301", "622922"), now.Add(adapters.MaxSkew + time.Minute).Unix(), f.secret, 401, "stale_timestamp", "X-Ts"},
			{"unknown platform", "nosuch", order("A4", "0301", "622922"), now.Unix(), f.secret, 404, "unknown_platform", "platform"},
			{"order without its id", "ls12345", map[string]any{"sqnr": "x", "lbdm": "0301", "qydm": "622922"}, now.Unix(), f.secret, 422, "required", "order.gdbh"},
			{"phone that is no phone", "ls12345", func() map[string]any {
				o := order("A5", "0301", "622922")
				o["ldr"] = map[string]any{"xm": "张三", "dh": "12"}
				return o
			}(), now.Unix(), f.secret, 422, "", "order.ldr.dh"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp, raw := f.push(srv.URL, tt.code, tt.order, tt.ts, tt.secret)
				if resp.StatusCode != tt.status {
					t.Fatalf("%d %s, want %d", resp.StatusCode, raw, tt.status)
				}
				e := testutil.DecodeError(t, raw)
				if tt.errCode != "" && e.Error.Code != tt.errCode || e.Error.Field != tt.fld {
					t.Fatalf("error %+v, want %s naming %s", e.Error, tt.errCode, tt.fld)
				}
			})
		}
		// Just inside the window is accepted.
		if resp, raw := f.push(srv.URL, "ls12345", order("A6", "0301", "622922"), now.Add(-adapters.MaxSkew+30*time.Second).Unix(), f.secret); resp.StatusCode != 201 {
			t.Fatalf("a push 4.5 minutes old: %d %s", resp.StatusCode, raw)
		}
		if after, _ := st.CountCases(context.Background()); after != before+1 {
			t.Fatalf("refused pushes added cases: %d → %d", before, after)
		}
	})
}

func TestPlatformParkedOrderResolved(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		f := newFakePlatform(t, "s3cret-shared-with-12345")
		id := setupPlatform(t, srv, admin, f, "60")
		before, _ := st.CountCases(ctx)

		// 0999 is a category the mapping does not know; 苏集 a region it does not.
		for _, o := range []map[string]any{order("P1", "0999", "622922"), order("P2", "0999", "附城镇"), order("P3", "0301", "苏集")} {
			resp, raw := f.push(srv.URL, "ls12345", o, time.Now().Unix(), f.secret)
			var r receipt
			json.Unmarshal(raw, &r)
			if resp.StatusCode != http.StatusAccepted || r.State != "parked" || r.TrackingCode != "" || len(r.Unmapped) != 1 {
				t.Fatalf("unmapped order: %d %s", resp.StatusCode, raw)
			}
		}
		if after, _ := st.CountCases(ctx); after != before {
			t.Fatalf("parked orders became cases: %d → %d", before, after)
		}
		_, page := admin.Do("GET", fmt.Sprintf("/admin/platforms/%d/parked", id), nil)
		for _, want := range []string{"P1", "P2", "P3", `data-testid="resolve-category-0999"`, `data-testid="resolve-region-苏集"`} {
			if !strings.Contains(string(page), want) {
				t.Fatalf("the 待映射 page lacks %s", want)
			}
		}
		// A mapping to a category we do not have is refused, naming the field.
		resp, raw := postForm(t, srv, admin, fmt.Sprintf("/admin/platforms/%d/parked", id), url.Values{"csrf_token": {admin.CSRF}, "field": {"category"},
			"theirs": {"0999"}, "ours": {"dispute.nosuch"}})
		if resp.StatusCode != 422 || !strings.Contains(raw, `data-testid="field-error-ours"`) {
			t.Fatalf("mapping to no category: %d", resp.StatusCode)
		}
		resp, _ = postForm(t, srv, admin, fmt.Sprintf("/admin/platforms/%d/parked", id), url.Values{"csrf_token": {admin.CSRF}, "field": {"category"},
			"theirs": {"0999"}, "ours": {"dispute.neighbour"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "registered=2") {
			t.Fatalf("resolve: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if after, _ := st.CountCases(ctx); after != before+2 {
			t.Fatalf("after mapping 0999: %d cases, want %d", after, before+2)
		}
		// P3 still waits for its region; pushed again it is still parked, not guessed.
		if resp, raw := f.push(srv.URL, "ls12345", order("P3", "0301", "苏集"), time.Now().Unix(), f.secret); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("P3 again: %d %s", resp.StatusCode, raw)
		}
		p2, err := st.PlatformOrder(ctx, id, "P2")
		if err != nil || p2.State != store.OrderRegistered {
			t.Fatalf("P2: %+v %v", p2, err)
		}
		c, _ := st.Case(ctx, p2.CaseID, store.CaseScope{All: true})
		if c.CategoryCode != "dispute.neighbour" {
			t.Fatalf("P2's category %s", c.CategoryCode)
		}
		// The order pushed after its mapping answers the same tracking code.
		resp2, raw2 := f.push(srv.URL, "ls12345", order("P2", "0999", "附城镇"), time.Now().Unix(), f.secret)
		var r receipt
		json.Unmarshal(raw2, &r)
		if resp2.StatusCode != 200 || r.TrackingCode != c.TrackingCode {
			t.Fatalf("P2 again: %d %s", resp2.StatusCode, raw2)
		}
		// Configuring, parking, mapping and registering are all audited.
		ops := map[string]int{}
		entries, err := st.AuditRows(ctx, store.AuditFilter{Action: "platform.", Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			ops[e.Action]++
		}
		if ops["platform.create"] != 1 || ops["platform.park"] != 3 || ops["platform.resolve"] != 1 || ops["platform.import"] != 2 {
			t.Fatalf("audit entries %v", ops)
		}
	})
}

func TestPlatformPollingDedupes(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		f := newFakePlatform(t, "s3cret-shared-with-12345")
		id := setupPlatform(t, srv, admin, f, "60")
		// Two pages, then a third whose cursor repeats an order of the second (time
		// cursors overlap), and an order pushed as well as polled.
		f.pages[""] = fakePage{Orders: []map[string]any{order("Q1", "0301", "622922"), order("Q2", "0102", "附城镇")}, Next: "c1"}
		f.pages["c1"] = fakePage{Orders: []map[string]any{order("Q3", "0301", "622922")}, Next: "c2"}
		f.pages["c2"] = fakePage{Next: "c2"}
		if resp, raw := f.push(srv.URL, "ls12345", order("Q2", "0102", "附城镇"), time.Now().Unix(), f.secret); resp.StatusCode != 201 {
			t.Fatalf("push Q2: %d %s", resp.StatusCode, raw)
		}
		before, _ := st.CountCases(ctx)
		svc := srv.App.Adapters()
		start := time.Now()
		if n, err := svc.Poll(ctx, start); err != nil || n != 3 {
			t.Fatalf("first poll: %d orders, %v", n, err)
		}
		if after, _ := st.CountCases(ctx); after != before+2 {
			t.Fatalf("first poll added %d cases, want 2 (Q2 was pushed)", after-before)
		}
		p, _ := st.Platform(ctx, id)
		if p.PollCursor != "c2" || p.PollError != "" {
			t.Fatalf("cursor %q error %q", p.PollCursor, p.PollError)
		}
		// Not due yet: no request.
		polls := len(f.polls)
		if n, _ := svc.Poll(ctx, start.Add(30*time.Second)); n != 0 || len(f.polls) != polls {
			t.Fatalf("polled before its interval")
		}
		// The second poll goes on from the cursor kept in the database; the platform
		// serves Q3 again with a new one.
		f.mu.Lock()
		f.pages["c2"] = fakePage{Orders: []map[string]any{order("Q3", "0301", "622922"), order("Q4", "0301", "622922")}, Next: "c3"}
		f.mu.Unlock()
		if n, err := svc.Poll(ctx, start.Add(61*time.Second)); err != nil || n != 2 {
			t.Fatalf("second poll: %d orders, %v", n, err)
		}
		if after, _ := st.CountCases(ctx); after != before+3 {
			t.Fatalf("after two polls %d new cases, want 3", after-before)
		}
		f.mu.Lock()
		asked := strings.Join(f.polls, ",")
		f.mu.Unlock()
		if asked != ",c1,c2,c2,c3" {
			t.Fatalf("cursors asked for: %s", asked)
		}
		if p, _ = st.Platform(ctx, id); p.PollCursor != "c3" {
			t.Fatalf("cursor after the second poll %q", p.PollCursor)
		}
	})
}
