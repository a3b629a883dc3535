package cli

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// TestAdminBlobsMigrate: `tack admin blobs migrate` copies a live data set's
// chunks to another store, a second run copies nothing, and `admin verify
// --blobs TARGET` is clean on the copy.
func TestAdminBlobsMigrate(t *testing.T) {
	e := servertest.New(t)
	tok, _ := e.Setup()
	var spaces struct{ Items []drive.Space }
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(t, &spaces)
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/drive/files?name=a.txt&parent_id="+spaces.Items[0].RootID, strings.NewReader("hello migrate"))
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := e.HTTP.Client().Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %v %v", resp, err)
	}
	data, target := e.Server.Config.DataDir, filepath.Join(t.TempDir(), "chunks")
	code, out, errOut := run("admin", "blobs", "migrate", "--to", target, "--data-dir", data, "--deep")
	if code != 0 || !strings.Contains(out, "1 referenced chunks") || !strings.Contains(out, "1 copied") {
		t.Fatalf("migrate: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ = run("admin", "blobs", "migrate", "--to", target, "--data-dir", data, "--quiet"); code != 0 || !strings.Contains(out, "0 copied") {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	if code, out, _ = run("admin", "verify", "--data-dir", data, "--blobs", target, "--quiet"); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify on the target: %d %s", code, out)
	}
	if code, _, errOut = run("admin", "blobs", "migrate", "--data-dir", data); code != 1 || !strings.Contains(errOut, "--to is required") {
		t.Fatalf("without --to: %d %s", code, errOut)
	}
	if code, _, errOut = run("admin", "blobs", "copy"); code != 1 || !strings.Contains(errOut, "migrate") {
		t.Fatalf("unknown subcommand: %d %s", code, errOut)
	}
}
