package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/export"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// exportParams are what GET /api/v1/cases/export reads: the list's filters and the
// file's format. The list's paging is accepted (a page's URL exports as it is) and
// ignored: an export is the whole list.
var exportParams = append([]string{"format", "encoding"}, httpx.CaseListParams...)

// ledgerExport is an export's request, read and checked: whose, which list, in
// which format.
type ledgerExport struct {
	p                *auth.Principal
	list             httpx.CaseList
	format, encoding string
	kind             string // as the audit entry names it: xlsx, csv or csv/gbk
	loc              string
	filter           string // the list's filters, as the audit entry records them
}

// readExport reads an export's request: the list's filters (as GET /api/v1/cases
// reads them) and the file's format.
func (a *API) readExport(r *http.Request) (ledgerExport, error) {
	e := ledgerExport{p: httpx.Principal(r), loc: httpx.Locale(r)}
	if e.p == nil {
		return e, httpx.Errorf(r, http.StatusUnauthorized, "unauthenticated", "")
	}
	// Whoever may open the case lists may take them away; an administrator, who sees
	// no cases, is refused rather than handed an empty file.
	q, err := httpx.ReadQuery(r, exportParams...)
	if err == nil {
		err = e.p.Require(auth.PermCasesRead)
	}
	if err != nil {
		return e, err
	}
	e.format, e.encoding = q.String("format"), strings.ToLower(q.String("encoding"))
	if err := export.Check(e.format, e.encoding); err != nil {
		return e, err
	}
	p := e.p
	e.list, err = httpx.ParseCaseList(q, httpx.CaseListEnv{Now: a.Cases.Now(), DefaultQueue: "all",
		QueueFor: func() *store.Queue { return cases.QueueFor(p) },
		RegionPath: func(id int64) (string, error) {
			g, err := a.Store.Region(r.Context(), id)
			return g.Path, err
		}})
	if err == nil {
		err = q.Err()
	}
	if err != nil {
		return e, err
	}
	filter := q.Values()
	for _, k := range []string{"format", "encoding", "page", "limit", "before"} {
		filter.Del(k)
	}
	e.filter = filter.Encode()
	e.kind = e.format
	if e.format == export.CSV && e.encoding == export.GBK {
		e.kind = "csv/gbk"
	}
	return e, nil
}

// file is the export's content type and file name.
func (e ledgerExport) file(at time.Time) (ctype, name string) {
	ctype, ext := "text/csv; charset=utf-8", ".csv"
	if e.format == export.XLSX {
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
	} else if e.encoding == export.GBK {
		ctype = "text/csv; charset=gbk"
	}
	return ctype, "cases-" + at.In(cst).Format("20060102-1504") + ext
}

// exportCases streams a case list (the same filters and scope as GET /api/v1/cases)
// as an xlsx workbook or a CSV file, a 台账 with personal data masked, and audits it
// with its filter and row count. A long list is better taken through an export job
// (POST /api/v1/exports), whose progress the page shows.
func (a *API) exportCases(w http.ResponseWriter, r *http.Request) {
	e, err := a.readExport(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	ctype, name := e.file(a.Cases.Now())
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename=\""+name+"\"")
	// The server's write timeout (a minute) would cut a long export off mid-file: each
	// batch written moves the deadline on, so only a client that stops reading for
	// exportStall loses its download.
	rc := http.NewResponseController(w)
	n, err := a.writeLedger(r.Context(), e, w, func(int) { _ = rc.SetWriteDeadline(time.Now().Add(exportStall)) })
	if err != nil {
		// Part of a CSV may already be out: the connection is cut so the client sees
		// a failed download, not a short list.
		if errors.Is(err, context.Canceled) || n > 0 || e.format == export.CSV {
			panic(http.ErrAbortHandler)
		}
		httpx.WriteError(w, r, err)
	}
}

// exportStall is how long a direct export may go without writing a batch: the time a
// workbook's last batch leaves for its zip to be written (about a gigabyte of XML
// compressed at 1M rows) is in it.
const exportStall = 5 * time.Minute

// writeLedger writes e's list to w as its 台账 and audits the export; progress, when
// set, is told the rows written after each batch. It returns the rows written.
func (a *API) writeLedger(ctx context.Context, e ledgerExport, w io.Writer, progress func(rows int)) (int, error) {
	names, err := a.ledgerNames(ctx, e.loc)
	if err != nil {
		return 0, err
	}
	t, err := export.New(w, e.format, e.encoding, i18n.T(e.loc, "export.sheet"), ledgerHeader(e.loc))
	if err != nil {
		return 0, err
	}
	written := 0
	n, err := a.Cases.EachLedger(ctx, e.p, e.list.Filter, e.list.Code, func(batch []store.LedgerCase) error {
		for i := range batch {
			if err := t.Row(names.row(&batch[i])); err != nil {
				return err
			}
		}
		written += len(batch)
		if progress != nil {
			progress(written)
		}
		return nil
	})
	if err == nil {
		f := e.filter
		if f == "" {
			f = i18n.T("zh-CN", "export.no_filter")
		}
		// The entry is written before the file's last bytes leave: an export the log
		// does not hold never completes.
		err = a.Store.Audit(ctx, "case.export", "cases", i18n.T("zh-CN", "export.audit", n, e.kind, f))
	}
	if err == nil {
		err = t.Close()
	}
	return n, err
}

// ledgerColumns are a 台账's columns, in order (their headers "export.col.*").
var ledgerColumns = []string{"tracking_code", "created_at", "kind", "category", "channel", "region", "title",
	"parties", "phones", "state", "department", "due_at", "closed_at", "outcome"}

func ledgerHeader(loc string) []string {
	out := make([]string, len(ledgerColumns))
	for i, c := range ledgerColumns {
		out[i] = i18n.T(loc, "export.col."+c)
	}
	return out
}

// ledgerNamer names a case's category, region and department, read once per export,
// and says its kind, channel and state in the export's locale; it keeps one row's
// cells, which each row overwrites (the table has written them when the next comes).
type ledgerNamer struct {
	loc                              string
	sep                              string
	categories, regions, departments map[int64]string
	said                             map[string]string // a catalogue key: its text, said once
	cells                            []any
	names, phones                    []string
}

func (a *API) ledgerNames(ctx context.Context, loc string) (*ledgerNamer, error) {
	n := &ledgerNamer{loc: loc, sep: i18n.T(loc, "list.sep"), categories: map[int64]string{}, regions: map[int64]string{},
		departments: map[int64]string{}, said: map[string]string{}, cells: make([]any, len(ledgerColumns))}
	cats, err := a.Store.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		return n, err
	}
	for _, c := range cats {
		n.categories[c.ID] = c.Name
	}
	regions, err := a.Store.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return n, err
	}
	for _, g := range regions {
		n.regions[g.ID] = g.Name
	}
	deps, err := a.Store.Departments(ctx, store.DepartmentFilter{})
	if err != nil {
		return n, err
	}
	for _, d := range deps {
		n.departments[d.ID] = d.Name
	}
	return n, nil
}

// say is i18n.T(n.loc, prefix+value), looked up in the catalogue once per export.
func (n *ledgerNamer) say(prefix, value string) string {
	k := prefix + value
	if s, ok := n.said[k]; ok {
		return s
	}
	s := i18n.T(n.loc, k)
	n.said[k] = s
	return s
}

// row is one case of the 台账. Parties leave as the lists show them (Party.Masked:
// the phone and ID number masked), and the free texts through model.MaskText, so no
// phone or ID number leaves whole whatever was typed into a title or an outcome.
func (n *ledgerNamer) row(c *store.LedgerCase) []any {
	n.names, n.phones = n.names[:0], n.phones[:0]
	for _, p := range c.Parties {
		m := p.Masked()
		n.names = append(n.names, m.Name)
		if m.Phone != "" {
			n.phones = append(n.phones, m.Phone)
		}
	}
	priv := c.Private()
	mask := func(s string) string {
		if s == "" {
			return s // an open case's outcome: nothing to mask
		}
		return model.MaskText(s, priv)
	}
	cells := n.cells
	cells[0], cells[1], cells[2], cells[3] = c.ID, c.CreatedAt, n.say("kind.", string(c.Kind)), n.categories[c.CategoryID]
	cells[4], cells[5], cells[6] = n.say("channel.", string(c.Channel)), n.regions[c.RegionID], mask(c.Title)
	cells[7], cells[8], cells[9] = strings.Join(n.names, n.sep), strings.Join(n.phones, n.sep), n.say("state.", c.State)
	cells[10], cells[11], cells[12], cells[13] = n.departments[c.LeadDepartment], c.DueAt, c.ResolvedAt, mask(c.Outcome)
	return cells
}

// cst is China Standard Time, the clock of an export's file name.
var cst = time.FixedZone("CST", 8*3600)
