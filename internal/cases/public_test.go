package cases_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A citizen's report from a village lands, with its photo, at the nearest centre that
// has clerks (the township's: the demo's villages have none), as a new registration
// its clerks are told of; what is wrong with it is refused naming the public form's
// own field.
func TestRegisterPublic(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		svc := cases.New(st)
		village, _ := st.RegionByCode(ctx, "622922100200") // 附城镇
		town, _ := st.RegionByCode(ctx, "622922100")
		cats, _ := st.Categories(ctx, store.CategoryFilter{})
		var hazard int64
		for _, c := range cats {
			if c.Code == "hazard.fire" {
				hazard = c.ID
			}
		}
		in := cases.PublicInput{Kind: model.KindHazard, CategoryID: hazard, Channel: model.ChannelPhoto, RegionID: village.ID,
			Description: "村口小卖部门前堆放十几个液化气罐，旁边就是柴草垛。", Phone: "13893001122",
			Photos: []cases.Upload{{Name: "气罐.png", Data: tinyPNG(t)}}}
		c, err := svc.RegisterPublic(ctx, in, "portal")
		if err != nil {
			t.Fatal(err)
		}
		if c.CentreID != town.ID || c.State != "registered" || c.Channel != model.ChannelPhoto || len(c.TrackingCode) != cases.TrackingCodeLen {
			t.Fatalf("registered %+v, want at the township %d", c, town.ID)
		}
		if atts, _ := st.Attachments(ctx, c.ID); len(atts) != 1 || atts[0].ContentType != "image/png" {
			t.Errorf("attachments %+v", atts)
		}
		clerk, _, _ := st.UserCredentials(ctx, "fucheng.clerk")
		notes, err := st.Notifications(ctx, clerk.ID, false, 0, 50)
		if err != nil || len(notes) != 1 || notes[0].Kind != "public_case" {
			t.Errorf("the township clerk's inbox: %+v %v", notes, err)
		}
		evs, _ := st.Events(ctx, c.ID)
		if len(evs) != 1 || evs[0].ActorID != 0 {
			t.Errorf("events %+v", evs)
		}

		for _, tc := range []struct {
			name  string
			edit  func(*cases.PublicInput)
			field string
		}{
			{"no phone", func(p *cases.PublicInput) { p.Phone = "" }, "phone"},
			{"bad phone", func(p *cases.PublicInput) { p.Phone = "12345" }, "phone"},
			{"bad ID number", func(p *cases.PublicInput) { p.IDNumber = "622922197001011234" }, "id_number"},
			{"no description", func(p *cases.PublicInput) { p.Description = " " }, "description"},
			{"staff channel", func(p *cases.PublicInput) { p.Channel = model.ChannelWalkIn }, "channel"},
			{"not a photo", func(p *cases.PublicInput) { p.Photos = []cases.Upload{{Name: "a.pdf", Data: []byte("%PDF-1.4 x")}} }, "photos[0]"},
			{"too many photos", func(p *cases.PublicInput) { p.Photos = make([]cases.Upload, 7) }, "photos"},
		} {
			bad := in
			tc.edit(&bad)
			_, err := svc.RegisterPublic(ctx, bad, "portal")
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("%s: %v, want a field error on %s", tc.name, err, tc.field)
			}
		}
	})
}
