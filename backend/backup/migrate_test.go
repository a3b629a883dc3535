package backup_test

import (
	"context"
	"errors"
	"testing"

	"tack/backend/backup"
	"tack/backend/drive/blobstore"
	"tack/backend/drive/blobstore/s3test"
	"tack/backend/server/servertest"
)

// migrateTargets are the stores MigrateBlobs is tested into: a directory,
// and a fresh prefix of the S3 server at TACK_TEST_S3 (skipped without it,
// failed under CI=true).
func migrateTargets(t *testing.T) map[string]func(t *testing.T) blobstore.Store {
	return map[string]func(t *testing.T) blobstore.Store{
		"dir": func(t *testing.T) blobstore.Store {
			s, err := blobstore.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"s3": func(t *testing.T) blobstore.Store {
			endpoint := s3test.Endpoint(t)
			s3test.Client(t, endpoint) // the bucket, on a fresh server
			s, err := blobstore.OpenSpec("s3://"+s3test.Bucket+"/"+s3test.Prefix("migrate"), "", blobstore.S3Config{Endpoint: endpoint, Region: "us-east-1", PathStyle: true})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

// TestMigrateBlobs: every chunk reaches the target checked, the data set
// verifies clean on it, a second run copies nothing, a run after the
// target lost a chunk copies just that one, and a damaged source chunk
// stops the run instead of being copied.
func TestMigrateBlobs(t *testing.T) {
	t.Parallel()
	for name, open := range migrateTargets(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			to := open(t)
			e := servertest.New(t)
			w := seed(t, e)
			ctx, src := context.Background(), w.source()
			rep, err := backup.MigrateBlobs(ctx, src, to, backup.MigrateOptions{Deep: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Referenced < 3 || rep.Copied != rep.Referenced {
				t.Fatalf("first run: %+v", rep)
			}
			moved := backup.Source{DB: src.DB, Blobs: to}
			if v, err := backup.VerifyData(ctx, moved, nil); err != nil || !v.OK() || v.Referenced != rep.Referenced {
				t.Fatalf("verify on the target: %+v, %v", v, err)
			}
			assertNoHolds(t, e)

			again, err := backup.MigrateBlobs(ctx, src, to, backup.MigrateOptions{})
			if err != nil || again.Copied != 0 {
				t.Fatalf("second run copied %+v, %v", again, err)
			}
			// Resume: the target lost one chunk (an interrupted run), and a
			// file was written to the old store meanwhile.
			f := w.put("late.txt", []byte("written before the switch-over"))
			if err := to.Remove(blobHash("重要文件定期备份到独立存储。\n")); err != nil {
				t.Fatal(err)
			}
			third, err := backup.MigrateBlobs(ctx, src, to, backup.MigrateOptions{})
			if err != nil || third.Copied != 2 || !to.Has(f.Hash) {
				t.Fatalf("resumed run: %+v, %v", third, err)
			}

			// A damaged source chunk is never copied.
			g := w.put("damaged.txt", []byte("this will be damaged"))
			flip(t, src.Blobs.(*blobstore.Local).Path(g.Hash))
			if _, err := backup.MigrateBlobs(ctx, src, to, backup.MigrateOptions{}); !errors.Is(err, backup.ErrChunkCorrupt) {
				t.Fatalf("migrate with a damaged source chunk: %v", err)
			}
			if to.Has(g.Hash) {
				t.Fatal("the damaged chunk reached the target")
			}
			assertNoHolds(t, e)
		})
	}
}
