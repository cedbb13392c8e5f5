package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/documents"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Numbers (文号) run per issuing centre, kind and year from 1 without gaps or repeats:
// clerks issuing at once get consecutive numbers, a failed issue takes none, another
// centre or kind counts on its own, and the first document after midnight of 31
// December in China starts the new year at 1. A reprint reads the content as issued.
func TestDocumentNumbering(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, _ := seededCounty(t, st, store.Actor{Name: "测试"})
		audit := store.NotAudited("test fixture")
		c := newVillageCase("DOCS0001", village, cats[0], time.Now().UTC())
		must(t, st.InTx(ctx, audit, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
		township, county := village.ParentID, int64(0)
		if r, err := st.Region(ctx, township); err == nil {
			county = r.ParentID
		}
		at := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
		issue := func(issuer int64, kind documents.Kind, at time.Time) (store.IssuedDocument, error) {
			d := store.IssuedDocument{CaseID: c.ID, Kind: kind, IssuerID: issuer, IssuedAt: at,
				Content: documents.Document{Kind: kind, Title: "交办单", Paragraphs: []string{"正文"}}}
			err := st.IssueDocument(ctx, store.Audited("document.issue", "", "test"), &d, "康综治交")
			return d, err
		}

		const clerks, each = 8, 5
		var wg sync.WaitGroup
		errs := make(chan error, clerks*each)
		for range clerks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					if _, err := issue(township, documents.KindAssignment, at); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent issue: %v", err)
		}
		seqs, err := st.DocumentNumbers(ctx, township, documents.KindAssignment, 2026)
		must(t, err)
		want := make([]int, clerks*each)
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(seqs, want) {
			t.Fatalf("numbers after %d concurrent issues = %v, want 1…%d without gaps or repeats", clerks*each, seqs, clerks*each)
		}

		// A failed issue (its case does not exist) takes no number.
		bad := store.IssuedDocument{CaseID: c.ID + 999999, Kind: documents.KindAssignment, IssuerID: township, IssuedAt: at}
		if err := st.IssueDocument(ctx, store.Audited("document.issue", "", "test"), &bad, "康综治交"); err == nil {
			t.Fatal("an issue on a missing case succeeded")
		}
		next, err := issue(township, documents.KindAssignment, at)
		must(t, err)
		if next.Seq != clerks*each+1 || next.Number != fmt.Sprintf("康综治交〔2026〕第%d号", clerks*each+1) || next.Content.Number != next.Number {
			t.Fatalf("after a failed issue: %+v, want number %d", next, clerks*each+1)
		}

		// Another centre, another kind: their own counters.
		if d, err := issue(county, documents.KindAssignment, at); err != nil || d.Seq != 1 {
			t.Fatalf("the county's first = %+v, %v", d, err)
		}
		if d, err := issue(township, documents.KindSupervision, at); err != nil || d.Seq != 1 {
			t.Fatalf("the first supervision order = %+v, %v", d, err)
		}
		// The case file has no number and takes none.
		if d, err := issue(township, documents.KindDossier, at); err != nil || d.Seq != 0 || d.Number != "" {
			t.Fatalf("case file = %+v, %v", d, err)
		}

		// Year rollover, in China's time: 23:59 on 31 December is still 2026.
		eve := time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC)
		last, err := issue(township, documents.KindReceipt, eve)
		must(t, err)
		first, err := issue(township, documents.KindReceipt, eve.Add(2*time.Minute))
		must(t, err)
		again, err := issue(township, documents.KindReceipt, eve.Add(3*time.Minute))
		must(t, err)
		if last.Year != 2026 || last.Seq != 1 || first.Year != 2027 || first.Seq != 1 || first.Number != "康综治交〔2027〕第1号" || again.Seq != 2 {
			t.Fatalf("rollover: %s, %s, %s", last.Number, first.Number, again.Number)
		}

		// Reprint: the record reads back as it was issued.
		got, err := st.IssuedDocumentByID(ctx, next.ID)
		must(t, err)
		if got.Number != next.Number || got.Content.Number != next.Number || got.Content.Paragraphs[0] != "正文" || got.CaseID != c.ID || !got.IssuedAt.Equal(at) {
			t.Fatalf("reread = %+v", got)
		}
		list, err := st.IssuedDocuments(ctx, c.ID)
		must(t, err)
		if len(list) != clerks*each+1+3+3 {
			t.Fatalf("the case lists %d documents", len(list))
		}
		if _, err := st.IssuedDocumentByID(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing document: %v", err)
		}
	})
}

// Templates are versioned: each save is the next version, the newest in force, the
// earlier ones kept.
func TestDocumentTemplateVersions(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, _, _, _ := seededCounty(t, st, store.Actor{Name: "测试"})
		if _, err := st.DocumentTemplate(ctx, documents.KindAssignment); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any save: %v", err)
		}
		for i, body := range []string{"第一版{{事项}}", "第二版{{事项}}"} {
			tpl := documents.Default(documents.KindAssignment)
			tpl.Body, tpl.Note = body, "改措辞"
			must(t, st.SaveDocumentTemplate(ctx, store.Audited("document_template.save", "", "test"), &tpl))
			if tpl.Version != i+1 {
				t.Fatalf("version %d, want %d", tpl.Version, i+1)
			}
		}
		cur, err := st.DocumentTemplate(ctx, documents.KindAssignment)
		if err != nil || cur.Version != 2 || cur.Body != "第二版{{事项}}" || cur.Note != "改措辞" {
			t.Fatalf("in force: %+v, %v", cur, err)
		}
		all, err := st.DocumentTemplateVersions(ctx, documents.KindAssignment, 0)
		if err != nil || len(all) != 2 || all[1].Body != "第一版{{事项}}" {
			t.Fatalf("versions: %+v, %v", all, err)
		}
	})
}
