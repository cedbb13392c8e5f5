package divisions_test

import (
	"testing"

	"github.com/onedoor/onedoor/internal/divisions"
	"github.com/onedoor/onedoor/internal/model"
)

func TestKangleFromTheBundledCodes(t *testing.T) {
	ds, err := divisions.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	kangle := divisions.Subtree(ds, "622922")
	if len(kangle) == 0 || kangle[0].Name != "康乐县" || kangle[0].Level != model.LevelCounty {
		t.Fatalf("622922: %v", kangle[:min(1, len(kangle))])
	}
	towns, villages := 0, 0
	names := map[string]string{}
	for _, d := range kangle {
		names[d.Code] = d.Name
		switch d.Level {
		case model.LevelTownship:
			towns++
		case model.LevelVillage:
			villages++
		}
	}
	if towns != 15 || villages != 156 {
		t.Errorf("康乐县: %d townships, %d villages; want 15 and 156", towns, villages)
	}
	for code, want := range map[string]string{"622922100": "附城镇", "622922101": "苏集镇", "622922103": "景古镇",
		"622922100200": "高林湾村", "622922100003": "城东社区", "622922101206": "苏集村"} {
		if names[code] != want {
			t.Errorf("%s = %q, want %q", code, names[code], want)
		}
	}
	if got := divisions.Subtree(ds, "622922000000"); len(got) != len(kangle) {
		t.Errorf("the 12-digit code gives %d divisions, want %d", len(got), len(kangle))
	}
	if divisions.Subtree(ds, "622999") != nil {
		t.Error("a code not in the data gives divisions")
	}
	if p := divisions.Subtree(ds, "62"); len(p) < 19000 || p[0].Name != "甘肃省" {
		t.Errorf("甘肃省: %d divisions", len(p))
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		fail bool
	}{
		{in: "code,name\n622922,康乐县\n622922100,附城镇\n", n: 2},
		{in: "622922000000,康乐县\n622922100000,附城镇\n622922100200,高林湾村委会\n", n: 3},
		{in: "62292,康乐县\n", fail: true},
		{in: "622922,康乐县\n622922,康乐县\n", fail: true},
		{in: "622922\n", fail: true},
		{in: "622922,康乐县\n6229a2,x\n", fail: true},
	} {
		ds, err := divisions.Parse([]byte(tc.in))
		if tc.fail != (err != nil) || !tc.fail && len(ds) != tc.n {
			t.Errorf("Parse(%q) = %v, %v", tc.in, ds, err)
		}
	}
}

func TestRegionName(t *testing.T) {
	for in, want := range map[string]string{"高林湾村委会": "高林湾村", "城东社区居委会": "城东社区", "新治街社区": "新治街社区",
		"王家沟村民委员会": "王家沟村", "滨河居委会": "滨河社区"} {
		if got := divisions.RegionName(in, model.LevelVillage); got != want {
			t.Errorf("RegionName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("code,name\n622922,康乐县\n622922100000,附城镇\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := divisions.Parse(data)
		if err != nil {
			return
		}
		for i, d := range ds {
			if i > 0 && ds[i-1].Code >= d.Code || d.Name == "" || !d.Level.Valid() {
				t.Fatalf("division %d: %+v", i, d)
			}
		}
	})
}
