package blobstore

import (
	"errors"
	"io"
	"testing"
	"time"
)

// A server moving to a new store writes there and still reads what only
// the old one holds; removals and walks touch the new one only.
func TestFallbackReadsOldWritesNew(t *testing.T) {
	t.Parallel()
	oldS, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	newS, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := Fallback{New: newS, Old: oldS}
	before, after := []byte("written before the switch"), []byte("written after the switch")
	if err := oldS.Put(HashOf(before), before); err != nil {
		t.Fatal(err)
	}
	if err := f.Put(HashOf(after), after); err != nil {
		t.Fatal(err)
	}
	if oldS.Has(HashOf(after)) || !newS.Has(HashOf(after)) {
		t.Fatal("the write did not go to the new store only")
	}
	for _, b := range [][]byte{before, after} {
		r, err := f.Open(HashOf(b))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if string(got) != string(b) || !f.Has(HashOf(b)) || f.Verify(HashOf(b)) != nil {
			t.Fatalf("read %q", got)
		}
		if n, err := f.Stat(HashOf(b)); err != nil || n != int64(len(b)) {
			t.Fatalf("Stat = %d, %v", n, err)
		}
	}
	if _, err := f.Open(HashOf([]byte("nowhere"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open of a chunk in neither: %v", err)
	}
	n := 0
	_ = f.Walk(func(string, int64, time.Time) error { n++; return nil })
	if n != 1 {
		t.Fatalf("Walk saw %d chunks, want the new store's 1", n)
	}
	if err := f.Remove(HashOf(before)); err != nil || !oldS.Has(HashOf(before)) {
		t.Fatalf("Remove touched the old store: %v", err)
	}
}
