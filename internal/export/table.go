// Package export writes a table — a header row, then rows of text, numbers and
// times — as an xlsx workbook or a CSV file, a row at a time, so a list of any length
// leaves the server without being held whole.
package export

import (
	"archive/zip"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/onedoor/onedoor/internal/model"
)

// The formats a table is written in.
const (
	XLSX = "xlsx"
	CSV  = "csv"
)

// The encodings of a CSV file: UTF-8 with a byte-order mark (which Excel needs to
// read Chinese), or GBK for Excel versions that read no UTF-8 at all.
const (
	UTF8 = "utf-8"
	GBK  = "gbk"
)

// cst is China Standard Time, the clock dates are written in.
var cst = time.FixedZone("CST", 8*3600)

// Table receives rows; Close finishes the file and writes what remains.
type Table interface {
	Row(cells []any) error
	Close() error
}

// Check names what is wrong with a format and encoding, as a field error.
func Check(format, encoding string) error {
	switch format {
	case XLSX:
		if encoding != "" {
			return model.Invalid("encoding", "invalid", "invalid.export.encoding")
		}
	case CSV:
		if encoding != "" && encoding != UTF8 && encoding != GBK {
			return model.Invalid("encoding", "invalid", "invalid.export.encoding")
		}
	default:
		return model.Invalid("format", "invalid", "invalid.export.format")
	}
	return nil
}

// New starts a table in format (and encoding, for CSV) with header as its first row.
// Cells may be string, int, int64, time.Time or *time.Time (nil is empty).
func New(w io.Writer, format, encoding, sheet string, header []string) (Table, error) {
	if err := Check(format, encoding); err != nil {
		return nil, err
	}
	if format == XLSX {
		return newXLSX(w, sheet, header)
	}
	return newCSV(w, encoding, header)
}

type csvTable struct {
	cw   *csv.Writer
	tail io.Closer // the GBK encoder, which may hold the last bytes of a character
	rec  []string
}

func newCSV(w io.Writer, encoding string, header []string) (*csvTable, error) {
	t := &csvTable{}
	if encoding == GBK {
		enc := transform.NewWriter(w, simplifiedchinese.GBK.NewEncoder())
		t.cw, t.tail = csv.NewWriter(enc), enc
	} else {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
		t.cw = csv.NewWriter(w)
	}
	return t, t.cw.Write(header)
}

func (t *csvTable) Row(cells []any) error {
	t.rec = t.rec[:0]
	for _, c := range cells {
		t.rec = append(t.rec, text(c))
	}
	return t.cw.Write(t.rec)
}

func (t *csvTable) Close() error {
	t.cw.Flush()
	if err := t.cw.Error(); err != nil {
		return err
	}
	if t.tail != nil {
		return t.tail.Close()
	}
	return nil
}

// text is a cell as CSV writes it: times in China's clock, to the minute.
func text(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case time.Time:
		return v.In(cst).Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.In(cst).Format("2006-01-02 15:04")
	}
	return fmt.Sprint(c)
}

type xlsxTable struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	sheet string
	cols  int
	row   int
	date  int // the style of a time cell
	buf   []any
}

func newXLSX(w io.Writer, sheet string, header []string) (*xlsxTable, error) {
	f := excelize.NewFile()
	// The workbook's zip is written straight to w. excelize's own WriteTo builds the
	// whole file in a buffer first (WriteToBuffer), which at 1M rows is tens of
	// megabytes held at the end of the export, and an empty buffer is what it then
	// copies to w. Deflate at its fastest: the sheet's XML is about 800 bytes a row,
	// and at 200,000 rows the default level took 3.2 CPU seconds to compress it against
	// 1.0 at the fastest, for a file a fifth smaller.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm")})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	// The header stays in view as the clerk scrolls a long 台账.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(1, len(header), 16); err != nil {
		return nil, err
	}
	t := &xlsxTable{w: w, f: f, sw: sw, sheet: sheet, cols: len(header), date: date}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return t, t.put(cells)
}

func ptr[T any](v T) *T { return &v }

func (t *xlsxTable) put(cells []any) error {
	t.row++
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, cells)
}

func (t *xlsxTable) Row(cells []any) error {
	t.buf = t.buf[:0]
	for _, c := range cells {
		switch v := c.(type) {
		case *time.Time:
			if v == nil {
				t.buf = append(t.buf, nil)
				continue
			}
			t.buf = append(t.buf, excelize.Cell{StyleID: t.date, Value: wall(*v)})
		case time.Time:
			t.buf = append(t.buf, excelize.Cell{StyleID: t.date, Value: wall(v)})
		default:
			t.buf = append(t.buf, c)
		}
	}
	return t.put(t.buf)
}

// wall is t's clock in China as a zone-less time: a workbook's dates have no zone,
// and a clerk reads them as the time on the wall.
func wall(t time.Time) time.Time {
	c := t.In(cst)
	return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, time.UTC)
}

func (t *xlsxTable) Close() error {
	defer t.f.Close()
	// The header's filter buttons (自动筛选) over every row written. Set before the
	// stream is flushed, it lands on the worksheet the stream writer holds and is
	// written after the rows; set after, excelize would read the whole streamed
	// sheet back to add it (167 MB of heap at 10,000 rows).
	last, err := excelize.CoordinatesToCellName(t.cols, max(t.row, 1))
	if err != nil {
		return err
	}
	if err := t.f.AutoFilter(t.sheet, "A1:"+last, nil); err != nil {
		return err
	}
	if err := t.sw.Flush(); err != nil {
		return err
	}
	_, err = t.f.WriteTo(t.w)
	return err
}
