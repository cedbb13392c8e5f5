package cases_test

import (
	"context"
	"errors"
	"testing"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// registerAt registers a plain neighbour dispute as p, at p's region.
func registerAt(t *testing.T, ctx context.Context, svc *cases.Service, p *auth.Principal, category int64, what string) model.Case {
	t.Helper()
	c, err := svc.Register(ctx, p, cases.RegisterInput{Kind: model.KindDispute, CategoryID: category, RegionID: p.Region.ID,
		Description: what, Parties: []cases.PartyInput{{Name: "马某"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Two cases are linked both ways with a reason, each timeline says so; a reader who
// sees only one of them learns that a link exists, never which case or the reason's
// words; linking needs both cases in sight, once a pair, and can be taken back.
func TestCasesLinkBothWaysWithinScope(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, fucheng, category := clerkAtDesk(t, st)
		county, suji := principal(t, st, "county.clerk"), principal(t, st, "suji.clerk")
		a := registerAt(t, ctx, svc, fucheng, category["dispute.neighbour"], "附城镇邻里纠纷，申请法律援助。")
		b := registerAt(t, ctx, svc, suji, category["dispute.neighbour"], "苏集镇法律援助案件。")

		// The township clerk cannot name a case of another township.
		_, err := svc.Link(ctx, fucheng, a.ID, cases.LinkInput{TrackingCode: b.TrackingCode, Kind: model.LinkLegalAid})
		wantField(t, err, "tracking_code", "not_found")

		l, err := svc.Link(ctx, county, a.ID, cases.LinkInput{TrackingCode: " " + b.TrackingCode, Kind: model.LinkLegalAid, Note: "苏集镇司法所受理的法律援助"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name        string
			in          cases.LinkInput
			field, code string
		}{
			{"the same pair from the other side", cases.LinkInput{TrackingCode: a.TrackingCode, Kind: model.LinkEarlier}, "tracking_code", "linked"},
			{"itself", cases.LinkInput{TrackingCode: b.TrackingCode, Kind: model.LinkEarlier}, "tracking_code", "self"},
			{"no code", cases.LinkInput{Kind: model.LinkEarlier}, "tracking_code", "required"},
			{"no reason", cases.LinkInput{TrackingCode: a.TrackingCode}, "kind", "invalid"},
			{"other without words", cases.LinkInput{TrackingCode: a.TrackingCode, Kind: model.LinkOther}, "note", "required"},
		} {
			_, err := svc.Link(ctx, county, b.ID, tc.in)
			t.Run(tc.name, func(t *testing.T) { wantField(t, err, tc.field, tc.code) })
		}

		// The county sees both ends, each naming the other.
		for _, end := range []struct {
			c     model.Case
			other model.Case
			out   bool
		}{{a, b, true}, {b, a, false}} {
			views, err := svc.Links(ctx, county, &end.c)
			if err != nil || len(views) != 1 {
				t.Fatalf("links of %d: %+v %v", end.c.ID, views, err)
			}
			v := views[0]
			if !v.Visible || v.CaseID != end.other.ID || v.TrackingCode != end.other.TrackingCode || v.Note != "苏集镇司法所受理的法律援助" ||
				v.Kind != model.LinkLegalAid || v.Outgoing != end.out || v.ID != l.ID {
				t.Errorf("link seen from %d: %+v", end.c.ID, v)
			}
			evs, err := svc.Events(ctx, county, end.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if last := evs[len(evs)-1]; last.Action != cases.ActionLink || last.Note != "法律援助案件" {
				t.Errorf("timeline of %d ends with %+v", end.c.ID, last)
			}
		}
		// Fucheng's clerk sees a link on their case, and nothing of the case it names.
		views, err := svc.Links(ctx, fucheng, &a)
		if err != nil || len(views) != 1 {
			t.Fatalf("links seen by fucheng: %+v %v", views, err)
		}
		if v := views[0]; v.Visible || v.CaseID != 0 || v.TrackingCode != "" || v.Title != "" || v.Note != "" || v.Kind != model.LinkLegalAid {
			t.Errorf("a link out of scope shows %+v", v)
		}
		// Nor may they take it back through a case they do not see.
		if err := svc.Unlink(ctx, fucheng, b.ID, l.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unlink through an unseen case: %v", err)
		}
		if err := svc.Unlink(ctx, fucheng, a.ID, l.ID+1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unlink of another link: %v", err)
		}
		// A grid worker may not link at all.
		grid := principal(t, st, "fucheng.grid")
		if _, err := svc.Link(ctx, grid, a.ID, cases.LinkInput{TrackingCode: b.TrackingCode, Kind: model.LinkEarlier}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a grid worker links: %v", err)
		}

		// Taken back, the link is gone from both ends and may be made again.
		if err := svc.Unlink(ctx, county, b.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []model.Case{a, b} {
			if views, err := svc.Links(ctx, county, &c); err != nil || len(views) != 0 {
				t.Errorf("links of %d after unlinking: %+v %v", c.ID, views, err)
			}
		}
		if _, err := svc.Link(ctx, county, b.ID, cases.LinkInput{TrackingCode: a.TrackingCode, Kind: model.LinkEarlier}); err != nil {
			t.Errorf("link again: %v", err)
		}
	})
}

func wantField(t *testing.T, err error, field, code string) {
	t.Helper()
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != field || fe.Code != code {
		t.Errorf("err %v (%+v), want %s %s", err, fe, field, code)
	}
}
