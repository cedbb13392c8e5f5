package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"golang.org/x/text/unicode/norm"
)

// receiver is an HTTP endpoint (a webhook, an SMS gateway) that keeps what it is sent.
type receiver struct {
	mu     sync.Mutex
	bodies []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.bodies = append(rc.bodies, string(b))
	rc.mu.Unlock()
}

// digitsOf is a text as someone copying numbers off it reads it: NFKC, without the
// spaces, dashes and dots between the digits.
func digitsOf(s string) string {
	return strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "").Replace(strings.ToUpper(norm.NFKC.String(s)))
}

// What leaves the staff who handle a case is masked by the one rule: a citizen's
// name, phone and ID number, typed as input methods type them, reach no notification
// (inbox, SMS, e-mail, webhook) of the registration or of the deadline sweep, and the
// tracking code, the citizen's own, reaches none either; the tracking and booking
// pages show the staff's words masked as well.
func TestWhatLeavesTheStaffIsMasked(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv := testutil.NewServer(t, st, true)
		svc := srv.App.Cases()
		svc.Notifier.Config = notify.Config{SMS: true, Email: true, Webhook: true}
		clerkUser, _, err := st.UserCredentials(ctx, "fucheng.clerk")
		if err != nil {
			t.Fatal(err)
		}
		clerkUser.Phone, clerkUser.Email = "13893002000", "clerk@example.cn"
		if err := st.UpdateUser(ctx, store.NotAudited("test fixture"), &clerkUser); err != nil {
			t.Fatal(err)
		}

		id := model.MakeIDNumber("110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 2)
		form := publicReport()
		form.Set("name", "王秀英")
		form.Set("phone", "13912345678")
		form.Set("id_number", id)
		form.Set("description", "我是王秀英，电话１３９ １２３４ ５６７８，身份证"+id[:6]+" "+id[6:14]+" "+id[14:]+"，村口小卖部门前堆放液化气罐。")
		c := srv.NewClient(t)
		code := publicSubmit(t, c, srv.URL, form, nil)
		kase := publicCase(t, st, code)
		if !strings.Contains(kase.Title, "王秀英") {
			t.Fatalf("the title %q does not carry what the test masks", kase.Title)
		}
		// The sweep tells the clerks the acceptance deadline is near, then past.
		for _, days := range []time.Duration{0, 30} {
			if _, err := svc.SweepDeadlines(ctx, kase.DueAt.Add(days*24*time.Hour-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}

		leaks := func(where, text string) {
			t.Helper()
			for _, v := range []string{"王秀英", code} {
				if strings.Contains(strings.ToUpper(text), v) {
					t.Errorf("%s carries %q: %s", where, v, text)
				}
			}
			for _, v := range []string{"13912345678", id, id[:10]} {
				if strings.Contains(digitsOf(text), v) {
					t.Errorf("%s carries %s: %s", where, v, text)
				}
			}
		}
		kinds := map[string]bool{}
		notices, err := st.Notifications(ctx, clerkUser.ID, false, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notices {
			if n.CaseID == kase.ID {
				kinds[n.Kind] = true
				leaks("notice "+n.Kind, n.Title+" "+n.Body)
			}
		}
		for _, k := range []string{"public_case", "due_soon", "overdue"} {
			if !kinds[k] {
				t.Errorf("no %s notice: %v", k, kinds)
			}
		}
		outbox, err := st.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		channels := map[string]int{}
		for _, o := range outbox {
			channels[o.Channel]++
			leaks(o.Channel+" to "+o.Recipient, o.Subject+" "+o.Body)
		}
		if channels["sms"] < 3 || channels["email"] < 3 || channels["webhook"] < 3 {
			t.Errorf("outbox %v", channels)
		}

		// What the webhook and the SMS gateway receive.
		hook, gateway := &receiver{}, &receiver{}
		hookSrv, gatewaySrv := httptest.NewServer(hook), httptest.NewServer(gateway)
		defer hookSrv.Close()
		defer gatewaySrv.Close()
		later := func() time.Time { return kase.DueAt.Add(60 * 24 * time.Hour) } // the sweeps' messages are due
		d := &notify.Deliverer{Store: st, Now: later, Channels: map[string]notify.Channel{
			"webhook": notify.Webhook{URL: hookSrv.URL, Secret: "s"}, "sms": notify.SMSGateway{URL: gatewaySrv.URL},
			"email": notify.LogSink{Log: slog.New(slog.DiscardHandler)}}}
		if _, err := d.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		var caseHooks int
		for _, b := range hook.bodies {
			var p struct {
				CaseID int64 `json:"case_id"`
			}
			if json.Unmarshal([]byte(b), &p); p.CaseID == kase.ID {
				caseHooks++
			}
			leaks("webhook", b)
		}
		for _, b := range gateway.bodies {
			leaks("SMS", b)
		}
		if caseHooks < 3 || len(gateway.bodies) < 3 {
			t.Errorf("delivered %d webhooks of the case, %d SMS", caseHooks, len(gateway.bodies))
		}

		// The citizen's pages: the staff's refusal quotes a phone and the title the
		// citizen's own words.
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		publicAct(t, clerk, kase.ID, "reject", map[string]any{"note": "不属于本中心受理范围，请致电燃气公司０９３１－８１２３４５６"}, "rejected")
		resp, body := publicForm(t, c, srv.URL, "/p/track", url.Values{"code": {code}, "last4": {"5678"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "请致电燃气公司***") || !strings.Contains(body, "我是***，电话***") {
			t.Errorf("tracking page: %d %s", resp.StatusCode, publicAlert(body))
		}
		leaks("tracking page", strings.ReplaceAll(body, code, ""))
		resp, body = publicForm(t, c, srv.URL, "/p/book", url.Values{"op": {"verify"}, "code": {code}, "last4": {"5678"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "我是***，电话***") {
			t.Errorf("booking page: %d %s", resp.StatusCode, publicAlert(body))
		}
		leaks("booking page", strings.ReplaceAll(body, code, ""))
	})
}
