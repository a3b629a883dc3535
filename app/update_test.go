package app

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"tack/backend/clientupdate"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// The desktop's update check against a real team server: a newer signed
// build is announced with its changes, installed over the executable and
// reported ready; a tampered one is refused, reported and not installed.
func TestDesktopUpdateCheck(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	keys, clients := t.TempDir(), t.TempDir()
	priv, pub := filepath.Join(keys, "k"), filepath.Join(keys, "k.pub")
	if err := clientupdate.GenerateKey(priv, pub); err != nil {
		t.Fatal(err)
	}
	sk, _ := clientupdate.LoadPrivateKey(priv)
	pk, _ := clientupdate.LoadPublicKey(pub)
	old := ReleaseKey
	ReleaseKey = clientupdate.EncodePublicKey(pk)
	t.Cleanup(func() { ReleaseKey = old })
	publish := func(version, body string) {
		src := filepath.Join(t.TempDir(), "tack")
		os.WriteFile(src, []byte(body), 0o755)
		if _, err := clientupdate.Publish(clients, src, clientupdate.Release{OS: runtime.GOOS, Arch: runtime.GOARCH, Version: version, Changelog: "Faster sync"}, sk); err != nil {
			t.Fatal(err)
		}
	}
	env := servertest.Start(t, server.Config{DataDir: storetest.SQLiteDataDir(t, server.Migrations()), ClientsDir: clients})
	srv, _ := url.Parse(env.HTTP.URL)
	if runtime.GOOS != "linux" {
		t.Skip("the update is applied by atomic replace on Linux only")
	}
	newApp := func() (*App, *FakeNotifier) {
		notes := &FakeNotifier{}
		exe := filepath.Join(t.TempDir(), "tack")
		os.WriteFile(exe, []byte("installed 1.0.0"), 0o755)
		return &App{ConfigDir: t.TempDir(), Version: "1.0.0", Notifier: notes, exePath: exe}, notes
	}

	publish("1.1.0", "build 1.1.0")
	a, notes := newApp()
	a.checkUpdate(context.Background(), srv)
	if b, _ := os.ReadFile(a.exePath); string(b) != "build 1.1.0" {
		t.Fatalf("executable = %q, want the 1.1.0 build", b)
	}
	sent := notes.All()
	if len(sent) != 2 || sent[0].Title != "Tack: new version 1.1.0 available" || sent[0].Body != "Faster sync" || !strings.Contains(sent[1].Title, "1.1.0 downloaded and verified") {
		t.Fatalf("notifications = %+v", sent)
	}
	if got := a.UpdateState(); got != (UpdateInfo{State: "ready", Version: "1.1.0", Changelog: "Faster sync"}) {
		t.Fatalf("the window's banner would show %+v", got)
	}

	// 1.2.0 is tampered with on the server: refused and reported.
	publish("1.2.0", "build 1.2.0")
	os.WriteFile(filepath.Join(clients, runtime.GOOS+"-"+runtime.GOARCH, "1.2.0", "tack"), []byte("evil! 1.2.0"), 0o755)
	a, notes = newApp()
	a.checkUpdate(context.Background(), srv)
	if b, _ := os.ReadFile(a.exePath); string(b) != "installed 1.0.0" {
		t.Fatalf("a tampered build was installed: %q", b)
	}
	sent = notes.All()
	if len(sent) != 2 || sent[1].Title != "Tack: update 1.2.0 refused" || !strings.Contains(sent[1].Body, "not signed") {
		t.Fatalf("notifications = %+v", sent)
	}
	if got := a.UpdateState(); got.State != "refused" || got.Version != "1.2.0" || got.Reason != "signature" {
		t.Fatalf("the window's banner would show %+v", got)
	}

	// A client newer than the server's build reports the downgrade.
	a, notes = newApp()
	a.Version = "2.0.0"
	a.checkUpdate(context.Background(), srv)
	if sent = notes.All(); len(sent) != 1 || !strings.Contains(sent[0].Body, "not newer than this version (2.0.0)") {
		t.Fatalf("notifications = %+v", sent)
	}
	if got := a.UpdateState(); got.State != "refused" || got.Reason != "downgrade" {
		t.Fatalf("the window's banner would show %+v", got)
	}
	// The next day's check refuses again but does not say it again.
	a.checkUpdate(context.Background(), srv)
	if sent = notes.All(); len(sent) != 1 {
		t.Fatalf("the refusal was repeated: %+v", sent)
	}
}
