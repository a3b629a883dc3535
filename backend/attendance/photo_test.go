package attendance

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withEXIF inserts an APP1 Exif segment carrying a fake GPS marker and a COM
// segment after SOI.
func withEXIF(t *testing.T) (plain, tagged []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		img.Set(x, x%24, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	plain = b.Bytes()
	payload := append([]byte("Exif\x00\x00"), []byte("GPSLatitude=31.2304;GPSLongitude=121.4737")...)
	app1 := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	com := []byte{0xFF, 0xFE, 0x00, 0x07, 'h', 'e', 'l', 'l', 'o'}
	tagged = append(append(append([]byte{0xFF, 0xD8}, app1...), payload...), com...)
	tagged = append(tagged, plain[2:]...)
	return plain, tagged
}

func TestStripJPEGRemovesMetadata(t *testing.T) {
	_, tagged := withEXIF(t)
	out, ok := StripJPEG(tagged)
	if !ok {
		t.Fatal("not accepted")
	}
	for _, needle := range []string{"Exif", "GPSLatitude", "hello", "JFIF"} {
		if bytes.Contains(out, []byte(needle)) {
			t.Errorf("%q survived", needle)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("stripped photo does not decode: %v", err)
	}
	if img.Bounds().Dx() != 32 || img.Bounds().Dy() != 24 {
		t.Errorf("size %v", img.Bounds())
	}
}

func TestStripJPEGRefusesGarbage(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("GIF89a"), {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}} {
		if _, ok := StripJPEG(in); ok {
			t.Errorf("accepted %q", in)
		}
	}
}
