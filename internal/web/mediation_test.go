package web_test

import (
	"encoding/json"
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

// Who mediates (issue 25): a township admin keeps the mediation organisations and the
// talent pool of their subtree, each form refusing what is wrong by field; the pool
// leaves only masked; a clerk reads both and, on an open case, sees the people
// recommended for it with reasons — the one who knows the dispute and serves its
// village first, a person out of the pool not at all; a viewer sees no recommendation.
func TestMediationOrgsTalentAndRecommendations(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clk := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, cst)}
		srv.App.Cases().Now = clk.Now
		admin := srv.Login(t, "fucheng.admin", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		viewer := srv.Login(t, "fucheng.viewer", demo.Password)
		town, village := fmt.Sprint(regionID(t, st, "622922100")), fmt.Sprint(regionID(t, st, "622922100200"))
		jinggu := fmt.Sprint(regionID(t, st, "622922103"))

		post := func(path string, form url.Values, want int, field string) {
			t.Helper()
			resp, body := postForm(t, srv, admin, path, form)
			if resp.StatusCode != want || field != "" && !strings.Contains(body, `data-testid="field-error-`+field+`"`) {
				t.Fatalf("%s %v: %d, want %d naming %s", path, form, resp.StatusCode, want, field)
			}
		}
		org := func(kv ...string) url.Values {
			v := url.Values{"name": {"高林湾村人民调解委员会"}, "kind": {"village"}, "region_id": {village}, "categories": {"dispute.neighbour", "dispute.marriage"}}
			for i := 0; i < len(kv); i += 2 {
				v[kv[i]] = []string{kv[i+1]}
			}
			return v
		}
		post("/admin/mediation/orgs", org(), 303, "")
		post("/admin/mediation/orgs", org(), 422, "name")
		post("/admin/mediation/orgs", org("name", "另一个", "kind", "club"), 422, "kind")
		post("/admin/mediation/orgs", org("name", "景古镇调委会", "region_id", jinggu), 422, "region_id")
		post("/admin/mediation/orgs", org("name", "另一个", "categories", "dispute.nothing"), 422, "categories")
		post("/admin/mediation/orgs", org("name", "附城镇劳动争议调委会", "kind", "trade", "region_id", town, "categories", "dispute.labour"), 303, "")

		person := func(kv ...string) url.Values {
			v := url.Values{"t_name": {"张调解"}, "t_kind": {"mediator_full"}, "t_region_id": {village}, "specialties": {"dispute.neighbour"}, "t_phone": {"13912345678"}, "since": {"2026-01-01"}}
			for i := 0; i < len(kv); i += 2 {
				v[kv[i]] = []string{kv[i+1]}
			}
			return v
		}
		post("/admin/mediation/talent", person(), 303, "")
		post("/admin/mediation/talent", person("t_name", "李律师", "t_kind", "lawyer", "t_region_id", town, "specialties", "dispute.labour", "t_phone", "13812340001"), 303, "")
		post("/admin/mediation/talent", person("t_name", "王调解", "until", "2026-12-06", "t_phone", "13812340002"), 303, "")
		post("/admin/mediation/talent", person("t_name", "赵", "until", "2025-12-31"), 422, "until")
		post("/admin/mediation/talent", person("t_name", "赵", "t_kind", "judge"), 422, "t_kind")
		post("/admin/mediation/talent", person("t_name", "赵", "t_phone", "12"), 422, "t_phone")
		post("/admin/mediation/talent", person("t_name", ""), 422, "t_name")
		post("/admin/mediation/talent", person("t_name", "赵", "t_region_id", jinggu), 422, "t_region_id")

		// The pool as the API gives it: masked phones, everyone of the subtree.
		var pool struct{ People []store.Talent }
		resp, raw := clerk.Do("GET", "/api/v1/talent", nil)
		json.Unmarshal(raw, &pool)
		if resp.StatusCode != 200 || len(pool.People) != 3 || strings.Contains(string(raw), "13912345678") || !strings.Contains(string(raw), model.MaskPhone("13912345678")) {
			t.Fatalf("pool for the clerk: %d %s", resp.StatusCode, raw)
		}
		ids := map[string]int64{}
		for _, p := range pool.People {
			ids[p.Name] = p.ID
		}
		var orgs struct{ Organisations []store.MediationOrg }
		_, raw = clerk.Do("GET", "/api/v1/mediation/orgs", nil)
		json.Unmarshal(raw, &orgs)
		if len(orgs.Organisations) != 2 {
			t.Fatalf("organisations for the clerk: %s", raw)
		}
		committee := orgs.Organisations[0].ID
		if orgs.Organisations[0].RegionID != regionID(t, st, "622922100200") {
			committee = orgs.Organisations[1].ID
		}
		members := fmt.Sprintf("/admin/mediation/orgs/%d/members", committee)
		post(members, url.Values{"talent_id": {fmt.Sprint(ids["张调解"])}, "post": {"主任"}}, 303, "")
		post(members, url.Values{"talent_id": {fmt.Sprint(ids["张调解"])}}, 422, "talent_id")
		post(members, url.Values{}, 422, "talent_id")
		post(members, url.Values{"member_user_id": {fmt.Sprint(userID(t, st, "fucheng.mediator"))}, "post": {"委员"}}, 303, "")

		page := pageBody(t, admin, "/admin/mediation")
		if strings.Contains(page, "13912345678") || !strings.Contains(page, model.MaskPhone("13912345678")) || !strings.Contains(page, "张调解（主任）") {
			t.Fatalf("the admin page shows the phone whole or lacks the member:\n%s", section(page, "talent-pool"))
		}
		if !strings.Contains(section(page, "talent-pool"), "已出库") {
			t.Error("王调解, out of the pool since yesterday, is not shown as 已出库")
		}
		// A change without a phone keeps the one on file.
		post(fmt.Sprintf("/admin/mediation/talent/%d", ids["张调解"]), person("t_phone", "", "employer", "高林湾村委会"), 303, "")
		if p, err := st.TalentPerson(t.Context(), ids["张调解"]); err != nil || p.Phone != "13912345678" || p.Employer != "高林湾村委会" {
			t.Fatalf("after the change: %+v %v", p, err)
		}

		// A neighbour dispute in the village: 张 (exact, same village) first, 李 (no
		// matching specialty, township) after; 王 has left the pool.
		f := &flow{t: t}
		f.register(clerk, walkIn(t, st))
		var recs struct {
			Recommendations []struct {
				Talent  store.Talent
				Reasons []struct{ Code string }
				Why     []string
			}
		}
		resp, raw = clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/recommendations", f.id), nil)
		json.Unmarshal(raw, &recs)
		if resp.StatusCode != 200 || len(recs.Recommendations) != 2 || recs.Recommendations[0].Talent.Name != "张调解" || recs.Recommendations[1].Talent.Name != "李律师" ||
			recs.Recommendations[0].Reasons[0].Code != "specialty.exact" || recs.Recommendations[0].Reasons[1].Code != "near.same" || strings.Contains(string(raw), "13912345678") {
			t.Fatalf("recommendations: %d %s", resp.StatusCode, raw)
		}
		casePage := pageBody(t, clerk, fmt.Sprintf("/cases/%d", f.id))
		if rec := section(casePage, "recommendations"); !strings.Contains(rec, "张调解") || !strings.Contains(rec, "擅长本类纠纷（邻里）") || strings.Contains(rec, "王调解") {
			t.Fatalf("the case page's recommendations: %q", rec)
		}
		if strings.Contains(pageBody(t, viewer, fmt.Sprintf("/cases/%d", f.id)), `data-testid="recommendations"`) {
			t.Error("a viewer, who assigns nothing, is shown recommendations")
		}
	})
}
