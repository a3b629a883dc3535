package app

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"tack/backend/apperr"
	"tack/backend/syncagent"
)

// TestAddPairTakesOnlyTheFolderJustPicked: whatever runs in the window can
// call Sync.AddPair, but only with the folder the user chose in the native
// chooser just before, once. The home folder a script names, another
// folder, a cancelled choice or a choice already used are refused with a
// translated error, and no pair is added.
func TestAddPairTakesOnlyTheFolderJustPicked(t *testing.T) {
	r := startAgent(t)
	a := r.app
	r.signInAndWait(t)
	var spaces struct{ Items []syncagent.Space }
	r.env.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", r.admin, nil).JSON(t, &spaces)
	company := spaces.Items[0]
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			company = s
		}
	}
	// Stands in for the user's home folder (a real one must not get synced
	// when the check is broken).
	home, chosen, other := t.TempDir(), t.TempDir(), t.TempDir()
	add := func(dir string) error {
		_, err := a.Sync.AddPair(AddPairRequest{LocalPath: dir, SpaceID: company.ID, RemoteFolderID: company.RootID, Mode: "two-way"})
		return err
	}
	refused := func(what string, err error) {
		t.Helper()
		if e, ok := apperr.As(err); !ok || e.Key != "desktop.folder_not_picked" {
			t.Errorf("%s: %v, want desktop.folder_not_picked", what, err)
		}
		if b, _ := FormatError(err).(BindingError); b.Key != "desktop.folder_not_picked" {
			t.Errorf("%s: the window gets %+v", what, FormatError(err))
		}
	}

	refused("nothing chosen, the home folder", add(home))
	a.openDir = func(string) (string, error) { return "", nil } // the user cancels
	if dir, err := a.PickFolder("choose"); dir != "" || err != nil {
		t.Fatalf("cancelled: %q %v", dir, err)
	}
	refused("cancelled, the home folder", add(home))

	a.openDir = func(string) (string, error) { return chosen, nil }
	if dir, err := a.PickFolder("choose"); dir != chosen || err != nil {
		t.Fatalf("chosen: %q %v", dir, err)
	}
	refused("another folder than the one chosen", add(other))
	refused("the home folder", add(home))
	refused("inside the chosen folder", add(filepath.Join(chosen, "sub")))
	if err := add(chosen); err != nil {
		t.Fatalf("the chosen folder: %v", err)
	}
	refused("the chosen folder once more", add(chosen))
	if ps, _ := a.Sync.ListPairs(); len(ps) != 1 || ps[0].LocalPath != chosen {
		t.Errorf("pairs: %+v, want just %s", ps, chosen)
	}

	// A choice is good for a while, not for ever.
	var p pickedFolder
	now := time.Now()
	p.note(other, now)
	if !p.is(other+string(filepath.Separator), now.Add(pickValid-time.Second)) {
		t.Error("a fresh choice is refused")
	}
	if p.is(other, now.Add(pickValid)) {
		t.Error("a stale choice is taken")
	}
}
