package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

type exportJobJSON struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Rows      int64  `json:"rows"`
	Total     int64  `json:"total"`
	Filter    string `json:"filter"`
	FileURL   string `json:"file_url"`
	StatusURL string `json:"status_url"`
}

// An export job over real HTTP on both stores: started with the list's filters, it
// counts the list, writes its rows (counted as they go) to a file that only its
// requester can see and fetch, which holds the list masked; the audit entry has the
// filter and the row count. A bad format is refused before a job starts.
func TestExportJobOverHTTP(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		suji := srv.Login(t, "suji.clerk", demo.Password)
		const phone = "13893007712"
		for i := 0; i < 3; i++ {
			body := walkIn(t, st)
			body["title"] = "导出任务测试纠纷"
			body["parties"].([]map[string]any)[0]["phone"] = phone
			(&flow{t: t}).register(clerk, body)
		}

		if resp, raw := clerk.Do("POST", "/api/v1/exports?format=pdf", nil); resp.StatusCode != 422 || testutil.DecodeError(t, raw).Error.Field != "format" {
			t.Fatalf("a bad format: %d %s", resp.StatusCode, raw)
		}
		resp, raw := clerk.Do("POST", "/api/v1/exports?format=xlsx&queue=all&q="+"导出任务", nil)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("start: %d %s", resp.StatusCode, raw)
		}
		var job exportJobJSON
		testutil.DecodeJSON(t, raw, &job)
		if job.ID == "" || job.StatusURL != "/api/v1/exports/"+job.ID || (job.State != "queued" && job.State != "running" && job.State != "done") {
			t.Fatalf("started job = %+v", job)
		}
		// Another user knows nothing of it.
		if resp, _ := suji.Do("GET", job.StatusURL, nil); resp.StatusCode != 404 {
			t.Fatalf("another user's status: %d", resp.StatusCode)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for job.State != "done" {
			if job.State == "failed" || time.Now().After(deadline) {
				t.Fatalf("job = %+v", job)
			}
			time.Sleep(20 * time.Millisecond) // polling, as the page does
			resp, raw := clerk.Do("GET", job.StatusURL, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("status: %d %s", resp.StatusCode, raw)
			}
			job = exportJobJSON{}
			testutil.DecodeJSON(t, raw, &job)
		}
		if job.Rows != 3 || job.Total != 3 || job.FileURL != "/api/v1/exports/"+job.ID+"/file" || !strings.Contains(job.Filter, "queue=all") {
			t.Fatalf("finished job = %+v, want 3 of 3 rows and its file", job)
		}
		if resp, _ := suji.Do("GET", job.FileURL, nil); resp.StatusCode != 404 {
			t.Fatalf("another user fetches the file: %d", resp.StatusCode)
		}
		resp, raw = clerk.Do("GET", job.FileURL, nil)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("file: %d %v", resp.StatusCode, resp.Header)
		}
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil || len(rows) != 4 {
			t.Fatalf("the file holds %d rows (%v), want a header and 3", len(rows), err)
		}
		for _, r := range rows[1:] {
			line := strings.Join(r, "|")
			if !strings.Contains(line, "导出任务测试纠纷") || strings.Contains(line, phone) || !strings.Contains(line, model.MaskPhone(phone)) {
				t.Errorf("row %q: want the title and the phone masked", line)
			}
		}
		audit, err := st.AuditRows(context.Background(), store.AuditFilter{Action: "case.export", Limit: 10})
		if err != nil || len(audit) != 1 || !strings.Contains(audit[0].Summary, "3 条") || !strings.Contains(audit[0].Summary, "queue=all") {
			t.Fatalf("audit = %+v, %v", audit, err)
		}
		if resp, _ := clerk.Do("GET", "/api/v1/exports/nosuchjob", nil); resp.StatusCode != 404 {
			t.Fatalf("an unknown job: %d", resp.StatusCode)
		}
	})
}
