package store

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is Crockford's base32 alphabet: no I, L, O, U, so IDs read aloud
// and typed by hand survive.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

var (
	idMu   sync.Mutex
	lastMS uint64
	lastRn [10]byte
)

// NewID returns a 26-character, lexicographically time-ordered opaque ID
// (ULID layout: 48-bit milliseconds + 80 random bits). IDs made in the same
// millisecond increase monotonically, so ordering by ID is ordering by
// creation, which keyset pagination relies on.
func NewID() string {
	idMu.Lock()
	ms := uint64(time.Now().UnixMilli())
	var rnd [10]byte
	if ms == lastMS {
		rnd = lastRn
		for i := len(rnd) - 1; i >= 0; i-- {
			rnd[i]++
			if rnd[i] != 0 {
				break
			}
		}
	} else {
		if _, err := rand.Read(rnd[:]); err != nil {
			panic("store: crypto/rand failed: " + err.Error())
		}
		rnd[0] &= 0x7f // room to increment within the millisecond
	}
	lastMS, lastRn = ms, rnd
	idMu.Unlock()

	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], ms<<16)
	copy(b[6:], rnd[:])
	return encode(b)
}

func encode(b [16]byte) string {
	// 128 bits as 26 base32 digits, most significant first (top 2 bits padded).
	hi := binary.BigEndian.Uint64(b[0:8])
	lo := binary.BigEndian.Uint64(b[8:16])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
