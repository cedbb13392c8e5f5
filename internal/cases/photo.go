package cases

import (
	"bytes"
	"image"
	_ "image/gif" // decoded to be redrawn; never kept as it came
	"image/jpeg"
	"image/png"
	"path"
	"runtime"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // the portal accepts WebP; what cannot be decoded cannot be cleaned
)

// Every uploaded image is redrawn before it is kept: what is stored is the pixels,
// re-encoded, and nothing else. A citizen's phone photo carries the GPS position of
// where it was taken and the phone's make and serial in its EXIF; a file that is a
// PNG to a decoder may carry a script after its end or in a text chunk. Neither
// survives a fresh encoding. Only a clerk who keeps an original as evidence, on
// purpose, stores the bytes as they came (AttachInput.KeepOriginal).
const (
	// PhotoMaxSide bounds the longest side of a kept image: sharp on any screen and
	// printed at A4, at about 5 MP instead of a phone camera's 12 to 50.
	PhotoMaxSide = 2560
	// PhotoMaxPixels refuses, from the header alone, an image whose decoding would
	// take more memory than the largest phone camera's photo (a 50 MP sensor writes
	// 8160×6120): a few bytes of PNG can claim 60000×60000 pixels, 14 GB to decode.
	PhotoMaxPixels = 50_000_000
	// photoQuality is the JPEG quality of a redrawn photo: the usual one for photos
	// shown on screens, without visible loss at PhotoMaxSide.
	photoQuality = 85
)

// photoDecodeSlots bounds the images redrawn at once: each may take a few hundred MB
// and most of a second of CPU, and a burst of portal submissions with six photos
// each must not take the server's memory or every core from the staff's pages.
var photoDecodeSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

// photoFormats are the formats an image may come in: the allowed image types.
var photoFormats = map[string]bool{"jpeg": true, "png": true, "gif": true, "webp": true}

// CheckPhoto reads only the header of an image sent as field: it must be a JPEG, PNG,
// GIF or WebP whose pixels stay within PhotoMaxPixels. It decodes nothing, so a
// form can refuse a photo before it registers anything.
func CheckPhoto(field string, data []byte) error {
	_, err := photoHeader(field, data)
	return err
}

func photoHeader(field string, data []byte) (string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || !photoFormats[format] || cfg.Width <= 0 || cfg.Height <= 0 {
		return "", photoUnreadable(field)
	}
	if int64(cfg.Width)*int64(cfg.Height) > PhotoMaxPixels {
		return "", model.Invalid(field, "too_many_pixels", "invalid.photo.too_many_pixels",
			cfg.Width, cfg.Height, PhotoMaxPixels/10000, PhotoMaxPixels/1000000)
	}
	return format, nil
}

func photoUnreadable(field string) error {
	return model.Invalid(field, "unreadable", "invalid.image.unreadable")
}

// reencodePhoto redraws an image sent as field: turned upright by its EXIF
// orientation, scaled down to PhotoMaxSide, without metadata or trailing bytes.
// A JPEG stays a JPEG; a PNG or GIF (screenshots of chats and receipts, whose
// text a JPEG would blur) becomes a PNG; a WebP becomes a JPEG, or a PNG when it has
// transparency. It returns the new bytes and their content type.
func reencodePhoto(field string, data []byte) ([]byte, string, error) {
	format, err := photoHeader(field, data)
	if err != nil {
		return nil, "", err
	}
	photoDecodeSlots <- struct{}{}
	defer func() { <-photoDecodeSlots }()
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", photoUnreadable(field)
	}
	asPNG := format == "png" || format == "gif" || format == "webp" && !isOpaque(src)
	m := redraw(src, asPNG)
	if format == "jpeg" {
		m = orient(m, jpegOrientation(data))
	}
	var out bytes.Buffer
	if asPNG {
		err = png.Encode(&out, m)
	} else {
		err = jpeg.Encode(&out, m, &jpeg.Options{Quality: photoQuality})
	}
	if err != nil {
		return nil, "", err
	}
	if asPNG {
		return out.Bytes(), "image/png", nil
	}
	return out.Bytes(), "image/jpeg", nil
}

func isOpaque(m image.Image) bool {
	o, ok := m.(interface{ Opaque() bool })
	return ok && o.Opaque()
}

// redraw copies src onto a fresh canvas at the origin, scaled down when its longest
// side is above PhotoMaxSide with x/image's BiLinear: a tent filter widened by the
// scale, so that every source pixel counts (no moiré or jagged edges, as
// nearest-neighbour or a plain 2×2 bilinear give), in a third of Catmull-Rom's time,
// without a difference a case file needs. A PNG is drawn on NRGBA, which keeps the exact colour of
// semi-transparent pixels; a JPEG on RGBA, which its encoder reads fastest.
func redraw(src image.Image, straightAlpha bool) draw.Image {
	b := src.Bounds()
	w, h := fitWithin(b.Dx(), b.Dy(), PhotoMaxSide)
	r := image.Rect(0, 0, w, h)
	var dst draw.Image = image.NewRGBA(r)
	if straightAlpha {
		dst = image.NewNRGBA(r)
	}
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, r, src, b.Min, draw.Src)
	} else {
		draw.BiLinear.Scale(dst, r, src, b, draw.Src, nil)
	}
	return dst
}

// fitWithin scales w×h down, keeping its proportions, until neither side is above
// side; a side never becomes 0.
func fitWithin(w, h, side int) (int, int) {
	long := max(w, h)
	if long <= side {
		return w, h
	}
	sw := (w*side + long/2) / long
	sh := (h*side + long/2) / long
	return max(sw, 1), max(sh, 1)
}

// orient turns a canvas by an EXIF orientation (1–8) so that it shows upright
// without the tag: a phone stores the sensor's pixels and says in the tag how to
// turn them, and the tag goes with the rest of the EXIF.
func orient(m draw.Image, o int) draw.Image {
	if o < 2 || o > 8 {
		return m
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	r := image.Rect(0, 0, ow, oh)
	var out draw.Image
	var sp, dp []uint8
	var ss, ds int
	switch src := m.(type) {
	case *image.RGBA:
		d := image.NewRGBA(r)
		out, sp, ss, dp, ds = d, src.Pix, src.Stride, d.Pix, d.Stride
	case *image.NRGBA:
		d := image.NewNRGBA(r)
		out, sp, ss, dp, ds = d, src.Pix, src.Stride, d.Pix, d.Stride
	default:
		return m
	}
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			sx, sy := orientedSource(o, x, y, w, h)
			copy(dp[y*ds+4*x:y*ds+4*x+4], sp[sy*ss+4*sx:sy*ss+4*sx+4])
		}
	}
	return out
}

// orientedSource is the stored pixel that shows at (x, y) of the upright picture,
// for a stored picture of w×h with EXIF orientation o.
func orientedSource(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // upside down
		return w - 1 - x, h - 1 - y
	case 4: // mirrored upside down
		return x, h - 1 - y
	case 5: // mirrored across the main diagonal
		return y, x
	case 6: // stored turned a quarter left: turn it right
		return y, h - 1 - x
	case 7: // mirrored across the other diagonal
		return w - 1 - y, h - 1 - x
	case 8: // stored turned a quarter right: turn it left
		return w - 1 - y, x
	}
	return x, y
}

// photoName gives a redrawn image's name the extension of what it now is (a GIF
// kept as PNG is 现场.png), so that the file opens with the right program.
func photoName(name, contentType string) string {
	ext := strings.ToLower(path.Ext(name))
	switch contentType {
	case "image/jpeg":
		if ext == ".jpg" || ext == ".jpeg" {
			return name
		}
		return strings.TrimSuffix(name, path.Ext(name)) + ".jpg"
	case "image/png":
		if ext == ".png" {
			return name
		}
		return strings.TrimSuffix(name, path.Ext(name)) + ".png"
	}
	return name
}
