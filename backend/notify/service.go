package notify

import (
	"context"
	"crypto/tls"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/store"
	"tack/backend/workcal"
)

// Person is a directory entry.
type Person struct {
	ID           string
	Name         string
	Email        string
	DepartmentID string
	Active       bool
	Locale       string // "zh-CN", "en" or "" (Chinese)
}

// Directory is the slice of the org directory notify needs (implemented over
// org.Service by package notifyorg).
type Directory interface {
	People(ctx context.Context, ids []string) (map[string]Person, error)
	// Audience returns the active people of the departments and their
	// sub-departments, or everyone active when all is true.
	Audience(ctx context.Context, all bool, departmentIDs []string) ([]Person, error)
}

// Config tunes the notification policies.
type Config struct {
	DingDailyLimit int // DINGs one person may send per day (default 20)
	// EscalationDailyLimit is how many automatic DINGs (escalation policy)
	// one person receives per day at most (default 5).
	EscalationDailyLimit int
	PublisherRoles       []string // roles allowed to publish announcements (default admin, hr)
	// WorkHours says whether a moment is inside working hours (the server
	// wires workcal.Service.InWorkingHours; default the standard week,
	// workcal.Standard, in Location). Escalation waits 2 h inside, 12 h
	// outside, and never DINGs a backlog outside them.
	WorkHours func(t time.Time) bool
	// Location is the company time zone (workcal.Service.Location): the
	// DING daily limits count days there. Default Asia/Shanghai.
	Location *time.Location
	DSN      string // PostgreSQL DSN for LISTEN/NOTIFY; empty on SQLite
	// ReplayWindow is how many of the newest events a reconnecting stream's
	// replay looks through at most (default 10,000), whatever Last-Event-ID
	// the client sends: recipients are matched in a JSON text column, so an
	// unbounded replay would read the whole events table on every
	// reconnect of any client that says "from 0". A client further behind
	// misses only live pokes; its notifications are rows of its own.
	ReplayWindow int64
}

// Service owns notifications, the live hub, DING and announcements.
type Service struct {
	db  *gorm.DB
	clk clock.Clock
	dir Directory
	cfg Config
	hub *Hub
	// subjects decide who may see a DING's approval or meeting (SetSubjectAccess).
	subjects map[string]SubjectAccess
	// emailTLS verifies the mail server (nil: the system's roots); tests
	// set it to trust their own server.
	emailTLS *tls.Config
	// lease decides which replica writes the notifications (PostgreSQL;
	// Dispatcher); written counts the events this process wrote them for.
	lease   store.Lease
	written atomic.Int64
}

// NewService builds the service. cfg may be zero for the defaults.
func NewService(db *gorm.DB, clk clock.Clock, dir Directory, cfg Config) *Service {
	if cfg.DingDailyLimit <= 0 {
		cfg.DingDailyLimit = 20
	}
	if cfg.EscalationDailyLimit <= 0 {
		cfg.EscalationDailyLimit = 5
	}
	if len(cfg.PublisherRoles) == 0 {
		cfg.PublisherRoles = []string{"admin", "hr"}
	}
	if cfg.ReplayWindow <= 0 {
		cfg.ReplayWindow = 10_000
	}
	if cfg.Location == nil {
		cfg.Location, _ = workcal.LoadZone("")
	}
	if cfg.WorkHours == nil {
		cfg.WorkHours = workcal.Standard(cfg.Location).InWorkingHours
	}
	return &Service{db: db, clk: clk, dir: dir, cfg: cfg, hub: NewHub(), lease: store.Lease{Name: dispatchLease}}
}

// Hub is the in-process fan-out to live SSE subscribers.
func (s *Service) Hub() *Hub { return s.hub }

// dayStart is the start of t's day in the company zone: DING limits are
// per calendar day there.
func (s *Service) dayStart(t time.Time) time.Time {
	return workcal.Standard(s.cfg.Location).DayStart(t).UTC()
}
