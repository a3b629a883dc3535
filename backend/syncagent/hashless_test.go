package syncagent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// startRecorder keeps the body of every upload announcement
// (POST drive/uploads) the agent sends.
type startRecorder struct {
	next http.RoundTripper
	mu   gosync.Mutex
	reqs []UploadRequest
}

func (s *startRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == "POST" && r.URL.Path == "/api/v1/drive/uploads" && r.Body != nil {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var req UploadRequest
		_ = json.Unmarshal(raw, &req)
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
	}
	return s.next.RoundTrip(r)
}

func (s *startRecorder) starts() []UploadRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]UploadRequest(nil), s.reqs...)
}

func recordStarts(rec *startRecorder) func(*Options) {
	return func(o *Options) {
		rec.next = http.DefaultTransport
		o.Client.HTTP = &http.Client{Transport: rec}
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestBigFileSentWithoutWholeHash: the scan reads a big file for its chunks
// only, the upload is announced without the whole content's SHA-256 and
// the drive's hash (computed from the checked chunks) is what the agent
// records. A touch (new mtime, same content) and a rename of the file then
// send no content and make no new version: the chunk list, equal to the
// recorded one, stands for the hash. On the old code the announcement
// carried the hash (the agent hashed every byte twice).
func TestBigFileSentWithoutWholeHash(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		data := seededBytes(7, 6<<20)
		if err := os.WriteFile(filepath.Join(s.dir, "big.bin"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rec := &startRecorder{}
		e, _ := s.engine(ModeTwoWay, recordStarts(rec))
		s.once(e)
		starts := rec.starts()
		if len(starts) != 1 || starts[0].Hash != "" || (!starts[0].Open && len(starts[0].Chunks) < 2) {
			t.Fatalf("announcements %d (first with hash %q): want one, without the hash, open or with the chunks", len(starts), hashOf(starts))
		}
		want := sha256Hex(data)
		r := s.remote()["big.bin"]
		if r == nil || r.Hash != want {
			t.Fatalf("drive entry %+v: want hash %s", r, want)
		}
		if got, _ := s.remoteRead("big.bin"); got != string(data) {
			t.Fatal("the drive's content differs")
		}

		// Same content, new mtime: read again, nothing sent.
		later := time.Now().Add(time.Hour)
		if err := os.Chtimes(filepath.Join(s.dir, "big.bin"), later, later); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		if got := len(rec.starts()); got != 1 {
			t.Fatalf("a touch announced %d more uploads", got-1)
		}
		if r2 := s.remote()["big.bin"]; r2 == nil || r2.Version != r.Version {
			t.Fatalf("a touch made a new version: %+v, was %d", r2, r.Version)
		}

		// A rename: a move on the drive, same entry, no upload.
		if err := os.Mkdir(filepath.Join(s.dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		s.renameLocal("big.bin", "sub/moved.bin")
		s.once(e)
		if got := len(rec.starts()); got != 1 {
			t.Fatalf("a rename announced %d more uploads", got-1)
		}
		rem := s.remote()
		if m := rem["sub/moved.bin"]; m == nil || m.EntryID != r.EntryID || m.Hash != want || rem["big.bin"] != nil {
			t.Fatalf("after the rename: moved %+v, old %+v; want entry %s moved", m, rem["big.bin"], r.EntryID)
		}
	})
}

func hashOf(reqs []UploadRequest) string {
	if len(reqs) == 0 {
		return ""
	}
	return reqs[0].Hash
}

// TestBigFileOnBothSidesIsNotAConflict: a folder paired with a drive folder
// that holds the same big file already (no base to say they agree). The
// scan did not hash it whole, so the agent hashes it before acting: the
// same content is recorded, not uploaded again nor kept as a conflict.
func TestBigFileOnBothSidesIsNotAConflict(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		data := seededBytes(8, 5<<20)
		s.remoteWrite("same.bin", string(data))
		r := s.remote()["same.bin"]
		if err := os.WriteFile(filepath.Join(s.dir, "same.bin"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rec := &startRecorder{}
		e, _ := s.engine(ModeTwoWay, recordStarts(rec))
		s.once(e)
		if n := len(rec.starts()); n != 0 {
			t.Fatalf("%d uploads announced for content the drive has", n)
		}
		rem := s.remote()
		if len(rem) != 1 || rem["same.bin"] == nil || rem["same.bin"].Version != r.Version {
			t.Fatalf("the drive changed: %d entries, same.bin %+v (was version %d)", len(rem), rem["same.bin"], r.Version)
		}
		ents, _ := os.ReadDir(s.dir)
		for _, d := range ents {
			if d.Name() != "same.bin" && !strings.HasPrefix(d.Name(), ".") {
				t.Fatalf("a local file %s appeared (a conflict copy?)", d.Name())
			}
		}
	})
}

// TestBigFileToAnOlderServerSendsTheHash: a server from before hashless
// uploads refuses the announcement; the agent reads the file for its hash
// and announces again.
func TestBigFileToAnOlderServerSendsTheHash(t *testing.T) {
	s := newFakeEnv(t)
	s.fake.wantHash, s.fake.noOpen = true, true
	data := seededBytes(9, 5<<20)
	if err := os.WriteFile(filepath.Join(s.dir, "big.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &startRecorder{}
	e, _ := s.engine(ModeBackup, recordStarts(rec))
	s.once(e)
	want := sha256Hex(data)
	starts := rec.starts()
	// Open (streamed), then in full without the hash, then with it.
	if len(starts) != 3 || !starts[0].Open || starts[1].Hash != "" || starts[1].Open || starts[2].Hash != want {
		t.Fatalf("%d announcements: want an open one, one without the hash, then one with it", len(starts))
	}
	if r := s.remote()["big.bin"]; r == nil || r.Hash != want {
		t.Fatalf("drive entry %+v: want hash %s", r, want)
	}
}

// TestDownloadedBigFileTouchedThenChangedOnTheDrive: a big file that came
// down from the drive has no chunk list in its base, so after a touch the
// scan cannot tell its content from its chunks. A touch alone sends
// nothing; a touch while the drive's copy changed brings the drive's
// content down, with no conflict copy (the local content is the base's).
func TestDownloadedBigFileTouchedThenChangedOnTheDrive(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		first := seededBytes(10, 5<<20)
		s.remoteWrite("down.bin", string(first))
		rec := &startRecorder{}
		e, _ := s.engine(ModeTwoWay, recordStarts(rec))
		s.once(e)
		s.wantLocal("down.bin", string(first))
		r := s.remote()["down.bin"]
		touch := func(d time.Duration) {
			at := time.Now().Add(d)
			if err := os.Chtimes(filepath.Join(s.dir, "down.bin"), at, at); err != nil {
				t.Fatal(err)
			}
		}
		touch(time.Hour)
		s.once(e)
		if n := len(rec.starts()); n != 0 {
			t.Fatalf("a touch announced %d uploads", n)
		}
		if r2 := s.remote()["down.bin"]; r2 == nil || r2.Version != r.Version {
			t.Fatalf("a touch made a new version: %+v (was %d)", r2, r.Version)
		}
		second := seededBytes(11, 5<<20)
		s.remoteWrite("down.bin", string(second))
		touch(2 * time.Hour)
		s.once(e)
		s.wantLocal("down.bin", string(second))
		s.wantRemote("down.bin", string(second))
		ents, _ := os.ReadDir(s.dir)
		for _, d := range ents {
			if d.Name() != "down.bin" && !strings.HasPrefix(d.Name(), ".") {
				t.Fatalf("a local file %s appeared (a conflict copy?)", d.Name())
			}
		}
		if n := len(rec.starts()); n != 0 {
			t.Fatalf("%d uploads announced", n)
		}
	})
}
