package mediation

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// An agreement's number is 机关代字〔year〕第N号: the organisation's own prefix, or its
// region's first character and 调字.
func TestAgreementNumber(t *testing.T) {
	for _, tc := range []struct {
		org  store.MediationOrg
		year int
		seq  int
		want string
	}{
		{store.MediationOrg{RegionName: "康乐县"}, 2026, 12, "康调字〔2026〕第12号"},
		{store.MediationOrg{RegionName: "附城镇", NumberPrefix: "附人调字"}, 2027, 1, "附人调字〔2027〕第1号"},
		{store.MediationOrg{}, 2026, 3, "调字〔2026〕第3号"},
	} {
		if got := AgreementNumber(numberPrefix(tc.org), tc.year, tc.seq); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.org, got, tc.want)
		}
	}
}

// A draft's parties come from the case when none are given; the particulars a reader
// sends back as shown (masked) keep the whole ones, and changed ones replace them;
// a party without a name is refused naming its row.
func TestCheckAgreementParties(t *testing.T) {
	id := model.MakeIDNumber("622922", mustDay(t, "1970-05-05"), 11)
	c := &model.Case{Parties: []model.Party{{Role: model.PartyApplicant, Name: "马某", IDNumber: id, Phone: "13893001122", Address: "城关村"},
		{Role: model.PartyRespondent, Name: "李某"}}}
	var a store.Agreement
	if err := checkAgreement(AgreementInput{}, &a, c); err != nil {
		t.Fatal(err)
	}
	if len(a.Parties) != 2 || a.Parties[0].Role != "申请人" || !strings.Contains(a.Parties[0].Particulars, id) || a.Parties[1].Role != "被申请人" {
		t.Fatalf("parties from the case: %+v", a.Parties)
	}
	shown := readable(a).Parties
	// Masked by the one rule, as every list shows a party: the ID number's region and
	// last four, the phone's first three and last four; the address as it is.
	if want := "身份证号 " + model.MaskIDNumber(id) + "，电话 138****1122，住址 城关村"; shown[0].Particulars != want {
		t.Fatalf("shown %q, want %q", shown[0].Particulars, want)
	}
	shown[1].Particulars = "电话 13900000000"
	if err := checkAgreement(AgreementInput{Parties: shown}, &a, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Parties[0].Particulars, id) || a.Parties[1].Particulars != "电话 13900000000" {
		t.Fatalf("after sending back: %+v", a.Parties)
	}
	err := checkAgreement(AgreementInput{Parties: []store.AgreementParty{{Role: "申请人", Particulars: "x"}}}, &a, c)
	if fe, ok := err.(*model.FieldError); !ok || fe.Field != "parties.0.name" {
		t.Fatalf("a party without a name: %v", err)
	}
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Whatever a form sends as a party, checking it never panics, keeps within the
// limits, and a particulars field sent back masked never replaces the whole one.
func FuzzCheckAgreementParties(f *testing.F) {
	f.Add("申请人", "马某", "身份证号 622922197005050011，电话 13893001122", "电话 138****1122")
	f.Add("", "", "", "\x00")
	f.Fuzz(func(t *testing.T, role, name, particulars, sent string) {
		a := store.Agreement{Parties: []store.AgreementParty{{Role: "申请人", Name: "马某", Particulars: particulars}}}
		in := AgreementInput{Parties: []store.AgreementParty{{Role: role, Name: name, Particulars: sent}}}
		if err := checkAgreement(in, &a, &model.Case{}); err != nil {
			return
		}
		for _, p := range a.Parties {
			if p.Name == "" || utf8.RuneCountInString(p.Role) > 20 || utf8.RuneCountInString(p.Name) > 60 {
				t.Fatalf("kept %+v", p)
			}
		}
		if len(a.Parties) == 1 && strings.TrimSpace(sent) == maskParticulars(particulars) && a.Parties[0].Particulars != particulars && strings.TrimSpace(sent) != a.Parties[0].Particulars {
			t.Fatalf("sent back masked %q, kept %q, whole %q", sent, a.Parties[0].Particulars, particulars)
		}
	})
}
