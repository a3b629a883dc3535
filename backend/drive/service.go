package drive

import (
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/drive/blobstore"
	"tack/backend/org"
	"tack/backend/store"
)

// Config holds the drive's policies. Zero values get the defaults below.
type Config struct {
	TrashRetention time.Duration // how long trashed items are kept (default 30 days)
	MaxVersions    int           // versions kept per file, newest first (default 50)
	VersionMaxAge  time.Duration // older non-current versions are pruned (default 180 days; <0 keeps all)
	UploadTTL      time.Duration // an upload session expires this long after it started (default 24 h)
	GCGrace        time.Duration // an unreferenced chunk is removed only when unused this long (default 1 h)
	DefaultQuota   int64         // bytes per new space, 0 = unlimited
	MaxFileSize    int64         // largest file, 0 = unlimited
	MaxSmallUpload int64         // largest single-request upload (default 1 GiB)
	MaxChunkSize   int           // largest chunk accepted (default 16 MiB)
	BatchMaxItems  int           // files per batch upload (default 1000)
	BatchMaxFile   int64         // largest file of a batch upload (default 4 MiB)
	BatchMaxBytes  int64         // bytes of all files of a batch upload (default 32 MiB)
	FeedPoll       time.Duration // how often a waiting change feed re-reads the database (default 1 s)
	JobInterval    time.Duration // how often the maintenance job runs (default 10 min)
	MaxOpenUploads int           // unfinished chunked uploads per person (default 32; quota.go)
	MaxPendingSize int64         // bytes their unfinished uploads may announce together (default 64 GiB)
	// PresignOver turns on presigned downloads (presign.go): a file of at
	// least this many bytes, on a store that gives out direct links (S3),
	// is answered with a redirect to a link valid for PresignExpiry
	// (default 5 min). 0 = off.
	PresignOver   int64
	PresignExpiry time.Duration
}

func (c *Config) defaults() {
	if c.TrashRetention <= 0 {
		c.TrashRetention = 30 * 24 * time.Hour
	}
	if c.MaxVersions <= 0 {
		c.MaxVersions = 50
	}
	if c.VersionMaxAge == 0 {
		c.VersionMaxAge = 180 * 24 * time.Hour
	}
	if c.PresignExpiry <= 0 {
		c.PresignExpiry = 5 * time.Minute
	}
	if c.UploadTTL <= 0 {
		c.UploadTTL = 24 * time.Hour
	}
	if c.GCGrace <= 0 {
		c.GCGrace = time.Hour
	}
	if c.MaxSmallUpload <= 0 {
		c.MaxSmallUpload = 1 << 30
	}
	if c.MaxChunkSize <= 0 {
		c.MaxChunkSize = 16 << 20
	}
	if c.BatchMaxItems <= 0 {
		c.BatchMaxItems = 1000
	}
	if c.BatchMaxFile <= 0 {
		c.BatchMaxFile = 4 << 20
	}
	if c.BatchMaxBytes <= 0 {
		c.BatchMaxBytes = 32 << 20
	}
	if c.FeedPoll <= 0 {
		c.FeedPoll = time.Second
	}
	if c.JobInterval <= 0 {
		c.JobInterval = 10 * time.Minute
	}
	if c.MaxOpenUploads <= 0 {
		c.MaxOpenUploads = 32
	}
	if c.MaxPendingSize <= 0 {
		c.MaxPendingSize = 64 << 30
	}
}

// Service is the drive domain.
type Service struct {
	db    *gorm.DB
	clock clock.Clock
	org   *org.Service
	blobs blobstore.Store
	cfg   Config
	feed  *waker
	runs  *runHashes   // uploads' whole-content hashes (uploads_runhash.go)
	links *directLinks // whole-file objects being written (presign.go)
}

// NewService builds the drive service over a migrated database and a blob
// store (see blobstore.Open).
func NewService(db *gorm.DB, clk clock.Clock, orgSvc *org.Service, blobs blobstore.Store, cfg Config) *Service {
	cfg.defaults()
	open := func(h string) (io.ReadCloser, error) { return blobs.Open(h) }
	return &Service{db: db, clock: clk, org: orgSvc, blobs: blobs, cfg: cfg, feed: newWaker(), runs: newRunHashes(open),
		links: newDirectLinks()}
}

// Blobs is the chunk store (for backup tooling).
func (s *Service) Blobs() blobstore.Store { return s.blobs }

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

func newID() string { return store.NewID() }

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("drive: %s: %w", op, err)
}
