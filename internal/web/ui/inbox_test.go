package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// inboxClock is a controllable clock for the case service.
type inboxClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *inboxClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *inboxClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var unreadRE = regexp.MustCompile(`data-testid="unread"[^>]*>(\d+)<`)

// unreadBadge reads the header's unread count off a page, 0 when it shows none.
func unreadBadge(t *testing.T, body string) int {
	t.Helper()
	if !strings.Contains(body, `data-testid="inbox-link"`) {
		t.Fatal("the header has no link to the inbox")
	}
	m := unreadRE.FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// An urgent case at 附城镇 runs late: its handler's inbox fills, the header counts
// what is unread, reading empties it; a leader's yellow card shows on the board, the
// department's handler answers it from the case page, and the board lets it go.
func TestInboxAndSupervisionPages(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		clk := &inboxClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, workflow.ChinaTime)} // a Monday
		svc := cp.srv.App.Cases()
		svc.Now = clk.Now
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
		clerk := cp.srv.Login(t, "fucheng.clerk", demo.Password)
		handler := cp.srv.Login(t, "fucheng.handler", demo.Password) // 附城镇司法所
		leader := cp.srv.Login(t, "fucheng.leader", demo.Password)

		form := url.Values{
			"kind": {"dispute"}, "category_id": {fmt.Sprint(cp.categoryID("dispute.neighbour"))}, "channel": {"walk_in"},
			"region_id": {fmt.Sprint(cp.regionID("622922100200"))}, "address": {"附城镇高林湾村二社12号"},
			"title":       {"院墙柴草堆放邻里纠纷"},
			"description": {"邻居在院墙边堆放柴草，双方多次争吵。"},
			"urgency":     {"urgent"}, "parties[0].role": {"applicant"}, "parties[0].name": {"马某"},
			"then": {"assign"}, "lead_department_id": {fmt.Sprint(cp.departmentID("622922100", "justice-office"))},
		}
		casePath := cp.register(clerk, form)

		sweep()                 // Monday: nothing is near
		clk.Add(48 * time.Hour) // Wednesday: due soon
		sweep()
		clk.Add(48 * time.Hour) // Friday: overdue
		sweep()

		_, home := cp.get(handler, "/")
		if n := unreadBadge(t, home); n != 2 {
			t.Fatalf("the handler's header counts %d unread, want 2", n)
		}
		resp, inbox := cp.get(handler, "/inbox")
		if resp.StatusCode != 200 {
			t.Fatalf("inbox: %d", resp.StatusCode)
		}
		for _, want := range []string{"将到期提醒", "超期提醒", "院墙柴草堆放邻里纠纷", `href="` + casePath + `"`, "全部标为已读"} {
			if !strings.Contains(inbox, want) {
				t.Errorf("the inbox lacks %q", want)
			}
		}
		if strings.Index(inbox, "超期提醒") > strings.Index(inbox, "将到期提醒") {
			t.Error("the inbox is not newest first")
		}
		ids := regexp.MustCompile(`data-testid="message" data-id="(\d+)" data-unread="true"`).FindAllStringSubmatch(inbox, -1)
		if len(ids) != 2 {
			t.Fatalf("unread messages in the inbox: %d, want 2", len(ids))
		}
		// Somebody else cannot mark the handler's message read.
		if resp, _ := cp.post(leader, "/inbox/"+ids[0][1]+"/read", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the leader marks the handler's message read: %d", resp.StatusCode)
		}
		resp, _ = cp.post(handler, "/inbox/"+ids[0][1]+"/read", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox?notice=inbox_read" {
			t.Fatalf("mark read: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, inbox = cp.get(handler, "/inbox?notice=inbox_read")
		if n := unreadBadge(t, inbox); n != 1 {
			t.Fatalf("after reading one, the header counts %d, want 1", n)
		}
		if !strings.Contains(inbox, "已标为已读。") || strings.Count(inbox, `data-unread="true"`) != 1 {
			t.Error("the inbox does not show one message read")
		}
		if resp, _ := cp.post(handler, "/inbox/read-all", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("read all: %d", resp.StatusCode)
		}
		_, inbox = cp.get(handler, "/inbox")
		if n := unreadBadge(t, inbox); n != 0 || strings.Contains(inbox, `data-unread="true"`) {
			t.Fatalf("after reading all, the header counts %d", n)
		}
		if _, unread := cp.get(handler, "/inbox?unread=true"); !strings.Contains(unread, `data-testid="inbox-empty"`) {
			t.Error("the unread tab still lists messages")
		}

		// The leader's supervise form asks for a level and the days to reply.
		_, page := cp.get(leader, casePath)
		supervise := between(page, `data-action-form="supervise"`, "</details>")
		for _, want := range []string{`name="level"`, `<option value="yellow">黄牌</option>`, `name="reply_days"`, `value="3"`} {
			if !strings.Contains(supervise, want) {
				t.Fatalf("the supervise form lacks %q:\n%s", want, supervise)
			}
		}
		if !strings.Contains(page, `href="/supervision"`) {
			t.Error("the leader's navigation has no 督办")
		}
		act := url.Values{"state": {stateOf(t, page)}, "note": {"请于两日内约谈双方并报告"}, "level": {"yellow"}, "reply_days": {"0"}}
		resp, body := cp.post(leader, casePath+"/actions/supervise", act)
		if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(body, "reply_days") == "" {
			t.Fatalf("zero days to reply: %d %q", resp.StatusCode, alertOf(body))
		}
		act.Set("reply_days", "2")
		if resp, body := cp.post(leader, casePath+"/actions/supervise", act); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("supervise: %d %s", resp.StatusCode, alertOf(body))
		}

		// Five days on, unanswered: the board shows it late.
		clk.Add(5 * 24 * time.Hour) // Wednesday
		resp, board := cp.get(leader, "/supervision")
		if resp.StatusCode != 200 {
			t.Fatalf("board: %d", resp.StatusCode)
		}
		row := between(board, `data-testid="board-row"`, "</tr>")
		for _, want := range []string{"黄牌", "院墙柴草堆放邻里纠纷", `href="` + casePath + `"`, "附城镇", "附城镇司法所", "5 天", `data-testid="overdue"`, "请于两日内约谈双方并报告"} {
			if !strings.Contains(row, want) {
				t.Errorf("the board's row lacks %q:\n%s", want, row)
			}
		}
		if !strings.Contains(board, `data-testid="group-yellow"`) {
			t.Error("the board does not group the order under 黄牌")
		}
		if _, red := cp.get(leader, "/supervision?level=red"); !strings.Contains(red, `data-testid="board-empty"`) {
			t.Error("the red filter lists the yellow card")
		}
		sid := regexp.MustCompile(`data-supervision-id="(\d+)"`).FindStringSubmatch(row)[1]
		replyPath := casePath + "/supervisions/" + sid + "/reply"

		// The handler was told, and is the one offered the reply form.
		_, page = cp.get(handler, casePath)
		if n := unreadBadge(t, page); n != 1 {
			t.Errorf("the handler's header counts %d after the yellow card, want 1", n)
		}
		if !strings.Contains(page, `data-testid="supervision-reply-form"`) || !strings.Contains(page, "黄牌") {
			t.Fatal("the addressee is not offered the reply form")
		}
		for name, c := range map[string]*testutil.Client{"fucheng.clerk": clerk, "fucheng.leader": leader} {
			_, page := cp.get(c, casePath)
			if !strings.Contains(page, `data-testid="supervisions"`) {
				t.Errorf("%s does not see the case's orders", name)
			}
			if strings.Contains(page, `data-testid="supervision-reply-form"`) {
				t.Errorf("%s, not the addressee, is offered the reply form", name)
			}
		}
		if resp, _ := cp.post(clerk, replyPath, url.Values{"reply": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the clerk answers the department's order: %d", resp.StatusCode)
		}
		resp, body = cp.post(handler, replyPath, url.Values{"reply": {"  "}})
		if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(body, "reply") == "" {
			t.Fatalf("an empty reply: %d %q", resp.StatusCode, alertOf(body))
		}
		resp, _ = cp.post(handler, replyPath, url.Values{"reply": {"已约双方当事人本周五到司法所调解"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != casePath+"?notice=supervision_replied" {
			t.Fatalf("reply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page = cp.get(handler, casePath)
		for _, want := range []string{"已约双方当事人本周五到司法所调解", "已回复", "逾期回复", "<strong>督办回复</strong>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the case page after the reply lacks %q", want)
			}
		}
		if strings.Contains(page, `data-testid="supervision-reply-form"`) {
			t.Error("the answered order still offers the reply form")
		}

		if _, board = cp.get(leader, "/supervision"); !strings.Contains(board, `data-testid="board-empty"`) {
			t.Error("the board still lists the answered order as open")
		}
		if _, board = cp.get(leader, "/supervision?status=replied"); !strings.Contains(board, `data-supervision-id="`+sid+`"`) {
			t.Error("the replied filter does not list the answered order")
		}
		_, inbox = cp.get(leader, "/inbox")
		if !strings.Contains(inbox, "督办回复") || !strings.Contains(inbox, "超期提醒") {
			t.Error("the leader's inbox lacks the reply or the overdue notice")
		}
	})
}

// A leader who never reads gathers more warnings than a header can count: the badge
// counts to 99 and then says 99+, on the page and in the inbox's tab, and the API's
// count stops one past it.
func TestUnreadBadgeStopsCounting(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		cp := newCasePages(t, st)
		ctx := context.Background()
		u, _, err := cp.st.UserCredentials(ctx, "county.clerk")
		if err != nil {
			t.Fatal(err)
		}
		notify := func(n int) {
			t.Helper()
			err := cp.st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
				for i := 0; i < n; i++ {
					if err := tx.InsertNotification(ctx, &store.Notification{UserID: u.ID, Kind: "warning_orange", Title: "橙色预警",
						Body: fmt.Sprintf("第 %d 条", i), CreatedAt: time.Now()}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		notify(store.MaxUnreadCount)
		if _, body := cp.get(cp.clerk, "/cases"); unreadBadge(t, body) != store.MaxUnreadCount {
			t.Fatalf("badge at %d unread: %d", store.MaxUnreadCount, unreadBadge(t, body))
		}
		notify(5)
		_, body := cp.get(cp.clerk, "/cases")
		body = html.UnescapeString(body)
		if !strings.Contains(body, `data-testid="unread" title="99 条以上未读">99+</span>`) {
			t.Fatalf("badge past the count: %s", regexp.MustCompile(`<span class="unread"[^<]*</span>`).FindString(body))
		}
		if _, body := cp.get(cp.clerk, "/inbox"); !strings.Contains(html.UnescapeString(body), "未读 (99+)") {
			t.Fatal("the inbox's unread tab does not say 99+")
		}
		resp, raw := cp.clerk.Do("GET", "/api/v1/notifications?unread=true", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), fmt.Sprintf(`"unread":%d`, store.MaxUnreadCount+1)) {
			t.Fatalf("API inbox: %d %.200s", resp.StatusCode, raw)
		}
	})
}
