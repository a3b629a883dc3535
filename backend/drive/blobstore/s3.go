package blobstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where an S3 store is. Bucket and Prefix come from the
// `--blobs s3://bucket/prefix` URL; the rest from flags or the environment
// (S3ConfigFromEnv). Credentials are never flags (they would show in ps):
// AccessKey/SecretKey, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
// MINIO_ACCESS_KEY/MINIO_SECRET_KEY, or the AWS shared credentials file.
type S3Config struct {
	Bucket    string
	Prefix    string // "" or ending in "/"
	Endpoint  string // host[:port] or http(s)://host[:port]; default s3.amazonaws.com
	Region    string
	PathStyle bool // bucket in the path, not the host name (self-hosted stores)
	AccessKey string
	SecretKey string
	Timeout   time.Duration // per request; default 2 minutes
}

// S3ConfigFromEnv fills the fields c leaves empty from TACK_S3_ENDPOINT,
// TACK_S3_REGION (or AWS_REGION) and TACK_S3_PATH_STYLE=1.
func S3ConfigFromEnv(c S3Config) S3Config {
	if c.Endpoint == "" {
		c.Endpoint = os.Getenv("TACK_S3_ENDPOINT")
	}
	if c.Region == "" {
		c.Region = os.Getenv("TACK_S3_REGION")
	}
	if c.Region == "" {
		c.Region = os.Getenv("AWS_REGION")
	}
	if !c.PathStyle {
		c.PathStyle = os.Getenv("TACK_S3_PATH_STYLE") == "1" || os.Getenv("TACK_S3_PATH_STYLE") == "true"
	}
	return c
}

// ParseS3URL reads s3://bucket/prefix into c's Bucket and Prefix.
func ParseS3URL(raw string, c S3Config) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return c, fmt.Errorf("blobstore: %q is not s3://bucket/prefix", raw)
	}
	c.Bucket = u.Host
	c.Prefix = strings.Trim(u.Path, "/")
	if c.Prefix != "" {
		c.Prefix += "/"
	}
	return c, nil
}

// OpenSpec opens the store `--blobs` names: "" is Local in defaultDir, an
// s3:// URL an S3 store (s3 gives the rest of its configuration), anything
// else a local directory.
func OpenSpec(spec, defaultDir string, s3 S3Config) (Store, error) {
	switch {
	case spec == "":
		return Open(defaultDir)
	case strings.HasPrefix(spec, "s3://"):
		c, err := ParseS3URL(spec, s3)
		if err != nil {
			return nil, err
		}
		return OpenS3(context.Background(), S3ConfigFromEnv(c))
	default:
		return Open(spec)
	}
}

// S3 keeps chunks in a bucket of an S3-compatible object store, one object
// per chunk at <prefix>chunks/<hash>. Writes are plain PUTs of identical
// bytes under a content-derived key, so replicas writing the same chunk
// both succeed. Open reads the whole chunk (at most the drive's largest
// chunk, 16 MiB) and checks its SHA-256 before handing out a byte, so a
// damaged or truncated object fails with ErrCorrupt instead of serving
// wrong bytes; a Range request reads only the chunks it covers.
type S3 struct {
	c       *minio.Client
	cfg     S3Config
	timeout time.Duration
}

// maxObject bounds what Open reads of one object (a chunk is at most
// 16 MiB; anything larger is not a chunk).
const maxObject = 64 << 20

// OpenS3 connects to the store and checks that the bucket exists (it is
// never created here: a typo must fail, not make a new bucket).
func OpenS3(ctx context.Context, c S3Config) (*S3, error) {
	if c.Bucket == "" {
		return nil, errors.New("blobstore: s3: no bucket")
	}
	cl, err := openClient(c)
	if err != nil {
		return nil, err
	}
	s := &S3{c: cl, cfg: c, timeout: c.Timeout}
	if s.timeout <= 0 {
		s.timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	ok, err := cl.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blobstore: s3 %s: bucket %s: %w", cl.EndpointURL().Host, c.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("blobstore: s3 %s: bucket %s does not exist", cl.EndpointURL().Host, c.Bucket)
	}
	return s, nil
}

// openClient makes the S3 client c describes.
func openClient(c S3Config) (*minio.Client, error) {
	endpoint, secure := c.Endpoint, true
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	if u, err := url.Parse(endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		endpoint, secure = u.Host, u.Scheme == "https"
	}
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.EnvMinio{},
		&credentials.FileAWSCredentials{},
	})
	if c.AccessKey != "" {
		creds = credentials.NewStaticV4(c.AccessKey, c.SecretKey, "")
	}
	lookup := minio.BucketLookupAuto
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	cl, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: c.Region, BucketLookup: lookup})
	if err != nil {
		return nil, fmt.Errorf("blobstore: s3 %s: %w", endpoint, err)
	}
	return cl, nil
}

// Ping checks that the bucket answers.
func (s *S3) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	ok, err := s.c.BucketExists(ctx, s.cfg.Bucket)
	if err == nil && !ok {
		err = errors.New("the bucket is gone")
	}
	if err != nil {
		return fmt.Errorf("blobstore: s3: %s: %w", s, err)
	}
	return nil
}

// String is the store's s3:// URL.
func (s *S3) String() string { return "s3://" + s.cfg.Bucket + "/" + s.cfg.Prefix }

func (s *S3) key(hash string) string { return s.cfg.Prefix + "chunks/" + hash }

func (s *S3) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}

// Stage checks data against hash and keeps a private copy (the caller may
// reuse its buffer) for Install.
func (s *S3) Stage(hash string, data []byte) (Staged, error) {
	if !ValidHash(hash) || HashOf(data) != hash {
		return Staged{}, fmt.Errorf("%w: %q", ErrHashMismatch, hash)
	}
	return Staged{Hash: hash, Size: len(data), data: bytes.Clone(data)}, nil
}

// StageAll is Stage for many chunks.
func (s *S3) StageAll(chunks []Chunk) ([]Staged, error) {
	out := make([]Staged, len(chunks))
	for i, c := range chunks {
		st, err := s.Stage(c.Hash, c.Data)
		if err != nil {
			return nil, err
		}
		out[i] = st
	}
	return out, nil
}

// Install PUTs a staged chunk; when it returns nil the store has it.
func (s *S3) Install(st Staged) error {
	if st.data == nil && st.Size > 0 {
		return fmt.Errorf("blobstore: s3: install %s: not staged by this store", st.Hash)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	_, err := s.c.PutObject(ctx, s.cfg.Bucket, s.key(st.Hash), bytes.NewReader(st.data), int64(len(st.data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return fmt.Errorf("blobstore: s3: put %s: %w", st.Hash, err)
	}
	return nil
}

// InstallAll PUTs several chunks at once.
func (s *S3) InstallAll(staged []Staged) error {
	return parallel(len(staged), func(i int) error { return s.Install(staged[i]) })
}

// Discard drops the staged copy.
func (s *S3) Discard(Staged) {}

// Put stages and installs data in one step.
func (s *S3) Put(hash string, data []byte) error {
	st, err := s.Stage(hash, data)
	if err != nil {
		return err
	}
	return s.Install(st)
}

// Has reports whether the object exists (false on any error).
func (s *S3) Has(hash string) bool {
	_, err := s.Stat(hash)
	return err == nil
}

// Stat returns the object's size.
func (s *S3) Stat(hash string) (int64, error) {
	if !ValidHash(hash) {
		return 0, ErrNotFound
	}
	ctx, cancel := s.ctx()
	defer cancel()
	info, err := s.c.StatObject(ctx, s.cfg.Bucket, s.key(hash), minio.StatObjectOptions{})
	if notFound(err) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("blobstore: s3: stat %s: %w", hash, err)
	}
	return info.Size, nil
}

// Open reads the whole chunk and checks it against its name.
func (s *S3) Open(hash string) (Reader, error) {
	if !ValidHash(hash) {
		return nil, ErrNotFound
	}
	ctx, cancel := s.ctx()
	defer cancel()
	obj, err := s.c.GetObject(ctx, s.cfg.Bucket, s.key(hash), minio.GetObjectOptions{})
	if err != nil {
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("blobstore: s3: get %s: %w", hash, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(io.LimitReader(obj, maxObject))
	if err != nil {
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("blobstore: s3: read %s: %w", hash, err)
	}
	if HashOf(data) != hash {
		return nil, fmt.Errorf("%w: %s (in %s)", ErrCorrupt, hash, s)
	}
	return memChunk{bytes.NewReader(data)}, nil
}

type memChunk struct{ *bytes.Reader }

func (memChunk) Close() error { return nil }

// Remove deletes the object (missing is not an error).
func (s *S3) Remove(hash string) error {
	if !ValidHash(hash) {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	err := s.c.RemoveObject(ctx, s.cfg.Bucket, s.key(hash), minio.RemoveObjectOptions{})
	if err != nil && !notFound(err) {
		return fmt.Errorf("blobstore: s3: remove %s: %w", hash, err)
	}
	return nil
}

// Verify reads the chunk and checks its SHA-256 (Open does).
func (s *S3) Verify(hash string) error {
	r, err := s.Open(hash)
	if err != nil {
		return err
	}
	return r.Close()
}

// Walk lists every chunk object under the prefix.
func (s *S3) Walk(fn func(hash string, size int64, mod time.Time) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for obj := range s.c.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix + "chunks/", Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("blobstore: s3: list %s: %w", s, obj.Err)
		}
		h := path.Base(obj.Key)
		if !ValidHash(h) {
			continue
		}
		if err := fn(h, obj.Size, obj.LastModified); err != nil {
			return err
		}
	}
	return nil
}
