package app

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tack/backend/syncagent"
)

// fakeDialog answers the native yes/no dialog for the user and records what
// it was asked.
type fakeDialog struct {
	yes   bool
	asked []string
}

func (d *fakeDialog) ask(title, message string) (bool, error) {
	d.asked = append(d.asked, title+" | "+message)
	return d.yes, nil
}

// ConnectRemote asks in a native dialog before the window trusts another
// server: a script in the window cannot switch servers by itself.
func TestConnectRemoteAsksTheUserFirst(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	srv := New(t.TempDir(), nil, "test")
	c, err := srv.CreateLocalWorkspace()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stopLocal()

	dir := t.TempDir()
	a := New(dir, nil, "test")
	d := &fakeDialog{}
	a.ask = d.ask
	if _, err := a.ConnectRemote(c.URL); err != errNotConfirmed {
		t.Fatalf("declined: %v, want errNotConfirmed", err)
	}
	if got, _ := LoadConnection(dir); got.Mode != ModeNone || a.Proxy.Target() != nil {
		t.Fatalf("a declined connect changed the connection: %+v", got)
	}
	if len(d.asked) != 1 || !strings.Contains(d.asked[0], c.URL) {
		t.Fatalf("asked %q", d.asked)
	}
	d.yes = true
	if _, err := a.ConnectRemote(c.URL); err != nil {
		t.Fatal(err)
	}
	if got, _ := LoadConnection(dir); got.Mode != ModeRemote || a.Proxy.Target() == nil {
		t.Fatalf("after yes: %+v", got)
	}
}

// A held mass delete goes ahead only after a yes in the native dialog, not
// because something in the window called ConfirmDeletes.
func TestConfirmDeletesAsksTheUserFirst(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	r := startAgent(t)
	a := r.app
	d := &fakeDialog{}
	a.ask = d.ask
	a.Sync.confirm = a.confirm
	r.signInAndWait(t)
	var spaces struct{ Items []syncagent.Space }
	r.env.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", r.admin, nil).JSON(t, &spaces)
	var company syncagent.Space
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			company = s
		}
	}
	dir := t.TempDir()
	for i := 0; i < 12; i++ {
		if err := os.WriteFile(filepath.Join(dir, "f"+strconv.Itoa(i)), []byte("x"+strconv.Itoa(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a.openDir = func(string) (string, error) { return dir, nil }
	if _, err := a.PickFolder("choose"); err != nil {
		t.Fatal(err)
	}
	pair, err := a.Sync.AddPair(AddPairRequest{LocalPath: dir, SpaceID: company.ID, RemoteFolderID: company.RootID, Mode: "backup"})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "synced", func() bool { ov, err := a.Sync.SyncStatus(); return err == nil && ov.Overall == syncagent.StateSynced })
	for i := 1; i < 12; i++ {
		if err := os.Remove(filepath.Join(dir, "f"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "held deletes", func() bool {
		ov, err := a.Sync.SyncStatus()
		return err == nil && ov.Overall == syncagent.StateNeedsConfirmation && ov.Pairs[0].PendingDelete > 0
	})
	if err := a.Sync.ConfirmDeletes(pair.ID); err != errNotConfirmed {
		t.Fatalf("declined: %v", err)
	}
	if ov, _ := a.Sync.SyncStatus(); ov.Pairs[0].PendingDelete == 0 {
		t.Fatal("the deletes went ahead without a yes")
	}
	if len(d.asked) != 1 || !strings.Contains(d.asked[0], "deleted in "+dir) {
		t.Fatalf("asked %q", d.asked)
	}
	d.yes = true
	if err := a.Sync.ConfirmDeletes(pair.ID); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "deletes done", func() bool {
		ov, err := a.Sync.SyncStatus()
		return err == nil && ov.Pairs[0].PendingDelete == 0
	})
	// Without a dialog at all (nothing wired), nothing is confirmed.
	a.Sync.confirm = nil
	if err := a.Sync.ConfirmOverwrites(pair.ID); err != errNotConfirmed {
		t.Fatalf("no dialog: %v", err)
	}
}
