package drive

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"tack/backend/drive/blobstore"
)

// TestRunHashBounds: chunks that arrive early beyond the memory bound are
// not kept but read back from the store in turn (the hash stays exact), and
// the set of tracked uploads is bounded: a full set drops the upload idle
// longest, whose commit then has no running hash (a full re-read).
func TestRunHashBounds(t *testing.T) {
	t.Parallel()
	store, err := blobstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := newRunHashes(func(h string) (io.ReadCloser, error) { return store.Open(h) })
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

	// 6 chunks of 16 MiB: the last five arrive first (80 MiB, over the
	// 64 MiB an upload may hold), then the first.
	const size = 16 << 20
	var order []string
	whole := sha256.New()
	data := map[string][]byte{}
	for i := range 6 {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(i*7 + j%251)
		}
		h := blobstore.HashOf(b)
		if err := store.Put(h, b); err != nil {
			t.Fatal(err)
		}
		order = append(order, h)
		data[h] = b
		whole.Write(b)
	}
	sum := hex.EncodeToString(whole.Sum(nil))
	rs.start("u", order, order, now, now.Add(time.Hour))
	for _, h := range order[1:] {
		rs.received("u", now, map[string][]byte{h: data[h]})
	}
	if got := rs.m["u"].held; got > runHashMaxPending {
		t.Fatalf("holds %d early bytes, bound %d", got, runHashMaxPending)
	}
	rs.received("u", now, map[string][]byte{order[0]: data[order[0]]})
	got, ok := rs.finish("u", 6*size)
	if got != sum || !ok {
		t.Fatalf("finish: sum %q ok %v, want %q", got, ok, sum)
	}
	// The last chunk did not fit, nor the first once four were held.
	if got := rs.stored.Load(); got != 2*size {
		t.Fatalf("read %d bytes from the store, want the two chunks over the bound (%d)", got, 2*size)
	}
	if got := rs.pending.Load(); got != 0 {
		t.Fatalf("%d early bytes still counted after the hash completed", got)
	}
	if got, ok := rs.finish("u", 6*size+1); got != "" || !ok {
		t.Fatalf("a wrong size: sum %q ok %v", got, ok)
	}
	rs.forget("u")

	// A full set drops the upload touched longest ago.
	for i := range runHashMaxUploads {
		rs.start(string(rune('A'+i)), order[:1], order[:1], now.Add(time.Duration(i)*time.Second), now.Add(time.Hour))
	}
	rs.received("A", now.Add(time.Hour/2), nil) // A is busy again: B is idle longest
	rs.start("new", order[:1], order[:1], now.Add(time.Minute), now.Add(2*time.Hour))
	if rs.get("A", time.Time{}) == nil || rs.get("B", time.Time{}) != nil || rs.get("new", time.Time{}) == nil {
		t.Fatal("the full set did not drop the upload idle longest")
	}
	if _, ok := rs.finish("B", size); ok {
		t.Fatal("a dropped upload claimed a running hash")
	}
	// Expired ones go first.
	rs.start("late", order[:1], order[:1], now.Add(90*time.Minute), now.Add(3*time.Hour))
	if rs.get("A", time.Time{}) != nil || rs.get("new", time.Time{}) == nil {
		t.Fatal("expired uploads were kept")
	}
}
