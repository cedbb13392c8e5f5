package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/report"
)

// evaluationExport writes the ranking as a workbook: one sheet 考评排名 with a row per
// unit (rank, name, total, the change, each item's figure and points as real
// numbers; 无数据 as an empty cell with its note), its header frozen, A4 landscape.
func (u *UI) evaluationExport(w http.ResponseWriter, r *http.Request) {
	page := u.newPage(r, "evaluation.title")
	d, err := u.loadEvaluation(r, page)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	rk := d.R
	x := excelize.NewFile()
	defer x.Close()
	sheet := page.T("evaluation.sheet")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		u.renderError(w, r, err)
		return
	}
	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	title, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	pts, _ := x.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.00")})
	pct, _ := x.NewStyle(&excelize.Style{CustomNumFmt: ptr(`0.0"%"`)})
	cell := func(col, row int) string { name, _ := excelize.CoordinatesToCellName(col, row); return name }
	status := page.T("evaluation.status_draft")
	if d.Published {
		status = page.T("evaluation.status_published", d.PubBy, d.PubAt)
	}
	_ = x.SetCellValue(sheet, "A1", fmt.Sprintf("%s %s %s", rk.RegionName, rk.Label, rk.Scheme.Name))
	_ = x.SetCellStyle(sheet, "A1", "A1", title)
	_ = x.SetCellValue(sheet, "A2", status)
	header := 4
	heads := []string{page.T("evaluation.col_rank"), page.T("evaluation.col_unit"), page.T("evaluation.col_total", d.Max),
		page.T("evaluation.col_prev", rk.PrevLabel), page.T("evaluation.col_change")}
	for i, it := range rk.Scheme.Items {
		heads = append(heads, d.Columns[i].Name, page.T("evaluation.col_points", fmtNum(it.Weight)))
	}
	for i, h := range heads {
		_ = x.SetCellValue(sheet, cell(i+1, header), h)
	}
	_ = x.SetCellStyle(sheet, cell(1, header), cell(len(heads), header), bold)
	for ri, e := range rk.Entries {
		row := header + 1 + ri
		if e.Rank > 0 {
			_ = x.SetCellValue(sheet, cell(1, row), e.Rank)
			_ = x.SetCellValue(sheet, cell(3, row), e.Score.Total)
		} else {
			_ = x.SetCellValue(sheet, cell(3, row), page.T("evaluation.no_data"))
		}
		_ = x.SetCellValue(sheet, cell(2, row), e.Name)
		if e.PrevTotal != nil {
			_ = x.SetCellValue(sheet, cell(4, row), *e.PrevTotal)
		}
		if e.Change != nil {
			_ = x.SetCellValue(sheet, cell(5, row), *e.Change)
		}
		_ = x.SetCellStyle(sheet, cell(3, row), cell(5, row), pts)
		for i, is := range e.Score.Items {
			vc, pc := cell(6+2*i, row), cell(7+2*i, row)
			f, _ := report.ByID(is.Figure)
			switch {
			case is.NoData:
				_ = x.SetCellValue(sheet, vc, page.T("evaluation.no_data"))
				_ = x.SetCellValue(sheet, pc, page.T("evaluation.no_data"))
				continue
			case f.Kind == report.Rate:
				_ = x.SetCellValue(sheet, vc, is.Value.Value)
				_ = x.SetCellStyle(sheet, vc, vc, pct)
			default:
				_ = x.SetCellValue(sheet, vc, is.Value.Num)
			}
			_ = x.SetCellValue(sheet, pc, is.Points)
			_ = x.SetCellStyle(sheet, pc, pc, pts)
		}
	}
	notes := header + len(rk.Entries) + 2
	_ = x.SetCellValue(sheet, cell(1, notes), page.T("evaluation.rules_heading"))
	for i, c := range d.Columns {
		_ = x.SetCellValue(sheet, cell(1, notes+1+i), c.Name+"："+c.Rule)
	}
	_ = x.SetColWidth(sheet, "B", "B", 22)
	_ = x.SetColWidth(sheet, "C", cellCol(len(heads)), 11)
	_ = x.SetRowHeight(sheet, header, 32)
	_ = x.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: header, TopLeftCell: cell(3, header+1), ActivePane: "bottomRight"})
	_ = x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape")}) // 9: A4

	name := fmt.Sprintf("%s-%s-%s.xlsx", page.T("evaluation.sheet"), rk.Scheme.Code, rk.From)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if err := x.Write(w); err != nil {
		u.renderError(w, r, err)
	}
}
