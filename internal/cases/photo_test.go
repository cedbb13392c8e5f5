package cases_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"testing"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/testutil"
)

func plainJPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testutil.HalvesImage(16, 8), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegSegment is a JPEG marker segment with its length.
func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	return append(seg, payload...)
}

// The orientation is read from the first IFD of the first Exif APP1 segment, in
// either byte order, after other segments and fill bytes; anything else, or a
// value outside 1–8, reads as upright.
func TestJPEGOrientation(t *testing.T) {
	jpg := plainJPEG(t)
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"no EXIF", jpg, 1},
		{"little-endian 6", testutil.WithEXIF(jpg, testutil.PhoneEXIF(6, binary.LittleEndian)), 6},
		{"big-endian 8", testutil.WithEXIF(jpg, testutil.PhoneEXIF(8, binary.BigEndian)), 8},
		{"big-endian 3", testutil.WithEXIF(jpg, testutil.PhoneEXIF(3, binary.BigEndian)), 3},
		{"EXIF without the tag", testutil.WithEXIF(jpg, testutil.PhoneEXIF(0, binary.LittleEndian)), 1},
		{"a value outside 1–8", testutil.WithEXIF(jpg, testutil.PhoneEXIF(9, binary.LittleEndian)), 1},
		{"after an APP0 and fill bytes", append(append(append([]byte{0xFF, 0xD8}, jpegSegment(0xE0, []byte("JFIF\x00\x01\x01"))...), 0xFF),
			testutil.WithEXIF(jpg, testutil.PhoneEXIF(5, binary.LittleEndian))[2:]...), 5},
		{"an APP1 that is not Exif first", append(append([]byte{0xFF, 0xD8}, jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00"))...),
			testutil.WithEXIF(jpg, testutil.PhoneEXIF(7, binary.LittleEndian))[2:]...), 7},
		{"EXIF after the scan began", append(jpg[:len(jpg)-2], testutil.WithEXIF([]byte{0xFF, 0xD8}, testutil.PhoneEXIF(6, binary.LittleEndian))[2:]...), 1},
		{"cut inside the EXIF", testutil.WithEXIF(jpg, testutil.PhoneEXIF(6, binary.LittleEndian))[:30], 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"empty", nil, 1},
	}
	for _, tc := range tests {
		if got := cases.JPEGOrientation(tc.data); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func FuzzJPEGOrientation(f *testing.F) {
	jpg := plainJPEG(f)
	for o := 0; o <= 9; o++ {
		f.Add(testutil.WithEXIF(jpg, testutil.PhoneEXIF(o, binary.LittleEndian))[:200])
		f.Add(testutil.WithEXIF(jpg, testutil.PhoneEXIF(o, binary.BigEndian))[:200])
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		o := cases.JPEGOrientation(data)
		if o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		// Whatever follows the metadata cannot change what it says.
		if got := cases.JPEGOrientation(append(append([]byte{}, data...), 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0)); got != o && !truncatedSegment(data) {
			t.Fatalf("a segment after the end changed %d to %d", o, got)
		}
	})
}

// truncatedSegment says whether data ends inside a segment, which bytes appended
// may complete.
func truncatedSegment(data []byte) bool {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return false
	}
	for i := 2; ; {
		if i+4 > len(data) {
			return true
		}
		if data[i] != 0xFF {
			return false
		}
		m := data[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0x01 || m >= 0xD0 && m <= 0xD8:
			i += 2
			continue
		case m == 0xDA || m == 0xD9:
			return false
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 {
			return false
		}
		if i+2+n > len(data) {
			return true
		}
		if m == 0xE1 && bytes.HasPrefix(data[i+4:i+2+n], []byte("Exif\x00\x00")) {
			return false
		}
		i += 2 + n
	}
}

// Each EXIF orientation says on which sides the stored picture's first row and
// first column belong (EXIF 2.3, tag 0x0112); turned upright, the stored top-left
// pixel is where those sides meet and the stored top-right one is at the other end
// of that first row.
func TestOrientTurnsUpright(t *testing.T) {
	const w, h = 3, 2
	tests := []struct {
		o                  int
		topLeft, topRight  image.Point // where the stored (0,0) and (w-1,0) land
		uprightW, uprightH int
	}{
		{1, image.Pt(0, 0), image.Pt(2, 0), 3, 2}, // row 0 top, column 0 left
		{2, image.Pt(2, 0), image.Pt(0, 0), 3, 2}, // row 0 top, column 0 right
		{3, image.Pt(2, 1), image.Pt(0, 1), 3, 2}, // row 0 bottom, column 0 right
		{4, image.Pt(0, 1), image.Pt(2, 1), 3, 2}, // row 0 bottom, column 0 left
		{5, image.Pt(0, 0), image.Pt(0, 2), 2, 3}, // row 0 left, column 0 top
		{6, image.Pt(1, 0), image.Pt(1, 2), 2, 3}, // row 0 right, column 0 top
		{7, image.Pt(1, 2), image.Pt(1, 0), 2, 3}, // row 0 right, column 0 bottom
		{8, image.Pt(0, 2), image.Pt(0, 0), 2, 3}, // row 0 left, column 0 bottom
	}
	red, blue := color.RGBA{R: 255, A: 255}, color.RGBA{B: 255, A: 255}
	for _, tc := range tests {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		m.SetRGBA(0, 0, red)
		m.SetRGBA(w-1, 0, blue)
		up := cases.Orient(m, tc.o)
		b := up.Bounds()
		if b.Dx() != tc.uprightW || b.Dy() != tc.uprightH {
			t.Errorf("orientation %d: %dx%d", tc.o, b.Dx(), b.Dy())
			continue
		}
		if up.At(tc.topLeft.X, tc.topLeft.Y) != red || up.At(tc.topRight.X, tc.topRight.Y) != blue {
			t.Errorf("orientation %d: stored corners not at %v and %v", tc.o, tc.topLeft, tc.topRight)
		}
	}
}

// A JPEG stays a JPEG and a PNG a PNG; a GIF is kept as a PNG under a .png name, a
// WebP as a JPEG or, when it has transparency, a PNG; an image that is not one, or whose header claims more pixels than PhotoMaxPixels,
// is refused naming the field.
func TestReencodePhotoFormats(t *testing.T) {
	var gifBytes bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
	if err := gif.Encode(&gifBytes, pal, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		data       []byte
		wantType   string
		wantName   string
		wantCode   string
	}{
		{"jpeg", "a.jpeg", plainJPEG(t), "image/jpeg", "a.jpeg", ""},
		{"png", "a.png", testutil.PNGImage(t, testutil.HalvesImage(4, 4)), "image/png", "a.png", ""},
		{"gif", "动图.gif", gifBytes.Bytes(), "image/png", "动图.png", ""},
		{"opaque webp", "a.webp", testutil.FlatWebP(6, 4, color.NRGBA{R: 200, G: 100, B: 50, A: 255}), "image/jpeg", "a.jpg", ""},
		{"transparent webp", "贴纸.webp", testutil.FlatWebP(6, 4, color.NRGBA{R: 200, G: 100, B: 50, A: 128}), "image/png", "贴纸.png", ""},
		{"png named jpg", "a.jpg", testutil.PNGImage(t, testutil.HalvesImage(4, 4)), "image/png", "a.png", ""},
		{"not an image", "a.png", []byte("\x89PNG\r\n\x1a\nnothing"), "", "", "unreadable"},
		{"too many pixels", "a.png", testutil.HugePNGHeader(10000, 5001), "", "", "too_many_pixels"},
	}
	for _, tc := range tests {
		out, ct, err := cases.ReencodePhoto("photos[0]", tc.data)
		if tc.wantCode != "" {
			fe, ok := err.(*model.FieldError)
			if !ok || fe.Code != tc.wantCode || fe.Field != "photos[0]" || fe.Message("zh-CN") == fe.Key || fe.Message("en") == fe.Key {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.wantCode)
			}
			continue
		}
		if err != nil || ct != tc.wantType {
			t.Errorf("%s: %s %v", tc.name, ct, err)
			continue
		}
		if _, format, err := image.DecodeConfig(bytes.NewReader(out)); err != nil || "image/"+format != ct {
			t.Errorf("%s: the output is %s %v", tc.name, format, err)
		}
		if got := cases.PhotoName(tc.file, ct); got != tc.wantName {
			t.Errorf("%s: named %s, want %s", tc.name, got, tc.wantName)
		}
	}
	// Exactly PhotoMaxPixels passes the header check; one pixel more does not.
	if err := cases.CheckPhoto("photos", testutil.HugePNGHeader(10000, 5000)); err != nil {
		t.Errorf("10000×5000: %v", err)
	}
	if err := cases.CheckPhoto("photos", testutil.HugePNGHeader(3, 16666667)); err == nil {
		t.Error("3×16666667 (50,000,001 pixels) passes")
	}
}
