package clientupdate_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"tack/backend/clientupdate"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// world is a team server with a clients directory and the release key.
type world struct {
	dir  string // clients dir
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	srv  *url.URL
	env  *servertest.Env
}

func newWorld(t *testing.T) *world {
	t.Helper()
	keys := t.TempDir()
	privPath, pubPath := filepath.Join(keys, "release.key"), filepath.Join(keys, "release.pub")
	if err := clientupdate.GenerateKey(privPath, pubPath); err != nil {
		t.Fatal(err)
	}
	if err := clientupdate.GenerateKey(privPath, pubPath+"2"); err == nil {
		t.Fatal("GenerateKey overwrote an existing private key")
	}
	priv, err := clientupdate.LoadPrivateKey(privPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := clientupdate.LoadPublicKey(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	// The key as built into a client (ldflags) reads back the same.
	if k, err := clientupdate.ParsePublicKey(clientupdate.EncodePublicKey(pub)); err != nil || !k.Equal(pub) {
		t.Fatalf("ParsePublicKey(EncodePublicKey) = %v, %v", k, err)
	}
	w := &world{dir: t.TempDir(), priv: priv, pub: pub}
	w.env = servertest.Start(t, server.Config{DataDir: storetest.SQLiteDataDir(t, server.Migrations()), ClientsDir: w.dir})
	w.srv, _ = url.Parse(w.env.HTTP.URL)
	return w
}

// publish signs a build whose content is body.
func (w *world) publish(t *testing.T, version, body string, key ed25519.PrivateKey) clientupdate.Release {
	t.Helper()
	src := filepath.Join(t.TempDir(), "tack")
	if err := os.WriteFile(src, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := clientupdate.Publish(w.dir, src, clientupdate.Release{OS: "linux", Arch: "amd64", Version: version, Changelog: "修复 " + version}, key)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// client is an installed client of version, with its executable on disk.
func (w *world) client(t *testing.T, version string) *clientupdate.Updater {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "tack")
	if err := os.WriteFile(exe, []byte("installed "+version), 0o755); err != nil {
		t.Fatal(err)
	}
	return &clientupdate.Updater{Server: w.srv, Key: w.pub, Version: version, OS: "linux", Arch: "amd64",
		Dir: filepath.Join(t.TempDir(), "updates"), Exe: exe}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUpdateFlow: two signed builds on a real server; an older client
// finds the newest, downloads, verifies and installs it by atomic replace;
// the current one finds nothing to do.
func TestUpdateFlow(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.publish(t, "1.1.0", "build 1.1.0", w.priv)
	w.publish(t, "1.2.0", "build 1.2.0", w.priv)
	// A windows build must not be offered to Linux.
	src := filepath.Join(t.TempDir(), "tack-setup.exe")
	os.WriteFile(src, []byte("installer 9.9.9"), 0o644)
	if _, err := clientupdate.Publish(w.dir, src, clientupdate.Release{OS: "windows", Arch: "amd64", Version: "9.9.9", Installer: true}, w.priv); err != nil {
		t.Fatal(err)
	}
	// Publishing the same version twice is refused.
	os.WriteFile(src, []byte("other"), 0o644)
	if _, err := clientupdate.Publish(w.dir, src, clientupdate.Release{OS: "windows", Arch: "amd64", Version: "9.9.9"}, w.priv); err == nil {
		t.Fatal("a published version was replaced")
	}

	c := w.client(t, "1.0.0")
	ctx := context.Background()
	r, err := c.Check(ctx)
	if err != nil || r == nil || r.Version != "1.2.0" || r.Changelog != "修复 1.2.0" {
		t.Fatalf("Check = %+v, %v; want 1.2.0", r, err)
	}
	staged, err := c.Download(ctx, *r)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(*r, staged); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, c.Exe); got != "build 1.2.0" {
		t.Fatalf("executable after update = %q", got)
	}
	if st, _ := os.Stat(c.Exe); st.Mode().Perm()&0o100 == 0 {
		t.Fatalf("updated executable mode %v is not executable", st.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(c.Exe), ".tack.update-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left next to the executable: %v", left)
	}

	// The client now at 1.2.0 has nothing to do.
	if r, err := w.client(t, "1.2.0").Check(ctx); r != nil || err != nil {
		t.Fatalf("up-to-date Check = %+v, %v", r, err)
	}
	// A development build (no version) never updates itself.
	if r, err := w.client(t, "3067875").Check(ctx); r != nil || err != nil {
		t.Fatalf("dev build Check = %+v, %v; want nothing", r, err)
	}
	// Without a pinned key nothing is installed.
	nokey := w.client(t, "1.0.0")
	nokey.Key = nil
	if _, err := nokey.Check(ctx); !errors.Is(err, clientupdate.ErrNoKey) {
		t.Fatalf("keyless Check err = %v", err)
	}
}

// TestUpdateRefusals: a downgrade, a tampered file, a build signed by
// another key and an old build relabelled as new are all refused, and the
// installed executable is untouched.
func TestUpdateRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("downgrade", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.publish(t, "1.2.0", "build 1.2.0", w.priv)
		c := w.client(t, "1.3.0")
		r, err := c.Check(ctx)
		if !errors.Is(err, clientupdate.ErrDowngrade) {
			t.Fatalf("Check = %+v, %v; want ErrDowngrade", r, err)
		}
		if _, err := c.Download(ctx, *r); !errors.Is(err, clientupdate.ErrDowngrade) {
			t.Fatalf("Download of an older build: %v", err)
		}
	})

	t.Run("tampered file", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		r := w.publish(t, "1.3.0", "build 1.3.0", w.priv)
		// Same size, other bytes: only the checksum can tell.
		os.WriteFile(filepath.Join(w.dir, "linux-amd64", "1.3.0", r.File), []byte("evil! 1.3.0"), 0o755)
		c := w.client(t, "1.0.0")
		got, err := c.Check(ctx)
		if err != nil {
			t.Fatalf("Check: %v (the metadata is intact)", err)
		}
		if _, err := c.Download(ctx, *got); !errors.Is(err, clientupdate.ErrBadSignature) {
			t.Fatalf("Download of a tampered build: %v, want ErrBadSignature", err)
		}
		if readFile(t, c.Exe) != "installed 1.0.0" {
			t.Fatal("the executable changed")
		}
		if staged, _ := os.ReadDir(c.Dir); len(staged) != 0 {
			t.Fatalf("a tampered download stayed staged: %v", staged)
		}
	})

	t.Run("other key", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		_, attacker, _ := ed25519.GenerateKey(nil)
		w.publish(t, "1.4.0", "build 1.4.0", attacker)
		r, err := w.client(t, "1.0.0").Check(ctx)
		if !errors.Is(err, clientupdate.ErrBadSignature) {
			t.Fatalf("Check = %+v, %v; want ErrBadSignature", r, err)
		}
	})

	t.Run("relabelled version", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.publish(t, "1.1.0", "build 1.1.0", w.priv)
		// Copy the 1.1.0 folder as 1.5.0, changing only the version.
		from, to := filepath.Join(w.dir, "linux-amd64", "1.1.0"), filepath.Join(w.dir, "linux-amd64", "1.5.0")
		os.MkdirAll(to, 0o755)
		os.WriteFile(filepath.Join(to, "tack"), []byte(readFile(t, filepath.Join(from, "tack"))), 0o755)
		var r clientupdate.Release
		json.Unmarshal([]byte(readFile(t, filepath.Join(from, "release.json"))), &r)
		r.Version = "1.5.0"
		b, _ := json.Marshal(r)
		os.WriteFile(filepath.Join(to, "release.json"), b, 0o644)
		got, err := w.client(t, "1.0.0").Check(ctx)
		if !errors.Is(err, clientupdate.ErrBadSignature) || got.Version != "1.5.0" {
			t.Fatalf("Check = %+v, %v; want 1.5.0 refused with ErrBadSignature", got, err)
		}
	})
}

// TestDownloadsAPI: the public list and file routes, and names that do not
// reach the file system.
func TestDownloadsAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.publish(t, "1.1.0", "build 1.1.0", w.priv)
	os.WriteFile(filepath.Join(w.dir, "secret.txt"), []byte("secret"), 0o644)
	var list struct {
		Releases []clientupdate.Release `json:"releases"`
	}
	w.env.Must(http.StatusOK, "GET", "/api/v1/clients", "", nil).JSON(t, &list)
	if len(list.Releases) != 1 || list.Releases[0].URL != "/api/v1/clients/linux/amd64/1.1.0/tack" {
		t.Fatalf("releases = %+v", list.Releases)
	}
	res := w.env.Must(http.StatusOK, "GET", list.Releases[0].URL, "", nil)
	if !bytes.Equal(res.Body, []byte("build 1.1.0")) || res.Header.Get("Content-Disposition") != `attachment; filename="tack"` {
		t.Fatalf("download = %q %v", res.Body, res.Header)
	}
	for _, p := range []string{
		"/api/v1/clients/linux/amd64/1.1.0/release.json",
		"/api/v1/clients/linux/amd64/1.1.0/other",
		"/api/v1/clients/linux/amd64/..%2F..%2Fsecret.txt/tack",
		"/api/v1/clients/linux/amd64/1.2.0/tack",
		"/api/v1/clients/linux/amd64/1.1.0/..%2F..%2F..%2Fsecret.txt",
	} {
		if res := w.env.Do("GET", p, "", nil); res.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d %s, want 404", p, res.Status, res.Body)
		}
	}
}

// TestNewer is the version order: numbers compared as numbers, anything
// unparsable never newer.
func TestNewer(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		a, b string
		want bool
	}{
		{"1.2.0", "1.1.9", true},
		{"1.10.0", "1.9.0", true},
		{"v2.0.0", "1.99.99", true},
		{"1.2.0", "1.2.0", false},
		{"1.1.0", "1.2.0", false},
		{"1.2", "1.1.5", true},
		{"1.2.1-rc1", "1.2.0", true},
		{"abc123", "1.0.0", false},
		{"1.0.0", "abc123", false},
		{"1.0.0.0", "0.9", false},
		{"3067875", "1.0.0", false}, // a commit hash of digits only
	}
	for _, s := range scenarios {
		if got := clientupdate.Newer(s.a, s.b); got != s.want {
			t.Errorf("Newer(%q, %q) = %v, want %v", s.a, s.b, got, s.want)
		}
	}
}
