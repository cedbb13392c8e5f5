package testutil

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// What a phone writes into a photo's EXIF, which must never reach the store unasked.
const (
	PhoneMake        = "OnedoorTestPhone"
	PhoneLatitudeRef = "N"
)

// Halves are the colours of a test photo's left and right halves, far apart in any
// encoding, so that a turned or mirrored photo shows which way it went.
var (
	LeftHalf  = color.RGBA{R: 220, G: 20, B: 20, A: 255}
	RightHalf = color.RGBA{R: 20, G: 20, B: 220, A: 255}
)

// HalvesImage is a w×h picture, LeftHalf on the left and RightHalf on the right.
func HalvesImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := LeftHalf
			if x >= w/2 {
				c = RightHalf
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// PNGImage encodes m as PNG.
func PNGImage(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PhonePhoto is a w×h JPEG of HalvesImage as a phone writes it: an Exif APP1 segment
// right after the start of image, with the phone's make, the orientation tag (0
// leaves it out) and a GPS IFD with where it was taken.
func PhonePhoto(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, HalvesImage(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return WithEXIF(b.Bytes(), PhoneEXIF(orientation, binary.LittleEndian))
}

// WithEXIF puts tiff, as an Exif APP1 segment, right after a JPEG's start of image.
func WithEXIF(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// PhoneEXIF is the TIFF body of a phone's EXIF in byte order order: IFD0 with Make,
// Orientation (when not 0) and a pointer to a GPS IFD of latitude and longitude.
func PhoneEXIF(orientation int, order binary.ByteOrder) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline when at most 4 bytes, else placed after the IFD
	}
	const (
		typeASCII, typeShort, typeLong, typeRational = 2, 3, 4, 5
	)
	u16 := func(v uint16) []byte { b := make([]byte, 2); order.PutUint16(b, v); return b }
	u32 := func(v uint32) []byte { b := make([]byte, 4); order.PutUint32(b, v); return b }
	rationals := func(vs ...uint32) []byte {
		var b []byte
		for _, v := range vs {
			b = append(b, u32(v)...)
		}
		return b
	}
	// ifd lays out entries at offset at, their long values after them, and returns
	// the bytes; a value of an entry whose tag is in pointers is patched to the
	// offset that follows this IFD's bytes.
	ifd := func(at uint32, entries []entry, pointer uint16) []byte {
		data := at + 2 + 12*uint32(len(entries)) + 4
		var head, tail []byte
		head = append(head, u16(uint16(len(entries)))...)
		for _, e := range entries {
			head = append(head, u16(e.tag)...)
			head = append(head, u16(e.typ)...)
			head = append(head, u32(e.count)...)
			switch {
			case e.tag == pointer:
				head = append(head, u32(0)...) // patched below
			case len(e.value) <= 4:
				head = append(head, append(append([]byte{}, e.value...), make([]byte, 4-len(e.value))...)...)
			default:
				head = append(head, u32(data+uint32(len(tail)))...)
				tail = append(tail, e.value...)
			}
		}
		head = append(head, u32(0)...) // no next IFD
		out := append(head, tail...)
		for i, e := range entries {
			if e.tag == pointer {
				order.PutUint32(out[2+12*i+8:], at+uint32(len(out)))
			}
		}
		return out
	}
	make0 := append([]byte(PhoneMake), 0)
	ifd0 := []entry{{0x010F, typeASCII, uint32(len(make0)), make0}}
	if orientation != 0 {
		ifd0 = append(ifd0, entry{0x0112, typeShort, 1, u16(uint16(orientation))})
	}
	ifd0 = append(ifd0, entry{0x8825, typeLong, 1, nil})
	gps := []entry{
		{0x0001, typeASCII, 2, []byte(PhoneLatitudeRef + "\x00")},
		{0x0002, typeRational, 3, rationals(35, 1, 22, 1, 1234, 100)},
		{0x0003, typeASCII, 2, []byte("E\x00")},
		{0x0004, typeRational, 3, rationals(103, 1, 42, 1, 5678, 100)},
	}
	var tiff []byte
	if order == binary.LittleEndian {
		tiff = []byte("II*\x00")
	} else {
		tiff = []byte("MM\x00*")
	}
	tiff = append(tiff, u32(8)...)
	tiff = append(tiff, ifd(8, ifd0, 0x8825)...)
	return append(tiff, ifd(uint32(len(tiff)), gps, 0)...)
}

// HugePNGHeader is a PNG that claims w×h pixels in its header and holds none: a
// decompression bomb's first bytes, refused before anything is decoded.
func HugePNGHeader(w, h uint32) []byte {
	chunk := func(kind string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(b, kind...)
		b = append(b, data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(kind), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, no interlace
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// FlatWebP is a w×h lossless WebP (VP8L) of one colour c, written by hand (the
// standard library has no WebP encoder): no transforms, and each of its five prefix
// codes a single symbol, so that every pixel takes no bits at all.
func FlatWebP(w, h int, c color.NRGBA) []byte {
	var bits []bool
	put := func(v uint32, n int) {
		for i := 0; i < n; i++ {
			bits = append(bits, v>>i&1 == 1)
		}
	}
	put(0x2f, 8) // signature
	put(uint32(w-1), 14)
	put(uint32(h-1), 14)
	alpha := uint32(0)
	if c.A != 255 {
		alpha = 1
	}
	put(alpha, 1)
	put(0, 3) // version
	put(0, 1) // no transform
	put(0, 1) // no colour cache
	put(0, 1) // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} {
		put(1, 1) // simple code
		put(0, 1) // one symbol
		put(1, 1) // of 8 bits
		put(uint32(sym), 8)
	}
	data := make([]byte, (len(bits)+7)/8)
	for i, b := range bits {
		if b {
			data[i/8] |= 1 << (i % 8)
		}
	}
	if len(data)%2 == 1 {
		data = append(data, 0) // chunks are padded to even sizes; the size says the truth
	}
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32((len(bits)+7)/8))...)
	chunk = append(chunk, data...)
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}
