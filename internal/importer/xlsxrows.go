package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Reading a worksheet through excelize costs some 60 µs a row of a ledger (its
// row iterator unmarshals every cell's XML by reflection, and opening a workbook
// inflates every part of it to memory or to a temporary file first): a minute of a
// core for a million rows, read twice (the dry run, then the import). The sheets'
// cells are simple enough to scan for directly, which costs a few µs a row; what
// the scanner does not recognise (a workbook without the usual parts, Strict OOXML)
// is read through excelize as before.

// errNotPlain means a workbook does not have the parts the scanner reads, and is
// read through excelize instead.
var errNotPlain = errors.New("importer: workbook read through excelize")

// workbookSheets is the sheetSource of a workbook read straight from its zip: its
// sheets in the workbook's order, each sheet's XML inflated as it is scanned.
func workbookSheets(data []byte) (sheetSource, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := unmarshalPart(parts, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := unmarshalPart(parts, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	sstPart := "xl/sharedStrings.xml"
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sstPart = t
		}
	}
	sheetParts := make([]*zip.File, len(wb.Sheets))
	for i, s := range wb.Sheets {
		if sheetParts[i] = parts[targets[s.RID]]; sheetParts[i] == nil || s.RID == "" {
			return nil, errNotPlain
		}
	}
	if len(sheetParts) == 0 {
		return nil, errNotPlain
	}
	var sst []string
	if f := parts[sstPart]; f != nil {
		if sst, err = readSharedStrings(f); err != nil {
			return nil, err
		}
	}
	si := 0
	return func() (sheetRows, error) {
		if si == len(sheetParts) {
			return sheetRows{}, io.EOF
		}
		name, part := wb.Sheets[si].Name, sheetParts[si]
		si++
		rc, err := part.Open()
		if err != nil {
			return sheetRows{}, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		sc := &sheetScanner{x: newXMLScanner(rc), sst: sst}
		return sheetRows{name: name, next: sc.next, close: rc.Close}, nil
	}, nil
}

// unmarshalPart decodes a small part of the workbook; a missing one is errNotPlain.
func unmarshalPart(parts map[string]*zip.File, name string, v any) error {
	f := parts[name]
	if f == nil {
		return errNotPlain
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return nil
}

// readSharedStrings reads the workbook's table of strings: each <si>'s text, its
// runs' <t> joined, its phonetic reading (<rPh>) left out, as excelize reads it.
func readSharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	defer rc.Close()
	x := newXMLScanner(rc)
	var out []string
	var b strings.Builder
	inSI, inT, inPh := false, false, 0
	for {
		tok, err := x.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case tok.text != nil:
			if inSI && inT && inPh == 0 {
				b.Write(tok.text)
			}
		case tok.name == "si":
			if tok.end {
				out = append(out, unescapeXML(b.String()))
				inSI = false
			} else if tok.selfClosing {
				out = append(out, "")
			} else {
				inSI = true
				b.Reset()
			}
		case tok.name == "t":
			inT = !tok.end && !tok.selfClosing
		case tok.name == "rPh":
			if tok.end {
				inPh--
			} else if !tok.selfClosing {
				inPh++
			}
		}
	}
}

// sheetScanner yields a worksheet's rows as excelize's row iterator does: a row for
// every row number up to the last (an empty one for each the sheet leaves out), each
// a cell for every column up to its last non-empty cell, raw values (a shared string
// or an inline one as its text, anything else as stored).
type sheetScanner struct {
	x       *xmlScanner
	sst     []string
	row     int      // the row last yielded
	pending []string // a row read ahead of a gap, and its number
	pendRow int
	done    bool
}

func (s *sheetScanner) next() ([]string, error) {
	if s.pendRow > 0 { // a row read beyond a gap, which empty rows fill first
		s.row++
		if s.row < s.pendRow {
			return nil, nil
		}
		row := s.pending
		s.pending, s.pendRow = nil, 0
		return row, nil
	}
	if s.done {
		return nil, io.EOF
	}
	num, cells, err := s.readRow()
	if err == io.EOF {
		s.done = true
		return nil, io.EOF
	}
	if err != nil {
		return nil, err
	}
	if num == 0 {
		num = s.row + 1
	}
	if num <= s.row {
		return nil, fmt.Errorf("%w: row %d after row %d", ErrFormat, num, s.row)
	}
	s.row++
	if num > s.row {
		s.pending, s.pendRow = cells, num
		return nil, nil
	}
	return cells, nil
}

// readRow reads the next <row> of the sheet: its number (0 when it has none) and its
// cells. io.EOF when the sheet's data ends.
func (s *sheetScanner) readRow() (int, []string, error) {
	for {
		tok, err := s.x.next()
		if err != nil {
			if err == io.EOF {
				return 0, nil, io.EOF
			}
			return 0, nil, err
		}
		if tok.end && tok.name == "sheetData" {
			return 0, nil, io.EOF
		}
		if tok.name != "row" || tok.end {
			continue
		}
		num := 0
		if r, ok := attr(tok.attrs, "r"); ok {
			if num, err = strconv.Atoi(r); err != nil || num < 1 || num > 1048576 {
				return 0, nil, fmt.Errorf("%w: row number %q", ErrFormat, r)
			}
		}
		if tok.selfClosing {
			return num, nil, nil
		}
		cells, err := s.readCells()
		return num, cells, err
	}
}

// readCells reads a row's cells, to its </row>.
func (s *sheetScanner) readCells() ([]string, error) {
	var cells []string
	col := 0
	var typ string
	var v, is strings.Builder
	in := "" // the element whose text is kept: v, or t of an inline string
	inIS, inPh, formula := false, 0, false
	for {
		tok, err := s.x.next()
		if err == io.EOF {
			return nil, fmt.Errorf("%w: a row is not closed", ErrFormat)
		}
		if err != nil {
			return nil, err
		}
		if tok.text != nil {
			switch {
			case in == "v":
				v.Write(tok.text)
			case in == "t" && inIS && inPh == 0:
				is.Write(tok.text)
			}
			continue
		}
		switch tok.name {
		case "row":
			if tok.end {
				return cells, nil
			}
		case "c":
			if tok.end {
				cells, err = s.cell(cells, col, typ, v.String(), is.String(), formula)
				if err != nil {
					return nil, err
				}
				continue
			}
			col++
			if r, ok := attr(tok.attrs, "r"); ok {
				if col, err = columnOf(r); err != nil {
					return nil, err
				}
			}
			typ, _ = attr(tok.attrs, "t")
			v.Reset()
			is.Reset()
			inIS, inPh, in, formula = false, 0, "", false
			if tok.selfClosing {
				if cells, err = s.cell(cells, col, typ, "", "", false); err != nil {
					return nil, err
				}
			}
		case "v", "t":
			in = ""
			if !tok.end && !tok.selfClosing {
				in = tok.name
			}
		case "is":
			inIS = !tok.end && !tok.selfClosing
		case "f":
			formula = true
		case "rPh":
			if tok.end {
				inPh--
			} else if !tok.selfClosing {
				inPh++
			}
		}
	}
}

// cell puts a cell's value at column col (1-based) of cells, as excelize does: an
// empty value adds nothing (unless a formula's), a value further right fills the gap
// with "".
func (s *sheetScanner) cell(cells []string, col int, typ, v, is string, formula bool) ([]string, error) {
	var val string
	switch typ {
	case "s":
		if strings.TrimSpace(v) == "" {
			return cells, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.sst) {
			return nil, fmt.Errorf("%w: shared string %q", ErrFormat, v)
		}
		val = s.sst[i]
	case "inlineStr":
		val = unescapeXML(is)
		if is == "" {
			val = unescapeXML(v)
		}
	default:
		val = unescapeXML(v)
	}
	if val == "" && !formula {
		return cells, nil
	}
	if col <= len(cells) {
		return nil, fmt.Errorf("%w: cell at column %d after column %d", ErrFormat, col, len(cells))
	}
	for len(cells) < col-1 {
		cells = append(cells, "")
	}
	return append(cells, val), nil
}

// columnOf is the column (1-based) of a cell reference such as "AB12".
func columnOf(ref string) (int, error) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > 16384 {
			break
		}
	}
	if i == 0 || col > 16384 {
		return 0, fmt.Errorf("%w: cell reference %q", ErrFormat, ref)
	}
	return col, nil
}

// xmlToken is a tag (name without its prefix, its attributes' raw text, whether it
// ends an element or closes itself) or, with text set, the text between two tags.
type xmlToken struct {
	name             string
	attrs            []byte
	end, selfClosing bool
	text             []byte
}

// xmlScanner splits XML into tags and texts, enough for the parts of a workbook:
// no DTDs; comments, declarations and CDATA-less text only. The slices it returns
// last until the next call.
type xmlScanner struct {
	r   *bufio.Reader
	tag []byte
	tok xmlToken
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

func (x *xmlScanner) next() (*xmlToken, error) {
	for {
		b, err := x.r.ReadByte()
		if err != nil {
			return nil, err
		}
		if b != '<' {
			_ = x.r.UnreadByte()
			text, err := x.r.ReadSlice('<')
			switch {
			case err == nil:
				_ = x.r.UnreadByte()
				text = text[:len(text)-1]
			case err == bufio.ErrBufferFull:
				x.tag = append(x.tag[:0], text...)
				rest, err := x.r.ReadBytes('<')
				if err != nil {
					return nil, fmt.Errorf("%w: %v", ErrFormat, err)
				}
				_ = x.r.UnreadByte()
				text = append(x.tag, rest[:len(rest)-1]...)
			case err == io.EOF:
			default:
				return nil, err
			}
			x.tok = xmlToken{text: text}
			return &x.tok, nil
		}
		tag, err := x.r.ReadSlice('>')
		if err == bufio.ErrBufferFull {
			x.tag = append(x.tag[:0], tag...)
			var rest []byte
			rest, err = x.r.ReadBytes('>')
			tag = append(x.tag, rest...)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: a tag is not closed", ErrFormat)
		}
		tag = tag[:len(tag)-1]
		if len(tag) > 0 && (tag[0] == '?' || tag[0] == '!') {
			if bytes.HasPrefix(tag, []byte("!--")) && !bytes.HasSuffix(tag, []byte("--")) {
				if err := x.skipComment(); err != nil {
					return nil, err
				}
			}
			continue
		}
		t := xmlToken{}
		if len(tag) > 0 && tag[0] == '/' {
			t.end, tag = true, tag[1:]
		}
		if n := len(tag); n > 0 && tag[n-1] == '/' {
			t.selfClosing, tag = true, tag[:n-1]
		}
		name := tag
		if i := bytes.IndexAny(tag, " \t\r\n"); i >= 0 {
			name, t.attrs = tag[:i], tag[i:]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		t.name = internName(name)
		x.tok = t
		return &x.tok, nil
	}
}

// skipComment reads on to the end of a comment that holds a '>'.
func (x *xmlScanner) skipComment() error {
	for {
		s, err := x.r.ReadString('>')
		if err != nil {
			return fmt.Errorf("%w: a comment is not closed", ErrFormat)
		}
		if strings.HasSuffix(s, "-->") {
			return nil
		}
	}
}

// internName gives the names the scanner looks for without allocating.
func internName(b []byte) string {
	switch string(b) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "t":
		return "t"
	case "row":
		return "row"
	case "is":
		return "is"
	case "si":
		return "si"
	case "r":
		return "r"
	case "f":
		return "f"
	case "rPh":
		return "rPh"
	case "sheetData":
		return "sheetData"
	}
	return string(b)
}

// attr finds an attribute's value in a tag's raw attributes.
func attr(attrs []byte, name string) (string, bool) {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return "", false
		}
		key := bytes.TrimSpace(attrs[:eq])
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return "", false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return "", false
		}
		if string(key) == name {
			return unescapeXML(string(rest[1 : 1+end])), true
		}
		attrs = rest[end+2:]
	}
	return "", false
}

// unescapeXML replaces XML's entities and character references; text without any
// comes back as it is.
func unescapeXML(s string) string {
	if strings.IndexByte(s, '&') < 0 && strings.IndexByte(s, '\r') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' { // XML reads CR LF, and a lone CR, as LF
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			continue
		}
		if c != '&' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i:], ';')
		if end < 0 {
			b.WriteByte(c)
			continue
		}
		ent := s[i+1 : i+end]
		switch {
		case ent == "lt":
			b.WriteByte('<')
		case ent == "gt":
			b.WriteByte('>')
		case ent == "amp":
			b.WriteByte('&')
		case ent == "quot":
			b.WriteByte('"')
		case ent == "apos":
			b.WriteByte('\'')
		case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil {
				b.WriteString(s[i : i+end+1])
			} else {
				b.WriteRune(rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil {
				b.WriteString(s[i : i+end+1])
			} else {
				b.WriteRune(rune(n))
			}
		default:
			b.WriteString(s[i : i+end+1])
		}
		i += end
	}
	return b.String()
}
