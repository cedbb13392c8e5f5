package httpx

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/documents"
)

// DOCXType is the media type of a Word document.
const DOCXType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// ServeDOCX sends d as a .docx download named by its title and number.
func ServeDOCX(w http.ResponseWriter, r *http.Request, d documents.Document) {
	var b bytes.Buffer
	if err := documents.RenderDOCX(&b, d); err != nil {
		WriteError(w, r, err)
		return
	}
	name := strings.TrimSpace(d.Title + " " + d.Number)
	w.Header().Set("Content-Type", DOCXType)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".docx"}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b.Bytes())
}

// PublicURL is the address of path on this server as a citizen's phone reaches it
// (the QR code on a receipt): https behind TLS or when the deployment says so.
func PublicURL(r *http.Request, secure bool, path string) string {
	scheme := "http"
	if r.TLS != nil || secure {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\@ ") {
		host = "localhost"
	}
	return scheme + "://" + host + path
}
