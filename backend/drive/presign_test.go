package drive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tack/backend/drive/blobstore"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// Presigned downloads on a real S3 server: under the threshold and before
// the whole-file object exists the server streams; then it redirects to a
// short-lived link that serves the exact bytes, Range included. Someone
// without access gets 404, never a link. A whole-file object whose bytes do
// not match its name is never written, and unnamed ones are collected.
func TestPresignedDownloadsOnS3(t *testing.T) {
	t.Parallel()
	configure, _ := s3Blobs(t)
	se := servertest.Start(t, func() server.Config {
		cfg := server.Config{DataDir: t.TempDir()}
		configure(&cfg)
		cfg.Drive.PresignOver = 1 << 20
		cfg.Drive.PresignExpiry = 2 * time.Minute
		cfg.Drive.GCGrace = time.Nanosecond // whole-file objects are collected at once
		return cfg
	}())
	e := newEnv(t, se)
	root := e.spaces(e.admin)["personal"].RootID // the stranger may not read it
	data := randomData(77, 3<<20+123)
	big, _ := e.chunked(e.admin, withParent(planOf(t, data), root, "big.bin"))
	small := e.mustPut(e.admin, root, "small.txt", []byte("under the threshold"))
	_, strangerT := se.NewUser(e.admin, "")

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u, tok string, hdr map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	content := func(id string) string { return se.HTTP.URL + "/api/v1/drive/files/" + id + "/content" }

	if r, b := get(content(small.ID), e.admin, nil); r.StatusCode != 200 || string(b) != "under the threshold" {
		t.Fatalf("small file: %d %q", r.StatusCode, b)
	}
	// The first download streams and starts the whole-file object.
	if r, b := get(content(big.ID), e.admin, nil); r.StatusCode != 200 || !bytes.Equal(b, data) {
		t.Fatalf("first download: %d, %d bytes", r.StatusCode, len(b))
	}
	var link string
	for deadline := time.Now().Add(60 * time.Second); link == ""; {
		r, b := get(content(big.ID), e.admin, nil)
		switch r.StatusCode {
		case http.StatusTemporaryRedirect:
			link = r.Header.Get("Location")
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("redirect Cache-Control %q", cc)
			}
		case http.StatusOK:
			if !bytes.Equal(b, data) {
				t.Fatalf("streamed download: %d bytes, not the content", len(b))
			}
			if time.Now().After(deadline) {
				t.Fatal("no redirect within 60 s")
			}
			time.Sleep(100 * time.Millisecond)
		default:
			t.Fatalf("download: %d %s", r.StatusCode, b)
		}
	}
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("X-Amz-Expires") != "120" {
		t.Fatalf("link %q: want a presigned link valid 120 s", link)
	}
	if r, b := get(link, "", nil); r.StatusCode != 200 || !bytes.Equal(b, data) ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "big.bin") {
		t.Fatalf("link: %d, %d bytes, disposition %q", r.StatusCode, len(b), r.Header.Get("Content-Disposition"))
	}
	if r, b := get(link, "", map[string]string{"Range": "bytes=1048000-1049999"}); r.StatusCode != 206 || !bytes.Equal(b, data[1048000:1050000]) {
		t.Fatalf("range on the link: %d, %d bytes", r.StatusCode, len(b))
	}
	// Through the API with Range: redirected, and the link honours it.
	r, _ := get(content(big.ID), e.admin, map[string]string{"Range": "bytes=0-9"})
	if r.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("range via the API: %d", r.StatusCode)
	}
	if r, b := get(r.Header.Get("Location"), "", map[string]string{"Range": "bytes=0-9"}); r.StatusCode != 206 || !bytes.Equal(b, data[:10]) {
		t.Fatalf("range via the API's link: %d %q", r.StatusCode, b)
	}
	// The permission check comes before any link.
	if r, b := get(content(big.ID), strangerT, nil); r.StatusCode != 404 || r.Header.Get("Location") != "" {
		t.Fatalf("stranger: %d %s, Location %q", r.StatusCode, b, r.Header.Get("Location"))
	}
	// A revalidation is answered here.
	if r, _ := get(content(big.ID), e.admin, map[string]string{"If-None-Match": `"` + big.Hash + `"`}); r.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}

	links := e.Server.Drive.Blobs().(blobstore.FileURLs)
	ctx := context.Background()
	fake := strings.Repeat("ab", 32)
	if err := links.PutFile(ctx, fake, 5, strings.NewReader("wrong")); !errors.Is(err, blobstore.ErrHashMismatch) {
		t.Fatalf("PutFile of wrong bytes: %v", err)
	}
	if u, err := links.FileURL(ctx, fake, 5, time.Minute, "text/plain", "attachment"); u != "" || err != nil {
		t.Fatalf("a link to bytes that did not match: %q %v", u, err)
	}

	// Collected once no version names it.
	e.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+big.ID+"?version="+fmt.Sprint(big.Version), e.admin, nil)
	e.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/trash/"+big.ID, e.admin, nil)
	rep, err := e.Server.Drive.Maintain(ctx)
	if err != nil || rep.WholeFiles != 1 {
		t.Fatalf("maintenance: %+v, %v", rep, err)
	}
	if r, _ := get(link, "", nil); r.StatusCode != 404 {
		t.Fatalf("link after collection: %d", r.StatusCode)
	}
}
