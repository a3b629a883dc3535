package cli

import (
	"bytes"
	"context"
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
	spaceID, rootID := companySpace(t, e, tok)
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

// Served as a service runs it, `tack sync` ends with an error when its
// session expires, so the service manager sees it, instead of running on
// and backing up nothing.
func TestSyncServeExitsWhenTheSessionExpires(t *testing.T) {
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
	e.Clock.Advance(31 * 24 * time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out.Reset()
	errOut.Reset()
	code := Run(ctx, env, base)
	if ctx.Err() != nil {
		t.Fatal("tack sync ran on after its session expired")
	}
	if code == 0 || !strings.Contains(errOut.String(), "sign in again") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
