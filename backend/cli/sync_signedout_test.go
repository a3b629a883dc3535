package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

// A token past the server's absolute session lifetime: `tack sync` does not
// report a 401 per pair or exit 0, it exits non-zero and says to sign in
// again.
func TestSyncOnceWithAnExpiredSessionSaysSignInAgain(t *testing.T) {
	e := servertest.New(t)
	tok, _ := e.Setup()
	var spaces struct {
		Items []struct {
			ID, Kind string
			RootID   string `json:"root_id"`
		}
	}
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", tok, nil).JSON(t, &spaces)
	var spaceID, rootID string
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			spaceID, rootID = s.ID, s.RootID
		}
	}
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "hello.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(31 * 24 * time.Hour) // past the 30-day absolute lifetime
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Version: "test"}
	args := []string{"sync", "--server", e.HTTP.URL, "--token", tok, "--data-dir", t.TempDir(),
		"--pair", local + "=" + spaceID + "/" + rootID + ":backup", "--once"}
	if code := Run(context.Background(), env, args); code == 0 {
		t.Fatalf("exit 0 with an expired session: %s %s", out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "sign in again") || !strings.Contains(errOut.String(), "--token") {
		t.Fatalf("stderr %q, want a clear sign-in-again message", errOut.String())
	}
}
