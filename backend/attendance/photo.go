package attendance

import (
	"bytes"
	"encoding/binary"
)

// MaxPhotoBytes bounds a field punch's photo as uploaded.
const MaxPhotoBytes = 5 << 20

// StripJPEG returns the JPEG without its metadata: every APPn segment
// (EXIF with its GPS position, XMP, ICC, maker notes; APP0 JFIF too) and
// COM comments are dropped; the image segments are kept byte for byte. It
// fails on anything that is not a well-formed JPEG.
func StripJPEG(in []byte) ([]byte, bool) {
	if len(in) < 4 || in[0] != 0xFF || in[1] != 0xD8 {
		return nil, false
	}
	out := bytes.NewBuffer(make([]byte, 0, len(in)))
	out.Write([]byte{0xFF, 0xD8})
	i := 2
	for i < len(in) {
		if in[i] != 0xFF {
			return nil, false
		}
		for i < len(in) && in[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(in) {
			return nil, false
		}
		marker := in[i]
		i++
		switch {
		case marker == 0xD9: // EOI
			out.Write([]byte{0xFF, 0xD9})
			return out.Bytes(), true
		case marker >= 0xD0 && marker <= 0xD7, marker == 0x01: // no length
			out.Write([]byte{0xFF, marker})
			continue
		}
		if i+2 > len(in) {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(in[i:]))
		if n < 2 || i+n > len(in) {
			return nil, false
		}
		seg := in[i : i+n]
		i += n
		if (marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE {
			continue // APPn, COM: metadata
		}
		out.Write([]byte{0xFF, marker})
		out.Write(seg)
		if marker == 0xDA { // start of scan: entropy-coded data up to the next marker
			j := i
			for j+1 < len(in) {
				if in[j] == 0xFF && in[j+1] != 0x00 && !(in[j+1] >= 0xD0 && in[j+1] <= 0xD7) {
					break
				}
				j++
			}
			out.Write(in[i:j])
			i = j
		}
	}
	return nil, false
}
