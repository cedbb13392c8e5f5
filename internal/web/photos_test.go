package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	_ "image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// storedFile is an attachment as the store keeps it.
type storedFile struct {
	model.Attachment
	Data []byte
}

// photoDoor sends photos through one of the doors a photo comes in by, each with a
// keep_original=1 field that only the staff's own attachment forms may honour, and
// returns what the store kept, in order; or, when the door refused them, the
// response's status and body.
type photoDoor struct {
	name   string
	send   func(t *testing.T, photos [][]byte, keepOriginal bool) (kept []storedFile, status int, body string)
	staff  bool // a clerk attaching on purpose: keep_original is honoured
	jsonUI bool // refusals are JSON API errors, not a page
}

// multipartBody writes fields and files (in order, under fileField) as a form.
func multipartBody(t *testing.T, fields url.Values, fileField string, files [][]byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for i, data := range files {
		fw, err := mw.CreateFormFile(fileField, fmt.Sprintf("照片%d.png", i+1))
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func storedFiles(t *testing.T, st *store.Store, caseID int64) []storedFile {
	t.Helper()
	ctx := context.Background()
	atts, err := st.Attachments(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	var out []storedFile
	for _, a := range atts {
		a, data, err := st.AttachmentData(ctx, caseID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, storedFile{a, data})
	}
	return out
}

// photoDoors are every door a photo comes in by: the API and the case page's form
// (one file a request, a clerk of 附城镇 on a case of its own), the public portal
// (随手拍) and a grid worker's report (all photos in one submission).
func photoDoors(t *testing.T, st *store.Store, srv *testutil.Server) []photoDoor {
	clerk := srv.Login(t, "fucheng.clerk", demo.Password)
	grid := srv.Login(t, "fucheng.grid", demo.Password)
	newCase := func() int64 {
		f := &flow{t: t}
		return f.register(clerk, walkIn(t, st)).ID
	}
	attachEach := func(path func(id int64) string, withCSRFField bool) func(*testing.T, [][]byte, bool) ([]storedFile, int, string) {
		return func(t *testing.T, photos [][]byte, keep bool) ([]storedFile, int, string) {
			id := newCase()
			for _, ph := range photos {
				fields := url.Values{}
				if keep {
					fields.Set("keep_original", "1")
				}
				if withCSRFField {
					fields.Set("csrf_token", clerk.CSRF)
				}
				body, ct := multipartBody(t, fields, "file", [][]byte{ph})
				req, _ := http.NewRequest("POST", srv.URL+path(id), body)
				req.Header.Set("Content-Type", ct)
				if !withCSRFField {
					req.Header.Set("X-CSRF-Token", clerk.CSRF)
				}
				resp, raw := clerk.Send(req)
				if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusSeeOther {
					if kept := storedFiles(t, st, id); len(kept) != 0 {
						t.Fatalf("refused with %d, yet %d files kept", resp.StatusCode, len(kept))
					}
					return nil, resp.StatusCode, string(raw)
				}
			}
			return storedFiles(t, st, id), 0, ""
		}
	}
	return []photoDoor{
		{name: "api", staff: true, jsonUI: true,
			send: attachEach(func(id int64) string { return fmt.Sprintf("/api/v1/cases/%d/attachments", id) }, false)},
		{name: "case page", staff: true,
			send: attachEach(func(id int64) string { return fmt.Sprintf("/cases/%d/attachments", id) }, true)},
		{name: "portal", send: func(t *testing.T, photos [][]byte, keep bool) ([]storedFile, int, string) {
			form := publicReport()
			form.Set("keep_original", "1")
			c := srv.NewClient(t)
			body, ct := multipartBody(t, form, "photos", photos)
			req, _ := http.NewRequest("POST", srv.URL+"/p/", body)
			req.Header.Set("Content-Type", ct)
			resp, raw := c.Send(req)
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther {
				return nil, resp.StatusCode, string(raw)
			}
			return storedFiles(t, st, publicCase(t, st, strings.TrimPrefix(loc, "/p/submitted?code=")).ID), 0, ""
		}},
		{name: "grid", send: func(t *testing.T, photos [][]byte, keep bool) ([]storedFile, int, string) {
			form := gridReportForm(t, st)
			form.Set("keep_original", "1")
			form.Set("csrf_token", grid.CSRF)
			body, ct := multipartBody(t, form, "photos", photos)
			req, _ := http.NewRequest("POST", srv.URL+"/grid/report", body)
			req.Header.Set("Content-Type", ct)
			resp, raw := grid.Send(req)
			if resp.StatusCode != http.StatusSeeOther {
				return nil, resp.StatusCode, string(raw)
			}
			m := regexp.MustCompile(`^/grid/cases/(\d+)\?`).FindStringSubmatch(resp.Header.Get("Location"))
			if m == nil {
				t.Fatalf("report redirects to %q", resp.Header.Get("Location"))
			}
			id, _ := strconv.ParseInt(m[1], 10, 64)
			return storedFiles(t, st, id), 0, ""
		}},
	}
}

func decodeStored(t *testing.T, f storedFile) image.Image {
	t.Helper()
	m, format, err := image.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatalf("%s does not decode: %v", f.Name, err)
	}
	if "image/"+format != f.ContentType {
		t.Fatalf("%s is %s, stored as %s", f.Name, format, f.ContentType)
	}
	return m
}

// near says whether c is within a JPEG's error of want.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { x := int(a>>8) - int(w); return x > -40 && x < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// Whatever door a photo comes in by, what is kept is its pixels, redrawn: a script
// appended to a PNG is gone, a phone photo's EXIF (GPS position, phone make) is
// gone, a photo larger than PhotoMaxSide is scaled down, and a photo stored on
// its side with EXIF orientation 6 is kept upright.
func TestUploadedPhotosAreRedrawn(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		script := []byte("<script>alert(document.cookie)</script>")
		photos := []struct {
			name  string
			data  []byte
			check func(t *testing.T, f storedFile)
		}{
			{"a PNG with a script appended", append(testutil.PNGImage(t, testutil.HalvesImage(40, 20)), script...), func(t *testing.T, f storedFile) {
				if bytes.Contains(f.Data, []byte("<script")) || f.ContentType != "image/png" {
					t.Errorf("kept as %s, script inside: %v", f.ContentType, bytes.Contains(f.Data, []byte("<script")))
				}
				m := decodeStored(t, f)
				if m.Bounds().Dx() != 40 || m.Bounds().Dy() != 20 || !near(m.At(5, 5), testutil.LeftHalf) || !near(m.At(35, 5), testutil.RightHalf) {
					t.Errorf("the PNG's pixels changed: %v", m.Bounds())
				}
			}},
			{"a phone photo with GPS", testutil.PhonePhoto(t, 64, 32, 1), func(t *testing.T, f storedFile) {
				for _, left := range []string{"Exif", testutil.PhoneMake} {
					if bytes.Contains(f.Data, []byte(left)) {
						t.Errorf("the stored photo still holds %q", left)
					}
				}
				if m := decodeStored(t, f); f.ContentType != "image/jpeg" || m.Bounds().Dx() != 64 || m.Bounds().Dy() != 32 {
					t.Errorf("kept as %s %v", f.ContentType, m.Bounds())
				}
			}},
			{"a photo larger than the largest kept", testutil.PNGImage(t, testutil.HalvesImage(3000, 1200)), func(t *testing.T, f storedFile) {
				if b := decodeStored(t, f).Bounds(); b.Dx() != 2560 || b.Dy() != 1024 {
					t.Errorf("kept at %dx%d, want 2560x1024", b.Dx(), b.Dy())
				}
			}},
			{"a photo stored on its side (orientation 6)", testutil.PhonePhoto(t, 64, 32, 6), func(t *testing.T, f storedFile) {
				m := decodeStored(t, f)
				// Turned right, the stored left half is on top.
				if m.Bounds().Dx() != 32 || m.Bounds().Dy() != 64 || !near(m.At(16, 8), testutil.LeftHalf) || !near(m.At(16, 56), testutil.RightHalf) {
					t.Errorf("kept %v, top %v, bottom %v: not turned upright", m.Bounds(), m.At(16, 8), m.At(16, 56))
				}
			}},
		}
		var all [][]byte
		for _, ph := range photos {
			all = append(all, ph.data)
		}
		for _, door := range photoDoors(t, st, srv) {
			t.Run(door.name, func(t *testing.T) {
				kept, status, body := door.send(t, all, false)
				if status != 0 || len(kept) != len(photos) {
					t.Fatalf("%d kept, refused %d: %s", len(kept), status, publicAlert(body)+body[:min(len(body), 300)])
				}
				for i, ph := range photos {
					t.Run(ph.name, func(t *testing.T) {
						if kept[i].KeptOriginal || kept[i].Size != int64(len(kept[i].Data)) {
							t.Errorf("attachment %+v", kept[i].Attachment)
						}
						ph.check(t, kept[i])
					})
				}
			})
		}
	})
}

// A PNG whose header claims 60000×60000 pixels (14 GB to decode) is refused from its
// header on every door, with the field and a Chinese message on a page and a JSON
// error in the API, and nothing is kept.
func TestPhotoWithTooManyPixelsRefused(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		bomb := testutil.HugePNGHeader(60000, 60000)
		before, err := st.Cases(context.Background(), store.CaseFilter{Limit: 500}, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		staffCases := 0
		for _, door := range photoDoors(t, st, srv) {
			t.Run(door.name, func(t *testing.T) {
				if door.staff {
					staffCases++
				}
				kept, status, body := door.send(t, [][]byte{bomb}, false)
				if status != http.StatusUnprocessableEntity || kept != nil {
					t.Fatalf("%d, %d kept, want 422: %.300s", status, len(kept), body)
				}
				if door.jsonUI {
					e := testutil.DecodeError(t, []byte(body))
					if e.Error.Field != "file" || e.Error.Code != "too_many_pixels" || !strings.Contains(e.Error.Message, "60000×60000") {
						t.Fatalf("error %+v", e.Error)
					}
					return
				}
				if m := regexp.MustCompile(`data-testid="field-error-(?:file|photos)">([^<]*)<`).FindStringSubmatch(body); m == nil ||
					!strings.Contains(m[1], "图片像素过多") {
					t.Fatalf("no Chinese message next to the file input: %s", publicAlert(body))
				}
			})
		}
		after, err := st.Cases(context.Background(), store.CaseFilter{Limit: 500}, store.CaseScope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+staffCases {
			t.Fatalf("%d cases registered, want only the %d the staff doors attached to", len(after)-len(before), staffCases)
		}
	})
}

// A clerk who ticks 保留原件（证据） keeps the phone photo byte for byte, EXIF and
// all: the attachment says so on the case page and in the audit log. Unticked, the
// same photo is redrawn. The form says what happens to photos either way.
func TestEvidenceOriginalKeptOnlyWhenChosen(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		photo := testutil.PhonePhoto(t, 64, 32, 6)
		for _, door := range photoDoors(t, st, srv) {
			if !door.staff {
				continue
			}
			t.Run(door.name, func(t *testing.T) {
				for _, keep := range []bool{true, false} {
					kept, status, body := door.send(t, [][]byte{photo}, keep)
					if status != 0 || len(kept) != 1 {
						t.Fatalf("keep %v: refused %d %.300s", keep, status, body)
					}
					f := kept[0]
					if f.KeptOriginal != keep || bytes.Equal(f.Data, photo) != keep {
						t.Fatalf("keep %v: marked %v, byte for byte %v", keep, f.KeptOriginal, bytes.Equal(f.Data, photo))
					}
					status, page := getPage(t, clerk, fmt.Sprintf("/cases/%d", f.CaseID))
					if status != 200 || strings.Contains(page, `data-testid="attachment-original"`) != keep {
						t.Fatalf("keep %v: the case page marks the original: %v", keep, strings.Contains(page, `data-testid="attachment-original"`))
					}
					if keep && !strings.Contains(page, "原件（证据）") {
						t.Error("the case page does not say 原件（证据）")
					}
					if !strings.Contains(page, `data-testid="photo-policy"`) || !strings.Contains(page, "去除拍摄位置") || !strings.Contains(page, "保留原件（证据）") {
						t.Error("the upload form does not say what becomes of a photo")
					}
					rows, err := st.AuditRows(context.Background(), store.AuditFilter{Action: "case.attach", Object: fmt.Sprintf("case:%d", f.CaseID)})
					if err != nil || len(rows) != 1 || strings.Contains(rows[0].Summary, "保留原件（证据）") != keep {
						t.Fatalf("keep %v: the audit log: %+v %v", keep, rows, err)
					}
				}
			})
		}
		// The portal says its photos lose their location.
		if resp, body := publicGet(t, srv.NewClient(t), srv.URL, "/p/"); resp.StatusCode != 200 || !strings.Contains(body, `data-testid="photo-policy"`) {
			t.Errorf("the portal form does not say what becomes of a photo: %d", resp.StatusCode)
		}
		// A keep_original the API cannot read is named, not taken for no.
		f := &flow{t: t}
		id := f.register(clerk, walkIn(t, st)).ID
		body, ct := multipartBody(t, url.Values{"keep_original": {"maybe"}}, "file", [][]byte{photo})
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", srv.URL, id), body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-CSRF-Token", clerk.CSRF)
		resp, raw := clerk.Send(req)
		if e := testutil.DecodeError(t, raw); resp.StatusCode != 422 || e.Error.Field != "keep_original" {
			t.Fatalf("keep_original=maybe: %d %+v", resp.StatusCode, e.Error)
		}
	})
}
