package syncagent

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// A folder moved on the drive from one space to another (someone moved it
// in the web UI) leaves the pair of the first space and arrives in the pair
// of the second: the first pair's copy goes (nothing local was changed),
// the second downloads it; an edit there is a new version of the same
// drive file, its history kept; moved back, it converges again. Against
// the real server only: the test drive has a single space.
func TestFolderMovedBetweenSpacesConverges(t *testing.T) {
	s := newServerEnv(t)
	ctx := context.Background()
	c := NewClient(s.url, s.token)
	spaces, err := c.Spaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var personal Space
	for _, sp := range spaces {
		if sp.Kind == "personal" {
			personal = sp
		}
	}
	inbox, err := c.CreateFolder(ctx, personal.RootID, "Inbox")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := s.engine(ModeTwoWay)
	dir2 := t.TempDir()
	if _, err := e.AddPair(ctx, Pair{LocalPath: dir2, SpaceID: personal.ID, RemoteFolderID: inbox.ID, Mode: ModeTwoWay}); err != nil {
		t.Fatal(err)
	}
	read2 := func(rel string) (string, bool) {
		b, err := os.ReadFile(filepath.Join(dir2, filepath.FromSlash(rel)))
		return string(b), err == nil
	}
	s.write("drafts/plan.txt", "plan v1")
	s.write("drafts/sub/x.txt", "x")
	s.write("stays.txt", "stays")
	s.once(e)
	drafts := s.remote()["drafts"]
	plan := s.remote()["drafts/plan.txt"]
	if drafts == nil || plan == nil {
		t.Fatalf("not backed up: %v", s.remote())
	}

	// Moved into the personal space's Inbox.
	if _, err := c.Move(ctx, drafts.EntryID, drafts.Version, inbox.ID, ""); err != nil {
		t.Fatal(err)
	}
	s.once(e)
	if _, ok := s.read("drafts/plan.txt"); ok {
		t.Fatal("the moved folder stayed in the first pair")
	}
	if _, err := os.Stat(filepath.Join(s.dir, "drafts")); !os.IsNotExist(err) {
		t.Fatalf("the moved folder's directory stayed: %v", err)
	}
	s.wantLocal("stays.txt", "stays")
	if got, ok := read2("drafts/plan.txt"); !ok || got != "plan v1" {
		t.Fatalf("second pair has plan.txt = %q (%v)", got, ok)
	}
	if got, ok := read2("drafts/sub/x.txt"); !ok || got != "x" {
		t.Fatalf("second pair has x.txt = %q (%v)", got, ok)
	}

	// Edited in its new place: a new version of the same drive file.
	if err := os.WriteFile(filepath.Join(dir2, "drafts", "plan.txt"), []byte("plan v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.once(e)
	moved, err := c.Entry(ctx, plan.EntryID)
	if err != nil || moved.SpaceID != personal.ID || moved.Version <= plan.Version {
		t.Fatalf("after the edit %+v %v", moved, err)
	}
	if n := versionCount(t, s, plan.EntryID); n != 2 {
		t.Fatalf("%d versions, want 2 (history kept across the move)", n)
	}

	// And back.
	d, err := c.Entry(ctx, drafts.EntryID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Move(ctx, d.ID, d.Version, s.root, ""); err != nil {
		t.Fatal(err)
	}
	s.once(e)
	s.wantLocal("drafts/plan.txt", "plan v2")
	s.wantLocal("drafts/sub/x.txt", "x")
	if _, ok := read2("drafts/plan.txt"); ok {
		t.Fatal("the folder moved back stayed in the second pair")
	}
	for _, st := range e.Status() {
		if st.Error != "" || st.PendingDelete != 0 {
			t.Fatalf("pair status %+v", st)
		}
	}
	s.noTempFiles()
}

func versionCount(t *testing.T, s *syncEnv, id string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", s.url+"/api/v1/drive/files/"+id+"/versions", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Items []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}
