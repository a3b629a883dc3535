package blobstore

import (
	"errors"
	"fmt"
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

// TestStageAllInstallAll: chunks staged as a batch are invisible until
// installed; installing them all (one already stored) leaves every chunk
// whole under its name and no temp file behind; a batch with a chunk that
// does not match its hash stages nothing.
func TestStageAllInstallAll(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stored := []byte("already stored")
	if err := s.Put(HashOf(stored), stored); err != nil {
		t.Fatal(err)
	}
	var chunks []Chunk
	for i := range 50 {
		data := []byte(fmt.Sprintf("chunk %d of the batch", i))
		chunks = append(chunks, Chunk{HashOf(data), data})
	}
	bad := append(append([]Chunk(nil), chunks...), Chunk{HashOf(stored), []byte("not it")})
	if _, err := s.StageAll(bad); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("StageAll of mismatching content: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
		t.Fatalf("a failed StageAll left %d temp files", len(ents))
	}
	staged, err := s.StageAll(append(chunks, Chunk{HashOf(stored), stored}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if s.Has(c.Hash) {
			t.Fatal("a staged chunk is visible before Install")
		}
	}
	if err := s.InstallAll(staged); err != nil {
		t.Fatal(err)
	}
	for _, c := range append(chunks, Chunk{HashOf(stored), stored}) {
		if err := s.Verify(c.Hash); err != nil {
			t.Fatal(err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
		t.Fatalf("temp files left: %d", len(ents))
	}
}
