package cli

import (
	"context"
	"net"
	"strings"
	"testing"

	"tack/backend/store"
)

// TestDemoBusyPortLoadsNothing: `tack demo` on a port already in use fails
// before it loads the demo company, so no workspace is left behind whose
// accounts were never printed.
func TestDemoBusyPortLoadsNothing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	code, out, errOut := run("demo", "--addr", busy.Addr().String(), "--data-dir", dir)
	if code == 0 {
		t.Fatalf("demo on a busy port exited 0: %s", out)
	}
	if strings.Contains(out, "admin@demo.tack") || strings.Contains(out, "demo: loaded") {
		t.Fatalf("demo loaded the company before binding the port:\n%s\n%s", out, errOut)
	}
	// The workspace is still empty: nobody was loaded.
	db, err := store.Open(context.Background(), store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(db)
	var users int64
	if err := db.Table("users").Count(&users).Error; err != nil {
		t.Fatal(err)
	}
	if users != 0 {
		t.Fatalf("%d users loaded by a demo that could not bind its port", users)
	}
}
