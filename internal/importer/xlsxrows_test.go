package importer

import (
	"archive/zip"
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/importer/ledgertest"
)

// zipOf is a zip of the files given.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll reads every sheet of a source whole.
func readAll(t *testing.T, src sheetSource) []Sheet {
	t.Helper()
	var out []Sheet
	for {
		sr, err := src()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		sh := Sheet{Name: sr.name}
		for {
			row, err := sr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			sh.Rows = append(sh.Rows, row)
		}
		if err := sr.close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, sh)
	}
}

// oddWorkbook has what a workbook saved by Excel may hold and the streamed ledgers do
// not: shared strings (some rich text, with a phonetic reading), rows and cells left
// out, entities, line breaks, a formula, numbers, a boolean, three sheets.
func oddWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("Sheet1", "A1", "台账 <标题> & \"说明\"")
	set("Sheet1", "C3", 45721)
	set("Sheet1", "A3", "a'b")
	set("Sheet1", "B3", "第一行\r\n第二行")
	set("Sheet1", "E7", 6.22922198001011e+17)
	set("Sheet1", "F7", true)
	set("Sheet1", "A8", "  前后空格  ")
	set("Sheet1", "B8", "台账 <标题> & \"说明\"") // the same shared string again
	if err := f.SetCellFormula("Sheet1", "D8", "C3+1"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellRichText("Sheet1", "C9", []excelize.RichTextRun{{Text: "加粗", Font: &excelize.Font{Bold: true}}, {Text: "和普通"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("空表"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("说明"); err != nil {
		t.Fatal(err)
	}
	set("说明", "AB2", "远处的格")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The scanner reads every sheet's rows as excelize's row iterator does, cell for
// cell.
func TestWorkbookScannerReadsAsExcelize(t *testing.T) {
	var big bytes.Buffer
	if err := ledgertest.Big(&big, 3000); err != nil {
		t.Fatal(err)
	}
	messy, err := ledgertest.MessyXLSX()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"odd": oddWorkbook(t), "big": big.Bytes(), "messy": messy} {
		t.Run(name, func(t *testing.T) {
			fast, err := workbookSheets(data)
			if err != nil {
				t.Fatal(err)
			}
			slow, closeBook, err := xlsxSheets(data)
			if err != nil {
				t.Fatal(err)
			}
			defer closeBook()
			got, want := readAll(t, fast), readAll(t, slow)
			if len(got) != len(want) {
				t.Fatalf("%d sheets, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].Name != want[i].Name || len(got[i].Rows) != len(want[i].Rows) {
					t.Fatalf("sheet %d: %q with %d rows, want %q with %d", i, got[i].Name, len(got[i].Rows), want[i].Name, len(want[i].Rows))
				}
				for r := range want[i].Rows {
					g, w := got[i].Rows[r], want[i].Rows[r]
					if len(g) == 0 && len(w) == 0 {
						continue
					}
					if !reflect.DeepEqual(g, w) {
						t.Errorf("sheet %q row %d: %q, want %q", want[i].Name, r+1, g, w)
					}
				}
			}
		})
	}
}

// A workbook without the parts the scanner reads is read through excelize.
func TestWorkbookScannerDefersToExcelize(t *testing.T) {
	if _, err := workbookSheets(zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>"})); err != errNotPlain {
		t.Fatalf("a workbook without xl/workbook.xml: %v, want errNotPlain", err)
	}
}

func FuzzSheetScanner(f *testing.F) {
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x&amp;y</t></is></c></row><row r="4"><c r="B4"><v>1.5</v></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<?xml version="1.0"?><!-- a > comment --><sheetData><row><c><v>1</v></c><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c></row></sheetData>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := &sheetScanner{x: newXMLScanner(bytes.NewReader(data)), sst: []string{"共享"}}
		for n := 0; ; n++ {
			row, err := sc.next()
			if err != nil {
				return
			}
			if n > 1048576 {
				t.Fatalf("more rows than a sheet holds")
			}
			for i, c := range row {
				if i == len(row)-1 && c == "" {
					t.Fatalf("row %d ends in an empty cell: %q", n+1, row)
				}
			}
		}
	})
}

// The table of strings is found where the workbook's relationships say, whatever its
// name.
func TestWorkbookScannerFindsStringsByRelationship(t *testing.T) {
	zr, err := zip.NewReader(bytes.NewReader(oddWorkbook(t)), int64(len(oddWorkbook(t))))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		name := f.Name
		if name == "xl/sharedStrings.xml" {
			name = "xl/strings2.xml"
		}
		files[name] = strings.ReplaceAll(string(b), `Target="/xl/sharedStrings.xml"`, `Target="strings2.xml"`)
	}
	src, err := workbookSheets(zipOf(t, files))
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, src)
	if len(got) == 0 || len(got[0].Rows) < 3 || got[0].Rows[2][0] != "a'b" {
		t.Fatalf("sheet read without its strings: %q", got)
	}
}
