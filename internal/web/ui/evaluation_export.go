package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/report"
)

// evaluationExport writes the ranking as a workbook: a sheet 考评排名 with a row per
// unit (rank, name, total, the change, each item's figure and points as real
// numbers; 无数据 where a figure has nothing to measure), and a sheet 包案工作 with the
// team work of the period (teamSheet); each with its header frozen, A4 landscape.
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
	if err := teamSheet(x, page, d, status, styles{bold: bold, title: title, pct: pct}); err != nil {
		u.renderError(w, r, err)
		return
	}

	name := fmt.Sprintf("%s-%s-%s.xlsx", page.T("evaluation.sheet"), rk.Scheme.Code, rk.From)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if err := x.Write(w); err != nil {
		u.renderError(w, r, err)
	}
}

// styles are the workbook's cell styles, shared by its sheets.
type styles struct{ bold, title, pct int }

// teamSheet adds the sheet 包案工作: the page's team table (the ranking's, frozen with
// a published one) with a row per person — the name as the page shows it, whether
// from the talent pool, their cases in each role any of them held, all their team
// cases, those ended, and the two rates as per-cent numbers (无数据 when none ended).
// Names leave as the ranking's unit names do: the table holds no phone or ID number
// for the masking rule to take.
func teamSheet(x *excelize.File, page *Page, d *evalData, status string, st styles) error {
	rk := d.R
	sheet := page.T("evaluation.team_sheet")
	if _, err := x.NewSheet(sheet); err != nil {
		return err
	}
	cell := func(col, row int) string { name, _ := excelize.CoordinatesToCellName(col, row); return name }
	_ = x.SetCellValue(sheet, "A1", fmt.Sprintf("%s %s", rk.RegionName, page.T("evaluation.team_title", rk.Label)))
	_ = x.SetCellStyle(sheet, "A1", "A1", st.title)
	_ = x.SetCellValue(sheet, "A2", status)
	header := 4
	var roles []string // the roles anyone held, in 考评's order
	for _, role := range cases.TeamRoles {
		for _, tw := range rk.Team {
			if slices.ContainsFunc(tw.Roles, func(rc evaluation.RoleCases) bool { return rc.Role == role }) {
				roles = append(roles, role)
				break
			}
		}
	}
	heads := []string{page.T("evaluation.team_person"), page.T("evaluation.team_pool")}
	for _, role := range roles {
		heads = append(heads, page.T("evaluation.team_role_col", page.T("team.role."+role)))
	}
	heads = append(heads, page.T("evaluation.team_cases"), page.T("evaluation.team_ended"), page.T("figure.on_time_rate.name"), page.T("figure.resolve_rate.name"))
	for i, h := range heads {
		_ = x.SetCellValue(sheet, cell(i+1, header), h)
	}
	_ = x.SetCellStyle(sheet, cell(1, header), cell(len(heads), header), st.bold)
	for ri, tw := range rk.Team {
		row := header + 1 + ri
		_ = x.SetCellValue(sheet, cell(1, row), tw.Name)
		if tw.AccountID == 0 {
			_ = x.SetCellValue(sheet, cell(2, row), page.T("evaluation.team_pool"))
		}
		for i, role := range roles {
			var n int64
			for _, rc := range tw.Roles {
				if rc.Role == role {
					n = rc.Cases.Num
				}
			}
			_ = x.SetCellValue(sheet, cell(3+i, row), n)
		}
		col := 3 + len(roles)
		_ = x.SetCellValue(sheet, cell(col, row), tw.Cases.Num)
		_ = x.SetCellValue(sheet, cell(col+1, row), tw.Ended.Num)
		for i, v := range []report.Value{tw.OnTime, tw.Resolved} {
			c := cell(col+2+i, row)
			if v.Empty {
				_ = x.SetCellValue(sheet, c, page.T("evaluation.no_data"))
				continue
			}
			_ = x.SetCellValue(sheet, c, v.Value)
			_ = x.SetCellStyle(sheet, c, c, st.pct)
		}
	}
	notes := header + len(rk.Team) + 2
	if len(rk.Team) == 0 {
		_ = x.SetCellValue(sheet, cell(1, header+1), page.T("evaluation.team_none"))
		notes++
	}
	_ = x.SetCellValue(sheet, cell(1, notes), page.T("evaluation.team_note"))
	_ = x.SetColWidth(sheet, "A", "A", 16)
	_ = x.SetColWidth(sheet, "B", cellCol(len(heads)), 12)
	_ = x.SetRowHeight(sheet, header, 32)
	_ = x.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: header, TopLeftCell: cell(2, header+1), ActivePane: "bottomRight"})
	return x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape")}) // 9: A4
}
