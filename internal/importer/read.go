package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// ErrFormat means the file is neither an xlsx workbook nor CSV text.
var ErrFormat = errors.New("importer: not an xlsx workbook or a CSV file")

// ReadFile reads a ledger file's sheets from its bytes: an xlsx workbook (told by its
// zip signature, whatever its name), else CSV in UTF-8 (with or without a BOM) or GBK
// (GB18030), told by whether the bytes are valid UTF-8.
func ReadFile(data []byte) ([]Sheet, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ReadXLSX(data)
	}
	return ReadCSV(data)
}

// ReadXLSX reads every sheet of a workbook, cells as stored: a date as its serial
// number, a number as Excel keeps it (so an ID number Excel made a number shows as
// 6.22922199001011E+17, and is refused), text as written.
func ReadXLSX(data []byte) ([]Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	defer f.Close()
	var out []Sheet
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		sh := Sheet{Name: name}
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, err
			}
			sh.Rows = append(sh.Rows, cols)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, nil
}

// ReadCSV reads a CSV file as one sheet. GBK is what Excel writes "CSV" in on a
// Chinese Windows; UTF-8 what anything else writes. A file of tabs is read as such.
func ReadCSV(data []byte) ([]Sheet, error) {
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
	var sh Sheet
	sh.Name = "CSV"
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		sh.Rows = append(sh.Rows, rec)
	}
	return []Sheet{sh}, nil
}

// DecodeText returns a text file's content as UTF-8: as it is when it is valid UTF-8
// (a BOM dropped), else decoded from GB18030, of which GBK is a part.
func DecodeText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		if bytes.IndexByte(data, 0) >= 0 {
			return "", ErrFormat
		}
		return string(data), nil
	}
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return string(out), nil
}
