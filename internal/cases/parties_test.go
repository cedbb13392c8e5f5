package cases_test

import (
	"errors"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// groupParties are 86 households' two elected representatives, the lawyer one of them
// mandated, and the company they complain of.
func groupParties() []cases.PartyInput {
	return []cases.PartyInput{
		{Role: model.PartyRespondent, Name: "康乐县某房地产公司"},
		{Role: model.PartyRepresentative, Name: "马某", Phone: "13893002001"},
		{Role: model.PartyRepresentative, Name: "杨某", Phone: "13893002002"},
		{Role: model.PartyAgent, Name: "周律师", Phone: "13893002003", ActsFor: 2},
	}
}

// A group case keeps its households, its representatives and whom the agent acts
// for, whichever way the store writes it (alone, or with steps in a transaction), and
// lists its representatives first.
func TestGroupCaseKeepsItsRepresentatives(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, p, category := clerkAtDesk(t, st)
		for _, then := range [][]cases.Step{nil, {{Action: workflow.ActionAccept}}} {
			in := cases.RegisterInput{Kind: model.KindDispute, CategoryID: category["dispute.housing"], RegionID: p.Region.ID,
				Description: "某小区86户业主反映开发商逾期未办理房产证。", PeopleCount: 230, Households: 86, Parties: groupParties(), Then: then}
			c, err := svc.Register(ctx, p, in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Case(ctx, c.ID, store.CaseScope{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if got.Households != 86 || got.PeopleCount != 230 || !got.IsGroup() || got.Representatives() != 2 {
				t.Errorf("households %d people %d group %v reps %d", got.Households, got.PeopleCount, got.IsGroup(), got.Representatives())
			}
			if len(got.Parties) != 4 || got.Parties[3].Role != model.PartyAgent || got.Parties[3].ActsFor != 2 || got.Parties[1].ActsFor != 0 {
				t.Fatalf("parties %+v", got.Parties)
			}
			order := model.PartiesInOrder(got.Parties)
			if order[0].Name != "马某" || order[1].Name != "杨某" || order[2].Role != model.PartyRespondent {
				t.Errorf("listed %+v, want the representatives first", order)
			}
		}
	})
}

// Intake refuses parties whose roles contradict each other, naming the field.
func TestPartyRolesAreChecked(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, svc, p, category := clerkAtDesk(t, st)
		six := func() []cases.PartyInput {
			var ps []cases.PartyInput
			for range 6 {
				ps = append(ps, cases.PartyInput{Role: model.PartyRepresentative, Name: "代表"})
			}
			return ps
		}
		for _, tc := range []struct {
			name              string
			people, household int
			parties           []cases.PartyInput
			field, code       string
		}{
			{"agent for nobody", 0, 0, []cases.PartyInput{{Name: "甲"}, {Role: model.PartyAgent, Name: "乙"}}, "parties[1].acts_for", "required"},
			{"agent for themself", 0, 0, []cases.PartyInput{{Name: "甲"}, {Role: model.PartyAgent, Name: "乙", ActsFor: 2}}, "parties[1].acts_for", "required"},
			{"agent for a missing party", 0, 0, []cases.PartyInput{{Name: "甲"}, {Role: model.PartyAgent, Name: "乙", ActsFor: 3}}, "parties[1].acts_for", "required"},
			{"guardian of an agent", 0, 0, []cases.PartyInput{{Name: "甲"}, {Role: model.PartyAgent, Name: "乙", ActsFor: 1}, {Role: model.PartyGuardian, Name: "丙", ActsFor: 2}}, "parties[2].acts_for", "acts_for_agent"},
			{"applicant acting for someone", 0, 0, []cases.PartyInput{{Name: "甲", ActsFor: 2}, {Name: "乙"}}, "parties[0].acts_for", "not_an_agent"},
			{"representative of no group", 2, 1, []cases.PartyInput{{Role: model.PartyRepresentative, Name: "甲"}}, "households", "not_a_group"},
			{"six representatives", 100, 40, six(), "parties", "too_many_representatives"},
			{"more households than people", 3, 4, []cases.PartyInput{{Name: "甲"}}, "households", "more_than_people"},
			{"negative households", 3, -1, []cases.PartyInput{{Name: "甲"}}, "households", "range"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := cases.RegisterInput{Kind: model.KindDispute, CategoryID: category["dispute.neighbour"], RegionID: p.Region.ID,
					Description: "邻里纠纷。", PeopleCount: tc.people, Households: tc.household, Parties: tc.parties}
				_, err := svc.Register(ctx, p, in)
				var fe *model.FieldError
				if !errors.As(err, &fe) || fe.Field != tc.field || fe.Code != tc.code {
					t.Fatalf("err %v (%+v), want %s %s", err, fe, tc.field, tc.code)
				}
			})
		}
		// Five representatives of a group, and a guardian of a minor, pass.
		ok := cases.RegisterInput{Kind: model.KindDispute, CategoryID: category["dispute.neighbour"], RegionID: p.Region.ID,
			Description: "邻里纠纷。", Households: 6, Parties: append(six()[:5],
				cases.PartyInput{Name: "小明", Minor: true}, cases.PartyInput{Role: model.PartyGuardian, Name: "小明父亲", ActsFor: 6})}
		c, err := svc.Register(ctx, p, ok)
		if err != nil {
			t.Fatal(err)
		}
		if c.PeopleCount != 7 || c.Parties[6].ActsFor != 6 {
			t.Errorf("people %d, guardian %+v", c.PeopleCount, c.Parties[6])
		}
	})
}
