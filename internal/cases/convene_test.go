package cases_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// A booked reception convenes departments: each one's handlers are told, one of them
// confirms who attends (the leader is told), no other department may; once the
// reception has begun, the desk records its result on the booking and the case.
func TestReceptionConvenesDepartments(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, clerk, category := clerkAtDesk(t, st)
		now := time.Now()
		svc.Now = func() time.Time { return now }
		leader := principal(t, st, "county.leader")
		justice, hrss := principal(t, st, "fucheng.handler"), principal(t, st, "county.handler")
		c := registerAt(t, ctx, svc, clerk, category["dispute.neighbour"], "宅基地纠纷，约县领导接访。")

		day := now.In(workflow.ChinaTime).AddDate(0, 0, 1).Format(time.DateOnly)
		sess, err := svc.PublishSession(ctx, leader, cases.SessionInput{Date: day, Start: "09:00", End: "10:00", SlotMinutes: 30, Place: "县综治中心接访室"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Book(ctx, clerk, c.ID, sess.Slots[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Invite(ctx, clerk, a.ID, nil); !isField(err, "department_ids", "required") {
			t.Errorf("no departments: %v", err)
		}
		// A grid worker sees the case but may not convene.
		if _, err := svc.Invite(ctx, principal(t, st, "fucheng.grid"), a.ID, []int64{justice.Department.ID}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a grid worker convenes: %v", err)
		}
		got, err := svc.Invite(ctx, clerk, a.ID, []int64{justice.Department.ID, hrss.Department.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Invites) != 2 || got.Invites[0].Status != store.InviteInvited {
			t.Fatalf("invites %+v", got.Invites)
		}
		if _, err := svc.Invite(ctx, clerk, a.ID, []int64{hrss.Department.ID}); !isField(err, "department_ids", "duplicate") {
			t.Errorf("invite twice: %v", err)
		}
		// Each department's handler is told, and sees the invite on their list.
		for _, h := range []*auth.Principal{justice, hrss} {
			ns, err := st.Notifications(ctx, h.User.ID, true, 0, 10)
			if err != nil || len(ns) == 0 || ns[0].Kind != "appointment_invite" {
				t.Errorf("%s's notices: %+v %v", h.User.Username, ns, err)
			} else if strings.Contains(ns[0].Body, c.TrackingCode) || !strings.Contains(ns[0].Body, fmt.Sprintf("案件编号 %d", c.ID)) {
				t.Errorf("the invite names the case by its tracking code or not by its number: %s", ns[0].Body)
			}
			list, err := svc.DepartmentInvites(ctx, h)
			if err != nil || len(list) != 1 || list[0].TrackingCode != c.TrackingCode {
				t.Errorf("%s's invites: %+v %v", h.User.Username, list, err)
			}
		}
		justiceInvite, hrssInvite := got.Invites[0], got.Invites[1]
		if _, err := svc.ConfirmInvite(ctx, hrss, justiceInvite.ID, "张某"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another department confirms: %v", err)
		}
		if _, err := svc.ConfirmInvite(ctx, justice, justiceInvite.ID, " "); !isField(err, "attendee", "required") {
			t.Errorf("confirm naming nobody: %v", err)
		}
		if _, err := svc.ConfirmInvite(ctx, justice, justiceInvite.ID, "司法所所长李某"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ConfirmInvite(ctx, justice, justiceInvite.ID, "李某"); !isField(err, "attendee", "confirmed") {
			t.Errorf("confirm twice: %v", err)
		}
		ns, err := st.Notifications(ctx, leader.User.ID, true, 0, 10)
		if err != nil || len(ns) == 0 || ns[0].Kind != "appointment_confirm" {
			t.Errorf("the leader's notices: %+v %v", ns, err)
		}

		// Before it begins there is no result to record; after, once.
		if _, err := svc.RecordResult(ctx, clerk, a.ID, "双方同意调解"); !isField(err, "result", "not_begun") {
			t.Errorf("result before it begins: %v", err)
		}
		now = a.StartsAt.Add(20 * time.Minute)
		if _, err := svc.Invite(ctx, clerk, a.ID, []int64{hrss.Department.ID}); !isField(err, "appointment", "past") {
			t.Errorf("invite after it began: %v", err)
		}
		done, err := svc.RecordResult(ctx, leader, a.ID, "县领导接访，司法所参加，双方同意由司法所组织调解")
		if err != nil {
			t.Fatal(err)
		}
		if done.Result == "" || done.ResultBy != leader.User.ID {
			t.Errorf("result %+v", done)
		}
		if _, err := svc.RecordResult(ctx, clerk, a.ID, "再记一次"); !isField(err, "result", "recorded") {
			t.Errorf("result twice: %v", err)
		}
		list, err := svc.CaseAppointments(ctx, clerk, c.ID)
		if err != nil || len(list) != 1 || len(list[0].Invites) != 2 || list[0].Invites[0].Attendee != "司法所所长李某" ||
			list[0].Invites[1].ID != hrssInvite.ID || list[0].Invites[1].Status != store.InviteInvited || list[0].Result == "" {
			t.Fatalf("the case's bookings: %+v %v", list, err)
		}
		evs, err := svc.Events(ctx, clerk, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range evs[len(evs)-4:] {
			actions = append(actions, ev.Action)
		}
		if want := []string{cases.ActionAppointmentBook, cases.ActionAppointmentInvite, cases.ActionAppointmentConfirm, cases.ActionAppointmentResult}; !slices.Equal(actions, want) {
			t.Errorf("timeline ends %v, want %v", actions, want)
		}
	})
}

func isField(err error, field, code string) bool {
	var fe *model.FieldError
	return errors.As(err, &fe) && fe.Field == field && fe.Code == code
}
