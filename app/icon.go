package app

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

var trayIcon = Icon(64)

// Icon draws the Tack mark: a blue rounded square with a white pin ("tack").
// build/appicon.png is generated from it (go run build/gen_icon.go).
func Icon(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x1f, 0x6f, 0xeb, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	s := float64(size)
	r := s * 0.22 // corner radius
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			if !inRounded(fx, fy, s, r) {
				continue
			}
			img.SetNRGBA(x, y, blue)
			// pin head: a disc in the upper half; pin: a bar down the middle
			dx, dy := fx-s*0.5, fy-s*0.38
			head := dx*dx+dy*dy <= (s*0.2)*(s*0.2)
			bar := fx > s*0.455 && fx < s*0.545 && fy > s*0.38 && fy < s*0.82
			top := fx > s*0.3 && fx < s*0.7 && fy > s*0.5 && fy < s*0.58
			if head || bar || top {
				img.SetNRGBA(x, y, white)
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func inRounded(x, y, s, r float64) bool {
	cx := clamp(x, r, s-r)
	cy := clamp(y, r, s-r)
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
