package adapterjob_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

const mapping = `{"fields": {"external_id": "id", "description": "d", "category": "c", "region": "r"},
  "categories": {"01": "dispute.labour"}, "regions": {"r1": "622922100"}}`

func TestPlatformSettingsAreChecked(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		svc := adapterjob.New(st, cases.New(st), nil)
		good := adapterjob.PlatformInput{Code: "ls12345", Name: "临夏州12345", Kind: "12345", Secret: strings.Repeat("k", adapterjob.MinSecret),
			PollURL: "https://12345.example.cn/orders", PollSeconds: adapterjob.MinPollSeconds, PushURL: "http://10.0.0.5/results", Mapping: mapping, Active: true}
		with := func(f func(*adapterjob.PlatformInput)) adapterjob.PlatformInput { in := good; f(&in); return in }
		for _, tt := range []struct {
			name  string
			in    adapterjob.PlatformInput
			field string
		}{
			{"code with capitals", with(func(in *adapterjob.PlatformInput) { in.Code = "LS12345" }), "code"},
			{"code of one character", with(func(in *adapterjob.PlatformInput) { in.Code = "l" }), "code"},
			{"code of 41", with(func(in *adapterjob.PlatformInput) { in.Code = strings.Repeat("a", 41) }), "code"},
			{"no name", with(func(in *adapterjob.PlatformInput) { in.Name = " " }), "name"},
			{"name of 61", with(func(in *adapterjob.PlatformInput) { in.Name = strings.Repeat("名", 61) }), "name"},
			{"unknown kind", with(func(in *adapterjob.PlatformInput) { in.Kind = "wechat" }), "kind"},
			{"secret one short", with(func(in *adapterjob.PlatformInput) { in.Secret = strings.Repeat("k", adapterjob.MinSecret-1) }), "secret"},
			{"header with a space", with(func(in *adapterjob.PlatformInput) { in.SignatureHeader = "X Sign" }), "signature_header"},
			{"one header for both", with(func(in *adapterjob.PlatformInput) { in.SignatureHeader, in.TimestampHeader = "X-A", "x-a" }), "timestamp_header"},
			{"poll URL not http", with(func(in *adapterjob.PlatformInput) { in.PollURL = "ftp://x/orders" }), "poll_url"},
			{"push URL relative", with(func(in *adapterjob.PlatformInput) { in.PushURL = "/results" }), "push_url"},
			{"polled too often", with(func(in *adapterjob.PlatformInput) { in.PollSeconds = adapterjob.MinPollSeconds - 1 }), "poll_seconds"},
			{"polled too rarely", with(func(in *adapterjob.PlatformInput) { in.PollSeconds = adapterjob.MaxPollSeconds + 1 }), "poll_seconds"},
			{"mapping without a region field", with(func(in *adapterjob.PlatformInput) { in.Mapping = strings.Replace(mapping, `, "region": "r"`, "", 1) }), "mapping.fields.region"},
			{"mapping to no category", with(func(in *adapterjob.PlatformInput) {
				in.Mapping = strings.Replace(mapping, "dispute.labour", "dispute.wages", 1)
			}), "mapping.categories.01"},
			{"mapping to no region", with(func(in *adapterjob.PlatformInput) { in.Mapping = strings.Replace(mapping, "622922100", "622922999", 1) }), "mapping.regions.r1"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := svc.CreatePlatform(ctx, tt.in)
				var fe *model.FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("error %v, want one naming %s", err, tt.field)
				}
			})
		}
		p, err := svc.CreatePlatform(ctx, with(func(in *adapterjob.PlatformInput) { in.PollSeconds = adapterjob.MaxPollSeconds }))
		if err != nil {
			t.Fatalf("good settings refused: %v", err)
		}
		if p.SignatureHeader != "X-Signature" || p.TimestampHeader != "X-Timestamp" {
			t.Fatalf("default headers %q %q", p.SignatureHeader, p.TimestampHeader)
		}
		if _, err := svc.CreatePlatform(ctx, good); !errors.Is(err, model.Invalid("code", "taken", "")) {
			t.Fatalf("the same code twice: %v", err)
		}
		// An edit without a secret keeps the saved one; with one, replaces it.
		in := adapterjob.Input(p)
		in.Name = "临夏回族自治州12345"
		if _, err := svc.UpdatePlatform(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		if saved, _ := st.Platform(ctx, p.ID); saved.Secret != good.Secret || saved.Name != in.Name {
			t.Fatalf("after an edit without a secret: %q %q", saved.Secret, saved.Name)
		}
		in.Secret = strings.Repeat("n", 20)
		if _, err := svc.UpdatePlatform(ctx, p.ID, in); err != nil {
			t.Fatal(err)
		}
		if saved, _ := st.Platform(ctx, p.ID); saved.Secret != in.Secret {
			t.Fatalf("the new secret was not saved")
		}
		if got := adapterjob.SecretHint(in.Secret); strings.Contains(got, "nnn") || !strings.HasSuffix(got, "nn") {
			t.Fatalf("secret hint %q", got)
		}
	})
}
