package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/mediation"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// mediationRecords is what the tests read of GET /api/v1/cases/{id}/mediation.
type mediationRecords struct {
	Team       []store.CaseTeamMember   `json:"team"`
	Sessions   []store.MediationSession `json:"sessions"`
	Agreements []store.Agreement        `json:"agreements"`
	Referrals  []store.Referral         `json:"referrals"`
	Help       []store.HelpRequest      `json:"help_requests"`
	ConfirmDue *time.Time               `json:"confirm_due"`
}

// api sends one request and checks its status; for a 422 it checks the field named.
func apiWant(t *testing.T, c *testutil.Client, method, path string, body any, status int, field string) []byte {
	t.Helper()
	resp, raw := c.Do(method, path, body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, raw, status)
	}
	if field != "" {
		if e := testutil.DecodeError(t, raw); e.Error.Field != field {
			t.Fatalf("%s %s: error on %q (%s), want on %q", method, path, e.Error.Field, raw, field)
		}
	}
	return raw
}

// uploadFile attaches a file to a case through the API and returns its id.
func uploadFile(t *testing.T, srv *testutil.Server, c *testutil.Client, caseID int64, name string, data []byte) int64 {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", srv.URL, caseID), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF)
	resp, raw := c.Send(req)
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
	var att struct{ ID int64 }
	testutil.DecodeJSON(t, raw, &att)
	return att.ID
}

func records(t *testing.T, c *testutil.Client, caseID int64) mediationRecords {
	t.Helper()
	var r mediationRecords
	testutil.DecodeJSON(t, apiWant(t, c, "GET", fmt.Sprintf("/api/v1/cases/%d/mediation", caseID), nil, 200, ""), &r)
	return r
}

// orgByName finds an organisation of the caller's subtree.
func orgByName(t *testing.T, c *testutil.Client, name string) int64 {
	t.Helper()
	var orgs struct{ Organisations []store.MediationOrg }
	testutil.DecodeJSON(t, apiWant(t, c, "GET", "/api/v1/mediation/orgs", nil, 200, ""), &orgs)
	for _, o := range orgs.Organisations {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no organisation %s", name)
	return 0
}

// talentByName finds a person of the caller's pool.
func talentByName(t *testing.T, c *testutil.Client, name string) int64 {
	t.Helper()
	var pool struct{ People []store.Talent }
	testutil.DecodeJSON(t, apiWant(t, c, "GET", "/api/v1/talent", nil, 200, ""), &pool)
	for _, p := range pool.People {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no person %s in the pool", name)
	return 0
}

// The done-means of issue 25's mediation, seed 001's group land case (周柳村, 86
// households) run through the API, each step a structured record: the case team
// (包案领导 and a legal-aid lawyer of the pool, told and with the case in their
// queue), a failed session at the centre, legal aid as a linked case with its result,
// the lawyer's online filing with its 案号, the court's circuit hearing in the
// village, the agreement drafted from the case and numbered by the committee (附调字
// 〔2026〕第1号), signed with its scanned copy, the case resolved with it — its next
// deadline the 30-day judicial confirmation window —, the application and the
// ruling, and performance on its term.
func TestMediationGroupLandCaseThroughTheAPI(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		viewer := srv.Login(t, "fucheng.viewer", demo.Password)
		other := srv.Login(t, "suji.clerk", demo.Password)
		town, village := fmt.Sprint(regionID(t, st, "622922100")), regionID(t, st, "622922100200")

		for _, form := range []url.Values{
			{"name": {"附城镇联合人民调解委员会"}, "kind": {"township"}, "region_id": {town}, "categories": {"dispute.land"}},
		} {
			if resp, body := postForm(t, srv, admin, "/admin/mediation/orgs", form); resp.StatusCode != 303 {
				t.Fatalf("organisation: %d %s", resp.StatusCode, body)
			}
		}
		if resp, body := postForm(t, srv, admin, "/admin/mediation/talent", url.Values{"t_name": {"王援助"}, "t_kind": {"legal_aid"}, "t_region_id": {town},
			"specialties": {"dispute.land"}, "t_phone": {"13912340001"}, "since": {"2026-01-01"}}); resp.StatusCode != 303 {
			t.Fatalf("talent: %d %s", resp.StatusCode, body)
		}
		committee := orgByName(t, clerk, "附城镇联合人民调解委员会")
		lawyer := talentByName(t, clerk, "王援助")

		f := &flow{t: t}
		f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.land"), "channel": "walk_in",
			"region_id": village, "address": "附城镇高林湾村", "title": "86户村民土地流转费纠纷",
			"description": "高林湾村86户村民将承包山地流转给关某退耕还林，关某拖欠两年流转费未付。",
			"urgency":     "normal", "households": 86, "people_count": 312, "amount_yuan": 258000,
			"parties": []map[string]any{
				{"role": "representative", "name": "周某", "phone": "13893301001"},
				{"role": "representative", "name": "柳某", "phone": "13893301002"},
				{"role": "respondent", "name": "关某", "phone": "13893301003"},
			},
			"then": []map[string]any{{"action": "accept"}, {"action": "handle", "note": "镇综治中心组织双方协商"}},
		})
		base := fmt.Sprintf("/api/v1/cases/%d", f.id)

		// The team: the township leader presides (包案领导), the legal-aid lawyer of the
		// pool; each refusal names its field.
		leaderID := userID(t, st, "fucheng.leader")
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "lead", "user_id": leaderID}, 201, "")
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "lawyer", "talent_id": lawyer, "note": "法律援助律师"}, 201, "")
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "lawyer", "talent_id": lawyer}, 422, "talent_id")
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "judge", "user_id": leaderID}, 422, "role")
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "duty"}, 422, "talent_id")
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "duty", "user_id": userID(t, st, "suji.leader")}, 422, "user_id")
		apiWant(t, viewer, "POST", base+"/team", map[string]any{"role": "duty", "user_id": leaderID}, 403, "")
		apiWant(t, other, "GET", base+"/mediation", nil, 404, "")
		r := records(t, clerk, f.id)
		if len(r.Team) != 2 || r.Team[0].UserID != leaderID || r.Team[0].Role != "lead" || r.Team[1].Name != "王援助" || r.Team[1].Kind != "legal_aid" {
			t.Fatalf("team %+v", r.Team)
		}
		// The leader is told, and has the case among their team cases (their queue).
		if _, raw := leader.Do("GET", "/api/v1/notifications?unread=true", nil); !strings.Contains(string(raw), "加入包案团队") || !strings.Contains(string(raw), "包案领导") {
			t.Errorf("the 包案 leader was not told: %s", raw)
		}
		if tc, err := st.TeamCases(t.Context(), store.TeamFilter{UserID: leaderID, OpenOnly: true}); err != nil || len(tc) != 1 || tc[0].CaseID != f.id || tc[0].Role != "lead" {
			t.Fatalf("the leader's team cases: %+v %v", tc, err)
		}
		if tc, err := st.TeamCases(t.Context(), store.TeamFilter{TalentID: lawyer}); err != nil || len(tc) != 1 {
			t.Fatalf("the lawyer's team cases (考评): %+v %v", tc, err)
		}

		// Talks at the centre fail.
		session := map[string]any{"org_id": committee, "held_at": clk.Now().Add(time.Hour).Format(time.RFC3339), "venue": "centre", "mediators": "马调解",
			"attendees": "周某、柳某（村民代表），关某", "result": "failed", "why_not": "关某称资金困难，拒绝支付",
			"statements": []map[string]string{{"side": "村民代表", "said": "要求支付两年流转费25.8万元"}, {"side": "关某", "said": "无力支付"}}}
		apiWant(t, mediator, "POST", base+"/sessions", map[string]any{"held_at": clk.Now().Add(3 * time.Hour).Format(time.RFC3339), "venue": "centre", "mediators": "马调解",
			"result": "adjourned"}, 422, "held_at") // not yet held
		clk.Add(2 * time.Hour)
		apiWant(t, mediator, "POST", base+"/sessions", map[string]any{"held_at": clk.Now().Format(time.RFC3339), "venue": "centre", "mediators": "马调解", "result": "failed"}, 422, "why_not")
		apiWant(t, mediator, "POST", base+"/sessions", map[string]any{"held_at": clk.Now().Format(time.RFC3339), "venue": "court", "mediators": "马调解", "result": "failed", "why_not": "x"}, 422, "venue")
		apiWant(t, mediator, "POST", base+"/sessions", session, 201, "")

		// Legal aid: a case of its own, linked, tracked to its result.
		aid := (&flow{t: t}).register(clerk, map[string]any{
			"kind": "service", "category_id": categoryID(t, st, "service.legal_aid"), "channel": "walk_in", "region_id": village,
			"description": "周柳村86户村民申请法律援助。", "households": 86, "parties": []map[string]any{{"role": "representative", "name": "周某", "phone": "13893301001"}},
		})
		apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "legal_aid", "body": "县法律援助中心"}, 422, "linked_tracking_code")
		apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "legal_aid", "body": "县法律援助中心", "linked_tracking_code": "NOSUCHCODE"}, 422, "linked_tracking_code")
		var aidRef store.Referral
		testutil.DecodeJSON(t, apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "legal_aid", "body": "县法律援助中心", "linked_tracking_code": aid.TrackingCode}, 201, ""), &aidRef)
		if aidRef.LinkedCaseID != aid.ID || aidRef.Direction != "out" || aidRef.Partner != "legal_aid" {
			t.Fatalf("legal-aid referral %+v", aidRef)
		}
		if n := listedCount(t, clerk, fmt.Sprintf("/api/v1/cases/%d/links", f.id)); n != 1 {
			t.Fatalf("the legal-aid case is linked %d times, want 1", n)
		}
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, aidRef.ID), map[string]any{"result": "filed", "on": "2026-12-07"}, 422, "result")
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, aidRef.ID), map[string]any{"result": "granted", "on": "2026-12-07", "note": "指派王援助律师"}, 200, "")
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, aidRef.ID), map[string]any{"result": "granted", "on": "2026-12-07"}, 422, "result")

		// Online filing (网上立案): the 案号 comes with 立案.
		var filing store.Referral
		testutil.DecodeJSON(t, apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "online_filing", "body": "县人民法院", "note": "法律援助律师网上立案"}, 201, ""), &filing)
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, filing.ID), map[string]any{"result": "filed", "on": "2026-12-07"}, 422, "external_no")
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, filing.ID), map[string]any{"result": "filed", "on": "2026-12-08"}, 422, "on") // tomorrow
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, filing.ID), map[string]any{"result": "filed", "on": "2026-12-07", "external_no": "（2026）甘2922民初1234号"}, 200, "")

		// The court sits in the village (巡回审判) and the parties settle there.
		clk.Add(24 * time.Hour)
		apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "circuit_trial", "body": "县人民法院附城法庭"}, 422, "session_at")
		sitting := clk.Now().Add(2 * time.Hour)
		var circuit store.Referral
		testutil.DecodeJSON(t, apiWant(t, clerk, "POST", base+"/referrals", map[string]any{"kind": "circuit_trial", "body": "县人民法院附城法庭",
			"external_no": "（2026）甘2922民初1234号", "session_at": sitting.Format(time.RFC3339)}, 201, ""), &circuit)
		clk.Add(4 * time.Hour)
		apiWant(t, mediator, "POST", base+"/sessions", map[string]any{"org_id": committee, "held_at": sitting.Format(time.RFC3339), "venue": "circuit_court", "place": "高林湾村村委会",
			"mediators": "法官李某、马调解", "attendees": "村民代表周某、柳某，关某", "result": "agreed", "agreed": "解除流转合同，关某分两期支付流转费25.8万元"}, 201, "")
		apiWant(t, clerk, "POST", fmt.Sprintf("%s/referrals/%d/result", base, circuit.ID), map[string]any{"result": "mediated", "on": "2026-12-08"}, 200, "")

		// The agreement, drafted from the case and numbered by the committee.
		draft := map[string]any{"org_id": committee, "facts": "村民与关某签订土地流转合同，关某拖欠两年流转费。", "items": "流转费支付与合同解除",
			"responsibilities": "关某未按约支付流转费，应承担违约责任。", "content": "一、解除流转合同；二、关某支付流转费25.8万元。",
			"perform_way": "银行转账至村集体账户", "perform_by": "2026-12-31", "mediator": "马调解"}
		apiWant(t, mediator, "POST", base+"/agreements", map[string]any{"org_id": 1 << 30}, 422, "org_id")
		var ag store.Agreement
		testutil.DecodeJSON(t, apiWant(t, mediator, "POST", base+"/agreements", draft, 201, ""), &ag)
		if ag.Number != "附调字〔2026〕第1号" || ag.Status != "draft" || len(ag.Parties) != 3 || ag.Parties[0].Name != "周某" ||
			strings.Contains(ag.Parties[0].Particulars, "13893301001") || !strings.Contains(ag.Parties[0].Particulars, "电话 138****1001") {
			t.Fatalf("draft %+v", ag)
		}
		// Edited while a draft: the masked particulars sent back keep the whole ones.
		edit := map[string]any{"org_id": committee, "parties": ag.Parties, "facts": draft["facts"], "items": draft["items"], "responsibilities": draft["responsibilities"],
			"content": "一、解除流转合同；二、关某于2026年12月31日前支付流转费25.8万元。", "perform_way": draft["perform_way"], "perform_by": "2026-12-31", "mediator": "马调解", "version": ag.Version}
		testutil.DecodeJSON(t, apiWant(t, mediator, "PUT", fmt.Sprintf("/api/v1/agreements/%d", ag.ID), edit, 200, ""), &ag)
		if whole, err := st.GetAgreement(t.Context(), ag.ID); err != nil || !strings.Contains(whole.Parties[0].Particulars, "13893301001") || !strings.Contains(whole.Content, "12月31日前") {
			t.Fatalf("the stored agreement after the edit: %+v %v", whole, err)
		}
		apiWant(t, mediator, "PUT", fmt.Sprintf("/api/v1/agreements/%d", ag.ID), edit, 409, "") // the version read is stale
		sign := fmt.Sprintf("/api/v1/agreements/%d/sign", ag.ID)
		apiWant(t, mediator, "POST", sign, map[string]any{"signed_on": "2026-12-08"}, 422, "attachment_id")
		apiWant(t, mediator, "POST", sign, map[string]any{"signed_on": "2026-12-09", "attachment_id": 1}, 422, "signed_on")
		scan := uploadFile(t, srv, mediator, f.id, "调解协议书签字本.png", publicPNG(t))
		otherCase := (&flow{t: t}).register(clerk, walkIn(t, st))
		foreign := uploadFile(t, srv, clerk, otherCase.ID, "别案.png", publicPNG(t))
		apiWant(t, mediator, "POST", sign, map[string]any{"signed_on": "2026-12-08", "attachment_id": foreign}, 422, "attachment_id")
		testutil.DecodeJSON(t, apiWant(t, mediator, "POST", sign, map[string]any{"signed_on": "2026-12-08", "attachment_id": scan}, 200, ""), &ag)
		if ag.Status != "signed" || ag.SignedOn != "2026-12-08" || ag.SignedCopyID != scan {
			t.Fatalf("signed %+v", ag)
		}
		apiWant(t, mediator, "PUT", fmt.Sprintf("/api/v1/agreements/%d", ag.ID), edit, 422, "content") // signed: no more changes

		// Resolved with the written agreement: the next deadline is the confirmation
		// window, 30 calendar days from its effect.
		got := f.act(mediator, "resolve", map[string]any{"outcome": "mediated_agreement", "note": "巡回审判就地调解成功"}, "resolved")
		wantDue := time.Date(2027, 1, 7, 23, 59, 59, 0, cst)
		if due, err := time.Parse(time.RFC3339, got.DueAt); err != nil || !due.Equal(wantDue) {
			t.Fatalf("due after resolving: %s, want %s", got.DueAt, wantDue)
		}
		if r := records(t, clerk, f.id); r.ConfirmDue == nil || !r.ConfirmDue.Equal(wantDue) {
			t.Fatalf("confirm due %v", r.ConfirmDue)
		}
		conf := fmt.Sprintf("/api/v1/agreements/%d/confirmation", ag.ID)
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "ruling", "ruling": "confirmed", "ruling_on": "2026-12-08"}, 422, "step")
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "apply", "applied_on": "2026-12-08"}, 422, "court")
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "apply", "court": "县人民法院", "applied_on": "2026-12-08", "case_no": "（2026）甘2922民特56号"}, 200, "")
		if got := f.get(clerk); got.DueAt == wantDue.UTC().Format(time.RFC3339) {
			t.Fatalf("applied, the case still runs the confirmation clock: %+v", got)
		}
		clk.Add(48 * time.Hour)
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "ruling", "ruling": "valid", "ruling_on": "2026-12-10"}, 422, "ruling")
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "ruling", "ruling": "confirmed", "ruling_on": "2026-12-07"}, 422, "ruling_on")
		testutil.DecodeJSON(t, apiWant(t, mediator, "POST", conf, map[string]any{"step": "ruling", "ruling": "confirmed", "ruling_on": "2026-12-10"}, 200, ""), &ag)
		if ag.ConfirmStatus != "confirmed" || ag.ConfirmCourt != "县人民法院" || ag.ConfirmCaseNo != "（2026）甘2922民特56号" {
			t.Fatalf("confirmation %+v", ag)
		}

		// The term comes: the sweep tells the team once; the performance is recorded.
		clk.Set(time.Date(2026, 12, 31, 8, 0, 0, 0, cst))
		for i, want := range []int{1, 0} {
			if n, err := srv.App.Cases().SweepAgreementTerms(t.Context(), clk.Now()); err != nil || n != want {
				t.Fatalf("term sweep %d: %d %v, want %d", i, n, err, want)
			}
		}
		apiWant(t, clerk, "POST", fmt.Sprintf("/api/v1/agreements/%d/performance", ag.ID), map[string]any{"performed": "partial", "on": "2026-12-31"}, 422, "note")
		apiWant(t, clerk, "POST", fmt.Sprintf("/api/v1/agreements/%d/performance", ag.ID), map[string]any{"performed": "performed", "on": "2026-12-31"}, 200, "")

		var actions []string
		for _, e := range f.events(clerk) {
			if slices.Contains(mediation.TimelineActions, e.Action) || e.Action == "agreement_term" || e.Action == "resolve" {
				actions = append(actions, e.Action)
			}
		}
		want := "team_add team_add mediation_session referral referral_result referral referral_result referral mediation_session referral_result " +
			"agreement_draft agreement_edit agreement_sign resolve confirm_apply confirm_ruling agreement_term agreement_performance"
		if strings.Join(actions, " ") != want {
			t.Fatalf("timeline %s\nwant     %s", strings.Join(actions, " "), want)
		}
		r = records(t, clerk, f.id)
		if len(r.Sessions) != 2 || r.Sessions[0].Result != "failed" || len(r.Sessions[0].Statements) != 2 || len(r.Referrals) != 3 || r.Referrals[1].ExternalNo == "" {
			t.Fatalf("records %+v", r)
		}
	})
}

// A labour dispute mediated by the county's specialised committee (劳动争议调解委员会):
// its own number series, a session, the agreement signed; the worker and the employer
// choose not to apply for confirmation, and the case's deadline goes back to the
// return visit's.
func TestMediationLabourCaseBySpecialisedCommittee(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "county.admin", demo.Password)
		clerk := srv.Login(t, "county.clerk", demo.Password)
		mediator := srv.Login(t, "county.mediator", demo.Password)
		county := fmt.Sprint(regionID(t, st, "622922"))
		if resp, body := postForm(t, srv, admin, "/admin/mediation/orgs", url.Values{"name": {"康乐县劳动争议调解委员会"}, "kind": {"trade"}, "region_id": {county},
			"categories": {"dispute.labour"}, "number_prefix": {"康劳调字"}}); resp.StatusCode != 303 {
			t.Fatalf("committee: %d %s", resp.StatusCode, body)
		}
		if resp, _ := postForm(t, srv, admin, "/admin/mediation/orgs", url.Values{"name": {"别的"}, "kind": {"trade"}, "region_id": {county}, "number_prefix": {"康〔2026〕"}}); resp.StatusCode != 422 {
			t.Fatalf("a prefix with brackets: %d", resp.StatusCode)
		}
		committee := orgByName(t, clerk, "康乐县劳动争议调解委员会")
		f := &flow{t: t}
		f.register(clerk, map[string]any{
			"kind": "dispute", "category_id": categoryID(t, st, "dispute.labour"), "channel": "walk_in", "region_id": regionID(t, st, "622922100200"),
			"description": "高某在工地务工时右手中指被搅拌机夹断，与工地负责人就工伤赔偿协商未果。", "urgency": "normal",
			"parties": []map[string]any{{"role": "applicant", "name": "高某", "phone": "13893001234"}, {"role": "respondent", "name": "某建筑公司"}},
			"then":    []map[string]any{{"action": "accept"}, {"action": "handle"}},
		})
		base := fmt.Sprintf("/api/v1/cases/%d", f.id)
		apiWant(t, clerk, "POST", base+"/team", map[string]any{"role": "mediator", "user_id": userID(t, st, "county.mediator")}, 201, "")
		clk.Add(time.Hour)
		apiWant(t, mediator, "POST", base+"/sessions", map[string]any{"org_id": committee, "held_at": clk.Now().Format(time.RFC3339), "venue": "video", "mediators": "县劳动争议调委会 张某",
			"attendees": "高某，公司代表", "result": "agreed", "agreed": "公司一次性支付工伤赔偿7万元",
			"statements": []map[string]string{{"side": "高某", "said": "要求按《工伤保险条例》赔偿"}, {"side": "公司", "said": "同意赔偿"}}}, 201, "")
		var ag store.Agreement
		testutil.DecodeJSON(t, apiWant(t, mediator, "POST", base+"/agreements", map[string]any{"org_id": committee, "facts": "高某务工受伤。", "items": "工伤赔偿",
			"responsibilities": "公司承担工伤赔偿责任。", "content": "公司支付高某工伤赔偿金7万元。", "perform_way": "现场支付", "perform_by": "2026-12-07", "mediator": "张某"}, 201, ""), &ag)
		if ag.Number != "康劳调字〔2026〕第1号" {
			t.Fatalf("number %s", ag.Number)
		}
		scan := uploadFile(t, srv, mediator, f.id, "协议签字本.png", publicPNG(t))
		apiWant(t, mediator, "POST", fmt.Sprintf("/api/v1/agreements/%d/sign", ag.ID), map[string]any{"signed_on": "2026-12-07", "attachment_id": scan}, 200, "")
		got := f.act(mediator, "resolve", map[string]any{"outcome": "mediated_agreement"}, "resolved")
		if !strings.HasPrefix(got.DueAt, "2027-01-06T15:59:59") {
			t.Fatalf("confirmation due %s, want 2027-01-06 23:59:59 in China", got.DueAt)
		}
		conf := fmt.Sprintf("/api/v1/agreements/%d/confirmation", ag.ID)
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "waive"}, 422, "note")
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "waive", "note": "赔偿已当场付清，双方不申请司法确认"}, 200, "")
		apiWant(t, mediator, "POST", conf, map[string]any{"step": "apply", "court": "县人民法院", "applied_on": "2026-12-07"}, 422, "step")
		// Back to the return visit's deadline: 7 days from the resolution.
		if got := f.get(clerk); !strings.HasPrefix(got.DueAt, "2026-12-14") {
			t.Fatalf("after waiving: due %s, want the return visit's", got.DueAt)
		}
	})
}

// The confirmation window at its edges (人民调解法 第三十三条: 30 calendar days, not
// working days, from the agreement's effect): an agreement signed on 2026-12-07 may be
// applied for through 2027-01-06 — over the New Year holiday — and not on 01-07; the
// deadline sweep tells the centre 将到期 and 已超期 as for every deadline; and a case
// that signs after its resolution starts the clock then.
func TestConfirmationWindowEdges(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		if resp, _ := postForm(t, srv, admin, "/admin/mediation/orgs", url.Values{"name": {"高林湾村人民调解委员会"}, "kind": {"village"},
			"region_id": {fmt.Sprint(regionID(t, st, "622922100200"))}}); resp.StatusCode != 303 {
			t.Fatal("organisation")
		}
		committee := orgByName(t, clerk, "高林湾村人民调解委员会")
		f := &flow{t: t}
		f.register(clerk, walkIn(t, st, map[string]any{"action": "accept"}, map[string]any{"action": "handle"}))
		// Resolved first, signed after: the clock starts at the signing.
		got := f.act(mediator, "resolve", map[string]any{"outcome": "mediated_agreement"}, "resolved")
		if !strings.HasPrefix(got.DueAt, "2026-12-14") {
			t.Fatalf("resolved without a signed agreement: due %s, want the return visit's", got.DueAt)
		}
		var ag store.Agreement
		testutil.DecodeJSON(t, apiWant(t, clerk, "POST", fmt.Sprintf("/api/v1/cases/%d/agreements", f.id), map[string]any{"org_id": committee,
			"parties": []map[string]string{{"role": "申请人", "name": "马某"}, {"role": "被申请人", "name": "邻居李某"}}, "facts": "堆放柴草。", "items": "柴草清理",
			"content": "李某三日内清走柴草。", "perform_way": "自行清理", "mediator": "村调解员"}, 201, ""), &ag)
		apiWant(t, clerk, "POST", fmt.Sprintf("/api/v1/agreements/%d/sign", ag.ID), map[string]any{"signed_on": "2026-12-07",
			"attachment_id": uploadFile(t, srv, clerk, f.id, "签字本.png", publicPNG(t))}, 200, "")
		if got := f.get(clerk); !strings.HasPrefix(got.DueAt, "2027-01-06T15:59:59") {
			t.Fatalf("signed after resolving: due %s", got.DueAt)
		}
		sweep := func(at time.Time) string {
			t.Helper()
			clk.Set(at)
			if _, err := srv.App.Cases().SweepDeadlines(t.Context(), at); err != nil {
				t.Fatal(err)
			}
			c, err := st.Case(t.Context(), f.id, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			return c.DueFlag
		}
		if flag := sweep(time.Date(2027, 1, 4, 23, 0, 0, 0, cst)); flag != "" {
			t.Fatalf("on 01-04, flag %q; want none", flag)
		}
		if flag := sweep(time.Date(2027, 1, 5, 9, 0, 0, 0, cst)); flag != "due_soon" {
			t.Fatalf("on 01-05, flag %q; want due_soon", flag)
		}
		if flag := sweep(time.Date(2027, 1, 6, 23, 59, 0, 0, cst)); flag != "due_soon" {
			t.Fatalf("the last minute of day 30, flag %q; want due_soon", flag)
		}
		conf := fmt.Sprintf("/api/v1/agreements/%d/confirmation", ag.ID)
		clk.Set(time.Date(2027, 1, 7, 9, 0, 0, 0, cst))
		apiWant(t, clerk, "POST", conf, map[string]any{"step": "apply", "court": "县人民法院", "applied_on": "2027-01-07"}, 422, "applied_on") // day 31
		if flag := sweep(time.Date(2027, 1, 7, 0, 0, 1, 0, cst)); flag != "overdue" {
			t.Fatalf("day 31, flag %q; want overdue", flag)
		}
		if _, err := srv.App.Cases().SweepSupervision(t.Context(), time.Date(2027, 1, 30, 9, 0, 0, 0, cst)); err != nil {
			t.Fatal(err)
		}
		if c, err := st.Case(t.Context(), f.id, store.CaseScope{All: true}); err != nil || c.SupervisionLevel != "" {
			t.Fatalf("a lapsed window is supervised: %q %v", c.SupervisionLevel, err)
		}
		apiWant(t, clerk, "POST", conf, map[string]any{"step": "apply", "court": "县人民法院", "applied_on": "2027-01-06"}, 200, "") // day 30, recorded late
		if got := f.get(clerk); got.DueAt != "" && !strings.HasPrefix(got.DueAt, "2026-12-14") {
			t.Fatalf("applied: due %s", got.DueAt)
		}
	})
}
