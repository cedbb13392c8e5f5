package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/report"
)

// statsWorkbook is the xlsx behind both statistics workbooks (the report builder's
// and 月报): the same styles, the same way of putting a figure's number and the same
// titled, frozen table, so that the two downloads read alike.
type statsWorkbook struct {
	x                     *excelize.File
	bold, title, pct, one int
}

// newStatsWorkbook opens a workbook whose first sheet is named first.
func newStatsWorkbook(first string) (*statsWorkbook, error) {
	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", first); err != nil {
		x.Close()
		return nil, err
	}
	b := &statsWorkbook{x: x}
	b.bold, _ = x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	b.title, _ = x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	b.pct, _ = x.NewStyle(&excelize.Style{CustomNumFmt: ptr(`0.0"%"`)})
	b.one, _ = x.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0")})
	return b, nil
}

// xlsxCell is the A1 name of a 1-based column and row.
func xlsxCell(col, row int) string { name, _ := excelize.CoordinatesToCellName(col, row); return name }

func (b *statsWorkbook) set(sheet string, col, row int, v any) {
	_ = b.x.SetCellValue(sheet, xlsxCell(col, row), v)
}

// boldRange puts the cells from (col1,row1) to (col2,row2) in bold.
func (b *statsWorkbook) boldRange(sheet string, col1, row1, col2, row2 int) {
	_ = b.x.SetCellStyle(sheet, xlsxCell(col1, row1), xlsxCell(col2, row2), b.bold)
}

// value puts a figure's number: a rate or duration as its value (blank when there
// is nothing to measure), a count as its count.
func (b *statsWorkbook) value(sheet string, col, row int, v report.Value) {
	f, _ := report.ByID(v.Figure)
	switch {
	case v.Empty:
	case f.Kind == report.Rate:
		b.set(sheet, col, row, v.Value)
		_ = b.x.SetCellStyle(sheet, xlsxCell(col, row), xlsxCell(col, row), b.pct)
	case f.Kind == report.Days:
		b.set(sheet, col, row, v.Value)
		_ = b.x.SetCellStyle(sheet, xlsxCell(col, row), xlsxCell(col, row), b.one)
	default:
		b.set(sheet, col, row, v.Num)
	}
}

// statsTableHeader is the row the table's column names stand on, under the title
// (row 1) and the range (row 2).
const statsTableHeader = 4

// table writes a titled figure table on sheet: the title, the range line, the header
// (rowHead, then cols) in bold, a row per name with its row's values, and the bold label
// total on the row after. It answers that total row; its figures are the caller's.
func (b *statsWorkbook) table(sheet, title, rangeLine, rowHead string, cols []statColumn, names []string, rows []report.Row, total string) int {
	b.set(sheet, 1, 1, title)
	_ = b.x.SetCellStyle(sheet, "A1", "A1", b.title)
	b.set(sheet, 1, 2, rangeLine)
	b.set(sheet, 1, statsTableHeader, rowHead)
	for i, c := range cols {
		b.set(sheet, i+2, statsTableHeader, c.Name)
	}
	b.boldRange(sheet, 1, statsTableHeader, len(cols)+1, statsTableHeader)
	row := statsTableHeader + 1
	for i, name := range names {
		b.set(sheet, 1, row, name)
		for j, v := range rows[i].Values {
			b.value(sheet, j+2, row, v)
		}
		row++
	}
	b.set(sheet, 1, row, total)
	b.boldRange(sheet, 1, row, 1, row)
	return row
}

// sumAbove puts in (col,row) the sum of the table's rows above it — a count's total,
// as a formula so that the sheet stays right when a clerk edits a row.
func (b *statsWorkbook) sumAbove(sheet string, col, row int) {
	_ = b.x.SetCellFormula(sheet, xlsxCell(col, row), fmt.Sprintf("SUM(%s:%s)", xlsxCell(col, statsTableHeader+1), xlsxCell(col, row-1)))
}

// frameTable sizes the table's columns (the names' and the figures'), freezes its
// header and name column, and prints it on A4 landscape.
func (b *statsWorkbook) frameTable(sheet string, cols int, nameWidth, figureWidth float64) {
	_ = b.x.SetColWidth(sheet, "A", "A", nameWidth)
	_ = b.x.SetColWidth(sheet, "B", cellCol(cols+1), figureWidth)
	_ = b.x.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: statsTableHeader, TopLeftCell: xlsxCell(2, statsTableHeader+1), ActivePane: "bottomRight"})
	_ = b.x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape")}) // 9: A4
}

// send answers the workbook as the download name.
func (b *statsWorkbook) send(w http.ResponseWriter, r *http.Request, u *UI, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	if err := b.x.Write(w); err != nil {
		u.renderError(w, r, err)
	}
}
