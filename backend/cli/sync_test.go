package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
	"tack/backend/store"
)

// companySpace returns the company drive space's ID and root folder ID.
func companySpace(t *testing.T, e *servertest.Env, tok string) (spaceID, rootID string) {
	t.Helper()
	var spaces struct {
		Items []struct {
			ID, Kind string
			RootID   string `json:"root_id"`
		}
	}
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(t, &spaces)
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			return s.ID, s.RootID
		}
	}
	t.Fatal("no company space")
	return "", ""
}

// TestSyncOnce runs `tack sync --once` against a real in-process server.
func TestSyncOnce(t *testing.T) {
	e := servertest.New(t)
	tok, _ := e.Setup()
	spaceID, rootID := companySpace(t, e, tok)
	var folder struct{ ID string }
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", tok, map[string]string{"parent_id": rootID, "name": "CLI backup"}).JSON(t, &folder)

	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "hello.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Version: "test"}
	args := []string{"sync", "--server", e.HTTP.URL, "--token", tok, "--data-dir", t.TempDir(),
		"--pair", local + "=" + spaceID + "/" + folder.ID + ":backup", "--once"}
	if code := Run(context.Background(), env, args); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "synced") {
		t.Fatalf("output %q", out.String())
	}
	var feed struct {
		Items []struct {
			Entry struct{ Name, ParentID string } `json:"entry"`
		}
	}
	b := e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces/"+spaceID+"/changes?cursor=", tok, nil).Body
	if err := json.Unmarshal(b, &feed); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range feed.Items {
		if it.Entry.Name == "hello.txt" {
			found = true
		}
	}
	if !found {
		t.Fatalf("hello.txt not on the drive: %s", b)
	}
}

// A pair that stops for good (here: its index is corrupt) ends `tack sync`
// with a non-zero exit and says why, instead of running on and backing up
// nothing.
func TestSyncExitsWhenAPairStops(t *testing.T) {
	e := servertest.New(t)
	tok, _ := e.Setup()
	spaceID, rootID := companySpace(t, e, tok)
	local, data := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "hello.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Version: "test"}
	base := []string{"sync", "--server", e.HTTP.URL, "--token", tok, "--data-dir", data}
	if code := Run(context.Background(), env, append(base, "--pair", local+"="+spaceID+"/"+rootID+":backup", "--once")); code != 0 {
		t.Fatalf("first run: exit %d: %s %s", code, out.String(), errOut.String())
	}
	db, err := store.Open(context.Background(), store.Config{DataDir: filepath.Join(data, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`UPDATE sync_files SET chunks = '{not json'`).Error; err != nil {
		t.Fatal(err)
	}
	_ = store.Close(db)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out.Reset()
	errOut.Reset()
	code := Run(ctx, env, base) // serving, as a service runs it
	if ctx.Err() != nil {
		t.Fatal("tack sync ran on after its only pair stopped")
	}
	if code == 0 || !strings.Contains(errOut.String(), "stopped") || !strings.Contains(errOut.String(), "load index") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
