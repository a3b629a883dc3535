package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// run runs the tack command line and returns the exit code and outputs.
func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Run(context.Background(), Env{Stdout: &out, Stderr: &errOut, Version: "test"}, args)
	return code, out.String(), errOut.String()
}

// TestAdminBackupRestoreVerify drives `tack admin` end to end against a
// running server's data dir: backup (with progress), verify, restore into
// a fresh dir (and a fresh PostgreSQL schema), refusal of a used target,
// and verify's exit code on a damaged chunk.
func TestAdminBackupRestoreVerify(t *testing.T) {
	e := servertest.New(t)
	tok, _ := e.Setup()
	var spaces struct{ Items []drive.Space }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(t, &spaces)
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/drive/files?name=a.txt&parent_id="+spaces.Items[0].RootID, strings.NewReader("hello backup"))
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := e.HTTP.Client().Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %v %v", resp, err)
	}
	data := e.Server.Config.DataDir
	bk := filepath.Join(t.TempDir(), "backups")

	code, out, errOut := run("admin", "backup", "--to", bk, "--data-dir", data)
	if code != 0 || !strings.Contains(out, "complete") || !strings.Contains(out, "1 new") || !strings.Contains(errOut, "backup: chunks 1/1") {
		t.Fatalf("backup: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ = run("admin", "verify", "--data-dir", data, "--quiet"); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify data: %d %s", code, out)
	}
	if code, out, _ = run("admin", "verify", "--backup", bk); code != 0 || !strings.Contains(out, "1 snapshots checked") {
		t.Fatalf("verify backup: %d %s", code, out)
	}

	fresh := filepath.Join(t.TempDir(), "restored")
	if code, out, errOut = run("admin", "restore", "--from", bk, "--data-dir", fresh); code != 0 || !strings.Contains(out, "users") {
		t.Fatalf("restore: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut = run("admin", "restore", "--from", bk, "--data-dir", fresh); code != 1 || !strings.Contains(errOut, "empty") {
		t.Fatalf("second restore into the same dir: %d %s", code, errOut)
	}
	if code, _, errOut = run("admin", "restore", "--from", bk, "--data-dir", data); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("restore over the live data dir: %d %s", code, errOut)
	}
	// Refused for a stray chunk; once the admin clears it, the same dir works.
	busy := filepath.Join(t.TempDir(), "busy")
	bs, err := blobstore.Open(filepath.Join(busy, "drive"))
	if err != nil {
		t.Fatal(err)
	}
	if err := bs.Put(blobstore.HashOf([]byte("stray")), []byte("stray")); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = run("admin", "restore", "--from", bk, "--data-dir", busy, "--quiet"); code != 1 || !strings.Contains(errOut, "chunks") {
		t.Fatalf("restore into a dir with chunks: %d %s", code, errOut)
	}
	if err := bs.Remove(blobstore.HashOf([]byte("stray"))); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = run("admin", "restore", "--from", bk, "--data-dir", busy, "--quiet"); code != 0 {
		t.Fatalf("restore after clearing the dir: %d %s", code, errOut)
	}
	if os.Getenv(storetest.EnvPostgres) != "" || os.Getenv("CI") == "true" {
		dsn := storetest.PostgresDSN(t)
		if code, out, errOut = run("admin", "restore", "--from", bk, "--data-dir", t.TempDir(), "--db", dsn, "--quiet"); code != 0 || !strings.Contains(out, "PostgreSQL") {
			t.Fatalf("restore into PostgreSQL: %d\n%s\n%s", code, out, errOut)
		}
	}

	// A flipped byte in the restored copy: verify exits non-zero and says which chunk.
	var chunk string
	_ = filepath.WalkDir(filepath.Join(fresh, "drive", "chunks"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			chunk = p
		}
		return nil
	})
	b, _ := os.ReadFile(chunk)
	b[0] ^= 1
	if err := os.WriteFile(chunk, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = run("admin", "verify", "--data-dir", fresh, "--quiet"); code != 1 || !strings.Contains(out, "PROBLEM") || !strings.Contains(out, filepath.Base(chunk)) {
		t.Fatalf("verify of a damaged chunk: %d %s", code, out)
	}

	if code, out, _ = run("admin", "-h"); code != 0 || !strings.Contains(out, "restore") {
		t.Fatalf("admin -h: %d %s", code, out)
	}
	if code, _, errOut = run("admin", "backup", "--data-dir", data); code != 1 || !strings.Contains(errOut, "--to is required") {
		t.Fatalf("backup without --to: %d %s", code, errOut)
	}
	if code, _, errOut = run("admin", "backup", "--to", bk, "--data-dir", t.TempDir()); code != 1 || !strings.Contains(errOut, "no Tack database") {
		t.Fatalf("backup of an empty dir: %d %s", code, errOut)
	}
}
