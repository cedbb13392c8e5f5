package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// The group land case's mediation on the case page (issue 25), as the township's
// clerk and mediator work it in the browser: the legal-aid lawyer the page recommends
// joins the case team in one click and the township leader presides (包案领导); the
// circuit court's session is recorded with what each side said; the agreement is
// drafted from the case, numbered by the committee (附调字〔year〕第1号) and its
// signing recorded with the scanned copy; the case resolved with it shows its
// judicial confirmation window, and the application is recorded. Looked at on a desk
// screen and a phone.
func TestMediationOnTheCasePage(t *testing.T) {
	b := newBrowser(t)
	onEachStore(t, func(t *testing.T, srv *testutil.Server) {
		st, ctx := srv.Store, t.Context()
		fixture := store.NotAudited("e2e fixture")
		regions, err := st.Regions(ctx, store.RegionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]int64{}
		for _, r := range regions {
			byCode[r.Code] = r.ID
		}
		committee := store.MediationOrg{RegionID: byCode["622922100"], Name: "附城镇人民调解委员会", Kind: "township", Categories: []string{"dispute.land"}, Active: true}
		if err := st.SaveMediationOrg(ctx, fixture, &committee); err != nil {
			t.Fatal(err)
		}
		lawyer := store.Talent{RegionID: byCode["622922100"], Name: "马永福", Kind: "legal_aid", Specialties: []string{"dispute.land"}, Phone: "13909301102", Since: "2024-01-01"}
		if err := st.SaveTalent(ctx, fixture, &lawyer); err != nil {
			t.Fatal(err)
		}
		api := srv.Login(t, "fucheng.clerk", demo.Password)
		cats, err := st.Categories(ctx, store.CategoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var land int64
		for _, c := range cats {
			if c.Code == "dispute.land" {
				land = c.ID
			}
		}
		resp, raw := api.Do("POST", "/api/v1/cases", map[string]any{"kind": "dispute", "category_id": land, "channel": "walk_in",
			"region_id": byCode["622922100200"], "title": "48户村民土地流转费纠纷", "description": "村民将承包山地流转给关某，关某拖欠两年流转费未付。",
			"households": 48, "people_count": 176, "parties": []map[string]any{
				{"role": "representative", "name": "马文清", "phone": "13893012301"}, {"role": "representative", "name": "韩国华", "phone": "13893012302"},
				{"role": "respondent", "name": "关某", "phone": "13893012303"}},
			"then": []map[string]any{{"action": "accept"}, {"action": "handle"}}})
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c struct{ ID int64 }
		testutil.DecodeJSON(t, raw, &c)

		clerk := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.clerk", caseID: c.ID}
		clerk.desktop()
		clerk.mustLogin("fucheng.clerk", demo.Password)
		clerk.openCase()
		landedOn := func(d *kangleDesk, status int, notice string) {
			t.Helper()
			if status != 200 || !strings.HasPrefix(d.location(), d.casePath()+"?notice="+notice) {
				t.Fatalf("%s: %d on %s, want the case page with %s: %q", d.who, status, d.location(), notice, d.texts(".field-error, [data-testid=error]"))
			}
		}
		// One click on the recommendation puts the lawyer on the team.
		assign := fmt.Sprintf(`[data-testid=recommendation][data-talent-id="%d"] [data-testid=recommend-assign] button`, lawyer.ID)
		if got, want := clerk.text(assign), i18n.T(zh, "team.assign_as", i18n.T(zh, "team.role.lawyer")); got != want {
			t.Fatalf("the recommendation's button reads %q, want %q", got, want)
		}
		clerk.centre(assign)
		landedOn(clerk, clerk.click(assign), "team_added")
		clerk.tap(`[data-testid=mediation] details:has([data-testid=team-form]) > summary`)
		clerk.choose(`[data-testid=team-form] select[name=role]`, "lead")
		leader, err := st.Users(ctx, store.UserFilter{RegionID: byCode["622922100"], Role: "leader"})
		if err != nil || len(leader) == 0 {
			t.Fatalf("the township's leader: %v", err)
		}
		clerk.choose(`[data-testid=team-form] select[name=user_id]`, strconv.FormatInt(leader[0].ID, 10))
		clerk.centre(`[data-testid=team-submit]`)
		landedOn(clerk, clerk.click(`[data-testid=team-submit]`), "team_added")
		if got := clerk.texts(`[data-testid=team] tbody tr`); len(got) != 2 || !strings.Contains(got[0], "马永福") || !strings.Contains(got[1], i18n.T(zh, "team.role.lead")) {
			t.Fatalf("team rows %q", got)
		}

		mediator := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.mediator", caseID: c.ID}
		mediator.desktop()
		mediator.mustLogin("fucheng.mediator", demo.Password)
		mediator.openCase()
		mediator.tap(`[data-testid=mediation] details:has([data-testid=session-form]) > summary`)
		mediator.choose(`[data-testid=session-form] select[name=venue]`, "circuit_court")
		mediator.fill(`[data-testid=session-form] input[name=place]`, "城关村村委会")
		mediator.choose(`[data-testid=session-form] select[name=org_id]`, strconv.FormatInt(committee.ID, 10))
		mediator.fill(`[data-testid=session-form] input[name=mediators]`, "法官马志远、张秀英")
		mediator.fill(`[data-testid=session-form] input[name=side_0]`, "村民代表")
		mediator.fill(`[data-testid=session-form] textarea[name=said_0]`, "同意分两期，但须写明期限。")
		mediator.fill(`[data-testid=session-form] input[name=side_1]`, "关某")
		mediator.fill(`[data-testid=session-form] textarea[name=said_1]`, "同意解除合同，年底前付清。")
		mediator.choose(`[data-testid=session-form] select[name=session_result]`, "agreed")
		mediator.centre(`[data-testid=session-submit]`)
		// Agreed without saying what: refused, naming the field.
		mediator.expectStatus(422)
		if status := mediator.click(`[data-testid=session-submit]`); status != 422 || !mediator.has(`[data-testid="field-error-agreed"]`) {
			t.Fatalf("a session agreed on nothing: %d", status)
		}
		mediator.fill(`[data-testid=session-form] textarea[name=agreed]`, "解除流转合同，关某分两期支付流转费12.6万元。")
		mediator.centre(`[data-testid=session-submit]`)
		landedOn(mediator, mediator.click(`[data-testid=session-submit]`), "session_recorded")
		if got := mediator.text(`[data-testid=session]`); !strings.Contains(got, i18n.T(zh, "session.venue.circuit_court")) || !strings.Contains(got, "同意解除合同") {
			t.Fatalf("session shown: %q", got)
		}

		mediator.tap(`[data-testid=mediation] details:has([data-testid=agreement-form]) > summary`)
		for field, v := range map[string]string{"facts": "村民与关某签订土地流转合同，关某拖欠两年流转费。", "items": "流转费支付与合同解除",
			"responsibilities": "关某未按约支付流转费，应承担违约责任。", "content": "一、解除流转合同；二、关某分两期支付流转费12.6万元。"} {
			mediator.fill(`[data-testid=agreement-form] textarea[name=`+field+`]`, v)
		}
		mediator.fill(`[data-testid=agreement-form] input[name=perform_way]`, "转账至村集体账户")
		mediator.fill(`[data-testid=agreement-form] input[name=mediator]`, "张秀英")
		mediator.centre(`[data-testid=agreement-submit]`)
		landedOn(mediator, mediator.click(`[data-testid=agreement-submit]`), "agreement_drafted")
		year := time.Now().In(workflow.ChinaTime).Year()
		if got, want := mediator.text(`[data-testid=agreement-number]`), fmt.Sprintf("附调字〔%d〕第1号", year); got != want {
			t.Fatalf("agreement number %q, want %q", got, want)
		}
		if got := mediator.text(`[data-testid=agreement]`); !strings.Contains(got, "马文清") || strings.Contains(got, "13893012301") {
			t.Fatalf("the agreement's parties, from the case, masked: %q", got)
		}

		// The signed copy is attached; the signing names it.
		uploadScan(t, srv, srv.Login(t, "fucheng.mediator", demo.Password), c.ID)
		mediator.openCase()
		mediator.tap(`[data-testid=agreement] details:has([data-testid=agreement-sign]) > summary`)
		mediator.choose(`[data-testid=agreement-sign] select[name=attachment_id]`, eval[string](mediator.tab,
			`document.querySelector("[data-testid=agreement-sign] select[name=attachment_id]").options[1].value`))
		mediator.centre(`[data-testid=agreement-sign-submit]`)
		landedOn(mediator, mediator.click(`[data-testid=agreement-sign-submit]`), "agreement_signed")
		if got := eval[string](mediator.tab, `document.querySelector("[data-testid=agreement]").dataset.status`); got != "signed" {
			t.Fatalf("agreement %s after signing", got)
		}

		// Resolved with the agreement: the confirmation window shows; the application
		// is recorded.
		mediator.unfold("resolve")
		mediator.choose(`details[data-action-form="resolve"] select[name=outcome]`, "mediated_agreement")
		mediator.submit("resolve")
		if !mediator.has(`[data-testid=confirm-due]`) {
			t.Fatal("the case shows no confirmation window")
		}
		mediator.do("scroll to the mediation", chromedp.Evaluate[chromedp.Void](`document.querySelector("#mediation").scrollIntoView()`))
		mediator.shot("mediation-case-1366")
		mediator.fullShot("mediation-case-full-1366")
		mediator.tap(`[data-testid=agreement] details:has([data-testid=agreement-confirmation]) > summary`)
		mediator.fill(`[data-testid=agreement-confirmation] input[name=court]`, "康乐县人民法院")
		mediator.fill(`[data-testid=agreement-confirmation] input[name=case_no]`, fmt.Sprintf("（%d）甘2922民特56号", year))
		mediator.centre(`[data-testid=confirmation-submit]`)
		landedOn(mediator, mediator.click(`[data-testid=confirmation-submit]`), "confirmation_recorded")
		if got := mediator.text(`[data-testid=confirmation]`); !strings.Contains(got, i18n.T(zh, "confirm.status.applied")) || !strings.Contains(got, "康乐县人民法院") {
			t.Fatalf("confirmation shown: %q", got)
		}
		if mediator.has(`[data-testid=confirm-due]`) {
			t.Error("applied, the case still shows the window")
		}

		// The leader finds the case among their team cases in 待我处理.
		lead := &kangleDesk{tab: b.newTab(t, srv.URL), who: "fucheng.leader", caseID: c.ID}
		lead.do("phone size", chromedp.EmulateViewport(390, 844))
		lead.mustLogin("fucheng.leader", demo.Password)
		if status := lead.open("/cases"); status != 200 {
			t.Fatalf("queue: %d", status)
		}
		if got := lead.text(`[data-testid=team-case]`); !strings.Contains(got, "48户村民") || !strings.Contains(got, i18n.T(zh, "team.role.lead")) {
			t.Fatalf("the leader's team cases: %q", got)
		}
		lead.openCase()
		lead.do("scroll to the mediation", chromedp.Evaluate[chromedp.Void](`document.querySelector("#mediation").scrollIntoView()`))
		lead.shot("mediation-case-390")
	})
}

// uploadScan attaches a scan (a small PNG) to the case through the API.
func uploadScan(t *testing.T, srv *testutil.Server, c *testutil.Client, caseID int64) {
	t.Helper()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 16, 16))); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "调解协议书签字本.png")
	fw.Write(img.Bytes())
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", srv.URL, caseID), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF)
	if resp, raw := c.Send(req); resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
}
