package demo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// allCases reads every case, with its parties, through the store's ordinary listing.
func allCases(t *testing.T, st *store.Store) []model.Case {
	t.Helper()
	var out []model.Case
	for before := int64(0); ; {
		page, err := st.Cases(context.Background(), store.CaseFilter{Before: before, Limit: 200}, store.CaseScope{All: true})
		if err != nil {
			t.Fatalf("list cases: %v", err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		before = page[len(page)-1].ID
	}
}

// sameContent compares what a seed decides about a case: everything but its times
// (which count back from the moment of generation) and ids.
func sameContent(a, b model.Case) error {
	if a.TrackingCode != b.TrackingCode || a.Kind != b.Kind || a.CategoryID != b.CategoryID || a.Channel != b.Channel ||
		a.RegionID != b.RegionID || a.GridID != b.GridID || a.CentreID != b.CentreID || a.Address != b.Address ||
		a.Title != b.Title || a.Description != b.Description || a.Urgency != b.Urgency || a.PeopleCount != b.PeopleCount ||
		a.AmountFen != b.AmountFen || a.State != b.State || a.DueStage != b.DueStage || a.RegisteredBy != b.RegisteredBy {
		return fmt.Errorf("cases differ:\n%+v\n%+v", a, b)
	}
	if len(a.Parties) != len(b.Parties) {
		return fmt.Errorf("%d parties, then %d", len(a.Parties), len(b.Parties))
	}
	for i := range a.Parties {
		pa, pb := a.Parties[i], b.Parties[i]
		if pa.Role != pb.Role || pa.Name != pb.Name || pa.IDNumber != pb.IDNumber || pa.Phone != pb.Phone {
			return fmt.Errorf("party %d differs: %+v, then %+v", i+1, pa, pb)
		}
	}
	return nil
}

func TestGenerateCases(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		const n = 3000
		if err := demo.GenerateCases(ctx, st, n, 7); err != nil {
			t.Fatalf("generate: %v", err)
		}
		cases := allCases(t, st)
		if len(cases) != n {
			t.Fatalf("%d cases, want %d", len(cases), n)
		}
		if cases[0].ID != n || cases[n-1].ID != 1 {
			t.Errorf("ids run %d…%d, want 1…%d", cases[n-1].ID, cases[0].ID, n)
		}
		codes := map[string]bool{}
		parties, events, open := 0, 0, 0
		colours := map[string]int{}
		var sample model.Case // an open case, to look up by its address
		for _, c := range cases {
			if len(c.TrackingCode) != 12 || codes[c.TrackingCode] {
				t.Fatalf("case %d: tracking code %q is malformed or taken twice", c.ID, c.TrackingCode)
			}
			codes[c.TrackingCode] = true
			if c.Version != 1 || c.RegionPath == "" || c.CentreID == 0 || c.Title == "" || c.RegisteredBy == 0 {
				t.Fatalf("case %d is missing fields: %+v", c.ID, c)
			}
			if len(c.Parties) != 2 {
				t.Fatalf("case %d has %d parties, want 2", c.ID, len(c.Parties))
			}
			for i, p := range c.Parties {
				parties++
				if p.Seq != i+1 || p.Name == "" {
					t.Fatalf("case %d: party %+v", c.ID, p)
				}
				if p.Role == model.PartyApplicant {
					if _, err := model.NormalizeIDNumber(p.IDNumber); err != nil {
						t.Fatalf("case %d: applicant's ID number %q: %v", c.ID, p.IDNumber, err)
					}
				} else if p.IDNumber != "" {
					t.Fatalf("case %d: respondent has ID number %q", c.ID, p.IDNumber)
				}
				if _, err := model.NormalizePhone(p.Phone); err != nil {
					t.Fatalf("case %d: phone %q: %v", c.ID, p.Phone, err)
				}
			}
			evs, err := st.Events(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			events += len(evs)
			if len(evs) != 1 || evs[0].Action != "register" || evs[0].ToState != "registered" ||
				evs[0].ActorID != c.RegisteredBy || !evs[0].At.Equal(c.CreatedAt) {
				t.Fatalf("case %d (created %v by %d): events %+v", c.ID, c.CreatedAt, c.RegisteredBy, evs)
			}
			if c.ClosedAt == nil {
				open++
				sample = c
			}
			colours[c.RiskLevel]++
			if c.RiskLevel != "none" {
				if c.ClosedAt != nil || c.RiskSince == nil || len(c.RiskResult) == 0 || c.RiskScore == 0 {
					t.Fatalf("case %d: warning %s on a closed case or without its grounds: %+v", c.ID, c.RiskLevel, c)
				}
			}
		}
		// Open cases come with the warnings their facts give, of several colours.
		for _, l := range []string{"none", "yellow", "orange", "red"} {
			if colours[l] == 0 {
				t.Errorf("no %s warning among %d generated cases: %v", l, n, colours)
			}
		}
		if parties != 2*n || events != n {
			t.Errorf("%d parties and %d events, want %d and %d", parties, events, 2*n, n)
		}
		if open == 0 || open == n {
			t.Errorf("%d of %d cases open; want a mix", open, n)
		}

		// The columns only lookups read are filled too: address_key and the parties'.
		for _, by := range []struct{ idNumber, address string }{{sample.Parties[0].IDNumber, ""}, {"", sample.Address}} {
			prior, err := st.PriorCases(ctx, by.idNumber, "", by.address, 500, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, pc := range prior {
				found = found || pc.ID == sample.ID
			}
			if !found {
				t.Errorf("case %d not found among prior cases by %+v: %+v", sample.ID, by, prior)
			}
		}

		// A case registered the ordinary way afterwards gets the next id (on PostgreSQL,
		// the identity sequences were moved past the loaded rows).
		fresh := cases[0]
		fresh.ID, fresh.TrackingCode = 0, "FRESH2345678"
		fresh.Parties = []model.Party{{Role: model.PartyApplicant, Name: "新来人", Phone: "13800000000"}}
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCase(ctx, &fresh); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &model.CaseEvent{CaseID: fresh.ID, ActorID: fresh.RegisteredBy, At: fresh.CreatedAt,
				Action: "register", ToState: "registered"})
		})
		if err != nil {
			t.Fatalf("insert after bulk load: %v", err)
		}
		if fresh.ID != n+1 || fresh.Parties[0].ID != 2*n+1 {
			t.Errorf("case inserted afterwards got id %d, party id %d; want %d, %d", fresh.ID, fresh.Parties[0].ID, n+1, 2*n+1)
		}

		// Generating more, even with the same seed, never repeats a tracking code.
		if err := demo.GenerateCases(ctx, st, 50, 7); err != nil {
			t.Fatalf("generate again: %v", err)
		}
		more := allCases(t, st)
		if len(more) != n+1+50 || more[0].ID != n+1+50 {
			t.Fatalf("after a second run: %d cases up to id %d, want %d", len(more), more[0].ID, n+1+50)
		}
		for _, c := range more[:50] {
			if codes[c.TrackingCode] {
				t.Fatalf("second run reused tracking code %s", c.TrackingCode)
			}
		}

		// The same seed gives the same cases in a fresh database; another seed does not.
		again := testutil.NewStore(t, st.Dialect())
		if err := demo.SeedCounty(ctx, again); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, again, 20, 7); err != nil {
			t.Fatal(err)
		}
		first := allCases(t, again)
		for i := range first {
			if err := sameContent(cases[n-1-i], first[len(first)-1-i]); err != nil {
				t.Fatalf("seed 7, case %d: %v", i+1, err)
			}
		}
		if err := demo.GenerateCases(ctx, again, 1, 8); err != nil {
			t.Fatal(err)
		}
		eighth := allCases(t, again)[0]
		eighth.TrackingCode = cases[n-1].TrackingCode // numbered differently anyway
		if err := sameContent(cases[n-1], eighth); err == nil {
			t.Error("seeds 7 and 8 gave the same first case")
		}
	})
}

// TestBulkLoadRejectsBadBatches: a batch with a taken tracking code or a reference to
// nothing fails as a whole, even when PostgreSQL writes it in parts, and leaves the
// store as strict as before.
func TestBulkLoadRejectsBadBatches(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, st, 1000, 1); err != nil {
			t.Fatal(err)
		}
		existing := allCases(t, st)
		batch := func() []model.Case {
			var out []model.Case
			for i, c := range existing {
				c.ID, c.TrackingCode = 0, fmt.Sprintf("BATCH%07d", i)
				c.Parties = append([]model.Party(nil), c.Parties...)
				for j := range c.Parties {
					c.Parties[j].ID = 0
				}
				out = append(out, c)
			}
			return out
		}

		dup := batch()
		dup[len(dup)-1].TrackingCode = existing[3].TrackingCode // in the last part
		if err := st.BulkLoadCases(ctx, dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("batch with a taken tracking code: %v, want ErrConflict", err)
		}
		orphan := batch()
		orphan[0].CategoryID = 999999 // in the first part
		if err := st.BulkLoadCases(ctx, orphan); err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
			t.Errorf("batch naming a missing category: %v, want a foreign-key error", err)
		}
		if got := allCases(t, st); len(got) != len(existing) {
			t.Fatalf("failed batches left %d cases, want %d", len(got), len(existing))
		}

		// The writer enforces foreign keys again.
		bad := existing[0]
		bad.ID, bad.TrackingCode, bad.RegionID, bad.Parties = 0, "BADREGION234", 999999, nil
		err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCase(ctx, &bad) })
		if err == nil {
			t.Fatal("a case in a missing region was stored after a bulk load")
		}

		// A good batch still loads, after the failed ones, with the next ids.
		good := batch()
		if err := st.BulkLoadCases(ctx, good); err != nil {
			t.Fatalf("good batch: %v", err)
		}
		if got := allCases(t, st); len(got) != 2*len(existing) {
			t.Fatalf("%d cases after the good batch, want %d", len(got), 2*len(existing))
		}
		if good[0].ID <= existing[0].ID || good[0].Parties[0].ID == 0 {
			t.Errorf("good batch's first case got id %d (party %d); the last before was %d", good[0].ID, good[0].Parties[0].ID, existing[0].ID)
		}
	})
}
