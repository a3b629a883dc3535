package blobstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"tack/backend/drive/blobstore/s3test"
)

// store is one implementation under the contract, with a way to damage a
// chunk behind the store's back (what a failing disk or a tampered bucket
// does).
type store struct {
	Store
	corrupt func(t *testing.T, hash string, data []byte)
}

// eachStore runs fn against a fresh Local directory and a fresh prefix of
// the S3-compatible server at TACK_TEST_S3 (scripts/s3-server.sh starts
// one). Without the variable the S3 half is skipped, or fails under CI=true.
func eachStore(t *testing.T, fn func(t *testing.T, s store)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		l, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, store{Store: l, corrupt: func(t *testing.T, hash string, data []byte) {
			if err := os.WriteFile(l.Path(hash), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}})
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		s := testS3(t)
		fn(t, store{Store: s, corrupt: func(t *testing.T, hash string, data []byte) {
			_, err := s.c.PutObject(context.Background(), s.cfg.Bucket, s.key(hash), bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
		}})
	})
}

// testBucket is the bucket the tests use (made when missing); each test
// works under its own random prefix.
const testBucket = s3test.Bucket

// testS3 opens a store on TACK_TEST_S3 (an endpoint URL such as
// http://127.0.0.1:8333; credentials from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY) under a prefix of its own.
func testS3(t *testing.T) *S3 {
	t.Helper()
	endpoint := s3test.Endpoint(t)
	s3test.Client(t, endpoint) // the bucket, on a fresh server
	cfg := S3Config{Endpoint: endpoint, Region: "us-east-1", PathStyle: true, Bucket: testBucket,
		Prefix: s3test.Prefix("t") + "/", Timeout: 30 * time.Second}
	if _, err := OpenS3(context.Background(), S3Config{Endpoint: endpoint, Region: "us-east-1", PathStyle: true, Bucket: "tack-no-such-bucket"}); err == nil {
		t.Fatal("OpenS3 accepted a bucket that does not exist")
	}
	s, err := OpenS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContractRoundTrip(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s store) {
		data := randomBytes(t, 1<<20)
		h := HashOf(data)
		if s.Has(h) {
			t.Fatal("empty store has the chunk")
		}
		if _, err := s.Stat(h); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Stat of a missing chunk: %v, want ErrNotFound", err)
		}
		if _, err := s.Open(h); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Open of a missing chunk: %v, want ErrNotFound", err)
		}
		if _, err := s.Open("../../etc/passwd"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Open of a bad name: %v, want ErrNotFound", err)
		}
		if err := s.Put(h, []byte("other bytes")); !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("Put of content that does not match its hash: %v", err)
		}
		for range 2 { // idempotent
			if err := s.Put(h, data); err != nil {
				t.Fatal(err)
			}
		}
		if !s.Has(h) {
			t.Fatal("Has is false after Put")
		}
		if n, err := s.Stat(h); err != nil || n != int64(len(data)) {
			t.Fatalf("Stat = %d, %v", n, err)
		}
		r, err := s.Open(h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes (%v), want the %d put", len(got), err, len(data))
		}
		// A Range request reads at an offset.
		part := make([]byte, 1000)
		if n, err := r.ReadAt(part, 700_000); n != len(part) || (err != nil && err != io.EOF) || !bytes.Equal(part, data[700_000:701_000]) {
			t.Fatalf("ReadAt = %d, %v", n, err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Verify(h); err != nil {
			t.Fatal(err)
		}
		if err := s.Remove(h); err != nil {
			t.Fatal(err)
		}
		if err := s.Remove(h); err != nil { // missing is fine
			t.Fatal(err)
		}
		if s.Has(h) {
			t.Fatal("Has after Remove")
		}
		if err := s.Verify(h); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Verify of a removed chunk: %v", err)
		}
	})
}

func TestContractStageInstallDiscard(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s store) {
		var chunks []Chunk
		for i := range 5 {
			d := randomBytes(t, 1000+i)
			chunks = append(chunks, Chunk{Hash: HashOf(d), Data: d})
		}
		bad := append([]Chunk{}, chunks[:2]...)
		bad = append(bad, Chunk{Hash: chunks[3].Hash, Data: []byte("nope")})
		if _, err := s.StageAll(bad); !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("StageAll with a wrong hash: %v", err)
		}
		staged, err := s.StageAll(chunks)
		if err != nil {
			t.Fatal(err)
		}
		// The caller may reuse its buffers once staged.
		want := bytes.Clone(chunks[0].Data)
		for i := range chunks[0].Data {
			chunks[0].Data[i] = 0
		}
		for _, c := range chunks {
			if s.Has(c.Hash) {
				t.Fatal("a staged chunk is visible before Install")
			}
		}
		s.Discard(staged[4])
		if err := s.InstallAll(staged[:4]); err != nil {
			t.Fatal(err)
		}
		for i, c := range chunks {
			if s.Has(c.Hash) != (i < 4) {
				t.Fatalf("chunk %d: Has = %v", i, s.Has(c.Hash))
			}
		}
		r, err := s.Open(chunks[0].Hash)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(got, want) {
			t.Fatal("the store kept the caller's buffer instead of the staged bytes")
		}
		seen := map[string]int64{}
		if err := s.Walk(func(h string, size int64, mod time.Time) error {
			seen[h] = size
			if time.Since(mod) > time.Hour || time.Until(mod) > time.Hour {
				t.Errorf("chunk %s modified at %s", h, mod)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 4 {
			t.Fatalf("Walk saw %d chunks, want 4: %v", len(seen), seen)
		}
		for i, c := range chunks[:4] {
			if seen[c.Hash] != int64(1000+i) {
				t.Fatalf("Walk: chunk %d has size %d, want %d", i, seen[c.Hash], 1000+i)
			}
		}
	})
}

func TestContractConcurrentWritersOfOneChunk(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s store) {
		data := randomBytes(t, 256<<10)
		h := HashOf(data)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() { errs <- s.Put(h, bytes.Clone(data)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Verify(h); err != nil {
			t.Fatal(err)
		}
	})
}

func TestContractCorruptChunkFailsLoudly(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s store) {
		data := randomBytes(t, 4096)
		h := HashOf(data)
		if err := s.Put(h, data); err != nil {
			t.Fatal(err)
		}
		flipped := bytes.Clone(data)
		flipped[100] ^= 0xff // same size, wrong bytes
		s.corrupt(t, h, flipped)
		if err := s.Verify(h); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Verify of a corrupt chunk: %v, want ErrCorrupt", err)
		}
		if _, ok := s.Store.(*S3); ok {
			// S3 checks every read: a damaged object never reaches a reader.
			if _, err := s.Open(h); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open of a corrupt object: %v, want ErrCorrupt", err)
			}
		}
		// A truncated chunk: Stat shows the size the database compares.
		s.corrupt(t, h, data[:10])
		if n, err := s.Stat(h); err != nil || n != 10 {
			t.Fatalf("Stat of a truncated chunk = %d, %v", n, err)
		}
	})
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
