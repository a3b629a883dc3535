package chat

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for the images chat makes thumbnails of
	"image/jpeg"
	_ "image/png"
)

// thumbEdge is the longest edge of a thumbnail: enough for the inline
// preview at twice the pixel density of its 160 px box.
const thumbEdge = 320

// maxThumbPixels refuses to decode images that would take hundreds of MB
// of memory (a small file can declare a huge canvas).
const maxThumbPixels = 40_000_000

// thumbnail makes a JPEG no larger than thumbEdge on its longest side from
// an image file and returns it with the image's size; ok is false when the
// bytes are not a decodable image. It uses a box filter (each thumbnail
// pixel is the mean of the source pixels it covers): good enough for a
// preview, and only the standard library.
func thumbnail(data []byte) (out []byte, w, h int, ok bool) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxThumbPixels {
		return nil, 0, 0, false
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, false
	}
	b := src.Bounds()
	w, h = b.Dx(), b.Dy()
	tw, th := w, h
	if w > thumbEdge || h > thumbEdge {
		if w >= h {
			tw, th = thumbEdge, max(1, h*thumbEdge/w)
		} else {
			tw, th = max(1, w*thumbEdge/h), thumbEdge
		}
	}
	// Transparent pixels become white, as on the chat's light background.
	flat := image.NewRGBA(b)
	draw.Draw(flat, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, b, src, b.Min, draw.Over)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range th {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+max((y+1)*h/th, y*h/th+1)
		for x := range tw {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+max((x+1)*w/tw, x*w/tw+1)
			var r, g, bl, n uint32
			for sy := y0; sy < y1; sy++ {
				i := flat.PixOffset(x0, sy)
				for sx := x0; sx < x1; sx++ {
					r += uint32(flat.Pix[i])
					g += uint32(flat.Pix[i+1])
					bl += uint32(flat.Pix[i+2])
					i += 4
					n++
				}
			}
			o := dst.PixOffset(x, y)
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = uint8(r/n), uint8(g/n), uint8(bl/n), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, 0, 0, false
	}
	return buf.Bytes(), w, h, true
}
