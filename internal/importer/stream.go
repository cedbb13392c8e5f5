package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/onedoor/onedoor/internal/model"
)

// A ledger of a million rows does not fit in memory as sheets of cells and records
// of cases (some 4 GB), nor need it: Scan reads the file a row at a time and hands
// each record on as soon as its continuation rows are read, keeping only what a
// report needs. Read is Scan over sheets already in memory.

// sheetRows yields a sheet's rows in order, io.EOF after the last; Rows[i] of a
// sheet read whole is its (i+1)th call's.
type sheetRows struct {
	name  string
	next  func() ([]string, error)
	close func() error
}

// sheetSource yields a file's sheets in order, io.EOF after the last.
type sheetSource func() (sheetRows, error)

// memorySheets is the sheetSource of sheets read whole.
func memorySheets(sheets []Sheet) sheetSource {
	si := 0
	return func() (sheetRows, error) {
		if si == len(sheets) {
			return sheetRows{}, io.EOF
		}
		sh := sheets[si]
		si++
		ri := 0
		return sheetRows{name: sh.Name, close: func() error { return nil }, next: func() ([]string, error) {
			if ri == len(sh.Rows) {
				return nil, io.EOF
			}
			ri++
			return sh.Rows[ri-1], nil
		}}, nil
	}
}

// xlsxSheets is the sheetSource of a workbook, each sheet read through excelize's
// row iterator (its XML streamed, never all of its cells at once), cells as
// ReadXLSX reads them. closeBook closes the workbook, and its temporary files.
func xlsxSheets(data []byte) (src sheetSource, closeBook func() error, err error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	names := f.GetSheetList()
	si := 0
	return func() (sheetRows, error) {
		if si == len(names) {
			return sheetRows{}, io.EOF
		}
		name := names[si]
		si++
		rows, err := f.Rows(name)
		if err != nil {
			return sheetRows{}, err
		}
		return sheetRows{name: name, close: rows.Close, next: func() ([]string, error) {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, err
				}
				return nil, io.EOF
			}
			return rows.Columns(excelize.Options{RawCellValue: true})
		}}, nil
	}, f.Close, nil
}

// csvSheets is the sheetSource of a CSV file, its one sheet read record by record
// (ReadCSV's reading, GBK or UTF-8, commas or tabs).
func csvSheets(data []byte) (sheetSource, error) {
	text, err := DecodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if first, _, _ := strings.Cut(text, "\n"); strings.Count(first, "\t") > strings.Count(first, ",") {
		r.Comma = '\t'
	}
	done := false
	return func() (sheetRows, error) {
		if done {
			return sheetRows{}, io.EOF
		}
		done = true
		return sheetRows{name: "CSV", close: func() error { return nil }, next: func() ([]string, error) {
			rec, err := r.Read()
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("%w: %v", ErrFormat, err)
			}
			return rec, err
		}}, nil
	}, nil
}

// fileSheets is the sheetSource of a ledger file's bytes, told apart as ReadFile
// tells them.
func fileSheets(data []byte) (sheetSource, func() error, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		src, err := workbookSheets(data)
		if errors.Is(err, errNotPlain) {
			return xlsxSheets(data)
		}
		return src, func() error { return nil }, err
	}
	src, err := csvSheets(data)
	return src, func() error { return nil }, err
}

// ReadHead reads the first rows of every sheet of a ledger file (as many as the
// header is looked for in): enough to find its header and make a source's mapping,
// without reading the whole file. A file that is neither xlsx nor CSV is ErrFormat.
func ReadHead(data []byte) ([]Sheet, error) {
	src, closeBook, err := fileSheets(data)
	if err != nil {
		return nil, err
	}
	defer closeBook()
	var out []Sheet
	for {
		sr, err := src()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		sh := Sheet{Name: sr.name}
		for len(sh.Rows) < headerScanRows {
			row, err := sr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				sr.close()
				return nil, err
			}
			sh.Rows = append(sh.Rows, row)
		}
		if err := sr.close(); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
}

// Scan reads the ledger in a file's bytes (xlsx or CSV, as ReadFile tells them)
// through m, as Read reads it, a row at a time: visit gets each record, in the
// file's order, once the continuation rows that add its parties are read (the
// record is Scan's again once visit returns; an error from visit stops the scan and
// is returned). The ledger returned holds the records with issues, or every record
// when keep is set, and the rest of what a report needs.
func Scan(data []byte, m Mapping, d Dictionary, keep bool, visit func(*Record) error) (*Ledger, error) {
	src, closeBook, err := fileSheets(data)
	if err != nil {
		return nil, err
	}
	defer closeBook()
	return scan(src, m, d, keep, visit)
}

// scan finds the header (FindHeader's: the first sheet with a header row in its first
// rows) and reads that sheet's rows below it.
func scan(src sheetSource, m Mapping, d Dictionary, keep bool, visit func(*Record) error) (*Ledger, error) {
	for {
		sr, err := src()
		if err == io.EOF {
			return nil, ErrNoHeader
		}
		if err != nil {
			return nil, err
		}
		var head [][]string
		found := -1
		for len(head) < headerScanRows {
			row, err := sr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				sr.close()
				return nil, err
			}
			head = append(head, row)
			if isHeader(row, m) {
				found = len(head) - 1
				break
			}
		}
		if found < 0 {
			if err := sr.close(); err != nil {
				return nil, err
			}
			continue
		}
		lr := newLedgerReader(sr.name, found, head[found], m, d, keep, visit)
		err = lr.readRest(sr)
		if cerr := sr.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		return lr.l, nil
	}
}

// isHeader reports whether a row reads like a ledger's header: at least three cells
// that are known headers (commonly used, or named by the mapping).
func isHeader(row []string, m Mapping) bool {
	known := 0
	for _, c := range row {
		if m.knownHeader(c) {
			known++
		}
	}
	return known >= 3
}

// ledgerReader turns the rows below a header into records.
type ledgerReader struct {
	l     *Ledger
	n     *normaliser
	cols  []column
	seen  map[string]int // the first row of each key, for duplicates
	last  *Record        // the record whose continuation rows may still come
	rowNo int            // the sheet's number of the row last read
	keep  bool
	visit func(*Record) error
}

func newLedgerReader(sheet string, headerIndex int, header []string, m Mapping, d Dictionary, keep bool, visit func(*Record) error) *ledgerReader {
	l := &Ledger{Sheet: sheet, HeaderRow: headerIndex + 1, Headers: header, Unknown: map[Field]map[string]int{}}
	lr := &ledgerReader{l: l, n: newNormaliser(m, d, l), seen: map[string]int{}, rowNo: headerIndex + 1, keep: keep, visit: visit}
	for i, h := range header {
		if f := m.Column(h); f != FieldNone && f.Valid() {
			lr.cols = append(lr.cols, column{index: i, header: h, field: f, unitWan: unitWan(h)})
		}
	}
	return lr
}

// readRest reads the sheet's rows after the header to its end. The rows are read
// from the file (inflated and their XML scanned) by a goroutine of their own, a
// chunk ahead of their reading through the mapping: the two take about as long, and
// a ledger of a million rows is read at once by a dry run before its import.
func (lr *ledgerReader) readRest(sr sheetRows) error {
	chunks, stop := readAhead(sr)
	defer stop()
	for c := range chunks {
		for _, row := range c.rows {
			lr.rowNo++
			if err := lr.row(row, lr.rowNo); err != nil {
				return err
			}
		}
		switch {
		case c.err == io.EOF:
			return lr.flush()
		case c.err != nil:
			return c.err
		}
	}
	return nil // not reached: the last chunk carries io.EOF or the error
}

// rowChunk is rows read ahead, in order, and the error that ended them (io.EOF
// after the sheet's last row), if any.
type rowChunk struct {
	rows [][]string
	err  error
}

// Read-ahead: rows to a chunk, and chunks read before they are asked for.
const (
	chunkRows   = 256
	chunksAhead = 8
)

// readAhead reads sr's rows on a goroutine of its own, in chunks, the last of which
// carries the error that ended them (io.EOF at the sheet's end). stop, which the
// reader calls once it wants no more, waits for the goroutine to end, so that the
// sheet may be closed after it. Each row is a slice of its own (every sheetRows
// yields a new one per call).
func readAhead(sr sheetRows) (chunks <-chan rowChunk, stop func()) {
	out := make(chan rowChunk, chunksAhead)
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		defer close(out)
		for {
			c := rowChunk{rows: make([][]string, 0, chunkRows)}
			for len(c.rows) < chunkRows && c.err == nil {
				row, err := sr.next()
				if err != nil {
					c.err = err
					break
				}
				c.rows = append(c.rows, row)
			}
			select {
			case out <- c:
			case <-done:
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	return out, func() {
		close(done)
		<-ended
	}
}

// flush hands on the record read last, its continuation rows all read.
func (lr *ledgerReader) flush() error {
	r := lr.last
	if r == nil {
		return nil
	}
	lr.last = nil
	lr.l.Cases++
	if r.OK() {
		lr.l.good++
	}
	if lr.keep || !r.OK() {
		kept := *r
		if !lr.keep {
			kept.Case = model.Case{} // a refused record's report needs its rows and issues only
		}
		lr.l.Records = append(lr.l.Records, kept)
	}
	if lr.visit != nil {
		return lr.visit(r)
	}
	return nil
}

// row reads one row below the header: a case, a further party of the case above, a
// row of totals or an empty row.
func (lr *ledgerReader) row(row []string, rowNo int) error {
	l := lr.l
	if isEmptyRow(row) {
		return nil
	}
	l.Rows++
	if isTotalRow(row) {
		l.Skipped = append(l.Skipped, Issue{Row: rowNo, Code: CodeTotalRow, Skipped: true, Value: firstCell(row)})
		return nil
	}
	cells := map[Field]cell{}
	for _, c := range lr.cols {
		v := ""
		if c.index < len(row) {
			v = strings.TrimSpace(row[c.index])
		}
		if v == "" {
			continue
		}
		if _, dup := cells[c.field]; dup {
			// Two columns of one field (申请人, 被申请人 both mapped to a party
			// name): the second is read as the next party; see addParties.
			cells[c.field+"#2"] = cell{v, c}
			continue
		}
		cells[c.field] = cell{v, c}
	}
	if isContinuation(cells) {
		if lr.last == nil {
			l.Skipped = append(l.Skipped, Issue{Row: rowNo, Code: CodeOrphanRow, Skipped: true, Value: firstCell(row)})
			return nil
		}
		lr.n.addParties(lr.last, rowNo, cells, true)
		lr.last.LastRow = rowNo
		return nil
	}
	if err := lr.flush(); err != nil {
		return err
	}
	rec := lr.n.record(rowNo, cells)
	if prev, dup := lr.seen[rec.Key]; dup {
		rec.Issues = append(rec.Issues, Issue{Row: rowNo, Field: FieldRowID, Value: rec.Key, Code: CodeDuplicateRowID, Ref: prev})
	} else {
		lr.seen[rec.Key] = rowNo
	}
	lr.last = &rec
	return nil
}
