package app

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
	"tack/backend/syncagent"
)

// The window's session reaches the server's absolute lifetime: the sync
// agent gets 401. Backups must not stop in silence: every pair says "sign
// in again", so do the tray and one OS notification; once the user signs in
// again in the window, sync resumes by itself.
func TestDesktopSyncAsksToSignInAgainAndResumes(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	r := startAgent(t)
	env, a := r.env, r.app
	r.signInAndWait(t)
	var spaces struct{ Items []syncagent.Space }
	env.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", r.admin, nil).JSON(t, &spaces)
	var company syncagent.Space
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			company = s
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("alpha"), 0o644); err != nil {
		t.Fatal(err)
	}
	a.openDir = func(string) (string, error) { return dir, nil }
	if _, err := a.PickFolder("choose"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Sync.AddPair(AddPairRequest{LocalPath: dir, SpaceID: company.ID, RemoteFolderID: company.RootID, Mode: "backup"}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "synced", func() bool {
		ov, err := a.Sync.SyncStatus()
		return err == nil && len(ov.Pairs) == 1 && ov.Overall == syncagent.StateSynced
	})

	env.Clock.Advance(31 * 24 * time.Hour) // past the 30-day absolute session lifetime
	// The next request the agent makes (a new file to back up) gets 401.
	if err := os.WriteFile(filepath.Join(dir, "a2.txt"), []byte("alpha 2"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "sign in again on the pair", func() bool {
		ov, err := a.Sync.SyncStatus()
		return err == nil && ov.Overall == syncagent.StateSignedOut && ov.Pairs[0].State == syncagent.StateSignedOut
	})
	ov, _ := a.Sync.SyncStatus()
	if it := syncMenu(langEN, ov, nil); it.Status != "Sync: your sign-in expired; sign in again (open Tack)" {
		t.Fatalf("tray says %q", it.Status)
	}
	signedOutNotes := func() int {
		n := 0
		for _, x := range r.notes.All() {
			if x.Title == "Tack: sign in again" && strings.Contains(x.Body, "resumes by itself") {
				n++
			}
		}
		return n
	}
	waitUntil(t, "OS notification", func() bool { return signedOutNotes() == 1 })

	// The user signs in again in the window: a new session, and sync goes on.
	if err := os.WriteFile(filepath.Join(dir, "b.txt"), []byte("beta"), 0o644); err != nil {
		t.Fatal(err)
	}
	signIn(t, r.front)
	admin := env.Login(servertest.AdminEmail, servertest.TestPassword) // the old token expired too
	waitUntil(t, "b.txt on the drive after signing in again", func() bool {
		res := env.Do("GET", "/api/v1/drive/spaces/"+company.ID+"/changes?cursor=", admin, nil)
		return strings.Contains(string(res.Body), `"b.txt"`)
	})
	waitUntil(t, "synced again", func() bool {
		ov, err := a.Sync.SyncStatus()
		return err == nil && ov.Overall == syncagent.StateSynced
	})
	if n := signedOutNotes(); n != 1 {
		t.Fatalf("%d sign-in notifications, want 1", n)
	}
}
