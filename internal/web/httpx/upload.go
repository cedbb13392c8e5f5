package httpx

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/model"
)

// ReadUpload reads one file field of a multipart form, at most max bytes of file. The
// request as a whole is capped at MaxUploadBytes.
func ReadUpload(r *http.Request, field string, max int64) (string, []byte, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, MaxUploadBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, Errorf(r, http.StatusRequestEntityTooLarge, "body_too_large", "", int64(MaxUploadBytes))
		}
		return "", nil, Errorf(r, http.StatusBadRequest, "malformed_form", "")
	}
	f, hdr, err := r.FormFile(field)
	if err != nil {
		return "", nil, model.Invalid(field, "required", "invalid.file.required")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return "", nil, err
	}
	if int64(len(data)) > max {
		return "", nil, model.Invalid(field, "too_large", "invalid.file.too_large")
	}
	return hdr.Filename, data, nil
}

// KeepOriginal reads the keep_original field of an upload form read by ReadUpload:
// whether the user chose to keep an image byte for byte, as evidence. Absent is no;
// a checkbox sends 1 or on, an API client true or false.
func KeepOriginal(r *http.Request) (bool, error) {
	v := r.FormValue("keep_original")
	switch v {
	case "":
		return false, nil
	case "on":
		return true, nil
	}
	keep, err := strconv.ParseBool(v)
	if err != nil {
		return false, model.Invalid("keep_original", "invalid", "invalid.bool")
	}
	return keep, nil
}

// ServeAttachment writes a stored file as a download.
func ServeAttachment(w http.ResponseWriter, att model.Attachment, data []byte) {
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(data)
}
