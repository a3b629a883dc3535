package syncagent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Entry is a drive file or folder as the drive API returns it.
type Entry struct {
	ID         string    `json:"id"`
	SpaceID    string    `json:"space_id"`
	ParentID   string    `json:"parent_id"`
	Kind       string    `json:"kind"` // "file" | "folder"
	Name       string    `json:"name"`
	Size       int64     `json:"size"`
	Hash       string    `json:"hash"`
	Version    int64     `json:"version"`
	ModifiedAt time.Time `json:"modified_at"`
	Deleted    bool      `json:"deleted"`
	// ModifiedByName is the display name of the last writer, when the
	// server sends it (used to name conflict copies).
	ModifiedByName string `json:"modified_by_name,omitempty"`
}

// IsDir reports whether the entry is a folder.
func (e Entry) IsDir() bool { return e.Kind == "folder" }

// Change is one item of a space's change feed.
type Change struct {
	Seq   int64  `json:"seq"`
	Entry Entry  `json:"entry"`
	Path  string `json:"path"`
}

// ChangePage is one answer of the change feed.
type ChangePage struct {
	Items      []Change `json:"items"`
	NextCursor string   `json:"next_cursor"`
}

// Space is a drive space.
type Space struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	RootID string `json:"root_id"`
}

// UploadChunk is a chunk announced when an upload starts.
type UploadChunk struct {
	Hash string `json:"hash"`
	Size int    `json:"size"`
}

// UploadRequest starts an upload: a new file (ParentID+Name) or a new
// version of an existing one (EntryID+BaseVersion).
type UploadRequest struct {
	ParentID    string        `json:"parent_id,omitempty"`
	Name        string        `json:"name,omitempty"`
	Size        int64         `json:"size"`
	Hash        string        `json:"hash"`
	Chunks      []UploadChunk `json:"chunks"`
	EntryID     string        `json:"entry_id,omitempty"`
	BaseVersion int64         `json:"base_version,omitempty"`
	Diff        *ChunkDiff    `json:"chunks_diff,omitempty"`  // instead of Chunks (transfer_diff.go)
	Open        bool          `json:"open,omitempty"`         // Chunks may cover less than Size: AppendChunks (transfer_stream.go)
	ChunkScheme int           `json:"chunk_scheme,omitempty"` // the chunker.Scheme of Chunks; the server records it with the version
}

// UploadState is an upload session and the chunks the server still lacks;
// from UploadStatus also how many chunks its list holds and their
// chunkListHash (an open upload resumes after them).
type UploadState struct {
	ID        string   `json:"id"`
	Missing   []string `json:"missing"`
	Announced int      `json:"announced"`
	ListHash  string   `json:"list_hash"`
}

// APIError is an error answer of the server.
type APIError struct {
	Status  int
	Code    string `json:"code"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("drive api: %d %s: %s", e.Status, e.Key, e.Message)
}

// IsConflict reports a 409 (stale version, name taken).
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsUnauthorized reports a 401: the session expired or was revoked.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// Client is a typed client of the drive protocol. Network errors and
// 502/503/504 are retried with exponential backoff; other answers are
// returned as *APIError.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
	Retries int           // default 5
	Backoff time.Duration // first retry delay, doubled each time (default 200ms)
	// Limiter, when set, throttles chunk uploads and downloads.
	Limiter *RateLimiter
	// OnUnauthorized, when set, is called whenever the server answers 401:
	// the token expired or was revoked, and no retry will help.
	OnUnauthorized func()
}

// NewClient returns a client for the server at baseURL.
func NewClient(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 0}}
}

// Login exchanges an email and password for a token.
func Login(ctx context.Context, baseURL, email, password string) (string, error) {
	c := NewClient(baseURL, "")
	var out struct {
		Token string `json:"token"`
	}
	if err := c.do(ctx, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, &out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// Spaces lists the drive spaces the user can see.
func (c *Client) Spaces(ctx context.Context) ([]Space, error) {
	var page struct {
		Items []Space `json:"items"`
	}
	err := c.do(ctx, "GET", "/api/v1/drive/spaces", nil, &page)
	return page.Items, err
}

// Entry reads one entry.
func (c *Client) Entry(ctx context.Context, id string) (Entry, error) {
	var e Entry
	err := c.do(ctx, "GET", "/api/v1/drive/entries/"+url.PathEscape(id), nil, &e)
	return e, err
}

// CreateFolder creates a folder.
func (c *Client) CreateFolder(ctx context.Context, parentID, name string) (Entry, error) {
	var e Entry
	err := c.do(ctx, "POST", "/api/v1/drive/folders", map[string]string{"parent_id": parentID, "name": name}, &e)
	return e, err
}

// Move renames and/or moves an entry (stale version → 409).
func (c *Client) Move(ctx context.Context, id string, version int64, parentID, name string) (Entry, error) {
	body := map[string]any{"version": version}
	if parentID != "" {
		body["parent_id"] = parentID
	}
	if name != "" {
		body["name"] = name
	}
	var e Entry
	err := c.do(ctx, "PATCH", "/api/v1/drive/entries/"+url.PathEscape(id), body, &e)
	return e, err
}

// Delete moves an entry to the trash.
func (c *Client) Delete(ctx context.Context, id string, version int64) error {
	return c.do(ctx, "DELETE", "/api/v1/drive/entries/"+url.PathEscape(id)+"?version="+strconv.FormatInt(version, 10), nil, nil)
}

// StartUpload opens an upload session.
func (c *Client) StartUpload(ctx context.Context, req UploadRequest) (UploadState, error) {
	var u UploadState
	err := c.do(ctx, "POST", "/api/v1/drive/uploads", req, &u)
	return u, err
}

// UploadStatus reads a session's missing chunks (to resume).
func (c *Client) UploadStatus(ctx context.Context, id string) (UploadState, error) {
	var u UploadState
	err := c.do(ctx, "GET", "/api/v1/drive/uploads/"+url.PathEscape(id), nil, &u)
	return u, err
}

// AppendChunks adds chunks to an open upload's list and answers which of
// them the server lacks.
func (c *Client) AppendChunks(ctx context.Context, uploadID string, chunks []UploadChunk) (UploadState, error) {
	var u UploadState
	err := c.do(ctx, "POST", "/api/v1/drive/uploads/"+url.PathEscape(uploadID)+"/append", map[string]any{"chunks": chunks}, &u)
	return u, err
}

// PutChunk sends one chunk's bytes.
func (c *Client) PutChunk(ctx context.Context, uploadID, hash string, data []byte) error {
	return c.doRaw(ctx, "PUT", "/api/v1/drive/uploads/"+url.PathEscape(uploadID)+"/chunks/"+url.PathEscape(hash), data, nil)
}

// PutChunks sends many chunks of an upload in one request: body is frames
// of the chunk's SHA-256 (32 raw bytes), its size (4 bytes, big-endian) and
// its bytes (appendChunkFrame). The server checks each one's hash.
func (c *Client) PutChunks(ctx context.Context, uploadID string, body []byte) error {
	return c.doRaw(ctx, "POST", "/api/v1/drive/uploads/"+url.PathEscape(uploadID)+"/chunks", body, nil)
}

// chunkFrameHeader is a PutChunks frame's header: hash and size.
const chunkFrameHeader = sha256.Size + 4

// appendChunkFrame appends one PutChunks frame to dst.
func appendChunkFrame(dst []byte, hash string, data []byte) ([]byte, error) {
	raw, err := hex.DecodeString(hash)
	if err != nil || len(raw) != sha256.Size {
		return dst, fmt.Errorf("sync: bad chunk hash %q", hash)
	}
	dst = append(dst, raw...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	return append(dst, data...), nil
}

// Commit finishes an upload; the new file version appears atomically.
func (c *Client) Commit(ctx context.Context, uploadID string) (Entry, error) {
	var e Entry
	err := c.do(ctx, "POST", "/api/v1/drive/uploads/"+url.PathEscape(uploadID)+"/commit", nil, &e)
	return e, err
}

// UploadSmall uploads a whole new small file in one request.
func (c *Client) UploadSmall(ctx context.Context, parentID, name string, data []byte) (Entry, error) {
	var e Entry
	q := url.Values{"parent_id": {parentID}, "name": {name}}
	err := c.doRaw(ctx, "POST", "/api/v1/drive/files?"+q.Encode(), data, &e)
	return e, err
}

// UploadSmallVersion uploads a small file's new content as a new version of
// entryID in one request (stale baseVersion → 409), instead of the three of
// a chunked session.
func (c *Client) UploadSmallVersion(ctx context.Context, entryID string, baseVersion int64, data []byte) (Entry, error) {
	var e Entry
	q := url.Values{"entry_id": {entryID}, "base_version": {strconv.FormatInt(baseVersion, 10)}}
	err := c.doRaw(ctx, "POST", "/api/v1/drive/files?"+q.Encode(), data, &e)
	return e, err
}

// BatchFile is one file of a batch upload: a new file (ParentID+Name) or a
// new version of EntryID on top of BaseVersion. Size and Hash are what the
// scan saw; Path is the local file whose bytes are sent (the server checks
// them against Size and Hash, so a file changed since is that item's
// drive.hash_mismatch, not a wrong upload).
type BatchFile struct {
	ParentID    string `json:"parent_id,omitempty"`
	Name        string `json:"name,omitempty"`
	EntryID     string `json:"entry_id,omitempty"`
	BaseVersion int64  `json:"base_version,omitempty"`
	Size        int64  `json:"size"`
	Hash        string `json:"hash"`
	Path        string `json:"-"`
}

// BatchResult is one file's outcome in a batch upload: Status is what its
// own request would have answered, with Entry (stored, or Unchanged: the
// drive had this content there already) or Err.
type BatchResult struct {
	Index     int       `json:"index"`
	Status    int       `json:"status"`
	Entry     *Entry    `json:"entry"`
	Unchanged bool      `json:"unchanged"`
	Err       *APIError `json:"error"`
}

// UploadBatch sends many small files in one request (POST drive/files/batch):
// a manifest, then each file's bytes read from its Path. The answer has one
// result per file, in order. An error means the batch as a whole was not
// taken (nothing of it is stored, or — after a lost answer — it is, and
// sending it again is answered unchanged).
func (c *Client) UploadBatch(ctx context.Context, files []BatchFile) ([]BatchResult, error) {
	body, ctype, err := batchBody(files)
	if err != nil {
		return nil, err
	}
	if c.Limiter != nil {
		if err := c.Limiter.Wait(ctx, len(body)); err != nil {
			return nil, err
		}
	}
	var out struct {
		Items []BatchResult `json:"items"`
	}
	if err := c.roundTrip(ctx, "POST", "/api/v1/drive/files/batch", body, ctype, true, &out); err != nil {
		return nil, err
	}
	if len(out.Items) != len(files) {
		return nil, fmt.Errorf("sync: batch of %d files answered %d", len(files), len(out.Items))
	}
	for i := range out.Items {
		if e := out.Items[i].Err; e != nil {
			e.Status = out.Items[i].Status
		}
	}
	return out.Items, nil
}

// batchBody writes the multipart body of a batch. A file that cannot be
// read is sent empty: the server answers it drive.hash_mismatch and the
// others are not held up.
func batchBody(files []BatchFile) ([]byte, string, error) {
	var size int64
	for _, f := range files {
		size += f.Size
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+int64(len(files))*160+4096))
	mw := multipart.NewWriter(buf)
	w, err := mw.CreateFormField("manifest")
	if err != nil {
		return nil, "", err
	}
	if err := json.NewEncoder(w).Encode(map[string]any{"items": files}); err != nil {
		return nil, "", fmt.Errorf("sync: encode batch: %w", err)
	}
	hdr := textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"`}, "Content-Type": {"application/octet-stream"}}
	for _, f := range files {
		w, err := mw.CreatePart(hdr)
		if err != nil {
			return nil, "", err
		}
		if fh, err := os.Open(f.Path); err == nil {
			// One byte more than announced is enough to show a file grew;
			// a read error leaves the part short: a mismatch as well.
			_, _ = io.Copy(w, io.LimitReader(fh, f.Size+1))
			fh.Close()
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// Changes reads the change feed from cursor ("" = full listing), waiting up
// to wait seconds when nothing is new.
func (c *Client) Changes(ctx context.Context, spaceID, cursor string, wait int) (ChangePage, error) {
	return c.ChangesUnder(ctx, spaceID, "", cursor, wait)
}

// ChangesUnder is Changes for the subtree of the folder under only (a
// pair's own folder): its listing and its changes, moves in and out as
// creates and deletes. A server without subtree feeds answers the whole
// space, which the remoteTree filters by itself.
func (c *Client) ChangesUnder(ctx context.Context, spaceID, under, cursor string, wait int) (ChangePage, error) {
	var p ChangePage
	q := url.Values{"cursor": {cursor}}
	if under != "" {
		q.Set("under", under)
	}
	if wait > 0 {
		q.Set("wait", strconv.Itoa(wait))
	}
	err := c.do(ctx, "GET", "/api/v1/drive/spaces/"+url.PathEscape(spaceID)+"/changes?"+q.Encode(), nil, &p)
	return p, err
}

// Download opens a file version's content. The caller closes the body.
func (c *Client) Download(ctx context.Context, id string, version int64) (io.ReadCloser, error) {
	path := "/api/v1/drive/files/" + url.PathEscape(id) + "/content"
	if version > 0 {
		path += "?version=" + strconv.FormatInt(version, 10)
	}
	var body io.ReadCloser
	err := c.retry(ctx, func() error {
		resp, err := c.send(ctx, "GET", path, nil, "")
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			defer resp.Body.Close()
			return apiError(resp)
		}
		body = resp.Body
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.Limiter != nil {
		body = c.Limiter.Reader(ctx, body)
	}
	return body, nil
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var data []byte
	if in != nil {
		var err error
		if data, err = json.Marshal(in); err != nil {
			return fmt.Errorf("sync: encode: %w", err)
		}
	}
	return c.roundTrip(ctx, method, path, data, "application/json", in != nil, out)
}

func (c *Client) doRaw(ctx context.Context, method, path string, data []byte, out any) error {
	if c.Limiter != nil {
		if err := c.Limiter.Wait(ctx, len(data)); err != nil {
			return err
		}
	}
	return c.roundTrip(ctx, method, path, data, "application/octet-stream", true, out)
}

func (c *Client) roundTrip(ctx context.Context, method, path string, data []byte, ctype string, hasBody bool, out any) error {
	return c.retry(ctx, func() error {
		var body io.Reader
		if hasBody {
			body = bytes.NewReader(data)
		}
		resp, err := c.send(ctx, method, path, body, ctype)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			return apiError(resp)
		}
		if out == nil || resp.StatusCode == http.StatusNoContent {
			_, _ = io.Copy(io.Discard, resp.Body)
			return nil
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("sync: decode %s %s: %w", method, path, err)
		}
		return nil
	})
}

func (c *Client) send(ctx context.Context, method, path string, body io.Reader, ctype string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set("X-Tack-Request", "1")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &netError{err}
	}
	if resp.StatusCode == http.StatusUnauthorized && c.OnUnauthorized != nil {
		c.OnUnauthorized()
	}
	return resp, nil
}

type netError struct{ err error }

func (e *netError) Error() string { return e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

func apiError(resp *http.Response) error {
	var b struct {
		Error APIError `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(raw, &b)
	e := b.Error
	e.Status = resp.StatusCode
	if e.Message == "" {
		e.Message = strings.TrimSpace(string(raw))
	}
	return &e
}

// retryable: the network failed or a gateway/overloaded answer.
func retryable(err error) bool {
	var ne *netError
	if errors.As(err, &ne) {
		return true // the retry loop stops anyway once ctx is done
	}
	switch statusOf(err) {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return false
}

func (c *Client) retry(ctx context.Context, fn func() error) error {
	tries := c.Retries
	if tries <= 0 {
		tries = 5
	}
	delay := c.Backoff
	if delay <= 0 {
		delay = 200 * time.Millisecond
	}
	var err error
	for i := 0; i < tries; i++ {
		if err = fn(); err == nil || !retryable(err) || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 10*time.Second)
	}
	if ctx.Err() != nil && err != nil {
		return ctx.Err()
	}
	return err
}

func asAPIError(err error, target **APIError) bool { return errors.As(err, target) }
