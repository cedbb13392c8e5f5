package importer_test

import (
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/importer"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"45721", "2025年3月5日", "2025.3.5", "2025/03/05", "2025-03-05 14:30:00", "20250305", "45721.999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := importer.ParseDate(s)
		if err == nil && (d.Year() < 1909 || d.Year() > 2100) {
			t.Fatalf("ParseDate(%q) = %v, outside a ledger's years", s, d)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12000元", "1.2万元", "￥3,500.50", "1.2", "0"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, wan bool) {
		fen, err := importer.ParseAmount(s, wan)
		if err == nil && (fen < 0 || fen > 1e15) {
			t.Fatalf("ParseAmount(%q) = %d", s, fen)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("序号,登记日期,纠纷类型,简要情况,乡镇\n1,2025-01-02,婚姻家庭,争执,苏集\n合计,,,,\n,,张三,,\n"))
	f.Add([]byte("\xd0\xf2\xba\xc5,\xc8\xd5\xc6\xda\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sheets, err := importer.ReadCSV(data)
		if err != nil {
			return
		}
		m := importer.NewMapping(importer.Headers(sheets, importer.NewMapping(nil)))
		l, err := importer.Read(sheets, m, dictionary())
		if err != nil {
			return
		}
		for _, r := range l.Records {
			if r.OK() && (r.Case.RegionID == 0 || r.Case.CategoryID == 0 || r.Case.State == "" || r.Case.CreatedAt.IsZero()) {
				t.Fatalf("a record without its region, category, state or date passed: %+v", r)
			}
			if r.Key == "" || strings.TrimSpace(r.Key) != r.Key {
				t.Fatalf("record key %q", r.Key)
			}
		}
	})
}
