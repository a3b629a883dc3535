package syncagent

import (
	"context"
	"fmt"
	"testing"
)

// treeSize is how many drive entries the pair's runner keeps in memory.
func treeSize(t *testing.T, e *Engine) int {
	t.Helper()
	r, err := e.runner(e.Pairs()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	r.tree.mu.Lock()
	defer r.tree.mu.Unlock()
	return len(r.tree.byID)
}

// A pair follows only its own drive folder: the rest of the space is
// neither downloaded nor kept in memory, and what is moved into the folder
// on the drive arrives whole, what is moved out goes. Against the real
// server (the test drive ignores the subtree and sends the whole space,
// which the engine must still handle, as with an older server).
func TestPairFollowsOnlyItsFolder(t *testing.T) {
	s := newServerEnv(t)
	ctx := context.Background()
	spaces, err := s.otherC.Spaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rootID string
	for _, sp := range spaces {
		if sp.ID == s.space {
			rootID = sp.RootID
		}
	}
	elsewhere, err := s.otherC.CreateFolder(ctx, rootID, "Elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	inner, err := s.otherC.CreateFolder(ctx, elsewhere.ID, "inner")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := s.otherC.UploadSmall(ctx, elsewhere.ID, fmt.Sprintf("e%02d.txt", i), []byte(fmt.Sprintf("elsewhere %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.otherC.UploadSmall(ctx, inner.ID, "deep.txt", []byte("deep")); err != nil {
		t.Fatal(err)
	}
	e, _ := s.engine(ModeTwoWay, countSent(&sentBytes{}))
	s.write("mine.txt", "mine")
	s.once(e)
	if n := treeSize(t, e); n != 1 {
		t.Fatalf("the pair keeps %d drive entries in memory, want 1 (its own file)", n)
	}

	// Moved in on the drive: arrives whole.
	if _, err := s.otherC.Move(ctx, elsewhere.ID, elsewhere.Version, s.root, ""); err != nil {
		t.Fatal(err)
	}
	s.once(e)
	s.wantLocal("Elsewhere/e07.txt", "elsewhere 7")
	s.wantLocal("Elsewhere/inner/deep.txt", "deep")
	if n := treeSize(t, e); n != 1+1+40+1+1 {
		t.Fatalf("%d drive entries in memory after the move in, want 44", n)
	}

	// Moved out on the drive: goes, locally too (two-way, unchanged here).
	inner, err = s.otherC.Entry(ctx, inner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.otherC.Move(ctx, inner.ID, inner.Version, rootID, ""); err != nil {
		t.Fatal(err)
	}
	s.once(e)
	if _, ok := s.read("Elsewhere/inner/deep.txt"); ok {
		t.Fatal("a folder moved out of the pair's folder on the drive is still here")
	}
	if n := treeSize(t, e); n != 1+1+40 {
		t.Fatalf("%d drive entries in memory after the move out, want 42", n)
	}
}
