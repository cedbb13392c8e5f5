package documents

import (
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"

	qrcode "github.com/skip2/go-qrcode"
)

//go:embed print.html
var printHTML string

var printPage = template.Must(template.New("print").Parse(printHTML))

// ToolLink is one button of the page's toolbar, shown on screen and never printed.
type ToolLink struct {
	Label    string
	Href     string
	Print    bool // the button that prints the page
	Download bool
}

// HTMLOptions say how the page is served: its stylesheet (the A4 layout,
// internal/web/static's document.css), the script of its print button, and the
// toolbar's links in the reader's language.
type HTMLOptions struct {
	Stylesheet string
	Script     string
	Icon       string
	Toolbar    []ToolLink
}

// QRPNG is the QR code of text as PNG, the size of a print's 3 cm square at 300 dpi.
func QRPNG(text string) ([]byte, error) { return qrcode.Encode(text, qrcode.Medium, 360) }

// RenderHTML writes d as a whole HTML page laid out for A4 (GB/T 9704-2012: margins
// 37/35/28/26 mm, 仿宋 三号 body, 小标宋 二号 title, page numbers in the footer when
// printed).
func RenderHTML(w io.Writer, d Document, opts HTMLOptions) error {
	data := struct {
		Doc        Document
		Stylesheet string
		Script     string
		Icon       string
		Toolbar    []ToolLink
		QR         template.URL
		Date       string
	}{Doc: d, Stylesheet: opts.Stylesheet, Script: opts.Script, Icon: opts.Icon, Toolbar: opts.Toolbar, Date: DateText(d.IssuedAt)}
	if d.QRText != "" {
		png, err := QRPNG(d.QRText)
		if err != nil {
			return err
		}
		// A data URL, so the page holds its QR code whole (and the CSP allows data: images).
		data.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return printPage.Execute(w, data)
}
