package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Export over real HTTP on both stores: the workbook and both CSV encodings read
// back hold the list's rows (as many as its total, for the same filter), in scope,
// with no phone or ID number whole in any cell, Chinese headers and real dates; the
// export is audited with its row count; a bad format names the field.
func TestCaseExport(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		suji := srv.Login(t, "suji.clerk", demo.Password)
		const phone = "13893007788"
		id := model.MakeIDNumber("622922", mustDate("1981-03-04"), 21)
		var codes []string // the citizens' own keys, never in an export
		for i := 0; i < 3; i++ {
			body := walkIn(t, st)
			body["title"] = "翡翠湾宅基地纠纷" + strconv.Itoa(i) + " 电话" + phone
			body["parties"].([]map[string]any)[0]["phone"] = phone
			body["parties"].([]map[string]any)[0]["id_number"] = id
			codes = append(codes, (&flow{t: t}).register(clerk, body).TrackingCode)
		}
		body := walkIn(t, st)
		body["region_id"] = regionID(t, st, "622922101206")
		body["title"] = "翡翠湾苏集镇的纠纷"
		(&flow{t: t}).register(suji, body)

		total := func(c *testutil.Client, filter string) int {
			t.Helper()
			resp, raw := c.Do("GET", "/api/v1/cases?"+filter, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("list %s: %d %s", filter, resp.StatusCode, raw)
			}
			var page struct{ Total int }
			if err := json.Unmarshal(raw, &page); err != nil {
				t.Fatal(err)
			}
			return page.Total
		}
		fetch := func(c *testutil.Client, query string) []byte {
			t.Helper()
			resp, raw := c.Do("GET", "/api/v1/cases/export?"+query, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("export %s: %d %s", query, resp.StatusCode, raw)
			}
			return raw
		}
		readXLSX := func(raw []byte) [][]string {
			t.Helper()
			x, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			sheet := x.GetSheetName(0)
			if sheet != "案件台账" {
				t.Errorf("sheet %q", sheet)
			}
			panes, err := x.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("header row not frozen: %+v %v", panes, err)
			}
			if typ, _ := x.GetCellType(sheet, "B2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("登记时间 is text, not a date (%v)", typ)
			}
			rows, err := x.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			// The header's auto filter spans every row written.
			if want := fmt.Sprintf(`<autoFilter ref="$A$1:$N$%d">`, len(rows)); !strings.Contains(sheetXML(t, raw), want) {
				t.Errorf("no %s in the sheet", want)
			}
			return rows
		}
		readCSV := func(raw []byte) [][]string {
			t.Helper()
			rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		check := func(name string, rows [][]string, want int, lacks ...string) {
			t.Helper()
			if len(rows) == 0 || rows[0][0] != "案件编号" || rows[0][7] != "当事人" || rows[0][13] != "结果" {
				t.Fatalf("%s: header %v", name, rows)
			}
			if len(rows)-1 != want {
				t.Errorf("%s: %d rows, the list holds %d", name, len(rows)-1, want)
			}
			for _, row := range rows {
				for _, cell := range row {
					for _, bad := range append(append(lacks, phone, id), codes...) {
						if strings.Contains(cell, bad) {
							t.Errorf("%s: cell %q holds %q", name, cell, bad)
						}
					}
				}
			}
		}

		// The township clerk's whole list, and a search in it.
		all := total(clerk, "queue=all")
		if all < 3 {
			t.Fatalf("list total %d", all)
		}
		rows := readXLSX(fetch(clerk, "format=xlsx&queue=all"))
		check("xlsx", rows, all, "苏集镇的纠纷")
		found := false
		for _, row := range rows[1:] {
			if strings.HasPrefix(row[6], "翡翠湾宅基地纠纷") {
				found = true
				if !strings.Contains(row[6], model.TextMask) || row[7] != "马某" || row[8] == "" || row[2] != "矛盾纠纷" || row[5] == "" {
					t.Errorf("row %q", row)
				}
			}
		}
		if !found {
			t.Errorf("the clerk's cases are not in the export")
		}
		if n := total(clerk, "queue=all&q=翡翠湾"); n != 3 {
			t.Errorf("search total %d", n)
		}
		check("xlsx q", readXLSX(fetch(clerk, "format=xlsx&queue=all&q=翡翠湾")), 3)

		// The list page's button exports the list as shown, its filters kept.
		_, page := clerk.Do("GET", "/cases?queue=all&q="+url.QueryEscape("翡翠湾")+"&page=1", nil)
		m := regexp.MustCompile(`href="(/api/v1/cases/export\?format=xlsx[^"]*)" data-testid="export-xlsx"`).FindSubmatch(page)
		if m == nil {
			t.Fatalf("no export link on the list page")
		}
		link := html.UnescapeString(string(m[1]))
		check("page link", readXLSX(fetch(clerk, strings.TrimPrefix(link, "/api/v1/cases/export?"))), 3)

		// CSV: UTF-8 with a byte-order mark, and GBK.
		raw := fetch(clerk, "format=csv&queue=all&q=翡翠湾")
		if !bytes.HasPrefix(raw, []byte("\ufeff")) {
			t.Errorf("UTF-8 CSV without BOM")
		}
		check("csv", readCSV(bytes.TrimPrefix(raw, []byte("\ufeff"))), 3)
		gbk := fetch(clerk, "format=csv&encoding=gbk&queue=all&q=翡翠湾")
		decoded, err := simplifiedchinese.GBK.NewDecoder().Bytes(gbk)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(decoded, gbk) {
			t.Errorf("GBK CSV is not GBK")
		}
		check("csv gbk", readCSV(decoded), 3)

		// Scope: the other township's clerk gets only its own case.
		sujiRows := readCSV(bytes.TrimPrefix(fetch(suji, "format=csv&queue=all&q=翡翠湾"), []byte("\ufeff")))
		check("suji", sujiRows, 1, "宅基地纠纷")

		// Audited: who, what filter, how many rows.
		audit, err := st.AuditRows(context.Background(), store.AuditFilter{Action: "case.export", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 6 || !strings.Contains(audit[0].Summary, "1 条") || !strings.Contains(audit[0].Summary, "q=") || audit[0].Actor == "" {
			t.Errorf("audit %+v", audit)
		}

		// Refusals name the field.
		for q, field := range map[string]string{"format=pdf": "format", "": "format", "format=xlsx&encoding=gbk": "encoding",
			"format=csv&kind=nothing": "kind"} {
			resp, raw := clerk.Do("GET", "/api/v1/cases/export?"+q, nil)
			if resp.StatusCode != 422 || !strings.Contains(string(raw), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s", q, resp.StatusCode, raw)
			}
		}
	})
}

// sheetXML is the first worksheet's XML of a workbook.
func sheetXML(t *testing.T, raw []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
