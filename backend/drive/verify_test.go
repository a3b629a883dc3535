package drive_test

import (
	"context"
	"os"
	"testing"

	"tack/backend/drive/blobstore"
	"tack/backend/server/servertest"
)

func TestVerifyFindsMissingAndCorruptChunks(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		a := e.mustPut(e.admin, root, "a.bin", randomData(21, 2<<20))
		b := e.mustPut(e.admin, root, "b.txt", []byte("bee"))
		c := e.mustPut(e.admin, root, "c.txt", []byte("sea"))
		ctx := context.Background()
		rep, err := e.Server.Drive.Verify(ctx, true)
		if err != nil || !rep.OK() || rep.Chunks < 4 {
			t.Fatalf("clean store: %+v %v", rep, err)
		}
		_ = a
		blobs := e.Server.Drive.Blobs().(*blobstore.Local)
		if err := os.Remove(blobs.Path(b.Hash)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(blobs.Path(c.Hash), []byte("sez"), 0o600); err != nil { // same size, wrong bytes
			t.Fatal(err)
		}
		rep, _ = e.Server.Drive.Verify(ctx, false)
		if len(rep.Missing) != 1 || rep.Missing[0] != b.Hash || len(rep.Corrupt) != 0 {
			t.Fatalf("shallow verify %+v", rep)
		}
		rep, _ = e.Server.Drive.Verify(ctx, true)
		if len(rep.Missing) != 1 || len(rep.Corrupt) != 1 || rep.Corrupt[0] != c.Hash {
			t.Fatalf("deep verify %+v", rep)
		}
	})
}
