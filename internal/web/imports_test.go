package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/importer/ledgertest"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// uploadLedger posts a ledger to the imports page as its form does.
func uploadLedger(t *testing.T, srv *testutil.Server, c *testutil.Client, fields map[string]string, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/admin/imports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF)
	resp, raw := c.Send(req)
	return resp, string(raw)
}

func TestImportPagesFlow(t *testing.T) {
	xlsx, err := ledgertest.MessyXLSX()
	if err != nil {
		t.Fatal(err)
	}
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		admin := srv.Login(t, "county.admin", demo.Password)
		ctx := context.Background()
		before, _ := st.CountCases(ctx)

		// Refusals name the field.
		if resp, body := uploadLedger(t, srv, admin, map[string]string{"source_name": "苏集台账"}, "", nil); resp.StatusCode != 422 ||
			!strings.Contains(body, `data-testid="field-error-file"`) {
			t.Fatalf("upload without a file: %d", resp.StatusCode)
		}
		if resp, body := uploadLedger(t, srv, admin, map[string]string{"source_name": ""}, "a.xlsx", xlsx); resp.StatusCode != 422 ||
			!strings.Contains(body, `data-testid="field-error-source_name"`) {
			t.Fatalf("upload without a source: %d", resp.StatusCode)
		}
		if resp, _ := uploadLedger(t, srv, admin, map[string]string{"source_name": "x"}, "a.xlsx", []byte("PK\x03\x04garbage")); resp.StatusCode != 422 {
			t.Fatalf("a broken xlsx: %d", resp.StatusCode)
		}

		resp, _ := uploadLedger(t, srv, admin, map[string]string{"source_name": "县中心台账"}, "台账2025.xlsx", xlsx)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/imports/") {
			t.Fatalf("upload: %d %s", resp.StatusCode, loc)
		}
		resp, raw := admin.Do("GET", loc, nil)
		page := string(raw)
		// The dry run: four cases refused (two unmapped categories, the Excel-number
		// ID, the misspelt township, the unknown category), row by row.
		for _, want := range []string{"表头在第 3 行", "可导入 0 件", "有问题 5 件", "付城", "宅基地打架", "土地纠纷", "劳资纠纷",
			"身份证号被 Excel 存成了数字", "合计行，已跳过"} {
			if !strings.Contains(page, want) {
				t.Errorf("dry run page lacks %q", want)
			}
		}
		if strings.Contains(page, ledgertest.IDWithX()[:17]) {
			t.Error("the page shows a full ID number")
		}
		u, _ := url.Parse(loc)
		sha := strings.TrimPrefix(u.Path, "/admin/imports/")
		source := u.Query().Get("source")

		// Map the office's words; the dry run is repeated.
		form := url.Values{"source": {source}, "state": {"archived"},
			"word.0": {"category|土地纠纷"}, "code.0": {"dispute.land"},
			"word.1": {"category|劳资纠纷"}, "code.1": {"dispute.labour"},
			"word.2": {"category|宅基地打架"}, "code.2": {"no.such"}}
		if resp, body := postForm(t, srv, admin, "/admin/imports/"+sha+"/mapping", form); resp.StatusCode != 422 || !strings.Contains(body, "no.such") {
			t.Fatalf("a mapping to nothing: %d", resp.StatusCode)
		}
		form.Set("code.2", "dispute.housing")
		if resp, _ := postForm(t, srv, admin, "/admin/imports/"+sha+"/mapping", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("mapping: %d", resp.StatusCode)
		}
		_, raw = admin.Do("GET", loc, nil)
		if !strings.Contains(string(raw), "可导入 3 件") {
			t.Fatalf("after mapping the dry run says: %s", testutil.Excerpt(raw))
		}
		resp, raw = admin.Do("GET", "/admin/imports/"+sha+"/report.xlsx?source="+source, nil)
		xf, err := excelize.OpenReader(bytes.NewReader(raw))
		if resp.StatusCode != 200 || err != nil {
			t.Fatalf("report xlsx: %d %v", resp.StatusCode, err)
		}
		rows, _ := xf.GetRows(xf.GetSheetList()[0])
		// The ID number Excel made a number, 付城, and the 合计 row.
		if len(rows) != 4 || rows[1][0] != "6" || rows[2][0] != "8" || rows[2][3] != "付城" || rows[3][0] != "10" {
			t.Fatalf("report rows: %q", rows)
		}

		// Run it; the page follows it to the end.
		if resp, _ := postForm(t, srv, admin, "/admin/imports/"+sha+"/run", url.Values{"source": {source}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("run: %d", resp.StatusCode)
		}
		var run store.ImportRun
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			runs, _ := st.ImportRuns(ctx, 0, 1)
			if len(runs) == 1 && runs[0].State != store.ImportRunning {
				run = runs[0]
				break
			}
		}
		if run.State != store.ImportDone || run.Added != 3 {
			t.Fatalf("run: %+v", run)
		}
		if n, _ := st.CountCases(ctx); n != before+3 {
			t.Fatalf("%d cases, want %d", n, before+3)
		}
		_, raw = admin.Do("GET", "/admin/imports", nil)
		if !strings.Contains(string(raw), "已完成") || !strings.Contains(string(raw), "台账2025.xlsx") {
			t.Errorf("the imports page does not show the finished run")
		}
		// Running it again adds nothing.
		postForm(t, srv, admin, "/admin/imports/"+sha+"/run", url.Values{"source": {source}})
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			runs, _ := st.ImportRuns(ctx, 0, 1)
			if len(runs) == 1 && runs[0].ID != run.ID && runs[0].State != store.ImportRunning {
				run = runs[0]
				break
			}
		}
		if run.Added != 0 || run.Existing != 3 {
			t.Fatalf("second run: %+v", run)
		}
		if n, _ := st.CountCases(ctx); n != before+3 {
			t.Fatalf("%d cases after the second run, want %d", n, before+3)
		}
	})
}
