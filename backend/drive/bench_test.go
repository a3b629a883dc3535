//go:build bench

package drive_test

// Drive throughput over loopback HTTP against a real in-process server
// (go test -tags bench -run TestDriveBench ./backend/drive), run by
// bench/drive_bench.sh, which also times cp and rsync of the same data and
// collects the printed Markdown rows into bench/RESULTS.md ("Drive").
// DRIVE_BENCH_BIG (a file) and DRIVE_BENCH_SMALL (a directory of files)
// name the data; DRIVE_BENCH_DSN selects PostgreSQL instead of SQLite.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"tack/backend/drive/chunker"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/syncagent"
)

func benchEnv(t *testing.T) (*servertest.Env, *syncagent.Client, string, string) {
	var se *servertest.Env
	if dsn := os.Getenv("DRIVE_BENCH_DSN"); dsn != "" {
		t.Setenv("TACK_TEST_POSTGRES_DSN", dsn)
		se = servertest.NewPostgres(t)
	} else {
		se = servertest.New(t)
	}
	e := newEnv(t, se)
	c := syncagent.NewClient(se.HTTP.URL, e.admin)
	spaces, err := c.Spaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range spaces {
		if s.Kind == "company" {
			return se, c, s.RootID, dbName(se.Server)
		}
	}
	t.Fatal("no company space")
	return nil, nil, "", ""
}

func dbName(s *server.Server) string {
	if s.Config.DSN != "" {
		return "PostgreSQL"
	}
	return "SQLite"
}

func row(what, value string) { fmt.Printf("| %s | %s |\n", what, value) }

func mibps(n int64, d time.Duration) string {
	return fmt.Sprintf("%.2f s = %.0f MiB/s", d.Seconds(), float64(n)/(1<<20)/d.Seconds())
}

// uploadChunked sends a file through the chunked protocol as the sync
// agent does: chunk+hash in one pass, announce, send missing, commit.
func uploadChunked(ctx context.Context, c *syncagent.Client, path, parent, name string) (syncagent.Entry, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return syncagent.Entry{}, 0, err
	}
	defer f.Close()
	h := sha256.New()
	var chunks []chunker.Chunk
	if err := chunker.Split(io.TeeReader(f, h), func(ch chunker.Chunk) error { chunks = append(chunks, ch); return nil }); err != nil {
		return syncagent.Entry{}, 0, err
	}
	req := syncagent.UploadRequest{ParentID: parent, Name: name, Hash: hex.EncodeToString(h.Sum(nil))}
	for _, ch := range chunks {
		req.Chunks = append(req.Chunks, syncagent.UploadChunk{Hash: ch.Hash, Size: ch.Size})
		req.Size += int64(ch.Size)
	}
	st, err := c.StartUpload(ctx, req)
	if err != nil {
		return syncagent.Entry{}, 0, err
	}
	missing := map[string]bool{}
	for _, m := range st.Missing {
		missing[m] = true
	}
	buf := make([]byte, chunker.MaxSize)
	sent := 0
	for _, ch := range chunks {
		if !missing[ch.Hash] {
			continue
		}
		delete(missing, ch.Hash)
		b := buf[:ch.Size]
		if _, err := f.ReadAt(b, ch.Offset); err != nil && err != io.EOF {
			return syncagent.Entry{}, 0, err
		}
		if err := c.PutChunk(ctx, st.ID, ch.Hash, b); err != nil {
			return syncagent.Entry{}, 0, err
		}
		sent++
	}
	e, err := c.Commit(ctx, st.ID)
	return e, sent, err
}

func download(ctx context.Context, c *syncagent.Client, id, to string) (int64, error) {
	body, err := c.Download(ctx, id, 0)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	out, err := os.Create(to)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, body)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func TestDriveBenchBigFile(t *testing.T) {
	path := os.Getenv("DRIVE_BENCH_BIG")
	if path == "" {
		t.Skip("DRIVE_BENCH_BIG not set")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	se, c, root, db := benchEnv(t)
	ctx := context.Background()
	start := time.Now()
	e, sent, err := uploadChunked(ctx, c, path, root, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	row(fmt.Sprintf("upload one %d MiB file (chunk+hash, %d chunks PUT, commit re-reads and verifies; %s)", fi.Size()>>20, sent, db), mibps(fi.Size(), el))

	start = time.Now()
	e2, sent2, err := uploadChunked(ctx, c, path, root, "big-again.bin")
	if err != nil {
		t.Fatal(err)
	}
	row(fmt.Sprintf("upload the same file again under another name (dedup: %d chunks sent)", sent2), mibps(fi.Size(), time.Since(start)))
	_ = e2

	to := filepath.Join(t.TempDir(), "down.bin")
	start = time.Now()
	n, err := download(ctx, c, e.ID, to)
	if err != nil || n != fi.Size() {
		t.Fatalf("download %d: %v", n, err)
	}
	row(fmt.Sprintf("download it to a file (%s)", db), mibps(n, time.Since(start)))
	_ = se
}

func TestDriveBenchSmallFiles(t *testing.T) {
	dir := os.Getenv("DRIVE_BENCH_SMALL")
	if dir == "" {
		t.Skip("DRIVE_BENCH_SMALL not set")
	}
	var files []string
	var total int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
			fi, _ := d.Info()
			total += fi.Size()
		}
		return nil
	})
	sort.Strings(files)
	_, c, root, db := benchEnv(t)
	ctx := context.Background()
	folders := map[string]string{}
	for _, p := range files {
		d := filepath.Dir(p)
		if _, ok := folders[d]; !ok {
			f, err := c.CreateFolder(ctx, root, filepath.Base(d))
			if err != nil {
				t.Fatal(err)
			}
			folders[d] = f.ID
		}
	}
	for _, workers := range []int{1, 4} {
		ids := make([]string, len(files))
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan int)
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					data, err := os.ReadFile(files[i])
					if err == nil {
						var e syncagent.Entry
						e, err = c.UploadSmall(ctx, folders[filepath.Dir(files[i])], fmt.Sprintf("w%d-%s", workers, filepath.Base(files[i])), data)
						ids[i] = e.ID
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i := range files {
			next <- i
		}
		close(next)
		wg.Wait()
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		el := time.Since(start)
		row(fmt.Sprintf("upload %d small files (%d KiB total, one request each, %d in parallel; %s)", len(files), total>>10, workers, db),
			fmt.Sprintf("%.2f s = %.0f files/s", el.Seconds(), float64(len(files))/el.Seconds()))

		out := t.TempDir()
		start = time.Now()
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < len(ids); i += workers {
					if _, err := download(ctx, c, ids[i], filepath.Join(out, fmt.Sprintf("%06d", i))); err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		el = time.Since(start)
		row(fmt.Sprintf("download them (%d in parallel)", workers), fmt.Sprintf("%.2f s = %.0f files/s", el.Seconds(), float64(len(files))/el.Seconds()))
	}
	// Files of the same sizes but new content (the server has none of their
	// chunks), under new names, in batches (POST drive/files/batch), as the
	// sync agent sends small files.
	const per = 250
	for _, workers := range []int{1, 4} {
		fresh := t.TempDir()
		var batches [][]syncagent.BatchFile
		for i := 0; i < len(files); i += per {
			var b []syncagent.BatchFile
			for j, p := range files[i:min(i+per, len(files))] {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				for k := 0; k < len(data) && k < 8; k++ {
					data[k] ^= byte(0x5a + workers + k)
				}
				p = filepath.Join(fresh, fmt.Sprintf("%06d", i+j))
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				b = append(b, syncagent.BatchFile{ParentID: folders[filepath.Dir(files[i+j])], Name: fmt.Sprintf("b%d-%s", workers, filepath.Base(files[i+j])),
					Size: int64(len(data)), Hash: hex.EncodeToString(sum[:]), Path: p})
			}
			batches = append(batches, b)
		}
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan []syncagent.BatchFile)
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range next {
					res, err := c.UploadBatch(ctx, b)
					for _, r := range res {
						if r.Err != nil || r.Status != 201 {
							err = fmt.Errorf("batch item %d: %d %v", r.Index, r.Status, r.Err)
						}
					}
					if err != nil {
						select {
						case errs <- err:
						default:
						}
					}
				}
			}()
		}
		for _, b := range batches {
			next <- b
		}
		close(next)
		wg.Wait()
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		el := time.Since(start)
		row(fmt.Sprintf("upload %d new small files (%d KiB total) in batches of %d files, %d in parallel; %s", len(files), total>>10, per, workers, db),
			fmt.Sprintf("%.2f s = %.0f files/s", el.Seconds(), float64(len(files))/el.Seconds()))
	}
}
