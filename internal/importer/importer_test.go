package importer_test

import (
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/importer/ledgertest"
	"github.com/onedoor/onedoor/internal/model"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, importer.China) }

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "45721", want: day(2025, 3, 5)},
		{in: "45721.5", want: day(2025, 3, 5).Add(12 * time.Hour)},
		{in: "2025年3月5日", want: day(2025, 3, 5)},
		{in: "2025年03月05日", want: day(2025, 3, 5)},
		{in: "２０２５年３月５日", want: day(2025, 3, 5)},
		{in: "2025.3.5", want: day(2025, 3, 5)},
		{in: "2025/03/05", want: day(2025, 3, 5)},
		{in: "2025-03-05", want: day(2025, 3, 5)},
		{in: "2025-03-05 14:30", want: day(2025, 3, 5).Add(14*time.Hour + 30*time.Minute)},
		{in: "20250305", want: day(2025, 3, 5)},
		{in: " 2025/3/5 ", want: day(2025, 3, 5)},
		{in: "2025年2月30日", bad: true},
		{in: "25.3.5", bad: true},
		{in: "3/5/2025", bad: true},
		{in: "2025年3月", bad: true},
		{in: "12", bad: true}, // a serial in 1900: no ledger's
		{in: "1e5", bad: true},
		{in: "", bad: true},
		{in: "去年三月", bad: true},
		{in: "2025-03-05 25:00", bad: true},
	} {
		got, err := importer.ParseDate(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		wan  bool
		want int64
		bad  bool
	}{
		{in: "12000元", want: 1_200_000},
		{in: "12,000", want: 1_200_000},
		{in: "1.2万元", want: 1_200_000},
		{in: "1.2万", want: 1_200_000},
		{in: "1.2", wan: true, want: 1_200_000},
		{in: "12000元", wan: true, want: 1_200_000}, // the cell's unit wins
		{in: "￥3,500.50", want: 350_050},
		{in: "３５００", want: 350_000},
		{in: "-5", bad: true},
		{in: "一万", bad: true},
		{in: "1e9", bad: true},
		{in: "", bad: true},
	} {
		got, err := importer.ParseAmount(tc.in, tc.wan)
		if tc.bad != (err != nil) || !tc.bad && got != tc.want {
			t.Errorf("ParseAmount(%q, %v) = %d, %v; want %d (bad %v)", tc.in, tc.wan, got, err, tc.want, tc.bad)
		}
	}
}

func TestParseIDNumber(t *testing.T) {
	now := day(2026, 1, 1)
	x := ledgertest.IDWithX()
	for _, tc := range []struct {
		in, want, code string
	}{
		{in: x[:17] + "x", want: x},
		{in: "６２２９２２" + ledgertest.ID(1)[6:], want: ledgertest.ID(1)},
		{in: "6.22922E+17", code: importer.CodeIDExcelNumber},
		{in: "6.22922198001011e+17", code: importer.CodeIDExcelNumber},
		{in: "622922198001010000", code: importer.CodeIDExcelNumber}, // Excel's made-up zeros
		{in: "622922198001010001", code: model.CodeIDNumberChecksum},
	} {
		got, err := importer.ParseIDNumber(tc.in, now)
		if tc.code == "" {
			if err != nil || got != tc.want {
				t.Errorf("ParseIDNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		fe, ok := err.(*model.FieldError)
		if !ok || fe.Code != tc.code {
			t.Errorf("ParseIDNumber(%q) = %q, %v; want code %s", tc.in, got, err, tc.code)
		}
	}
}

// dictionary is a county like the demo's: 苏集镇 with 苏集村, 附城镇, 景古镇, and the
// default categories that matter here.
func dictionary() importer.Dictionary {
	return importer.Dictionary{
		Now: day(2026, 1, 1),
		Regions: []model.Region{
			{ID: 1, Code: "622922", Name: "康乐县", Level: model.LevelCounty, Path: "/1/"},
			{ID: 2, ParentID: 1, Code: "622922100", Name: "附城镇", Level: model.LevelTownship, Path: "/1/2/"},
			{ID: 3, ParentID: 1, Code: "622922101", Name: "苏集镇", Level: model.LevelTownship, Path: "/1/3/"},
			{ID: 4, ParentID: 1, Code: "622922103", Name: "景古镇", Level: model.LevelTownship, Path: "/1/4/"},
			{ID: 5, ParentID: 3, Code: "622922101206", Name: "苏集村委会", Level: model.LevelVillage, Path: "/1/3/5/"},
		},
		Categories: []model.Category{
			{ID: 10, Kind: model.KindDispute, Code: "dispute.land", Name: "山林土地", Active: true},
			{ID: 11, Kind: model.KindDispute, Code: "dispute.labour", Name: "劳动争议", Active: true},
			{ID: 12, Kind: model.KindDispute, Code: "dispute.marriage", Name: "婚姻家庭", Active: true},
			{ID: 13, Kind: model.KindDispute, Code: "dispute.other", Name: "其他", Active: true},
			{ID: 14, Kind: model.KindHazard, Code: "hazard.other", Name: "其他", Active: true},
		},
	}
}

// officeMapping is the mapping the office's words need: its two category names.
func officeMapping(headers []string) importer.Mapping {
	m := importer.NewMapping(headers)
	m.SetValue(importer.FieldCategory, "土地纠纷", "dispute.land")
	m.SetValue(importer.FieldCategory, "劳资纠纷", "dispute.labour")
	return m
}

// wantIssue is one line of the expected report.
type wantIssue struct {
	row   int
	field importer.Field
	code  string
}

// messyReport is the report the messy ledger must give, row by row.
var messyReport = []wantIssue{
	{6, importer.FieldIDNumber, importer.CodeIDExcelNumber},
	{8, importer.FieldTownship, importer.CodeUnknownValue},
	{9, importer.FieldCategory, importer.CodeUnknownValue},
	{10, "", importer.CodeTotalRow},
}

func TestReadMessyLedger(t *testing.T) {
	xlsx, err := ledgertest.MessyXLSX()
	if err != nil {
		t.Fatal(err)
	}
	utf8CSV, _ := ledgertest.MessyCSV(false)
	gbkCSV, _ := ledgertest.MessyCSV(true)
	for _, file := range []struct {
		name string
		data []byte
	}{{"xlsx", xlsx}, {"csv-utf8", utf8CSV}, {"csv-gbk", gbkCSV}} {
		t.Run(file.name, func(t *testing.T) {
			sheets, err := importer.ReadFile(file.data)
			if err != nil {
				t.Fatal(err)
			}
			m := officeMapping(importer.Headers(sheets, importer.NewMapping(nil)))
			l, err := importer.Read(sheets, m, dictionary())
			if err != nil {
				t.Fatal(err)
			}
			if l.HeaderRow != 3 || l.Sheet == "填表说明" {
				t.Fatalf("header at %s row %d, want the ledger's row 3", l.Sheet, l.HeaderRow)
			}
			var got []wantIssue
			for _, is := range l.Issues() {
				got = append(got, wantIssue{is.Row, is.Field, is.Code})
			}
			if len(got) != len(messyReport) {
				t.Fatalf("report:\n%v\nwant:\n%v", got, messyReport)
			}
			for i := range got {
				if got[i] != messyReport[i] {
					t.Errorf("report line %d = %v, want %v", i, got[i], messyReport[i])
				}
			}
			if len(l.Records) != 5 || l.Good() != 2 {
				t.Fatalf("%d records, %d good; want 5 and 2", len(l.Records), l.Good())
			}
			if n := l.Unknown[importer.FieldTownship]["付城"]; n != 1 {
				t.Errorf("the misspelt township is not asked about: %v", l.Unknown)
			}

			first := l.Records[0].Case
			if l.Records[0].Key != "1" || l.Records[0].LastRow != 5 {
				t.Errorf("record 1: key %q, rows to %d", l.Records[0].Key, l.Records[0].LastRow)
			}
			if first.RegionID != 5 || first.CentreID != 3 || first.CategoryCode != "dispute.land" || first.Kind != model.KindDispute {
				t.Errorf("record 1 region %d centre %d category %s", first.RegionID, first.CentreID, first.CategoryCode)
			}
			if !first.CreatedAt.Equal(day(2025, 3, 5)) || first.ResolvedAt == nil || !first.ResolvedAt.Equal(day(2025, 3, 20)) {
				t.Errorf("record 1 dates %v %v", first.CreatedAt, first.ResolvedAt)
			}
			if first.State != "archived" || first.Outcome != "mediated_agreement" || first.AmountFen != 1_200_000 || first.Channel != model.ChannelImport {
				t.Errorf("record 1: %s %s %d %s", first.State, first.Outcome, first.AmountFen, first.Channel)
			}
			if len(first.Parties) != 2 || first.Parties[0].IDNumber != ledgertest.IDWithX() || first.Parties[0].Phone != "13812345678" ||
				first.Parties[1].Name != "李秀兰" || first.Parties[1].IDNumber != ledgertest.ID(1) || first.Parties[1].Phone != "0930-5512345" ||
				first.Parties[1].Role != model.PartyRespondent {
				t.Errorf("record 1 parties %+v", first.Parties)
			}
			third := l.Records[2].Case
			if !third.CreatedAt.Equal(day(2025, 3, 5)) || third.AmountFen != 1_200_000 || third.State != "in_progress" || !third.AtCentre ||
				third.CategoryCode != "dispute.labour" || third.RegionID != 2 || third.Parties[0].Phone != "13909312345" {
				t.Errorf("record 3: %+v", third)
			}
		})
	}
}

func TestTownshipsAreMatchedExactlyOrAsked(t *testing.T) {
	rows := [][]string{{"序号", "登记日期", "乡镇", "纠纷类型", "简要情况"}}
	for i, town := range []string{"苏集镇", "苏集", "苏 集", "苏集乡镇", "苏", "苏集村"} {
		rows = append(rows, []string{string(rune('1' + i)), "2025-01-02", town, "婚姻家庭", "争执"})
	}
	l, err := importer.Read([]importer.Sheet{{Rows: rows}}, importer.NewMapping(rows[0]), dictionary())
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, true, true, false, false, false}
	for i, r := range l.Records {
		if r.OK() != want[i] || r.OK() && r.Case.RegionID != 3 {
			t.Errorf("township %q: ok %v region %d, want ok %v", rows[i+1][2], r.OK(), r.Case.RegionID, want[i])
		}
	}
}

func TestAmbiguousCategoryIsAsked(t *testing.T) {
	rows := [][]string{{"序号", "登记日期", "纠纷类型", "简要情况"}, {"1", "2025-01-02", "其他", "x"}}
	m := importer.NewMapping(rows[0])
	l, _ := importer.Read([]importer.Sheet{{Rows: rows}}, m, dictionary())
	if is := l.Records[0].Issues; len(is) != 1 || is[0].Code != importer.CodeAmbiguous {
		t.Fatalf("其他 of two kinds: %+v", is)
	}
	m.SetValue(importer.FieldCategory, "其他", "hazard.other")
	l, _ = importer.Read([]importer.Sheet{{Rows: rows}}, m, dictionary())
	if !l.Records[0].OK() || l.Records[0].Case.Kind != model.KindHazard {
		t.Fatalf("mapped 其他: %+v", l.Records[0])
	}
}

func TestNoHeader(t *testing.T) {
	_, err := importer.Read([]importer.Sheet{{Rows: [][]string{{"说明"}, {"a", "b"}}}}, importer.NewMapping(nil), dictionary())
	if err != importer.ErrNoHeader {
		t.Fatalf("err = %v", err)
	}
}
