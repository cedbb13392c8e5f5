package cases_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// clerkAtDesk seeds the demo county into st and signs in its Fucheng clerk: the
// context their registrations run under (from 10.0.0.9), the service, the clerk, and
// the categories' ids by code.
func clerkAtDesk(t *testing.T, st *store.Store) (context.Context, *cases.Service, *auth.Principal, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	if err := demo.SeedCounty(ctx, st); err != nil {
		t.Fatal(err)
	}
	p := principal(t, st, "fucheng.clerk")
	ctx = store.WithActor(ctx, store.Actor{ID: p.User.ID, Name: p.User.Username, IP: "10.0.0.9"})
	cats, err := st.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	category := map[string]int64{}
	for _, c := range cats {
		category[c.Code] = c.ID
	}
	return ctx, cases.New(st), p, category
}

// A registration is written whole whichever way the store takes it (on PostgreSQL one
// statement shared with the registrations of the moment, an orange one's notices in
// it too; on SQLite the group commit): the case, its parties in order with their ids,
// its events, and the audit entry naming it, chained into a log that verifies.
func TestRegisterWritesTheWholeCase(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, p, category := clerkAtDesk(t, st)
		for _, tc := range []struct {
			name, category, description string
			people                      int
			level                       string
			parties                     []cases.PartyInput
		}{
			{"two parties, no warning", "dispute.neighbour", "楼上邻居装修噪音扰民，多次协商未果。", 2, "none", []cases.PartyInput{
				{Name: "马某", Phone: "13893001001", Address: "附城镇东街1号"},
				{Role: model.PartyRespondent, Name: "王某", Phone: "13893001002"}}},
			{"one worker owed wages", "dispute.labour.wages", "讨薪，工地拖欠工资三个月。", 1, "blue",
				[]cases.PartyInput{{Name: "赵某", Phone: "13893001004"}}},
			{"forty workers owed wages", "dispute.labour.wages", "农民工集体讨薪，工地拖欠工资三个月。", 40, "orange",
				[]cases.PartyInput{{Name: "李某", Phone: "13893001003"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := cases.RegisterInput{Kind: model.KindDispute, CategoryID: category[tc.category], Channel: model.ChannelWalkIn,
					RegionID: p.Region.ID, Description: tc.description, PeopleCount: tc.people, Parties: tc.parties}
				c, err := svc.Register(ctx, p, in)
				if err != nil {
					t.Fatal(err)
				}
				if c.RiskLevel != tc.level {
					t.Errorf("warning %q, want %q", c.RiskLevel, tc.level)
				}
				got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
				if err != nil || got.TrackingCode != c.TrackingCode || got.Version != 1 || got.RiskLevel != c.RiskLevel {
					t.Fatalf("stored %+v, %v; registered %+v", got, err, c)
				}
				if len(got.Parties) != len(tc.parties) {
					t.Fatalf("parties %+v", got.Parties)
				}
				for i, party := range got.Parties {
					if party.ID != c.Parties[i].ID || party.Seq != i+1 || party.Name != tc.parties[i].Name || party.Phone != tc.parties[i].Phone {
						t.Errorf("party %d stored %+v, registered %+v", i, party, c.Parties[i])
					}
				}
				if got.Parties[0].Address != tc.parties[0].Address || tc.parties[0].Role == "" && got.Parties[0].Role != model.PartyApplicant {
					t.Errorf("party 0 %+v", got.Parties[0])
				}
				evs, _ := st.Events(ctx, c.ID)
				want := []string{"register"}
				if tc.level != "none" {
					want = append(want, "warning")
				}
				if len(evs) != len(want) {
					t.Fatalf("events %+v, want %v", evs, want)
				}
				for i, ev := range evs {
					if ev.Action != want[i] || ev.CaseID != c.ID || i == 0 && (ev.ActorID != p.User.ID || ev.ToState != "registered") {
						t.Errorf("event %d: %+v", i, ev)
					}
				}
				notes, _ := st.Notifications(ctx, p.User.ID, false, 0, 50)
				told := 0
				for _, n := range notes {
					if n.CaseID == c.ID {
						told++
					}
				}
				if (told > 0) != (tc.level == "orange") {
					t.Errorf("the clerk was told %d times of a %s case", told, tc.level)
				}
				rows, err := st.AuditRows(ctx, store.AuditFilter{Object: fmt.Sprintf("case:%d", c.ID)})
				if err != nil || len(rows) != 1 || rows[0].Action != "case.register" || rows[0].ActorID != p.User.ID || rows[0].ClientIP != "10.0.0.9" {
					t.Fatalf("audit rows %+v, %v", rows, err)
				}
			})
		}
		if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n == 0 {
			t.Errorf("audit chain: %d entries, break %+v, %v", n, brk, err)
		}
	})
}

// Registrations arriving together share one write (group commit on both stores), and
// each is still written whole to a case of its own: its parties, its events and its
// audit entry under its id, none of them crossed with another's.
func TestRegistrationsAtTheSameMomentStayApart(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, p, category := clerkAtDesk(t, st)
		neighbours := category["dispute.neighbour"]
		const n = 48
		registered := make([]model.Case, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				parties := []cases.PartyInput{{Name: fmt.Sprintf("申请人%d", i), Phone: fmt.Sprintf("138930%05d", i)}}
				for j := range i % 3 {
					parties = append(parties, cases.PartyInput{Role: model.PartyRespondent, Name: fmt.Sprintf("被申请人%d-%d", i, j)})
				}
				registered[i], errs[i] = svc.Register(ctx, p, cases.RegisterInput{Kind: model.KindDispute, CategoryID: neighbours,
					Channel: model.ChannelWalkIn, RegionID: p.Region.ID, Description: fmt.Sprintf("第%d号：邻里纠纷，协商未果。", i), Parties: parties})
			})
		}
		wg.Wait()
		ids := map[int64]bool{}
		for i, c := range registered {
			if errs[i] != nil {
				t.Fatalf("registration %d: %v", i, errs[i])
			}
			if ids[c.ID] {
				t.Fatalf("case id %d given twice", c.ID)
			}
			ids[c.ID] = true
			got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
			if err != nil || got.TrackingCode != c.TrackingCode || got.Description != fmt.Sprintf("第%d号：邻里纠纷，协商未果。", i) {
				t.Fatalf("case %d stored %+v, %v", i, got, err)
			}
			if len(got.Parties) != 1+i%3 {
				t.Fatalf("case %d: parties %+v", i, got.Parties)
			}
			for j, party := range got.Parties {
				if party.ID != c.Parties[j].ID || party.Seq != j+1 || party.Name != c.Parties[j].Name {
					t.Errorf("case %d party %d stored %+v, registered %+v", i, j, party, c.Parties[j])
				}
			}
			if got.Parties[0].Name != fmt.Sprintf("申请人%d", i) {
				t.Errorf("case %d has %s's parties", i, got.Parties[0].Name)
			}
			evs, _ := st.Events(ctx, c.ID)
			if len(evs) != 1 || evs[0].Action != "register" || evs[0].CaseID != c.ID {
				t.Errorf("case %d events %+v", i, evs)
			}
			rows, err := st.AuditRows(ctx, store.AuditFilter{Object: fmt.Sprintf("case:%d", c.ID)})
			if err != nil || len(rows) != 1 || rows[0].Action != "case.register" {
				t.Errorf("case %d audit rows %+v, %v", i, rows, err)
			}
		}
		if n, brk, err := st.VerifyAudit(ctx); err != nil || brk != nil || n < 48 {
			t.Errorf("audit chain: %d entries, break %+v, %v", n, brk, err)
		}
	})
}

// A red registration brings its warning's notices and a red supervision order, and
// they are the same whichever way the store writes it: on PostgreSQL, one statement
// shared with the other registrations of the moment (no further steps), or a
// transaction (a step after it); on SQLite, the group commit. Every notice is in its
// recipient's inbox with its SMS, e-mail and webhook copies; the SMS names its
// notification, the webhook the case; the order's event names the order. None of them
// carries the applicant's name, phone or ID number, however typed, nor the tracking
// code.
func TestRedRegistrationWritesItsNoticesAndOrderEitherWay(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, p, category := clerkAtDesk(t, st)
		svc.Notifier.Config = notify.Config{SMS: true, Email: true, Webhook: true}
		at := time.Now()
		svc.Now = func() time.Time { return at } // both registrations' notices tell the same times
		for i, name := range []string{"county.leader", "fucheng.leader", "fucheng.clerk"} {
			u, _, err := st.UserCredentials(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			u.Phone, u.Email = fmt.Sprintf("1389300200%d", i), name+"@example.cn"
			if err := st.UpdateUser(ctx, store.NotAudited("test fixture"), &u); err != nil {
				t.Fatal(err)
			}
		}
		users, err := st.ActiveUsers(ctx, store.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// The applicant's name, phone and ID number are in the title, as a clerk types
		// them: none of them, nor the tracking code, may reach a notice or its copies.
		id := model.MakeIDNumber("110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 2)
		private := []string{"赵六", "13712345678", "１３７１２３４５６７８", id, id[:6] + " " + id[6:14] + " " + id[14:]}
		register := func(then []cases.Step) model.Case {
			t.Helper()
			c, err := svc.Register(ctx, p, cases.RegisterInput{Kind: model.KindDispute, CategoryID: category["dispute.labour.wages"],
				Channel: model.ChannelWalkIn, RegionID: p.Region.ID, PeopleCount: 40,
				Title:       "求助人赵六电话１３７１２３４５６７８身份证" + private[4] + "，四十名农民工讨薪",
				Description: "四十名农民工讨薪，工头扬言同归于尽，还有人说要跳楼。", Parties: []cases.PartyInput{{Name: "赵六", Phone: "13712345678", IDNumber: id}},
				Then: then})
			if err != nil {
				t.Fatal(err)
			}
			if c.RiskLevel != "red" {
				t.Fatalf("warning %s, want red", c.RiskLevel)
			}
			return c
		}
		// written is what a registration wrote, with its tracking code and id taken out.
		written := func(c model.Case) []string {
			t.Helper()
			var out []string
			number := fmt.Sprintf("案件编号 %d", c.ID)
			anon := func(s string) string {
				for _, v := range append(private, c.TrackingCode) {
					if strings.Contains(s, v) {
						t.Errorf("%q is written in full: %s", v, s)
					}
				}
				return strings.ReplaceAll(strings.ReplaceAll(s, number, "案件编号 ID"), fmt.Sprintf(`"case_id":%d`, c.ID), `"case_id":ID`)
			}
			// Accepting sets a new deadline, against which no order is issued yet.
			got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
			if err != nil || got.RiskLevel != "red" || got.RiskReportAt != nil || got.State == "registered" && got.SupervisionLevel != "red" {
				t.Fatalf("stored %s: %s, supervision %q, report at %v; %v", got.TrackingCode, got.RiskLevel, got.SupervisionLevel, got.RiskReportAt, err)
			}
			orders, err := st.Supervisions(ctx, store.SupervisionFilter{CaseID: c.ID}, store.CaseScope{All: true})
			if err != nil || len(orders) != 1 {
				t.Fatalf("orders %+v, %v", orders, err)
			}
			v := orders[0]
			out = append(out, fmt.Sprintf("order %s %s %s %s by %d at centre %d, reply by %s", v.Level, v.Status, v.Source, v.Requirement, v.IssuedBy, v.CentreID, v.ReplyBy.Format(time.DateOnly)))
			evs, _ := st.Events(ctx, c.ID)
			for _, ev := range evs {
				if ev.Action == "supervise" {
					if want := fmt.Sprintf(`"supervision_id":%d,`, v.ID); !strings.Contains(string(ev.Payload), want) {
						t.Errorf("the order's event %s does not name it (%d)", ev.Payload, v.ID)
					}
					out = append(out, "event supervise "+ev.Note)
				} else if ev.Action != "accept" {
					out = append(out, "event "+ev.Action)
				}
			}
			mine := map[int64]store.Notification{}
			for _, u := range users {
				ns, err := st.Notifications(ctx, u.ID, false, 0, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range ns {
					if n.CaseID == c.ID {
						mine[n.ID] = n
						out = append(out, fmt.Sprintf("notice to %s: %s %s %s", u.Username, n.Kind, anon(n.Title), anon(n.Body)))
					}
				}
			}
			outbox, err := st.Outbox(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range outbox {
				n, ours := mine[o.NotificationID]
				switch {
				case o.Channel == "sms" && ours:
					out = append(out, fmt.Sprintf("sms to %s for user %d: %s", o.Recipient, n.UserID, anon(o.Body)))
				case o.Channel != "sms" && strings.Contains(o.Body, number):
					out = append(out, fmt.Sprintf("%s to %s: %s %s", o.Channel, o.Recipient, anon(o.Subject), anon(o.Body)))
				}
			}
			slices.Sort(out)
			return out
		}
		alone := written(register(nil))
		inTx := written(register([]cases.Step{{Action: workflow.ActionAccept}}))
		if !slices.Equal(alone, inTx) {
			t.Errorf("registered alone:\n%s\nwith a step:\n%s", strings.Join(alone, "\n"), strings.Join(inTx, "\n"))
		}
		for _, want := range []string{"notice to county.leader: warning_red 红色预警 求助人***电话***身份证***，四十名农民工讨薪（案件编号 ID）：",
			"notice to county.leader: supervision", "sms to 13893002000",
			"email to county.leader@example.cn: 红色预警", "webhook to warning_red", "webhook to supervision", "event supervise"} {
			if !slices.ContainsFunc(alone, func(s string) bool { return strings.HasPrefix(s, want) }) {
				t.Errorf("nothing written as %q:\n%s", want, strings.Join(alone, "\n"))
			}
		}
	})
}
