package api

import (
	"context"
	"errors"
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

// exportCases streams a case list (the same filters and scope as GET /api/v1/cases)
// as an xlsx workbook or a CSV file, a 台账 with personal data masked, and audits it
// with its filter and row count.
func (a *API) exportCases(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	if p == nil {
		httpx.WriteError(w, r, httpx.Errorf(r, http.StatusUnauthorized, "unauthenticated", ""))
		return
	}
	// Whoever may open the case lists may take them away; an administrator, who sees
	// no cases, is refused rather than handed an empty file.
	q, err := httpx.ReadQuery(r, exportParams...)
	if err == nil {
		err = p.Require(auth.PermCasesRead)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	format, encoding := q.String("format"), strings.ToLower(q.String("encoding"))
	if err := export.Check(format, encoding); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	l, err := httpx.ParseCaseList(q, httpx.CaseListEnv{Now: a.Cases.Now(), DefaultQueue: "all",
		QueueFor: func() *store.Queue { return cases.QueueFor(p) },
		RegionPath: func(id int64) (string, error) {
			g, err := a.Store.Region(r.Context(), id)
			return g.Path, err
		}})
	if err == nil {
		err = q.Err()
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	loc := httpx.Locale(r)
	ctx := r.Context()
	names, err := a.ledgerNames(ctx)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	filter := q.Values()
	for _, k := range []string{"format", "encoding", "page", "limit", "before"} {
		filter.Del(k)
	}
	kind := format
	if format == export.CSV && encoding == export.GBK {
		kind = "csv/gbk"
	}
	ctype, ext := "text/csv; charset=utf-8", ".csv"
	if format == export.XLSX {
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
	} else if encoding == export.GBK {
		ctype = "text/csv; charset=gbk"
	}
	sheet := i18n.T(loc, "export.sheet")
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename=\"cases-"+a.Cases.Now().In(cst).Format("20060102-1504")+ext+"\"")
	t, err := export.New(w, format, encoding, sheet, ledgerHeader(loc))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	n, err := a.Cases.EachListed(ctx, p, l.Filter, l.Code, func(batch []model.Case) error {
		ids := make([]int64, len(batch))
		for i, c := range batch {
			ids[i] = c.ID
		}
		leads, err := a.Store.LeadDepartments(ctx, ids)
		if err != nil {
			return err
		}
		for i := range batch {
			if err := t.Row(names.row(loc, &batch[i], leads[batch[i].ID])); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		f := filter.Encode()
		if f == "" {
			f = i18n.T("zh-CN", "export.no_filter")
		}
		// The entry is written before the file's last bytes leave: an export the log
		// does not hold never completes.
		err = a.Store.Audit(ctx, "case.export", "cases", i18n.T("zh-CN", "export.audit", n, kind, f))
	}
	if err == nil {
		err = t.Close()
	}
	if err != nil {
		// Part of a CSV may already be out: the connection is cut so the client sees
		// a failed download, not a short list.
		if errors.Is(err, context.Canceled) || n > 0 || format == export.CSV {
			panic(http.ErrAbortHandler)
		}
		httpx.WriteError(w, r, err)
	}
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

// ledgerNamer names a case's category, region and department, read once per export.
type ledgerNamer struct {
	categories, regions, departments map[int64]string
}

func (a *API) ledgerNames(ctx context.Context) (ledgerNamer, error) {
	n := ledgerNamer{categories: map[int64]string{}, regions: map[int64]string{}, departments: map[int64]string{}}
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

// row is one case of the 台账. Parties leave as the lists show them (Party.Masked:
// the name, the phone and ID number masked), and the free texts through model.MaskText, so no
// phone or ID number leaves whole whatever was typed into a title or an outcome.
func (n ledgerNamer) row(loc string, c *model.Case, lead int64) []any {
	var names, phones []string
	for _, p := range c.Parties {
		m := p.Masked()
		names = append(names, m.Name)
		if m.Phone != "" {
			phones = append(phones, m.Phone)
		}
	}
	priv := model.Private{Parties: c.Parties}
	sep := i18n.T(loc, "list.sep")
	return []any{c.ID, c.CreatedAt, i18n.T(loc, "kind."+string(c.Kind)), n.categories[c.CategoryID],
		i18n.T(loc, "channel."+string(c.Channel)), n.regions[c.RegionID], model.MaskText(c.Title, priv),
		strings.Join(names, sep), strings.Join(phones, sep), i18n.T(loc, "state."+c.State), n.departments[lead],
		c.DueAt, c.ResolvedAt, model.MaskText(c.Outcome, priv)}
}

// cst is China Standard Time, the clock of an export's file name.
var cst = time.FixedZone("CST", 8*3600)
