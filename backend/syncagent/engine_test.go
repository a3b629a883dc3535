package syncagent

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tack/backend/apperr"
)

func TestAddPairValidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := New(ctx, Options{DataDir: t.TempDir(), Client: NewClient("http://127.0.0.1:1", "x")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	ok := Pair{LocalPath: root, SpaceID: "s", RemoteFolderID: "f", Mode: "two-way"}
	scenarios := []struct {
		name string
		p    Pair
		key  string
	}{
		{"no folder", Pair{SpaceID: "s", RemoteFolderID: "f"}, "sync.pair_incomplete"},
		{"missing local folder", Pair{LocalPath: filepath.Join(root, "nope"), SpaceID: "s", RemoteFolderID: "f"}, "sync.not_a_folder"},
		{"bad mode", Pair{LocalPath: root, SpaceID: "s", RemoteFolderID: "f", Mode: "sideways"}, "sync.bad_mode"},
	}
	for _, s := range scenarios {
		_, err := e.AddPair(ctx, s.p)
		if ae, ok := apperr.As(err); !ok || ae.Key != s.key {
			t.Errorf("%s: %v, want %s", s.name, err, s.key)
		}
	}
	if len(e.Pairs()) != 0 {
		t.Fatalf("refused pairs were saved: %+v", e.Pairs())
	}
	p, err := e.AddPair(ctx, ok)
	if err != nil || p.ID == "" || p.Mode != ModeTwoWay {
		t.Fatalf("pair %+v, %v", p, err)
	}
	if _, err := e.AddPair(ctx, Pair{LocalPath: filepath.Join(root, "inner"), SpaceID: "s", RemoteFolderID: "g"}); !apperr.IsKind(err, apperr.KindConflict) {
		t.Errorf("a pair inside another pair: %v", err)
	}
	// Pairs survive a restart; removing one forgets it.
	e.Close()
	e2, err := New(ctx, Options{DataDir: e.opts.DataDir, Client: NewClient("http://127.0.0.1:1", "x")})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if ps := e2.Pairs(); len(ps) != 1 || ps[0].ID != p.ID {
		t.Fatalf("pairs after restart %+v", ps)
	}
	if err := e2.RemovePair(ctx, p.ID); err != nil || len(e2.Pairs()) != 0 {
		t.Fatalf("remove: %v", err)
	}
}
