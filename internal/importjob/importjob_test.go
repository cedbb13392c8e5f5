package importjob_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/importer"
	"github.com/onedoor/onedoor/internal/importer/ledgertest"
	"github.com/onedoor/onedoor/internal/importjob"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// county seeds the demo county and returns its county admin's id.
func county(t testing.TB, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	if err := demo.SeedCounty(ctx, st); err != nil {
		t.Fatal(err)
	}
	u, _, err := st.UserCredentials(ctx, "county.admin")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// officeSource makes the source "县综治中心台账" with the office's words mapped.
func officeSource(t *testing.T, svc *importjob.Service, f importjob.File) store.ImportSource {
	t.Helper()
	ctx := context.Background()
	src, m, err := svc.Source(ctx, "县综治中心台账", f.Head)
	if err != nil {
		t.Fatal(err)
	}
	m.SetValue(importer.FieldCategory, "土地纠纷", "dispute.land")
	m.SetValue(importer.FieldCategory, "劳资纠纷", "dispute.labour")
	if err := svc.SaveMapping(ctx, src, m); err != nil {
		t.Fatalf("%v %#v", err, err)
	}
	src, err = svc.Store().ImportSourceByName(ctx, src.Name)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// wantReport is the dry run's report of the messy ledger, row by row, as the page
// words it.
var wantReport = []struct {
	row          int
	field, value string
	why          string
}{
	{6, "身份证号", "622922198001011", "Excel"},
	{8, "乡镇", "付城", "未找到"},
	{9, "纠纷类型", "宅基地打架", "未找到"},
	{10, "", "合计", "合计"},
}

func TestImportMessyLedger(t *testing.T) {
	xlsx, err := ledgertest.MessyXLSX()
	if err != nil {
		t.Fatal(err)
	}
	gbk, _ := ledgertest.MessyCSV(true)
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		admin := county(t, st)
		svc := importjob.New(st)
		f, err := importjob.ReadFile("台账2025.xlsx", xlsx)
		if err != nil {
			t.Fatal(err)
		}
		src := officeSource(t, svc, f)

		rep, err := svc.DryRun(ctx, src, f)
		if err != nil {
			t.Fatal(err)
		}
		issues := rep.Ledger.Issues()
		if len(issues) != len(wantReport) {
			t.Fatalf("report has %d lines: %+v", len(issues), issues)
		}
		for i, w := range wantReport {
			is := issues[i]
			why := importjob.IssueText("zh-CN", is)
			if is.Row != w.row || importjob.FieldText("zh-CN", is.Field) != w.field || !strings.HasPrefix(is.Value, w.value) ||
				!strings.Contains(why, w.why) {
				t.Errorf("report line %d: row %d field %q value %q why %q; want %+v", i, is.Row, importjob.FieldText("zh-CN", is.Field), is.Value, why, w)
			}
		}
		if rep.Good != 2 || rep.Existing != 0 || rep.Refused() != 3 {
			t.Fatalf("dry run: good %d existing %d refused %d", rep.Good, rep.Existing, rep.Refused())
		}
		// The report as xlsx: the same lines.
		var buf bytes.Buffer
		if err := importjob.WriteReportXLSX(&buf, "zh-CN", rep); err != nil {
			t.Fatal(err)
		}
		xf, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := xf.GetRows(xf.GetSheetList()[0])
		if len(rows) != 1+len(wantReport) || rows[1][0] != "6" || rows[2][2] != "乡镇" || rows[2][3] != "付城" {
			t.Fatalf("report xlsx: %q", rows)
		}
		if n, _ := st.CountCases(ctx); n != 0 {
			t.Fatalf("the dry run wrote %d cases", n)
		}

		run, err := svc.Run(ctx, src, f, admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if run.State != store.ImportDone || run.Added != 2 || run.Refused != 3 || run.Existing != 0 || run.Position != 5 {
			t.Fatalf("run: %+v", run)
		}
		id, err := st.ImportedCase(ctx, src.ID, "1")
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.Case(ctx, id, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		cst := importer.China
		if c.Channel != model.ChannelImport || c.State != "archived" || c.Outcome != "mediated_agreement" ||
			!c.CreatedAt.Equal(time.Date(2025, 3, 5, 0, 0, 0, 0, cst)) || c.ResolvedAt == nil ||
			!c.ResolvedAt.Equal(time.Date(2025, 3, 20, 0, 0, 0, 0, cst)) || c.AmountFen != 1_200_000 || c.CategoryCode != "dispute.land" {
			t.Errorf("imported case: %+v", c)
		}
		if len(c.Parties) != 2 || c.Parties[1].Name != "李秀兰" || c.Parties[0].IDNumber != ledgertest.IDWithX() {
			t.Errorf("imported parties: %+v", c.Parties)
		}
		town, _ := st.RegionByCode(ctx, "622922101")
		if c.CentreID != town.ID {
			t.Errorf("centre %d, want 苏集镇 %d", c.CentreID, town.ID)
		}
		// In search, and in the lists by channel.
		found, err := st.Cases(ctx, store.CaseFilter{Text: search.Parse("承包地"), Limit: 10}, store.CaseScope{All: true})
		if err != nil || len(found) != 1 || found[0].ID != id {
			t.Errorf("search 承包地: %v %v", found, err)
		}
		n, err := st.CountMatching(ctx, store.CaseFilter{Channel: model.ChannelImport}, store.CaseScope{All: true})
		if err != nil || n != 2 {
			t.Errorf("cases by channel 导入: %d %v", n, err)
		}
		// One audit entry for the batch, naming the file's hash.
		rows2, err := st.AuditRows(ctx, store.AuditFilter{Action: "import.run", Limit: 10})
		if err != nil || len(rows2) != 1 || !strings.Contains(rows2[0].Summary, f.SHA256) {
			t.Fatalf("audit: %+v %v", rows2, err)
		}

		// Twice adds nothing, from the same file or the same rows in GBK CSV.
		again, err := svc.Run(ctx, src, f, admin, nil)
		if err != nil || again.Added != 0 || again.Existing != 2 {
			t.Fatalf("second run: %+v %v", again, err)
		}
		g, _ := importjob.ReadFile("台账2025.csv", gbk)
		third, err := svc.Run(ctx, src, g, admin, nil)
		if err != nil || third.Added != 0 || third.Existing != 2 {
			t.Fatalf("the CSV run: %+v %v", third, err)
		}
		if n, _ := st.CountCases(ctx); n != 2 {
			t.Fatalf("%d cases after three runs, want 2", n)
		}

		// Mapping the misspelt township and the category lets their rows in.
		m, _ := importjob.Mapping(src)
		fucheng, _ := st.RegionByCode(ctx, "622922100")
		m.SetValue(importer.FieldTownship, "付城", fucheng.Code)
		m.SetValue(importer.FieldCategory, "宅基地打架", "dispute.housing")
		if err := svc.SaveMapping(ctx, src, m); err != nil {
			t.Fatal(err)
		}
		m.SetValue(importer.FieldCategory, "x", "no.such.category")
		if err := svc.SaveMapping(ctx, src, m); err == nil {
			t.Fatal("a mapping to a category that does not exist was saved")
		}
		src, _ = st.ImportSourceByName(ctx, src.Name)
		fourth, err := svc.Run(ctx, src, f, admin, nil)
		if err != nil || fourth.Added != 2 || fourth.Existing != 2 || fourth.Refused != 1 {
			t.Fatalf("after mapping: %+v %v", fourth, err)
		}
		// Imported cases enter the statistics: the dashboards' rollups equal a recount.
		if diffs, err := st.VerifyRollups(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("rollups after the imports differ from a recount: %v %v", diffs, err)
		}
	})
}

// bigLedger is a ledger of n good rows.
func bigLedger(t testing.TB, n int) []byte {
	rows := make([]ledgertest.Row, n)
	for i := range rows {
		rows[i] = ledgertest.Row{fmt.Sprint(i + 1), "2024-05-06", "张建国", ledgertest.ID(i), "13812345678", "附城", "", "婚姻家庭",
			"家庭矛盾调解第" + fmt.Sprint(i+1) + "号", "", "已办结", "调解成功", "2024-06-01"}
	}
	b, err := ledgertest.XLSX(rows)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKilledImportResumes(t *testing.T) {
	data := bigLedger(t, 1000)
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		admin := county(t, st)
		svc := importjob.New(st)
		svc.Batch = 300
		f, err := importjob.ReadFile("big.xlsx", data)
		if err != nil {
			t.Fatal(err)
		}
		src := officeSource(t, svc, f)
		ctx, kill := context.WithCancel(context.Background())
		run, err := svc.Run(ctx, src, f, admin, func(r store.ImportRun) {
			if r.Position >= 600 {
				kill() // the process dies after its second batch committed
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("killed run: %+v %v", run, err)
		}
		saved, _ := st.ImportRun(context.Background(), run.ID)
		if saved.State != store.ImportRunning || saved.Position != 600 {
			t.Fatalf("the killed run as saved: %+v", saved)
		}
		if n, _ := st.CountCases(context.Background()); n != 600 {
			t.Fatalf("%d cases after the kill, want 600", n)
		}
		resumed, err := svc.Run(context.Background(), src, f, admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resumed.ID != run.ID || resumed.State != store.ImportDone || resumed.Added != 1000 || resumed.Position != 1000 {
			t.Fatalf("resumed: %+v", resumed)
		}
		if n, _ := st.CountCases(context.Background()); n != 1000 {
			t.Fatalf("%d cases after resuming, want 1000", n)
		}
		if rows, _ := st.AuditRows(context.Background(), store.AuditFilter{Action: "import.run", Limit: 10}); len(rows) != 1 {
			t.Fatalf("%d audit entries for one import", len(rows))
		}
	})
}

// A process killed after a batch committed but before its progress was saved
// resumes from the position saved before it: the batch's rows are found imported
// and added again by nobody; the rows after it are added once.
func TestImportKilledBeforeItsProgressResumes(t *testing.T) {
	data := bigLedger(t, 1000)
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		admin := county(t, st)
		svc := importjob.New(st)
		svc.Batch = 300
		f, err := importjob.ReadFile("big.xlsx", data)
		if err != nil {
			t.Fatal(err)
		}
		src := officeSource(t, svc, f)
		killed, kill := context.WithCancel(ctx)
		run, err := svc.Run(killed, src, f, admin, func(r store.ImportRun) {
			if r.Position >= 600 {
				kill()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("killed run: %+v %v", run, err)
		}
		// The second batch's progress lost: the run as the first batch left it.
		run.Position, run.Added = 300, 300
		if err := st.SaveImportProgress(ctx, &run); err != nil {
			t.Fatal(err)
		}
		resumed, err := svc.Run(ctx, src, f, admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resumed.ID != run.ID || resumed.State != store.ImportDone || resumed.Position != 1000 ||
			resumed.Added != 700 || resumed.Existing != 300 {
			t.Fatalf("resumed: %+v", resumed)
		}
		if n, _ := st.CountCases(ctx); n != 1000 {
			t.Fatalf("%d cases after resuming, want 1000", n)
		}
		for _, key := range []string{"1", "300", "301", "600", "601", "1000"} {
			if _, err := st.ImportedCase(ctx, src.ID, key); err != nil {
				t.Errorf("row %s: %v", key, err)
			}
		}
		// Every imported case is found by its own text, once.
		found, err := st.Cases(ctx, store.CaseFilter{Text: search.Parse("家庭矛盾调解第601号"), Limit: 10}, store.CaseScope{All: true})
		if err != nil || len(found) != 1 {
			t.Errorf("search 第601号: %d found, %v", len(found), err)
		}
	})
}

// The import starts from the dry run the administrator saw, as long as the same file
// is read through the same source, mapping and dictionary within the report's time;
// anything else reads the file again.
func TestImportStartsFromTheDryRunItSaw(t *testing.T) {
	data := bigLedger(t, 1000)
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county(t, st)
		f, err := importjob.ReadFile("big.xlsx", data)
		if err != nil {
			t.Fatal(err)
		}
		same := func(_ *importjob.Service, src store.ImportSource, _ *time.Time) store.ImportSource { return src }
		later := func(d time.Duration) func(*importjob.Service, store.ImportSource, *time.Time) store.ImportSource {
			return func(_ *importjob.Service, src store.ImportSource, clock *time.Time) store.ImportSource {
				*clock = clock.Add(d)
				return src
			}
		}
		for i, c := range []struct {
			name   string
			change func(svc *importjob.Service, src store.ImportSource, clock *time.Time) store.ImportSource
			kept   bool
		}{
			{"the same file and mapping", same, true},
			{"29 minutes later", later(29 * time.Minute), true},
			{"31 minutes later", later(31 * time.Minute), false},
			{"the mapping saved anew", func(svc *importjob.Service, src store.ImportSource, _ *time.Time) store.ImportSource {
				m := mustMapping(t, src)
				m.SetValue(importer.FieldCategory, "邻里纠纷", "dispute.neighbour")
				if err := svc.SaveMapping(ctx, src, m); err != nil {
					t.Fatal(err)
				}
				src, _ = st.ImportSource(ctx, src.ID)
				return src
			}, false},
			{"another source", func(svc *importjob.Service, src store.ImportSource, _ *time.Time) store.ImportSource {
				other, _, err := svc.Source(ctx, src.Name+"（另）", f.Head)
				if err != nil {
					t.Fatal(err)
				}
				if err := svc.SaveMapping(ctx, other, mustMapping(t, src)); err != nil {
					t.Fatal(err)
				}
				other, _ = st.ImportSource(ctx, other.ID)
				return other
			}, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				clock := time.Now()
				svc := importjob.New(st)
				svc.SetClock(func() time.Time { return clock })
				src, m, err := svc.Source(ctx, fmt.Sprintf("来源%d", i), f.Head)
				if err != nil {
					t.Fatal(err)
				}
				m.SetValue(importer.FieldCategory, "土地纠纷", "dispute.land")
				if err := svc.SaveMapping(ctx, src, m); err != nil {
					t.Fatal(err)
				}
				src, _ = st.ImportSource(ctx, src.ID)
				rep, err := svc.DryRun(ctx, src, f)
				if err != nil {
					t.Fatal(err)
				}
				got, err := svc.Checked(ctx, c.change(svc, src, &clock), f)
				if err != nil {
					t.Fatal(err)
				}
				if kept := got.Ledger == rep.Ledger; kept != c.kept {
					t.Fatalf("the dry run's report kept: %v, want %v", kept, c.kept)
				}
				if got.Good != rep.Good || got.File.SHA256 != f.SHA256 || len(got.File.Data) != len(data) {
					t.Fatalf("report: good %d (the dry run's %d), file %s of %d bytes", got.Good, rep.Good, got.File.SHA256, len(got.File.Data))
				}
			})
		}
	})
}

func mustMapping(t *testing.T, src store.ImportSource) importer.Mapping {
	t.Helper()
	m, err := importjob.Mapping(src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
