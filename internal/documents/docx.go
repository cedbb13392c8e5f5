package documents

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// RenderDOCX writes d as a Word document (Office Open XML, WordprocessingML) to edit
// before it is signed: A4 with GB/T 9704's margins, 仿宋 三号 body on a fixed 28 pt
// line, 小标宋 二号 title, the number, the grid and tables, the QR code as a picture,
// and the page number in the footer ("— 1 —"). Only the standard library writes it.
func RenderDOCX(w io.Writer, d Document) error {
	var qr []byte
	if d.QRText != "" {
		var err error
		if qr, err = QRPNG(d.QRText); err != nil {
			return err
		}
	}
	z := zip.NewWriter(w)
	// Every part is dated with the document, so one document always gives the same bytes.
	stamp := d.IssuedAt
	if stamp.IsZero() {
		stamp = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	add := func(name string, body []byte) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	parts := []struct {
		name string
		body []byte
	}{
		{"[Content_Types].xml", []byte(contentTypes)},
		{"_rels/.rels", []byte(packageRels)},
		{"docProps/core.xml", []byte(coreProps(d, stamp))},
		{"word/document.xml", []byte(documentXML(d, qr != nil))},
		{"word/styles.xml", []byte(stylesXML)},
		{"word/footer1.xml", []byte(footerXML)},
		{"word/_rels/document.xml.rels", []byte(documentRels)},
	}
	if qr != nil {
		parts = append(parts, struct {
			name string
			body []byte
		}{"word/media/qr.png", qr})
	}
	for _, p := range parts {
		if err := add(p.name, p.body); err != nil {
			return err
		}
	}
	return z.Close()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
<Relationship Id="rIdQR" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/qr.png"/>
</Relationships>`

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
	`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
	`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
	`xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"`

// The fonts: 仿宋 for the body, 小标宋 for the title, 黑体 for headings; Word and WPS
// fall back to a serif CJK font where one is missing.
const (
	fontBody    = "仿宋_GB2312"
	fontTitle   = "方正小标宋简体"
	fontHeading = "黑体"
)

const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="` + fontBody + `" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="240" w:line="800" w:lineRule="exact"/></w:pPr><w:rPr><w:rFonts w:eastAsia="` + fontTitle + `"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/></w:pPr><w:rPr><w:rFonts w:eastAsia="` + fontHeading + `"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr></w:style>
</w:styles>`

// footerXML numbers the pages as GB/T 9704 does: "— 1 —" in 4号 宋体.
const footerXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:p><w:pPr><w:jc w:val="center"/></w:pPr>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>
<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r>
</w:p>
</w:ftr>`

func coreProps(d Document, stamp time.Time) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>` + esc(strings.TrimSpace(d.Title+" "+d.Number)) + `</dc:title>
<dc:creator>` + esc(d.Issuer) + `</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp.UTC().Format(time.RFC3339) + `</dcterms:created>
</cp:coreProperties>`
}

// esc escapes s as XML character data.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// run is one run of text; props are its w:rPr children.
func run(text, props string) string {
	rp := ""
	if props != "" {
		rp = "<w:rPr>" + props + "</w:rPr>"
	}
	return `<w:r>` + rp + `<w:t xml:space="preserve">` + esc(text) + `</w:t></w:r>`
}

// para is a paragraph of one run; pPr and rPr are its properties' children.
func para(text, pPr, rPr string) string {
	p := "<w:p>"
	if pPr != "" {
		p += "<w:pPr>" + pPr + "</w:pPr>"
	}
	return p + run(text, rPr) + "</w:p>"
}

const (
	red      = `<w:color w:val="CC0000"/>`
	indent2  = `<w:ind w:firstLineChars="200" w:firstLine="640"/>`
	centered = `<w:jc w:val="center"/>`
	small    = `<w:sz w:val="24"/><w:szCs w:val="24"/>`
	cellPara = `<w:spacing w:line="360" w:lineRule="auto"/><w:jc w:val="left"/>`
)

func documentXML(d Document, withQR bool) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<w:document " + wordNS + "><w:body>")
	// 版头: the issuer in red, the number, a red rule.
	if d.Issuer != "" {
		b.WriteString(para(d.Issuer, centered+`<w:spacing w:line="720" w:lineRule="exact"/>`, `<w:rFonts w:eastAsia="`+fontTitle+`"/><w:sz w:val="52"/>`+red))
	}
	if d.Number != "" {
		b.WriteString(para(d.Number, centered, ""))
	}
	b.WriteString(`<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="CC0000"/></w:pBdr></w:pPr></w:p>`)
	b.WriteString(para(d.Title, `<w:pStyle w:val="Title"/>`, ""))
	if d.Addressee != "" {
		b.WriteString(para(d.Addressee, "", ""))
	}
	for _, p := range d.Paragraphs {
		b.WriteString(para(p, indent2, ""))
	}
	if len(d.Fields) > 0 {
		rows := make([][]string, len(d.Fields))
		for i, f := range d.Fields {
			rows[i] = []string{f.Label, f.Value}
		}
		b.WriteString(table(nil, rows, []int{1900, 6940}))
	}
	for _, s := range d.Sections {
		b.WriteString(para(s.Heading, `<w:pStyle w:val="Heading1"/>`, ""))
		if len(s.Rows) == 0 {
			b.WriteString(para(s.Empty, indent2, ""))
			continue
		}
		b.WriteString(table(s.Columns, s.Rows, nil))
	}
	if withQR {
		b.WriteString(`<w:p><w:pPr>` + centered + `<w:spacing w:line="240" w:lineRule="auto"/></w:pPr>` + qrDrawing + `</w:p>`)
		b.WriteString(para(d.QRCaption, centered, small))
	}
	if d.Closing != "" {
		b.WriteString(para(d.Closing, indent2, ""))
	}
	// 落款: the issuer and the date, right, four characters from the edge.
	sign := `<w:jc w:val="right"/><w:ind w:right="1280"/>`
	b.WriteString(`<w:p/>`)
	if d.Issuer != "" {
		b.WriteString(para(d.Issuer, sign, ""))
	}
	b.WriteString(para(DateText(d.IssuedAt), sign, ""))
	if len(d.Signatures) > 0 {
		b.WriteString(`<w:p/>`)
		for _, s := range d.Signatures {
			b.WriteString(para(s, "", small))
		}
	}
	// A4 (11906 × 16838 twips); margins 37 top, 35 bottom, 28 left, 26 right mm.
	fmt.Fprintf(&b, `<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="11906" w:h="16838"/>`+
		`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>`+
		`<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-842"/></w:sectPr>`, mm(37), mm(26), mm(35), mm(28))
	b.WriteString("</w:body></w:document>")
	return b.String()
}

// mm is a length in twips (1/1440 inch).
func mm(v float64) int { return int(v*1440/25.4 + 0.5) }

// table writes a bordered table; header may be nil; widths in twips, nil to share
// the type area's 156 mm evenly.
func table(header []string, rows [][]string, widths []int) string {
	cols := len(header)
	if cols == 0 && len(rows) > 0 {
		cols = len(rows[0])
	}
	if widths == nil {
		widths = make([]int, cols)
		for i := range widths {
			widths[i] = mm(156) / cols
		}
	}
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, head bool) {
		b.WriteString(`<w:tr>`)
		if head {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i, c := range cells {
			w := widths[min(i, len(widths)-1)]
			rPr := small
			if head || (len(cells) == 2 && i == 0) {
				rPr += `<w:rFonts w:eastAsia="` + fontHeading + `"/>`
			}
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>`, w, para(c, cellPara, rPr))
		}
		b.WriteString(`</w:tr>`)
	}
	if header != nil {
		row(header, true)
	}
	for _, r := range rows {
		row(r, false)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// qrDrawing places media/qr.png inline, 3 cm square (1 cm = 360000 EMU).
const qrDrawing = `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="1080000" cy="1080000"/>` +
	`<wp:docPr id="1" name="QR"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
	`<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="qr.png"/><pic:cNvPicPr/></pic:nvPicPr>` +
	`<pic:blipFill><a:blip r:embed="rIdQR"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
	`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1080000" cy="1080000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>` +
	`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`

// DOCXText reads the text of a .docx's body, a paragraph a line (a table's cells
// each a line): what the tests check a downloaded document says.
func DOCXText(r io.ReaderAt, size int64) (string, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return "", err
	}
	f, err := z.Open("word/document.xml")
	if err != nil {
		return "", err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var out strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inText = t.Name.Local == "t"
		case xml.EndElement:
			if t.Name.Local == "p" {
				out.WriteByte('\n')
			}
			inText = false
		case xml.CharData:
			if inText {
				out.Write(t)
			}
		}
	}
}
