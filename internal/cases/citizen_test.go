package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

func citizenStaff(t *testing.T, st *store.Store, username string) *auth.Principal {
	t.Helper()
	p, _, _, err := auth.NewService(st, time.Hour, time.Hour).Login(context.Background(), username, demo.Password, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// citizenCounty seeds the demo county into st: the service, the village 高林湾村 and
// the category of neighbours' disputes, where the citizens of these tests report.
func citizenCounty(t *testing.T, st *store.Store) (context.Context, *cases.Service, model.Region, int64) {
	t.Helper()
	ctx := context.Background()
	if err := demo.SeedCounty(ctx, st); err != nil {
		t.Fatal(err)
	}
	village, err := st.RegionByCode(ctx, "622922100200")
	if err != nil {
		t.Fatal(err)
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == "dispute.neighbour" {
			return ctx, cases.New(st), village, c.ID
		}
	}
	t.Fatal("no category dispute.neighbour")
	return nil, nil, model.Region{}, 0
}

// Track answers only the right code with the right digits, the same way for every
// other try; it shows the public steps only, and the rating follows the state: none
// while open, the return visit once verified, an evaluation after the visit, and
// 不满意 reopens.
func TestCitizenTrackAndRate(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, village, neighbour := citizenCounty(t, st)
		c, err := svc.RegisterPublic(ctx, cases.PublicInput{Kind: model.KindDispute, CategoryID: neighbour, RegionID: village.ID,
			Description: "邻居在我家门口堆放柴草，多次协商未果。", Phone: "138 9300 1122"}, "portal")
		if err != nil {
			t.Fatal(err)
		}
		for _, try := range []struct{ code, last4 string }{
			{c.TrackingCode, "1123"}, {cases.NewTrackingCode(), "1122"}, {c.TrackingCode, ""}, {c.TrackingCode, "11220"},
			{"", "1122"}, {c.TrackingCode[:11], "1122"}, {c.TrackingCode + "2", "1122"}, {"' OR 1=1 --", "1122"},
		} {
			if _, err := svc.Track(ctx, try.code, try.last4); !errors.Is(err, cases.ErrNoMatch) {
				t.Errorf("Track(%q, %q) = %v, want ErrNoMatch", try.code, try.last4, err)
			}
		}
		// Typed as a person reads it: lower case, with spaces.
		typed := strings.ToLower(c.TrackingCode[:4] + " " + c.TrackingCode[4:8] + "-" + c.TrackingCode[8:])
		v, err := svc.Track(ctx, typed, "1122")
		if err != nil || v.State != workflow.StateRegistered || len(v.Steps) != 1 || v.Steps[0].Code != "registered" || v.CanRate {
			t.Fatalf("Track: %+v %v", v, err)
		}
		if v.Due != workflow.StatusNotDue || v.DueStage != workflow.StageAccept || v.Place == "" || v.Category == "" {
			t.Errorf("view %+v", v)
		}
		if err := svc.Rate(ctx, c.TrackingCode, "1122", workflow.Satisfied, ""); !errors.Is(err, cases.ErrNotRatable) {
			t.Errorf("rating a new case: %v", err)
		}

		clerk, mediator := citizenStaff(t, st, "fucheng.clerk"), citizenStaff(t, st, "fucheng.mediator")
		act := func(p *auth.Principal, a workflow.Action, in cases.ActInput) {
			t.Helper()
			if _, err := svc.Act(ctx, p, c.ID, a, in); err != nil {
				t.Fatalf("%s: %v", a, err)
			}
		}
		act(clerk, workflow.ActionAccept, cases.ActInput{})
		act(clerk, workflow.ActionComment, cases.ActInput{Note: "内部：申请人情绪激动"})
		act(clerk, workflow.ActionHandle, cases.ActInput{})
		act(mediator, workflow.ActionResolve, cases.ActInput{Outcome: "mediated_oral"})
		act(clerk, workflow.ActionVerify, cases.ActInput{})
		act(clerk, workflow.ActionVisit, cases.ActInput{Satisfaction: "satisfied"})
		v, _ = svc.Track(ctx, c.TrackingCode, "1122")
		var codes []string
		for _, s := range v.Steps {
			codes = append(codes, s.Code)
		}
		if strings.Join(codes, ",") != "registered,accepted,handled_here,resolved,verified,visited" || !v.CanRate {
			t.Fatalf("steps %v, can rate %v", codes, v.CanRate)
		}
		if bad := svc.Rate(ctx, c.TrackingCode, "1122", "very", ""); bad == nil {
			t.Error("an unknown satisfaction was taken")
		}
		// After the staff's visit the citizen says 不满意: an evaluation, and the case reopens.
		if err := svc.Rate(ctx, c.TrackingCode, "1122", workflow.Unsatisfied, "没有解决"); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Case(ctx, c.ID, store.CaseScope{All: true})
		if got.State != "in_progress" || got.Outcome != "" || got.DueStage != string(workflow.StageHandle) {
			t.Errorf("after 不满意: %s %q %s", got.State, got.Outcome, got.DueStage)
		}
		evs, _ := st.Events(ctx, c.ID)
		last := evs[len(evs)-1]
		if last.Action != cases.EventEvaluate || last.ActorID != 0 || last.FromState != "followed_up" || last.ToState != "in_progress" {
			t.Errorf("the evaluation %+v", last)
		}
		if err := svc.Rate(ctx, c.TrackingCode, "1122", workflow.Satisfied, ""); !errors.Is(err, cases.ErrNotRatable) {
			t.Errorf("rating the reopened case: %v", err)
		}
		// The second result: resolved, not yet verified; 基本满意 keeps it resolved, once.
		act(mediator, workflow.ActionResolve, cases.ActInput{Outcome: "mediated_agreement"})
		if err := svc.Rate(ctx, c.TrackingCode, "1122", workflow.BasicallySatisfied, ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.Rate(ctx, c.TrackingCode, "1122", workflow.Unsatisfied, ""); !errors.Is(err, cases.ErrAlreadyRated) {
			t.Errorf("a second rating of one result: %v", err)
		}
		got, _ = st.Case(ctx, c.ID, store.CaseScope{All: true})
		if got.State != "resolved" || got.Satisfaction != "basically_satisfied" {
			t.Errorf("after 基本满意: %s %s", got.State, got.Satisfaction)
		}
		v, _ = svc.Track(ctx, c.TrackingCode, "1122")
		if v.CanRate || v.Rated != workflow.BasicallySatisfied || v.Steps[len(v.Steps)-1].Code != "rated" {
			t.Errorf("view after rating: %+v", v)
		}
		// The public view never carries staff names or notes.
		for _, s := range v.Steps {
			if strings.Contains(s.Reason+s.Department+s.Centre, "情绪") {
				t.Errorf("step %+v leaks a note", s)
			}
		}
	})
}

// The citizen sees their whole report on the tracking page, however long, with the
// other side's name masked; the title made from it is not repeated, one a clerk
// wrote is shown.
func TestCitizenSeesTheirWholeReport(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, village, neighbour := citizenCounty(t, st)
		report := "邻居在我家门口堆放柴草和废旧家具已经半年多了，多次协商未果，村委会调解过一次也没有结果，夏天容易起火，请求尽快处理。"
		c, err := svc.RegisterPublic(ctx, cases.PublicInput{Kind: model.KindDispute, CategoryID: neighbour, RegionID: village.ID,
			Description: report, Phone: "138 9300 1122"}, "portal")
		if err != nil {
			t.Fatal(err)
		}
		if c.Title != "邻居在我家门口堆放柴草和废旧家具已经半年多了，多次协商未果…" {
			t.Errorf("title made from the report: %q", c.Title)
		}
		v, err := svc.Track(ctx, c.TrackingCode, "1122")
		if err != nil || v.Report != report || v.Title != "" {
			t.Fatalf("track: report %q, title %q, %v", v.Report, v.Title, err)
		}
		clerk := citizenStaff(t, st, "fucheng.clerk")
		staff, err := svc.Register(ctx, clerk, cases.RegisterInput{Kind: model.KindDispute, CategoryID: neighbour, RegionID: village.ID,
			Title: "门前堆放柴草纠纷", Description: "马某反映邻居王某在其门前堆放柴草。", Parties: []cases.PartyInput{
				{Name: "马某", Phone: "13893005566"}, {Role: model.PartyRespondent, Name: "王某"}}})
		if err != nil {
			t.Fatal(err)
		}
		v, err = svc.Track(ctx, staff.TrackingCode, "5566")
		if err != nil || v.Title != "门前堆放柴草纠纷" || strings.Contains(v.Report, "王某") || !strings.Contains(v.Report, "堆放柴草") {
			t.Errorf("track of a titled case: title %q, report %q, %v", v.Title, v.Report, err)
		}
	})
}
