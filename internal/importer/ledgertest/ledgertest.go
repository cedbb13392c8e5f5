// Package ledgertest makes the messy 台账 the import's tests read: written with
// excelize as offices fill them in, with a title, a 填报单位 line, dates written four
// ways, ID numbers with a small x, in full width and one Excel made a number, phones
// with spaces, a landline, a township without its 镇 and a misspelt one, the office's
// own names of categories, amounts in 万元 and in 元, a second party on a row of its
// own, a 合计 row and a sheet of instructions.
package ledgertest

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/onedoor/onedoor/internal/model"
)

// Headers of the messy ledger, as row 3 holds them.
var Headers = []string{"序号", "登记日期", "当事人", "身份证号", "联系电话", "乡镇", "村(社区)", "纠纷类型", "简要情况",
	"涉及金额（万元）", "办理状态", "调处结果", "办结日期"}

// IDWithX is a valid ID number whose check character is X, for writing with a small x.
func IDWithX() string {
	for seq := 0; ; seq++ {
		id := model.MakeIDNumber("622922", time.Date(1978, 6, 1, 0, 0, 0, 0, time.UTC), seq)
		if strings.HasSuffix(id, "X") {
			return id
		}
	}
}

// ID is a valid ID number of 康乐县 for seq.
func ID(seq int) string {
	return model.MakeIDNumber("622922", time.Date(1980+seq%20, time.Month(1+seq%12), 1+seq%28, 0, 0, 0, 0, time.UTC), seq)
}

// fullWidth writes s's digits in full width, as a Chinese input method types them.
func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = r - '0' + '０'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Row is a ledger row: the values in Headers' order; a float64 is written as a number
// cell (a date serial, or an ID number Excel turned into a number).
type Row []any

// MessyRows are the ledger's rows after the header, and what each must come to
// (see the importer and store tests, which hold them row by row). The sheet row of
// MessyRows[i] is i+4.
func MessyRows() []Row {
	return []Row{
		// row 4: an Excel date, a small x, a phone with spaces, 苏集 for 苏集镇, the
		// office's 土地纠纷, 1.2 万元, closed with an outcome.
		{"1", 45721.0, "张建国", strings.ToLower(IDWithX()), "138 1234 5678", "苏集", "苏集村", "土地纠纷",
			"张建国与邻居因承包地界址发生争执，多次协商未果。", "1.2", "已办结", "调解成功", "2025年3月20日"},
		// row 5: the case above's second party: full-width digits, a landline.
		{"", "", "李秀兰", fullWidth(ID(1)), "0930-5512345", "", "", "", "", "", "", "", ""},
		// row 6: an ID number Excel made a number: refused.
		{"2", "2025年3月5日", "王志强", 6.22922198001011e+17, "13912345678", "附城镇", "", "劳资纠纷",
			"王志强称在工地务工被拖欠工资。", "", "办理中", "", ""},
		// row 7: 2025.3.5, a dashed phone, 劳资纠纷, "12000元".
		{"3", "2025.3.5", "赵海燕", ID(3), "139-0931-2345", "附城镇", "", "劳资纠纷",
			"赵海燕等三人反映砖厂拖欠工资一万二千元。", "12000元", "办理中", "", ""},
		// row 8: 2025/03/05 and a misspelt township (付城 for 附城): asked, not matched.
		{"4", "2025/03/05", "孙文博", ID(4), "13712345678", "付城", "", "婚姻家庭",
			"孙文博反映家庭矛盾。", "", "已办结", "调解成功", "2025/04/01"},
		// row 9: a category nobody mapped.
		{"5", "2025-03-06", "周丽娟", ID(5), "13612345678", "景古", "", "宅基地打架",
			"周丽娟与邻居因宅基地发生争执。", "", "已办结", "", ""},
		// row 10: the totals.
		{"合计", "", "", "", "", "", "", "", "", "1.2", "", "", ""},
	}
}

// Instructions is the second sheet's text, which the import passes over.
var Instructions = [][]string{{"填表说明"}, {"1. 序号按登记先后填写。"}, {"2. 登记日期、办结日期格式为年月日。"}, {"3. 涉及金额单位为万元。"}}

// MessyXLSX writes the messy ledger as an xlsx workbook.
func MessyXLSX() ([]byte, error) {
	return XLSX(MessyRows())
}

// XLSX writes rows under the messy ledger's title, 填报单位 line and header.
func XLSX(rows []Row) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "矛盾纠纷排查化解台账"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", []any{"康乐县矛盾纠纷排查化解工作台账（2025年）"}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A2", []any{"填报单位：康乐县综治中心（盖章）", "", "", "", "", "", "", "", "填报日期：2025年12月1日"}); err != nil {
		return nil, err
	}
	hdr := make([]any, len(Headers))
	for i, h := range Headers {
		hdr[i] = h
	}
	if err := sw.SetRow("A3", hdr); err != nil {
		return nil, err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := sw.SetRow(cell, []any(r)); err != nil {
			return nil, err
		}
	}
	if err := sw.MergeCell("A1", "M1"); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("填表说明"); err != nil {
		return nil, err
	}
	for i, r := range Instructions {
		if err := f.SetCellValue("填表说明", fmt.Sprintf("A%d", i+1), r[0]); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MessyCSV writes the messy ledger as CSV, in GBK when gbk (as Excel saves CSV on a
// Chinese Windows), else in UTF-8 with a BOM. Dates Excel kept as numbers are written
// as Excel's CSV writes them (2025/3/5), the number-ID as 6.22922E+17.
func MessyCSV(gbk bool) ([]byte, error) {
	var b strings.Builder
	b.WriteString("康乐县矛盾纠纷排查化解工作台账（2025年）,,,,,,,,,,,,\n")
	b.WriteString("填报单位：康乐县综治中心,,,,,,,,填报日期：2025年12月1日,,,,\n")
	b.WriteString(strings.Join(Headers, ",") + "\n")
	for _, r := range MessyRows() {
		cells := make([]string, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case float64:
				if i == 1 {
					cells[i] = "2025/3/5"
				} else {
					cells[i] = "6.22922E+17"
				}
			default:
				cells[i] = fmt.Sprint(x)
			}
			if strings.ContainsAny(cells[i], ",\"") {
				cells[i] = `"` + strings.ReplaceAll(cells[i], `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(cells, ",") + "\r\n")
	}
	if !gbk {
		return append([]byte("\xef\xbb\xbf"), b.String()...), nil
	}
	return simplifiedchinese.GBK.NewEncoder().Bytes([]byte(b.String()))
}

// BigValues are the words of Big's ledger that its source's mapping must name: the
// office's names of categories, field by field (importer.Mapping.SetValue's).
var BigValues = []BigValue{{"category", "dispute.land", "土地纠纷"}, {"category", "dispute.labour", "劳资纠纷"}}

// BigValue is one office word of a field and the code it maps to.
type BigValue struct{ Field, Code, Office string }

// Big writes a clean ledger of n rows to w, as a county's years of 台账 look: the
// messy ledger's header, dates over three years written the four ways, the demo
// county's townships (some without 镇) and villages, the office's category names,
// amounts in 元 and 万元, closed and open matters. For the import's benchmark.
func Big(w io.Writer, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "台账"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"康乐县矛盾纠纷排查化解工作台账"}); err != nil {
		return err
	}
	hdr := make([]any, len(Headers))
	for i, h := range Headers {
		hdr[i] = h
	}
	if err := sw.SetRow("A2", hdr); err != nil {
		return err
	}
	towns := [][2]string{{"附城", "高林湾村"}, {"苏集镇", "苏集村"}, {"景古", "安龙村"}, {"附城镇", "高丰村"}, {"苏集", "古洞沟村"}}
	cats := []string{"土地纠纷", "劳资纠纷", "婚姻家庭", "邻里", "房屋宅基地", "损害赔偿"}
	names := []string{"张建国", "王秀兰", "李志强", "赵海燕", "马文博", "杨丽娟", "周国栋", "何晓梅"}
	row := make([]any, len(Headers))
	for i := 0; i < n; i++ {
		d := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1000)
		var date any
		switch i % 4 {
		case 0:
			date = float64(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
		case 1:
			date = fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
		case 2:
			date = fmt.Sprintf("%d.%d.%d", d.Year(), d.Month(), d.Day())
		default:
			date = d.Format("2006/01/02")
		}
		t := towns[i%len(towns)]
		name := names[i%len(names)]
		state, outcome, resolved := "已办结", "调解成功", d.AddDate(0, 0, 10).Format("2006-01-02")
		if i%10 == 0 {
			state, outcome, resolved = "办理中", "", ""
		}
		amount := ""
		switch i % 3 {
		case 0:
			amount = fmt.Sprintf("%d元", 1000+i%50000)
		case 1:
			amount = fmt.Sprintf("%.1f", float64(i%90)/10+0.1)
		}
		row[0], row[1], row[2], row[3], row[4] = strconv.Itoa(i+1), date, name, ID(i), fmt.Sprintf("138 %04d %04d", i/10000%10000, i%10000)
		row[5], row[6], row[7] = t[0], t[1], cats[i%len(cats)]
		row[8] = fmt.Sprintf("%s反映与%s因%s发生纠纷，经%s调解，第%d号。", name, names[(i+3)%len(names)], cats[i%len(cats)], t[0], i+1)
		row[9], row[10], row[11], row[12] = amount, state, outcome, resolved
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
