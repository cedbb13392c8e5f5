package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// smsTo lists the text messages queued to phone, oldest first.
func smsTo(t *testing.T, st *store.Store, phone string) []store.OutboxItem {
	t.Helper()
	all, err := st.Outbox(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []store.OutboxItem
	for _, o := range all {
		if o.Channel == "sms" && o.Recipient == phone {
			out = append(out, o)
		}
	}
	return out
}

// A person of the talent pool without a staff account has no inbox: they are told by
// text message, through the outbox, when they join a case's team and when a sitting
// the team attends is scheduled; the text is masked by the one rule (the parties'
// names, phones and ID numbers), and no outbound message carries the parties' data.
func TestMediationPoolPeopleWithoutAccountAreTextedMasked(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		town, village := fmt.Sprint(regionID(t, st, "622922100")), regionID(t, st, "622922100200")
		const lawyerPhone, psyPhone = "13912340001", "13912340002"
		for _, p := range [][2]string{{"王援助", lawyerPhone}, {"何心理", psyPhone}} {
			kind := map[string]string{"王援助": "legal_aid", "何心理": "psychologist"}[p[0]]
			if resp, body := postForm(t, srv, admin, "/admin/mediation/talent", url.Values{"t_name": {p[0]}, "t_kind": {kind}, "t_region_id": {town},
				"specialties": {"dispute.land"}, "t_phone": {p[1]}, "since": {"2026-01-01"}}); resp.StatusCode != 303 {
				t.Fatalf("talent: %d %s", resp.StatusCode, body)
			}
		}
		lawyer, psy := talentByName(t, clerk, "王援助"), talentByName(t, clerk, "何心理")
		id := model.MakeIDNumber("622922", time.Date(1970, 5, 5, 0, 0, 0, 0, time.UTC), 11)
		f := &flow{t: t}
		f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.land"), "channel": "walk_in", "region_id": village,
			"title": "周海生土地流转费纠纷 13893301001", "description": "周海生（身份证 " + id + "）反映关某拖欠流转费。", "urgency": "normal",
			"parties": []map[string]any{{"role": "applicant", "name": "周海生", "phone": "13893301001", "id_number": id}, {"role": "respondent", "name": "关建平", "phone": "13893301003"}},
			"then":    []map[string]any{{"action": "accept"}, {"action": "handle"}},
		})
		base := fmt.Sprintf("/api/v1/cases/%d", f.id)
		if n := len(smsTo(t, st, lawyerPhone)); n != 0 {
			t.Fatalf("%d texts before joining", n)
		}
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "lawyer", "talent_id": lawyer}, 201, "")
		got := smsTo(t, st, lawyerPhone)
		if len(got) != 1 || !strings.Contains(got[0].Body, "加入包案团队") || !strings.Contains(got[0].Body, "律师") || !strings.Contains(got[0].Body, "***") ||
			!strings.Contains(got[0].Body, fmt.Sprintf("案件编号 %d", f.id)) || got[0].NotificationID != 0 {
			t.Fatalf("the lawyer's texts on joining: %+v", got)
		}
		// A text to the psychologist too, and none to a pool person not on the team.
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "psychologist", "talent_id": psy}, 201, "")
		if n := len(smsTo(t, st, psyPhone)); n != 1 {
			t.Fatalf("the psychologist got %d texts on joining, want 1", n)
		}
		// The psychologist leaves; a circuit-court sitting is scheduled: the lawyer is
		// texted its time and place, the psychologist, gone, is not.
		r := records(t, clerk, f.id)
		apiWant(t, clerk, "DELETE", fmt.Sprintf("%s/team/%d", base, r.Team[1].ID), nil, 200, "")
		sitting := time.Date(2026, 12, 9, 10, 0, 0, 0, cst)
		apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "circuit_trial", "body": "县人民法院附城法庭", "session_at": sitting.Format(time.RFC3339)}, 201, "")
		got = smsTo(t, st, lawyerPhone)
		if len(got) != 2 || !strings.Contains(got[1].Body, "调解开庭通知") || !strings.Contains(got[1].Body, "2026-12-09 10:00") || !strings.Contains(got[1].Body, "县人民法院附城法庭") {
			t.Fatalf("the lawyer's texts after the sitting was set: %+v", got)
		}
		if n := len(smsTo(t, st, psyPhone)); n != 1 {
			t.Fatalf("the psychologist, off the team, got %d texts, want 1", n)
		}
		// A referral without a sitting texts nobody.
		apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "online_filing", "body": "县人民法院"}, 201, "")
		if n := len(smsTo(t, st, lawyerPhone)); n != 2 {
			t.Fatalf("the lawyer got %d texts after a filing, want 2", n)
		}
		all, err := st.Outbox(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range all {
			for _, secret := range []string{"周海生", "关建平", "13893301001", "13893301003", id, id[6:14]} {
				if strings.Contains(o.Body, secret) || strings.Contains(o.Subject, secret) {
					t.Errorf("outbound %s to %s carries %q: %s", o.Channel, o.Recipient, secret, o.Body)
				}
			}
		}
	})
}
