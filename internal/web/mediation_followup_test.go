package web_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/evaluation"
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

// A court's time limit on a referral (委派/委托调解) is swept at its edges: nothing four
// days before it; a reminder to the team and the centre within the three days before
// it, its day included, once; still open the day after, the referral is marked lapsed
// on the case (its timeline, its badge) and the people told again; a referral closed
// before then is left alone.
func TestReferralTimeLimitSweepAtItsEdges(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		f := &flow{t: t}
		f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.land"), "channel": "walk_in", "region_id": regionID(t, st, "622922100200"),
			"title": "法院委派的宅基地纠纷", "description": "县法院委派中心调解的宅基地纠纷。", "urgency": "normal",
			"parties": []map[string]any{{"role": "applicant", "name": "马某", "phone": "13893301011"}},
			"then":    []map[string]any{{"action": "accept"}, {"action": "handle"}},
		})
		base := fmt.Sprintf("/api/v1/cases/%d", f.id)
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "lead", "user_id": userID(t, st, "fucheng.leader")}, 201, "")
		refer := func(kind, limit string) store.Referral {
			var r store.Referral
			testutil.DecodeJSON(t, apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": kind, "body": "康乐县人民法院",
				"external_no": "（2026）甘2922民诉前" + limit, "time_limit": limit}, 201, ""), &r)
			return r
		}
		sweep := func(at time.Time, want int) {
			t.Helper()
			clk.Set(at)
			if n, err := srv.App.Cases().SweepReferralLimits(t.Context(), at); err != nil || n != want {
				t.Fatalf("sweep at %s: %d %v, want %d", at, n, err, want)
			}
		}
		a := refer("delegated", "2026-12-11")
		sweep(time.Date(2026, 12, 7, 9, 0, 0, 0, cst), 0)   // four days before
		sweep(time.Date(2026, 12, 10, 9, 0, 0, 0, cst), 1)  // the day before: reminded
		sweep(time.Date(2026, 12, 10, 18, 0, 0, 0, cst), 0) // once
		clk.Set(time.Date(2026, 12, 11, 9, 0, 0, 0, cst))
		b := refer("entrusted", "2026-12-11")
		c := refer("entrusted", "2026-12-20")
		sweep(time.Date(2026, 12, 11, 9, 0, 0, 0, cst), 1)   // b on its day: reminded, not lapsed
		sweep(time.Date(2026, 12, 11, 23, 59, 0, 0, cst), 0) // a's day: not lapsed yet
		clk.Set(time.Date(2026, 12, 12, 0, 1, 0, 0, cst))
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, b.ID), map[string]any{"result": "mediated", "on": "2026-12-11"}, 200, "")
		sweep(time.Date(2026, 12, 12, 0, 1, 0, 0, cst), 1) // the day after: a lapsed; b closed in time
		sweep(time.Date(2026, 12, 13, 9, 0, 0, 0, cst), 0)

		r := records(t, clerk, f.id)
		got := map[int64]store.Referral{}
		for _, x := range r.Referrals {
			got[x.ID] = x
		}
		if x := got[a.ID]; !x.LimitReminded || !x.LimitLapsed || x.Status != "open" {
			t.Errorf("a, past its limit: %+v", x)
		}
		if x := got[b.ID]; !x.LimitReminded || x.LimitLapsed {
			t.Errorf("b, closed on its day: %+v", x)
		}
		if x := got[c.ID]; x.LimitReminded || x.LimitLapsed {
			t.Errorf("c, nine days off: %+v", x)
		}
		var sweeps []string
		for _, e := range f.events(clerk) {
			if strings.HasPrefix(e.Action, "referral_l") {
				sweeps = append(sweeps, e.Action+" "+e.Note)
			}
		}
		if len(sweeps) != 3 || !strings.HasPrefix(sweeps[0], "referral_limit 法院委派调解（康乐县人民法院") || !strings.Contains(sweeps[0], "期限 2026-12-11 将到") ||
			!strings.HasPrefix(sweeps[1], "referral_limit 法院委托调解") || !strings.HasPrefix(sweeps[2], "referral_lapsed 法院委派调解") || !strings.Contains(sweeps[2], "已过") {
			t.Fatalf("the sweep's entries on the timeline: %q", sweeps)
		}
		// The 包案 leader and the centre's clerk were told.
		for _, who := range []*testutil.Client{leader, clerk} {
			_, raw := who.Do("GET", "/api/v1/notifications?unread=true", nil)
			if !strings.Contains(string(raw), "对接期限将到") || !strings.Contains(string(raw), "对接期限已过") {
				t.Errorf("not told: %s", raw)
			}
		}
		// The case page flags the lapsed referral, and only it.
		resp, body := clerk.Do("GET", fmt.Sprintf("/cases/%d", f.id), nil)
		if resp.StatusCode != 200 || strings.Count(string(body), `data-testid="referral-lapsed"`) != 1 {
			t.Fatalf("the case page's lapsed referrals: %d, %d flagged", resp.StatusCode, strings.Count(string(body), `data-testid="referral-lapsed"`))
		}
	})
}

// teamRowOf finds a person's row of a ranking's team work.
func teamRowOf(r evaluation.Ranking, name string) (evaluation.TeamWork, bool) {
	for _, w := range r.Team {
		if w.Name == name {
			return w, true
		}
	}
	return evaluation.TeamWork{}, false
}

// apiList is a page link to the case list, as the API reads it.
func apiList(link string) string { return "/api/v1" + link }

// 考评 counts team work (包案): each person who held a place on a case's team in the
// month — accounts and pool people without one — with their cases by role, those
// ended in the month, and of those the shares ended on time and resolved (化解), the
// counts never scored. Every number opens the case list holding exactly its cases;
// a township's leader sees only their township's; a published month keeps its table.
func TestEvaluationCountsTeamWorkByOutcome(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		sujiClerk := srv.Login(t, "suji.clerk", demo.Password)
		sujiMediator := srv.Login(t, "suji.mediator", demo.Password)
		town := fmt.Sprint(regionID(t, st, "622922100"))
		if resp, body := postForm(t, srv, admin, "/admin/mediation/talent", url.Values{"t_name": {"王援助"}, "t_kind": {"legal_aid"}, "t_region_id": {town},
			"specialties": {"dispute.land"}, "t_phone": {"13912340001"}, "since": {"2026-01-01"}}); resp.StatusCode != 303 {
			t.Fatalf("talent: %d %s", resp.StatusCode, body)
		}
		lawyer := talentByName(t, clerk, "王援助")
		leaderID, mediatorID := userID(t, st, "fucheng.leader"), userID(t, st, "fucheng.mediator")
		newCase := func(c *testutil.Client, village int64, title string) *flow {
			f := &flow{t: t}
			f.register(c, map[string]any{"kind": "dispute", "category_id": categoryID(t, st, "dispute.land"), "channel": "walk_in", "region_id": village,
				"title": title, "description": title + "。", "urgency": "normal", "parties": []map[string]any{{"role": "applicant", "name": "马某"}},
				"then": []map[string]any{{"action": "accept"}, {"action": "handle"}}})
			return f
		}
		team := func(c *testutil.Client, f *flow, body map[string]any) {
			apiWant(t, c, "POST", fmt.Sprintf("/api/v1/cases/%d/team", f.id), body, 201, "")
		}
		village := regionID(t, st, "622922100200")
		a := newCase(clerk, village, "甲案土地纠纷")
		team(clerk, a, map[string]any{"role": "lead", "user_id": leaderID})
		team(clerk, a, map[string]any{"role": "lawyer", "talent_id": lawyer})
		b := newCase(clerk, village, "乙案土地纠纷")
		team(clerk, b, map[string]any{"role": "lead", "user_id": leaderID})
		team(clerk, b, map[string]any{"role": "mediator", "user_id": mediatorID})
		c := newCase(clerk, village, "丙案土地纠纷")
		team(clerk, c, map[string]any{"role": "lead", "user_id": leaderID})
		d := newCase(sujiClerk, regionID(t, st, "622922101206"), "丁案土地纠纷")
		team(sujiClerk, d, map[string]any{"role": "mediator", "user_id": userID(t, st, "suji.mediator")})
		clk.Set(time.Date(2026, 11, 6, 9, 0, 0, 0, cst))
		a.act(mediator, "resolve", map[string]any{"outcome": "mediated_oral", "note": "调解成功"}, "resolved")
		b.act(mediator, "resolve", map[string]any{"outcome": "to_litigation", "note": "调解不成，引导诉讼"}, "resolved")
		d.act(sujiMediator, "resolve", map[string]any{"outcome": "mediated_oral", "note": "调解成功"}, "resolved")

		clk.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, cst))
		month := "scheme=township&period=month&date=2026-11-30"
		countyLeader := srv.Login(t, "county.leader", demo.Password)
		live := getRanking(t, countyLeader, month)
		names := map[string]string{}
		for _, login := range []string{"fucheng.leader", "fucheng.mediator", "suji.mediator"} {
			u, _, err := st.UserCredentials(t.Context(), login)
			if err != nil {
				t.Fatal(err)
			}
			names[login] = u.DisplayName
		}
		want := []struct {
			name                           string
			roles                          string
			cases, ended, onTime, resolved int64
			resolveRate                    float64
		}{
			{names["fucheng.leader"], "lead:3", 3, 2, 2, 1, 50},
			{"王援助", "lawyer:1", 1, 1, 1, 1, 100},
			{names["fucheng.mediator"], "mediator:1", 1, 1, 1, 0, 0},
			{names["suji.mediator"], "mediator:1", 1, 1, 1, 1, 100},
		}
		for _, tc := range want {
			w, ok := teamRowOf(live, tc.name)
			if !ok {
				t.Fatalf("no row for %s in %+v", tc.name, live.Team)
			}
			var roles []string
			for _, r := range w.Roles {
				roles = append(roles, fmt.Sprintf("%s:%d", r.Role, r.Cases.Num))
			}
			if strings.Join(roles, ",") != tc.roles || w.Cases.Num != tc.cases || w.Ended.Num != tc.ended || w.OnTime.Num != tc.onTime || w.OnTime.Den != tc.ended ||
				w.Resolved.Num != tc.resolved || w.Resolved.Value != tc.resolveRate || (tc.name == "王援助") != (w.AccountID == 0 && w.TalentID == lawyer) {
				t.Errorf("%s: %+v", tc.name, w)
			}
			// Every number opens exactly its cases.
			for _, l := range []struct {
				link string
				n    int64
			}{{w.Cases.Link, w.Cases.Num}, {w.Ended.Link, w.Ended.Num}, {w.OnTime.Link, w.OnTime.Num}, {w.OnTime.DenLink, w.OnTime.Den},
				{w.Resolved.Link, w.Resolved.Num}, {w.Resolved.DenLink, w.Resolved.Den}, {w.Roles[0].Cases.Link, w.Roles[0].Cases.Num}} {
				if got := listedCount(t, countyLeader, apiList(l.link)); int64(got) != l.n {
					t.Errorf("%s: %s lists %d, the table says %d", tc.name, l.link, got, l.n)
				}
			}
		}
		// Open cases only: a person whose cases none ended has no rates, not zero.
		if w, _ := teamRowOf(live, names["fucheng.leader"]); w.Cases.Num != 3 {
			t.Errorf("the leader's open case is not counted among their team cases: %+v", w)
		}
		// The township's own leader sees their township's team work, not 苏集镇's.
		own := getRanking(t, srv.Login(t, "fucheng.leader", demo.Password), month)
		if _, ok := teamRowOf(own, names["suji.mediator"]); ok || len(own.Team) != 3 {
			t.Errorf("a township leader's team table: %+v", own.Team)
		}
		// The page shows the table, its numbers linked.
		resp, body := countyLeader.Do("GET", "/evaluation?"+month, nil)
		if resp.StatusCode != 200 || strings.Count(string(body), `data-testid="evaluation-team-row"`) != 4 || !strings.Contains(string(body), "team_talent="+fmt.Sprint(lawyer)) {
			t.Fatalf("the ranking page's team table: %d, %d rows", resp.StatusCode, strings.Count(string(body), `data-testid="evaluation-team-row"`))
		}

		// Published, the month keeps its table: a later rename changes the live one only.
		if resp, raw := countyLeader.Do("POST", "/api/v1/evaluation/ranking/publish", map[string]string{"scheme": "township", "period": "month", "date": "2026-11-30"}); resp.StatusCode != 201 {
			t.Fatalf("publish: %d %s", resp.StatusCode, raw)
		}
		if resp, body := postForm(t, srv, admin, fmt.Sprintf("/admin/mediation/talent/%d", lawyer), url.Values{"t_name": {"王援助律师"}, "t_kind": {"legal_aid"}, "t_region_id": {town},
			"specialties": {"dispute.land"}, "t_phone": {"13912340001"}, "since": {"2026-01-01"}}); resp.StatusCode != 303 {
			t.Fatalf("rename: %d %s", resp.StatusCode, body)
		}
		if _, ok := teamRowOf(getRanking(t, countyLeader, month), "王援助"); !ok {
			t.Errorf("the published month's team table changed")
		}
		// The workbook's 包案工作 sheet and the printed 通报 carry the frozen table.
		resp, raw := countyLeader.Do("GET", "/evaluation.xlsx?"+month, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("xlsx: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		sheet := teamSheetRows(t, x)
		roleHead := map[string]string{"lead": "包案领导（件）", "mediator": "调解员（件）", "lawyer": "律师（件）"}
		if len(sheet) != len(want) {
			t.Errorf("the team sheet has %d people: %v", len(sheet), sheet)
		}
		for _, tc := range want {
			row, ok := sheet[tc.name]
			role, n, _ := strings.Cut(tc.roles, ":")
			perRole, _ := strconv.ParseFloat(n, 64)
			if !ok || !row[roleHead[role]].isNum || row[roleHead[role]].num != perRole || !row["包案件数"].isNum || row["包案件数"].num != float64(tc.cases) ||
				!row["期内办结"].isNum || row["期内办结"].num != float64(tc.ended) || !row["化解率"].isNum || row["化解率"].num != tc.resolveRate ||
				!row["按期办结率"].isNum || row["按期办结率"].num != 100 || (row["人才库"].text != "") != (tc.name == "王援助") {
				t.Errorf("the team sheet on %s: %+v", tc.name, row)
			}
		}
		if style, err := x.GetCellStyle("包案工作", "I5"); err != nil || style == 0 {
			t.Errorf("a rate has no per-cent format: %d %v", style, err)
		} else if s, err := x.GetStyle(style); err != nil || s.CustomNumFmt == nil || !strings.Contains(*s.CustomNumFmt, "%") {
			t.Errorf("a rate's format: %+v %v", s, err)
		}
		resp, raw = countyLeader.Do("GET", "/evaluation/notice?"+month, nil)
		if page := string(raw); resp.StatusCode != 200 || strings.Count(page, `data-testid="evaluation-notice-team-row"`) != len(want) ||
			!strings.Contains(page, "王援助（人才库）") || strings.Contains(page, "王援助律师") || !strings.Contains(page, "包案领导 3 件") ||
			!strings.Contains(page, "50.0%（1/2）") {
			t.Errorf("the 通报's team table: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		if _, ok := teamRowOf(getRanking(t, countyLeader, "scheme=department&period=month&date=2026-11-30"), "王援助律师"); !ok {
			t.Errorf("the unpublished ranking does not follow the rename")
		}
	})
}
