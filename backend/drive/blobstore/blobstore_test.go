package blobstore

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPutOpenVerifyRemove(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("hello chunk")
	h := HashOf(data)
	if s.Has(h) {
		t.Fatal("empty store has the chunk")
	}
	if err := s.Put(h, []byte("other bytes")); err == nil {
		t.Fatal("Put accepted content that does not match its hash")
	}
	if err := s.Put(h, data); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(h, data); err != nil { // idempotent
		t.Fatal(err)
	}
	f, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != string(data) {
		t.Fatalf("read %q", got)
	}
	if err := s.Verify(h); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(h), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(h); err == nil {
		t.Fatal("Verify missed a corrupt chunk")
	}
	n := 0
	_ = s.Walk(func(hash string, size int64, _ time.Time) error { n++; return nil })
	if n != 1 {
		t.Fatalf("walk saw %d chunks", n)
	}
	if err := s.Remove(h); err != nil || s.Has(h) {
		t.Fatalf("remove: %v", err)
	}
	if _, err := s.Open(h); err != ErrNotFound {
		t.Fatalf("open removed chunk: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
		t.Fatalf("temp files left: %v", ents)
	}
}

func TestStagedIsInvisibleUntilInstalled(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	data := []byte("staged")
	st, err := s.Stage(HashOf(data), data)
	if err != nil {
		t.Fatal(err)
	}
	if s.Has(st.Hash) {
		t.Fatal("a staged chunk is visible")
	}
	// An old stray temp file (a killed server) is cleaned on the next Open.
	stray := filepath.Join(dir, "tmp", "stray")
	_ = os.WriteFile(stray, []byte("x"), 0o600)
	old := time.Now().Add(-2 * time.Hour)
	_ = os.Chtimes(stray, old, old)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Fatal("stale temp file survived Open")
	}
	if err := s.Install(st); err != nil || !s.Has(st.Hash) {
		t.Fatalf("install: %v", err)
	}
}
